//! PINs: the certificate's 6-digit password, and their encryption at rest.
//!
//! The owner may see a PIN again (wallet, messages), so PINs are encrypted, not hashed:
//! AES-256-GCM under the deployment's secret key, a fresh random nonce per PIN, and the
//! certificate code as associated data so a ciphertext cannot be moved to another code.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::{Rng, RngCore, TryRngCore};

mod sealed_text;

pub use sealed_text::{SEALED_PREFIX, mask_account};

/// A 6-digit PIN.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(******)")
    }
}

/// Why a PIN or key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinError {
    /// Not exactly six digits.
    #[error("a PIN has 6 digits")]
    Malformed,
    /// The secret key is not 32 bytes of hex.
    #[error("the secret key must be 32 bytes as 64 hex digits")]
    BadKey,
    /// A stored ciphertext failed to decrypt (wrong key or tampered row).
    #[error("a stored PIN could not be decrypted")]
    Undecryptable,
}

impl Pin {
    /// Draws a fresh PIN from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let value: u32 = rand::rngs::OsRng.unwrap_err().random_range(0..1_000_000);
        Pin(format!("{value:06}"))
    }

    /// Parses six digits.
    pub fn parse(input: &str) -> Result<Self, PinError> {
        let trimmed = input.trim();
        if trimmed.len() == 6 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Pin(trimmed.to_owned()))
        } else {
            Err(PinError::Malformed)
        }
    }

    /// The digits, for the owner's own eyes only.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// Compares in constant time.
    pub fn matches(&self, other: &Pin) -> bool {
        let a = self.0.as_bytes();
        let b = other.0.as_bytes();
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// Encrypts and decrypts PINs (and other secrets at rest) with the deployment's 32-byte
/// key. During a key change it also opens what the previous key sealed (never seals
/// with it), so the gateway keeps working while `giftgate rekey` re-seals the rows.
#[derive(Clone)]
pub struct PinCipher {
    cipher: Aes256Gcm,
    previous: Option<Aes256Gcm>,
}

impl fmt::Debug for PinCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinCipher(<redacted>)")
    }
}

const NONCE_LEN: usize = 12;

impl PinCipher {
    /// Builds a cipher from 64 hex digits.
    pub fn from_hex(key_hex: &str) -> Result<Self, PinError> {
        let key = hex::decode(key_hex.trim()).map_err(|_| PinError::BadKey)?;
        if key.len() != 32 {
            return Err(PinError::BadKey);
        }
        let cipher = Aes256Gcm::new_from_slice(&key).map_err(|_| PinError::BadKey)?;
        Ok(PinCipher {
            cipher,
            previous: None,
        })
    }

    /// Also opens (never seals) what `previous_hex` sealed: for the time of a re-key.
    pub fn with_previous(self, previous_hex: &str) -> Result<Self, PinError> {
        let previous = PinCipher::from_hex(previous_hex)?.cipher;
        Ok(PinCipher {
            previous: Some(previous),
            ..self
        })
    }

    /// A fresh random key as hex, for a new embedded deployment.
    pub fn generate_key_hex() -> String {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.unwrap_err().fill_bytes(&mut key);
        hex::encode(key)
    }

    /// Encrypts a PIN bound to its certificate code; the result is hex `nonce || ciphertext`.
    pub fn seal(&self, pin: &Pin, code: &str) -> String {
        self.seal_bytes(pin.0.as_bytes(), code.as_bytes())
    }

    /// Decrypts a stored PIN for its certificate code.
    pub fn open(&self, sealed_hex: &str, code: &str) -> Result<Pin, PinError> {
        let plain = self.open_bytes(sealed_hex, code.as_bytes())?;
        let text = String::from_utf8(plain).map_err(|_| PinError::Undecryptable)?;
        Pin::parse(&text).map_err(|_| PinError::Undecryptable)
    }

    /// Whether the current key (not the previous one) opens `sealed_hex`: what
    /// `giftgate rekey` leaves alone.
    pub fn opens_with_current_key(&self, sealed_hex: &str, aad: &[u8]) -> bool {
        decrypt_with(&self.cipher, sealed_hex, aad).is_ok()
    }

    fn seal_bytes(&self, plain: &[u8], aad: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.unwrap_err().fill_bytes(&mut nonce);
        // AES-GCM encryption of a short message cannot fail (limits are 2^36 bytes).
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad })
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        hex::encode(out)
    }

    fn open_bytes(&self, sealed_hex: &str, aad: &[u8]) -> Result<Vec<u8>, PinError> {
        decrypt_with(&self.cipher, sealed_hex, aad).or_else(|error| match &self.previous {
            Some(previous) => decrypt_with(previous, sealed_hex, aad),
            None => Err(error),
        })
    }
}

fn decrypt_with(cipher: &Aes256Gcm, sealed_hex: &str, aad: &[u8]) -> Result<Vec<u8>, PinError> {
    let bytes = hex::decode(sealed_hex).map_err(|_| PinError::Undecryptable)?;
    if bytes.len() <= NONCE_LEN {
        return Err(PinError::Undecryptable);
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| PinError::Undecryptable)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sealed_pins_open_only_for_their_code() {
        let cipher = PinCipher::from_hex(&PinCipher::generate_key_hex()).unwrap();
        let pin = Pin::generate();
        let sealed = cipher.seal(&pin, "4111111111111111");
        assert!(!sealed.contains(pin.reveal()));
        assert_eq!(cipher.open(&sealed, "4111111111111111").unwrap(), pin);
        assert_eq!(
            cipher.open(&sealed, "4111111111111129"),
            Err(PinError::Undecryptable)
        );
    }

    #[test]
    fn another_key_cannot_open() {
        let a = PinCipher::from_hex(&PinCipher::generate_key_hex()).unwrap();
        let b = PinCipher::from_hex(&PinCipher::generate_key_hex()).unwrap();
        let sealed = a.seal(&Pin::parse("123456").unwrap(), "c");
        assert!(b.open(&sealed, "c").is_err());
    }

    #[test]
    fn pins_are_six_digits() {
        assert!(Pin::parse("12345").is_err());
        assert!(Pin::parse("12345a").is_err());
        assert_eq!(Pin::generate().reveal().len(), 6);
        assert!(PinCipher::from_hex("abcd").is_err());
    }
}
