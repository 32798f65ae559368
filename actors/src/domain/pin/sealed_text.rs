//! Secrets other than PINs sealed with the same key: refund bank account numbers. A
//! sealed text is written `s1:` + hex(`nonce || ciphertext`), bound to what it belongs to
//! (associated data), so a row that does not start with the prefix is a legacy plain value
//! still to be sealed.

use super::{PinCipher, PinError};

/// What every sealed text starts with.
pub const SEALED_PREFIX: &str = "s1:";

impl PinCipher {
    /// Seals `text` bound to `context` (e.g. `refund-account:+8210…`).
    pub fn seal_text(&self, text: &str, context: &str) -> String {
        format!(
            "{SEALED_PREFIX}{}",
            self.seal_bytes(text.as_bytes(), context.as_bytes())
        )
    }

    /// Opens a text sealed for `context` (with the current or the previous key).
    pub fn open_text(&self, sealed: &str, context: &str) -> Result<String, PinError> {
        let hex = sealed
            .strip_prefix(SEALED_PREFIX)
            .ok_or(PinError::Undecryptable)?;
        let plain = self.open_bytes(hex, context.as_bytes())?;
        String::from_utf8(plain).map_err(|_| PinError::Undecryptable)
    }

    /// Whether the current key (not the previous) opens a sealed text.
    pub fn text_opens_with_current_key(&self, sealed: &str, context: &str) -> bool {
        sealed
            .strip_prefix(SEALED_PREFIX)
            .is_some_and(|hex| self.opens_with_current_key(hex, context.as_bytes()))
    }
}

/// An account number as answers show it: every digit but the last four hidden, the
/// bank's dashes kept (`110-2345-671234` → `***-****-**1234`).
pub fn mask_account(account: &str) -> String {
    let digits = account.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    account
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 4 > digits { c } else { '*' }
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_text_opens_only_for_its_context_and_key() {
        let key = PinCipher::generate_key_hex();
        let cipher = PinCipher::from_hex(&key).unwrap();
        let sealed = cipher.seal_text("110-234-567890", "refund-account:+821012345678");
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains("567890"));
        assert_eq!(
            cipher.open_text(&sealed, "refund-account:+821012345678"),
            Ok("110-234-567890".to_owned())
        );
        assert!(
            cipher
                .open_text(&sealed, "refund-account:+821099999999")
                .is_err()
        );
        assert!(
            cipher
                .open_text("110-234-567890", "refund-account:+821012345678")
                .is_err()
        );
        let other = PinCipher::from_hex(&PinCipher::generate_key_hex()).unwrap();
        assert!(
            other
                .open_text(&sealed, "refund-account:+821012345678")
                .is_err()
        );
        // A new key that remembers the old one opens both, reports which is current.
        let rotated = other.with_previous(&key).unwrap();
        assert!(
            rotated
                .open_text(&sealed, "refund-account:+821012345678")
                .is_ok()
        );
        assert!(!rotated.text_opens_with_current_key(&sealed, "refund-account:+821012345678"));
        let resealed = rotated.seal_text("110-234-567890", "refund-account:+821012345678");
        assert!(rotated.text_opens_with_current_key(&resealed, "refund-account:+821012345678"));
    }

    #[test]
    fn account_numbers_show_only_their_last_four_digits() {
        assert_eq!(mask_account("110-2345-671234"), "***-****-**1234");
        assert_eq!(mask_account("1234"), "1234");
        assert_eq!(mask_account("12345678"), "****5678");
    }
}
