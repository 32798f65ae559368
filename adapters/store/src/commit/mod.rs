//! The commit path: [`CommitStore::commit`](giftgate_actors::ports::CommitStore::commit)
//! on both backends.
//!
//! A change set is applied in the fewest round trips that keep it atomic: one statement
//! alone when it is one (no BEGIN/COMMIT), one fused statement of data-modifying CTEs
//! when the backend has them and the set is one guarded update plus inserts
//! ([`fused`]), otherwise a write transaction (`apply`) running the guarded
//! updates ([`updates`], checked by [`guard`]), the multi-row inserts ([`inserts`]) and
//! the row-by-row records ([`records`]) in the documented order.

mod fused;
mod guard;
mod inserts;
mod records;
mod updates;

use giftgate_actors::ports::{ChangeKind, Changes};

use crate::store::ROWS_PER_INSERT;

/// True when `apply` runs exactly one SQL statement for `changes` (one guarded update or
/// single-row insert, or one multi-row insert of payments, certificates or journal rows),
/// so it needs no explicit transaction. Statements of several kinds, chunked inserts and
/// message upserts (two statements each) are not.
pub(crate) fn is_one_statement(changes: &Changes) -> bool {
    let mut statements = 0;
    for part in changes.shape() {
        statements += match part.kind {
            // One multi-row INSERT per `ROWS_PER_INSERT` entries.
            ChangeKind::NewConfirmations
            | ChangeKind::Subscribers
            | ChangeKind::NewPayments
            | ChangeKind::NewCertificates
            | ChangeKind::NewGifts
            | ChangeKind::NewRedemptions
            | ChangeKind::Journal
            | ChangeKind::Outbox => part.entries.div_ceil(ROWS_PER_INSERT),
            // One statement per entry.
            ChangeKind::Orders
            | ChangeKind::Payments
            | ChangeKind::Certificates
            | ChangeKind::Gifts
            | ChangeKind::VoidedRedemptions
            | ChangeKind::SettlementRepairs
            | ChangeKind::ExpiryNotices
            | ChangeKind::QueuedRefunds
            | ChangeKind::PaidRefunds
            | ChangeKind::Confirmations => part.entries,
            // Two statements per message.
            ChangeKind::Messages => return false,
        };
    }
    statements == 1
}

/// Implements [`CommitStore`](giftgate_actors::ports::CommitStore) for `$store` on `$db`,
/// with the helpers of the backend module `$backend` (`postgres` or `sqlite`).
macro_rules! impl_commit_store {
    ($store:ty, $db:ty, $backend:ident) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::ports::{Changes, CommitStore, StoreError};

            use crate::commit::fused::fusable;
            use crate::commit::fused::$backend::commit_fused;
            use crate::commit::inserts::$backend::{
                insert_certificates, insert_confirmations, insert_gifts, insert_journal,
                insert_outbox, insert_payments, insert_redemptions, insert_subscribers,
            };
            use crate::commit::is_one_statement;
            use crate::commit::records::$backend::{
                insert_queued_refunds, insert_settlement_repairs, upsert_messages,
            };
            use crate::commit::updates::$backend::{
                mark_expiry_notice, pay_queued_refund, settle_confirmation, update_certificate,
                update_gift, update_order, update_payment, void_redemption,
            };
            use crate::error::db_error;

            type Conn = <$db as sqlx::Database>::Connection;

            /// Applies a change set inside an open transaction, in the documented order.
            async fn apply(
                conn: &mut Conn,
                changes: &Changes,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                insert_subscribers(conn, &changes.subscribers, now).await?;
                insert_payments(conn, &changes.new_payments, now).await?;
                for update in &changes.payments {
                    update_payment(conn, update, now).await?;
                }
                insert_certificates(conn, &changes.new_certificates).await?;
                for certificate in &changes.certificates {
                    update_certificate(conn, certificate).await?;
                }
                insert_gifts(conn, &changes.new_gifts).await?;
                for update in &changes.gifts {
                    update_gift(conn, update).await?;
                }
                insert_confirmations(conn, &changes.new_confirmations).await?;
                for update in &changes.confirmations {
                    settle_confirmation(conn, update).await?;
                }
                insert_redemptions(conn, &changes.new_redemptions).await?;
                for id in &changes.voided_redemptions {
                    void_redemption(conn, id).await?;
                }
                for update in &changes.orders {
                    update_order(conn, update, now).await?;
                }
                insert_queued_refunds(conn, &changes.queued_refunds, now).await?;
                for code in &changes.paid_refunds {
                    pay_queued_refund(conn, code, now).await?;
                }
                insert_journal(conn, &changes.journal).await?;
                insert_outbox(conn, &changes.outbox, now).await?;
                upsert_messages(conn, &changes.messages).await?;
                insert_settlement_repairs(conn, &changes.settlement_repairs).await?;
                for mark in &changes.expiry_notices {
                    mark_expiry_notice(conn, mark).await?;
                }
                Ok(())
            }

            #[async_trait::async_trait]
            impl CommitStore for $store {
                async fn commit(&self, changes: Changes) -> Result<(), StoreError> {
                    if changes.is_empty() {
                        return Ok(());
                    }
                    let now = Utc::now();
                    if is_one_statement(&changes) {
                        // One statement is atomic on its own: no BEGIN/COMMIT round trips.
                        let mut conn = self.pool.acquire().await.map_err(db_error)?;
                        return apply(&mut conn, &changes, now).await;
                    }
                    if <$store>::FUSED_COMMITS
                        && let Some(guard) = fusable(&changes)
                    {
                        let mut conn = self.pool.acquire().await.map_err(db_error)?;
                        return commit_fused(&mut conn, guard, &changes, now).await;
                    }
                    let mut tx = self.begin_write().await?;
                    match apply(&mut tx, &changes, now).await {
                        Ok(()) => tx.commit().await.map_err(db_error),
                        Err(error) => {
                            if let Err(rollback) = tx.rollback().await {
                                tracing::warn!(%rollback, "rollback after a failed commit failed");
                            }
                            Err(error)
                        }
                    }
                }
            }
        };
    };
}

impl_commit_store!(crate::PgStore, sqlx::Postgres, postgres);
impl_commit_store!(crate::SqliteStore, sqlx::Sqlite, sqlite);
