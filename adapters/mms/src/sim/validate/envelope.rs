//! The SOAP envelope of a `SubmitReq`: a SOAP 1.1 `Envelope` whose header carries a
//! non-empty `TransactionID` in the configured MM7 namespace with `mustUnderstand="1"`,
//! and whose body holds exactly one `SubmitReq`.

use super::{Refusal, corrupt};
use crate::mm7::xml::Element;
use crate::mm7::{Mm7Version, SOAP_ENV_NS};

/// A well-formed envelope: its TransactionID and the `SubmitReq` it carries.
pub(super) struct CheckedHeader<'a> {
    pub(super) transaction_id: String,
    pub(super) request: &'a Element,
}

pub(super) fn check_envelope(
    version: Mm7Version,
    envelope: &Element,
) -> Result<CheckedHeader<'_>, Refusal> {
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
