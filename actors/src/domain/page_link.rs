//! Links to the subscriber's pages (CONTRACT.md §8): `/v/{token}` shows one certificate
//! to its holder, `/g/{token}` one gift to its transferee.
//!
//! A token is 128 random bits from the operating system, written in 22 characters of
//! URL-safe base64 (short, so a link rarely pushes a text into another SMS part). Only
//! its SHA-256 is stored ([`LinkToken::hash`]); the token itself exists only in the
//! message that carried it. A link is bound to the holder and to the certificate's PIN
//! generation (the number of times its PIN was re-keyed) when it was made: it dies when
//! the certificate changes hands, when its PIN is re-keyed, and at its expiry.

use std::fmt;

use chrono::{DateTime, Utc};
use rand::TryRngCore;
use sha2::{Digest, Sha256};

use super::certificate_code::CertificateCode;
use super::ids::GiftId;
use super::msisdn::Msisdn;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Characters in a token: 128 bits in base64 without padding.
pub const TOKEN_LEN: usize = 22;

/// A link token as it appears in a URL. Its `Debug` hides it: it is a bearer secret.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

impl LinkToken {
    /// A fresh token of 128 random bits.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes)
            // unwrap: the OS random source failing is not something a gateway can go on from
            .expect("operating system random source");
        Self(encode(&bytes))
    }

    /// A token read from a URL path, or `None` when it cannot be one (wrong length or
    /// characters): such a path is answered 404 without a store look-up.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == TOKEN_LEN && text.bytes().all(|b| ALPHABET.contains(&b)))
            .then(|| Self(text.to_owned()))
    }

    /// The token text, for the one message that carries it.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// What the store keeps: the hex SHA-256 of the token.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken(…)")
    }
}

fn encode(bytes: &[u8; 16]) -> String {
    let mut out = String::with_capacity(TOKEN_LEN);
    let mut bits: u32 = 0;
    let mut held = 0;
    for &byte in bytes {
        bits = (bits << 8) | u32::from(byte);
        held += 8;
        while held >= 6 {
            held -= 6;
            out.push(ALPHABET[((bits >> held) & 63) as usize] as char);
        }
    }
    if held > 0 {
        out.push(ALPHABET[((bits << (6 - held)) & 63) as usize] as char);
    }
    out
}

/// What a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `/v/…`: one certificate, for its holder.
    Voucher,
    /// `/g/…`: one gift, for its transferee.
    Gift,
}

impl LinkKind {
    /// `voucher` or `gift`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Voucher => "voucher",
            LinkKind::Gift => "gift",
        }
    }

    /// The path segment: `v` or `g`.
    pub fn path(self) -> &'static str {
        match self {
            LinkKind::Voucher => "v",
            LinkKind::Gift => "g",
        }
    }

    /// From the stored text.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "voucher" => Some(LinkKind::Voucher),
            "gift" => Some(LinkKind::Gift),
            _ => None,
        }
    }
}

/// A stored link: the token's hash and what it is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// What it opens.
    pub kind: LinkKind,
    /// The certificate (voucher links).
    pub certificate_code: Option<CertificateCode>,
    /// The gift (gift links).
    pub gift_id: Option<GiftId>,
    /// Who held the certificate (or received the gift) when the link was made.
    pub holder: Msisdn,
    /// The certificate's PIN generation when the link was made (0 for gift links).
    pub generation: i64,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it dies at the latest.
    pub expires_at: DateTime<Utc>,
}

impl PageLink {
    /// True while the binding still holds: same holder, same PIN generation, not expired.
    pub fn is_live(&self, holder: &Msisdn, generation: i64, now: DateTime<Utc>) -> bool {
        &self.holder == holder && self.generation == generation && now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_22_url_safe_characters_and_differ() {
        let a = LinkToken::generate();
        let b = LinkToken::generate();
        assert_eq!(a.reveal().len(), TOKEN_LEN);
        assert_ne!(a, b);
        assert!(LinkToken::parse(a.reveal()).is_some());
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.reveal());
    }

    #[test]
    fn forged_shapes_are_refused_before_any_lookup() {
        assert!(LinkToken::parse("short").is_none());
        assert!(LinkToken::parse("AAAAAAAAAAAAAAAAAAAAA/").is_none());
        assert!(LinkToken::parse(&"A".repeat(23)).is_none());
        assert!(LinkToken::parse("AAAAAAAAAAAAAAAAAAAAAA").is_some());
    }

    #[test]
    fn encoding_covers_all_bits() {
        assert_eq!(encode(&[0xff; 16]), "_____________________w");
        assert_eq!(encode(&[0; 16]), "AAAAAAAAAAAAAAAAAAAAAA");
    }

    #[test]
    fn a_link_dies_with_a_new_holder_generation_or_time() {
        let holder = Msisdn::from_e164_unchecked("+821012345678");
        let other = Msisdn::from_e164_unchecked("+821087654321");
        let now = Utc::now();
        let link = PageLink {
            token_hash: String::new(),
            kind: LinkKind::Voucher,
            certificate_code: None,
            gift_id: None,
            holder: holder.clone(),
            generation: 1,
            created_at: now,
            expires_at: now + chrono::Duration::days(1),
        };
        assert!(link.is_live(&holder, 1, now));
        assert!(!link.is_live(&other, 1, now));
        assert!(!link.is_live(&holder, 2, now));
        assert!(!link.is_live(&holder, 1, now + chrono::Duration::days(2)));
    }
}
