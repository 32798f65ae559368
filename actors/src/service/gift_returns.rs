//! How a gift goes back to its giver: rejected, unanswered in time, cancelled by the
//! giver (`NO`, or their channel), not confirmed before the deadline, withdrawn by a
//! refund, or taken back because its certificates expire. Each return moves the
//! certificates back to `active` with their journal rows, settles the gift (and its
//! waiting request, if it waited for the giver's check) and tells who must know, in one
//! commit.

use super::error::ServiceError;
use super::gifting::total_balance;
use super::ledger::{Ledger, is_conflict};
use crate::domain::{
    Certificate, CertificateStatus, ConfirmationId, ConfirmationState, ConfirmationUpdate, Event,
    EventType, Gift, GiftId, GiftState, JournalEntry, JournalKind, Money, OutboxMessage,
};
use crate::ports::{Changes, GiftUpdate};

/// How a gift ends when it goes back to the giver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiftReturn {
    /// The transferee said no.
    Rejected,
    /// Nobody answered in time.
    Expired,
    /// The giver cancelled before it was sent.
    Cancelled,
    /// The giver had it refunded before the transferee accepted.
    Withdrawn,
    /// The giver did not check it before the confirmation deadline.
    Unconfirmed,
    /// The giver's channel cancelled it (`DELETE /v1/gifts/{id}`), before it was sent
    /// or before the transferee answered.
    CancelledByGiver,
}

impl Ledger {
    /// Returns an unanswered gift to its giver once its answer window has closed.
    /// Answers `false` when the gift was no longer waiting (answered or already expired).
    pub async fn expire_gift(&self, gift_id: &GiftId) -> Result<bool, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let Some(gift) = self.store.gift(gift_id).await? else {
                return Ok(false);
            };
            if gift.state != GiftState::Sent || gift.answer_by > self.now() {
                return Ok(false);
            }
            let mut changes = Changes::default();
            self.return_gift(&mut changes, &gift, GiftReturn::Expired)
                .await?;
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => return Ok(true),
            }
        }
        Err(ServiceError::Contention(format!("gift {gift_id}")))
    }

    /// Returns a sent gift to its giver now, whatever its answer window (its certificates
    /// are expiring). Answers `false` when it was no longer waiting.
    pub(crate) async fn expire_gift_now(&self, gift_id: &GiftId) -> Result<bool, ServiceError> {
        self.take_back_gift(gift_id, GiftReturn::Expired).await
    }

    /// Withdraws a gift its giver is having refunded: a sent gift is cancelled and its
    /// transferee told, one still waiting for the giver's check is cancelled quietly.
    /// Answers `false` when it was no longer pending.
    pub(crate) async fn withdraw_gift(&self, gift_id: &GiftId) -> Result<bool, ServiceError> {
        self.take_back_gift(gift_id, GiftReturn::Withdrawn).await
    }

    /// Returns a pending gift to its giver: a sent one as `sent_return` says, one still
    /// waiting for the giver's check as cancelled. Answers `false` when it was no longer
    /// pending.
    pub(crate) async fn take_back_gift(
        &self,
        gift_id: &GiftId,
        sent_return: GiftReturn,
    ) -> Result<bool, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let Some(gift) = self.store.gift(gift_id).await? else {
                return Ok(false);
            };
            let how = match (gift.state, sent_return) {
                (GiftState::Sent, how) => how,
                (GiftState::AwaitingConfirmation, GiftReturn::CancelledByGiver) => {
                    GiftReturn::CancelledByGiver
                }
                (GiftState::AwaitingConfirmation, _) => GiftReturn::Cancelled,
                _ => return Ok(false),
            };
            let mut changes = Changes::default();
            self.return_gift(&mut changes, &gift, how).await?;
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => return Ok(true),
            }
        }
        Err(ServiceError::Contention(format!("gift {gift_id}")))
    }

    /// Adds the return of a gift's certificates to its giver to a change set.
    pub(crate) async fn return_gift(
        &self,
        changes: &mut Changes,
        gift: &Gift,
        how: GiftReturn,
    ) -> Result<(), ServiceError> {
        let now = self.now();
        let certificates = self.gift_certificates(gift).await?;
        let total = total_balance(&certificates)?;
        for certificate in &certificates {
            changes.journal.push(JournalEntry {
                kind: JournalKind::GiftReturn,
                certificate_code: certificate.code.clone(),
                amount: certificate.balance,
                msisdn: gift.giver.clone(),
                counterparty: Some(gift.transferee.clone()),
                order_id: Some(gift.order_id.clone()),
                merchant_id: None,
                reference: Some(gift.id.to_string()),
                at: now,
            });
        }
        changes
            .certificates
            .extend(certificates.iter().map(|c| Certificate {
                owner: gift.giver.clone(),
                status: CertificateStatus::Active,
                gift_id: None,
                ..c.clone()
            }));
        let (state, event_type) = match how {
            GiftReturn::Rejected => (GiftState::Rejected, EventType::GiftRejected),
            GiftReturn::Expired => (GiftState::Expired, EventType::GiftExpired),
            GiftReturn::Cancelled
            | GiftReturn::Withdrawn
            | GiftReturn::Unconfirmed
            | GiftReturn::CancelledByGiver => (GiftState::Cancelled, EventType::GiftCancelled),
        };
        if gift.state == GiftState::AwaitingConfirmation {
            changes.confirmations.push(ConfirmationUpdate {
                id: ConfirmationId::of_gift(&gift.id),
                state: if how == GiftReturn::Unconfirmed {
                    ConfirmationState::Expired
                } else {
                    ConfirmationState::Cancelled
                },
                settled_at: now,
            });
        }
        changes.gifts.push(GiftUpdate {
            gift_id: gift.id.clone(),
            expected: gift.state,
            state,
            settled_at: Some(now),
        });
        self.tell_gift_return(changes, gift, how, total);
        changes.outbox.push(OutboxMessage::event(
            Event::new(event_type, now)
                .with_order(&gift.order_id)
                .with_msisdn(&gift.giver)
                .with_gift(&gift.id)
                .with_amount(total),
        ));
        Ok(())
    }

    /// Tells who must know that a gift went back to its giver.
    fn tell_gift_return(&self, changes: &mut Changes, gift: &Gift, how: GiftReturn, total: Money) {
        let notices = self.notices();
        let (giver, transferee) = (gift.giver.as_str(), gift.transferee.as_str());
        match how {
            GiftReturn::Withdrawn => changes
                .outbox
                .push(self.sms(transferee, notices.gift_withdrawn(giver, total))),
            GiftReturn::Rejected | GiftReturn::Expired => {
                if how == GiftReturn::Rejected {
                    changes
                        .outbox
                        .push(self.sms(transferee, notices.gift_rejected_to_transferee(giver)));
                }
                changes.outbox.push(self.sms(
                    giver,
                    notices.gift_returned(transferee, total, how == GiftReturn::Expired),
                ));
            }
            GiftReturn::Unconfirmed => changes
                .outbox
                .push(self.sms(giver, notices.gift_not_confirmed(transferee, total))),
            GiftReturn::CancelledByGiver => {
                if gift.state == GiftState::Sent {
                    changes
                        .outbox
                        .push(self.sms(transferee, notices.gift_cancelled_to_transferee(giver)));
                }
                changes
                    .outbox
                    .push(self.sms(giver, notices.gift_cancelled_to_giver(transferee, total)));
            }
            // `NO` is answered by the dialogue itself.
            GiftReturn::Cancelled => {}
        }
    }
}
