//! The MO dialogue of one subscriber, run inside their `SubscriberSession`.
//!
//! Every command gets an answer by SMS: orders' own texts come from their commits;
//! everything else is answered here, in words. What waits for the subscriber's `YES`
//! (`BUY`, `GIFT`) is kept in the database ([`super::confirm`]), never in the session,
//! so the session holds no dialogue state at all: any instance, any incarnation of the
//! session, answers the same.

use serde_json::json;

use super::command::MoCommand;
use super::replies::{BalanceLine, Replies};
use crate::domain::{
    CertificateStatus, GiftId, GiftState, Msisdn, Order, OrderId, OrderStatus, RefusalCode,
};
use crate::ports::Changes;
use crate::service::orders::OrderMeta;
use crate::service::{Ledger, Refusal, ServiceError};

/// Handles one MO command of `msisdn`.
pub async fn handle_mo(
    ledger: &Ledger,
    msisdn: &Msisdn,
    command: MoCommand,
) -> Result<(), ServiceError> {
    let replies = Replies::new(ledger.language());
    match command {
        MoCommand::Buy {
            product_id,
            quantity,
        } => super::confirm::ask_purchase(ledger, msisdn, &product_id, quantity, &replies).await,
        MoCommand::Yes(number) => {
            super::confirm::answer_request(ledger, msisdn, number, true, &replies).await
        }
        MoCommand::No(number) => {
            super::confirm::answer_request(ledger, msisdn, number, false, &replies).await
        }
        MoCommand::Gift { code, to, message } => {
            // The gift's own commit asks the giver's check (with the request's number).
            let body = json!({"order_id": mo_order_id("gift", msisdn), "type": "gift",
                "msisdn": msisdn.as_str(), "certificate_codes": [code.as_str()], "to": to.as_str(),
                "message": message, "confirm": true});
            run_order(ledger, msisdn, body, &replies).await.map(|_| ())
        }
        MoCommand::Accept(gift_id) => {
            answer_gift(ledger, msisdn, gift_id, "accept", &replies).await
        }
        MoCommand::Reject(gift_id) => {
            answer_gift(ledger, msisdn, gift_id, "reject", &replies).await
        }
        MoCommand::Balance => balance(ledger, msisdn, &replies).await,
        MoCommand::List { category, page } => {
            let text = super::catalog::page(ledger, category, page, &replies).await?;
            answer(ledger, msisdn, text).await
        }
        MoCommand::Refund { code, to_points } => {
            let mut body = json!({"order_id": mo_order_id("refund", msisdn), "type": "refund",
                "msisdn": msisdn.as_str(), "certificate_code": code.as_str()});
            if to_points {
                body["to"] = json!("points");
            }
            run_order(ledger, msisdn, body, &replies).await.map(|_| ())
        }
        MoCommand::Extend(code) => match ledger.extend_certificate(msisdn, &code).await {
            Ok(_) => Ok(()),
            Err(ServiceError::Refused(refusal)) => {
                answer(ledger, msisdn, replies.failed(refusal.code)).await
            }
            Err(error) => Err(error),
        },
        MoCommand::Pin(code) => match ledger.renew_pin(msisdn, &code).await {
            // The new PIN goes out in its own SMS, committed with it.
            Ok(()) => Ok(()),
            Err(ServiceError::Refused(refusal)) => {
                answer(ledger, msisdn, replies.failed(refusal.code)).await
            }
            Err(error) => Err(error),
        },
        MoCommand::Help(why) => answer(ledger, msisdn, replies.help(why)).await,
    }
}

/// `BAL`: the certificates the subscriber can use or has sent as gifts.
async fn balance(ledger: &Ledger, msisdn: &Msisdn, replies: &Replies) -> Result<(), ServiceError> {
    let wallet = ledger.wallet(msisdn).await?;
    let mut names = std::collections::BTreeMap::new();
    for (certificate, _) in &wallet {
        if !names.contains_key(&certificate.product_id) {
            let name = ledger
                .product(&certificate.product_id)
                .await?
                .map_or_else(|| certificate.product_id.to_string(), |p| p.name);
            names.insert(certificate.product_id.clone(), name);
        }
    }
    let lines: Vec<BalanceLine<'_>> = wallet
        .iter()
        .filter(|(c, _)| {
            matches!(
                c.status,
                CertificateStatus::Active
                    | CertificateStatus::PendingGift
                    | CertificateStatus::Blocked
            )
        })
        .map(|(c, _)| BalanceLine {
            product: names.get(&c.product_id).map_or("", String::as_str),
            code: c.code.grouped(),
            balance: c.balance,
            status: c.status,
            expires_at: c.expires_at,
        })
        .collect();
    answer(ledger, msisdn, replies.balance(&lines)).await
}

/// Accepts or rejects a gift: the one named, or the subscriber's only gift waiting.
async fn answer_gift(
    ledger: &Ledger,
    msisdn: &Msisdn,
    gift_id: Option<GiftId>,
    kind: &str,
    replies: &Replies,
) -> Result<(), ServiceError> {
    let gift_id = match gift_id {
        Some(id) => id,
        None => {
            let waiting: Vec<GiftId> = ledger
                .gifts(msisdn)
                .await?
                .into_iter()
                .filter(|g| &g.transferee == msisdn && g.state == GiftState::Sent)
                .map(|g| g.id)
                .collect();
            match waiting.as_slice() {
                [only] => only.clone(),
                _ => return answer(ledger, msisdn, replies.which_gift(waiting.len())).await,
            }
        }
    };
    let body = json!({"order_id": mo_order_id(kind, msisdn), "type": kind,
        "msisdn": msisdn.as_str(), "gift_id": gift_id.as_str()});
    run_order(ledger, msisdn, body, replies).await.map(|_| ())
}

/// Runs an order made from an MO command; a failure is answered in words. Answers
/// the completed order's outcome.
async fn run_order(
    ledger: &Ledger,
    msisdn: &Msisdn,
    body: serde_json::Value,
    replies: &Replies,
) -> Result<Option<serde_json::Value>, ServiceError> {
    let order = Order::from_value(&body, ledger.region()).map_err(|e| {
        ServiceError::Refused(Refusal::new(RefusalCode::InvalidCommand, e.to_string()))
    })?;
    let record = ledger.place_order(&order, &OrderMeta::default()).await?;
    answer_failure(ledger, msisdn, &record, replies).await?;
    Ok(record.outcome)
}

/// Answers a failed order's reason in words (a completed order's commit answered).
pub(super) async fn answer_failure(
    ledger: &Ledger,
    msisdn: &Msisdn,
    record: &crate::domain::OrderRecord,
    replies: &Replies,
) -> Result<(), ServiceError> {
    if record.status == OrderStatus::Failed {
        let reason = record.reason.as_deref().unwrap_or_default();
        answer(ledger, msisdn, replies.failed_reason(reason)).await?;
    }
    Ok(())
}

/// Commits an answer SMS to the subscriber.
pub(super) async fn answer(
    ledger: &Ledger,
    msisdn: &Msisdn,
    text: String,
) -> Result<(), ServiceError> {
    ledger
        .commit(Changes {
            outbox: vec![ledger.sms(msisdn.as_str(), text)],
            ..Changes::default()
        })
        .await
}

/// A fresh order id for an order made from an MO command.
fn mo_order_id(kind: &str, msisdn: &Msisdn) -> String {
    OrderId::internal(
        &format!("mo-{kind}"),
        &format!("{}-{}", msisdn.digits(), uuid::Uuid::now_v7().simple()),
    )
    .to_string()
}
