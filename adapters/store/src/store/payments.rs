//! The [`PaymentStore`](giftgate_actors::ports::PaymentStore) role on both backends: reads
//! of the `payments` table.

/// Implements [`PaymentStore`](giftgate_actors::ports::PaymentStore) for `$store`, whose
/// `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_payment_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{Msisdn, OrderId, Payment};
            use giftgate_actors::ports::{PaymentStore, StoreError};

            use crate::error::db_error;
            use crate::rows::PaymentRow;
            use crate::sql;

            #[async_trait::async_trait]
            impl PaymentStore for $store {
                async fn payment(&self, order_id: &OrderId) -> Result<Option<Payment>, StoreError> {
                    sqlx::query_as::<$db, PaymentRow>(sql::PAYMENT)
                        .bind(order_id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Payment::try_from)
                        .transpose()
                }

                async fn carrier_billed_since(
                    &self,
                    msisdn: &Msisdn,
                    since: DateTime<Utc>,
                    currency: &str,
                ) -> Result<i64, StoreError> {
                    sqlx::query_scalar::<$db, i64>(sql::CARRIER_BILLED_SINCE)
                        .bind(msisdn.as_str().to_owned())
                        .bind(since)
                        .bind(currency.to_ascii_uppercase())
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_error)
                }
            }
        };
    };
}

impl_payment_store!(crate::PgStore, sqlx::Postgres);
impl_payment_store!(crate::SqliteStore, sqlx::Sqlite);
