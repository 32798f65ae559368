//! Masking of phone numbers in logs: the last four digits never reach a log line.
//! (`+821012345678` is logged as `+82101234****`.)

/// Digits hidden at the end of a phone number.
const HIDDEN_DIGITS: usize = 4;

/// Replaces the last four digits with `*`; shorter inputs are fully masked.
///
/// ```
/// assert_eq!(giftgate_smpp::mask::mask_msisdn("+821012345678"), "+82101234****");
/// ```
pub fn mask_msisdn(msisdn: &str) -> String {
    let digits = msisdn.chars().filter(char::is_ascii_digit).count();
    let mut to_hide = HIDDEN_DIGITS.min(digits);
    let mut masked: Vec<char> = msisdn.chars().collect();
    for ch in masked.iter_mut().rev() {
        if to_hide == 0 {
            break;
        }
        if ch.is_ascii_digit() {
            *ch = '*';
            to_hide -= 1;
        }
    }
    masked.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_four_digits_are_hidden() {
        assert_eq!(mask_msisdn("+821012345678"), "+82101234****");
        assert_eq!(mask_msisdn("01012345678"), "0101234****");
        assert_eq!(mask_msisdn("12"), "**");
    }
}
