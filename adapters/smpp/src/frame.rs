//! Framing of SMPP PDUs on a byte stream, robust against a misbehaving peer.
//!
//! rusmpp's own `CommandCodec` turns any decode error into a stream error, which ends the
//! connection. This codec cuts the stream by `command_length` itself and only then asks
//! rusmpp to decode the PDU, so a PDU that is well framed but malformed inside (unknown
//! fields, truncated TLV) becomes [`Frame::Malformed`] and can be answered with
//! `generic_nack` while the session goes on. Only a `command_length` that cannot be trusted
//! (shorter than a header, longer than the limit) is fatal: the stream cannot be resynced,
//! so the caller closes the connection cleanly. Encoding is rusmpp's `CommandCodec`.

use bytes::{Buf, BytesMut};
use rusmpp::decode::DecodeWithLength;
use rusmpp::tokio_codec::CommandCodec;
use rusmpp::{Command, CommandStatus, Pdu};
use tokio_util::codec::{Decoder, Encoder};

/// SMPP header: command_length, command_id, command_status, sequence_number.
pub const HEADER_LEN: usize = 16;
/// Largest PDU accepted (a submit_sm with a full message_payload fits well below it).
pub const MAX_PDU_LEN: usize = 64 * 1024;
/// Octets of the command_length field.
const LENGTH_FIELD: usize = 4;

/// One PDU read from the peer.
#[derive(Debug)]
pub enum Frame {
    /// A PDU rusmpp could decode.
    Command(Box<Command>),
    /// A well-framed PDU whose body could not be decoded.
    Malformed {
        /// The command_id from the header.
        command_id: u32,
        /// The sequence_number from the header (to address the generic_nack).
        sequence_number: u32,
        /// What rusmpp said.
        reason: String,
    },
}

/// Why the stream had to be given up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The socket failed.
    #[error("socket error: {0}")]
    Io(#[from] std::io::Error),
    /// A command_length that cannot be a PDU; the stream cannot be resynchronised.
    #[error("invalid command_length {0}")]
    BadLength(usize),
    /// rusmpp could not encode a PDU.
    #[error("encoding failed: {0}")]
    Encode(String),
}

/// Length-prefixed framing with rusmpp decoding per frame.
#[derive(Debug, Default)]
pub struct FrameCodec {
    encoder: CommandCodec,
}

impl FrameCodec {
    /// A codec with the default limits.
    pub fn new() -> Self {
        Self::default()
    }
}

fn be_u32(bytes: &[u8]) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[..4]);
    u32::from_be_bytes(word)
}

impl Decoder for FrameCodec {
    type Item = Frame;
    type Error = FrameError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        if src.len() < LENGTH_FIELD {
            return Ok(None);
        }
        let length = be_u32(src) as usize;
        if !(HEADER_LEN..=MAX_PDU_LEN).contains(&length) {
            return Err(FrameError::BadLength(length));
        }
        if src.len() < length {
            src.reserve(length - src.len());
            return Ok(None);
        }
        let mut pdu = src.split_to(length);
        let command_id = be_u32(&pdu[4..8]);
        let sequence_number = be_u32(&pdu[12..16]);
        pdu.advance(LENGTH_FIELD);
        Ok(Some(
            match Command::decode(&mut pdu, length - LENGTH_FIELD) {
                Ok((command, _)) => Frame::Command(Box::new(command)),
                Err(err) => Frame::Malformed {
                    command_id,
                    sequence_number,
                    reason: err.to_string(),
                },
            },
        ))
    }
}

impl Encoder<Command> for FrameCodec {
    type Error = FrameError;

    fn encode(&mut self, command: Command, dst: &mut BytesMut) -> Result<(), FrameError> {
        self.encoder
            .encode(&command, dst)
            .map_err(|err| FrameError::Encode(err.to_string()))
    }
}

/// A `generic_nack` answering `sequence_number` with `status`.
pub fn generic_nack(sequence_number: u32, status: CommandStatus) -> Command {
    Command::new(status, sequence_number, Pdu::GenericNack)
}

/// The status a generic_nack for a malformed PDU carries: unknown command ids get
/// ESME_RINVCMDID, everything else ESME_RINVCMDLEN (the body did not match its length).
pub fn nack_status_for(command_id: u32) -> CommandStatus {
    match rusmpp::CommandId::from(command_id) {
        rusmpp::CommandId::Other(_) => CommandStatus::EsmeRinvcmdid,
        _ => CommandStatus::EsmeRinvcmdlen,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn encoded(command: &Command) -> BytesMut {
        let mut buf = BytesMut::new();
        FrameCodec::new().encode(command.clone(), &mut buf).unwrap();
        buf
    }

    #[test]
    fn a_pdu_round_trips_even_when_split() {
        let bytes = encoded(&Command::new(CommandStatus::EsmeRok, 7, Pdu::EnquireLink));
        let mut codec = FrameCodec::new();
        let mut src = BytesMut::from(&bytes[..10]);
        assert!(codec.decode(&mut src).unwrap().is_none());
        src.extend_from_slice(&bytes[10..]);
        match codec.decode(&mut src).unwrap() {
            Some(Frame::Command(command)) => assert_eq!(command.sequence_number, 7),
            other => panic!("unexpected {other:?}"),
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_the_decoder(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let mut codec = FrameCodec::new();
            let mut src = BytesMut::from(&bytes[..]);
            while let Ok(Some(_)) = codec.decode(&mut src) {}
        }

        #[test]
        fn any_body_behind_a_valid_header_never_panics(
            command_id in proptest::prelude::any::<u32>(),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let mut src = BytesMut::new();
            src.extend_from_slice(&((HEADER_LEN + body.len()) as u32).to_be_bytes());
            src.extend_from_slice(&command_id.to_be_bytes());
            src.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
            src.extend_from_slice(&body);
            let frame = FrameCodec::new().decode(&mut src);
            proptest::prop_assert!(matches!(frame, Ok(Some(_))));
        }
    }

    #[test]
    fn a_bad_length_is_fatal() {
        let mut src = BytesMut::from(&[0u8, 0, 0, 8, 0, 0, 0, 0][..]);
        assert!(matches!(
            FrameCodec::new().decode(&mut src),
            Err(FrameError::BadLength(8))
        ));
    }

    #[test]
    fn a_truncated_body_is_malformed_and_the_next_pdu_still_reads() {
        // submit_sm (0x00000004) with a 3-octet body: far too short.
        let mut src =
            BytesMut::from(&[0u8, 0, 0, 19, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 9, 1, 2, 3][..]);
        src.extend_from_slice(&encoded(&Command::new(
            CommandStatus::EsmeRok,
            10,
            Pdu::EnquireLink,
        )));
        let mut codec = FrameCodec::new();
        match codec.decode(&mut src).unwrap() {
            Some(Frame::Malformed {
                command_id,
                sequence_number,
                ..
            }) => {
                assert_eq!(command_id, 4);
                assert_eq!(sequence_number, 9);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            codec.decode(&mut src).unwrap(),
            Some(Frame::Command(_))
        ));
        assert_eq!(nack_status_for(4), CommandStatus::EsmeRinvcmdlen);
        assert_eq!(nack_status_for(0x0000_0F0F), CommandStatus::EsmeRinvcmdid);
    }
}
