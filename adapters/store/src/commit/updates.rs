//! The guarded updates of a change set, one statement per row: each names what it expects
//! (a certificate's version, a gift's, payment's or order's state) and fails with
//! `Conflict` when someone else changed the row first.

use giftgate_actors::domain::Certificate;
use giftgate_actors::ports::OrderUpdate;

use crate::commit::guard::GuardCheck;
use crate::sql;

/// How to name a failed certificate guard.
pub(crate) fn certificate_guard(certificate: &Certificate) -> GuardCheck {
    GuardCheck {
        exists_sql: sql::CERTIFICATE_EXISTS,
        key: certificate.code.as_str().to_owned(),
        conflict: format!(
            "certificate {} changed since version {}",
            certificate.code, certificate.version
        ),
    }
}

/// How to name a failed order guard.
pub(crate) fn order_guard(update: &OrderUpdate) -> GuardCheck {
    GuardCheck {
        exists_sql: sql::ORDER_EXISTS,
        key: update.order_id.as_str().to_owned(),
        conflict: format!("order {} is no longer pending", update.order_id),
    }
}

/// The updates on `$db`, for the backend module `$backend`.
macro_rules! update_helpers {
    ($db:ty, $backend:ident) => {
        use chrono::{DateTime, Utc};
        use giftgate_actors::domain::{
            Certificate, CertificateCode, ConfirmationUpdate, OrderStatus,
        };
        use giftgate_actors::ports::{
            ExpiryNoticeMark, GiftUpdate, OrderUpdate, PaymentUpdate, StoreError,
        };
        use sqlx::QueryBuilder;

        use crate::error::db_error;

        use crate::commit::guard::GuardCheck;
        use crate::commit::guard::$backend::one_row_or;
        use crate::commit::updates::{certificate_guard, order_guard};
        use crate::sql;

        type Conn = <$db as sqlx::Database>::Connection;

        pub(crate) async fn update_payment(
            conn: &mut Conn,
            update: &PaymentUpdate,
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            let done = sqlx::query(sql::UPDATE_PAYMENT)
                .bind(update.order_id.as_str().to_owned())
                .bind(update.expected.as_str())
                .bind(update.state.as_str())
                .bind(update.reference.clone())
                .bind(update.refunded.to_minor_units())
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            one_row_or(conn, done.rows_affected(), || GuardCheck {
                exists_sql: sql::PAYMENT_EXISTS,
                key: update.order_id.as_str().to_owned(),
                conflict: format!(
                    "payment of {} is no longer {}",
                    update.order_id, update.expected
                ),
            })
            .await
        }

        /// Pushes the update of a certificate, guarded by the version it was read at.
        pub(crate) fn push_update_certificate(
            query: &mut QueryBuilder<$db>,
            certificate: &Certificate,
        ) {
            query
                .push("UPDATE certificates SET owner = ")
                .push_bind(certificate.owner.as_str().to_owned())
                .push(", balance_minor = ")
                .push_bind(certificate.balance.to_minor_units())
                .push(", status = ")
                .push_bind(certificate.status.as_str())
                .push(", expires_at = ")
                .push_bind(certificate.expires_at)
                .push(", pin_sealed = ")
                .push_bind(certificate.pin_sealed.clone())
                .push(", pin_failures = ")
                .push_bind(i64::from(certificate.pin_failures))
                .push(", locked_until = ")
                .push_bind(certificate.locked_until)
                .push(", gift_id = ")
                .push_bind(
                    certificate
                        .gift_id
                        .as_ref()
                        .map(|id| id.as_str().to_owned()),
                )
                .push(", version = version + 1 WHERE code = ")
                .push_bind(certificate.code.as_str().to_owned())
                .push(" AND version = ")
                .push_bind(certificate.version);
        }

        pub(crate) async fn update_certificate(
            conn: &mut Conn,
            certificate: &Certificate,
        ) -> Result<(), StoreError> {
            let mut update = QueryBuilder::<$db>::new("");
            push_update_certificate(&mut update, certificate);
            let done = update.build().execute(&mut *conn).await.map_err(db_error)?;
            one_row_or(conn, done.rows_affected(), || {
                certificate_guard(certificate)
            })
            .await
        }

        pub(crate) async fn update_gift(
            conn: &mut Conn,
            update: &GiftUpdate,
        ) -> Result<(), StoreError> {
            let done = sqlx::query(sql::UPDATE_GIFT)
                .bind(update.gift_id.as_str().to_owned())
                .bind(update.expected.as_str())
                .bind(update.state.as_str())
                .bind(update.settled_at)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            one_row_or(conn, done.rows_affected(), || GuardCheck {
                exists_sql: sql::GIFT_EXISTS,
                key: update.gift_id.as_str().to_owned(),
                conflict: format!("gift {} is no longer {}", update.gift_id, update.expected),
            })
            .await
        }

        pub(crate) async fn void_redemption(conn: &mut Conn, id: &str) -> Result<(), StoreError> {
            let done = sqlx::query(sql::VOID_REDEMPTION)
                .bind(id.to_owned())
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            one_row_or(conn, done.rows_affected(), || GuardCheck {
                exists_sql: sql::REDEMPTION_EXISTS,
                key: id.to_owned(),
                conflict: format!("redemption {id} is already voided"),
            })
            .await
        }

        /// Pushes the settling of a pending order. The guard's status is bound, not a
        /// literal: with `status = 'pending'` in the text the statement matches the
        /// predicate of the partial index `orders_pending`, and PostgreSQL, judging
        /// that index smaller, scanned all of it for `order_id` instead of descending
        /// the primary key (see `postgres.rs`).
        pub(crate) fn push_update_order(
            query: &mut QueryBuilder<$db>,
            update: &OrderUpdate,
            now: DateTime<Utc>,
        ) {
            query
                .push("UPDATE orders SET status = ")
                .push_bind(update.status.as_str())
                .push(", reason = ")
                .push_bind(update.reason.clone())
                .push(", detail = ")
                .push_bind(update.detail.clone())
                .push(", outcome = ")
                .push_bind(update.outcome.as_ref().map(|outcome| outcome.to_string()))
                .push(", updated_at = ")
                .push_bind(now)
                .push(" WHERE order_id = ")
                .push_bind(update.order_id.as_str().to_owned())
                .push(" AND status = ")
                .push_bind(OrderStatus::Pending.as_str());
        }

        pub(crate) async fn update_order(
            conn: &mut Conn,
            update: &OrderUpdate,
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            let mut query = QueryBuilder::<$db>::new("");
            push_update_order(&mut query, update, now);
            let done = query.build().execute(&mut *conn).await.map_err(db_error)?;
            one_row_or(conn, done.rows_affected(), || order_guard(update)).await
        }

        pub(crate) async fn mark_expiry_notice(
            conn: &mut Conn,
            mark: &ExpiryNoticeMark,
        ) -> Result<(), StoreError> {
            let done = sqlx::query(sql::MARK_EXPIRY_NOTICE)
                .bind(mark.code.as_str().to_owned())
                .bind(mark.expires_at)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            one_row_or(conn, done.rows_affected(), || GuardCheck {
                exists_sql: sql::CERTIFICATE_EXISTS,
                key: mark.code.as_str().to_owned(),
                conflict: format!(
                    "expiry {} of certificate {} was announced or moved",
                    mark.expires_at, mark.code
                ),
            })
            .await
        }

        pub(crate) async fn pay_queued_refund(
            conn: &mut Conn,
            code: &CertificateCode,
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            let done = sqlx::query(sql::PAY_QUEUED_REFUND)
                .bind(code.as_str().to_owned())
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            one_row_or(conn, done.rows_affected(), || GuardCheck {
                exists_sql: sql::QUEUED_REFUND_EXISTS,
                key: code.as_str().to_owned(),
                conflict: format!("the queued refund of {code} is no longer queued"),
            })
            .await
        }

        pub(crate) async fn settle_confirmation(
            conn: &mut Conn,
            update: &ConfirmationUpdate,
        ) -> Result<(), StoreError> {
            let done = sqlx::query(sql::SETTLE_CONFIRMATION)
                .bind(update.id.as_str().to_owned())
                .bind(update.state.as_str())
                .bind(update.settled_at)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            one_row_or(conn, done.rows_affected(), || GuardCheck {
                exists_sql: sql::CONFIRMATION_EXISTS,
                key: update.id.as_str().to_owned(),
                conflict: format!("request {} is no longer waiting", update.id),
            })
            .await
        }
    };
}

/// On PostgreSQL.
pub(crate) mod postgres {
    update_helpers!(sqlx::Postgres, postgres);
}

/// On SQLite.
pub(crate) mod sqlite {
    update_helpers!(sqlx::Sqlite, sqlite);
}
