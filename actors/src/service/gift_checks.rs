//! The giver's check of a gift (seed S170): a gift made with `confirm: true` (SMS `GIFT`,
//! or any channel) waits for the giver's `YES` until `GIFTGATE_CONFIRM_SECS` pass; the
//! request waits in the database with the gift ([`Confirmation`]), so the answer settles
//! it from any instance and after restarts. `YES` sends it, `NO` cancels it, the
//! deadline cancels it and tells the giver; and the giver's channel may cancel a gift
//! that waits for the check or for the transferee's answer (`DELETE /v1/gifts/{id}`).
//! Every ending returns the certificates to `active` in the same commit that settles
//! the request.

use super::error::{Refusal, ServiceError};
use super::gift_returns::GiftReturn;
use super::gifting::total_balance;
use super::ledger::{Ledger, is_conflict};
use crate::domain::confirmation::next_number;
use crate::domain::{
    Confirmation, ConfirmationId, ConfirmationState, ConfirmationUpdate, Gift, GiftId, GiftState,
    Msisdn, PendingAction, RefusalCode,
};
use crate::ports::{Changes, GiftUpdate};

/// The request a new gift waits on for its giver's check.
#[derive(Debug, Clone)]
pub(crate) struct GiftCheck {
    /// The request (committed with the gift).
    pub confirmation: Confirmation,
    /// Whether other requests of the giver wait too (then the question names its number).
    pub others_waiting: bool,
}

impl Ledger {
    /// The request a new gift of `giver` waits on, numbered after the giver's others.
    pub(crate) async fn gift_check(
        &self,
        giver: &Msisdn,
        gift_id: &GiftId,
    ) -> Result<GiftCheck, ServiceError> {
        let (confirmation, others_waiting) = self
            .new_confirmation(
                giver,
                ConfirmationId::of_gift(gift_id),
                PendingAction::Gift {
                    gift_id: gift_id.clone(),
                },
            )
            .await?;
        Ok(GiftCheck {
            confirmation,
            others_waiting,
        })
    }

    /// The size in bytes of the package a gift's transferee receives (S170): the extras
    /// as stored plus the giver's message, as the MMS carries them before any extra is
    /// dropped for the handset.
    pub async fn gift_package_size(&self, gift: &Gift) -> Result<i64, ServiceError> {
        let extras: i64 = self
            .store
            .contents()
            .await?
            .iter()
            .filter(|(item, _)| gift.extras.contains(&item.id))
            .map(|(_, size)| size)
            .sum();
        let text = gift.message.as_ref().map_or(0, |m| m.len()) as i64;
        Ok(extras + text)
    }

    /// A new request of `msisdn` waiting for `YES` until the confirmation window
    /// closes, with the smallest number free among their waiting requests; and whether
    /// others still wait.
    pub async fn new_confirmation(
        &self,
        msisdn: &Msisdn,
        id: ConfirmationId,
        action: PendingAction,
    ) -> Result<(Confirmation, bool), ServiceError> {
        let now = self.now();
        let waiting = self.store.confirmations_waiting(msisdn).await?;
        let confirmation = Confirmation {
            id,
            msisdn: msisdn.clone(),
            number: next_number(&waiting),
            action,
            state: ConfirmationState::Waiting,
            created_at: now,
            expires_at: now + self.policy.confirm_window,
        };
        let others_waiting = waiting.iter().any(|c| c.is_waiting(now));
        Ok((confirmation, others_waiting))
    }

    /// The giver's check of a gift that waits for it (`YES`, or `POST /v1/gifts/{id}/confirm`):
    /// the gift is sent now.
    pub async fn confirm_gift(
        &self,
        gift_id: &GiftId,
        giver: &Msisdn,
    ) -> Result<Gift, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let gift = self.waiting_gift(gift_id, giver).await?;
            let request = self
                .store
                .confirmation(&ConfirmationId::of_gift(gift_id))
                .await?;
            if request.is_some_and(|r| !r.is_waiting(self.now())) {
                return Err(Refusal::new(
                    RefusalCode::GiftNotPending,
                    format!("gift {gift_id} was not confirmed in time"),
                )
                .into());
            }
            let certificates = self.gift_certificates(&gift).await?;
            let names = self.product_names(&certificates).await?;
            let total = total_balance(&certificates)?;
            let now = self.now();
            let sent = Gift {
                state: GiftState::Sent,
                answer_by: now + self.policy.gift_answer_window,
                ..gift.clone()
            };
            let mut changes = Changes::default();
            changes.gifts.push(GiftUpdate {
                gift_id: gift.id.clone(),
                expected: gift.state,
                state: GiftState::Sent,
                settled_at: None,
            });
            changes.confirmations.push(ConfirmationUpdate {
                id: ConfirmationId::of_gift(&gift.id),
                state: ConfirmationState::Confirmed,
                settled_at: now,
            });
            self.send_gift_messages(&mut changes, &sent, total, &names)
                .await?;
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => return Ok(sent),
            }
        }
        Err(ServiceError::Contention(format!("gift {gift_id}")))
    }

    /// The giver cancels a gift that waits for their check (`NO`): nothing is sent.
    pub async fn cancel_gift(&self, gift_id: &GiftId, giver: &Msisdn) -> Result<(), ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let gift = self.waiting_gift(gift_id, giver).await?;
            let mut changes = Changes::default();
            self.return_gift(&mut changes, &gift, GiftReturn::Cancelled)
                .await?;
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Contention(format!("gift {gift_id}")))
    }

    async fn waiting_gift(&self, gift_id: &GiftId, giver: &Msisdn) -> Result<Gift, ServiceError> {
        let gift = self
            .store
            .gift(gift_id)
            .await?
            .filter(|g| &g.giver == giver)
            .ok_or_else(|| {
                Refusal::new(
                    RefusalCode::GiftNotFound,
                    format!("you sent no gift {gift_id}"),
                )
            })?;
        if gift.state != GiftState::AwaitingConfirmation {
            return Err(Refusal::new(
                RefusalCode::GiftNotPending,
                format!("gift {gift_id} is {}", gift.state),
            )
            .into());
        }
        Ok(gift)
    }

    /// Cancels a gift for its giver's channel (`DELETE /v1/gifts/{id}`): one waiting for
    /// the giver's check, or sent and not answered yet. The certificates are the giver's
    /// again; the giver is told, and the transferee too when the gift had reached them.
    pub async fn cancel_gift_for_giver(&self, gift_id: &GiftId) -> Result<Gift, ServiceError> {
        let gift =
            self.store.gift(gift_id).await?.ok_or_else(|| {
                Refusal::new(RefusalCode::GiftNotFound, format!("no gift {gift_id}"))
            })?;
        if !self
            .take_back_gift(gift_id, GiftReturn::CancelledByGiver)
            .await?
        {
            let state = self
                .store
                .gift(gift_id)
                .await?
                .map_or(gift.state, |g| g.state);
            return Err(Refusal::new(
                RefusalCode::GiftNotPending,
                format!("gift {gift_id} is {state}"),
            )
            .into());
        }
        Ok(Gift {
            state: GiftState::Cancelled,
            ..gift
        })
    }

    /// The confirmation deadline of a gift passed without the giver's `YES`: it is
    /// cancelled, the certificates are the giver's again, and the giver is told.
    /// Answers `false` when it no longer waited.
    pub(crate) async fn lapse_gift_check(&self, gift_id: &GiftId) -> Result<bool, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let Some(gift) = self.store.gift(gift_id).await? else {
                return Ok(false);
            };
            if gift.state != GiftState::AwaitingConfirmation {
                return Ok(false);
            }
            let mut changes = Changes::default();
            self.return_gift(&mut changes, &gift, GiftReturn::Unconfirmed)
                .await?;
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => return Ok(true),
            }
        }
        Err(ServiceError::Contention(format!("gift {gift_id}")))
    }
}
