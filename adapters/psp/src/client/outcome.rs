//! What a payment's state at the PSP means for each port call: the payment of an order that
//! matters, and whether it shows `reserve`, `charge` or `release` done, refused, or not yet.
//! Pure functions, shared by a write's answer and by the look-ups that settle it.

use giftgate_actors::domain::Money;
use giftgate_actors::ports::{PaymentError, RailStatus};

use super::error::declined;
use crate::wire::{CARD_DECLINED, INSUFFICIENT_FUNDS, Payment, PaymentStatus};

/// The payment of an order that matters: the newest one not declined, else the newest.
pub(super) fn current_payment(payments: &[Payment]) -> Option<&Payment> {
    payments
        .iter()
        .rev()
        .find(|p| p.status != PaymentStatus::Declined)
        .or_else(|| payments.last())
}

fn voided() -> PaymentError {
    PaymentError::Declined {
        reason: "authorization_voided".into(),
        detail: "the authorization was voided".into(),
    }
}

/// What an authorization's state says about `reserve`.
pub(super) fn authorization_outcome(payment: &Payment) -> Result<String, PaymentError> {
    match payment.status {
        PaymentStatus::Authorized | PaymentStatus::Captured | PaymentStatus::Refunded => {
            Ok(payment.id.clone())
        }
        PaymentStatus::Voided => Err(voided()),
        PaymentStatus::Declined => Err(declined(
            payment.decline_code.as_deref().unwrap_or(CARD_DECLINED),
            "authorization declined".into(),
        )),
    }
}

/// What a payment's state says about `charge`; `None` while it is only authorized.
pub(super) fn capture_outcome(payment: &Payment) -> Option<Result<(), PaymentError>> {
    match payment.status {
        PaymentStatus::Captured | PaymentStatus::Refunded => Some(Ok(())),
        PaymentStatus::Voided => Some(Err(voided())),
        PaymentStatus::Declined => Some(Err(declined(
            payment.decline_code.as_deref().unwrap_or(CARD_DECLINED),
            "authorization declined".into(),
        ))),
        PaymentStatus::Authorized => payment
            .decline_code
            .as_deref()
            .map(|code| Err(declined(code, "capture declined".into()))),
    }
}

/// What a payment's state says about `release`; `None` while it is still authorized.
pub(super) fn void_outcome(payment: &Payment) -> Option<Result<(), PaymentError>> {
    match payment.status {
        PaymentStatus::Voided | PaymentStatus::Declined => Some(Ok(())),
        PaymentStatus::Captured | PaymentStatus::Refunded => Some(Err(PaymentError::Declined {
            reason: "payment_already_captured".into(),
            detail: "a captured payment cannot be voided; refund it".into(),
        })),
        PaymentStatus::Authorized => None,
    }
}

/// The port's view of a payment's state.
pub(super) fn rail_status(payment: &Payment) -> Result<RailStatus, PaymentError> {
    let reference = payment.id.clone();
    Ok(match payment.status {
        PaymentStatus::Authorized => RailStatus::Reserved { reference },
        PaymentStatus::Captured => RailStatus::Charged { reference },
        PaymentStatus::Voided => RailStatus::Released,
        PaymentStatus::Declined => RailStatus::Declined {
            reason: match payment.decline_code.as_deref() {
                Some(INSUFFICIENT_FUNDS) => INSUFFICIENT_FUNDS.to_owned(),
                _ => CARD_DECLINED.to_owned(),
            },
        },
        PaymentStatus::Refunded => RailStatus::Refunded {
            reference,
            amount: Money::new(payment.refunded_amount, payment.currency)
                .map_err(|e| PaymentError::Unknown(format!("PSP reported refunded amount: {e}")))?,
        },
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use giftgate_actors::domain::Currency;
    use rust_decimal::Decimal;

    use crate::wire::PaymentMethod;

    fn payment(status: PaymentStatus, decline_code: Option<&str>) -> Payment {
        Payment {
            id: "pay_1".into(),
            reference: "ord-1".into(),
            amount: Decimal::new(50000, 0),
            currency: Currency::KRW,
            method: PaymentMethod::Card,
            status,
            captured_amount: Decimal::ZERO,
            refunded_amount: Decimal::new(20000, 0),
            decline_code: decline_code.map(str::to_owned),
            refunds: vec![],
            buyer_tel: None,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_declined_capture_leaves_a_voidable_authorization() {
        let p = payment(PaymentStatus::Authorized, Some("card_declined"));
        assert!(matches!(
            capture_outcome(&p),
            Some(Err(PaymentError::Declined { .. }))
        ));
        assert_eq!(void_outcome(&p), None);
        assert_eq!(
            capture_outcome(&payment(PaymentStatus::Authorized, None)),
            None
        );
        assert_eq!(
            void_outcome(&payment(PaymentStatus::Voided, None)),
            Some(Ok(()))
        );
    }

    #[test]
    fn payment_states_map_to_rail_statuses() {
        assert_eq!(
            rail_status(&payment(PaymentStatus::Authorized, None)).unwrap(),
            RailStatus::Reserved {
                reference: "pay_1".into()
            }
        );
        assert_eq!(
            rail_status(&payment(
                PaymentStatus::Declined,
                Some("insufficient_funds")
            ))
            .unwrap(),
            RailStatus::Declined {
                reason: "insufficient_funds".into()
            }
        );
        assert_eq!(
            rail_status(&payment(PaymentStatus::Refunded, None)).unwrap(),
            RailStatus::Refunded {
                reference: "pay_1".into(),
                amount: Money::parse("20000", Currency::KRW).unwrap()
            }
        );
    }

    #[test]
    fn the_current_payment_prefers_one_not_declined() {
        let mut declined = payment(PaymentStatus::Declined, Some("card_declined"));
        declined.id = "pay_0".into();
        let list = vec![payment(PaymentStatus::Authorized, None), declined];
        assert_eq!(current_payment(&list).unwrap().id, "pay_1");
        assert!(current_payment(&[]).is_none());
    }
}
