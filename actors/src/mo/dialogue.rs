//! The MO dialogue of one subscriber, run inside their `SubscriberSession`.
//!
//! `BUY` asks for confirmation and holds the purchase for 5 minutes; `YES` carries it
//! out, `NO` drops it. A `GIFT` by SMS waits for the giver's `YES` (the package check of
//! the seed's S170) before it is sent. Every command gets an answer by SMS: orders'
//! own texts come from their commits; everything else is answered here.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::command::MoCommand;
use super::replies::Replies;
use crate::domain::{
    CertificateStatus, GiftId, GiftState, Msisdn, Order, OrderId, OrderStatus, ProductId,
};
use crate::ports::Changes;
use crate::service::orders::OrderMeta;
use crate::service::{Ledger, ServiceError};

/// How long a BUY or GIFT waits for YES.
pub const CONFIRMATION_WINDOW: Duration = Duration::minutes(5);

/// What waits for the subscriber's YES or NO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingAction {
    /// A purchase on the phone bill.
    Purchase {
        /// The product.
        product_id: ProductId,
        /// How many.
        quantity: u32,
    },
    /// A gift waiting for the giver's check.
    Gift {
        /// The gift.
        gift_id: GiftId,
    },
}

/// A pending action and when it lapses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// What waits.
    pub action: PendingAction,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
}

/// Handles one MO command; answers what is pending afterwards.
pub async fn handle_mo(
    ledger: &Ledger,
    msisdn: &Msisdn,
    command: MoCommand,
    pending: Option<Pending>,
) -> Result<Option<Pending>, ServiceError> {
    let now = ledger.now();
    let pending = pending.filter(|p| p.expires_at > now);
    let replies = Replies {
        language: ledger.policy.language,
    };
    match command {
        MoCommand::Buy {
            product_id,
            quantity,
        } => {
            let Some(product) = ledger
                .store
                .product(&product_id)
                .await?
                .filter(|p| p.active)
            else {
                answer(
                    ledger,
                    msisdn,
                    replies.failed("unknown_product", product_id.as_str()),
                )
                .await?;
                return Ok(pending);
            };
            let total = product
                .face_value
                .times(quantity)
                .unwrap_or(product.face_value);
            answer(
                ledger,
                msisdn,
                replies.confirm_purchase(&product.name, quantity, total),
            )
            .await?;
            Ok(Some(Pending {
                action: PendingAction::Purchase {
                    product_id,
                    quantity,
                },
                expires_at: now + CONFIRMATION_WINDOW,
            }))
        }
        MoCommand::Yes => match pending.map(|p| p.action) {
            Some(PendingAction::Purchase {
                product_id,
                quantity,
            }) => {
                let body = json!({"order_id": mo_order_id("buy", msisdn), "type": "purchase",
                    "msisdn": msisdn.as_str(), "product_id": product_id.as_str(),
                    "quantity": quantity, "settlement": {"method": "carrier"}});
                run_order(ledger, msisdn, body, &replies).await?;
                Ok(None)
            }
            Some(PendingAction::Gift { gift_id }) => {
                if let Err(ServiceError::Refused(refusal)) =
                    ledger.confirm_gift(&gift_id, msisdn).await
                {
                    answer(
                        ledger,
                        msisdn,
                        replies.failed(refusal.code, &refusal.detail),
                    )
                    .await?;
                }
                Ok(None)
            }
            None => {
                answer(ledger, msisdn, replies.nothing_pending()).await?;
                Ok(None)
            }
        },
        MoCommand::No => {
            match pending.map(|p| p.action) {
                Some(PendingAction::Gift { gift_id }) => {
                    ledger
                        .cancel_gift(&gift_id, msisdn)
                        .await
                        .or_else(ignore_refusal)?;
                    answer(ledger, msisdn, replies.cancelled()).await?;
                }
                Some(PendingAction::Purchase { .. }) => {
                    answer(ledger, msisdn, replies.cancelled()).await?;
                }
                None => answer(ledger, msisdn, replies.nothing_pending()).await?,
            }
            Ok(None)
        }
        MoCommand::Gift { code, to, message } => {
            let body = json!({"order_id": mo_order_id("gift", msisdn), "type": "gift",
                "msisdn": msisdn.as_str(), "certificate_codes": [code.as_str()], "to": to.as_str(),
                "message": message, "confirm": true});
            let record = run_order(ledger, msisdn, body, &replies).await?;
            let gift_id = record
                .and_then(|outcome| outcome["gift_id"].as_str().map(str::to_owned))
                .and_then(|id| GiftId::parse(&id).ok());
            Ok(match gift_id {
                Some(gift_id) => Some(Pending {
                    action: PendingAction::Gift { gift_id },
                    expires_at: now + CONFIRMATION_WINDOW,
                }),
                None => pending,
            })
        }
        MoCommand::Accept(gift_id) => {
            answer_gift(ledger, msisdn, gift_id, "accept", &replies).await?;
            Ok(pending)
        }
        MoCommand::Reject(gift_id) => {
            answer_gift(ledger, msisdn, gift_id, "reject", &replies).await?;
            Ok(pending)
        }
        MoCommand::Balance => {
            let wallet = ledger.wallet(msisdn).await?;
            let lines: Vec<String> = wallet
                .iter()
                .filter(|(c, _)| {
                    matches!(
                        c.status,
                        CertificateStatus::Active | CertificateStatus::PendingGift
                    )
                })
                .map(|(c, _)| format!("{} {} ({})", c.code.grouped(), c.balance, c.status))
                .collect();
            answer(ledger, msisdn, replies.balance(&lines)).await?;
            Ok(pending)
        }
        MoCommand::Refund { code, to_points } => {
            let mut body = json!({"order_id": mo_order_id("refund", msisdn), "type": "refund",
                "msisdn": msisdn.as_str(), "certificate_code": code.as_str()});
            if to_points {
                body["to"] = json!("points");
            }
            run_order(ledger, msisdn, body, &replies).await?;
            Ok(pending)
        }
        MoCommand::Extend(code) => {
            match ledger.extend_certificate(msisdn, &code).await {
                Ok(_) => {}
                Err(ServiceError::Refused(refusal)) if refusal.code == "extension_not_offered" => {
                    answer(ledger, msisdn, replies.extension_unavailable()).await?;
                }
                Err(ServiceError::Refused(refusal)) => {
                    answer(
                        ledger,
                        msisdn,
                        replies.failed(refusal.code, &refusal.detail),
                    )
                    .await?;
                }
                Err(error) => return Err(error),
            }
            Ok(pending)
        }
        MoCommand::Help(why) => {
            answer(ledger, msisdn, replies.help(why.as_deref())).await?;
            Ok(pending)
        }
    }
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

/// Runs an order made from an MO command; a failure is answered with its reason.
/// Answers the completed order's outcome.
async fn run_order(
    ledger: &Ledger,
    msisdn: &Msisdn,
    body: serde_json::Value,
    replies: &Replies,
) -> Result<Option<serde_json::Value>, ServiceError> {
    let order = Order::from_value(&body, ledger.policy.region).map_err(|e| {
        ServiceError::Refused(crate::service::Refusal::new(
            "invalid_command",
            e.to_string(),
        ))
    })?;
    let record = ledger.place_order(&order, &OrderMeta::default()).await?;
    match record.status {
        OrderStatus::Completed => Ok(record.outcome),
        _ => {
            let reason = record.reason.unwrap_or_default();
            let detail = record.detail.unwrap_or_default();
            answer(ledger, msisdn, replies.failed(&reason, &detail)).await?;
            Ok(None)
        }
    }
}

/// Commits an answer SMS to the subscriber.
async fn answer(ledger: &Ledger, msisdn: &Msisdn, text: String) -> Result<(), ServiceError> {
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

fn ignore_refusal(error: ServiceError) -> Result<(), ServiceError> {
    match error {
        ServiceError::Refused(_) => Ok(()),
        other => Err(other),
    }
}
