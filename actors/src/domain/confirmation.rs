//! A request waiting for its subscriber's `YES` or `NO`: a purchase asked for by SMS
//! (`BUY`), or a gift waiting for its giver's check (SMS `GIFT`, or `confirm: true` from
//! any channel).
//!
//! It is data, not actor memory (DESIGN.md, second round): the session that asked may
//! have stopped, the gateway restarted, or the `YES` may arrive through another
//! instance's bind. Each waiting request carries a small number, unique among its
//! subscriber's waiting requests and stable until it is settled, so a subscriber with
//! several can answer `YES 2`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{ConfirmationId, GiftId, OrderId, ProductId};
use super::msisdn::Msisdn;
use super::records::stored_enum;

stored_enum!(
    /// Where a waiting request is.
    ConfirmationState {
        /// Waiting for `YES` or `NO` until its deadline.
        Waiting => "waiting",
        /// Confirmed: the purchase was placed, the gift sent.
        Confirmed => "confirmed",
        /// Cancelled by `NO`, by the giver's channel, or because its gift ended otherwise.
        Cancelled => "cancelled",
        /// Not answered in time: the purchase was dropped, the gift cancelled.
        Expired => "expired",
    }
);

stored_enum!(
    /// What kind of request waits.
    ConfirmationKind {
        /// A purchase on the phone bill.
        Purchase => "purchase",
        /// A gift waiting for its giver's check.
        Gift => "gift",
    }
);

/// What waits for the subscriber's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingAction {
    /// A purchase on the phone bill.
    Purchase {
        /// The product.
        product_id: ProductId,
        /// How many (1–10).
        quantity: u32,
    },
    /// A gift waiting for the giver's check.
    Gift {
        /// The gift.
        gift_id: GiftId,
    },
}

impl PendingAction {
    /// The kind, as stored.
    pub fn kind(&self) -> ConfirmationKind {
        match self {
            PendingAction::Purchase { .. } => ConfirmationKind::Purchase,
            PendingAction::Gift { .. } => ConfirmationKind::Gift,
        }
    }
}

/// A request waiting (or once waiting) for `YES` or `NO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// Its id (a gift's confirmation has the gift's id).
    pub id: ConfirmationId,
    /// Whose answer it waits for.
    pub msisdn: Msisdn,
    /// The number the subscriber answers with (`YES 2`), unique among their waiting
    /// requests.
    pub number: u32,
    /// What waits.
    pub action: PendingAction,
    /// Where it is.
    pub state: ConfirmationState,
    /// When it was asked.
    pub created_at: DateTime<Utc>,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
}

impl Confirmation {
    /// The order a confirmed purchase is placed as: one id per request, so a `YES`
    /// handled twice (a retry, a second instance) buys once.
    pub fn purchase_order_id(&self) -> OrderId {
        OrderId::internal("confirm", self.id.as_str())
    }

    /// Whether it still waits at `now`.
    pub fn is_waiting(&self, now: DateTime<Utc>) -> bool {
        self.state == ConfirmationState::Waiting && self.expires_at > now
    }
}

/// The number for a new request: the smallest positive number none of the subscriber's
/// `waiting` requests carries.
pub fn next_number(waiting: &[Confirmation]) -> u32 {
    (1..)
        .find(|n| waiting.iter().all(|c| c.number != *n))
        .unwrap_or(1)
}

/// A guarded settlement of a waiting request: applied only while it is `waiting`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationUpdate {
    /// The request.
    pub id: ConfirmationId,
    /// `confirmed`, `cancelled` or `expired`.
    pub state: ConfirmationState,
    /// When it was settled.
    pub settled_at: DateTime<Utc>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn waiting(number: u32) -> Confirmation {
        let now = Utc::now();
        Confirmation {
            id: ConfirmationId::generate(),
            msisdn: Msisdn::from_e164_unchecked("+821012345678"),
            number,
            action: PendingAction::Gift {
                gift_id: GiftId::generate(),
            },
            state: ConfirmationState::Waiting,
            created_at: now,
            expires_at: now + Duration::minutes(5),
        }
    }

    #[test]
    fn a_new_request_takes_the_smallest_free_number() {
        assert_eq!(next_number(&[]), 1);
        assert_eq!(next_number(&[waiting(1)]), 2);
        assert_eq!(next_number(&[waiting(2)]), 1);
        assert_eq!(next_number(&[waiting(1), waiting(3)]), 2);
        assert_eq!(next_number(&[waiting(1), waiting(2), waiting(3)]), 4);
    }

    #[test]
    fn a_request_waits_until_its_deadline_and_only_while_waiting() {
        let request = waiting(1);
        assert!(request.is_waiting(request.created_at));
        assert!(!request.is_waiting(request.expires_at));
        let settled = Confirmation {
            state: ConfirmationState::Confirmed,
            ..request.clone()
        };
        assert!(!settled.is_waiting(request.created_at));
    }

    #[test]
    fn a_purchase_is_ordered_once_per_request() {
        let request = waiting(1);
        assert_eq!(request.purchase_order_id(), request.purchase_order_id());
        assert!(request.purchase_order_id().as_str().starts_with("confirm:"));
    }
}
