//! The MMSC side's SOAP answers: `SubmitRsp` for an accepted message and a SOAP Fault
//! carrying `RSErrorRsp` for a refused one.

use crate::mm7::status::{StatusClass, status_text};
use crate::mm7::{Mm7Version, mm7_element, status_element, text_element, write_envelope};

/// `SubmitRsp` with `status_code` (1000 or 1100) and the new message's id.
pub(crate) fn submit_rsp(
    version: Mm7Version,
    transaction_id: &str,
    status_code: u16,
    message_id: &str,
) -> std::io::Result<Vec<u8>> {
    write_envelope(version, Some(transaction_id), |w| {
        mm7_element(w, version, "SubmitRsp", |w| {
            text_element(w, "MM7Version", version.version_string())?;
            status_element(w, status_code, status_text(status_code), None)?;
            text_element(w, "MessageID", message_id)
        })
    })
}

/// A SOAP Fault (`Client` for 2xxx, `Server` otherwise) whose detail is an `RSErrorRsp`.
pub(crate) fn rs_error_fault(
    version: Mm7Version,
    transaction_id: Option<&str>,
    status_code: u16,
    details: &str,
) -> std::io::Result<Vec<u8>> {
    let fault_code = if StatusClass::of(status_code) == StatusClass::Permanent {
        "env:Client"
    } else {
        "env:Server"
    };
    write_envelope(version, transaction_id, |w| {
        use quick_xml::events::{BytesEnd, BytesStart, Event};
        w.write_event(Event::Start(BytesStart::new("env:Fault")))?;
        text_element(w, "faultcode", fault_code)?;
        text_element(w, "faultstring", status_text(status_code))?;
        w.write_event(Event::Start(BytesStart::new("detail")))?;
        mm7_element(w, version, "RSErrorRsp", |w| {
            text_element(w, "MM7Version", version.version_string())?;
            status_element(w, status_code, status_text(status_code), Some(details))
        })?;
        w.write_event(Event::End(BytesEnd::new("detail")))?;
        w.write_event(Event::End(BytesEnd::new("env:Fault")))
    })
}
