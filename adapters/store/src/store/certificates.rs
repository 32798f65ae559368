//! The [`CertificateStore`](giftgate_actors::ports::CertificateStore) role on both
//! backends: reads of the `certificates` table.

/// Implements [`CertificateStore`](giftgate_actors::ports::CertificateStore) for `$store`,
/// whose `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_certificate_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{Certificate, CertificateCode, Msisdn, OrderId};
            use giftgate_actors::ports::{CertificateStore, StoreError};

            use crate::error::db_error;
            use crate::rows::{CertificateRow, convert};
            use crate::sql;

            #[async_trait::async_trait]
            impl CertificateStore for $store {
                async fn certificate(
                    &self,
                    code: &CertificateCode,
                ) -> Result<Option<Certificate>, StoreError> {
                    sqlx::query_as::<$db, CertificateRow>(sql::CERTIFICATE)
                        .bind(code.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Certificate::try_from)
                        .transpose()
                }

                async fn certificates_of(
                    &self,
                    owner: &Msisdn,
                ) -> Result<Vec<Certificate>, StoreError> {
                    let rows = sqlx::query_as::<$db, CertificateRow>(sql::CERTIFICATES_OF_OWNER)
                        .bind(owner.as_str().to_owned())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn certificates_of_order(
                    &self,
                    order_id: &OrderId,
                ) -> Result<Vec<Certificate>, StoreError> {
                    let rows = sqlx::query_as::<$db, CertificateRow>(sql::CERTIFICATES_OF_ORDER)
                        .bind(order_id.as_str().to_owned())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn certificates_expiring(
                    &self,
                    now: DateTime<Utc>,
                    limit: u32,
                ) -> Result<Vec<Certificate>, StoreError> {
                    let rows = sqlx::query_as::<$db, CertificateRow>(sql::CERTIFICATES_EXPIRING)
                        .bind(now)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn certificates_to_notify(
                    &self,
                    now: DateTime<Utc>,
                    until: DateTime<Utc>,
                    limit: u32,
                ) -> Result<Vec<Certificate>, StoreError> {
                    let rows = sqlx::query_as::<$db, CertificateRow>(sql::CERTIFICATES_TO_NOTIFY)
                        .bind(now)
                        .bind(until)
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

impl_certificate_store!(crate::PgStore, sqlx::Postgres);
impl_certificate_store!(crate::SqliteStore, sqlx::Sqlite);
