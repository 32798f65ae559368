//! The [`GiftStore`](giftgate_actors::ports::GiftStore) role on both backends: reads of the
//! `gifts` table.

/// Implements [`GiftStore`](giftgate_actors::ports::GiftStore) for `$store`, whose `pool`
/// is a `sqlx::Pool<$db>`.
macro_rules! impl_gift_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{Gift, GiftId, Msisdn};
            use giftgate_actors::ports::{GiftStore, StoreError};

            use crate::error::db_error;
            use crate::rows::{GiftRow, convert};
            use crate::sql;

            #[async_trait::async_trait]
            impl GiftStore for $store {
                async fn gift(&self, id: &GiftId) -> Result<Option<Gift>, StoreError> {
                    sqlx::query_as::<$db, GiftRow>(sql::GIFT)
                        .bind(id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Gift::try_from)
                        .transpose()
                }

                async fn gifts_of(&self, msisdn: &Msisdn) -> Result<Vec<Gift>, StoreError> {
                    let rows = sqlx::query_as::<$db, GiftRow>(sql::GIFTS_OF)
                        .bind(msisdn.as_str().to_owned())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn gifts_due(
                    &self,
                    now: DateTime<Utc>,
                    limit: u32,
                ) -> Result<Vec<Gift>, StoreError> {
                    let rows = sqlx::query_as::<$db, GiftRow>(sql::GIFTS_DUE)
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

impl_gift_store!(crate::PgStore, sqlx::Postgres);
impl_gift_store!(crate::SqliteStore, sqlx::Sqlite);
