//! Masking of phone numbers for logs: an operator sees enough to tell numbers apart,
//! never the whole number (`+821012345678` is logged as `+8210123****`).

/// Masks the last four digits of a phone number (MSISDN) for logging.
///
/// ```
/// assert_eq!(giftgate_mms::mask_msisdn("+821012345678"), "+82101234****");
/// assert_eq!(giftgate_mms::mask_msisdn("123"), "****");
/// ```
pub fn mask_msisdn(msisdn: &str) -> String {
    let chars: Vec<char> = msisdn.chars().collect();
    if chars.len() <= 4 {
        return "****".to_owned();
    }
    let mut masked: String = chars[..chars.len() - 4].iter().collect();
    masked.push_str("****");
    masked
}
