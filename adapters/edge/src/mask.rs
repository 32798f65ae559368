//! Masking of phone numbers (MSISDNs) for logs: an operator sees enough to tell numbers
//! apart, never the whole number.
//!
//! The one rule, for every adapter and the core:
//!
//! - **Separators stay**: `+`, `-`, `.`, spaces and brackets tell nothing about the number
//!   and keep its shape readable. Every other character (a digit, or a letter of an
//!   alphanumeric sender) is a *symbol*.
//! - **The last four symbols are always hidden** (`+821012345678` → `+82101234****`).
//! - **A short number is hidden whole**: when hiding four symbols would leave fewer than four
//!   visible (fewer than eight symbols in all), every symbol is hidden (`12345` → `*****`),
//!   since the few left visible would be most of the number.
//! - One `*` stands for one symbol, so the masked text is as long as the input.

/// Symbols hidden at the end of every number.
const HIDDEN_SYMBOLS: usize = 4;
/// Fewest symbols left visible; a number that would show fewer is hidden whole.
const MIN_VISIBLE_SYMBOLS: usize = 4;

/// Masks a phone number (any text) for logs, by the rule of this module.
///
/// ```
/// use giftgate_edge::mask_msisdn;
///
/// assert_eq!(mask_msisdn("+821012345678"), "+82101234****");
/// assert_eq!(mask_msisdn("010-1234-5678"), "010-1234-****");
/// assert_eq!(mask_msisdn("1234567"), "*******");
/// assert_eq!(mask_msisdn("+123"), "+***");
/// ```
pub fn mask_msisdn(number: &str) -> String {
    let symbols = number.chars().filter(|&c| !is_separator(c)).count();
    let visible = if symbols >= HIDDEN_SYMBOLS + MIN_VISIBLE_SYMBOLS {
        symbols - HIDDEN_SYMBOLS
    } else {
        0
    };
    let mut seen = 0;
    number
        .chars()
        .map(|c| {
            if is_separator(c) {
                return c;
            }
            seen += 1;
            if seen <= visible { c } else { '*' }
        })
        .collect()
}

/// Characters that only give a number its shape.
fn is_separator(c: char) -> bool {
    matches!(c, '+' | '-' | '.' | ' ' | '(' | ')')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_full_number_shows_all_but_its_last_four_digits() {
        for (number, masked) in [
            ("+821012345678", "+82101234****"),
            ("821012345678", "82101234****"),
            ("01012345678", "0101234****"),
            ("+82 10 1234 5678", "+82 10 1234 ****"),
            ("010-1234-5678", "010-1234-****"),
            ("12345678", "1234****"),
        ] {
            assert_eq!(mask_msisdn(number), masked, "{number}");
        }
    }

    #[test]
    fn a_short_number_is_hidden_whole() {
        for (number, masked) in [
            ("", ""),
            ("12", "**"),
            ("123", "***"),
            ("1234", "****"),
            ("12345", "*****"),
            ("1234567", "*******"),
            ("+1234567", "+*******"),
            ("1588-1234", "1588-****"),
            ("158-1234", "***-****"),
        ] {
            assert_eq!(mask_msisdn(number), masked, "{number}");
        }
    }

    #[test]
    fn letters_of_an_alphanumeric_sender_are_masked_like_digits() {
        assert_eq!(mask_msisdn("hello"), "*****");
        assert_eq!(mask_msisdn("GiftShop01"), "GiftSh****");
    }

    proptest! {
        #[test]
        fn the_mask_keeps_the_shape_and_hides_the_tail(number in "[+]?[0-9 ()-]{0,20}") {
            let masked = mask_msisdn(&number);
            prop_assert_eq!(masked.chars().count(), number.chars().count());
            let symbols: Vec<(char, char)> = number
                .chars()
                .zip(masked.chars())
                .filter(|&(c, _)| !is_separator(c))
                .collect();
            let hidden = symbols.iter().filter(|&&(_, m)| m == '*').count();
            for (original, shown) in number.chars().zip(masked.chars()) {
                if is_separator(original) {
                    prop_assert_eq!(original, shown);
                } else {
                    prop_assert!(shown == original || shown == '*');
                }
            }
            if symbols.len() >= 8 {
                prop_assert_eq!(hidden, 4);
                prop_assert!(symbols.iter().rev().take(4).all(|&(_, m)| m == '*'));
            } else {
                prop_assert_eq!(hidden, symbols.len());
            }
        }

        #[test]
        fn no_text_is_ever_shown_whole(number in "\\PC{1,20}") {
            prop_assume!(!number.contains('*'));
            let masked = mask_msisdn(&number);
            let symbols = number.chars().filter(|&c| !is_separator(c)).count();
            prop_assert!(symbols == 0 || masked != number);
        }
    }
}
