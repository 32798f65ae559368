//! Delivery receipts: recognising them among `deliver_sm`s, finding the receipted id and
//! reading the receipt text of SMPP 3.4 Appendix B leniently.
//!
//! Real SMSCs bend Appendix B: keys in any case, fields missing or reordered, dates with
//! or without seconds and with 2- or 4-digit years. The parser reads key by key and keeps
//! whatever it can. The `receipted_message_id` and `message_state` TLVs win over the text
//! when present.

use chrono::{NaiveDate, NaiveDateTime};
use rusmpp::pdus::DeliverSm;
use rusmpp::tlvs::TlvValue;
use rusmpp::values::{MessageState, MessageType};
use serde::{Deserialize, Serialize};

use crate::message_id::{IdFormat, SmscMessageId};

/// The state a receipt reports for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptState {
    /// `DELIVRD`: delivered to the handset.
    Delivered,
    /// `EXPIRED`: validity period passed before delivery.
    Expired,
    /// `DELETED`: deleted by the SMSC.
    Deleted,
    /// `UNDELIV`: could not be delivered.
    Undeliverable,
    /// `ACCEPTD`: accepted on the subscriber's behalf (e.g. by customer service).
    Accepted,
    /// `UNKNOWN`: the SMSC does not know.
    Unknown,
    /// `REJECTD`: rejected by the network.
    Rejected,
    /// `ENROUTE`: still on its way (an intermediate notification).
    Enroute,
}

impl ReceiptState {
    /// Whether no further receipt will follow for the message.
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::Enroute)
    }

    /// Whether the message reached the subscriber.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Delivered)
    }

    /// Reads the `stat:` value (case-insensitive; a few common long spellings too).
    pub fn from_stat(stat: &str) -> Option<Self> {
        Some(match stat.trim().to_ascii_uppercase().as_str() {
            "DELIVRD" | "DELIVERED" => Self::Delivered,
            "EXPIRED" => Self::Expired,
            "DELETED" => Self::Deleted,
            "UNDELIV" | "UNDELIVERABLE" => Self::Undeliverable,
            "ACCEPTD" | "ACCEPTED" => Self::Accepted,
            "UNKNOWN" => Self::Unknown,
            "REJECTD" | "REJECTED" => Self::Rejected,
            "ENROUTE" => Self::Enroute,
            _ => return None,
        })
    }

    /// The Appendix B `stat:` spelling.
    pub fn as_stat(&self) -> &'static str {
        match self {
            Self::Delivered => "DELIVRD",
            Self::Expired => "EXPIRED",
            Self::Deleted => "DELETED",
            Self::Undeliverable => "UNDELIV",
            Self::Accepted => "ACCEPTD",
            Self::Unknown => "UNKNOWN",
            Self::Rejected => "REJECTD",
            Self::Enroute => "ENROUTE",
        }
    }

    fn from_message_state(state: MessageState) -> Option<Self> {
        Some(match state {
            MessageState::Enroute => Self::Enroute,
            MessageState::Delivered => Self::Delivered,
            MessageState::Expired => Self::Expired,
            MessageState::Deleted => Self::Deleted,
            MessageState::Undeliverable => Self::Undeliverable,
            MessageState::Accepted => Self::Accepted,
            MessageState::Unknown => Self::Unknown,
            MessageState::Rejected => Self::Rejected,
            _ => return None,
        })
    }

    /// The `message_state` TLV value for this state.
    pub fn message_state(&self) -> MessageState {
        match self {
            Self::Delivered => MessageState::Delivered,
            Self::Expired => MessageState::Expired,
            Self::Deleted => MessageState::Deleted,
            Self::Undeliverable => MessageState::Undeliverable,
            Self::Accepted => MessageState::Accepted,
            Self::Unknown => MessageState::Unknown,
            Self::Rejected => MessageState::Rejected,
            Self::Enroute => MessageState::Enroute,
        }
    }
}

/// A delivery receipt for one submitted part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryReceipt {
    /// The SMSC id of the receipted message (as in its `submit_sm_resp`).
    pub smsc_message_id: SmscMessageId,
    /// What happened to it.
    pub state: ReceiptState,
    /// The `err:` field, if any.
    pub error_code: Option<String>,
    /// `submit date:`.
    pub submitted_at: Option<NaiveDateTime>,
    /// `done date:`.
    pub done_at: Option<NaiveDateTime>,
    /// `text:` (the first characters of the message).
    pub text: Option<String>,
}

/// Fields of an Appendix B receipt text, each present only if found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiptText {
    /// `id:`
    pub id: Option<String>,
    /// `stat:`
    pub stat: Option<String>,
    /// `err:`
    pub err: Option<String>,
    /// `submit date:`
    pub submit_date: Option<NaiveDateTime>,
    /// `done date:`
    pub done_date: Option<NaiveDateTime>,
    /// `text:` (everything after it)
    pub text: Option<String>,
}

/// Keys read from a receipt text, longest first so `submit date` is not read as `date`.
const KEYS: [&str; 7] = [
    "submit date",
    "done date",
    "dlvrd",
    "stat",
    "sub",
    "err",
    "id",
];
/// The free-text key; everything after it is its value.
const TEXT_KEY: &str = "text";

impl ReceiptText {
    /// Parses a receipt text leniently; unknown parts are skipped.
    ///
    /// ```
    /// use giftgate_smpp::receipt::ReceiptText;
    /// let parsed = ReceiptText::parse("id:7F stat:DELIVRD done date:2511252106 text:Hi");
    /// assert_eq!(parsed.id.as_deref(), Some("7F"));
    /// assert_eq!(parsed.stat.as_deref(), Some("DELIVRD"));
    /// ```
    pub fn parse(text: &str) -> Self {
        let lower = text.to_ascii_lowercase();
        let (head_end, free_text) = match find_key(&lower, TEXT_KEY) {
            Some((start, value_start)) => (start, Some(text[value_start..].to_owned())),
            None => (text.len(), None),
        };
        let head = &lower[..head_end];
        let mut starts: Vec<(usize, usize, &str)> = KEYS
            .iter()
            .filter_map(|key| find_key(head, key).map(|(start, value)| (start, value, *key)))
            .collect();
        starts.sort_unstable();
        let mut parsed = Self {
            text: free_text,
            ..Self::default()
        };
        for (index, (_, value_start, key)) in starts.iter().enumerate() {
            let value_end = starts.get(index + 1).map_or(head_end, |next| next.0);
            let value = text[*value_start..value_end].trim();
            parsed.set(key, value);
        }
        parsed
    }

    fn set(&mut self, key: &str, value: &str) {
        match key {
            "id" => self.id = Some(value.to_owned()),
            "stat" => self.stat = Some(value.to_owned()),
            "err" => self.err = Some(value.to_owned()),
            "submit date" => self.submit_date = parse_date(value),
            "done date" => self.done_date = parse_date(value),
            _ => {}
        }
    }
}

/// Finds `key:` at a word start in `haystack` (already lower-case); returns where the key
/// starts and where its value starts.
fn find_key(haystack: &str, key: &str) -> Option<(usize, usize)> {
    let pattern = format!("{key}:");
    let mut from = 0;
    while let Some(found) = haystack[from..].find(&pattern) {
        let start = from + found;
        let at_word_start = haystack[..start]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace());
        if at_word_start {
            return Some((start, start + pattern.len()));
        }
        from = start + pattern.len();
    }
    None
}

/// Reads `YYMMDDhhmm[ss]` or `YYYYMMDDhhmm[ss]`. Twelve digits are ambiguous; they are read
/// as `YYMMDDhhmmss` when that is a valid time, else as `YYYYMMDDhhmm`.
pub fn parse_date(value: &str) -> Option<NaiveDateTime> {
    let digits = value.trim();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |range: std::ops::Range<usize>| digits.get(range)?.parse::<u32>().ok();
    let short_year = |yy: u32| 2000 + yy as i32;
    let build = |year: i32, offset: usize, seconds: bool| {
        let date = NaiveDate::from_ymd_opt(
            year,
            field(offset..offset + 2)?,
            field(offset + 2..offset + 4)?,
        )?;
        let second = if seconds {
            field(offset + 8..offset + 10)?
        } else {
            0
        };
        date.and_hms_opt(
            field(offset + 4..offset + 6)?,
            field(offset + 6..offset + 8)?,
            second,
        )
    };
    match digits.len() {
        10 => build(short_year(field(0..2)?), 2, false),
        12 => build(short_year(field(0..2)?), 2, true)
            .or_else(|| build(field(0..4)? as i32, 4, false)),
        14 => build(field(0..4)? as i32, 4, true),
        _ => None,
    }
}

/// Formats a date the Appendix B way (`YYMMDDhhmm`).
pub fn format_date(date: &NaiveDateTime) -> String {
    date.format("%y%m%d%H%M").to_string()
}

/// Whether a `deliver_sm` is a receipt (esm_class receipt or intermediate notification).
pub fn is_receipt(deliver_sm: &DeliverSm) -> bool {
    matches!(
        deliver_sm.esm_class.message_type,
        MessageType::ShortMessageContainsMCDeliveryReceipt
            | MessageType::ShortMessageContainsIntermediateDeliveryNotification
    )
}

/// Reads a receipt `deliver_sm`. `None` when neither the TLV nor the text names a message
/// id or no state can be found (the caller logs and acknowledges it anyway).
pub fn from_deliver_sm(deliver_sm: &DeliverSm, id_format: IdFormat) -> Option<DeliveryReceipt> {
    let mut tlv_id = None;
    let mut tlv_state = None;
    let mut payload = None;
    for tlv in deliver_sm.tlvs() {
        match tlv.value() {
            Some(TlvValue::ReceiptedMessageId(id)) => tlv_id = Some(id.as_str().to_owned()),
            Some(TlvValue::MessageState(state)) => {
                tlv_state = ReceiptState::from_message_state(*state)
            }
            Some(TlvValue::MessagePayload(p)) => payload = Some(p.value.as_ref().to_vec()),
            _ => {}
        }
    }
    let short_message = deliver_sm.short_message().as_ref();
    let body = if short_message.is_empty() {
        payload.unwrap_or_default()
    } else {
        short_message.to_vec()
    };
    let parsed = ReceiptText::parse(&String::from_utf8_lossy(&body));
    let raw_id = tlv_id.or_else(|| parsed.id.clone())?;
    let state = tlv_state.or_else(|| parsed.stat.as_deref().and_then(ReceiptState::from_stat))?;
    Some(DeliveryReceipt {
        smsc_message_id: SmscMessageId::new(&raw_id, id_format),
        state,
        error_code: parsed.err,
        submitted_at: parsed.submit_date,
        done_at: parsed.done_date,
        text: parsed.text,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rusmpp::tlvs::MessageDeliveryRequestTlvValue;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    #[test]
    fn the_appendix_b_format_is_read() {
        let parsed = ReceiptText::parse(
            "id:0A1B2C sub:001 dlvrd:001 submit date:2511252105 done date:2511252106 stat:DELIVRD err:000 text:Hello world",
        );
        assert_eq!(parsed.id.as_deref(), Some("0A1B2C"));
        assert_eq!(parsed.stat.as_deref(), Some("DELIVRD"));
        assert_eq!(parsed.err.as_deref(), Some("000"));
        assert_eq!(parsed.submit_date, Some(at(2025, 11, 25, 21, 5, 0)));
        assert_eq!(parsed.done_date, Some(at(2025, 11, 25, 21, 6, 0)));
        assert_eq!(parsed.text.as_deref(), Some("Hello world"));
    }

    #[test]
    fn keys_in_any_case_and_order_with_missing_fields() {
        let parsed = ReceiptText::parse("STAT:undeliv ID:77 Err:1 text:id:99 stat:DELIVRD");
        assert_eq!(parsed.id.as_deref(), Some("77"));
        assert_eq!(parsed.stat.as_deref(), Some("undeliv"));
        assert_eq!(parsed.err.as_deref(), Some("1"));
        assert_eq!(parsed.submit_date, None);
        assert_eq!(parsed.text.as_deref(), Some("id:99 stat:DELIVRD"));
    }

    #[test]
    fn dates_with_seconds_and_four_digit_years() {
        assert_eq!(
            parse_date("251125210530"),
            Some(at(2025, 11, 25, 21, 5, 30))
        );
        assert_eq!(parse_date("202511252105"), Some(at(2025, 11, 25, 21, 5, 0)));
        assert_eq!(
            parse_date("20251125210530"),
            Some(at(2025, 11, 25, 21, 5, 30))
        );
        assert_eq!(parse_date("2511252105"), Some(at(2025, 11, 25, 21, 5, 0)));
        assert_eq!(parse_date("25112521"), None);
        assert_eq!(parse_date("25x1252105"), None);
        assert_eq!(parse_date("2513252105"), None);
    }

    #[test]
    fn every_stat_is_known() {
        for (stat, state) in [
            ("DELIVRD", ReceiptState::Delivered),
            ("EXPIRED", ReceiptState::Expired),
            ("DELETED", ReceiptState::Deleted),
            ("UNDELIV", ReceiptState::Undeliverable),
            ("ACCEPTD", ReceiptState::Accepted),
            ("UNKNOWN", ReceiptState::Unknown),
            ("REJECTD", ReceiptState::Rejected),
            ("ENROUTE", ReceiptState::Enroute),
        ] {
            assert_eq!(ReceiptState::from_stat(stat), Some(state));
            assert_eq!(state.as_stat(), stat);
        }
        assert!(ReceiptState::Delivered.is_success());
        assert!(!ReceiptState::Undeliverable.is_success());
        assert!(!ReceiptState::Enroute.is_final());
        assert!(ReceiptState::Expired.is_final());
    }

    fn receipt_sm(text: &str, tlvs: Vec<MessageDeliveryRequestTlvValue>) -> DeliverSm {
        let spec = crate::pdu::PartSpec {
            source: "821012345678",
            destination: "1555",
            data_coding: rusmpp::values::DataCoding::McSpecific,
            udhi: false,
            short_message: text.as_bytes(),
        };
        let mut sm = crate::pdu::deliver_sm(&spec, crate::pdu::receipt_esm_class()).unwrap();
        for tlv in tlvs {
            sm.push_tlv(tlv);
        }
        sm
    }

    #[test]
    fn the_tlvs_win_over_the_text() {
        let sm = receipt_sm(
            "id:999 sub:001 dlvrd:000 submit date:2511252105 done date:2511252106 stat:UNDELIV err:001 text:hi",
            vec![
                MessageDeliveryRequestTlvValue::ReceiptedMessageId(
                    crate::pdu::c_string("00FF").unwrap(),
                ),
                MessageDeliveryRequestTlvValue::MessageState(MessageState::Delivered),
            ],
        );
        assert!(is_receipt(&sm));
        let receipt = from_deliver_sm(&sm, IdFormat::Hex).unwrap();
        assert_eq!(receipt.smsc_message_id.raw, "00FF");
        assert_eq!(receipt.smsc_message_id.normalized, "255");
        assert_eq!(receipt.state, ReceiptState::Delivered);
        assert_eq!(receipt.error_code.as_deref(), Some("001"));
    }

    #[test]
    fn without_tlvs_the_text_is_used_and_without_an_id_there_is_no_receipt() {
        let sm = receipt_sm("id:12 stat:EXPIRED err:000", vec![]);
        let receipt = from_deliver_sm(&sm, IdFormat::Decimal).unwrap();
        assert_eq!(
            (receipt.smsc_message_id.normalized.as_str(), receipt.state),
            ("12", ReceiptState::Expired)
        );
        assert!(from_deliver_sm(&receipt_sm("stat:DELIVRD", vec![]), IdFormat::Opaque).is_none());
        assert!(
            from_deliver_sm(&receipt_sm("id:1 stat:WHATEVER", vec![]), IdFormat::Opaque).is_none()
        );
    }

    proptest! {
        #[test]
        fn parsing_arbitrary_text_never_panics(text in any::<String>()) {
            let _ = ReceiptText::parse(&text);
            let _ = parse_date(&text);
        }

        #[test]
        fn formatted_dates_read_back(minutes in 0i64..10_000_000) {
            let date = at(2001, 1, 1, 0, 0, 0) + chrono::Duration::minutes(minutes);
            prop_assert_eq!(parse_date(&format_date(&date)), Some(date));
        }
    }
}
