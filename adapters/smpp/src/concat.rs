//! Concatenated short messages: splitting an outbound text into parts with an 8-bit
//! reference UDH, parsing the UDH of inbound parts (8- and 16-bit references) and
//! reassembling them.
//!
//! Splitting walks characters, so an escape pair (GSM `€[]{}|^~\`) or a UTF-16 surrogate
//! pair (emoji) always stays inside one part. Capacities: one part carries 160 septets /
//! 70 UCS2 code units / 140 KS C 5601 octets; a concatenated part 153 / 67 / 134 (6 octets
//! go to the UDH). `rusmpp-extra`'s concatenator sizes every coding at 140 octets and
//! cuts by octets, so giftgate splits here and uses `rusmpp-extra` only to encode septets.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Duration;

use tokio::time::Instant;

use crate::encoding::{Alphabet, EncodingError, gsm7, ksc5601, ucs2};

/// User data octets in one short message.
const USER_DATA_OCTETS: usize = 140;
/// Length of the UDH with one 8-bit-reference concatenation element (UDHL included).
pub const UDH_8BIT_LEN: usize = 6;
/// Information element identifier: concatenated SM, 8-bit reference.
const IEI_CONCAT_8BIT: u8 = 0x00;
/// Information element identifier: concatenated SM, 16-bit reference.
const IEI_CONCAT_16BIT: u8 = 0x08;
/// Data length of the 8-bit reference element.
const IE_CONCAT_8BIT_LEN: u8 = 3;
/// Bits per septet.
const SEPTET_BITS: usize = 7;

/// Where one part sits in a concatenated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConcatInfo {
    /// Reference shared by the parts of one message (8- or 16-bit).
    pub reference: u16,
    /// Number of parts.
    pub total: u8,
    /// This part's number, 1-based.
    pub sequence: u8,
}

/// An outbound text encoded for `submit_sm`: one `short_message` per part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedMessage {
    /// The alphabet chosen.
    pub alphabet: Alphabet,
    /// `short_message` octets of each part, the UDH in front when there is more than one.
    pub parts: Vec<Vec<u8>>,
}

impl EncodedMessage {
    /// Whether the parts carry a UDH (esm_class UDHI must be set).
    pub fn has_udh(&self) -> bool {
        self.parts.len() > 1
    }
}

/// Capacity of one part in the alphabet's counting unit.
fn capacity(alphabet: Alphabet, concatenated: bool) -> usize {
    let octets = if concatenated {
        USER_DATA_OCTETS - UDH_8BIT_LEN
    } else {
        USER_DATA_OCTETS
    };
    match alphabet {
        Alphabet::Gsm7 { .. } => octets * 8 / SEPTET_BITS,
        Alphabet::Ucs2 => octets / ucs2::OCTETS_PER_UNIT,
        Alphabet::Ksc5601 => octets,
    }
}

/// How much of a part's capacity `ch` uses.
fn cost(alphabet: Alphabet, ch: char) -> usize {
    match alphabet {
        Alphabet::Gsm7 { .. } => gsm7::septets_of(ch).unwrap_or(1),
        Alphabet::Ucs2 => ch.len_utf16(),
        Alphabet::Ksc5601 => ksc5601::octets_of(ch),
    }
}

/// Splits `text` into chunks that fit a part, never inside a character.
fn split_text(text: &str, alphabet: Alphabet) -> Vec<&str> {
    let total: usize = text.chars().map(|ch| cost(alphabet, ch)).sum();
    if total <= capacity(alphabet, false) {
        return vec![text];
    }
    let limit = capacity(alphabet, true);
    let mut chunks = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (index, ch) in text.char_indices() {
        let needed = cost(alphabet, ch);
        if used + needed > limit {
            chunks.push(&text[start..index]);
            start = index;
            used = 0;
        }
        used += needed;
    }
    chunks.push(&text[start..]);
    chunks
}

/// Encodes one chunk's user data (no UDH).
fn encode_chunk(
    chunk: &str,
    alphabet: Alphabet,
    fill_bits: usize,
) -> Result<Vec<u8>, EncodingError> {
    Ok(match alphabet {
        Alphabet::Gsm7 { packed: false } => gsm7::encode_unpacked(chunk)?,
        Alphabet::Gsm7 { packed: true } => gsm7::pack(&gsm7::encode_unpacked(chunk)?, fill_bits),
        Alphabet::Ucs2 => ucs2::encode(chunk),
        Alphabet::Ksc5601 => ksc5601::encode(chunk).ok_or(EncodingError::NotKsc5601)?,
    })
}

/// Fill bits that put the first septet behind an 8-bit-reference UDH on a septet boundary.
fn udh_fill_bits() -> usize {
    (SEPTET_BITS - (UDH_8BIT_LEN * 8) % SEPTET_BITS) % SEPTET_BITS
}

/// Encodes `text` in `alphabet`, split into parts under `reference` when it does not fit one.
///
/// ```
/// use giftgate_smpp::concat::encode_message;
/// use giftgate_smpp::encoding::Alphabet;
/// // 71 Korean characters: one more than a UCS2 part holds, so two parts with a UDH.
/// let message = encode_message(&"가".repeat(71), Alphabet::Ucs2, 9).unwrap();
/// assert_eq!(message.parts.len(), 2);
/// assert_eq!(&message.parts[0][..6], &[5, 0, 3, 9, 2, 1]);
/// ```
pub fn encode_message(
    text: &str,
    alphabet: Alphabet,
    reference: u8,
) -> Result<EncodedMessage, EncodingError> {
    let chunks = split_text(text, alphabet);
    if chunks.len() == 1 {
        return Ok(EncodedMessage {
            alphabet,
            parts: vec![encode_chunk(text, alphabet, 0)?],
        });
    }
    let total = u8::try_from(chunks.len()).map_err(|_| EncodingError::TooLong {
        parts: chunks.len(),
    })?;
    let mut parts = Vec::with_capacity(chunks.len());
    for (sequence, chunk) in (1..=total).zip(chunks) {
        let mut part = udh_8bit(reference, total, sequence).to_vec();
        part.extend(encode_chunk(chunk, alphabet, udh_fill_bits())?);
        parts.push(part);
    }
    Ok(EncodedMessage { alphabet, parts })
}

/// The 6-octet UDH of one part of a message with an 8-bit reference.
pub fn udh_8bit(reference: u8, total: u8, sequence: u8) -> [u8; UDH_8BIT_LEN] {
    [
        (UDH_8BIT_LEN - 1) as u8,
        IEI_CONCAT_8BIT,
        IE_CONCAT_8BIT_LEN,
        reference,
        total,
        sequence,
    ]
}

/// The user data of an inbound part, split from its UDH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData<'a> {
    /// Concatenation element found in the UDH, if any.
    pub concat: Option<ConcatInfo>,
    /// Octets after the UDH.
    pub body: &'a [u8],
    /// Bits of padding between UDH and first septet (packed GSM only).
    pub fill_bits: usize,
}

/// Splits `short_message` into UDH and body when `udhi` is set; a UDH whose length runs
/// past the message is ignored (the whole message is read as body), never a panic.
pub fn parse_user_data(short_message: &[u8], udhi: bool) -> UserData<'_> {
    let whole = UserData {
        concat: None,
        body: short_message,
        fill_bits: 0,
    };
    if !udhi {
        return whole;
    }
    let Some((&udhl, rest)) = short_message.split_first() else {
        return whole;
    };
    let header_len = usize::from(udhl);
    if rest.len() < header_len {
        return whole;
    }
    let (header, body) = rest.split_at(header_len);
    let header_bits = (header_len + 1) * 8;
    UserData {
        concat: parse_concat_element(header),
        body,
        fill_bits: (SEPTET_BITS - header_bits % SEPTET_BITS) % SEPTET_BITS,
    }
}

fn parse_concat_element(mut header: &[u8]) -> Option<ConcatInfo> {
    while let [iei, len, rest @ ..] = header {
        let len = usize::from(*len);
        let data = rest.get(..len)?;
        match (*iei, data) {
            (IEI_CONCAT_8BIT, [reference, total, sequence]) => {
                return concat_info(u16::from(*reference), *total, *sequence);
            }
            (IEI_CONCAT_16BIT, [high, low, total, sequence]) => {
                return concat_info(u16::from_be_bytes([*high, *low]), *total, *sequence);
            }
            _ => header = &rest[len..],
        }
    }
    None
}

fn concat_info(reference: u16, total: u8, sequence: u8) -> Option<ConcatInfo> {
    (total > 0 && sequence > 0 && sequence <= total).then_some(ConcatInfo {
        reference,
        total,
        sequence,
    })
}

/// Reassembles concatenated parts keyed by `K` (typically source, destination and
/// reference). Parts may come in any order and twice; an incomplete message is dropped
/// after `timeout` by [`Reassembler::expire`]. Time is passed in, so tests control it.
#[derive(Debug)]
pub struct Reassembler<K, T> {
    pending: HashMap<(K, u16, u8), PendingMessage<T>>,
    timeout: Duration,
}

#[derive(Debug)]
struct PendingMessage<T> {
    parts: Vec<Option<T>>,
    first_seen: Instant,
}

/// An incomplete message given up by [`Reassembler::expire`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiredMessage<K> {
    /// Its key.
    pub key: K,
    /// Parts that had arrived.
    pub received: usize,
    /// Parts it should have had.
    pub total: u8,
}

impl<K: Eq + Hash + Clone, T> Reassembler<K, T> {
    /// A reassembler that gives up on a message `timeout` after its first part.
    pub fn new(timeout: Duration) -> Self {
        Self {
            pending: HashMap::new(),
            timeout,
        }
    }

    /// Adds one part; returns every part in order once the message is complete.
    pub fn push(&mut self, key: K, info: ConcatInfo, part: T, now: Instant) -> Option<Vec<T>> {
        let slot = (key, info.reference, info.total);
        let pending = self
            .pending
            .entry(slot.clone())
            .or_insert_with(|| PendingMessage {
                parts: std::iter::repeat_with(|| None)
                    .take(usize::from(info.total))
                    .collect(),
                first_seen: now,
            });
        if let Some(entry) = pending.parts.get_mut(usize::from(info.sequence) - 1) {
            *entry = Some(part);
        }
        if pending.parts.iter().all(Option::is_some) {
            let complete = self.pending.remove(&slot)?;
            return complete.parts.into_iter().collect();
        }
        None
    }

    /// Drops messages older than the timeout and says which.
    pub fn expire(&mut self, now: Instant) -> Vec<ExpiredMessage<K>> {
        let timeout = self.timeout;
        let mut expired = Vec::new();
        self.pending.retain(|(key, _, total), pending| {
            let alive = now.duration_since(pending.first_seen) < timeout;
            if !alive {
                expired.push(ExpiredMessage {
                    key: key.clone(),
                    received: pending.parts.iter().flatten().count(),
                    total: *total,
                });
            }
            alive
        });
        expired
    }

    /// Messages still waiting for parts.
    #[cfg(test)]
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::encoding::{CodingOptions, decode_units};
    use proptest::prelude::*;

    const GSM: Alphabet = Alphabet::Gsm7 { packed: false };
    const GSM_PACKED: Alphabet = Alphabet::Gsm7 { packed: true };

    fn body_lengths(message: &EncodedMessage) -> Vec<usize> {
        message
            .parts
            .iter()
            .map(|p| parse_user_data(p, message.has_udh()).body.len())
            .collect()
    }

    /// Decodes parts the way the MO path does, to check splitting loses nothing.
    fn decode(message: &EncodedMessage) -> String {
        let mut units = Vec::new();
        for part in &message.parts {
            let data = parse_user_data(part, message.has_udh());
            match message.alphabet {
                Alphabet::Gsm7 { packed: true } => {
                    units.extend(gsm7::unpack(data.body, data.fill_bits))
                }
                _ => units.extend_from_slice(data.body),
            }
        }
        let options = CodingOptions {
            ksc5601: true,
            ..CodingOptions::default()
        };
        decode_units(message.alphabet.data_coding(), &units, &options)
    }

    #[test]
    fn exactly_160_gsm_characters_fit_one_part() {
        let one = encode_message(&"a".repeat(160), GSM, 1).unwrap();
        assert_eq!(one.parts.len(), 1);
        assert!(!one.has_udh());
        let two = encode_message(&"a".repeat(161), GSM, 1).unwrap();
        assert_eq!(body_lengths(&two), vec![153, 8]);
    }

    #[test]
    fn exactly_70_ucs2_characters_fit_one_part() {
        let one = encode_message(&"가".repeat(70), Alphabet::Ucs2, 1).unwrap();
        assert_eq!(one.parts.len(), 1);
        let two = encode_message(&"가".repeat(71), Alphabet::Ucs2, 1).unwrap();
        assert_eq!(body_lengths(&two), vec![134, 8]);
    }

    #[test]
    fn an_escape_pair_is_never_split() {
        // 152 plain septets, then '€' (2 septets) would straddle the 153 boundary.
        let text = format!("{}€{}", "a".repeat(152), "b".repeat(10));
        let message = encode_message(&text, GSM, 7).unwrap();
        assert_eq!(body_lengths(&message), vec![152, 12]);
        assert_eq!(decode(&message), text);
    }

    #[test]
    fn a_surrogate_pair_is_never_split() {
        let text = format!("{}😀{}", "가".repeat(66), "나".repeat(10));
        let message = encode_message(&text, Alphabet::Ucs2, 7).unwrap();
        assert_eq!(body_lengths(&message), vec![132, 24]);
        assert_eq!(decode(&message), text);
    }

    #[test]
    fn parts_carry_an_8bit_reference_udh() {
        let message = encode_message(&"x".repeat(400), GSM, 42).unwrap();
        assert_eq!(message.parts.len(), 3);
        for (index, part) in message.parts.iter().enumerate() {
            assert_eq!(&part[..6], &[5, 0, 3, 42, 3, index as u8 + 1]);
        }
    }

    #[test]
    fn packed_gsm_fits_153_septets_in_140_octets() {
        let message = encode_message(&"a".repeat(306), GSM_PACKED, 1).unwrap();
        assert_eq!(message.parts.len(), 2);
        assert!(message.parts.iter().all(|p| p.len() == 140));
        assert_eq!(decode(&message), "a".repeat(306));
        let single = encode_message(&"a".repeat(160), GSM_PACKED, 1).unwrap();
        assert_eq!(single.parts[0].len(), 140);
    }

    #[test]
    fn udh_with_16bit_reference_is_understood() {
        let part = [6, 8, 4, 0x12, 0x34, 2, 1, b'h', b'i'];
        let data = parse_user_data(&part, true);
        assert_eq!(
            data.concat,
            Some(ConcatInfo {
                reference: 0x1234,
                total: 2,
                sequence: 1
            })
        );
        assert_eq!(data.body, b"hi");
    }

    #[test]
    fn truncated_udh_is_read_as_body_without_panic() {
        let data = parse_user_data(&[9, 0, 3], true);
        assert_eq!(data.concat, None);
        assert_eq!(data.body, &[9, 0, 3]);
        assert_eq!(parse_user_data(&[], true).body, &[] as &[u8]);
        assert_eq!(parse_user_data(&[4, 0, 9, 1, 2], true).concat, None);
    }

    #[test]
    fn reassembly_waits_for_every_part_in_any_order() {
        let now = Instant::now();
        let mut reassembler = Reassembler::new(Duration::from_secs(60));
        let info = |sequence| ConcatInfo {
            reference: 9,
            total: 3,
            sequence,
        };
        assert_eq!(reassembler.push("k", info(3), "c", now), None);
        assert_eq!(reassembler.push("k", info(1), "a", now), None);
        assert_eq!(reassembler.push("k", info(1), "a", now), None);
        assert_eq!(
            reassembler.push("k", info(2), "b", now),
            Some(vec!["a", "b", "c"])
        );
        assert_eq!(reassembler.pending_count(), 0);
    }

    #[test]
    fn an_incomplete_message_expires() {
        let start = Instant::now();
        let mut reassembler = Reassembler::new(Duration::from_secs(60));
        let info = ConcatInfo {
            reference: 1,
            total: 2,
            sequence: 1,
        };
        reassembler.push("k", info, (), start);
        assert!(
            reassembler
                .expire(start + Duration::from_secs(59))
                .is_empty()
        );
        let expired = reassembler.expire(start + Duration::from_secs(60));
        assert_eq!(
            expired,
            vec![ExpiredMessage {
                key: "k",
                received: 1,
                total: 2
            }]
        );
    }

    proptest! {
        #[test]
        fn any_text_survives_split_and_decode(text in "[a-z€{}😀가-힣 ]{0,500}") {
            let alphabet = Alphabet::for_text(&text, &CodingOptions::default());
            let message = encode_message(&text, alphabet, 3).unwrap();
            prop_assert_eq!(decode(&message), text);
            for part in &message.parts {
                let body = parse_user_data(part, message.has_udh()).body.len();
                match alphabet {
                    Alphabet::Gsm7 { .. } => {
                        let limit = if message.has_udh() { 153 } else { 160 };
                        prop_assert!(body <= limit);
                    }
                    _ => prop_assert!(part.len() <= USER_DATA_OCTETS),
                }
            }
        }
    }
}
