//! The simulator's books: every transaction it accepted or declined, one record per
//! `clientCorrelator`, behind one mutex so that checking a request and recording it are a
//! single step (two racing requests with one correlator record one transaction).
//!
//! A reservation's charge or release is its own record with the reservation's
//! `serverReferenceCode` (it is the same OneAPI resource, a later step); a refund is a new
//! transaction with its own reference, pointing back through `originalServerReferenceCode`.
//! The rules are a carrier's: a reservation is charged or released once; a refund needs a
//! charge and all refunds together never exceed it; a correlator seen again with the same
//! request replays the first answer, with a different one is refused.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::wire::{
    AmountTransaction, ChargingInformation, PaymentAmount, TransactionOperationStatus,
};

/// One transaction the simulator recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimTransaction {
    /// The client's idempotency key; unique among records.
    pub client_correlator: String,
    /// The merchant's reference (giftgate's order id).
    pub reference_code: String,
    /// The subscriber, `tel:+821012345678`.
    pub end_user_id: String,
    /// What the transaction is: `Reserved`, `Charged`, `Released`, `Refunded` or `Denied`.
    pub status: TransactionOperationStatus,
    /// Its amount.
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
    /// The bill line.
    pub description: String,
    /// The simulator's reference (shared by a reservation and its charge or release).
    pub server_reference_code: String,
    /// For a refund: the reservation whose charge it refunds.
    pub original_server_reference_code: Option<String>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

impl SimTransaction {
    /// The record as the API shows it.
    pub fn to_wire(&self, resource_url: Option<String>) -> AmountTransaction {
        AmountTransaction {
            end_user_id: self.end_user_id.clone(),
            payment_amount: PaymentAmount {
                charging_information: ChargingInformation {
                    amount: self.amount,
                    currency: self.currency.clone(),
                    description: self.description.clone(),
                },
                charging_meta_data: None,
            },
            reference_code: self.reference_code.clone(),
            client_correlator: self.client_correlator.clone(),
            transaction_operation_status: self.status,
            reference_sequence: None,
            original_server_reference_code: self.original_server_reference_code.clone(),
            server_reference_code: Some(self.server_reference_code.clone()),
            resource_url,
        }
    }
}

/// What the books did with a request it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// A new transaction.
    New(SimTransaction),
    /// The correlator's existing transaction, for a repeated request.
    Replayed(SimTransaction),
}

impl Recorded {
    /// The transaction either way.
    pub fn transaction(&self) -> &SimTransaction {
        match self {
            Recorded::New(transaction) | Recorded::Replayed(transaction) => transaction,
        }
    }
}

/// Why the books refused a request; nothing was recorded unless said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The carrier declined the payment (recorded as `Denied`).
    #[error("declined: insufficient credit")]
    Declined,
    /// The reservation (or charge) referred to does not exist for this end user.
    #[error("not found: {0}")]
    NotFound(String),
    /// A value of the request is invalid.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The operation does not fit the transaction's state.
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// The correlator was used before for a different request.
    #[error("duplicate clientCorrelator: {0}")]
    DuplicateCorrelator(String),
}

/// The recorded transactions.
#[derive(Debug, Default)]
pub struct Books {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    transactions: Vec<SimTransaction>,
    by_correlator: HashMap<String, usize>,
    /// Positions of the transactions naming a server reference code, as their own or as
    /// the original they refund: a settle or refund looks at those only, not at the
    /// whole history (which grows with every purchase of a long run).
    by_reference: HashMap<String, Vec<usize>>,
}

impl Books {
    /// Records a reservation, or a decline when `decline` is set.
    pub fn reserve(&self, request: &AmountTransaction, decline: bool) -> Result<Recorded, Refusal> {
        let mut state = self.lock();
        if let Some(replay) = state.replay(request) {
            return replay;
        }
        validate(request, TransactionOperationStatus::Reserved)?;
        let status = if decline {
            TransactionOperationStatus::Denied
        } else {
            TransactionOperationStatus::Reserved
        };
        let recorded = state.record(request, status, new_reference(), None);
        if decline {
            return Err(Refusal::Declined);
        }
        Ok(Recorded::New(recorded))
    }

    /// Charges or releases (as `request` asks) the reservation `reference`.
    pub fn settle(
        &self,
        reference: &str,
        request: &AmountTransaction,
    ) -> Result<Recorded, Refusal> {
        let mut state = self.lock();
        if let Some(replay) = state.replay(request) {
            return replay;
        }
        let asked = request.transaction_operation_status;
        if !matches!(
            asked,
            TransactionOperationStatus::Charged | TransactionOperationStatus::Released
        ) {
            return Err(Refusal::InvalidInput(format!(
                "a reservation can be Charged or Released, not {asked:?}"
            )));
        }
        validate(request, asked)?;
        let reservation = state
            .find(reference, |t| {
                t.server_reference_code == reference
                    && t.status == TransactionOperationStatus::Reserved
                    && t.end_user_id == request.end_user_id
            })
            .ok_or_else(|| Refusal::NotFound(format!("reservation {reference}")))?
            .clone();
        if let Some(done) = state.find(reference, |t| {
            t.server_reference_code == reference
                && matches!(
                    t.status,
                    TransactionOperationStatus::Charged | TransactionOperationStatus::Released
                )
        }) {
            return Err(Refusal::InvalidState(format!(
                "reservation {reference} is already {:?}",
                done.status
            )));
        }
        if request.reference_code != reservation.reference_code {
            return Err(Refusal::InvalidInput(format!(
                "referenceCode {:?} is not the reservation's",
                request.reference_code
            )));
        }
        let charging = &request.payment_amount.charging_information;
        if charging.currency != reservation.currency || charging.amount > reservation.amount {
            return Err(Refusal::InvalidInput(format!(
                "{} {} does not fit the reservation of {} {}",
                charging.amount, charging.currency, reservation.amount, reservation.currency
            )));
        }
        Ok(Recorded::New(state.record(
            request,
            asked,
            reference.to_owned(),
            None,
        )))
    }

    /// Refunds (part of) a charged reservation named by `originalServerReferenceCode`.
    pub fn refund(&self, request: &AmountTransaction) -> Result<Recorded, Refusal> {
        let mut state = self.lock();
        if let Some(replay) = state.replay(request) {
            return replay;
        }
        validate(request, TransactionOperationStatus::Refunded)?;
        let original = request
            .original_server_reference_code
            .clone()
            .ok_or_else(|| {
                Refusal::InvalidInput("originalServerReferenceCode is missing".to_owned())
            })?;
        let charge = state
            .find(&original, |t| {
                t.server_reference_code == original
                    && t.status == TransactionOperationStatus::Charged
                    && t.end_user_id == request.end_user_id
            })
            .ok_or_else(|| Refusal::NotFound(format!("charged transaction {original}")))?
            .clone();
        let charging = &request.payment_amount.charging_information;
        if charging.currency != charge.currency {
            return Err(Refusal::InvalidInput(format!(
                "refund in {} of a charge in {}",
                charging.currency, charge.currency
            )));
        }
        let refunded: Decimal = state
            .referring_to(&original)
            .filter(|t| {
                t.status == TransactionOperationStatus::Refunded
                    && t.original_server_reference_code.as_deref() == Some(original.as_str())
            })
            .map(|t| t.amount)
            .sum();
        if refunded + charging.amount > charge.amount {
            return Err(Refusal::InvalidState(format!(
                "refund of {} exceeds what is left of the charge ({} of {})",
                charging.amount,
                charge.amount - refunded,
                charge.amount
            )));
        }
        Ok(Recorded::New(state.record(
            request,
            TransactionOperationStatus::Refunded,
            new_reference(),
            Some(original),
        )))
    }

    /// The end user's transactions, oldest first, optionally only one correlator's or one
    /// order's.
    pub fn find(
        &self,
        end_user: &str,
        correlator: Option<&str>,
        reference_code: Option<&str>,
    ) -> Vec<SimTransaction> {
        self.lock()
            .transactions
            .iter()
            .filter(|t| t.end_user_id == end_user)
            .filter(|t| correlator.is_none_or(|c| t.client_correlator == c))
            .filter(|t| reference_code.is_none_or(|r| t.reference_code == r))
            .cloned()
            .collect()
    }

    /// Every transaction, oldest first.
    pub fn all(&self) -> Vec<SimTransaction> {
        self.lock().transactions.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-written record (records are
        // pushed whole), so a poisoned lock still guards consistent data.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl State {
    /// The answer for a correlator seen before, if it was.
    fn replay(&self, request: &AmountTransaction) -> Option<Result<Recorded, Refusal>> {
        let index = *self.by_correlator.get(&request.client_correlator)?;
        let existing = self.transactions.get(index)?;
        let charging = &request.payment_amount.charging_information;
        let same_status = existing.status == request.transaction_operation_status
            || (existing.status == TransactionOperationStatus::Denied
                && request.transaction_operation_status == TransactionOperationStatus::Reserved);
        let same_request = same_status
            && existing.end_user_id == request.end_user_id
            && existing.reference_code == request.reference_code
            && existing.amount == charging.amount
            && existing.currency == charging.currency;
        Some(if !same_request {
            Err(Refusal::DuplicateCorrelator(
                request.client_correlator.clone(),
            ))
        } else if existing.status == TransactionOperationStatus::Denied {
            Err(Refusal::Declined)
        } else {
            Ok(Recorded::Replayed(existing.clone()))
        })
    }

    /// The transactions that name `reference` (as their own or as their original).
    fn referring_to<'a>(&'a self, reference: &str) -> impl Iterator<Item = &'a SimTransaction> {
        self.by_reference
            .get(reference)
            .into_iter()
            .flatten()
            .filter_map(|index| self.transactions.get(*index))
    }

    /// The first transaction naming `reference` that `matches`.
    fn find(
        &self,
        reference: &str,
        matches: impl Fn(&SimTransaction) -> bool,
    ) -> Option<&SimTransaction> {
        self.referring_to(reference).find(|t| matches(t))
    }

    fn record(
        &mut self,
        request: &AmountTransaction,
        status: TransactionOperationStatus,
        server_reference_code: String,
        original_server_reference_code: Option<String>,
    ) -> SimTransaction {
        let charging = &request.payment_amount.charging_information;
        let transaction = SimTransaction {
            client_correlator: request.client_correlator.clone(),
            reference_code: request.reference_code.clone(),
            end_user_id: request.end_user_id.clone(),
            status,
            amount: charging.amount,
            currency: charging.currency.clone(),
            description: charging.description.clone(),
            server_reference_code,
            original_server_reference_code,
            created_at: Utc::now(),
        };
        let index = self.transactions.len();
        self.by_correlator
            .insert(transaction.client_correlator.clone(), index);
        let mut references = vec![transaction.server_reference_code.clone()];
        references.extend(transaction.original_server_reference_code.clone());
        references.dedup();
        for reference in references {
            self.by_reference.entry(reference).or_default().push(index);
        }
        self.transactions.push(transaction.clone());
        transaction
    }
}

/// Checks what every request needs: a correlator, a reference code, the expected status,
/// a positive amount in a three-letter currency.
fn validate(
    request: &AmountTransaction,
    expected: TransactionOperationStatus,
) -> Result<(), Refusal> {
    let charging = &request.payment_amount.charging_information;
    if request.transaction_operation_status != expected {
        return Err(Refusal::InvalidInput(format!(
            "transactionOperationStatus must be {expected:?} here, not {:?}",
            request.transaction_operation_status
        )));
    }
    if request.client_correlator.trim().is_empty() || request.reference_code.trim().is_empty() {
        return Err(Refusal::InvalidInput(
            "clientCorrelator and referenceCode are required".to_owned(),
        ));
    }
    if charging.amount <= Decimal::ZERO {
        return Err(Refusal::InvalidInput(format!(
            "amount {} must be greater than zero",
            charging.amount
        )));
    }
    if charging.currency.len() != 3 || !charging.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Refusal::InvalidInput(format!(
            "currency {:?} is not an ISO 4217 code",
            charging.currency
        )));
    }
    Ok(())
}

fn new_reference() -> String {
    format!("sim-{}", uuid::Uuid::now_v7().simple())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const USER: &str = "tel:+821012345678";

    fn request(
        correlator: &str,
        status: TransactionOperationStatus,
        amount: Decimal,
    ) -> AmountTransaction {
        AmountTransaction {
            end_user_id: USER.to_owned(),
            payment_amount: PaymentAmount {
                charging_information: ChargingInformation {
                    amount,
                    currency: "KRW".to_owned(),
                    description: "test".to_owned(),
                },
                charging_meta_data: None,
            },
            reference_code: "ord-1".to_owned(),
            client_correlator: correlator.to_owned(),
            transaction_operation_status: status,
            reference_sequence: None,
            original_server_reference_code: None,
            server_reference_code: None,
            resource_url: None,
        }
    }

    fn reserved(books: &Books) -> String {
        let reserve = request(
            "ord-1:reserve",
            TransactionOperationStatus::Reserved,
            dec!(50000),
        );
        books
            .reserve(&reserve, false)
            .unwrap()
            .transaction()
            .server_reference_code
            .clone()
    }

    #[test]
    fn a_repeated_correlator_replays_and_a_changed_one_is_refused() {
        let books = Books::default();
        let reserve = request(
            "ord-1:reserve",
            TransactionOperationStatus::Reserved,
            dec!(50000),
        );
        let first = books.reserve(&reserve, false).unwrap();
        assert!(matches!(first, Recorded::New(_)));
        let again = books.reserve(&reserve, false).unwrap();
        assert_eq!(again, Recorded::Replayed(first.transaction().clone()));
        let changed = request(
            "ord-1:reserve",
            TransactionOperationStatus::Reserved,
            dec!(1),
        );
        assert!(matches!(
            books.reserve(&changed, false),
            Err(Refusal::DuplicateCorrelator(_))
        ));
        assert_eq!(books.all().len(), 1);
    }

    #[test]
    fn a_reservation_is_charged_or_released_once() {
        let books = Books::default();
        let reference = reserved(&books);
        let charge = request(
            "ord-1:charge",
            TransactionOperationStatus::Charged,
            dec!(50000),
        );
        books.settle(&reference, &charge).unwrap();
        let release = request(
            "ord-1:release",
            TransactionOperationStatus::Released,
            dec!(50000),
        );
        assert!(matches!(
            books.settle(&reference, &release),
            Err(Refusal::InvalidState(_))
        ));
        assert!(matches!(
            books.settle(
                "sim-nope",
                &request("ord-1:x", TransactionOperationStatus::Charged, dec!(1))
            ),
            Err(Refusal::NotFound(_))
        ));
        let over = request(
            "ord-2:charge",
            TransactionOperationStatus::Charged,
            dec!(50001),
        );
        assert!(books.settle(&reference, &over).is_err());
        assert_eq!(books.all().len(), 2);
    }

    #[test]
    fn refunds_never_exceed_the_charge() {
        let books = Books::default();
        let reference = reserved(&books);
        let mut refund = request(
            "ord-1:refund:a",
            TransactionOperationStatus::Refunded,
            dec!(20000),
        );
        refund.original_server_reference_code = Some(reference.clone());
        assert!(matches!(books.refund(&refund), Err(Refusal::NotFound(_))));
        let charge = request(
            "ord-1:charge",
            TransactionOperationStatus::Charged,
            dec!(50000),
        );
        books.settle(&reference, &charge).unwrap();
        books.refund(&refund).unwrap();
        let mut rest = refund.clone();
        rest.client_correlator = "ord-1:refund:b".to_owned();
        rest.payment_amount.charging_information.amount = dec!(30001);
        assert!(matches!(books.refund(&rest), Err(Refusal::InvalidState(_))));
        rest.payment_amount.charging_information.amount = dec!(30000);
        books.refund(&rest).unwrap();
        let refunds = books.find(USER, None, Some("ord-1"));
        assert_eq!(
            refunds
                .iter()
                .filter(|t| t.status == TransactionOperationStatus::Refunded)
                .map(|t| t.amount)
                .sum::<Decimal>(),
            dec!(50000)
        );
    }

    #[test]
    fn a_decline_is_recorded_and_replayed_as_a_decline() {
        let books = Books::default();
        let reserve = request(
            "ord-1:reserve",
            TransactionOperationStatus::Reserved,
            dec!(50000),
        );
        assert_eq!(books.reserve(&reserve, true), Err(Refusal::Declined));
        assert_eq!(books.reserve(&reserve, true), Err(Refusal::Declined));
        let all = books.all();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].status, TransactionOperationStatus::Denied);
    }

    #[test]
    fn zero_amounts_and_bad_currencies_are_invalid() {
        let books = Books::default();
        let zero = request("z:reserve", TransactionOperationStatus::Reserved, dec!(0));
        assert!(matches!(
            books.reserve(&zero, false),
            Err(Refusal::InvalidInput(_))
        ));
        let mut won = request("w:reserve", TransactionOperationStatus::Reserved, dec!(1));
        won.payment_amount.charging_information.currency = "won".to_owned();
        assert!(matches!(
            books.reserve(&won, false),
            Err(Refusal::InvalidInput(_))
        ));
        assert!(books.all().is_empty());
    }
}
