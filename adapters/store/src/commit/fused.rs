//! The fused commit: a change set of one guarded update plus inserts (a purchase's issue,
//! a redemption) as one statement of data-modifying CTEs, on backends that have them
//! (`FUSED_COMMITS`: PostgreSQL yes, SQLite no).

use giftgate_actors::domain::Certificate;
use giftgate_actors::ports::{ChangeKind, Changes, OrderUpdate};

/// The one guarded update of a change set that commits as a single statement
/// (see [`commit_fused`](postgres::commit_fused)).
#[derive(Clone, Copy)]
pub(crate) enum FusedGuard<'c> {
    Order(&'c OrderUpdate),
    Certificate(&'c Certificate),
}

/// Rows a fused commit may carry: far below the bind-parameter limits (16
/// columns × 64 rows), and more than a purchase of 10 certificates needs.
pub(crate) const FUSED_ROWS: usize = 64;

/// `Some(guard)` when `changes` is exactly one guarded update — of an order or
/// of a certificate — plus inserts of payments, certificates, gifts,
/// redemptions, journal and outbox rows: the shapes of a purchase's issue and
/// of a redemption.
pub(crate) fn fusable(changes: &Changes) -> Option<FusedGuard<'_>> {
    let mut rows = 0;
    for part in changes.shape() {
        match part.kind {
            // The guard: checked below.
            ChangeKind::Orders | ChangeKind::Certificates => {}
            ChangeKind::NewPayments
            | ChangeKind::NewCertificates
            | ChangeKind::NewGifts
            | ChangeKind::NewRedemptions
            | ChangeKind::Journal
            | ChangeKind::Outbox => rows += part.entries,
            ChangeKind::Subscribers
            | ChangeKind::NewConfirmations
            | ChangeKind::Confirmations
            | ChangeKind::Payments
            | ChangeKind::Gifts
            | ChangeKind::VoidedRedemptions
            | ChangeKind::Messages
            | ChangeKind::SettlementRepairs
            | ChangeKind::ExpiryNotices
            | ChangeKind::QueuedRefunds
            | ChangeKind::PaidRefunds => return None,
        }
    }
    if rows > FUSED_ROWS {
        return None;
    }
    match (changes.orders.as_slice(), changes.certificates.as_slice()) {
        ([order], []) => Some(FusedGuard::Order(order)),
        ([], [certificate]) => Some(FusedGuard::Certificate(certificate)),
        _ => None,
    }
}

/// The fused on `$db`, for the backend module `$backend`.
macro_rules! fused_helpers {
    ($db:ty, $backend:ident) => {
        use chrono::{DateTime, Utc};

        use giftgate_actors::ports::{Changes, StoreError};
        use sqlx::QueryBuilder;

        use crate::error::db_error;

        use crate::commit::fused::FusedGuard;
        use crate::commit::guard::$backend::one_row_or;
        use crate::commit::inserts::outbox_payloads;
        use crate::commit::inserts::$backend::{
            push_certificate_rows, push_gift_rows, push_journal_rows, push_outbox_rows,
            push_payment_rows, push_redemption_rows,
        };
        use crate::commit::updates::$backend::{push_update_certificate, push_update_order};
        use crate::commit::updates::{certificate_guard, order_guard};
        use crate::sql;

        type Conn = <$db as sqlx::Database>::Connection;

        /// Pushes `, <name> AS (<insert> SELECT * FROM (VALUES …) AS fused_rows WHERE
        /// EXISTS (SELECT 1 FROM guard))`: rows inserted only if the guard held.
        pub(crate) fn push_guarded_insert<T>(
            query: &mut QueryBuilder<$db>,
            name: &str,
            insert: &str,
            rows: &[T],
            push_rows: impl FnOnce(&mut QueryBuilder<$db>, &[T]),
        ) {
            if rows.is_empty() {
                return;
            }
            query
                .push(", ")
                .push(name)
                .push(" AS (")
                .push(insert)
                .push("SELECT * FROM (");
            push_rows(query, rows);
            query.push(") AS fused_rows WHERE EXISTS (SELECT 1 FROM guard))");
        }

        /// Commits a [`fusable`](crate::commit::fused::fusable) change set as one
        /// statement, one round trip with no BEGIN/COMMIT: the guarded update runs first as
        /// a data-modifying CTE and every insert takes its rows only if the guard updated
        /// its row, so the statement applies all or nothing — a failed guard inserts
        /// nothing, and a failed insert (a duplicate key) fails the whole statement.
        /// Foreign keys between the rows (journal → certificate) are checked at the
        /// statement's end, when all are in. A purchase's issue goes from 7 round trips to
        /// 1, a redemption's commit from 6 to 1.
        pub(crate) async fn commit_fused(
            conn: &mut Conn,
            guard: FusedGuard<'_>,
            changes: &Changes,
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            let outbox = outbox_payloads(&changes.outbox)?;
            let mut query = QueryBuilder::<$db>::new("WITH guard AS (");
            match guard {
                FusedGuard::Order(update) => push_update_order(&mut query, update, now),
                FusedGuard::Certificate(certificate) => {
                    push_update_certificate(&mut query, certificate)
                }
            }
            query.push(" RETURNING 1)");
            push_guarded_insert(
                &mut query,
                "new_payments",
                sql::INSERT_PAYMENTS,
                &changes.new_payments,
                |query, rows| push_payment_rows(query, rows, now),
            );
            push_guarded_insert(
                &mut query,
                "new_certificates",
                sql::INSERT_CERTIFICATES,
                &changes.new_certificates,
                push_certificate_rows,
            );
            push_guarded_insert(
                &mut query,
                "new_gifts",
                sql::INSERT_GIFTS,
                &changes.new_gifts,
                push_gift_rows,
            );
            push_guarded_insert(
                &mut query,
                "new_redemptions",
                sql::INSERT_REDEMPTIONS,
                &changes.new_redemptions,
                push_redemption_rows,
            );
            push_guarded_insert(
                &mut query,
                "new_journal",
                sql::INSERT_JOURNAL,
                &changes.journal,
                push_journal_rows,
            );
            push_guarded_insert(
                &mut query,
                "new_outbox",
                sql::INSERT_OUTBOX,
                &outbox,
                |query, rows| push_outbox_rows(query, rows, now),
            );
            query.push(" SELECT COUNT(*) FROM guard");
            let updated: i64 = query
                .build_query_scalar()
                .fetch_one(&mut *conn)
                .await
                .map_err(db_error)?;
            one_row_or(conn, u64::try_from(updated).unwrap_or(0), || match guard {
                FusedGuard::Order(update) => order_guard(update),
                FusedGuard::Certificate(certificate) => certificate_guard(certificate),
            })
            .await
        }
    };
}

/// On PostgreSQL.
pub(crate) mod postgres {
    fused_helpers!(sqlx::Postgres, postgres);
}

/// On SQLite.
pub(crate) mod sqlite {
    fused_helpers!(sqlx::Sqlite, sqlite);
}
