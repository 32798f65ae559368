//! The [`MessageStore`](giftgate_actors::ports::MessageStore) role on both backends:
//! handset messages with their provider ids, and whether a handset can receive MMS.

/// Implements [`MessageStore`](giftgate_actors::ports::MessageStore) for `$store`, whose
/// `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_message_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::Utc;
            use giftgate_actors::domain::{MessageRecord, Msisdn};
            use giftgate_actors::ports::{MessageStore, StoreError};

            use crate::error::db_error;
            use crate::rows::MessageRow;
            use crate::sql;

            async fn message_with_ids(
                pool: &sqlx::Pool<$db>,
                row: Option<MessageRow>,
            ) -> Result<Option<MessageRecord>, StoreError> {
                let Some(row) = row else {
                    return Ok(None);
                };
                let ids = sqlx::query_as::<$db, (String, String)>(sql::MESSAGE_PROVIDER_IDS)
                    .bind(row.message_id.clone())
                    .fetch_all(pool)
                    .await
                    .map_err(db_error)?;
                row.into_record(ids).map(Some)
            }

            #[async_trait::async_trait]
            impl MessageStore for $store {
                async fn set_mms_capable(
                    &self,
                    msisdn: &Msisdn,
                    capable: bool,
                ) -> Result<(), StoreError> {
                    sqlx::query(sql::SET_MMS_CAPABLE)
                        .bind(msisdn.as_str().to_owned())
                        .bind(Utc::now())
                        .bind(capable)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn mms_capable(&self, msisdn: &Msisdn) -> Result<bool, StoreError> {
                    Ok(sqlx::query_scalar::<$db, bool>(sql::MMS_CAPABLE)
                        .bind(msisdn.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .unwrap_or(true))
                }

                async fn message(
                    &self,
                    message_id: &str,
                ) -> Result<Option<MessageRecord>, StoreError> {
                    let row = sqlx::query_as::<$db, MessageRow>(sql::MESSAGE)
                        .bind(message_id.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    message_with_ids(&self.pool, row).await
                }

                async fn message_by_provider_id(
                    &self,
                    channel: &str,
                    provider_id: &str,
                ) -> Result<Option<MessageRecord>, StoreError> {
                    let row = sqlx::query_as::<$db, MessageRow>(sql::MESSAGE_BY_PROVIDER_ID)
                        .bind(channel.to_owned())
                        .bind(provider_id.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    message_with_ids(&self.pool, row).await
                }
            }
        };
    };
}

impl_message_store!(crate::PgStore, sqlx::Postgres);
impl_message_store!(crate::SqliteStore, sqlx::Sqlite);
