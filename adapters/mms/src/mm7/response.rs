//! Reading the MMSC's answer to a `SubmitReq`: a `SubmitRsp` (status and message id) or a
//! SOAP Fault whose detail carries an `RSErrorRsp` (or a bare fault string).

use super::status::{StatusClass, status_text};
use super::xml::{Element, parse_document};
use super::{Mm7Error, Mm7Version, SOAP_ENV_NS, soap_part};

/// The MMSC took the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitAccepted {
    /// The MMSC's id of the message; delivery reports refer to it.
    pub message_id: String,
    /// 1000 (success) or 1100 (partial success).
    pub status_code: u16,
}

/// What one answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SubmitAnswer {
    /// 1xxx with a message id.
    Accepted(SubmitAccepted),
    /// A status other than success, from a `SubmitRsp` or a Fault.
    Refused {
        /// MM7 status code.
        status_code: u16,
        /// Status text, details or fault string.
        text: String,
    },
}

/// Reads an answer to the `SubmitReq` with `transaction_id`. An answer echoing another
/// transaction, or without a status, is an [`Mm7Error::InvalidResponse`].
pub(crate) fn parse_submit_answer(
    body: &[u8],
    content_type: &str,
    version: Mm7Version,
    transaction_id: &str,
) -> Result<SubmitAnswer, Mm7Error> {
    let xml = soap_part(body, content_type).map_err(Mm7Error::InvalidResponse)?;
    let envelope = parse_document(&xml).map_err(Mm7Error::InvalidResponse)?;
    if !envelope.is(SOAP_ENV_NS, "Envelope") {
        return Err(Mm7Error::InvalidResponse(
            "not a SOAP 1.1 envelope".to_owned(),
        ));
    }
    let ns = version.namespace();
    if let Some(echoed) = envelope
        .child(SOAP_ENV_NS, "Header")
        .and_then(|h| h.child(ns, "TransactionID"))
        && echoed.trimmed_text() != transaction_id
    {
        return Err(Mm7Error::InvalidResponse(format!(
            "answer echoes TransactionID {:?}, expected {transaction_id:?}",
            echoed.trimmed_text()
        )));
    }
    let body = envelope
        .child(SOAP_ENV_NS, "Body")
        .ok_or_else(|| Mm7Error::InvalidResponse("no SOAP Body".to_owned()))?;
    if let Some(rsp) = body.child(ns, "SubmitRsp") {
        let (status_code, text) = read_status(rsp, ns)?;
        if StatusClass::of(status_code) == StatusClass::Success {
            let message_id = rsp
                .child(ns, "MessageID")
                .map(|m| m.trimmed_text().to_owned())
                .filter(|m| !m.is_empty())
                .ok_or_else(|| {
                    Mm7Error::InvalidResponse("successful SubmitRsp without MessageID".to_owned())
                })?;
            return Ok(SubmitAnswer::Accepted(SubmitAccepted {
                message_id,
                status_code,
            }));
        }
        return Ok(SubmitAnswer::Refused { status_code, text });
    }
    if let Some(fault) = body.child(SOAP_ENV_NS, "Fault") {
        return read_fault(fault, ns);
    }
    Err(Mm7Error::InvalidResponse(
        "SOAP Body holds neither SubmitRsp nor Fault".to_owned(),
    ))
}

/// Status code and text of an element holding `<Status>`.
fn read_status(holder: &Element, ns: &str) -> Result<(u16, String), Mm7Error> {
    let status = holder
        .child(ns, "Status")
        .ok_or_else(|| Mm7Error::InvalidResponse(format!("{} without Status", holder.name)))?;
    let code = status
        .child(ns, "StatusCode")
        .and_then(|c| c.trimmed_text().parse::<u16>().ok())
        .ok_or_else(|| {
            Mm7Error::InvalidResponse("Status without a numeric StatusCode".to_owned())
        })?;
    let mut text = status
        .child(ns, "StatusText")
        .map(|t| t.trimmed_text().to_owned())
        .unwrap_or_else(|| status_text(code).to_owned());
    if let Some(details) = status.child(ns, "Details") {
        let details = details.trimmed_text();
        if !details.is_empty() {
            text = format!("{text}: {details}");
        }
    }
    Ok((code, text))
}

/// A SOAP Fault: the `RSErrorRsp` status when present, else the fault code's meaning
/// (`Client` → 2000, `Server` → 3000) with the fault string.
fn read_fault(fault: &Element, ns: &str) -> Result<SubmitAnswer, Mm7Error> {
    let fault_string = fault
        .children
        .iter()
        .find(|c| c.name == "faultstring")
        .map(|c| c.trimmed_text().to_owned())
        .unwrap_or_default();
    let rs_error = fault
        .children
        .iter()
        .find(|c| c.name == "detail")
        .and_then(|d| {
            d.children
                .iter()
                .find(|c| c.name == "RSErrorRsp" || c.name == "VASPErrorRsp")
        });
    if let Some(rs_error) = rs_error {
        // An MMSC speaking another MM7 version answers in its own namespace; its
        // status is still the best account of the refusal.
        let rs_ns = rs_error.ns.as_deref().unwrap_or(ns);
        let (status_code, text) = read_status(rs_error, rs_ns)?;
        return Ok(SubmitAnswer::Refused { status_code, text });
    }
    let fault_code = fault
        .children
        .iter()
        .find(|c| c.name == "faultcode")
        .map(|c| c.trimmed_text().to_owned())
        .unwrap_or_default();
    let status_code = if fault_code.ends_with("Server") {
        3000
    } else {
        2000
    };
    Ok(SubmitAnswer::Refused {
        status_code,
        text: format!("SOAP fault {fault_code}: {fault_string}"),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn envelope(tid: &str, body: &str) -> String {
        let ns = Mm7Version::Rel5.namespace();
        format!(
            r#"<?xml version="1.0"?><env:Envelope xmlns:env="{SOAP_ENV_NS}"><env:Header><mm7:TransactionID xmlns:mm7="{ns}" env:mustUnderstand="1">{tid}</mm7:TransactionID></env:Header><env:Body>{body}</env:Body></env:Envelope>"#
        )
    }

    #[test]
    fn a_successful_submit_rsp_yields_the_message_id() {
        let ns = Mm7Version::Rel5.namespace();
        let xml = envelope(
            "t1",
            &format!(
                r#"<SubmitRsp xmlns="{ns}"><MM7Version>5.3.0</MM7Version><Status><StatusCode>1000</StatusCode><StatusText>Success</StatusText></Status><MessageID>m-9</MessageID></SubmitRsp>"#
            ),
        );
        let answer =
            parse_submit_answer(xml.as_bytes(), "text/xml", Mm7Version::Rel5, "t1").unwrap();
        assert_eq!(
            answer,
            SubmitAnswer::Accepted(SubmitAccepted {
                message_id: "m-9".into(),
                status_code: 1000
            })
        );
    }

    #[test]
    fn a_fault_with_rs_error_rsp_carries_its_status() {
        let ns = Mm7Version::Rel5.namespace();
        let xml = envelope(
            "t1",
            &format!(
                r#"<env:Fault><faultcode>env:Client</faultcode><faultstring>bad</faultstring><detail><RSErrorRsp xmlns="{ns}"><MM7Version>5.3.0</MM7Version><Status><StatusCode>2007</StatusCode><StatusText>Message format corrupt</StatusText><Details>no Content</Details></Status></RSErrorRsp></detail></env:Fault>"#
            ),
        );
        let answer =
            parse_submit_answer(xml.as_bytes(), "text/xml", Mm7Version::Rel5, "t1").unwrap();
        assert_eq!(
            answer,
            SubmitAnswer::Refused {
                status_code: 2007,
                text: "Message format corrupt: no Content".into()
            }
        );
    }

    #[test]
    fn a_bare_server_fault_is_temporary() {
        let xml = envelope(
            "t1",
            "<env:Fault><faultcode>env:Server</faultcode><faultstring>overloaded</faultstring></env:Fault>",
        );
        let answer =
            parse_submit_answer(xml.as_bytes(), "text/xml", Mm7Version::Rel5, "t1").unwrap();
        assert!(matches!(
            answer,
            SubmitAnswer::Refused {
                status_code: 3000,
                ..
            }
        ));
    }

    #[test]
    fn an_answer_to_another_transaction_is_invalid() {
        let xml = envelope("other", "<x/>");
        let err =
            parse_submit_answer(xml.as_bytes(), "text/xml", Mm7Version::Rel5, "t1").unwrap_err();
        assert!(matches!(err, Mm7Error::InvalidResponse(_)));
    }
}
