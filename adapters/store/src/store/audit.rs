//! The [`AuditStore`](giftgate_actors::ports::AuditStore) role on both backends: the
//! settlement records of a period and the conservation audit's facts, read in one snapshot
//! (the backend's `begin_read`).

/// Implements [`AuditStore`](giftgate_actors::ports::AuditStore) for `$store`, whose `pool`
/// is a `sqlx::Pool<$db>`.
macro_rules! impl_audit_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{SettlementRecord, SettlementRepair};
            use giftgate_actors::ports::{AuditFacts, AuditStore, CurrencyTotals, StoreError};

            use crate::error::db_error;
            use crate::rows::{SettlementRepairRow, SettlementRow, TotalsRow, convert};
            use crate::sql;

            type Conn = <$db as sqlx::Database>::Connection;

            async fn fetch_strings(
                conn: &mut Conn,
                query: &'static str,
            ) -> Result<Vec<String>, StoreError> {
                sqlx::query_scalar::<$db, String>(query)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_error)
            }

            async fn fetch_count(conn: &mut Conn, query: &'static str) -> Result<i64, StoreError> {
                sqlx::query_scalar::<$db, i64>(query)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(db_error)
            }

            #[async_trait::async_trait]
            impl AuditStore for $store {
                async fn settlement_records(
                    &self,
                    from: DateTime<Utc>,
                    to: DateTime<Utc>,
                ) -> Result<Vec<SettlementRecord>, StoreError> {
                    let rows = sqlx::query_as::<$db, SettlementRow>(sql::SETTLEMENT_RECORDS)
                        .bind(from)
                        .bind(to)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    let mut records: Vec<SettlementRecord> = convert(rows)?;
                    let repairs =
                        sqlx::query_as::<$db, SettlementRepairRow>(sql::SETTLEMENT_REPAIRS)
                            .bind(from)
                            .bind(to)
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                    for repair in convert::<_, SettlementRepair>(repairs)? {
                        records.extend(
                            repair
                                .records()
                                .into_iter()
                                .filter(|record| record.at >= from && record.at < to),
                        );
                    }
                    Ok(records)
                }

                async fn audit_facts(&self) -> Result<AuditFacts, StoreError> {
                    let mut tx = self.begin_read().await?;
                    let totals = sqlx::query_as::<$db, TotalsRow>(sql::AUDIT_TOTALS)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    let facts = AuditFacts {
                        totals: totals.into_iter().map(CurrencyTotals::from).collect(),
                        certificates_off_journal: fetch_strings(
                            &mut tx,
                            sql::AUDIT_CERTIFICATES_OFF_JOURNAL,
                        )
                        .await?,
                        expiry_claims_off_journal: fetch_strings(
                            &mut tx,
                            sql::AUDIT_EXPIRY_CLAIMS_OFF_JOURNAL,
                        )
                        .await?,
                        refund_queue_off_journal: fetch_strings(
                            &mut tx,
                            sql::AUDIT_REFUND_QUEUE_OFF_JOURNAL,
                        )
                        .await?,
                        charges_without_certificates: fetch_strings(
                            &mut tx,
                            sql::AUDIT_CHARGES_WITHOUT_CERTIFICATES,
                        )
                        .await?,
                        certificates_without_charge: fetch_strings(
                            &mut tx,
                            sql::AUDIT_CERTIFICATES_WITHOUT_CHARGE,
                        )
                        .await?,
                        certificate_count: fetch_count(&mut tx, sql::COUNT_CERTIFICATES).await?,
                        journal_rows: fetch_count(&mut tx, sql::COUNT_JOURNAL).await?,
                    };
                    tx.rollback().await.map_err(db_error)?;
                    Ok(facts)
                }
            }
        };
    };
}

impl_audit_store!(crate::PgStore, sqlx::Postgres);
impl_audit_store!(crate::SqliteStore, sqlx::Sqlite);
