//! The [`RedemptionStore`](giftgate_actors::ports::RedemptionStore) role on both backends:
//! reads of the `redemptions` table and the per-merchant wrong-PIN counts.

/// Implements [`RedemptionStore`](giftgate_actors::ports::RedemptionStore) for `$store`,
/// whose `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_redemption_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{CertificateCode, Redemption};
            use giftgate_actors::ports::{RedemptionStore, StoreError};

            use crate::error::db_error;
            use crate::rows::RedemptionRow;
            use crate::sql;

            #[async_trait::async_trait]
            impl RedemptionStore for $store {
                async fn redemption(&self, id: &str) -> Result<Option<Redemption>, StoreError> {
                    sqlx::query_as::<$db, RedemptionRow>(sql::REDEMPTION)
                        .bind(id.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Redemption::try_from)
                        .transpose()
                }

                async fn redemption_by_key(
                    &self,
                    merchant_id: &str,
                    key: &str,
                ) -> Result<Option<Redemption>, StoreError> {
                    sqlx::query_as::<$db, RedemptionRow>(sql::REDEMPTION_BY_KEY)
                        .bind(merchant_id.to_owned())
                        .bind(key.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Redemption::try_from)
                        .transpose()
                }

                async fn merchant_pin_lock(
                    &self,
                    code: &CertificateCode,
                    merchant_id: &str,
                ) -> Result<Option<DateTime<Utc>>, StoreError> {
                    let until: Option<Option<DateTime<Utc>>> =
                        sqlx::query_scalar::<$db, Option<DateTime<Utc>>>(sql::MERCHANT_PIN_LOCK)
                            .bind(code.as_str().to_owned())
                            .bind(merchant_id.to_owned())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(db_error)?;
                    Ok(until.flatten())
                }

                async fn count_merchant_pin_failure(
                    &self,
                    code: &CertificateCode,
                    merchant_id: &str,
                    limit: u32,
                    lock_until: DateTime<Utc>,
                ) -> Result<bool, StoreError> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let failures: i64 =
                        sqlx::query_scalar::<$db, i64>(sql::COUNT_MERCHANT_PIN_FAILURE)
                            .bind(code.as_str().to_owned())
                            .bind(merchant_id.to_owned())
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    let locks = failures >= i64::from(limit);
                    if locks {
                        sqlx::query(sql::LOCK_MERCHANT_PIN)
                            .bind(code.as_str().to_owned())
                            .bind(merchant_id.to_owned())
                            .bind(lock_until)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    }
                    tx.commit().await.map_err(db_error)?;
                    Ok(locks)
                }

                async fn clear_merchant_pin_failures(
                    &self,
                    code: &CertificateCode,
                    merchant_id: &str,
                ) -> Result<(), StoreError> {
                    sqlx::query(sql::CLEAR_MERCHANT_PIN_FAILURES)
                        .bind(code.as_str().to_owned())
                        .bind(merchant_id.to_owned())
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }
            }
        };
    };
}

impl_redemption_store!(crate::PgStore, sqlx::Postgres);
impl_redemption_store!(crate::SqliteStore, sqlx::Sqlite);
