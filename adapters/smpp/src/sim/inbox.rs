//! The simulated handsets' inboxes: every accepted `submit_sm`, reassembled per message.
//!
//! The inbox shows exactly what arrived: a message submitted twice (a resubmission after
//! a lost response) is there twice; deduplication is the sender's job, as with a real SMSC.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::concat::Reassembler;
use crate::encoding::CodingOptions;
use crate::mo::{PartUnits, decode_parts};

/// How long the simulator waits for the missing parts of a concatenated message.
const REASSEMBLY_TIMEOUT: Duration = Duration::from_secs(600);

/// One message as the handset shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxMessage {
    /// Sender (the ESME's source address).
    pub from: String,
    /// The handset (destination without `+`).
    pub to: String,
    /// Decoded and reassembled text.
    pub text: String,
    /// Parts it came in.
    pub parts: usize,
    /// `data_coding` of its parts.
    pub data_coding: u8,
    /// SMSC message id of each part.
    pub message_ids: Vec<String>,
    /// When the last part arrived.
    pub received_at: DateTime<Utc>,
}

/// One accepted part, as the server hands it over.
#[derive(Debug, Clone)]
pub(crate) struct ReceivedPart {
    pub from: String,
    pub to: String,
    pub units: PartUnits,
    pub message_id: String,
}

/// Inboxes by handset number.
#[derive(Debug)]
pub(crate) struct Inbox {
    handsets: HashMap<String, Vec<InboxMessage>>,
    reassembler: Reassembler<(String, String), ReceivedPart>,
    coding: CodingOptions,
}

/// The inbox key of a number: without `+`.
pub(crate) fn handset_key(msisdn: &str) -> String {
    msisdn.trim().trim_start_matches('+').to_owned()
}

impl Inbox {
    pub(crate) fn new(coding: CodingOptions) -> Self {
        Self {
            handsets: HashMap::new(),
            reassembler: Reassembler::new(REASSEMBLY_TIMEOUT),
            coding: CodingOptions {
                ksc5601: true,
                ..coding
            },
        }
    }

    /// Stores a part; a message shows once all its parts are in.
    pub(crate) fn record(&mut self, part: ReceivedPart, now: Instant) {
        self.reassembler.expire(now);
        let parts = match part.units.concat {
            Some(info) => {
                let key = (part.from.clone(), part.to.clone());
                match self.reassembler.push(key, info, part, now) {
                    Some(parts) => parts,
                    None => return,
                }
            }
            None => vec![part],
        };
        let units: Vec<PartUnits> = parts.iter().map(|p| p.units.clone()).collect();
        let Some(first) = parts.first() else { return };
        let message = InboxMessage {
            from: first.from.clone(),
            to: handset_key(&first.to),
            text: decode_parts(&units, &self.coding),
            parts: parts.len(),
            data_coding: u8::from(first.units.data_coding),
            message_ids: parts.iter().map(|p| p.message_id.clone()).collect(),
            received_at: Utc::now(),
        };
        self.handsets
            .entry(message.to.clone())
            .or_default()
            .push(message);
    }

    /// The messages of a handset, oldest first.
    pub(crate) fn messages(&self, msisdn: &str) -> Vec<InboxMessage> {
        self.handsets
            .get(&handset_key(msisdn))
            .cloned()
            .unwrap_or_default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::concat::encode_message;
    use crate::encoding::Alphabet;
    use crate::mo::part_units;
    use crate::pdu::esm_class;

    #[test]
    fn a_concatenated_message_shows_once_complete() {
        let text = "가".repeat(100);
        let encoded = encode_message(&text, Alphabet::Ucs2, 1).unwrap();
        let mut inbox = Inbox::new(CodingOptions::default());
        let now = Instant::now();
        for (index, part) in encoded.parts.iter().enumerate().rev() {
            assert!(inbox.messages("+821012345678").is_empty());
            let units = part_units(
                esm_class(true),
                Alphabet::Ucs2.data_coding(),
                part,
                None,
                &CodingOptions::default(),
            );
            inbox.record(
                ReceivedPart {
                    from: "1555".into(),
                    to: "821012345678".into(),
                    units,
                    message_id: format!("id{index}"),
                },
                now,
            );
        }
        let messages = inbox.messages("+821012345678");
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text, text);
        assert_eq!(messages[0].parts, 2);
        assert_eq!(messages[0].message_ids, vec!["id0", "id1"]);
        assert_eq!(messages[0].data_coding, 8);
    }
}
