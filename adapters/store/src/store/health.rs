//! The [`HealthStore`](giftgate_actors::ports::HealthStore) role on both backends.

/// Implements [`HealthStore`](giftgate_actors::ports::HealthStore) for `$store`, whose
/// `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_health_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use giftgate_actors::ports::{HealthStore, StoreError};

            use crate::error::db_error;

            use crate::sql;

            #[async_trait::async_trait]
            impl HealthStore for $store {
                async fn ping(&self) -> Result<(), StoreError> {
                    sqlx::query(sql::PING)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }
            }
        };
    };
}

impl_health_store!(crate::PgStore, sqlx::Postgres);
impl_health_store!(crate::SqliteStore, sqlx::Sqlite);
