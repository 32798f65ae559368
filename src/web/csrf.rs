//! CSRF tokens for the pages' forms.
//!
//! A link page has no session: whoever holds the link is who may act on it. Its forms
//! carry `csrf` = SHA-256 of a fixed label and the link token, so a post made by another
//! site (which cannot read the page, and so cannot know the token) is refused with 403.
//! Signed-in pages derive theirs the same way from the session cookie's token, and the
//! sign-in form from a random cookie set with it (a double-submit token).

use sha2::{Digest, Sha256};

fn derive(label: &str, secret: &str) -> String {
    hex::encode(&Sha256::digest(format!("{label}:{secret}").as_bytes())[..16])
}

/// The CSRF token of the forms on the page of link `token`.
pub fn for_link(token: &str) -> String {
    derive("giftgate-csrf", token)
}

/// The CSRF token of a signed-in visitor's forms, from the session cookie's token.
pub fn for_session(token: &str) -> String {
    derive("giftgate-csrf-session", token)
}

/// The CSRF token of the sign-in forms, from the sign-in cookie's random value.
pub fn for_login(cookie: &str) -> String {
    derive("giftgate-csrf-login", cookie)
}

/// True when two tokens are equal (compared in constant time).
pub fn same(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// True when `given` is the CSRF token of link `token` (compared in constant time).
pub fn check(token: &str, given: Option<&str>) -> bool {
    let Some(given) = given else {
        return false;
    };
    same(given, &for_link(token))
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
        assert_ne!(for_session("A"), for_link("A"));
        assert_ne!(for_login("A"), for_session("A"));
    }
}
