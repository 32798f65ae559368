//! The [`KeyStore`](giftgate_actors::ports::KeyStore) role on both backends: the `api_keys` table.

/// Implements [`KeyStore`](giftgate_actors::ports::KeyStore) for `$store`, whose `pool` is
/// a `sqlx::Pool<$db>`.
macro_rules! impl_key_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};

            use giftgate_actors::ports::{ApiKeyRecord, KeyKind, KeyStore, StoreError};

            use crate::error::db_error;
            use crate::rows::ApiKeyRow;
            use crate::sql;

            #[async_trait::async_trait]
            impl KeyStore for $store {
                async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
                    sqlx::query(sql::INSERT_API_KEY)
                        .bind(key.holder_id.clone())
                        .bind(key.kind.as_str())
                        .bind(key.name.clone())
                        .bind(key.secret_hash.clone())
                        .bind(key.created_at)
                        .bind(key.scopes.join(","))
                        .bind(key.revoked_at)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn api_key(
                    &self,
                    holder_id: &str,
                ) -> Result<Option<ApiKeyRecord>, StoreError> {
                    sqlx::query_as::<$db, ApiKeyRow>(sql::API_KEY)
                        .bind(holder_id.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(ApiKeyRecord::try_from)
                        .transpose()
                }

                async fn rotate_api_key(
                    &self,
                    holder_id: &str,
                    kind: KeyKind,
                    secret_hash: &str,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(sql::ROTATE_API_KEY)
                        .bind(holder_id.to_owned())
                        .bind(kind.as_str())
                        .bind(secret_hash.to_owned())
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn revoke_api_key(
                    &self,
                    holder_id: &str,
                    kind: KeyKind,
                    at: DateTime<Utc>,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(sql::REVOKE_API_KEY)
                        .bind(holder_id.to_owned())
                        .bind(kind.as_str())
                        .bind(at)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
                }
            }
        };
    };
}

impl_key_store!(crate::PgStore, sqlx::Postgres);
impl_key_store!(crate::SqliteStore, sqlx::Sqlite);
