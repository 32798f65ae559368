//! The [`JournalStore`](giftgate_actors::ports::JournalStore) role on both backends: reads
//! of the append-only `journal` table.

/// Implements [`JournalStore`](giftgate_actors::ports::JournalStore) for `$store`, whose
/// `pool` is a `sqlx::Pool<$db>`.
macro_rules! impl_journal_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use giftgate_actors::domain::{CertificateCode, JournalEntry, JournalKind, Msisdn};
            use giftgate_actors::ports::{JournalStore, StoreError};
            use sqlx::QueryBuilder;

            use crate::error::db_error;
            use crate::rows::{JournalRow, convert};
            use crate::sql;

            #[async_trait::async_trait]
            impl JournalStore for $store {
                async fn journal_of(
                    &self,
                    msisdn: &Msisdn,
                    kinds: &[JournalKind],
                    limit: u32,
                ) -> Result<Vec<JournalEntry>, StoreError> {
                    if kinds.is_empty() || limit == 0 {
                        return Ok(Vec::new());
                    }
                    let mut select = QueryBuilder::<$db>::new(sql::JOURNAL_OF_HEAD);
                    select.push_bind(msisdn.as_str().to_owned());
                    select.push(" AND kind IN (");
                    let mut listed = select.separated(", ");
                    for kind in kinds {
                        listed.push_bind(kind.as_str());
                    }
                    select.push(") ORDER BY at DESC, id DESC LIMIT ");
                    select.push_bind(i64::from(limit));
                    let rows = select
                        .build_query_as::<JournalRow>()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn certificate_journal(
                    &self,
                    code: &CertificateCode,
                ) -> Result<Vec<JournalEntry>, StoreError> {
                    let rows = sqlx::query_as::<$db, JournalRow>(sql::CERTIFICATE_JOURNAL)
                        .bind(code.as_str().to_owned())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }
            }
        };
    };
}

impl_journal_store!(crate::PgStore, sqlx::Postgres);
impl_journal_store!(crate::SqliteStore, sqlx::Sqlite);
