//! The strict MMSC's check of an incoming `SubmitReq`: HTTP headers, the multipart
//! structure, a well-formed SOAP envelope in the configured MM7 namespace, the
//! `TransactionID` header with `mustUnderstand="1"`, the elements of `SubmitReq` present
//! and in schema order, the content attachment, every SMIL reference resolved and the size
//! limit. A failure becomes an MM7 status code and a reason.

use chrono::DateTime;
use mail_parser::{Message, MessageParser, MessagePart, MimeHeaders};

use super::ReceivedPart;
use crate::mm7::status::{CONTENT_REFUSED, MESSAGE_FORMAT_CORRUPT};
use crate::mm7::xml::{Element, parse_document};
use crate::mm7::{Mm7Version, SOAP_ENV_NS};
use crate::smil::smil_references;

/// Children of `SubmitReq` in the order of the TS 23.140 schema (Release 5 and 6).
const SUBMIT_REQ_ORDER: &[&str] = &[
    "MM7Version",
    "SenderIdentification",
    "Recipients",
    "PreferredChannels",
    "ServiceCode",
    "LinkedID",
    "MessageClass",
    "TimeStamp",
    "ReplyCharging",
    "EarliestDeliveryTime",
    "ExpiryDate",
    "DeliveryReport",
    "ReadReply",
    "Priority",
    "Subject",
    "ChargedParty",
    "ChargedPartyID",
    "DistributionIndicator",
    "DeliveryCondition",
    "ApplicID",
    "ReplyApplicID",
    "AuxApplicInfo",
    "ContentClass",
    "DRMContent",
    "Content",
];
/// Children of `SubmitReq` that must be present.
const SUBMIT_REQ_REQUIRED: &[&str] = &["MM7Version", "Recipients", "Content"];
/// Children of `SenderIdentification` in schema order.
const SENDER_ORDER: &[&str] = &["VASPID", "VASID", "SenderAddress"];

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

struct CheckedHeader<'a> {
    transaction_id: String,
    request: &'a Element,
}

fn check_envelope(version: Mm7Version, envelope: &Element) -> Result<CheckedHeader<'_>, Refusal> {
    let ns = version.namespace();
    if !envelope.is(SOAP_ENV_NS, "Envelope") {
        return Err(corrupt("the root is not a SOAP 1.1 Envelope"));
    }
    let tid = envelope
        .child(SOAP_ENV_NS, "Header")
        .and_then(|h| h.children.iter().find(|c| c.name == "TransactionID"))
        .ok_or_else(|| corrupt("no TransactionID header"))?;
    if tid.ns.as_deref() != Some(ns) {
        return Err(corrupt(format!(
            "TransactionID in namespace {:?}, this MMSC speaks {ns}",
            tid.ns.as_deref().unwrap_or("")
        )));
    }
    if tid.attr(Some(SOAP_ENV_NS), "mustUnderstand") != Some("1") {
        return Err(corrupt("TransactionID without mustUnderstand=\"1\""));
    }
    let transaction_id = tid.trimmed_text().to_owned();
    if transaction_id.is_empty() {
        return Err(corrupt("empty TransactionID"));
    }
    let body = envelope
        .child(SOAP_ENV_NS, "Body")
        .ok_or_else(|| corrupt("no SOAP Body"))?;
    let [request] = body.children.as_slice() else {
        return Err(corrupt("the SOAP Body must hold exactly one element"));
    };
    if !request.is(ns, "SubmitReq") {
        return Err(Refusal {
            transaction_id: Some(transaction_id),
            ..corrupt(format!(
                "expected SubmitReq in {ns}, got {} in {:?}",
                request.name,
                request.ns.as_deref().unwrap_or("")
            ))
        });
    }
    Ok(CheckedHeader {
        transaction_id,
        request,
    })
}

struct CheckedSubmitReq {
    from: String,
    recipients: Vec<String>,
    subject: String,
    delivery_report: bool,
    content_cid: String,
}

fn check_submit_req(version: Mm7Version, request: &Element) -> Result<CheckedSubmitReq, Refusal> {
    let ns = version.namespace();
    check_order(request, ns, SUBMIT_REQ_ORDER)?;
    for required in SUBMIT_REQ_REQUIRED {
        if request.child(ns, required).is_none() {
            return Err(corrupt(format!("SubmitReq without {required}")));
        }
    }
    let text_of = |name: &str| request.child(ns, name).map(|e| e.trimmed_text().to_owned());
    let mm7_version = text_of("MM7Version").unwrap_or_default();
    if mm7_version != version.version_string() {
        return Err(corrupt(format!(
            "MM7Version {mm7_version:?}, this MMSC speaks {}",
            version.version_string()
        )));
    }
    let mut from = String::new();
    if let Some(sender) = request.child(ns, "SenderIdentification") {
        check_order(sender, ns, SENDER_ORDER)?;
        if let Some(address) = sender.child(ns, "SenderAddress") {
            from = address_value(address, ns)?;
        }
    }
    let recipients = check_recipients(request.child(ns, "Recipients"), ns)?;
    if let Some(stamp) = text_of("TimeStamp") {
        DateTime::parse_from_rfc3339(&stamp)
            .map_err(|_| corrupt(format!("TimeStamp {stamp:?} is not xs:dateTime")))?;
    }
    let boolean = |name: &str| -> Result<bool, Refusal> {
        match text_of(name).as_deref() {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(other) => Err(corrupt(format!("{name} {other:?} is not xs:boolean"))),
        }
    };
    let delivery_report = boolean("DeliveryReport")?;
    boolean("ReadReply")?;
    if let Some(class) = text_of("MessageClass")
        && !matches!(
            class.as_str(),
            "Personal" | "Informational" | "Advertisement" | "Auto"
        )
    {
        return Err(corrupt(format!("MessageClass {class:?}")));
    }
    if let Some(priority) = text_of("Priority")
        && !matches!(priority.as_str(), "Low" | "Normal" | "High")
    {
        return Err(corrupt(format!("Priority {priority:?}")));
    }
    let content_cid = request
        .child(ns, "Content")
        .and_then(|c| c.attr(None, "href"))
        .and_then(|href| href.strip_prefix("cid:"))
        .map(|cid| strip_angles(cid).to_owned())
        .ok_or_else(|| corrupt("Content without href=\"cid:…\""))?;
    Ok(CheckedSubmitReq {
        from,
        recipients,
        subject: text_of("Subject").unwrap_or_default(),
        delivery_report,
        content_cid,
    })
}

/// Every child must be in the namespace and named in `order`, in that order, once.
fn check_order(parent: &Element, ns: &str, order: &[&str]) -> Result<(), Refusal> {
    let mut last: Option<usize> = None;
    for child in &parent.children {
        if child.ns.as_deref() != Some(ns) {
            return Err(corrupt(format!(
                "{} in namespace {:?} inside {}",
                child.name,
                child.ns.as_deref().unwrap_or(""),
                parent.name
            )));
        }
        let position = order
            .iter()
            .position(|name| *name == child.name)
            .ok_or_else(|| {
                corrupt(format!(
                    "unexpected element {} in {}",
                    child.name, parent.name
                ))
            })?;
        if last.is_some_and(|l| position <= l) {
            return Err(corrupt(format!(
                "element {} out of schema order in {}",
                child.name, parent.name
            )));
        }
        last = Some(position);
    }
    Ok(())
}

fn check_recipients(recipients: Option<&Element>, ns: &str) -> Result<Vec<String>, Refusal> {
    let recipients = recipients.ok_or_else(|| corrupt("SubmitReq without Recipients"))?;
    let mut numbers = Vec::new();
    for group in &recipients.children {
        if !(group.is(ns, "To") || group.is(ns, "Cc") || group.is(ns, "Bcc")) {
            return Err(corrupt(format!(
                "unexpected element {} in Recipients",
                group.name
            )));
        }
        for address in &group.children {
            numbers.push(address_value_of(address, ns)?);
        }
    }
    if numbers.is_empty() {
        return Err(corrupt("Recipients without any address"));
    }
    Ok(numbers)
}

/// The single address inside an address element (`SenderAddress`).
fn address_value(holder: &Element, ns: &str) -> Result<String, Refusal> {
    match holder.children.as_slice() {
        [address] => address_value_of(address, ns),
        [] if !holder.trimmed_text().is_empty() => Ok(holder.trimmed_text().to_owned()),
        _ => Err(corrupt(format!("{} must hold one address", holder.name))),
    }
}

fn address_value_of(address: &Element, ns: &str) -> Result<String, Refusal> {
    let known = ["Number", "ShortCode", "RFC2822Address"]
        .iter()
        .any(|name| address.is(ns, name));
    let value = address.trimmed_text();
    if !known || value.is_empty() {
        return Err(corrupt(format!("invalid address element {}", address.name)));
    }
    Ok(value.to_owned())
}

/// The content attachment: a multipart whose SMIL (for multipart/related) references only
/// parts that are present. Returns the parts and the first text/plain part's text.
fn check_content(
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

fn sub_parts<'m>(message: &'m Message<'m>, part: &MessagePart<'_>) -> Vec<&'m MessagePart<'m>> {
    part.sub_parts()
        .unwrap_or_default()
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .collect()
}

fn is_type(part: &MessagePart<'_>, ctype: &str, subtype: &str) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case(ctype)
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case(subtype))
    })
}

fn strip_angles(id: &str) -> &str {
    id.trim().trim_start_matches('<').trim_end_matches('>')
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
