//! The [`CatalogueStore`](giftgate_actors::ports::CatalogueStore) role on both backends:
//! the `products` table.

/// Implements [`CatalogueStore`](giftgate_actors::ports::CatalogueStore) for `$store`,
/// whose `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_catalogue_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use giftgate_actors::domain::{Product, ProductId};
            use giftgate_actors::ports::{CatalogueStore, StoreError};

            use crate::error::db_error;
            use crate::rows::{ProductRow, convert};
            use crate::sql;

            #[async_trait::async_trait]
            impl CatalogueStore for $store {
                async fn upsert_product(&self, product: &Product) -> Result<(), StoreError> {
                    sqlx::query(sql::UPSERT_PRODUCT)
                        .bind(product.id.as_str().to_owned())
                        .bind(product.issuer.clone())
                        .bind(product.category.as_str())
                        .bind(product.name.clone())
                        .bind(product.face_value.to_minor_units())
                        .bind(product.face_value.currency().code())
                        .bind(product.validity_days.map(i64::from))
                        .bind(product.active)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn product(&self, id: &ProductId) -> Result<Option<Product>, StoreError> {
                    sqlx::query_as::<$db, ProductRow>(sql::PRODUCT)
                        .bind(id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Product::try_from)
                        .transpose()
                }

                async fn products(&self) -> Result<Vec<Product>, StoreError> {
                    let rows = sqlx::query_as::<$db, ProductRow>(sql::PRODUCTS)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }
            }
        };
    };
}

impl_catalogue_store!(crate::PgStore, sqlx::Postgres);
impl_catalogue_store!(crate::SqliteStore, sqlx::Sqlite);
