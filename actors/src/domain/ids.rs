//! Identifiers that cross the outside face: order ids, product ids, gift ids.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be 1-{max} characters of [A-Za-z0-9._:-]")]
pub struct IdError {
    /// Which identifier.
    pub what: &'static str,
    /// Its maximum length.
    pub max: usize,
}

fn valid_id(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.len() <= max
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Parses and validates the identifier.
            pub fn parse(text: &str) -> Result<Self, IdError> {
                if valid_id(text, $max) {
                    Ok($name(text.to_owned()))
                } else {
                    Err(IdError { what: $what, max: $max })
                }
            }

            /// The identifier's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

text_id!(
    /// The idempotency key of an order (CONTRACT.md §2): the same id again yields the first outcome.
    OrderId, "order_id", 64
);
text_id!(
    /// A catalog product, e.g. `dept-50000`.
    ProductId, "product_id", 64
);
text_id!(
    /// A gift package sent from a giver to a transferee.
    GiftId, "gift_id", 64
);
text_id!(
    /// An item of the contents database (ringtone, background music, theme card, character).
    ContentId, "content_id", 64
);

text_id!(
    /// A request waiting for its subscriber's `YES` or `NO` (a gift's confirmation has
    /// the gift's id).
    ConfirmationId, "confirmation_id", 64
);

/// `prefix` + 8 random base-32 characters: short and human-typable.
fn short_random_id(prefix: char) -> String {
    use rand::{Rng, TryRngCore};
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut rng = rand::rngs::OsRng.unwrap_err();
    let tail: String = (0..8)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{prefix}{tail}")
}

impl GiftId {
    /// A fresh, short, human-typable gift id (`g` + 8 base-32 characters), for SMS replies.
    pub fn generate() -> Self {
        GiftId(short_random_id('g'))
    }
}

impl ConfirmationId {
    /// A fresh id for a purchase waiting for `YES` (`c` + 8 base-32 characters).
    pub fn generate() -> Self {
        ConfirmationId(short_random_id('c'))
    }

    /// The confirmation of a gift waiting for its giver's check: the gift's own id.
    pub fn of_gift(gift_id: &GiftId) -> Self {
        ConfirmationId(gift_id.as_str().to_owned())
    }
}

impl OrderId {
    /// An order id for an order the gateway starts itself (MO commands, expiry).
    pub fn internal(prefix: &str, unique: &str) -> Self {
        let mut text = format!("{prefix}:{unique}");
        text.retain(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'));
        text.truncate(64);
        OrderId(text)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn order_ids_follow_the_contract() {
        assert!(OrderId::parse("ord-1.2:x_Y").is_ok());
        assert!(OrderId::parse("").is_err());
        assert!(OrderId::parse(&"a".repeat(65)).is_err());
        assert!(OrderId::parse("has space").is_err());
        assert!(OrderId::parse("ünï").is_err());
    }

    #[test]
    fn gift_ids_are_valid_ids() {
        let id = GiftId::generate();
        assert_eq!(GiftId::parse(id.as_str()).unwrap(), id);
        assert_eq!(id.as_str().len(), 9);
    }
}
