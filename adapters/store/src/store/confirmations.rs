//! The [`ConfirmationStore`](giftgate_actors::ports::ConfirmationStore) role on both
//! backends: reads of the `confirmations` table.

/// Implements [`ConfirmationStore`](giftgate_actors::ports::ConfirmationStore) for
/// `$store`, whose `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_confirmation_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{Confirmation, ConfirmationId, Msisdn};
            use giftgate_actors::ports::{ConfirmationStore, StoreError};

            use crate::error::db_error;
            use crate::rows::{ConfirmationRow, convert};
            use crate::sql;

            #[async_trait::async_trait]
            impl ConfirmationStore for $store {
                async fn confirmation(
                    &self,
                    id: &ConfirmationId,
                ) -> Result<Option<Confirmation>, StoreError> {
                    sqlx::query_as::<$db, ConfirmationRow>(sql::CONFIRMATION)
                        .bind(id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Confirmation::try_from)
                        .transpose()
                }

                async fn confirmations_waiting(
                    &self,
                    msisdn: &Msisdn,
                ) -> Result<Vec<Confirmation>, StoreError> {
                    let rows = sqlx::query_as::<$db, ConfirmationRow>(sql::CONFIRMATIONS_WAITING)
                        .bind(msisdn.as_str().to_owned())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn confirmations_due(
                    &self,
                    now: DateTime<Utc>,
                    limit: u32,
                ) -> Result<Vec<Confirmation>, StoreError> {
                    let rows = sqlx::query_as::<$db, ConfirmationRow>(sql::CONFIRMATIONS_DUE)
                        .bind(now)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }
            }
        };
    };
}

impl_confirmation_store!(crate::PgStore, sqlx::Postgres);
impl_confirmation_store!(crate::SqliteStore, sqlx::Sqlite);
