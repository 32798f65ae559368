//! Packaging: the parts of one multimedia message (text, images, audio) plus the SMIL
//! presentation that lays them out, kept within a size budget.
//!
//! When the parts exceed the budget, the largest droppable part is left out, again and
//! again, until the message fits; the barcode (not droppable) is never left out. The ids
//! of the parts left out are reported so the caller can tell the sender.

use crate::smil::{Slides, write_smil};

/// Default size budget of one multimedia message (300 KB), which most carriers' MMSCs
/// and handsets accept.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 300 * 1024;
/// Content-ID of the generated SMIL part.
pub const SMIL_CONTENT_ID: &str = "presentation.smil";
/// Content-ID of the generated text part.
pub const TEXT_CONTENT_ID: &str = "message.txt";
/// Media type of the SMIL part.
pub const SMIL_MIME: &str = "application/smil";
/// Media type of the text part.
pub const TEXT_MIME: &str = "text/plain; charset=utf-8";

/// What goes into one multimedia message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageInput {
    /// Subject line (carried by MM7, not a part).
    pub subject: String,
    /// The text shown on every slide: the giver's message and how to accept or reject.
    pub text: String,
    /// Images, one slide each, in order (theme card, character, barcode).
    pub images: Vec<MediaPart>,
    /// Sounds, one per slide from the first (ringtone, background music).
    pub audio: Vec<MediaPart>,
    /// Size budget in bytes of all parts together, SMIL and text included.
    pub max_bytes: usize,
}

/// One media file of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaPart {
    /// Identifier, used as the part's Content-ID: 1–64 characters of `[A-Za-z0-9._-]`.
    pub id: String,
    /// Media type, e.g. `image/png`.
    pub mime: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// Whether the part may be left out when the message is too large (extras are; the
    /// barcode is not).
    pub droppable: bool,
}

/// A part of the packaged message as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackagedPart {
    /// Content-ID (without angle brackets), as referenced from the SMIL by `cid:`.
    pub content_id: String,
    /// Media type.
    pub mime: String,
    /// The part's bytes.
    pub bytes: Vec<u8>,
}

/// A multimedia message ready for MM7: the SMIL presentation first, then the text, the
/// images and the audio that were kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MmsPackage {
    /// Subject line.
    pub subject: String,
    /// The parts; the first is the SMIL presentation.
    pub parts: Vec<PackagedPart>,
    /// Sum of the parts' sizes in bytes.
    pub total_bytes: usize,
    /// Ids of the droppable parts left out to fit the budget, largest first.
    pub dropped: Vec<String>,
}

impl MmsPackage {
    /// Content-ID of the SMIL part (the `start` of the content's multipart/related).
    pub fn smil_content_id(&self) -> &str {
        SMIL_CONTENT_ID
    }
}

/// Why a message could not be packaged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    /// A part id is not usable as a Content-ID.
    #[error("part id {id:?} is not 1-64 characters of [A-Za-z0-9._-]")]
    InvalidPartId {
        /// The offending id.
        id: String,
    },
    /// Two parts share an id, or a part uses a reserved id.
    #[error("part id {id:?} is used twice or reserved")]
    DuplicatePartId {
        /// The offending id.
        id: String,
    },
    /// A part's media type is not an image where an image is expected, or not audio.
    #[error("part {id:?} has media type {mime:?}, expected {expected}")]
    WrongMediaType {
        /// The part.
        id: String,
        /// Its declared media type.
        mime: String,
        /// What the slot expects.
        expected: &'static str,
    },
    /// Nothing to send: no text, no images, no audio.
    #[error("the message has no content")]
    Empty,
    /// Even without every droppable part the message exceeds the budget.
    #[error("the message needs {size} bytes without its extras, the limit is {limit}")]
    TooLarge {
        /// Size without any droppable part.
        size: usize,
        /// The budget.
        limit: usize,
    },
    /// Writing the SMIL document failed.
    #[error("could not write the SMIL presentation")]
    Smil(#[from] std::io::Error),
}

/// Packages `input` into one multimedia message within `input.max_bytes`.
///
/// ```
/// use giftgate_mms::{package, MediaPart, PackageInput};
/// let input = PackageInput {
///     subject: "A gift".into(),
///     text: "Reply ACCEPT or REJECT".into(),
///     images: vec![MediaPart { id: "card".into(), mime: "image/png".into(), bytes: vec![0; 2000], droppable: true }],
///     audio: vec![],
///     max_bytes: 1000,
/// };
/// let mms = package(input).unwrap();
/// assert_eq!(mms.dropped, vec!["card".to_string()]);
/// ```
pub fn package(input: PackageInput) -> Result<MmsPackage, PackageError> {
    check_parts(&input)?;
    let PackageInput {
        subject,
        text,
        mut images,
        mut audio,
        max_bytes,
    } = input;
    let mut dropped = Vec::new();
    loop {
        let smil = write_smil(&Slides {
            text: (!text.is_empty()).then_some(TEXT_CONTENT_ID),
            images: images.iter().map(|p| p.id.as_str()).collect(),
            audio: audio.iter().map(|p| p.id.as_str()).collect(),
        })?;
        let media_bytes: usize = images.iter().chain(&audio).map(|p| p.bytes.len()).sum();
        let total = smil.len() + text.len() + media_bytes;
        if total <= max_bytes {
            return Ok(assemble(subject, smil, text, images, audio, total, dropped));
        }
        let largest = images
            .iter()
            .chain(&audio)
            .filter(|p| p.droppable)
            .max_by_key(|p| p.bytes.len())
            .map(|p| p.id.clone());
        let Some(largest) = largest else {
            return Err(PackageError::TooLarge {
                size: total,
                limit: max_bytes,
            });
        };
        images.retain(|p| p.id != largest);
        audio.retain(|p| p.id != largest);
        tracing::debug!(part = %largest, total, max_bytes, "dropping the largest extra to fit");
        dropped.push(largest);
    }
}

fn assemble(
    subject: String,
    smil: Vec<u8>,
    text: String,
    images: Vec<MediaPart>,
    audio: Vec<MediaPart>,
    total_bytes: usize,
    dropped: Vec<String>,
) -> MmsPackage {
    let mut parts = Vec::with_capacity(2 + images.len() + audio.len());
    parts.push(PackagedPart {
        content_id: SMIL_CONTENT_ID.to_owned(),
        mime: SMIL_MIME.to_owned(),
        bytes: smil,
    });
    if !text.is_empty() {
        parts.push(PackagedPart {
            content_id: TEXT_CONTENT_ID.to_owned(),
            mime: TEXT_MIME.to_owned(),
            bytes: text.into_bytes(),
        });
    }
    parts.extend(images.into_iter().chain(audio).map(|p| PackagedPart {
        content_id: p.id,
        mime: p.mime,
        bytes: p.bytes,
    }));
    MmsPackage {
        subject,
        parts,
        total_bytes,
        dropped,
    }
}

fn check_parts(input: &PackageInput) -> Result<(), PackageError> {
    if input.text.is_empty() && input.images.is_empty() && input.audio.is_empty() {
        return Err(PackageError::Empty);
    }
    let mut seen = vec![SMIL_CONTENT_ID, TEXT_CONTENT_ID];
    for (part, expected) in input
        .images
        .iter()
        .map(|p| (p, "image/*"))
        .chain(input.audio.iter().map(|p| (p, "audio/*")))
    {
        if !is_valid_part_id(&part.id) {
            return Err(PackageError::InvalidPartId {
                id: part.id.clone(),
            });
        }
        if seen.contains(&part.id.as_str()) {
            return Err(PackageError::DuplicatePartId {
                id: part.id.clone(),
            });
        }
        seen.push(&part.id);
        let mime = part.mime.to_ascii_lowercase();
        let fits = if expected == "image/*" {
            mime.starts_with("image/")
        } else {
            mime.starts_with("audio/") || mime == "application/vnd.smaf" || mime == "text/x-imelody"
        };
        if !fits {
            return Err(PackageError::WrongMediaType {
                id: part.id.clone(),
                mime: part.mime.clone(),
                expected,
            });
        }
    }
    Ok(())
}

/// Whether `id` can serve as a Content-ID and a SMIL `cid:` reference unchanged.
fn is_valid_part_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::smil::smil_references;

    fn part(id: &str, mime: &str, size: usize, droppable: bool) -> MediaPart {
        MediaPart {
            id: id.to_owned(),
            mime: mime.to_owned(),
            bytes: vec![7; size],
            droppable,
        }
    }

    fn input(max_bytes: usize) -> PackageInput {
        PackageInput {
            subject: "Gift".to_owned(),
            text: "From Kim: enjoy! Reply ACCEPT or REJECT.".to_owned(),
            images: vec![
                part("card-001", "image/png", 40_000, true),
                part("char-001", "image/png", 20_000, true),
                part("barcode", "image/png", 5_000, false),
            ],
            audio: vec![
                part("ring-001", "audio/midi", 1_000, true),
                part("bgm-001", "audio/midi", 30_000, true),
            ],
            max_bytes,
        }
    }

    #[test]
    fn a_package_within_budget_keeps_every_part_and_the_smil_references_them_all() {
        let mms = package(input(DEFAULT_MAX_MESSAGE_BYTES)).unwrap();
        assert!(mms.dropped.is_empty());
        assert_eq!(mms.parts[0].content_id, SMIL_CONTENT_ID);
        let refs = smil_references(&mms.parts[0].bytes).unwrap();
        for p in &mms.parts[1..] {
            assert!(
                refs.contains(&p.content_id),
                "{} not referenced",
                p.content_id
            );
        }
        let sum: usize = mms.parts.iter().map(|p| p.bytes.len()).sum();
        assert_eq!(mms.total_bytes, sum);
    }

    #[test]
    fn too_large_drops_the_largest_extras_first_and_keeps_the_barcode() {
        let mms = package(input(50_000)).unwrap();
        assert_eq!(mms.dropped, vec!["card-001", "bgm-001"]);
        assert!(mms.total_bytes <= 50_000);
        assert!(mms.parts.iter().any(|p| p.content_id == "barcode"));
        let refs = smil_references(&mms.parts[0].bytes).unwrap();
        assert!(!refs.contains(&"card-001".to_owned()));
    }

    #[test]
    fn a_barcode_alone_over_budget_is_an_error() {
        let err = package(input(4_000)).unwrap_err();
        assert!(matches!(err, PackageError::TooLarge { limit: 4_000, .. }));
    }

    #[test]
    fn bad_or_duplicate_ids_and_misplaced_media_are_refused() {
        let mut bad = input(DEFAULT_MAX_MESSAGE_BYTES);
        bad.images[0].id = "card 1".to_owned();
        assert!(matches!(
            package(bad),
            Err(PackageError::InvalidPartId { .. })
        ));
        let mut dup = input(DEFAULT_MAX_MESSAGE_BYTES);
        dup.audio[0].id = "barcode".to_owned();
        assert!(matches!(
            package(dup),
            Err(PackageError::DuplicatePartId { .. })
        ));
        let mut wrong = input(DEFAULT_MAX_MESSAGE_BYTES);
        wrong.audio[0].mime = "image/png".to_owned();
        assert!(matches!(
            package(wrong),
            Err(PackageError::WrongMediaType { .. })
        ));
    }
}
