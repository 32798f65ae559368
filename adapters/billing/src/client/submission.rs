//! A write call ready to send: the OneAPI transaction each port call becomes (amounts,
//! charging metadata, the order's `clientCorrelator` and `referenceCode`), the resource it
//! goes to, and whether a transaction shown by an answer or a look-up is that call done.

use giftgate_actors::domain::Money;
use giftgate_actors::ports::{PaymentError, PaymentRequest};
use reqwest::Url;

use super::{OneApiBilling, REASON_DECLINED};
use crate::correlator::{Operation, end_user_id};
use crate::error::CallFailure;
use crate::wire::{
    AmountEnvelope, AmountTransaction, ChargingInformation, ChargingMetaData, PaymentAmount,
    ReservationEnvelope, TransactionOperationStatus,
};

impl OneApiBilling {
    pub(super) fn submission<'a>(
        &self,
        request: &PaymentRequest,
        operation: Operation<'a>,
        amount: Money,
        reservation: Option<&str>,
    ) -> Result<Submission<'a>, PaymentError> {
        let end_user = end_user_id(&request.payer);
        let correlator = operation.correlator(&request.order_id);
        let mut transaction = AmountTransaction {
            end_user_id: end_user.clone(),
            payment_amount: PaymentAmount {
                charging_information: ChargingInformation {
                    amount: amount.amount(),
                    currency: amount.currency().code().to_owned(),
                    description: request.description.clone(),
                },
                charging_meta_data: Some(ChargingMetaData {
                    on_behalf_of: Some(self.config.service_id.clone()),
                    service_id: Some(self.config.service_id.clone()),
                    purchase_category_code: Some("gift_certificate".to_owned()),
                }),
            },
            reference_code: request.order_id.as_str().to_owned(),
            client_correlator: correlator.clone(),
            transaction_operation_status: operation.status(),
            reference_sequence: None,
            original_server_reference_code: None,
            server_reference_code: None,
            resource_url: None,
        };
        let (segments, body): (Vec<&str>, WriteBody) = match (operation, reservation) {
            (Operation::Reserve, _) => {
                transaction.reference_sequence = Some(1);
                (
                    vec![&end_user, "transactions", "amountReservation"],
                    WriteBody::Reservation(ReservationEnvelope { transaction }),
                )
            }
            (Operation::Charge | Operation::Release, Some(reference)) => {
                transaction.reference_sequence = Some(2);
                (
                    vec![&end_user, "transactions", "amountReservation", reference],
                    WriteBody::Reservation(ReservationEnvelope { transaction }),
                )
            }
            (Operation::Refund { .. }, Some(reference)) => {
                transaction.original_server_reference_code = Some(reference.to_owned());
                (
                    vec![&end_user, "transactions", "amount"],
                    WriteBody::Amount(AmountEnvelope { transaction }),
                )
            }
            (_, None) => {
                return Err(PaymentError::NotSupported(format!(
                    "billing {} needs the reservation reference",
                    operation.name()
                )));
            }
        };
        Ok(Submission {
            operation,
            url: self.url(&segments),
            body,
            correlator,
            end_user,
        })
    }
}

/// A write call ready to send.
pub(super) struct Submission<'a> {
    pub(super) operation: Operation<'a>,
    pub(super) url: Url,
    pub(super) body: WriteBody,
    pub(super) correlator: String,
    pub(super) end_user: String,
}

/// The envelope a write is sent (and answered) in.
pub(super) enum WriteBody {
    Reservation(ReservationEnvelope),
    Amount(AmountEnvelope),
}

impl Submission<'_> {
    /// Whether `transaction` (an answer, or a look-up's find) is this call done.
    pub(super) fn check(
        &self,
        transaction: AmountTransaction,
    ) -> Result<AmountTransaction, CallFailure> {
        if transaction.client_correlator != self.correlator {
            return Err(CallFailure::Uncertain(format!(
                "billing answered for clientCorrelator {:?}, not {:?}",
                transaction.client_correlator, self.correlator
            )));
        }
        let status = transaction.transaction_operation_status;
        if status == TransactionOperationStatus::Denied {
            return Err(CallFailure::Refused(PaymentError::Declined {
                reason: REASON_DECLINED.to_owned(),
                detail: format!("{} denied by the carrier", self.operation.name()),
            }));
        }
        if status != self.operation.status() {
            return Err(CallFailure::Uncertain(format!(
                "billing answered {status:?} to a {} request",
                self.operation.name()
            )));
        }
        if self.operation == Operation::Reserve && transaction.server_reference_code.is_none() {
            return Err(CallFailure::Uncertain(
                "billing reserved without a serverReferenceCode".to_owned(),
            ));
        }
        Ok(transaction)
    }
}
