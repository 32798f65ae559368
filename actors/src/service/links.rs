//! Links in messages to the subscriber's pages (CONTRACT.md §8), and their opening.
//!
//! A link is minted just before the commit of the message that carries it: its row is
//! inert until then (a voucher link names a certificate and holder that must still
//! match when it is opened), so a commit that fails leaves only a dead row behind.

use chrono::{DateTime, Duration, Utc};

use super::error::ServiceError;
use super::ledger::Ledger;
use crate::domain::{
    Certificate, CertificateStatus, Gift, GiftId, LinkKind, LinkToken, Msisdn, PageLink, Pin,
};

/// How long a voucher link of a certificate without expiry lives.
const UNDATED_LINK_DAYS: i64 = 5 * 366;
/// How long a gift link lives after the gift's answer-by time (so the transferee can still
/// look at what they accepted or rejected).
const GIFT_LINK_GRACE_DAYS: i64 = 90;

/// A voucher link, opened: the certificate its holder may see.
#[derive(Debug, Clone)]
pub struct OpenVoucher {
    /// The certificate as it is now.
    pub certificate: Certificate,
    /// Its PIN, for its holder.
    pub pin: Option<Pin>,
}

/// A gift link, opened: the gift its transferee may see and answer.
#[derive(Debug, Clone)]
pub struct OpenGift {
    /// The gift as it is now.
    pub gift: Gift,
    /// The certificates it carries, as they are now.
    pub certificates: Vec<Certificate>,
}

impl Ledger {
    fn link_url(&self, kind: LinkKind, token: &LinkToken) -> Option<String> {
        let base = self.policy.public_url.as_deref()?;
        Some(format!("{base}/{}/{}", kind.path(), token.reveal()))
    }

    async fn mint(&self, link: PageLink, token: &LinkToken) -> Result<String, ServiceError> {
        self.store.insert_page_link(&link).await?;
        Ok(self.link_url(link.kind, token).unwrap_or_default())
    }

    /// A `/v/…` link for `holder` to `certificate` at PIN generation `generation` (the
    /// generation the certificate will have once the carrying message commits), or
    /// `None` when the deployment has no public URL.
    pub async fn voucher_link(
        &self,
        certificate: &Certificate,
        holder: &Msisdn,
        generation: i64,
    ) -> Result<Option<String>, ServiceError> {
        if self.policy.public_url.is_none() {
            return Ok(None);
        }
        let now = self.now();
        let token = LinkToken::generate();
        let lapse = certificate
            .expires_at
            .map(|at| {
                at.max(now) + Duration::days(31 * i64::from(self.policy.max_extension_months))
            })
            .unwrap_or(now + Duration::days(UNDATED_LINK_DAYS));
        let link = PageLink {
            token_hash: token.hash(),
            kind: LinkKind::Voucher,
            certificate_code: Some(certificate.code.clone()),
            gift_id: None,
            holder: holder.clone(),
            generation,
            created_at: now,
            expires_at: lapse,
        };
        self.mint(link, &token).await.map(Some)
    }

    /// A `/g/…` link for the gift's transferee, or `None` without a public URL.
    pub async fn gift_link(&self, gift: &Gift) -> Result<Option<String>, ServiceError> {
        if self.policy.public_url.is_none() {
            return Ok(None);
        }
        let token = LinkToken::generate();
        let link = PageLink {
            token_hash: token.hash(),
            kind: LinkKind::Gift,
            certificate_code: None,
            gift_id: Some(gift.id.clone()),
            holder: gift.transferee.clone(),
            generation: 0,
            created_at: self.now(),
            expires_at: gift.answer_by + Duration::days(GIFT_LINK_GRACE_DAYS),
        };
        self.mint(link, &token).await.map(Some)
    }

    /// The certificate's current PIN generation.
    pub async fn pin_generation(
        &self,
        code: &crate::domain::CertificateCode,
    ) -> Result<i64, ServiceError> {
        Ok(self.store.pin_generation(code).await?)
    }

    async fn live_link(
        &self,
        token: &str,
        kind: LinkKind,
    ) -> Result<Option<(PageLink, DateTime<Utc>)>, ServiceError> {
        let Some(token) = LinkToken::parse(token) else {
            return Ok(None);
        };
        let Some(link) = self.store.page_link(&token.hash()).await? else {
            return Ok(None);
        };
        let now = self.now();
        Ok((link.kind == kind && now < link.expires_at).then_some((link, now)))
    }

    /// The certificate behind a `/v/…` token, or `None` when the token is forged, or dead:
    /// expired, the certificate changed hands, its PIN was re-keyed, or it lapsed.
    pub async fn open_voucher(&self, token: &str) -> Result<Option<OpenVoucher>, ServiceError> {
        let Some((link, now)) = self.live_link(token, LinkKind::Voucher).await? else {
            return Ok(None);
        };
        let Some(code) = &link.certificate_code else {
            return Ok(None);
        };
        let Some(certificate) = self.store.certificate(code).await? else {
            return Ok(None);
        };
        let generation = self.store.pin_generation(code).await?;
        let lapsed = certificate.status == CertificateStatus::Expired
            || certificate.expires_at.is_some_and(|at| at <= now);
        if lapsed || !link.is_live(&certificate.owner, generation, now) {
            return Ok(None);
        }
        let pin = self
            .pins
            .open(&certificate.pin_sealed, certificate.code.as_str())
            .ok();
        Ok(Some(OpenVoucher { certificate, pin }))
    }

    /// The gift behind a `/g/…` token, or `None` when the token is forged or dead.
    pub async fn open_gift(&self, token: &str) -> Result<Option<OpenGift>, ServiceError> {
        let Some((link, _)) = self.live_link(token, LinkKind::Gift).await? else {
            return Ok(None);
        };
        let Some(id) = &link.gift_id else {
            return Ok(None);
        };
        let Some(gift) = self.store.gift(id).await? else {
            return Ok(None);
        };
        if gift.transferee != link.holder {
            return Ok(None);
        }
        let mut certificates = Vec::with_capacity(gift.certificate_codes.len());
        for code in &gift.certificate_codes {
            if let Some(certificate) = self.store.certificate(code).await? {
                certificates.push(certificate);
            }
        }
        Ok(Some(OpenGift { gift, certificates }))
    }

    /// The gift id behind a live `/g/…` token (for the accept and reject forms).
    pub async fn gift_of_link(&self, token: &str) -> Result<Option<GiftId>, ServiceError> {
        Ok(self.open_gift(token).await?.map(|open| open.gift.id))
    }
}
