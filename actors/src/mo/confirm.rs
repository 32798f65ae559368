//! `BUY`, `YES` and `NO`: requests that wait for the subscriber's answer.
//!
//! `BUY` stores a purchase request (and its question) in one commit; a gift's request
//! is stored by the gift's commit. `YES`/`NO` read the subscriber's waiting requests
//! from the database: one waiting is settled at once, several are listed with their
//! numbers (`YES 2` picks one). A second `BUY` or `GIFT` waits beside the first, under
//! its own number, and never replaces it.

use super::dialogue::{answer, answer_failure};
use super::replies::Replies;
use crate::domain::{
    Confirmation, ConfirmationId, Msisdn, PendingAction, Product, ProductId, RefusalCode,
    find_ignoring_case,
};
use crate::ports::Changes;
use crate::service::{Ledger, ServiceError, ledger::is_conflict};

/// `BUY <product> [qty]`: asks for confirmation and keeps the request until the deadline.
pub(super) async fn ask_purchase(
    ledger: &Ledger,
    msisdn: &Msisdn,
    typed: &ProductId,
    quantity: u32,
    replies: &Replies,
) -> Result<(), ServiceError> {
    let Some(product) = product_typed(ledger, typed).await? else {
        return answer(ledger, msisdn, replies.unknown_product(typed.as_str())).await;
    };
    if !product.active {
        return answer(
            ledger,
            msisdn,
            replies.failed(RefusalCode::ProductUnavailable),
        )
        .await;
    }
    let Ok(total) = product.face_value.times(quantity) else {
        return answer(ledger, msisdn, replies.failed(RefusalCode::InvalidAmount)).await;
    };
    let minutes = ledger.confirm_window().num_minutes().max(1);
    for _ in 0..crate::service::MAX_CONFLICT_RETRIES {
        let action = PendingAction::Purchase {
            product_id: product.id.clone(),
            quantity,
        };
        let (request, others_waiting) = ledger
            .new_confirmation(msisdn, ConfirmationId::generate(), action)
            .await?;
        let question = replies.confirm_purchase(
            &product.name,
            quantity,
            total,
            others_waiting.then_some(request.number),
            minutes,
        );
        let changes = Changes {
            new_confirmations: vec![request],
            outbox: vec![ledger.sms(msisdn.as_str(), question)],
            ..Changes::default()
        };
        match ledger.commit(changes).await {
            // Another request took the number meanwhile (another instance): renumber.
            Err(error) if is_conflict(&error) => continue,
            other => return other,
        }
    }
    Err(ServiceError::Contention(format!(
        "numbering the requests of {}",
        msisdn.masked()
    )))
}

/// The product a subscriber typed: the id as typed, else the one equal to it ignoring
/// case (`ACC-B3A7EA` for `acc-b3a7ea`).
async fn product_typed(
    ledger: &Ledger,
    typed: &ProductId,
) -> Result<Option<Product>, ServiceError> {
    if let Some(product) = ledger.product(typed).await? {
        return Ok(Some(product));
    }
    let catalog = ledger.catalog_products().await?;
    Ok(find_ignoring_case(&catalog, typed.as_str()).cloned())
}

/// `YES [n]` (`confirm`) or `NO [n]`.
pub(super) async fn answer_request(
    ledger: &Ledger,
    msisdn: &Msisdn,
    number: Option<u32>,
    confirm: bool,
    replies: &Replies,
) -> Result<(), ServiceError> {
    let waiting = ledger.waiting_confirmations(msisdn).await?;
    let chosen = match (number, waiting.as_slice()) {
        (Some(n), _) => match waiting.iter().find(|c| c.number == n) {
            Some(request) => request,
            None => return answer(ledger, msisdn, replies.no_such_request(n)).await,
        },
        (None, []) => return answer(ledger, msisdn, replies.nothing_pending()).await,
        (None, [only]) => only,
        (None, several) => {
            let lines = describe(ledger, several, replies).await?;
            return answer(ledger, msisdn, replies.which_request(&lines)).await;
        }
    };
    match (&chosen.action, confirm) {
        (PendingAction::Purchase { .. }, true) => {
            match ledger.confirm_purchase_request(chosen).await {
                Ok(record) => answer_failure(ledger, msisdn, &record, replies).await,
                // The carrier's answer is not known yet: recovery finishes the purchase
                // and its commit tells the subscriber; meanwhile say so.
                Err(ServiceError::PaymentUnknown(_)) => {
                    answer(ledger, msisdn, replies.failed(RefusalCode::PaymentUnknown)).await
                }
                Err(error) => Err(error),
            }
        }
        (PendingAction::Purchase { .. }, false) => {
            if !ledger
                .decline_purchase_request(chosen, replies.cancelled())
                .await?
            {
                answer(ledger, msisdn, replies.nothing_pending()).await?;
            }
            Ok(())
        }
        (PendingAction::Gift { gift_id }, true) => {
            match ledger.confirm_gift(gift_id, msisdn).await {
                Ok(_) => Ok(()),
                Err(ServiceError::Refused(refusal)) => {
                    answer(ledger, msisdn, replies.failed(refusal.code)).await
                }
                Err(error) => Err(error),
            }
        }
        (PendingAction::Gift { gift_id }, false) => {
            match ledger.cancel_gift(gift_id, msisdn).await {
                Ok(()) => answer(ledger, msisdn, replies.cancelled()).await,
                Err(ServiceError::Refused(refusal)) => {
                    answer(ledger, msisdn, replies.failed(refusal.code)).await
                }
                Err(error) => Err(error),
            }
        }
    }
}

/// One line per waiting request, with its number.
async fn describe(
    ledger: &Ledger,
    waiting: &[Confirmation],
    replies: &Replies,
) -> Result<Vec<String>, ServiceError> {
    let mut lines = Vec::with_capacity(waiting.len());
    for request in waiting {
        lines.push(match &request.action {
            PendingAction::Purchase {
                product_id,
                quantity,
            } => match ledger.product(product_id).await? {
                Some(product) => replies.waiting_purchase(
                    request.number,
                    &product.name,
                    *quantity,
                    product
                        .face_value
                        .times(*quantity)
                        .unwrap_or(product.face_value),
                ),
                None => format!("{}) {product_id}", request.number),
            },
            PendingAction::Gift { gift_id } => match ledger.find_gift(gift_id).await? {
                Some(gift) => replies.waiting_gift(request.number, gift.transferee.as_str()),
                None => format!("{}) {gift_id}", request.number),
            },
        });
    }
    Ok(lines)
}
