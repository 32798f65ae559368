//! The [`SecretStore`](giftgate_actors::ports::SecretStore) role on both backends: sealed
//! PINs and refund account numbers, read in key order and resealed one by one.

/// Implements [`SecretStore`](giftgate_actors::ports::SecretStore) for `$store`, whose
/// `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_secret_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use giftgate_actors::ports::{SealedSecret, SecretKind, SecretStore, StoreError};

            use crate::error::db_error;

            use crate::sql;

            #[async_trait::async_trait]
            impl SecretStore for $store {
                async fn sealed_secrets(
                    &self,
                    kind: SecretKind,
                    after: Option<&str>,
                    limit: u32,
                ) -> Result<Vec<SealedSecret>, StoreError> {
                    let query = match kind {
                        SecretKind::CertificatePin => sql::PINS_AFTER,
                        SecretKind::RefundAccountNumber => sql::ACCOUNTS_AFTER,
                    };
                    let rows: Vec<(String, String)> =
                        sqlx::query_as::<$db, (String, String)>(query)
                            .bind(after.unwrap_or_default().to_owned())
                            .bind(i64::from(limit))
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                    Ok(rows
                        .into_iter()
                        .map(|(key, sealed)| SealedSecret { key, sealed })
                        .collect())
                }

                async fn reseal_secret(
                    &self,
                    kind: SecretKind,
                    key: &str,
                    sealed: &str,
                    resealed: &str,
                ) -> Result<bool, StoreError> {
                    let query = match kind {
                        SecretKind::CertificatePin => sql::RESEAL_PIN,
                        SecretKind::RefundAccountNumber => sql::RESEAL_ACCOUNT,
                    };
                    let done = sqlx::query(query)
                        .bind(key.to_owned())
                        .bind(sealed.to_owned())
                        .bind(resealed.to_owned())
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
                }
            }
        };
    };
}

impl_secret_store!(crate::PgStore, sqlx::Postgres);
impl_secret_store!(crate::SqliteStore, sqlx::Sqlite);
