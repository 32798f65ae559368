//! The [`OrderStore`](giftgate_actors::ports::OrderStore) role on both backends: the
//! `orders` table (one insert or a batch of them, chunked by
//! [`ROWS_PER_INSERT`](super::ROWS_PER_INSERT)) and the redelivery counts.

/// Implements [`OrderStore`](giftgate_actors::ports::OrderStore) for `$store`, whose `pool`
/// is a `sqlx::Pool<$db>`.
macro_rules! impl_order_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{OrderId, OrderRecord};
            use giftgate_actors::ports::{OrderStore, StoreError};
            use sqlx::QueryBuilder;

            use crate::error::{db_error, other};
            use crate::rows::{OrderRow, convert};
            use crate::sql;
            use crate::store::ROWS_PER_INSERT;

            #[async_trait::async_trait]
            impl OrderStore for $store {
                async fn insert_order(
                    &self,
                    order: &OrderRecord,
                ) -> Result<Option<OrderRecord>, StoreError> {
                    let inserted = sqlx::query(sql::INSERT_ORDER)
                        .bind(order.order_id.as_str().to_owned())
                        .bind(order.order_type.clone())
                        .bind(order.msisdn.as_str().to_owned())
                        .bind(order.body.to_string())
                        .bind(order.status.as_str())
                        .bind(order.reason.clone())
                        .bind(order.detail.clone())
                        .bind(order.outcome.as_ref().map(|outcome| outcome.to_string()))
                        .bind(order.reply_to.clone())
                        .bind(order.correlation_id.clone())
                        .bind(order.created_at)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    if inserted.rows_affected() == 1 {
                        return Ok(None);
                    }
                    match self.order(&order.order_id).await? {
                        Some(first) => Ok(Some(first)),
                        None => Err(StoreError::NotFound(format!(
                            "order {} was neither inserted nor found",
                            order.order_id
                        ))),
                    }
                }

                async fn insert_orders(
                    &self,
                    orders: &[OrderRecord],
                ) -> Result<Vec<OrderId>, StoreError> {
                    let mut inserted = Vec::with_capacity(orders.len());
                    for chunk in orders.chunks(ROWS_PER_INSERT) {
                        let mut insert = QueryBuilder::<$db>::new(sql::INSERT_ORDERS);
                        insert.push_values(chunk, |mut row, order| {
                            row.push_bind(order.order_id.as_str().to_owned())
                                .push_bind(order.order_type.clone())
                                .push_bind(order.msisdn.as_str().to_owned())
                                .push_bind(order.body.to_string())
                                .push_bind(order.status.as_str())
                                .push_bind(order.reason.clone())
                                .push_bind(order.detail.clone())
                                .push_bind(
                                    order.outcome.as_ref().map(|outcome| outcome.to_string()),
                                )
                                .push_bind(order.reply_to.clone())
                                .push_bind(order.correlation_id.clone())
                                .push_bind(order.created_at)
                                .push_bind(order.created_at);
                        });
                        insert.push(sql::INSERT_ORDERS_TAIL);
                        let ids: Vec<String> = insert
                            .build_query_scalar()
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                        for id in ids {
                            inserted.push(
                                OrderId::parse(&id)
                                    .map_err(|e| StoreError::Corrupt(format!("order_id: {e}")))?,
                            );
                        }
                    }
                    Ok(inserted)
                }

                async fn order(&self, id: &OrderId) -> Result<Option<OrderRecord>, StoreError> {
                    sqlx::query_as::<$db, OrderRow>(sql::ORDER)
                        .bind(id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(OrderRecord::try_from)
                        .transpose()
                }

                async fn pending_orders(
                    &self,
                    before: DateTime<Utc>,
                    limit: u32,
                ) -> Result<Vec<OrderRecord>, StoreError> {
                    let rows = sqlx::query_as::<$db, OrderRow>(sql::PENDING_ORDERS)
                        .bind(before)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn count_redelivery(
                    &self,
                    order_id: &OrderId,
                    now: DateTime<Utc>,
                ) -> Result<u32, StoreError> {
                    let attempts: i32 = sqlx::query_scalar(sql::COUNT_REDELIVERY)
                        .bind(order_id.as_str().to_owned())
                        .bind(now)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_error)?;
                    u32::try_from(attempts)
                        .map_err(|_| other(format!("negative attempt count for {order_id}")))
                }

                async fn prune_redeliveries(
                    &self,
                    before: DateTime<Utc>,
                ) -> Result<u64, StoreError> {
                    let done = sqlx::query(sql::PRUNE_REDELIVERIES)
                        .bind(before)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected())
                }
            }
        };
    };
}

impl_order_store!(crate::PgStore, sqlx::Postgres);
impl_order_store!(crate::SqliteStore, sqlx::Sqlite);
