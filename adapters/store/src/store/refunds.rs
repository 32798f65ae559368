//! The [`RefundStore`](giftgate_actors::ports::RefundStore) role on both backends: the
//! refund queue and the refund accounts.

/// Implements [`RefundStore`](giftgate_actors::ports::RefundStore) for `$store`, whose
/// `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_refund_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{CertificateCode, Msisdn, QueuedRefund, RefundAccount};
            use giftgate_actors::ports::{RefundStore, StoreError};

            use crate::error::db_error;
            use crate::rows::{QueuedRefundRow, RefundAccountRow, convert};
            use crate::sql;

            #[async_trait::async_trait]
            impl RefundStore for $store {
                async fn queued_refund(
                    &self,
                    code: &CertificateCode,
                ) -> Result<Option<QueuedRefund>, StoreError> {
                    sqlx::query_as::<$db, QueuedRefundRow>(sql::QUEUED_REFUND)
                        .bind(code.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(QueuedRefund::try_from)
                        .transpose()
                }

                async fn queued_refunds_of(
                    &self,
                    payee: &Msisdn,
                ) -> Result<Vec<QueuedRefund>, StoreError> {
                    let rows = sqlx::query_as::<$db, QueuedRefundRow>(sql::QUEUED_REFUNDS_OF)
                        .bind(payee.as_str().to_owned())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn set_refund_account(
                    &self,
                    account: &RefundAccount,
                    now: DateTime<Utc>,
                ) -> Result<(), StoreError> {
                    sqlx::query(sql::UPSERT_REFUND_ACCOUNT)
                        .bind(account.msisdn.as_str().to_owned())
                        .bind(account.bank.clone())
                        .bind(account.account.clone())
                        .bind(account.holder.clone())
                        .bind(now)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn refund_account(
                    &self,
                    msisdn: &Msisdn,
                ) -> Result<Option<RefundAccount>, StoreError> {
                    Ok(sqlx::query_as::<$db, RefundAccountRow>(sql::REFUND_ACCOUNT)
                        .bind(msisdn.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(RefundAccount::from))
                }
            }
        };
    };
}

impl_refund_store!(crate::PgStore, sqlx::Postgres);
impl_refund_store!(crate::SqliteStore, sqlx::Sqlite);
