//! The elements of `SubmitReq`: present when required, in the namespace and in the order
//! of the TS 23.140 schema, each value of its type (version, addresses, time stamp,
//! booleans, message class, priority), and the `Content` reference to the attachment.

use chrono::DateTime;

use super::content::strip_angles;
use super::{Refusal, corrupt};
use crate::mm7::Mm7Version;
use crate::mm7::xml::Element;

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

/// What a valid `SubmitReq` says about the message, and where its content is.
pub(super) struct CheckedSubmitReq {
    pub(super) from: String,
    pub(super) recipients: Vec<String>,
    pub(super) subject: String,
    pub(super) delivery_report: bool,
    pub(super) content_cid: String,
}

pub(super) fn check_submit_req(
    version: Mm7Version,
    request: &Element,
) -> Result<CheckedSubmitReq, Refusal> {
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
