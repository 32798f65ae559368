//! The [`OutboxStore`](giftgate_actors::ports::OutboxStore) role on both backends: the
//! dispatchers' side of the `outbox` table. An outbox claim locks its rows on PostgreSQL
//! (`FOR UPDATE SKIP LOCKED`, the backend's `CLAIM_LOCK`); SQLite has one writer at a time
//! and needs none.

/// Implements [`OutboxStore`](giftgate_actors::ports::OutboxStore) for `$store`, whose
/// `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_outbox_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{OutboxChannel, OutboxRecord};
            use giftgate_actors::ports::{OutboxStore, StoreError};
            use sqlx::QueryBuilder;

            use crate::error::db_error;
            use crate::rows::{OutboxRow, convert};
            use crate::sql;
            use crate::store::ROWS_PER_INSERT;

            #[async_trait::async_trait]
            impl OutboxStore for $store {
                async fn outbox_due(
                    &self,
                    channel: OutboxChannel,
                    now: DateTime<Utc>,
                    limit: u32,
                ) -> Result<Vec<OutboxRecord>, StoreError> {
                    let rows = sqlx::query_as::<$db, OutboxRow>(sql::OUTBOX_DUE)
                        .bind(channel.as_str())
                        .bind(now)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    let mut due = Vec::with_capacity(rows.len());
                    for row in rows {
                        let id = row.id;
                        match OutboxRecord::try_from(row) {
                            Ok(record) => due.push(record),
                            Err(error) => {
                                // A payload that does not read back would block its channel
                                // forever; park it (kept, with its reason) and go on.
                                tracing::error!(
                                    outbox_id = id,
                                    %error,
                                    "parking an unreadable outbox entry"
                                );
                                self.outbox_park(id, &error.to_string()).await?;
                            }
                        }
                    }
                    Ok(due)
                }

                async fn outbox_claim(
                    &self,
                    channel: OutboxChannel,
                    now: DateTime<Utc>,
                    limit: u32,
                    lease_until: DateTime<Utc>,
                ) -> Result<Vec<OutboxRecord>, StoreError> {
                    let query = sql::outbox_claim(<$store>::CLAIM_LOCK);
                    let mut rows = sqlx::query_as::<$db, OutboxRow>(sqlx::AssertSqlSafe(query))
                        .bind(channel.as_str())
                        .bind(now)
                        .bind(lease_until)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    rows.sort_by_key(|row| row.id);
                    let mut claimed = Vec::with_capacity(rows.len());
                    for row in rows {
                        let id = row.id;
                        match OutboxRecord::try_from(row) {
                            Ok(record) => claimed.push(record),
                            Err(error) => {
                                tracing::error!(
                                    outbox_id = id,
                                    %error,
                                    "parking an unreadable outbox entry"
                                );
                                self.outbox_park(id, &error.to_string()).await?;
                            }
                        }
                    }
                    Ok(claimed)
                }

                async fn outbox_delivered(&self, ids: &[i64]) -> Result<(), StoreError> {
                    let now = Utc::now();
                    for chunk in ids.chunks(ROWS_PER_INSERT) {
                        let mut update = QueryBuilder::<$db>::new(sql::OUTBOX_DELIVERED_HEAD);
                        update.push_bind(now);
                        update.push(" WHERE delivered_at IS NULL AND id IN (");
                        let mut listed = update.separated(", ");
                        for id in chunk {
                            listed.push_bind(*id);
                        }
                        update.push(")");
                        update.build().execute(&self.pool).await.map_err(db_error)?;
                    }
                    Ok(())
                }

                async fn outbox_release(&self, ids: &[i64]) -> Result<(), StoreError> {
                    for chunk in ids.chunks(ROWS_PER_INSERT) {
                        let mut update = QueryBuilder::<$db>::new(
                            "UPDATE outbox SET next_attempt_at = NULL \
                             WHERE delivered_at IS NULL AND id IN (",
                        );
                        let mut listed = update.separated(", ");
                        for id in chunk {
                            listed.push_bind(*id);
                        }
                        update.push(")");
                        update.build().execute(&self.pool).await.map_err(db_error)?;
                    }
                    Ok(())
                }

                async fn outbox_retry_at(
                    &self,
                    id: i64,
                    error: &str,
                    next_attempt_at: DateTime<Utc>,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query(sql::OUTBOX_RETRY_AT)
                        .bind(id)
                        .bind(error.to_owned())
                        .bind(next_attempt_at)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound(format!("outbox entry {id}")));
                    }
                    Ok(())
                }

                async fn outbox_park(&self, id: i64, reason: &str) -> Result<(), StoreError> {
                    let done = sqlx::query(sql::OUTBOX_PARK)
                        .bind(id)
                        .bind(reason.to_owned())
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound(format!("outbox entry {id}")));
                    }
                    Ok(())
                }

                async fn outbox_pending(
                    &self,
                    limit: u32,
                ) -> Result<Vec<OutboxRecord>, StoreError> {
                    let rows = sqlx::query_as::<$db, OutboxRow>(sql::OUTBOX_PENDING)
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

impl_outbox_store!(crate::PgStore, sqlx::Postgres);
impl_outbox_store!(crate::SqliteStore, sqlx::Sqlite);
