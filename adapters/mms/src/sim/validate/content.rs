//! The content attachment of a `SubmitReq`: a multipart whose SMIL (for
//! multipart/related) references only parts that are present, read into the parts the
//! simulator records; and the MIME helpers the structure check shares.

use mail_parser::{Message, MessagePart, MimeHeaders};

use super::{Refusal, corrupt};
use crate::sim::ReceivedPart;
use crate::smil::smil_references;

/// The content attachment: a multipart whose SMIL (for multipart/related) references only
/// parts that are present. Returns the parts and the first text/plain part's text.
pub(super) fn check_content(
    message: &Message<'_>,
    content: &MessagePart<'_>,
) -> Result<(Vec<ReceivedPart>, Option<String>), Refusal> {
    let content_type = content
        .content_type()
        .ok_or_else(|| corrupt("content without Content-Type"))?;
    if !content_type.ctype().eq_ignore_ascii_case("multipart") {
        // A single-part message: accepted as is.
        return Ok((vec![received_part(content, false)], plain_text(content)));
    }
    let related = content_type
        .subtype()
        .is_some_and(|s| s.eq_ignore_ascii_case("related"));
    let parts = sub_parts(message, content);
    if parts.is_empty() {
        return Err(corrupt("empty content multipart"));
    }
    let smil = parts.iter().find(|p| is_type(p, "application", "smil"));
    let references = match smil {
        Some(smil) => smil_references(smil.contents())
            .map_err(|e| corrupt(format!("SMIL not well-formed: {e}")))?,
        None if related => return Err(corrupt("multipart/related content without SMIL")),
        None => Vec::new(),
    };
    for reference in &references {
        let found = parts.iter().any(|p| {
            p.content_id() == Some(reference.as_str())
                || p.content_location() == Some(reference.as_str())
        });
        if !found {
            return Err(corrupt(format!(
                "SMIL references cid:{reference}, no such part"
            )));
        }
    }
    let text = parts.iter().find_map(|p| plain_text(p));
    let parts = parts
        .iter()
        .map(|p| {
            let referenced = p
                .content_id()
                .is_some_and(|id| references.iter().any(|r| r == id));
            received_part(p, referenced)
        })
        .collect();
    Ok((parts, text))
}

fn plain_text(part: &MessagePart<'_>) -> Option<String> {
    is_type(part, "text", "plain").then(|| String::from_utf8_lossy(part.contents()).into_owned())
}

fn received_part(part: &MessagePart<'_>, referenced_by_smil: bool) -> ReceivedPart {
    let mime = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_owned(),
        })
        .unwrap_or_else(|| "application/octet-stream".to_owned())
        .to_ascii_lowercase();
    ReceivedPart {
        content_id: part.content_id().unwrap_or_default().to_owned(),
        mime,
        size: part.contents().len(),
        referenced_by_smil,
    }
}

pub(super) fn sub_parts<'m>(
    message: &'m Message<'m>,
    part: &MessagePart<'_>,
) -> Vec<&'m MessagePart<'m>> {
    part.sub_parts()
        .unwrap_or_default()
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .collect()
}

pub(super) fn is_type(part: &MessagePart<'_>, ctype: &str, subtype: &str) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case(ctype)
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case(subtype))
    })
}

pub(super) fn strip_angles(id: &str) -> &str {
    id.trim().trim_start_matches('<').trim_end_matches('>')
}
