//! Gifting (seed S110–S180): a holder sends certificates to any number with a message
//! and extras; the transferee accepts (the certificates become theirs, with code and
//! PIN) or rejects (they return to the giver, who is told); an unanswered gift returns
//! when its answer window closes. Ownership moves, value does not: journal rows of
//! gifts carry the balance that changed hands for the histories, and the conservation
//! sums ignore them.

use std::collections::BTreeMap;

use serde_json::json;

use super::certificate_keys::blocked;
use super::error::{Refusal, ServiceError};
use super::gift_checks::GiftCheck;
pub use super::gift_returns::GiftReturn;
use super::ledger::{Ledger, is_conflict};
use super::orders::StepOutcome;
use crate::domain::{
    Certificate, CertificateCode, CertificateStatus, Event, EventType, Gift, GiftId, GiftOrder,
    GiftSpec, GiftState, JournalEntry, JournalKind, MmsNotice, Money, Msisdn, Order, OrderRecord,
    OutboxMessage, Pin, RefusalCode,
};
use crate::ports::{Changes, GiftUpdate};

impl Ledger {
    /// Runs a gift order.
    pub(crate) async fn gift(
        &self,
        order: &Order,
        record: &OrderRecord,
        gift: &GiftOrder,
    ) -> Result<StepOutcome, ServiceError> {
        let GiftOrder {
            certificate_codes: codes,
            spec,
        } = gift;
        if spec.to == order.msisdn {
            return Err(Refusal::new(
                RefusalCode::InvalidTransferee,
                "a gift goes to another number",
            )
            .into());
        }
        self.check_extras(spec).await?;
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            match self.try_gift(order, record, codes, spec).await {
                Err(error) if is_conflict(&error) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Contention(format!(
            "gift order {}",
            order.order_id
        )))
    }

    async fn try_gift(
        &self,
        order: &Order,
        record: &OrderRecord,
        codes: &[CertificateCode],
        spec: &GiftSpec,
    ) -> Result<StepOutcome, ServiceError> {
        let now = self.now();
        let mut certificates = Vec::with_capacity(codes.len());
        for code in codes {
            let certificate = self
                .store
                .certificate(code)
                .await?
                .filter(|c| c.owner == order.msisdn)
                .ok_or_else(|| {
                    Refusal::new(
                        RefusalCode::CertificateNotFound,
                        format!("you hold no certificate {}", code.grouped()),
                    )
                })?;
            if certificate.status == CertificateStatus::Blocked {
                return Err(blocked(code).into());
            }
            if certificate.status != CertificateStatus::Active || certificate.balance.is_zero() {
                return Err(Refusal::new(
                    RefusalCode::NotGiftable,
                    format!("certificate {} is {}", code.grouped(), certificate.status),
                )
                .into());
            }
            if certificate.expires_at.is_some_and(|at| at <= now) {
                return Err(Refusal::new(
                    RefusalCode::Expired,
                    format!("certificate {} has expired", code.grouped()),
                )
                .into());
            }
            certificates.push(certificate);
        }
        let gift_id = GiftId::generate();
        let names = self.product_names(&certificates).await?;
        let mut changes = Changes {
            subscribers: vec![order.msisdn.clone(), spec.to.clone()],
            ..Changes::default()
        };
        let pending: Vec<Certificate> = certificates
            .iter()
            .map(|c| Certificate {
                status: CertificateStatus::PendingGift,
                gift_id: Some(gift_id.clone()),
                ..c.clone()
            })
            .collect();
        let check = if spec.confirm {
            Some(self.gift_check(&order.msisdn, &gift_id).await?)
        } else {
            None
        };
        self.add_gift(&mut changes, order, spec, &gift_id, &pending, &names, check)
            .await?;
        changes.certificates = pending;
        let state = if spec.confirm {
            GiftState::AwaitingConfirmation
        } else {
            GiftState::Sent
        };
        let outcome = json!({ "gift_id": gift_id.as_str(), "state": state.as_str() });
        self.complete_order(&mut changes, record, outcome.clone());
        self.commit(changes).await?;
        Ok(StepOutcome::Done(outcome))
    }

    /// Refuses a gift whose extras are not in the contents database.
    pub(crate) async fn check_extras(&self, spec: &GiftSpec) -> Result<(), ServiceError> {
        for extra in &spec.extras {
            if self.resolve_content(extra).await?.is_none() {
                return Err(Refusal::new(
                    RefusalCode::UnknownContent,
                    format!("no content {extra}"),
                )
                .into());
            }
        }
        Ok(())
    }

    /// Adds a new gift of `certificates` (already marked pending) to a change set: the
    /// gift row, its journal rows, and — when the giver must check it first (`check`) —
    /// the request waiting for their `YES` with the question, else the transferee's
    /// multimedia message and the `gift.sent` event.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn add_gift(
        &self,
        changes: &mut Changes,
        order: &Order,
        spec: &GiftSpec,
        gift_id: &GiftId,
        certificates: &[Certificate],
        products: &str,
        check: Option<GiftCheck>,
    ) -> Result<(), ServiceError> {
        let now = self.now();
        let gift = Gift {
            id: gift_id.clone(),
            order_id: order.order_id.clone(),
            giver: order.msisdn.clone(),
            transferee: spec.to.clone(),
            message: spec.message.clone(),
            extras: spec.extras.clone(),
            certificate_codes: certificates.iter().map(|c| c.code.clone()).collect(),
            state: if check.is_some() {
                GiftState::AwaitingConfirmation
            } else {
                GiftState::Sent
            },
            created_at: now,
            answer_by: now + self.policy.gift_answer_window,
            settled_at: None,
        };
        for certificate in certificates {
            changes.journal.push(JournalEntry {
                kind: JournalKind::GiftOut,
                certificate_code: certificate.code.clone(),
                amount: certificate.balance,
                msisdn: gift.giver.clone(),
                counterparty: Some(gift.transferee.clone()),
                order_id: Some(order.order_id.clone()),
                merchant_id: None,
                reference: Some(gift_id.to_string()),
                at: now,
            });
        }
        let total = total_balance(certificates)?;
        match check {
            Some(check) => {
                let notices = self.notices();
                let summary = format!("{products} ({})", notices.format().money(total));
                let text = notices.gift_needs_confirmation(
                    gift.transferee.as_str(),
                    &summary,
                    check.others_waiting.then_some(check.confirmation.number),
                    self.policy.confirm_window.num_minutes().max(1),
                );
                changes.outbox.push(self.sms(gift.giver.as_str(), text));
                changes.new_confirmations.push(check.confirmation);
            }
            None => {
                self.send_gift_messages(changes, &gift, total, products)
                    .await?
            }
        }
        changes.new_gifts.push(gift);
        Ok(())
    }

    /// The transferee's MMS, the giver's confirmation and the `gift.sent` event.
    pub(crate) async fn send_gift_messages(
        &self,
        changes: &mut Changes,
        gift: &Gift,
        total: Money,
        products: &str,
    ) -> Result<(), ServiceError> {
        let now = self.now();
        let notices = self.notices();
        let mut text = notices.gift_received(
            gift.id.as_str(),
            gift.giver.as_str(),
            total,
            products,
            gift.message.as_deref(),
        );
        if let Some(url) = self.gift_link(gift).await? {
            text.push_str(&format!("\n{url}"));
        }
        changes.outbox.push(OutboxMessage::Mms(MmsNotice {
            message_id: uuid::Uuid::now_v7().to_string(),
            to: gift.transferee.to_string(),
            gift_id: gift.id.to_string(),
            giver: gift.giver.to_string(),
            subject: match self.policy.language {
                crate::domain::Language::Ko => "상품권 선물".to_owned(),
                crate::domain::Language::En => "A gift certificate for you".to_owned(),
            },
            text: text.clone(),
            extras: gift.extras.iter().map(|e| e.to_string()).collect(),
            fallback_text: text,
            barcodes: Vec::new(),
        }));
        changes.outbox.push(self.sms(
            gift.giver.as_str(),
            notices.gift_sent(
                gift.transferee.as_str(),
                total,
                gift.certificate_codes.len(),
            ),
        ));
        changes.outbox.push(OutboxMessage::event(
            Event::new(EventType::GiftSent, now)
                .with_order(&gift.order_id)
                .with_msisdn(&gift.giver)
                .with_gift(&gift.id)
                .with_amount(total),
        ));
        Ok(())
    }

    /// Runs an accept order: the certificates become the transferee's.
    pub(crate) async fn accept_gift(
        &self,
        order: &Order,
        record: &OrderRecord,
        gift_id: &GiftId,
    ) -> Result<StepOutcome, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            match self.try_accept(order, record, gift_id).await {
                Err(error) if is_conflict(&error) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Contention(format!("gift {gift_id}")))
    }

    async fn try_accept(
        &self,
        order: &Order,
        record: &OrderRecord,
        gift_id: &GiftId,
    ) -> Result<StepOutcome, ServiceError> {
        let gift = self.answerable_gift(gift_id, &order.msisdn).await?;
        let now = self.now();
        let certificates = self.gift_certificates(&gift).await?;
        let names = self.product_names(&certificates).await?;
        let total = total_balance(&certificates)?;
        let mut changes = Changes {
            subscribers: vec![gift.transferee.clone()],
            ..Changes::default()
        };
        // The change of hands re-keys every certificate: a fresh PIN only the transferee
        // is told, so whatever the giver kept of the old one opens nothing from this commit.
        let pins: Vec<Pin> = certificates.iter().map(|_| Pin::generate()).collect();
        let accepted: Vec<Certificate> = certificates
            .iter()
            .zip(&pins)
            .map(|(c, pin)| Certificate {
                owner: gift.transferee.clone(),
                status: CertificateStatus::Active,
                gift_id: None,
                pin_sealed: self.pins.seal(pin, c.code.as_str()),
                pin_failures: 0,
                locked_until: None,
                ..c.clone()
            })
            .collect();
        for certificate in &accepted {
            changes.journal.push(JournalEntry {
                kind: JournalKind::GiftAccept,
                certificate_code: certificate.code.clone(),
                amount: certificate.balance,
                msisdn: gift.transferee.clone(),
                counterparty: Some(gift.giver.clone()),
                order_id: Some(order.order_id.clone()),
                merchant_id: None,
                reference: Some(gift.id.to_string()),
                at: now,
            });
            changes.journal.push(JournalEntry {
                kind: JournalKind::Rekey,
                certificate_code: certificate.code.clone(),
                amount: Money::zero(certificate.balance.currency()),
                msisdn: gift.transferee.clone(),
                counterparty: Some(gift.giver.clone()),
                order_id: Some(order.order_id.clone()),
                merchant_id: None,
                reference: Some(format!("gift {}", gift.id)),
                at: now,
            });
        }
        let names_by_product = self.product_name_map(&accepted).await?;
        let lines: Vec<_> = accepted
            .iter()
            .zip(&pins)
            .map(|(c, pin)| {
                let name = names_by_product
                    .get(c.product_id.as_str())
                    .map(String::as_str)
                    .unwrap_or(c.product_id.as_str());
                self.certificate_line(c, name, Some(pin))
            })
            .collect();
        let notices = self.notices();
        let mut handed_over = notices.gift_accepted_to_transferee(gift.giver.as_str(), &lines);
        for certificate in &accepted {
            // This commit appends one `rekey` row: the link is made for the generation after.
            let generation = self.pin_generation(&certificate.code).await? + 1;
            if let Some(url) = self
                .voucher_link(certificate, &gift.transferee, generation)
                .await?
            {
                handed_over.push_str(&format!("\n{url}"));
            }
        }
        changes
            .outbox
            .push(self.sms(gift.transferee.as_str(), handed_over.clone()));
        // The certificates' barcodes, for the chain store's scanner.
        changes.outbox.push(OutboxMessage::Mms(MmsNotice {
            message_id: uuid::Uuid::now_v7().to_string(),
            to: gift.transferee.to_string(),
            gift_id: gift.id.to_string(),
            giver: String::new(),
            subject: match self.policy.language {
                crate::domain::Language::Ko => "상품권 바코드".to_owned(),
                crate::domain::Language::En => "Your certificate barcode".to_owned(),
            },
            text: handed_over,
            extras: Vec::new(),
            // The SMS above already carries code and PIN: nothing more to fall back to.
            fallback_text: String::new(),
            barcodes: accepted.iter().map(|c| c.code.to_string()).collect(),
        }));
        changes.outbox.push(self.sms(
            gift.giver.as_str(),
            notices.gift_accepted_to_giver(gift.transferee.as_str(), total),
        ));
        changes.outbox.push(OutboxMessage::event(
            Event::new(EventType::GiftAccepted, now)
                .with_order(&order.order_id)
                .with_msisdn(&gift.transferee)
                .with_gift(&gift.id)
                .with_amount(total)
                .with_reason("accepted", &names)
                .with_outcome(json!({
                    "rekeyed": accepted.iter().map(|c| c.code.to_string()).collect::<Vec<_>>(),
                })),
        ));
        changes.gifts.push(GiftUpdate {
            gift_id: gift.id.clone(),
            expected: gift.state,
            state: GiftState::Accepted,
            settled_at: Some(now),
        });
        changes.certificates = accepted;
        let outcome = json!({
            "gift_id": gift.id.as_str(),
            "state": "accepted",
            "certificate_codes": gift.certificate_codes.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        });
        self.complete_order(&mut changes, record, outcome.clone());
        self.commit(changes).await?;
        Ok(StepOutcome::Done(outcome))
    }

    /// Runs a reject order: the certificates return to the giver, who is told.
    pub(crate) async fn reject_gift(
        &self,
        order: &Order,
        record: &OrderRecord,
        gift_id: &GiftId,
    ) -> Result<StepOutcome, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let attempt = async {
                let gift = self.answerable_gift(gift_id, &order.msisdn).await?;
                let mut changes = Changes::default();
                self.return_gift(&mut changes, &gift, GiftReturn::Rejected)
                    .await?;
                let outcome = json!({ "gift_id": gift.id.as_str(), "state": "rejected" });
                self.complete_order(&mut changes, record, outcome.clone());
                self.commit(changes).await?;
                Ok(StepOutcome::Done(outcome))
            };
            match attempt.await {
                Err(error) if is_conflict(&error) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Contention(format!("gift {gift_id}")))
    }

    async fn answerable_gift(
        &self,
        gift_id: &GiftId,
        transferee: &Msisdn,
    ) -> Result<Gift, ServiceError> {
        let gift = self
            .store
            .gift(gift_id)
            .await?
            .filter(|g| &g.transferee == transferee)
            .ok_or_else(|| {
                Refusal::new(
                    RefusalCode::GiftNotFound,
                    format!("no gift {gift_id} for you"),
                )
            })?;
        match gift.state {
            GiftState::Sent if gift.answer_by > self.now() => Ok(gift),
            GiftState::Sent => Err(Refusal::new(
                RefusalCode::GiftExpired,
                format!("gift {gift_id} was not answered in time"),
            )
            .into()),
            state => Err(Refusal::new(
                RefusalCode::GiftNotPending,
                format!("gift {gift_id} is {state}"),
            )
            .into()),
        }
    }

    pub(crate) async fn gift_certificates(
        &self,
        gift: &Gift,
    ) -> Result<Vec<Certificate>, ServiceError> {
        let mut certificates = Vec::with_capacity(gift.certificate_codes.len());
        for code in &gift.certificate_codes {
            let certificate = self.store.certificate(code).await?.ok_or_else(|| {
                ServiceError::Store(crate::ports::StoreError::NotFound(format!(
                    "certificate {code} of gift {}",
                    gift.id
                )))
            })?;
            if certificate.gift_id.as_ref() != Some(&gift.id)
                || certificate.status != CertificateStatus::PendingGift
            {
                return Err(ServiceError::Store(crate::ports::StoreError::Conflict(
                    format!(
                        "certificate {code} is no longer pending in gift {}",
                        gift.id
                    ),
                )));
            }
            certificates.push(certificate);
        }
        Ok(certificates)
    }

    async fn product_name_map(
        &self,
        certificates: &[Certificate],
    ) -> Result<BTreeMap<String, String>, ServiceError> {
        let mut names = BTreeMap::new();
        for certificate in certificates {
            if !names.contains_key(certificate.product_id.as_str()) {
                let name = self
                    .product(&certificate.product_id)
                    .await?
                    .map(|p| p.name)
                    .unwrap_or_else(|| certificate.product_id.to_string());
                names.insert(certificate.product_id.to_string(), name);
            }
        }
        Ok(names)
    }

    /// "Name ×n, Other ×m" for texts.
    pub(crate) async fn product_names(
        &self,
        certificates: &[Certificate],
    ) -> Result<String, ServiceError> {
        let names = self.product_name_map(certificates).await?;
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for certificate in certificates {
            let name = names
                .get(certificate.product_id.as_str())
                .map(String::as_str)
                .unwrap_or(certificate.product_id.as_str());
            *counts.entry(name).or_default() += 1;
        }
        Ok(counts
            .into_iter()
            .map(|(name, count)| {
                if count == 1 {
                    name.to_owned()
                } else {
                    format!("{name} x{count}")
                }
            })
            .collect::<Vec<_>>()
            .join(", "))
    }
}

/// The sum of the certificates' balances.
pub(crate) fn total_balance(certificates: &[Certificate]) -> Result<Money, ServiceError> {
    let Some(first) = certificates.first() else {
        return Err(Refusal::new(RefusalCode::InvalidCertificateCodes, "no certificates").into());
    };
    certificates[1..].iter().try_fold(first.balance, |sum, c| {
        sum.checked_add(c.balance)
            .map_err(|e| Refusal::new(RefusalCode::CurrencyMismatch, e.to_string()).into())
    })
}
