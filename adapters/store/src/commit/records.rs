//! The records a change set writes one statement each: handset messages (inserted or
//! moved, with their provider ids), reconciliation repairs and queued refunds.

/// The records on `$db`, for the backend module `$backend`.
macro_rules! record_helpers {
    ($db:ty, $backend:ident) => {
        use chrono::{DateTime, Utc};
        use giftgate_actors::domain::{MessageRecord, QueuedRefund, SettlementRepair};
        use giftgate_actors::ports::StoreError;

        use crate::error::db_error;

        use crate::sql;

        type Conn = <$db as sqlx::Database>::Connection;

        pub(crate) async fn upsert_messages(
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

        pub(crate) async fn insert_settlement_repairs(
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

        pub(crate) async fn insert_queued_refunds(
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
    };
}

/// On PostgreSQL.
pub(crate) mod postgres {
    record_helpers!(sqlx::Postgres, postgres);
}

/// On SQLite.
pub(crate) mod sqlite {
    record_helpers!(sqlx::Sqlite, sqlite);
}
