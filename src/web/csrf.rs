//! CSRF tokens for the forms on link pages.
//!
//! A link page has no session: whoever holds the link is who may act on it. Its forms
//! carry `csrf` = SHA-256 of a fixed label and the link token, so a post made by another
//! site (which cannot read the page, and so cannot know the token) is refused with 403.

use sha2::{Digest, Sha256};

/// The CSRF token of the forms on the page of link `token`.
pub fn for_link(token: &str) -> String {
    hex::encode(&Sha256::digest(format!("giftgate-csrf:{token}").as_bytes())[..16])
}

/// True when `given` is the CSRF token of link `token` (compared in constant time).
pub fn check(token: &str, given: Option<&str>) -> bool {
    let Some(given) = given else {
        return false;
    };
    let expected = for_link(token);
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_links_own_token_passes() {
        let token = for_link("AAAAAAAAAAAAAAAAAAAAAA");
        assert!(check("AAAAAAAAAAAAAAAAAAAAAA", Some(&token)));
        assert!(!check("BAAAAAAAAAAAAAAAAAAAAA", Some(&token)));
        assert!(!check("AAAAAAAAAAAAAAAAAAAAAA", None));
        assert!(!check("AAAAAAAAAAAAAAAAAAAAAA", Some("")));
    }
}
