//! Signing in to the subscriber's site (CONTRACT.md §8): a one-time code sent by SMS to
//! the number, then a web session known by its cookie.
//!
//! The code is 6 digits from the operating system's random source, kept sealed with the
//! server key (like a PIN, never in clear), good for [`CODE_LIFETIME_SECS`] and
//! [`CODE_TRIES`] tries, used once. The session's cookie carries a [`LinkToken`] (128
//! random bits); only its SHA-256 is stored.

use std::fmt;

use chrono::{DateTime, Utc};
use rand::TryRngCore;

use super::msisdn::Msisdn;
use super::page_link::LinkToken;

/// How long a code may be typed in.
pub const CODE_LIFETIME_SECS: i64 = 180;
/// Wrong codes before a sign-in is spent.
pub const CODE_TRIES: i32 = 5;
/// Codes sent to one number within [`RATE_WINDOW_SECS`].
pub const CODES_PER_NUMBER: i64 = 5;
/// Codes asked for from one client address within [`RATE_WINDOW_SECS`].
pub const CODES_PER_CLIENT: i64 = 20;
/// The window of the rate limits.
pub const RATE_WINDOW_SECS: i64 = 3600;
/// How long a web session lives.
pub const SESSION_LIFETIME_SECS: i64 = 12 * 3600;

/// A 6-digit one-time code. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    /// A fresh code, uniformly drawn from 000000–999999.
    pub fn generate() -> Self {
        // Rejection sampling keeps every code equally likely.
        loop {
            let draw = rand::rngs::OsRng
                .try_next_u32()
                // unwrap: the OS random source failing is not something a gateway can go on from
                .expect("operating system random source");
            if draw < 4_294_000_000 {
                return Self(format!("{:06}", draw % 1_000_000));
            }
        }
    }

    /// A code as typed: exactly 6 digits (spaces around it ignored), else `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        (text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit())).then(|| Self(text.to_owned()))
    }

    /// The digits, for the one SMS that carries them and for sealing.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OneTimeCode(******)")
    }
}

/// One request for a code: what the store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    /// Its id (a UUID).
    pub id: String,
    /// The number signing in.
    pub msisdn: Msisdn,
    /// The client address that asked.
    pub client: String,
    /// The code, sealed with the server key (context: the id).
    pub code_sealed: String,
    /// Wrong codes typed so far.
    pub tries: i32,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
    /// When a right code used it.
    pub used_at: Option<DateTime<Utc>>,
}

impl SignIn {
    /// True while a code may still be typed.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && now < self.expires_at && self.tries < CODE_TRIES
    }

    /// The context the code is sealed under (binds it to this request).
    pub fn seal_context(id: &str) -> String {
        format!("sign-in:{id}")
    }
}

/// A signed-in browser: what the store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    /// SHA-256 of the cookie's token.
    pub token_hash: String,
    /// Whose session it is.
    pub msisdn: Msisdn,
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
}

impl WebSession {
    /// A new session for `msisdn` and the token its cookie will carry.
    pub fn begin(msisdn: Msisdn, now: DateTime<Utc>) -> (Self, LinkToken) {
        let token = LinkToken::generate();
        let session = WebSession {
            token_hash: token.hash(),
            msisdn,
            created_at: now,
            expires_at: now + chrono::Duration::seconds(SESSION_LIFETIME_SECS),
        };
        (session, token)
    }
}

/// A text of the site that admins edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteTopic {
    /// Notices (FIG. 5 "notices").
    Notices,
    /// The usage guide.
    Guide,
    /// The call center's contact.
    CallCenter,
}

impl SiteTopic {
    /// Every topic.
    pub const ALL: [SiteTopic; 3] = [SiteTopic::Notices, SiteTopic::Guide, SiteTopic::CallCenter];

    /// Its stored and URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteTopic::Notices => "notices",
            SiteTopic::Guide => "guide",
            SiteTopic::CallCenter => "call_center",
        }
    }

    /// The topic named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_hidden_in_debug() {
        for _ in 0..200 {
            let code = OneTimeCode::generate();
            assert_eq!(code.reveal().len(), 6);
            assert!(code.reveal().bytes().all(|b| b.is_ascii_digit()));
            assert!(!format!("{code:?}").contains(code.reveal()));
        }
    }

    #[test]
    fn typed_codes_are_exactly_six_digits() {
        assert_eq!(
            OneTimeCode::parse(" 012345 ").expect("a code").reveal(),
            "012345"
        );
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert!(OneTimeCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_sign_in_closes_on_use_expiry_and_tries() {
        let now = Utc::now();
        let open = SignIn {
            id: "x".into(),
            msisdn: Msisdn::from_e164_unchecked("+821012345678"),
            client: "127.0.0.1".into(),
            code_sealed: String::new(),
            tries: 0,
            created_at: now,
            expires_at: now + chrono::Duration::seconds(CODE_LIFETIME_SECS),
            used_at: None,
        };
        assert!(open.is_open(now));
        assert!(!open.is_open(open.expires_at));
        assert!(
            !SignIn {
                tries: CODE_TRIES,
                ..open.clone()
            }
            .is_open(now)
        );
        assert!(
            !SignIn {
                used_at: Some(now),
                ..open
            }
            .is_open(now)
        );
    }

    #[test]
    fn topics_round_trip() {
        for topic in SiteTopic::ALL {
            assert_eq!(SiteTopic::parse(topic.as_str()), Some(topic));
        }
        assert_eq!(SiteTopic::parse("faq"), None);
    }
}
