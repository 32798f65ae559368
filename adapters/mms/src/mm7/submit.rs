//! `SubmitReq`: one multimedia message from the VASP to the MMSC, as an HTTP body of type
//! `multipart/related` whose first part is the SOAP envelope and whose second part is the
//! message content (itself a `multipart/related` starting with the SMIL presentation),
//! referenced from the envelope by `<Content href="cid:…"/>`.

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat, Utc};
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::{BodyPart, MimePart};
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::envelope::{mm7_element, text_element};
use super::{Mm7Config, Mm7Error, write_envelope};
use crate::package::MmsPackage;

/// Content-ID of the SOAP part (the `start` of the HTTP body).
pub(crate) const SOAP_CID: &str = "mm7-soap@giftgate";
/// Content-ID of the content attachment.
pub(crate) const CONTENT_CID: &str = "mm7-content@giftgate";

/// One message to submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitRequest {
    /// Unique id of this transaction (the SOAP `TransactionID`); the MMSC echoes it.
    pub transaction_id: String,
    /// Recipients' numbers in E.164 (`+821012345678`).
    pub recipients: Vec<String>,
    /// Subject line; when empty, the package's subject is used.
    pub subject: String,
    /// The packaged content.
    pub package: MmsPackage,
    /// Whether to ask the MMSC for a delivery report.
    pub delivery_report: bool,
}

/// An encoded `SubmitReq`: HTTP `Content-Type` and body.
pub(crate) struct EncodedSubmit {
    pub content_type: String,
    pub body: Vec<u8>,
}

/// Encodes `req` as an MM7 `SubmitReq` HTTP body for the MMSC described by `cfg`.
pub(crate) fn encode_submit(
    cfg: &Mm7Config,
    req: &SubmitRequest,
    now: DateTime<Utc>,
) -> Result<EncodedSubmit, Mm7Error> {
    check_request(req)?;
    let soap = submit_envelope(cfg, req, now)
        .map_err(|e| Mm7Error::Invalid(format!("cannot write SubmitReq: {e}")))?;
    let content_parts: Vec<MimePart<'_>> = req
        .package
        .parts
        .iter()
        .map(|part| {
            MimePart::new(
                content_type_header(&part.mime),
                BodyPart::Binary(Cow::Borrowed(&part.bytes)),
            )
            .cid(part.content_id.as_str())
            .location(file_name(&part.content_id, &part.mime))
            .transfer_encoding("binary")
        })
        .collect();
    let smil_start = format!("<{}>", req.package.smil_content_id());
    let content = MimePart::new(
        ContentType::new("multipart/related")
            .attribute("type", "application/smil")
            .attribute("start", smil_start),
        BodyPart::Multipart(content_parts),
    )
    .cid(CONTENT_CID);
    let soap_part = MimePart::new(
        ContentType::new("text/xml").attribute("charset", "utf-8"),
        BodyPart::Binary(Cow::Owned(soap)),
    )
    .cid(SOAP_CID)
    // The compact envelope is one long line, beyond 8bit's 998-octet line limit.
    .transfer_encoding("binary");
    let boundary = format!("mm7-{}", uuid::Uuid::new_v4().simple());
    let soap_start = format!("<{SOAP_CID}>");
    let outer = MimePart::new(
        ContentType::new("multipart/related")
            .attribute("boundary", boundary.as_str())
            .attribute("type", "text/xml")
            .attribute("start", soap_start.as_str()),
        BodyPart::Multipart(vec![soap_part, content]),
    );
    let mut written = Vec::with_capacity(req.package.total_bytes + 4096);
    outer
        .write_part(&mut written)
        .map_err(|e| Mm7Error::Invalid(format!("cannot write the MIME body: {e}")))?;
    // The outer part's own header block becomes the HTTP Content-Type header.
    let body_start = written
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .ok_or_else(|| Mm7Error::Invalid("MIME writer produced no header block".to_owned()))?;
    let body = written.split_off(body_start);
    Ok(EncodedSubmit {
        content_type: format!(
            "multipart/related; boundary=\"{boundary}\"; type=\"text/xml\"; start=\"{soap_start}\""
        ),
        body,
    })
}

fn check_request(req: &SubmitRequest) -> Result<(), Mm7Error> {
    if req.transaction_id.trim().is_empty() {
        return Err(Mm7Error::Invalid("empty transaction id".to_owned()));
    }
    if req.recipients.is_empty() {
        return Err(Mm7Error::Invalid("no recipients".to_owned()));
    }
    if let Some(bad) = req.recipients.iter().find(|r| !is_e164(r)) {
        return Err(Mm7Error::Invalid(format!(
            "recipient {} is not an E.164 number",
            giftgate_edge::mask_msisdn(bad)
        )));
    }
    if req.package.parts.is_empty() {
        return Err(Mm7Error::Invalid("the package has no parts".to_owned()));
    }
    Ok(())
}

/// `+` followed by 8–15 digits.
fn is_e164(number: &str) -> bool {
    number
        .strip_prefix('+')
        .is_some_and(|d| (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The SOAP envelope of the request, elements in the order of the TS 23.140 schema.
fn submit_envelope(
    cfg: &Mm7Config,
    req: &SubmitRequest,
    now: DateTime<Utc>,
) -> std::io::Result<Vec<u8>> {
    let subject = if req.subject.is_empty() {
        req.package.subject.as_str()
    } else {
        req.subject.as_str()
    };
    write_envelope(cfg.version, Some(&req.transaction_id), |w| {
        mm7_element(w, cfg.version, "SubmitReq", |w| {
            text_element(w, "MM7Version", cfg.version.version_string())?;
            start(w, "SenderIdentification")?;
            text_element(w, "VASPID", &cfg.vasp_id)?;
            text_element(w, "VASID", &cfg.vas_id)?;
            start(w, "SenderAddress")?;
            text_element(w, "ShortCode", &cfg.sender_address)?;
            end(w, "SenderAddress")?;
            end(w, "SenderIdentification")?;
            start(w, "Recipients")?;
            start(w, "To")?;
            for number in &req.recipients {
                text_element(w, "Number", number)?;
            }
            end(w, "To")?;
            end(w, "Recipients")?;
            text_element(w, "MessageClass", "Personal")?;
            text_element(
                w,
                "TimeStamp",
                &now.to_rfc3339_opts(SecondsFormat::Secs, true),
            )?;
            text_element(w, "DeliveryReport", bool_str(req.delivery_report))?;
            text_element(w, "Priority", "Normal")?;
            text_element(w, "Subject", subject)?;
            let mut content = BytesStart::new("Content");
            let href = format!("cid:{CONTENT_CID}");
            content.push_attribute(("href", href.as_str()));
            content.push_attribute(("allowAdaptations", "true"));
            w.write_event(Event::Empty(content))?;
            Ok(())
        })
    })
}

fn start(w: &mut Writer<Vec<u8>>, name: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))
}

fn end(w: &mut Writer<Vec<u8>>, name: &str) -> std::io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn bool_str(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// A Content-Type header from a media type with optional `; name=value` parameters.
fn content_type_header(mime: &str) -> ContentType<'static> {
    let mut pieces = mime.split(';');
    let media_type = pieces.next().unwrap_or_default().trim().to_owned();
    let mut header = ContentType::new(media_type);
    for param in pieces {
        if let Some((name, value)) = param.split_once('=') {
            header = header.attribute(
                name.trim().to_owned(),
                value.trim().trim_matches('"').to_owned(),
            );
        }
    }
    header
}

/// A file name for a part (its Content-Location), with the extension its type implies.
fn file_name(content_id: &str, mime: &str) -> String {
    let media_type = mime.split(';').next().unwrap_or_default().trim();
    let extension = match media_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "audio/midi" => "mid",
        "audio/amr" => "amr",
        "audio/mpeg" => "mp3",
        "audio/m4a" => "m4a",
        "application/vnd.smaf" => "mmf",
        "text/x-imelody" => "imy",
        "application/smil" => "smil",
        "text/plain" => "txt",
        _ => return content_id.to_owned(),
    };
    if content_id
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case(extension))
    {
        content_id.to_owned()
    } else {
        format!("{content_id}.{extension}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn e164_numbers_are_plus_and_digits() {
        assert!(is_e164("+821012345678"));
        assert!(!is_e164("01012345678"));
        assert!(!is_e164("+82-10-1234-5678"));
        assert!(!is_e164("+1234"));
    }

    #[test]
    fn file_names_get_the_extension_of_their_type() {
        assert_eq!(file_name("card-001", "image/png"), "card-001.png");
        assert_eq!(
            file_name("message.txt", "text/plain; charset=utf-8"),
            "message.txt"
        );
        assert_eq!(file_name("x", "application/x-unknown"), "x");
    }

    #[test]
    fn content_type_parameters_become_attributes() {
        let header = content_type_header("text/plain; charset=utf-8");
        assert_eq!(header.c_type, "text/plain");
        assert_eq!(header.attributes[0].0, "charset");
        assert_eq!(header.attributes[0].1, "utf-8");
    }
}
