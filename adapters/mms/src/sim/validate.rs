//! The strict MMSC's check of an incoming `SubmitReq`: HTTP headers, the multipart
//! structure, a well-formed SOAP envelope in the configured MM7 namespace, the
//! `TransactionID` header with `mustUnderstand="1"`, the elements of `SubmitReq` present
//! and in schema order, the content attachment, every SMIL reference resolved and the size
//! limit. A failure becomes an MM7 status code and a reason.
//!
//! This file holds the multipart structure check and the verdicts; the parts of a
//! `SubmitReq` are checked beside it: `envelope` (the SOAP envelope and its
//! `TransactionID`), `submit_req` (the elements of `SubmitReq`, their order and values) and
//! `content` (the content attachment, its SMIL references and its parts).

mod content;
mod envelope;
mod submit_req;

use mail_parser::{MessageParser, MimeHeaders};

use self::content::{check_content, is_type, strip_angles, sub_parts};
use self::envelope::check_envelope;
use self::submit_req::check_submit_req;
use super::ReceivedPart;
use crate::mm7::Mm7Version;
use crate::mm7::status::{CONTENT_REFUSED, MESSAGE_FORMAT_CORRUPT};
use crate::mm7::xml::parse_document;

/// A `SubmitReq` that passed every check.
#[derive(Debug, Clone)]
pub(crate) struct ValidSubmit {
    pub transaction_id: String,
    pub from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub text: Option<String>,
    pub delivery_report: bool,
    pub parts: Vec<ReceivedPart>,
    pub total_bytes: usize,
}

/// Why a `SubmitReq` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// MM7 status code to answer with.
    pub code: u16,
    /// What was wrong.
    pub details: String,
    /// The request's TransactionID, when it could be read (echoed in the fault).
    pub transaction_id: Option<String>,
}

fn corrupt(details: impl Into<String>) -> Refusal {
    Refusal {
        code: MESSAGE_FORMAT_CORRUPT,
        details: details.into(),
        transaction_id: None,
    }
}

/// Checks one `SubmitReq` HTTP request.
pub(crate) fn validate_submit(
    version: Mm7Version,
    max_message_bytes: usize,
    content_type: Option<&str>,
    soap_action: Option<&str>,
    body: &[u8],
) -> Result<ValidSubmit, Refusal> {
    if soap_action.is_none() {
        return Err(corrupt("missing SOAPAction header"));
    }
    let content_type = content_type.ok_or_else(|| corrupt("missing Content-Type"))?;
    let mut raw = Vec::with_capacity(body.len() + content_type.len() + 20);
    raw.extend_from_slice(b"Content-Type: ");
    raw.extend_from_slice(content_type.as_bytes());
    raw.extend_from_slice(b"\r\n\r\n");
    raw.extend_from_slice(body);
    let message = MessageParser::default()
        .parse(&raw)
        .ok_or_else(|| corrupt("unparseable MIME body"))?;
    let root = message.parts.first().ok_or_else(|| corrupt("empty body"))?;
    let root_type = root
        .content_type()
        .ok_or_else(|| corrupt("no Content-Type"))?;
    if !(root_type.ctype().eq_ignore_ascii_case("multipart")
        && root_type
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("related")))
    {
        return Err(corrupt("the body is not multipart/related"));
    }
    if !root_type
        .attribute("type")
        .is_some_and(|t| t.eq_ignore_ascii_case("text/xml"))
    {
        return Err(corrupt("multipart/related without type=\"text/xml\""));
    }
    let top_parts = sub_parts(&message, root);
    let soap = *top_parts
        .first()
        .ok_or_else(|| corrupt("multipart/related without parts"))?;
    if let Some(start) = root_type.attribute("start")
        && soap.content_id() != Some(strip_angles(start))
    {
        return Err(corrupt(
            "the SOAP part is not first or does not match start",
        ));
    }
    if !is_type(soap, "text", "xml") {
        return Err(corrupt("the first part is not text/xml"));
    }
    let envelope = parse_document(soap.contents()).map_err(corrupt)?;
    let header = check_envelope(version, &envelope)?;
    let transaction_id = header.transaction_id.clone();
    let with_tid = |mut refusal: Refusal| {
        refusal.transaction_id = Some(transaction_id.clone());
        refusal
    };
    let request = header.request;
    let checked = check_submit_req(version, request).map_err(with_tid)?;
    let content = top_parts[1..]
        .iter()
        .find(|p| p.content_id() == Some(checked.content_cid.as_str()))
        .copied()
        .ok_or_else(|| {
            with_tid(corrupt(format!(
                "Content href cid:{} names no attachment",
                checked.content_cid
            )))
        })?;
    let (parts, text) = check_content(&message, content).map_err(with_tid)?;
    let total_bytes = parts.iter().map(|p| p.size).sum();
    if total_bytes > max_message_bytes {
        return Err(with_tid(Refusal {
            code: CONTENT_REFUSED,
            details: format!("message is {total_bytes} bytes, the limit is {max_message_bytes}"),
            transaction_id: None,
        }));
    }
    Ok(ValidSubmit {
        transaction_id,
        from: checked.from,
        recipients: checked.recipients,
        subject: checked.subject,
        text,
        delivery_report: checked.delivery_report,
        parts,
        total_bytes,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::mm7::{Mm7Config, SubmitRequest, encode_submit};
    use crate::package::{MediaPart, PackageInput, package};

    const LIMIT: usize = 300 * 1024;

    fn encoded() -> (String, Vec<u8>) {
        let mms = package(PackageInput {
            subject: "Gift".into(),
            text: "Reply ACCEPT or REJECT".into(),
            images: vec![MediaPart {
                id: "card-001".into(),
                mime: "image/png".into(),
                bytes: vec![1; 3000],
                droppable: true,
            }],
            audio: vec![MediaPart {
                id: "ring-001".into(),
                mime: "audio/midi".into(),
                bytes: vec![2; 500],
                droppable: true,
            }],
            max_bytes: LIMIT,
        })
        .unwrap();
        let request = SubmitRequest {
            transaction_id: "tx-v".into(),
            recipients: vec!["+821011112222".into()],
            subject: String::new(),
            package: mms,
            delivery_report: false,
        };
        let submit = encode_submit(&Mm7Config::default(), &request, chrono::Utc::now()).unwrap();
        (submit.content_type, submit.body)
    }

    fn replace(body: &[u8], from: &str, to: &str) -> Vec<u8> {
        let at = body
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .unwrap_or_else(|| panic!("{from:?} not in the body"));
        let mut out = body[..at].to_vec();
        out.extend_from_slice(to.as_bytes());
        out.extend_from_slice(&body[at + from.len()..]);
        out
    }

    fn check(content_type: &str, body: &[u8]) -> Result<ValidSubmit, Refusal> {
        validate_submit(
            Mm7Version::Rel5,
            LIMIT,
            Some(content_type),
            Some("\"\""),
            body,
        )
    }

    #[test]
    fn the_clients_encoding_is_valid_and_every_part_is_referenced() {
        let (content_type, body) = encoded();
        let valid = check(&content_type, &body).unwrap();
        assert_eq!(valid.transaction_id, "tx-v");
        assert_eq!(valid.recipients, vec!["+821011112222"]);
        assert_eq!(valid.from, "1555");
        let ids: Vec<&str> = valid.parts.iter().map(|p| p.content_id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["presentation.smil", "message.txt", "card-001", "ring-001"]
        );
        assert!(valid.parts[1..].iter().all(|p| p.referenced_by_smil));
        assert_eq!(valid.parts[2].size, 3000);
    }

    fn refusal_of(content_type: &str, body: &[u8]) -> (u16, String) {
        let refusal = check(content_type, body).unwrap_err();
        (refusal.code, refusal.details)
    }

    #[test]
    fn elements_out_of_schema_order_are_refused() {
        let (ct, body) = encoded();
        let moved = replace(&body, "<Priority>Normal</Priority>", "");
        let moved = replace(
            &moved,
            "</Subject>",
            "</Subject><Priority>Normal</Priority>",
        );
        let (code, details) = refusal_of(&ct, &moved);
        assert_eq!(code, 2007);
        assert!(details.contains("out of schema order"), "{details}");
    }

    #[test]
    fn unknown_or_missing_required_elements_are_refused() {
        let (ct, body) = encoded();
        let unknown = replace(&body, "<Priority>Normal</Priority>", "<Urgency>1</Urgency>");
        assert!(
            refusal_of(&ct, &unknown)
                .1
                .contains("unexpected element Urgency")
        );
        let no_version = replace(&body, "<MM7Version>5.3.0</MM7Version>", "");
        assert!(
            refusal_of(&ct, &no_version)
                .1
                .contains("without MM7Version")
        );
    }

    #[test]
    fn a_transaction_id_without_must_understand_is_refused() {
        let (ct, body) = encoded();
        let lax = replace(&body, " env:mustUnderstand=\"1\"", "");
        assert!(refusal_of(&ct, &lax).1.contains("mustUnderstand"));
    }

    #[test]
    fn a_smil_reference_to_a_missing_part_is_refused() {
        let (ct, body) = encoded();
        let renamed = replace(&body, "Content-ID: <ring-001>", "Content-ID: <ring-999>");
        let (code, details) = refusal_of(&ct, &renamed);
        assert_eq!(code, 2007);
        assert!(
            details.contains("SMIL references cid:ring-001"),
            "{details}"
        );
    }

    #[test]
    fn malformed_xml_and_missing_http_headers_are_refused() {
        let (ct, body) = encoded();
        let broken = replace(&body, "</Recipients>", "</Recipientz>");
        assert!(refusal_of(&ct, &broken).1.contains("not well-formed"));
        let no_action = validate_submit(Mm7Version::Rel5, LIMIT, Some(&ct), None, &body);
        assert!(no_action.unwrap_err().details.contains("SOAPAction"));
        let plain = validate_submit(
            Mm7Version::Rel5,
            LIMIT,
            Some("text/xml"),
            Some("\"\""),
            &body,
        );
        assert!(plain.unwrap_err().details.contains("not multipart/related"));
    }

    #[test]
    fn another_versions_namespace_is_refused() {
        let (ct, body) = encoded();
        let refusal =
            validate_submit(Mm7Version::Rel6, LIMIT, Some(&ct), Some("\"\""), &body).unwrap_err();
        assert_eq!(refusal.code, 2007);
        assert!(
            refusal.details.contains("REL-6-MM7-1-4"),
            "{}",
            refusal.details
        );
    }

    #[test]
    fn a_message_over_the_limit_is_refused_as_content_refused() {
        let (ct, body) = encoded();
        let refusal =
            validate_submit(Mm7Version::Rel5, 1000, Some(&ct), Some("\"\""), &body).unwrap_err();
        assert_eq!(refusal.code, 2004);
        assert_eq!(refusal.transaction_id.as_deref(), Some("tx-v"));
    }
}
