//! The books' look-ups: an order's payments by reference, one payment by id, and every
//! record for tests and reconciliation. None of them changes the books.

use super::Books;
use super::record::{PaymentRecord, SimPayment};
use crate::sim::trigger::Trigger;
use crate::wire::{Payment, PaymentList};

impl Books {
    /// `GET /v1/payments?reference=…`: the merchant's payments of a reference, oldest
    /// first, and whether any of them answers in garbage.
    pub(crate) fn find(&self, merchant_id: &str, reference: &str) -> (PaymentList, bool) {
        let books = self.entries();
        let found: Vec<&PaymentRecord> = books
            .payments
            .iter()
            .filter(|r| r.merchant_id == merchant_id && r.payment.reference == reference)
            .collect();
        let garbage = found.iter().any(|r| r.trigger == Trigger::Garbage);
        let data = found.into_iter().map(|r| r.payment.clone()).collect();
        (PaymentList { data }, garbage)
    }

    /// `GET /v1/payments/{id}`: one of the merchant's payments, and whether it answers in garbage.
    pub(crate) fn get(&self, merchant_id: &str, payment_id: &str) -> Option<(Payment, bool)> {
        let mut books = self.entries();
        let record = books.record_mut(merchant_id, payment_id)?;
        Some((record.payment.clone(), record.trigger == Trigger::Garbage))
    }

    /// Every payment, oldest first, as the simulator recorded it.
    pub(crate) fn records(&self) -> Vec<SimPayment> {
        self.entries()
            .payments
            .iter()
            .map(PaymentRecord::to_sim)
            .collect()
    }
}
