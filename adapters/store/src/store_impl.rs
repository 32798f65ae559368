//! The one implementation of the store port, generated for each backend by
//! [`impl_store!`].
//!
//! Both backends run the same SQL text (`sql.rs`) and the same row structs (`rows.rs`);
//! only four things differ and each backend supplies them as inherent items of its
//! store type: `begin_write` (SQLite takes the write lock up front with `BEGIN IMMEDIATE`,
//! PostgreSQL runs READ COMMITTED and relies on guarded updates and row locks),
//! `begin_read` (a consistent snapshot for the audit), `FUSED_COMMITS` (whether a change
//! set of one guarded update plus inserts may commit as one statement of data-modifying
//! CTEs, which PostgreSQL has and SQLite has not) and the pool type itself. A macro
//! rather than generic functions keeps the sqlx trait bounds out of sight: each expansion
//! is ordinary code over one concrete database type.

/// Rows per multi-row INSERT; keeps every statement far below SQLite's and PostgreSQL's
/// bind-parameter limits (16 columns × 500 rows = 8 000 parameters).
pub(crate) const ROWS_PER_INSERT: usize = 500;

/// Implements [`giftgate_actors::ports::Store`] for `$store`, whose `pool` field is a
/// `sqlx::Pool<$db>` and which has `begin_write(&self)` and `begin_read(&self)`.
macro_rules! impl_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use chrono::{DateTime, Utc};
            use giftgate_actors::domain::{
                Certificate, CertificateCode, Confirmation, ConfirmationId, ConfirmationUpdate,
                ContentId, ContentItem, Gift, GiftId, JournalEntry, JournalKind, MessageRecord,
                Msisdn, OrderId, OrderRecord, OrderStatus, OutboxMessage, OutboxRecord, Payment,
                Product, ProductId, QueuedRefund, Redemption, RefundAccount, SettlementRecord,
                SettlementRepair,
            };
            use giftgate_actors::ports::{
                ApiKeyRecord, AuditFacts, Changes, CurrencyTotals, ExpiryNoticeMark, GiftUpdate,
                KeyKind, OrderUpdate, PaymentUpdate, SealedSecret, SecretKind, Store, StoreError,
            };
            use sqlx::QueryBuilder;

            use $crate::confirmation_rows::{ConfirmationRow, target_columns};
            use $crate::error::{db_error, other};
            use $crate::rows::{
                ApiKeyRow, CertificateRow, ContentRow, ContentSummaryRow, GiftRow, JournalRow,
                MessageRow, OrderRow, OutboxRow, PaymentRow, ProductRow, QueuedRefundRow,
                RedemptionRow, RefundAccountRow, SettlementRepairRow, SettlementRow, TotalsRow,
                codes_text, convert, extras_text,
            };
            use $crate::sql;
            use $crate::store_impl::ROWS_PER_INSERT;

            type Conn = <$db as sqlx::Database>::Connection;

            /// A guarded update's row, to tell a missing row from one that moved on.
            struct GuardCheck {
                /// Counts rows with the key.
                exists_sql: &'static str,
                key: String,
                /// What the conflict says.
                conflict: String,
            }

            /// `Ok` when a guarded statement changed its one row; otherwise names the
            /// failed guard (`check` is built only then).
            async fn one_row_or(
                conn: &mut Conn,
                rows: u64,
                check: impl FnOnce() -> GuardCheck,
            ) -> Result<(), StoreError> {
                if rows == 1 {
                    Ok(())
                } else {
                    Err(guard_failed(conn, check()).await)
                }
            }

            /// Names the failed guard: `NotFound` if the row is missing, else `Conflict`.
            async fn guard_failed(conn: &mut Conn, check: GuardCheck) -> StoreError {
                let found = sqlx::query_scalar::<$db, i64>(check.exists_sql)
                    .bind(check.key.clone())
                    .fetch_one(&mut *conn)
                    .await;
                match found {
                    Ok(0) => StoreError::NotFound(format!("{} does not exist", check.key)),
                    Ok(_) => StoreError::Conflict(check.conflict),
                    Err(error) => db_error(error),
                }
            }

            async fn insert_subscribers(
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

            fn push_payment_rows(
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

            async fn insert_payments(
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

            async fn update_payment(
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

            fn push_certificate_rows(query: &mut QueryBuilder<$db>, certificates: &[Certificate]) {
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

            async fn insert_certificates(
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

            /// Pushes the update of a certificate, guarded by the version it was read at.
            fn push_update_certificate(query: &mut QueryBuilder<$db>, certificate: &Certificate) {
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

            /// How to name a failed certificate guard.
            fn certificate_guard(certificate: &Certificate) -> GuardCheck {
                GuardCheck {
                    exists_sql: sql::CERTIFICATE_EXISTS,
                    key: certificate.code.as_str().to_owned(),
                    conflict: format!(
                        "certificate {} changed since version {}",
                        certificate.code, certificate.version
                    ),
                }
            }

            async fn update_certificate(
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

            fn push_gift_rows(query: &mut QueryBuilder<$db>, gifts: &[Gift]) {
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

            async fn insert_gifts(conn: &mut Conn, gifts: &[Gift]) -> Result<(), StoreError> {
                for chunk in gifts.chunks(ROWS_PER_INSERT) {
                    let mut insert = QueryBuilder::<$db>::new(sql::INSERT_GIFTS);
                    push_gift_rows(&mut insert, chunk);
                    insert.build().execute(&mut *conn).await.map_err(db_error)?;
                }
                Ok(())
            }

            async fn update_gift(conn: &mut Conn, update: &GiftUpdate) -> Result<(), StoreError> {
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

            fn push_redemption_rows(query: &mut QueryBuilder<$db>, redemptions: &[Redemption]) {
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

            async fn insert_redemptions(
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

            async fn void_redemption(conn: &mut Conn, id: &str) -> Result<(), StoreError> {
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
            fn push_update_order(
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

            /// How to name a failed order guard.
            fn order_guard(update: &OrderUpdate) -> GuardCheck {
                GuardCheck {
                    exists_sql: sql::ORDER_EXISTS,
                    key: update.order_id.as_str().to_owned(),
                    conflict: format!("order {} is no longer pending", update.order_id),
                }
            }

            async fn update_order(
                conn: &mut Conn,
                update: &OrderUpdate,
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mut query = QueryBuilder::<$db>::new("");
                push_update_order(&mut query, update, now);
                let done = query.build().execute(&mut *conn).await.map_err(db_error)?;
                one_row_or(conn, done.rows_affected(), || order_guard(update)).await
            }

            fn push_journal_rows(query: &mut QueryBuilder<$db>, journal: &[JournalEntry]) {
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

            async fn insert_journal(
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

            /// Outbox messages with their stored payloads.
            fn outbox_payloads(
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

            fn push_outbox_rows(
                query: &mut QueryBuilder<$db>,
                rows: &[(&OutboxMessage, String)],
                now: DateTime<Utc>,
            ) {
                query.push_values(rows, |mut row, (message, payload)| {
                    row.push_bind(message.channel())
                        .push_bind(message.partition_key())
                        .push_bind(payload.clone())
                        .push_bind(now)
                        .push_bind(0_i64);
                });
            }

            async fn insert_outbox(
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

            async fn upsert_messages(
                conn: &mut Conn,
                messages: &[MessageRecord],
            ) -> Result<(), StoreError> {
                for message in messages {
                    sqlx::query(sql::UPSERT_MESSAGE)
                        .bind(message.message_id.clone())
                        .bind(message.channel.clone())
                        .bind(message.recipient.clone())
                        .bind(message.state.as_str())
                        .bind(message.detail.clone())
                        .bind(message.updated_at)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                    for (i, provider_id) in message.provider_ids.iter().enumerate() {
                        let raw = message
                            .raw_provider_ids
                            .get(i)
                            .cloned()
                            .unwrap_or_else(|| provider_id.clone());
                        sqlx::query(sql::INSERT_MESSAGE_PROVIDER_ID)
                            .bind(message.channel.clone())
                            .bind(provider_id.clone())
                            .bind(raw)
                            .bind(message.message_id.clone())
                            .execute(&mut *conn)
                            .await
                            .map_err(db_error)?;
                    }
                }
                Ok(())
            }

            async fn insert_settlement_repairs(
                conn: &mut Conn,
                repairs: &[SettlementRepair],
            ) -> Result<(), StoreError> {
                for repair in repairs {
                    sqlx::query(sql::INSERT_SETTLEMENT_REPAIR)
                        .bind(repair.rail.as_str())
                        .bind(repair.order_id.clone())
                        .bind(repair.rail_reference.clone())
                        .bind(repair.payer.clone())
                        .bind(repair.amount.to_minor_units())
                        .bind(repair.amount.currency().code())
                        .bind(repair.charged_at)
                        .bind(repair.repaired_at)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                }
                Ok(())
            }

            async fn insert_queued_refunds(
                conn: &mut Conn,
                refunds: &[QueuedRefund],
                now: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                for refund in refunds {
                    sqlx::query(sql::INSERT_QUEUED_REFUND)
                        .bind(refund.certificate_code.as_str().to_owned())
                        .bind(refund.order_id.as_str().to_owned())
                        .bind(refund.payee.as_str().to_owned())
                        .bind(refund.amount.to_minor_units())
                        .bind(refund.kept.to_minor_units())
                        .bind(refund.amount.currency().code())
                        .bind(refund.basis.clone())
                        .bind(refund.rail.clone())
                        .bind(refund.state.as_str())
                        .bind(refund.refused_by.clone())
                        .bind(refund.created_at)
                        .bind(now)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                }
                Ok(())
            }

            async fn mark_expiry_notice(
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

            async fn pay_queued_refund(
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

            async fn insert_confirmations(
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

            async fn settle_confirmation(
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

            async fn message_with_ids(
                pool: &sqlx::Pool<$db>,
                row: Option<MessageRow>,
            ) -> Result<Option<MessageRecord>, StoreError> {
                let Some(row) = row else {
                    return Ok(None);
                };
                let ids = sqlx::query_as::<$db, (String, String)>(sql::MESSAGE_PROVIDER_IDS)
                    .bind(row.message_id.clone())
                    .fetch_all(pool)
                    .await
                    .map_err(db_error)?;
                row.into_record(ids).map(Some)
            }

            /// True when [`apply`] runs exactly one SQL statement for `changes` (one guarded
            /// update or single-row insert, or one multi-row insert of payments,
            /// certificates or journal rows),
            /// so it needs no explicit transaction. Statements of several kinds, chunked
            /// inserts and message upserts (two statements each) are not.
            fn is_one_statement(changes: &Changes) -> bool {
                let Changes {
                    subscribers,
                    orders,
                    new_payments,
                    payments,
                    new_certificates,
                    certificates,
                    new_gifts,
                    gifts,
                    new_redemptions,
                    voided_redemptions,
                    journal,
                    outbox,
                    messages,
                    settlement_repairs,
                    expiry_notices,
                    queued_refunds,
                    paid_refunds,
                    new_confirmations,
                    confirmations,
                } = changes;
                let single_inserts = [
                    new_confirmations.len(),
                    subscribers.len(),
                    new_payments.len(),
                    new_certificates.len(),
                    new_gifts.len(),
                    new_redemptions.len(),
                    journal.len(),
                    outbox.len(),
                ];
                let single_updates = [
                    orders.len(),
                    payments.len(),
                    certificates.len(),
                    gifts.len(),
                    voided_redemptions.len(),
                    settlement_repairs.len(),
                    expiry_notices.len(),
                    queued_refunds.len(),
                    paid_refunds.len(),
                    confirmations.len(),
                ];
                let statements: usize = single_inserts
                    .iter()
                    .map(|rows| rows.div_ceil(ROWS_PER_INSERT))
                    .chain(single_updates.iter().copied())
                    .sum();
                statements == 1 && messages.is_empty()
            }

            /// The one guarded update of a change set that commits as a single statement
            /// (see [`commit_fused`]).
            #[derive(Clone, Copy)]
            enum FusedGuard<'c> {
                Order(&'c OrderUpdate),
                Certificate(&'c Certificate),
            }

            /// Rows a fused commit may carry: far below the bind-parameter limits (16
            /// columns × 64 rows), and more than a purchase of 10 certificates needs.
            const FUSED_ROWS: usize = 64;

            /// `Some(guard)` when `changes` is exactly one guarded update — of an order or
            /// of a certificate — plus inserts of payments, certificates, gifts,
            /// redemptions, journal and outbox rows: the shapes of a purchase's issue and
            /// of a redemption.
            fn fusable(changes: &Changes) -> Option<FusedGuard<'_>> {
                let Changes {
                    subscribers,
                    orders,
                    new_payments,
                    payments,
                    new_certificates,
                    certificates,
                    new_gifts,
                    gifts,
                    new_redemptions,
                    voided_redemptions,
                    journal,
                    outbox,
                    messages,
                    settlement_repairs,
                    expiry_notices,
                    queued_refunds,
                    paid_refunds,
                    new_confirmations,
                    confirmations,
                } = changes;
                let only_inserts_besides = subscribers.is_empty()
                    && new_confirmations.is_empty()
                    && confirmations.is_empty()
                    && payments.is_empty()
                    && gifts.is_empty()
                    && voided_redemptions.is_empty()
                    && messages.is_empty()
                    && settlement_repairs.is_empty()
                    && expiry_notices.is_empty()
                    && queued_refunds.is_empty()
                    && paid_refunds.is_empty();
                let rows = new_payments.len()
                    + new_certificates.len()
                    + new_gifts.len()
                    + new_redemptions.len()
                    + journal.len()
                    + outbox.len();
                if !only_inserts_besides || rows > FUSED_ROWS {
                    return None;
                }
                match (orders.as_slice(), certificates.as_slice()) {
                    ([order], []) => Some(FusedGuard::Order(order)),
                    ([], [certificate]) => Some(FusedGuard::Certificate(certificate)),
                    _ => None,
                }
            }

            /// Pushes `, <name> AS (<insert> SELECT * FROM (VALUES …) AS fused_rows WHERE
            /// EXISTS (SELECT 1 FROM guard))`: rows inserted only if the guard held.
            fn push_guarded_insert<T>(
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

            /// Commits a [`fusable`] change set as one statement, one round trip with no
            /// BEGIN/COMMIT: the guarded update runs first as a data-modifying CTE and
            /// every insert takes its rows only if the guard updated its row, so the
            /// statement applies all or nothing — a failed guard inserts nothing, and a
            /// failed insert (a duplicate key) fails the whole statement. Foreign keys
            /// between the rows (journal → certificate) are checked at the statement's
            /// end, when all are in. A purchase's issue goes from 7 round trips to 1, a
            /// redemption's commit from 6 to 1.
            async fn commit_fused(
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
            impl Store for $store {
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

                async fn gift(&self, id: &GiftId) -> Result<Option<Gift>, StoreError> {
                    sqlx::query_as::<$db, GiftRow>(sql::GIFT)
                        .bind(id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Gift::try_from)
                        .transpose()
                }

                async fn gifts_of(&self, msisdn: &Msisdn) -> Result<Vec<Gift>, StoreError> {
                    let rows = sqlx::query_as::<$db, GiftRow>(sql::GIFTS_OF)
                        .bind(msisdn.as_str().to_owned())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn gifts_due(
                    &self,
                    now: DateTime<Utc>,
                    limit: u32,
                ) -> Result<Vec<Gift>, StoreError> {
                    let rows = sqlx::query_as::<$db, GiftRow>(sql::GIFTS_DUE)
                        .bind(now)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn confirmation(
                    &self,
                    id: &ConfirmationId,
                ) -> Result<Option<Confirmation>, StoreError> {
                    sqlx::query_as::<$db, ConfirmationRow>(sql::CONFIRMATION)
                        .bind(id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Confirmation::try_from)
                        .transpose()
                }

                async fn confirmations_waiting(
                    &self,
                    msisdn: &Msisdn,
                ) -> Result<Vec<Confirmation>, StoreError> {
                    let rows = sqlx::query_as::<$db, ConfirmationRow>(sql::CONFIRMATIONS_WAITING)
                        .bind(msisdn.as_str().to_owned())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn confirmations_due(
                    &self,
                    now: DateTime<Utc>,
                    limit: u32,
                ) -> Result<Vec<Confirmation>, StoreError> {
                    let rows = sqlx::query_as::<$db, ConfirmationRow>(sql::CONFIRMATIONS_DUE)
                        .bind(now)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn payment(&self, order_id: &OrderId) -> Result<Option<Payment>, StoreError> {
                    sqlx::query_as::<$db, PaymentRow>(sql::PAYMENT)
                        .bind(order_id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Payment::try_from)
                        .transpose()
                }

                async fn carrier_billed_since(
                    &self,
                    msisdn: &Msisdn,
                    since: DateTime<Utc>,
                    currency: &str,
                ) -> Result<i64, StoreError> {
                    sqlx::query_scalar::<$db, i64>(sql::CARRIER_BILLED_SINCE)
                        .bind(msisdn.as_str().to_owned())
                        .bind(since)
                        .bind(currency.to_ascii_uppercase())
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_error)
                }

                async fn redemption(&self, id: &str) -> Result<Option<Redemption>, StoreError> {
                    sqlx::query_as::<$db, RedemptionRow>(sql::REDEMPTION)
                        .bind(id.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Redemption::try_from)
                        .transpose()
                }

                async fn redemption_by_key(
                    &self,
                    merchant_id: &str,
                    key: &str,
                ) -> Result<Option<Redemption>, StoreError> {
                    sqlx::query_as::<$db, RedemptionRow>(sql::REDEMPTION_BY_KEY)
                        .bind(merchant_id.to_owned())
                        .bind(key.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(Redemption::try_from)
                        .transpose()
                }

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

                async fn queued_refund(
                    &self,
                    code: &CertificateCode,
                ) -> Result<Option<QueuedRefund>, StoreError> {
                    sqlx::query_as::<$db, QueuedRefundRow>(sql::QUEUED_REFUND)
                        .bind(code.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(QueuedRefund::try_from)
                        .transpose()
                }

                async fn queued_refunds_of(
                    &self,
                    payee: &Msisdn,
                ) -> Result<Vec<QueuedRefund>, StoreError> {
                    let rows = sqlx::query_as::<$db, QueuedRefundRow>(sql::QUEUED_REFUNDS_OF)
                        .bind(payee.as_str().to_owned())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn set_refund_account(
                    &self,
                    account: &RefundAccount,
                    now: DateTime<Utc>,
                ) -> Result<(), StoreError> {
                    sqlx::query(sql::UPSERT_REFUND_ACCOUNT)
                        .bind(account.msisdn.as_str().to_owned())
                        .bind(account.bank.clone())
                        .bind(account.account.clone())
                        .bind(account.holder.clone())
                        .bind(now)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn refund_account(
                    &self,
                    msisdn: &Msisdn,
                ) -> Result<Option<RefundAccount>, StoreError> {
                    Ok(sqlx::query_as::<$db, RefundAccountRow>(sql::REFUND_ACCOUNT)
                        .bind(msisdn.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(RefundAccount::from))
                }

                async fn sealed_secrets(
                    &self,
                    kind: SecretKind,
                    after: Option<&str>,
                    limit: u32,
                ) -> Result<Vec<SealedSecret>, StoreError> {
                    let query = match kind {
                        SecretKind::CertificatePin => sql::PINS_AFTER,
                        SecretKind::RefundAccountNumber => sql::ACCOUNTS_AFTER,
                    };
                    let rows: Vec<(String, String)> =
                        sqlx::query_as::<$db, (String, String)>(query)
                            .bind(after.unwrap_or_default().to_owned())
                            .bind(i64::from(limit))
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                    Ok(rows
                        .into_iter()
                        .map(|(key, sealed)| SealedSecret { key, sealed })
                        .collect())
                }

                async fn reseal_secret(
                    &self,
                    kind: SecretKind,
                    key: &str,
                    sealed: &str,
                    resealed: &str,
                ) -> Result<bool, StoreError> {
                    let query = match kind {
                        SecretKind::CertificatePin => sql::RESEAL_PIN,
                        SecretKind::RefundAccountNumber => sql::RESEAL_ACCOUNT,
                    };
                    let done = sqlx::query(query)
                        .bind(key.to_owned())
                        .bind(sealed.to_owned())
                        .bind(resealed.to_owned())
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
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

                async fn outbox_due(
                    &self,
                    channel: &str,
                    now: DateTime<Utc>,
                    limit: u32,
                ) -> Result<Vec<OutboxRecord>, StoreError> {
                    let rows = sqlx::query_as::<$db, OutboxRow>(sql::OUTBOX_DUE)
                        .bind(channel.to_owned())
                        .bind(now)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    let mut due = Vec::with_capacity(rows.len());
                    for row in rows {
                        let id = row.id;
                        match OutboxRecord::try_from(row) {
                            Ok(record) => due.push(record),
                            Err(error) => {
                                // A payload that does not read back would block its channel
                                // forever; park it (kept, with its reason) and go on.
                                tracing::error!(
                                    outbox_id = id,
                                    %error,
                                    "parking an unreadable outbox entry"
                                );
                                self.outbox_park(id, &error.to_string()).await?;
                            }
                        }
                    }
                    Ok(due)
                }

                async fn outbox_claim(
                    &self,
                    channel: &str,
                    now: DateTime<Utc>,
                    limit: u32,
                    lease_until: DateTime<Utc>,
                ) -> Result<Vec<OutboxRecord>, StoreError> {
                    let query = sql::outbox_claim(<$store>::CLAIM_LOCK);
                    let mut rows = sqlx::query_as::<$db, OutboxRow>(sqlx::AssertSqlSafe(query))
                        .bind(channel.to_owned())
                        .bind(now)
                        .bind(lease_until)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    rows.sort_by_key(|row| row.id);
                    let mut claimed = Vec::with_capacity(rows.len());
                    for row in rows {
                        let id = row.id;
                        match OutboxRecord::try_from(row) {
                            Ok(record) => claimed.push(record),
                            Err(error) => {
                                tracing::error!(
                                    outbox_id = id,
                                    %error,
                                    "parking an unreadable outbox entry"
                                );
                                self.outbox_park(id, &error.to_string()).await?;
                            }
                        }
                    }
                    Ok(claimed)
                }

                async fn outbox_release(&self, ids: &[i64]) -> Result<(), StoreError> {
                    for chunk in ids.chunks(ROWS_PER_INSERT) {
                        let mut update = QueryBuilder::<$db>::new(
                            "UPDATE outbox SET next_attempt_at = NULL \
                             WHERE delivered_at IS NULL AND id IN (",
                        );
                        let mut listed = update.separated(", ");
                        for id in chunk {
                            listed.push_bind(*id);
                        }
                        update.push(")");
                        update.build().execute(&self.pool).await.map_err(db_error)?;
                    }
                    Ok(())
                }

                async fn outbox_delivered(&self, ids: &[i64]) -> Result<(), StoreError> {
                    let now = Utc::now();
                    for chunk in ids.chunks(ROWS_PER_INSERT) {
                        let mut update = QueryBuilder::<$db>::new(sql::OUTBOX_DELIVERED_HEAD);
                        update.push_bind(now);
                        update.push(" WHERE delivered_at IS NULL AND id IN (");
                        let mut listed = update.separated(", ");
                        for id in chunk {
                            listed.push_bind(*id);
                        }
                        update.push(")");
                        update.build().execute(&self.pool).await.map_err(db_error)?;
                    }
                    Ok(())
                }

                async fn outbox_retry_at(
                    &self,
                    id: i64,
                    error: &str,
                    next_attempt_at: DateTime<Utc>,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query(sql::OUTBOX_RETRY_AT)
                        .bind(id)
                        .bind(error.to_owned())
                        .bind(next_attempt_at)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound(format!("outbox entry {id}")));
                    }
                    Ok(())
                }

                async fn outbox_park(&self, id: i64, reason: &str) -> Result<(), StoreError> {
                    let done = sqlx::query(sql::OUTBOX_PARK)
                        .bind(id)
                        .bind(reason.to_owned())
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound(format!("outbox entry {id}")));
                    }
                    Ok(())
                }

                async fn outbox_pending(
                    &self,
                    limit: u32,
                ) -> Result<Vec<OutboxRecord>, StoreError> {
                    let rows = sqlx::query_as::<$db, OutboxRow>(sql::OUTBOX_PENDING)
                        .bind(i64::from(limit))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    convert(rows)
                }

                async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
                    sqlx::query(sql::INSERT_API_KEY)
                        .bind(key.holder_id.clone())
                        .bind(key.kind.as_str())
                        .bind(key.name.clone())
                        .bind(key.secret_hash.clone())
                        .bind(key.created_at)
                        .bind(key.scopes.join(","))
                        .bind(key.revoked_at)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn rotate_api_key(
                    &self,
                    holder_id: &str,
                    kind: KeyKind,
                    secret_hash: &str,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(sql::ROTATE_API_KEY)
                        .bind(holder_id.to_owned())
                        .bind(kind.as_str())
                        .bind(secret_hash.to_owned())
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn revoke_api_key(
                    &self,
                    holder_id: &str,
                    kind: KeyKind,
                    at: DateTime<Utc>,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(sql::REVOKE_API_KEY)
                        .bind(holder_id.to_owned())
                        .bind(kind.as_str())
                        .bind(at)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn merchant_pin_lock(
                    &self,
                    code: &CertificateCode,
                    merchant_id: &str,
                ) -> Result<Option<DateTime<Utc>>, StoreError> {
                    let until: Option<Option<DateTime<Utc>>> =
                        sqlx::query_scalar::<$db, Option<DateTime<Utc>>>(sql::MERCHANT_PIN_LOCK)
                            .bind(code.as_str().to_owned())
                            .bind(merchant_id.to_owned())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(db_error)?;
                    Ok(until.flatten())
                }

                async fn count_merchant_pin_failure(
                    &self,
                    code: &CertificateCode,
                    merchant_id: &str,
                    limit: u32,
                    lock_until: DateTime<Utc>,
                ) -> Result<bool, StoreError> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let failures: i64 =
                        sqlx::query_scalar::<$db, i64>(sql::COUNT_MERCHANT_PIN_FAILURE)
                            .bind(code.as_str().to_owned())
                            .bind(merchant_id.to_owned())
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    let locks = failures >= i64::from(limit);
                    if locks {
                        sqlx::query(sql::LOCK_MERCHANT_PIN)
                            .bind(code.as_str().to_owned())
                            .bind(merchant_id.to_owned())
                            .bind(lock_until)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    }
                    tx.commit().await.map_err(db_error)?;
                    Ok(locks)
                }

                async fn clear_merchant_pin_failures(
                    &self,
                    code: &CertificateCode,
                    merchant_id: &str,
                ) -> Result<(), StoreError> {
                    sqlx::query(sql::CLEAR_MERCHANT_PIN_FAILURES)
                        .bind(code.as_str().to_owned())
                        .bind(merchant_id.to_owned())
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn api_key(
                    &self,
                    holder_id: &str,
                ) -> Result<Option<ApiKeyRecord>, StoreError> {
                    sqlx::query_as::<$db, ApiKeyRow>(sql::API_KEY)
                        .bind(holder_id.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(ApiKeyRecord::try_from)
                        .transpose()
                }

                async fn upsert_content(&self, item: &ContentItem) -> Result<(), StoreError> {
                    sqlx::query(sql::UPSERT_CONTENT)
                        .bind(item.id.as_str().to_owned())
                        .bind(item.kind.clone())
                        .bind(item.title.clone())
                        .bind(item.mime.clone())
                        .bind(item.bytes.clone())
                        .bind(item.created_at)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn content(&self, id: &ContentId) -> Result<Option<ContentItem>, StoreError> {
                    sqlx::query_as::<$db, ContentRow>(sql::CONTENT)
                        .bind(id.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(ContentItem::try_from)
                        .transpose()
                }

                async fn contents(&self) -> Result<Vec<(ContentItem, i64)>, StoreError> {
                    sqlx::query_as::<$db, ContentSummaryRow>(sql::CONTENTS)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?
                        .into_iter()
                        .map(ContentSummaryRow::into_summary)
                        .collect()
                }

                async fn set_mms_capable(
                    &self,
                    msisdn: &Msisdn,
                    capable: bool,
                ) -> Result<(), StoreError> {
                    sqlx::query(sql::SET_MMS_CAPABLE)
                        .bind(msisdn.as_str().to_owned())
                        .bind(Utc::now())
                        .bind(capable)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn mms_capable(&self, msisdn: &Msisdn) -> Result<bool, StoreError> {
                    Ok(sqlx::query_scalar::<$db, bool>(sql::MMS_CAPABLE)
                        .bind(msisdn.as_str().to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .unwrap_or(true))
                }

                async fn message(
                    &self,
                    message_id: &str,
                ) -> Result<Option<MessageRecord>, StoreError> {
                    let row = sqlx::query_as::<$db, MessageRow>(sql::MESSAGE)
                        .bind(message_id.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    message_with_ids(&self.pool, row).await
                }

                async fn message_by_provider_id(
                    &self,
                    channel: &str,
                    provider_id: &str,
                ) -> Result<Option<MessageRecord>, StoreError> {
                    let row = sqlx::query_as::<$db, MessageRow>(sql::MESSAGE_BY_PROVIDER_ID)
                        .bind(channel.to_owned())
                        .bind(provider_id.to_owned())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    message_with_ids(&self.pool, row).await
                }

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

pub(crate) use impl_store;
