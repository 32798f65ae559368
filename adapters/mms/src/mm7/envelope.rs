//! The SOAP 1.1 envelope of MM7 messages: writing one (with the `TransactionID` header
//! marked `mustUnderstand`) and finding the SOAP part of an HTTP body, which MMSCs send
//! either bare (`text/xml`) or as the start of a `multipart/related`.

use std::borrow::Cow;

use mail_parser::{MessageParser, MimeHeaders};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::Mm7Version;

/// Namespace of the SOAP 1.1 envelope.
pub(crate) const SOAP_ENV_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// Writes `<env:Envelope>` with the MM7 `TransactionID` header (when known) and lets
/// `body` write the content of `<env:Body>`.
pub(crate) fn write_envelope<F>(
    version: Mm7Version,
    transaction_id: Option<&str>,
    body: F,
) -> std::io::Result<Vec<u8>>
where
    F: FnOnce(&mut Writer<Vec<u8>>) -> std::io::Result<()>,
{
    let mut w = Writer::new(Vec::with_capacity(1536));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut env = BytesStart::new("env:Envelope");
    env.push_attribute(("xmlns:env", SOAP_ENV_NS));
    w.write_event(Event::Start(env))?;
    if let Some(transaction_id) = transaction_id {
        w.write_event(Event::Start(BytesStart::new("env:Header")))?;
        let mut tid = BytesStart::new("mm7:TransactionID");
        tid.push_attribute(("xmlns:mm7", version.namespace()));
        tid.push_attribute(("env:mustUnderstand", "1"));
        w.write_event(Event::Start(tid))?;
        w.write_event(Event::Text(BytesText::new(transaction_id)))?;
        w.write_event(Event::End(BytesEnd::new("mm7:TransactionID")))?;
        w.write_event(Event::End(BytesEnd::new("env:Header")))?;
    }
    w.write_event(Event::Start(BytesStart::new("env:Body")))?;
    body(&mut w)?;
    w.write_event(Event::End(BytesEnd::new("env:Body")))?;
    w.write_event(Event::End(BytesEnd::new("env:Envelope")))?;
    Ok(w.into_inner())
}

/// Writes an MM7 element `name` in the version's namespace (declared as the default
/// namespace, so `inner` writes unprefixed children).
pub(crate) fn mm7_element<F>(
    w: &mut Writer<Vec<u8>>,
    version: Mm7Version,
    name: &str,
    inner: F,
) -> std::io::Result<()>
where
    F: FnOnce(&mut Writer<Vec<u8>>) -> std::io::Result<()>,
{
    let mut element = BytesStart::new(name);
    element.push_attribute(("xmlns", version.namespace()));
    w.write_event(Event::Start(element))?;
    inner(w)?;
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

/// Writes `<name>text</name>`.
pub(crate) fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(text)))?;
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

/// Writes `<Status><StatusCode>…</StatusCode><StatusText>…</StatusText><Details>…</Details></Status>`.
pub(crate) fn status_element(
    w: &mut Writer<Vec<u8>>,
    code: u16,
    text: &str,
    details: Option<&str>,
) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new("Status")))?;
    text_element(w, "StatusCode", &code.to_string())?;
    text_element(w, "StatusText", text)?;
    if let Some(details) = details {
        text_element(w, "Details", details)?;
    }
    w.write_event(Event::End(BytesEnd::new("Status")))?;
    Ok(())
}

/// The SOAP envelope bytes of an HTTP body: the body itself for `text/xml` (or any XML),
/// the `start` part (or the first part) for `multipart/related`.
pub(crate) fn soap_part<'a>(body: &'a [u8], content_type: &str) -> Result<Cow<'a, [u8]>, String> {
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !media_type.starts_with("multipart/") {
        return Ok(Cow::Borrowed(body));
    }
    let mut raw = Vec::with_capacity(body.len() + content_type.len() + 20);
    raw.extend_from_slice(b"Content-Type: ");
    raw.extend_from_slice(content_type.as_bytes());
    raw.extend_from_slice(b"\r\n\r\n");
    raw.extend_from_slice(body);
    let message = MessageParser::default()
        .parse(&raw)
        .ok_or("unparseable MIME body")?;
    let root = message.parts.first().ok_or("empty MIME body")?;
    let start = root
        .content_type()
        .and_then(|ct| ct.attribute("start"))
        .map(|s| {
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        });
    let sub_parts = root.sub_parts().ok_or("multipart body without parts")?;
    let soap = sub_parts
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .find(|part| match &start {
            Some(start) => part.content_id() == Some(start.as_str()),
            None => true,
        })
        .ok_or("the SOAP start part is missing")?;
    Ok(Cow::Owned(soap.contents().to_vec()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use mail_builder::headers::content_type::ContentType;
    use mail_builder::mime::{BodyPart, MimePart};

    /// A multipart/related body whose `start` names the second part.
    fn multipart(start: Option<&str>) -> (String, Vec<u8>) {
        let mut ct = ContentType::new("multipart/related")
            .attribute("boundary", "b-1")
            .attribute("type", "text/xml");
        if let Some(start) = start {
            ct = ct.attribute("start", format!("<{start}>"));
        }
        let part = |cid: &str, xml: &str| {
            MimePart::new(
                ContentType::new("text/xml"),
                BodyPart::Binary(xml.as_bytes().to_vec().into()),
            )
            .cid(cid.to_owned())
            .transfer_encoding("binary")
        };
        let mut written = Vec::new();
        MimePart::new(
            ct,
            BodyPart::Multipart(vec![part("first", "<a/>"), part("soap", "<b/>")]),
        )
        .write_part(&mut written)
        .unwrap();
        let at = written.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let content_type = match start {
            Some(start) => format!(
                "multipart/related; boundary=\"b-1\"; type=\"text/xml\"; start=\"<{start}>\""
            ),
            None => "multipart/related; boundary=\"b-1\"; type=\"text/xml\"".to_owned(),
        };
        (content_type, written.split_off(at))
    }

    #[test]
    fn the_start_part_of_a_multipart_body_is_the_envelope() {
        let (ct, body) = multipart(Some("soap"));
        assert_eq!(soap_part(&body, &ct).unwrap().as_ref(), b"<b/>");
    }

    #[test]
    fn without_start_the_first_part_is_the_envelope() {
        let (ct, body) = multipart(None);
        assert_eq!(soap_part(&body, &ct).unwrap().as_ref(), b"<a/>");
    }

    #[test]
    fn a_start_naming_no_part_is_an_error_and_plain_xml_passes_through() {
        let (ct, body) = multipart(Some("soap"));
        let wrong = ct.replace("<soap>", "<nowhere>");
        assert!(soap_part(&body, &wrong).is_err());
        assert_eq!(
            soap_part(b"<x/>", "text/xml; charset=utf-8")
                .unwrap()
                .as_ref(),
            b"<x/>"
        );
    }
}
