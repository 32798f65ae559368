//! Signing in to the subscriber's site: a one-time code by SMS, then a web session (see
//! [`crate::domain::web_sign_in`] for the limits).
//!
//! The code goes out through the same outbox and SMSC as every other notice, committed
//! with its sign-in row. Asking is rate-limited per number and per client address; a
//! code opens one session, once, within its lifetime and tries; the newest code of a
//! number is the only one that counts.

use chrono::Duration;

use super::error::{Refusal, ServiceError};
use super::ledger::Ledger;
use crate::domain::web_sign_in::{
    CODE_LIFETIME_SECS, CODE_TRIES, CODES_PER_CLIENT, CODES_PER_NUMBER, RATE_WINDOW_SECS,
};
use crate::domain::{LinkToken, Msisdn, OneTimeCode, RefusalCode, SignIn, SiteTopic, WebSession};
use crate::ports::StoreError;

/// Longest text an admin may give a site topic.
pub const SITE_TEXT_MAX_CHARS: usize = 4000;

fn refused(code: RefusalCode, detail: &str) -> ServiceError {
    Refusal::new(code, detail).into()
}

impl Ledger {
    /// Sends `msisdn` a sign-in code, asked for from `client`; refused `rate_limited`
    /// when the number or the address asked too often within the hour.
    pub async fn request_sign_in(&self, msisdn: &Msisdn, client: &str) -> Result<(), ServiceError> {
        let now = self.now();
        let since = now - Duration::seconds(RATE_WINDOW_SECS);
        let (by_number, by_client) = self.store.sign_ins_since(msisdn, client, since).await?;
        if by_number >= CODES_PER_NUMBER || by_client >= CODES_PER_CLIENT {
            metrics::counter!("giftgate_sign_in_refused_total", "reason" => "rate_limited")
                .increment(1);
            return Err(refused(
                RefusalCode::RateLimited,
                "too many sign-in codes asked for; wait an hour",
            ));
        }
        let code = OneTimeCode::generate();
        let id = uuid::Uuid::now_v7().to_string();
        let sign_in = SignIn {
            code_sealed: self
                .pins
                .seal_text(code.reveal(), &SignIn::seal_context(&id)),
            id,
            msisdn: msisdn.clone(),
            client: client.chars().take(64).collect(),
            tries: 0,
            created_at: now,
            expires_at: now + Duration::seconds(CODE_LIFETIME_SECS),
            used_at: None,
        };
        let sms = self.sms(msisdn.as_str(), self.notices().sign_in_code(code.reveal()));
        self.store.insert_sign_in(&sign_in, &sms).await?;
        Ok(())
    }

    /// Checks `typed` against the newest code of `msisdn`: a new session and the token
    /// its cookie carries, or a refusal (`no_sign_in`, `code_expired`, `sign_in_locked`,
    /// `wrong_code`). A wrong code counts against the sign-in's tries.
    pub async fn verify_sign_in(
        &self,
        msisdn: &Msisdn,
        typed: &str,
    ) -> Result<(WebSession, LinkToken), ServiceError> {
        let now = self.now();
        let Some(sign_in) = self.store.latest_sign_in(msisdn).await? else {
            return Err(refused(
                RefusalCode::NoSignIn,
                "ask for a sign-in code first",
            ));
        };
        if sign_in.tries >= CODE_TRIES {
            return Err(refused(
                RefusalCode::SignInLocked,
                "too many wrong codes; ask for a new one",
            ));
        }
        if !sign_in.is_open(now) {
            return Err(refused(
                RefusalCode::CodeExpired,
                "the code has expired; ask for a new one",
            ));
        }
        // A code sealed under a key since retired cannot be opened: ask for a new one.
        let Ok(expected) = self
            .pins
            .open_text(&sign_in.code_sealed, &SignIn::seal_context(&sign_in.id))
        else {
            tracing::warn!(sign_in = %sign_in.id, "a sign-in code does not open with the current keys");
            return Err(refused(
                RefusalCode::CodeExpired,
                "the code has expired; ask for a new one",
            ));
        };
        let right = OneTimeCode::parse(typed)
            .is_some_and(|code| constant_time_eq(code.reveal().as_bytes(), expected.as_bytes()));
        if !right {
            self.store.count_sign_in_try(&sign_in.id).await?;
            metrics::counter!("giftgate_sign_in_refused_total", "reason" => "wrong_code")
                .increment(1);
            if sign_in.tries + 1 >= CODE_TRIES {
                return Err(refused(
                    RefusalCode::SignInLocked,
                    "too many wrong codes; ask for a new one",
                ));
            }
            return Err(refused(RefusalCode::WrongCode, "that code is not right"));
        }
        let (session, token) = WebSession::begin(msisdn.clone(), now);
        match self.store.finish_sign_in(&sign_in.id, now, &session).await {
            Err(StoreError::Conflict(_)) => Err(refused(
                RefusalCode::CodeExpired,
                "the code was used already",
            )),
            Err(error) => Err(error.into()),
            Ok(()) => Ok((session, token)),
        }
    }

    /// The live session of a cookie's `token`, if any.
    pub async fn web_session(&self, token: &str) -> Result<Option<WebSession>, ServiceError> {
        let Some(token) = LinkToken::parse(token) else {
            return Ok(None);
        };
        let session = self.store.web_session(&token.hash()).await?;
        Ok(session.filter(|s| self.now() < s.expires_at))
    }

    /// Ends the session of a cookie's `token` (signing out).
    pub async fn end_web_session(&self, token: &str) -> Result<(), ServiceError> {
        if let Some(token) = LinkToken::parse(token) {
            self.store.end_web_session(&token.hash()).await?;
        }
        Ok(())
    }

    /// A site text in `language`, if an admin wrote one.
    pub async fn site_text(
        &self,
        topic: SiteTopic,
        language: &str,
    ) -> Result<Option<String>, ServiceError> {
        Ok(self.store.site_text(topic, language).await?)
    }

    /// Writes a site text; refused `invalid_text` when blank or longer than
    /// [`SITE_TEXT_MAX_CHARS`], `invalid_language` unless `ko` or `en`.
    pub async fn put_site_text(
        &self,
        topic: SiteTopic,
        language: &str,
        body: &str,
    ) -> Result<(), ServiceError> {
        if !matches!(language, "ko" | "en") {
            return Err(refused(
                RefusalCode::InvalidLanguage,
                "language must be ko or en",
            ));
        }
        if body.trim().is_empty() || body.chars().count() > SITE_TEXT_MAX_CHARS {
            return Err(refused(
                RefusalCode::InvalidText,
                "text must be 1 to 4000 characters",
            ));
        }
        let now = self.now();
        Ok(self.store.put_site_text(topic, language, body, now).await?)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
