//! The multi-row inserts of a change set, chunked by
//! [`ROWS_PER_INSERT`](crate::store::ROWS_PER_INSERT). The `push_*_rows` builders are
//! shared with the fused commit (`fused.rs`).

use giftgate_actors::domain::OutboxMessage;
use giftgate_actors::ports::StoreError;

/// Outbox messages with their stored payloads.
pub(crate) fn outbox_payloads(
    outbox: &[OutboxMessage],
) -> Result<Vec<(&OutboxMessage, String)>, StoreError> {
    outbox
        .iter()
        .map(|message| {
            serde_json::to_string(message)
                .map(|payload| (message, payload))
                .map_err(|error| StoreError::Other(Box::new(error)))
        })
        .collect()
}

/// The inserts on `$db`, for the backend module `$backend`.
macro_rules! insert_helpers {
    ($db:ty, $backend:ident) => {
        use chrono::{DateTime, Utc};
        use giftgate_actors::domain::{
            Certificate, Confirmation, Gift, JournalEntry, Msisdn, OutboxMessage, Payment,
            Redemption,
        };
        use giftgate_actors::ports::StoreError;
        use sqlx::QueryBuilder;

        use crate::commit::inserts::outbox_payloads;
        use crate::error::db_error;
        use crate::rows::{codes_text, extras_text, target_columns};
        use crate::sql;
        use crate::store::ROWS_PER_INSERT;

        type Conn = <$db as sqlx::Database>::Connection;

        pub(crate) async fn insert_subscribers(
            conn: &mut Conn,
            subscribers: &[Msisdn],
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            let mut unique: Vec<&str> = subscribers.iter().map(Msisdn::as_str).collect();
            unique.sort_unstable();
            unique.dedup();
            for chunk in unique.chunks(ROWS_PER_INSERT) {
                let mut insert = QueryBuilder::<$db>::new(sql::INSERT_SUBSCRIBERS);
                insert.push_values(chunk, |mut row, msisdn| {
                    row.push_bind(msisdn.to_string()).push_bind(now);
                });
                insert.push(" ON CONFLICT DO NOTHING");
                insert.build().execute(&mut *conn).await.map_err(db_error)?;
            }
            Ok(())
        }

        pub(crate) fn push_payment_rows(
            query: &mut QueryBuilder<$db>,
            payments: &[Payment],
            now: DateTime<Utc>,
        ) {
            query.push_values(payments, |mut row, payment| {
                row.push_bind(payment.order_id.as_str().to_owned())
                    .push_bind(payment.msisdn.as_str().to_owned())
                    .push_bind(payment.method.clone())
                    .push_bind(payment.reference.clone())
                    .push_bind(payment.amount.to_minor_units())
                    .push_bind(payment.refunded.to_minor_units())
                    .push_bind(payment.amount.currency().code())
                    .push_bind(payment.state.as_str())
                    .push_bind(payment.created_at)
                    .push_bind(now);
            });
        }

        pub(crate) async fn insert_payments(
            conn: &mut Conn,
            payments: &[Payment],
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            for chunk in payments.chunks(ROWS_PER_INSERT) {
                let mut insert = QueryBuilder::<$db>::new(sql::INSERT_PAYMENTS);
                push_payment_rows(&mut insert, chunk, now);
                insert.build().execute(&mut *conn).await.map_err(db_error)?;
            }
            Ok(())
        }

        pub(crate) fn push_certificate_rows(
            query: &mut QueryBuilder<$db>,
            certificates: &[Certificate],
        ) {
            query.push_values(certificates, |mut row, certificate| {
                row.push_bind(certificate.code.as_str().to_owned())
                    .push_bind(certificate.product_id.as_str().to_owned())
                    .push_bind(certificate.order_id.as_str().to_owned())
                    .push_bind(certificate.purchaser.as_str().to_owned())
                    .push_bind(certificate.owner.as_str().to_owned())
                    .push_bind(certificate.face_value.to_minor_units())
                    .push_bind(certificate.balance.to_minor_units())
                    .push_bind(certificate.face_value.currency().code())
                    .push_bind(certificate.status.as_str())
                    .push_bind(certificate.expires_at)
                    .push_bind(certificate.pin_sealed.clone())
                    .push_bind(i64::from(certificate.pin_failures))
                    .push_bind(certificate.locked_until)
                    .push_bind(
                        certificate
                            .gift_id
                            .as_ref()
                            .map(|id| id.as_str().to_owned()),
                    )
                    .push_bind(certificate.issued_at)
                    .push_bind(certificate.version);
            });
        }

        pub(crate) async fn insert_certificates(
            conn: &mut Conn,
            certificates: &[Certificate],
        ) -> Result<(), StoreError> {
            for chunk in certificates.chunks(ROWS_PER_INSERT) {
                let mut insert = QueryBuilder::<$db>::new(sql::INSERT_CERTIFICATES);
                push_certificate_rows(&mut insert, chunk);
                insert.build().execute(&mut *conn).await.map_err(db_error)?;
            }
            Ok(())
        }

        pub(crate) fn push_gift_rows(query: &mut QueryBuilder<$db>, gifts: &[Gift]) {
            query.push_values(gifts, |mut row, gift| {
                row.push_bind(gift.id.as_str().to_owned())
                    .push_bind(gift.order_id.as_str().to_owned())
                    .push_bind(gift.giver.as_str().to_owned())
                    .push_bind(gift.transferee.as_str().to_owned())
                    .push_bind(gift.message.clone())
                    .push_bind(extras_text(&gift.extras))
                    .push_bind(codes_text(&gift.certificate_codes))
                    .push_bind(gift.state.as_str())
                    .push_bind(gift.created_at)
                    .push_bind(gift.answer_by)
                    .push_bind(gift.settled_at);
            });
        }

        pub(crate) async fn insert_gifts(
            conn: &mut Conn,
            gifts: &[Gift],
        ) -> Result<(), StoreError> {
            for chunk in gifts.chunks(ROWS_PER_INSERT) {
                let mut insert = QueryBuilder::<$db>::new(sql::INSERT_GIFTS);
                push_gift_rows(&mut insert, chunk);
                insert.build().execute(&mut *conn).await.map_err(db_error)?;
            }
            Ok(())
        }

        pub(crate) fn push_redemption_rows(
            query: &mut QueryBuilder<$db>,
            redemptions: &[Redemption],
        ) {
            query.push_values(redemptions, |mut row, redemption| {
                row.push_bind(redemption.id.clone())
                    .push_bind(redemption.merchant_id.clone())
                    .push_bind(redemption.idempotency_key.clone())
                    .push_bind(redemption.certificate_code.as_str().to_owned())
                    .push_bind(redemption.amount.to_minor_units())
                    .push_bind(redemption.balance_after.to_minor_units())
                    .push_bind(redemption.amount.currency().code())
                    .push_bind(redemption.voided)
                    .push_bind(redemption.created_at);
            });
        }

        pub(crate) async fn insert_redemptions(
            conn: &mut Conn,
            redemptions: &[Redemption],
        ) -> Result<(), StoreError> {
            for chunk in redemptions.chunks(ROWS_PER_INSERT) {
                let mut insert = QueryBuilder::<$db>::new(sql::INSERT_REDEMPTIONS);
                push_redemption_rows(&mut insert, chunk);
                insert.build().execute(&mut *conn).await.map_err(db_error)?;
            }
            Ok(())
        }

        pub(crate) fn push_journal_rows(query: &mut QueryBuilder<$db>, journal: &[JournalEntry]) {
            query.push_values(journal, |mut row, entry| {
                row.push_bind(entry.kind.as_str())
                    .push_bind(entry.certificate_code.as_str().to_owned())
                    .push_bind(entry.amount.to_minor_units())
                    .push_bind(entry.amount.currency().code())
                    .push_bind(entry.msisdn.as_str().to_owned())
                    .push_bind(entry.counterparty.as_ref().map(|m| m.as_str().to_owned()))
                    .push_bind(entry.order_id.as_ref().map(|id| id.as_str().to_owned()))
                    .push_bind(entry.merchant_id.clone())
                    .push_bind(entry.reference.clone())
                    .push_bind(entry.at);
            });
        }

        pub(crate) async fn insert_journal(
            conn: &mut Conn,
            journal: &[JournalEntry],
        ) -> Result<(), StoreError> {
            for chunk in journal.chunks(ROWS_PER_INSERT) {
                let mut insert = QueryBuilder::<$db>::new(sql::INSERT_JOURNAL);
                push_journal_rows(&mut insert, chunk);
                insert.build().execute(&mut *conn).await.map_err(db_error)?;
            }
            Ok(())
        }

        pub(crate) fn push_outbox_rows(
            query: &mut QueryBuilder<$db>,
            rows: &[(&OutboxMessage, String)],
            now: DateTime<Utc>,
        ) {
            query.push_values(rows, |mut row, (message, payload)| {
                row.push_bind(message.channel().as_str())
                    .push_bind(message.partition_key())
                    .push_bind(payload.clone())
                    .push_bind(now)
                    .push_bind(0_i64);
            });
        }

        pub(crate) async fn insert_outbox(
            conn: &mut Conn,
            outbox: &[OutboxMessage],
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            let payloads = outbox_payloads(outbox)?;
            for chunk in payloads.chunks(ROWS_PER_INSERT) {
                let mut insert = QueryBuilder::<$db>::new(sql::INSERT_OUTBOX);
                push_outbox_rows(&mut insert, chunk, now);
                insert.build().execute(&mut *conn).await.map_err(db_error)?;
            }
            Ok(())
        }

        pub(crate) async fn insert_confirmations(
            conn: &mut Conn,
            confirmations: &[Confirmation],
        ) -> Result<(), StoreError> {
            for chunk in confirmations.chunks(ROWS_PER_INSERT) {
                let mut insert = QueryBuilder::<$db>::new(sql::INSERT_CONFIRMATIONS);
                insert.push_values(chunk, |mut row, confirmation| {
                    let (product_id, quantity, gift_id) = target_columns(&confirmation.action);
                    row.push_bind(confirmation.id.as_str().to_owned())
                        .push_bind(confirmation.msisdn.as_str().to_owned())
                        .push_bind(i64::from(confirmation.number))
                        .push_bind(confirmation.action.kind().as_str())
                        .push_bind(product_id)
                        .push_bind(quantity)
                        .push_bind(gift_id)
                        .push_bind(confirmation.state.as_str())
                        .push_bind(confirmation.created_at)
                        .push_bind(confirmation.expires_at);
                });
                insert.build().execute(&mut *conn).await.map_err(db_error)?;
            }
            Ok(())
        }
    };
}

/// On PostgreSQL.
pub(crate) mod postgres {
    insert_helpers!(sqlx::Postgres, postgres);
}

/// On SQLite.
pub(crate) mod sqlite {
    insert_helpers!(sqlx::Sqlite, sqlite);
}
