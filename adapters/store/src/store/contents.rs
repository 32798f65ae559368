//! The [`ContentStore`](giftgate_actors::ports::ContentStore) role on both backends: the
//! `contents` table (MMS images and cards).

/// Implements [`ContentStore`](giftgate_actors::ports::ContentStore) for `$store`, whose
/// `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_content_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use giftgate_actors::domain::{ContentId, ContentItem};
            use giftgate_actors::ports::{ContentStore, StoreError};

            use crate::error::db_error;
            use crate::rows::{ContentRow, ContentSummaryRow};
            use crate::sql;

            #[async_trait::async_trait]
            impl ContentStore for $store {
                async fn upsert_content(&self, item: &ContentItem) -> Result<(), StoreError> {
                    sqlx::query(sql::UPSERT_CONTENT)
                        .bind(item.id.as_str().to_owned())
                        .bind(item.kind.clone())
                        .bind(item.title.clone())
                        .bind(item.mime.clone())
                        .bind(item.bytes.clone())
                        .bind(item.created_at)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn content(&self, id: &ContentId) -> Result<Option<ContentItem>, StoreError> {
                    sqlx::query_as::<$db, ContentRow>(sql::CONTENT)
                        .bind(id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(ContentItem::try_from)
                        .transpose()
                }

                async fn contents(&self) -> Result<Vec<(ContentItem, i64)>, StoreError> {
                    sqlx::query_as::<$db, ContentSummaryRow>(sql::CONTENTS)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?
                        .into_iter()
                        .map(ContentSummaryRow::into_summary)
                        .collect()
                }
            }
        };
    };
}

impl_content_store!(crate::PgStore, sqlx::Postgres);
impl_content_store!(crate::SqliteStore, sqlx::Sqlite);
