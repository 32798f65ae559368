//! What a channel key may do. A carrier gives each front end only what it needs: the
//! order intake `orders`; a balance kiosk `wallet`; only the subscriber's own app and the
//! call center `pins` as well. Merchant keys have no scopes (their routes take the PIN
//! from the customer).
//!
//! | scope | routes |
//! |---|---|
//! | `orders` | `POST /v1/orders`, `GET /v1/orders/{id}`, gift confirm and cancel, extend, refund account, block and unblock |
//! | `wallet` | wallet (PINs only with `pins` too), gifts, gift package, history |
//! | `pins` | PINs in the wallet, barcodes, PIN renewal |

use std::fmt;

use serde::{Deserialize, Serialize};

/// One permission of a channel key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Submit and follow orders; act on gifts and certificates for a subscriber.
    Orders,
    /// Read wallets, gifts and histories.
    Wallet,
    /// See PINs and render barcodes; renew PINs.
    Pins,
}

impl Scope {
    /// Every scope: what a key gets when none are named.
    pub const ALL: [Scope; 3] = [Scope::Orders, Scope::Wallet, Scope::Pins];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Orders => "orders",
            Scope::Wallet => "wallet",
            Scope::Pins => "pins",
        }
    }

    /// Reads a stored or given name.
    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == text)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a list of scope names: at least one, each known, no repeats; `None` = all.
pub fn parse_scopes(names: Option<&[String]>) -> Result<Vec<Scope>, String> {
    let Some(names) = names else {
        return Ok(Scope::ALL.to_vec());
    };
    if names.is_empty() {
        return Err("scopes must name at least one of orders, wallet, pins".to_owned());
    }
    let mut scopes = Vec::new();
    for name in names {
        let scope = Scope::parse(name)
            .ok_or_else(|| format!("unknown scope {name:?}: use orders, wallet or pins"))?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    scopes.sort();
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_default_to_all_and_refuse_unknown_or_none() {
        assert_eq!(parse_scopes(None), Ok(Scope::ALL.to_vec()));
        let wallet = ["wallet".to_owned(), "wallet".to_owned()];
        assert_eq!(parse_scopes(Some(&wallet)), Ok(vec![Scope::Wallet]));
        assert!(parse_scopes(Some(&[])).is_err());
        assert!(parse_scopes(Some(&["admin".to_owned()])).is_err());
        assert!(parse_scopes(Some(&["PINS".to_owned()])).is_err());
    }
}
