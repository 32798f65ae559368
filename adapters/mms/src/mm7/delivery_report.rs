//! `DeliveryReportReq`: the MMSC tells the VASP what became of a submitted message
//! (retrieved by the handset, expired, rejected, …). giftgate parses it, and answers with
//! a `DeliveryReportRsp`; the simulator writes it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::envelope::{mm7_element, status_element, text_element};
use super::xml::{Element, parse_document};
use super::{Mm7Error, Mm7Version, SOAP_ENV_NS, soap_part, write_envelope};

/// What became of a message at one recipient (`MMStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MmsDeliveryStatus {
    /// The handset fetched the message.
    Retrieved,
    /// The message expired before the handset fetched it.
    Expired,
    /// The recipient (or handset) rejected it.
    Rejected,
    /// The MMSC cannot tell (e.g. delivered to another network).
    Indeterminate,
    /// The recipient forwarded it without retrieving it.
    Forwarded,
    /// The recipient's handset did not recognise it.
    Unrecognised,
    /// Deferred, or a status this client does not know.
    DeferredOrOther,
}

impl MmsDeliveryStatus {
    /// The `MMStatus` value on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            MmsDeliveryStatus::Retrieved => "Retrieved",
            MmsDeliveryStatus::Expired => "Expired",
            MmsDeliveryStatus::Rejected => "Rejected",
            MmsDeliveryStatus::Indeterminate => "Indeterminate",
            MmsDeliveryStatus::Forwarded => "Forwarded",
            MmsDeliveryStatus::Unrecognised => "Unrecognised",
            MmsDeliveryStatus::DeferredOrOther => "Deferred",
        }
    }

    /// Reads an `MMStatus` value; unknown values become [`MmsDeliveryStatus::DeferredOrOther`].
    pub fn from_wire(value: &str) -> Self {
        match value.trim() {
            "Retrieved" => MmsDeliveryStatus::Retrieved,
            "Expired" => MmsDeliveryStatus::Expired,
            "Rejected" => MmsDeliveryStatus::Rejected,
            "Indeterminate" => MmsDeliveryStatus::Indeterminate,
            "Forwarded" => MmsDeliveryStatus::Forwarded,
            "Unrecognised" | "Unrecognized" => MmsDeliveryStatus::Unrecognised,
            _ => MmsDeliveryStatus::DeferredOrOther,
        }
    }

    /// Whether the message reached the recipient (retrieved or forwarded).
    pub fn is_delivered(self) -> bool {
        matches!(
            self,
            MmsDeliveryStatus::Retrieved | MmsDeliveryStatus::Forwarded
        )
    }
}

/// A delivery report from the MMSC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    /// The report's own TransactionID (to echo in the answer).
    pub transaction_id: String,
    /// The MMSC's id of the submitted message (from its `SubmitRsp`).
    pub message_id: String,
    /// The recipient the report is about, as the MMSC wrote it.
    pub recipient: String,
    /// The sender address of the original message (our short code).
    pub sender: String,
    /// What became of the message.
    pub status: MmsDeliveryStatus,
    /// The MMSC's status text, if any.
    pub status_text: Option<String>,
    /// When the status was reached.
    pub date: DateTime<Utc>,
    /// The MM7 version the report was written in (answer in the same).
    pub version: Mm7Version,
}

/// Parses a `DeliveryReportReq` HTTP body (`text/xml`, or `multipart/related` with the
/// SOAP part first).
pub fn parse_delivery_report(body: &[u8], content_type: &str) -> Result<DeliveryReport, Mm7Error> {
    let xml = soap_part(body, content_type).map_err(Mm7Error::Malformed)?;
    let envelope = parse_document(&xml).map_err(Mm7Error::Malformed)?;
    if !envelope.is(SOAP_ENV_NS, "Envelope") {
        return Err(Mm7Error::Malformed("not a SOAP 1.1 envelope".to_owned()));
    }
    let body = envelope
        .child(SOAP_ENV_NS, "Body")
        .ok_or_else(|| Mm7Error::Malformed("no SOAP Body".to_owned()))?;
    let request = body
        .children
        .iter()
        .find(|c| c.name == "DeliveryReportReq")
        .ok_or_else(|| Mm7Error::Malformed("SOAP Body holds no DeliveryReportReq".to_owned()))?;
    let ns = request.ns.as_deref().unwrap_or_default();
    let version = Mm7Version::from_namespace(ns)
        .ok_or_else(|| Mm7Error::Malformed(format!("unsupported MM7 namespace {ns:?}")))?;
    let transaction_id = envelope
        .child(SOAP_ENV_NS, "Header")
        .and_then(|h| h.child(ns, "TransactionID"))
        .map(|t| t.trimmed_text().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Mm7Error::Malformed("no TransactionID header".to_owned()))?;
    let required = |name: &str| -> Result<&Element, Mm7Error> {
        request
            .child(ns, name)
            .ok_or_else(|| Mm7Error::Malformed(format!("DeliveryReportReq without {name}")))
    };
    let message_id = required("MessageID")?.trimmed_text().to_owned();
    let recipient = address_text(required("Recipient")?);
    let sender = request
        .child(ns, "Sender")
        .map(address_text)
        .unwrap_or_default();
    let date_text = required("Date")?.trimmed_text();
    let date = DateTime::parse_from_rfc3339(date_text)
        .map_err(|e| Mm7Error::Malformed(format!("Date {date_text:?} is not xs:dateTime: {e}")))?
        .with_timezone(&Utc);
    let status = MmsDeliveryStatus::from_wire(required("MMStatus")?.trimmed_text());
    let status_text = request
        .child(ns, "StatusText")
        .map(|t| t.trimmed_text().to_owned());
    if message_id.is_empty() || recipient.is_empty() {
        return Err(Mm7Error::Malformed(
            "empty MessageID or Recipient".to_owned(),
        ));
    }
    Ok(DeliveryReport {
        transaction_id,
        message_id,
        recipient,
        sender,
        status,
        status_text,
        date,
        version,
    })
}

/// The text of an address element: its `Number`, `ShortCode` or `RFC2822Address` child, or
/// its own text (older schemas).
fn address_text(address: &Element) -> String {
    address
        .children
        .iter()
        .find(|c| matches!(c.name.as_str(), "Number" | "ShortCode" | "RFC2822Address"))
        .unwrap_or(address)
        .trimmed_text()
        .to_owned()
}

/// The `DeliveryReportRsp` SOAP envelope (status 1000) that acknowledges the report with
/// `transaction_id`; send it with `Content-Type: text/xml; charset=utf-8`.
pub fn delivery_report_response(transaction_id: &str, version: Mm7Version) -> String {
    let xml = write_envelope(version, Some(transaction_id), |w| {
        mm7_element(w, version, "DeliveryReportRsp", |w| {
            text_element(w, "MM7Version", version.version_string())?;
            status_element(w, 1000, "Success", None)
        })
    })
    .expect("writing XML into a Vec<u8> cannot fail");
    String::from_utf8_lossy(&xml).into_owned()
}

/// The `DeliveryReportReq` SOAP envelope for `report` (what an MMSC sends).
pub fn delivery_report_request(report: &DeliveryReport) -> String {
    let version = report.version;
    let xml = write_envelope(version, Some(&report.transaction_id), |w| {
        mm7_element(w, version, "DeliveryReportReq", |w| {
            text_element(w, "MM7Version", version.version_string())?;
            text_element(w, "MessageID", &report.message_id)?;
            address_element(w, "Recipient", "Number", &report.recipient)?;
            address_element(w, "Sender", "ShortCode", &report.sender)?;
            text_element(
                w,
                "Date",
                &report.date.to_rfc3339_opts(SecondsFormat::Secs, true),
            )?;
            text_element(w, "MMStatus", report.status.as_str())?;
            if let Some(text) = &report.status_text {
                text_element(w, "StatusText", text)?;
            }
            Ok(())
        })
    })
    .expect("writing XML into a Vec<u8> cannot fail");
    String::from_utf8_lossy(&xml).into_owned()
}

fn address_element(
    w: &mut quick_xml::Writer<Vec<u8>>,
    name: &str,
    kind: &str,
    value: &str,
) -> std::io::Result<()> {
    use quick_xml::events::{BytesEnd, BytesStart, Event};
    w.write_event(Event::Start(BytesStart::new(name)))?;
    text_element(w, kind, value)?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn report(status: MmsDeliveryStatus, version: Mm7Version) -> DeliveryReport {
        DeliveryReport {
            transaction_id: "dr-1".into(),
            message_id: "m-1".into(),
            recipient: "+821012345678".into(),
            sender: "1555".into(),
            status,
            status_text: Some("ok & done".into()),
            date: DateTime::parse_from_rfc3339("2026-11-25T21:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            version,
        }
    }

    #[test]
    fn a_written_report_parses_back_to_itself_in_both_versions() {
        for version in [Mm7Version::Rel5, Mm7Version::Rel6] {
            for status in [MmsDeliveryStatus::Retrieved, MmsDeliveryStatus::Expired] {
                let original = report(status, version);
                let xml = delivery_report_request(&original);
                let parsed = parse_delivery_report(xml.as_bytes(), "text/xml").unwrap();
                assert_eq!(parsed, original);
            }
        }
    }

    #[test]
    fn the_response_echoes_the_transaction_with_must_understand() {
        let xml = delivery_report_response("dr-7", Mm7Version::Rel6);
        let root = parse_document(xml.as_bytes()).unwrap();
        let ns = Mm7Version::Rel6.namespace();
        let tid = root
            .child(SOAP_ENV_NS, "Header")
            .unwrap()
            .child(ns, "TransactionID")
            .unwrap();
        assert_eq!(tid.text, "dr-7");
        assert_eq!(tid.attr(Some(SOAP_ENV_NS), "mustUnderstand"), Some("1"));
        let rsp = root
            .child(SOAP_ENV_NS, "Body")
            .unwrap()
            .child(ns, "DeliveryReportRsp")
            .unwrap();
        assert_eq!(rsp.child(ns, "MM7Version").unwrap().text, "6.8.0");
    }

    #[test]
    fn reports_without_message_id_or_in_unknown_namespaces_are_malformed() {
        let xml = delivery_report_request(&report(MmsDeliveryStatus::Retrieved, Mm7Version::Rel5));
        let without_id = xml.replace("<MessageID>m-1</MessageID>", "");
        assert!(matches!(
            parse_delivery_report(without_id.as_bytes(), "text/xml"),
            Err(Mm7Error::Malformed(_))
        ));
        let other_ns = xml.replace("REL-5-MM7-1-2", "REL-9-MM7-9-9");
        assert!(parse_delivery_report(other_ns.as_bytes(), "text/xml").is_err());
    }
}
