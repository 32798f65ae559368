//! Contents that can accompany a gift (the seed's contents database): ringtones, background
//! music, theme cards and characters. This module says which media types each kind accepts
//! and checks an upload by its bytes, never by its name or declared type alone.

mod samples;
mod sniff;

pub use samples::{SampleContent, sample_contents};
pub use sniff::{canonical_mime, sniff_media_type};

use serde::{Deserialize, Serialize};

/// Default size limit of one content item (300 KB).
pub const DEFAULT_MAX_CONTENT_BYTES: usize = 300 * 1024;

/// The kind of a content item that can go with a gift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// A bell sound (ringtone) the transferee can keep.
    Ringtone,
    /// Music played while the message is shown.
    BackgroundMusic,
    /// A card image framing the gift.
    ThemeCard,
    /// A character image.
    Character,
}

impl ContentKind {
    /// The media types (canonical names) this kind accepts.
    pub fn accepted_media_types(self) -> &'static [&'static str] {
        match self {
            ContentKind::Ringtone => &[
                "audio/midi",
                "audio/amr",
                "audio/mpeg",
                "application/vnd.smaf",
                "text/x-imelody",
            ],
            ContentKind::BackgroundMusic => &["audio/midi", "audio/amr", "audio/mpeg", "audio/m4a"],
            ContentKind::ThemeCard | ContentKind::Character => {
                &["image/png", "image/jpeg", "image/gif"]
            }
        }
    }

    /// Whether the content is shown (an image) rather than played (a sound).
    pub fn is_visual(self) -> bool {
        matches!(self, ContentKind::ThemeCard | ContentKind::Character)
    }

    /// The snake_case name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Ringtone => "ringtone",
            ContentKind::BackgroundMusic => "background_music",
            ContentKind::ThemeCard => "theme_card",
            ContentKind::Character => "character",
        }
    }
}

impl std::str::FromStr for ContentKind {
    type Err = String;

    /// Parses the snake_case name (`ringtone`, `background_music`, `theme_card`,
    /// `character`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            ContentKind::Ringtone,
            ContentKind::BackgroundMusic,
            ContentKind::ThemeCard,
            ContentKind::Character,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == s)
        .ok_or_else(|| format!("unknown content kind {s:?}"))
    }
}

impl std::fmt::Display for ContentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a content item was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContentError {
    /// The item is larger than the configured limit.
    #[error("content is {size} bytes, the limit is {limit} bytes")]
    TooLarge {
        /// Size of the upload in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The item has no bytes at all.
    #[error("content is empty")]
    Empty,
    /// The declared media type is not what the bytes are.
    #[error("content declared as {declared} is really {actual}")]
    MimeMismatch {
        /// The type the uploader declared.
        declared: String,
        /// The type found in the bytes.
        actual: &'static str,
    },
    /// The bytes are of no media type a handset can play or show.
    #[error("content is of no supported media type (declared {declared:?})")]
    UnsupportedType {
        /// The type the uploader declared, if any.
        declared: Option<String>,
    },
    /// The bytes are a supported media type, but not one this kind accepts
    /// (an image uploaded as a ringtone).
    #[error("{actual} is not accepted for a {kind}")]
    KindMismatch {
        /// The kind the item was uploaded as.
        kind: ContentKind,
        /// The type found in the bytes.
        actual: &'static str,
    },
    /// The bytes start like the media type but do not hold a valid file of it.
    #[error("content looks like {mime} but is corrupt: {reason}")]
    Corrupt {
        /// The type the bytes claim by their signature.
        mime: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// Checks an uploaded content item and returns its real (sniffed) media type.
///
/// The checks, in order: size within `max_bytes`; a media type recognised from the bytes;
/// the declared type (if any) naming the same type (aliases such as `audio/mid` or
/// `image/jpg` are accepted); the type accepted for `kind`; and for PNG a readable header.
pub fn validate_content(
    kind: ContentKind,
    declared_mime: Option<&str>,
    bytes: &[u8],
    max_bytes: usize,
) -> Result<&'static str, ContentError> {
    if bytes.len() > max_bytes {
        return Err(ContentError::TooLarge {
            size: bytes.len(),
            limit: max_bytes,
        });
    }
    if bytes.is_empty() {
        return Err(ContentError::Empty);
    }
    let declared = declared_mime
        .map(|m| m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty() && m != "application/octet-stream");
    let Some(actual) = sniff_media_type(bytes) else {
        return Err(ContentError::UnsupportedType { declared });
    };
    if let Some(declared) = declared
        && canonical_mime(&declared) != Some(actual)
    {
        return Err(ContentError::MimeMismatch { declared, actual });
    }
    if !kind.accepted_media_types().contains(&actual) {
        return Err(ContentError::KindMismatch { kind, actual });
    }
    if actual == "image/png" {
        check_png(bytes)?;
    }
    Ok(actual)
}

/// Reads a PNG's header and first frame information to prove it is a real PNG.
fn check_png(bytes: &[u8]) -> Result<(), ContentError> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().map_err(|e| ContentError::Corrupt {
        mime: "image/png",
        reason: e.to_string(),
    })?;
    let info = reader.info();
    if info.width == 0 || info.height == 0 {
        return Err(ContentError::Corrupt {
            mime: "image/png",
            reason: "zero-sized image".to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PNG_1X1: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00,
        0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn a_real_png_theme_card_is_accepted() {
        let mime = validate_content(ContentKind::ThemeCard, Some("image/png"), PNG_1X1, 1000);
        assert_eq!(mime, Ok("image/png"));
    }

    #[test]
    fn an_oversized_upload_is_refused_before_anything_else() {
        let err = validate_content(ContentKind::ThemeCard, None, &[0u8; 11], 10).unwrap_err();
        assert_eq!(
            err,
            ContentError::TooLarge {
                size: 11,
                limit: 10
            }
        );
    }

    #[test]
    fn a_png_signature_followed_by_garbage_is_corrupt() {
        let mut bytes = PNG_1X1[..8].to_vec();
        bytes.extend_from_slice(b"not really a png at all");
        let err = validate_content(ContentKind::Character, Some("image/png"), &bytes, 1000);
        assert!(matches!(
            err,
            Err(ContentError::Corrupt {
                mime: "image/png",
                ..
            })
        ));
    }

    #[test]
    fn an_image_uploaded_as_a_ringtone_is_a_kind_mismatch() {
        let err = validate_content(ContentKind::Ringtone, None, PNG_1X1, 1000).unwrap_err();
        assert_eq!(
            err,
            ContentError::KindMismatch {
                kind: ContentKind::Ringtone,
                actual: "image/png"
            }
        );
    }

    #[test]
    fn declared_aliases_match_their_canonical_type() {
        let midi =
            b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xe0MTrk\x00\x00\x00\x04\x00\xff\x2f\x00";
        let mime = validate_content(ContentKind::Ringtone, Some("audio/x-midi"), midi, 1000);
        assert_eq!(mime, Ok("audio/midi"));
    }

    #[test]
    fn kinds_serialize_in_snake_case_and_parse_back() {
        let json = serde_json::to_string(&ContentKind::BackgroundMusic).unwrap();
        assert_eq!(json, "\"background_music\"");
        assert_eq!("theme_card".parse(), Ok(ContentKind::ThemeCard));
        assert!("bell".parse::<ContentKind>().is_err());
    }
}
