//! A small namespace-resolved element tree read with quick-xml, enough to check and read
//! MM7 SOAP messages: each element knows its namespace, local name, attributes (with their
//! namespaces), children and text.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// Deepest nesting accepted (MM7 messages are shallow; this bounds hostile input).
const MAX_DEPTH: usize = 32;

/// One XML element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    /// Namespace URI, if the element is in one.
    pub ns: Option<String>,
    /// Local name.
    pub name: String,
    /// Attributes: (namespace, local name, value).
    pub attrs: Vec<(Option<String>, String, String)>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// Concatenated text directly inside the element (entities resolved).
    pub text: String,
}

impl Element {
    /// The first child with this namespace and local name.
    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    /// Whether the element has this namespace and local name.
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.name == name && self.ns.as_deref() == Some(ns)
    }

    /// The value of the attribute with this namespace (`None` = no namespace) and name.
    pub fn attr(&self, ns: Option<&str>, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(a_ns, a_name, _)| a_ns.as_deref() == ns && a_name == name)
            .map(|(_, _, v)| v.as_str())
    }

    /// The element's text with surrounding whitespace removed.
    pub fn trimmed_text(&self) -> &str {
        self.text.trim()
    }
}

/// Parses a whole XML document into its root element. The document must be well-formed:
/// one root, matching end tags, known namespace prefixes, no text outside the root.
pub(crate) fn parse_document(xml: &[u8]) -> Result<Element, String> {
    let mut reader = NsReader::from_reader(xml);
    let mut buf = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (resolved, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok(resolved_event) => resolved_event,
            Err(e) => {
                return Err(format!(
                    "XML not well-formed at byte {}: {e}",
                    reader.buffer_position()
                ));
            }
        };
        let ns = match resolved {
            ResolveResult::Bound(ns) => Some(String::from_utf8_lossy(ns.as_ref()).into_owned()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(prefix) => {
                return Err(format!(
                    "unknown namespace prefix {:?}",
                    String::from_utf8_lossy(&prefix)
                ));
            }
        };
        match event {
            Event::Start(start) => {
                let element = open_element(&reader, ns, &start)?;
                if root.is_some() {
                    return Err("more than one root element".to_owned());
                }
                stack.push(element);
                if stack.len() > MAX_DEPTH {
                    return Err("elements nested too deeply".to_owned());
                }
            }
            Event::Empty(start) => {
                let element = open_element(&reader, ns, &start)?;
                close_element(&mut stack, &mut root, element)?;
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("unexpected end tag")?;
                close_element(&mut stack, &mut root, element)?;
            }
            Event::Text(text) => {
                let text = text
                    .xml10_content()
                    .map_err(|e| format!("undecodable text: {e}"))?;
                push_text(&mut stack, &text)?;
            }
            Event::CData(data) => {
                let text = data
                    .decode()
                    .map_err(|e| format!("undecodable CDATA: {e}"))?;
                push_text(&mut stack, &text)?;
            }
            Event::GeneralRef(reference) => {
                let text = if let Some(c) = reference
                    .resolve_char_ref()
                    .map_err(|e| format!("bad character reference: {e}"))?
                {
                    c.to_string()
                } else {
                    let name = reference
                        .decode()
                        .map_err(|e| format!("undecodable entity: {e}"))?;
                    quick_xml::escape::unescape(&format!("&{name};"))
                        .map_err(|e| format!("unknown entity &{name};: {e}"))?
                        .into_owned()
                };
                push_text(&mut stack, &text)?;
            }
            Event::DocType(_) => return Err("DTDs are not accepted".to_owned()),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err("document ends inside an element".to_owned());
    }
    root.ok_or_else(|| "no root element".to_owned())
}

fn open_element(
    reader: &NsReader<&[u8]>,
    ns: Option<String>,
    start: &quick_xml::events::BytesStart<'_>,
) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute in <{name}>: {e}"))?;
        let key = attr.key;
        if key.as_ref() == b"xmlns" || key.as_ref().starts_with(b"xmlns:") {
            continue;
        }
        let (resolved, local) = reader.resolver().resolve_attribute(key);
        let attr_ns = match resolved {
            ResolveResult::Bound(ns) => Some(String::from_utf8_lossy(ns.as_ref()).into_owned()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(prefix) => {
                return Err(format!(
                    "unknown namespace prefix {:?} on an attribute of <{name}>",
                    String::from_utf8_lossy(&prefix)
                ));
            }
        };
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad attribute value in <{name}>: {e}"))?;
        attrs.push((
            attr_ns,
            String::from_utf8_lossy(local.as_ref()).into_owned(),
            value.into_owned(),
        ));
    }
    Ok(Element {
        ns,
        name,
        attrs,
        children: Vec::new(),
        text: String::new(),
    })
}

fn close_element(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err("more than one root element".to_owned()),
    }
    Ok(())
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(element) => element.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err("text outside the root element".to_owned()),
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_attributes_and_entities_are_resolved() {
        let doc = br#"<?xml version="1.0"?>
            <e:Env xmlns:e="urn:env" xmlns="urn:mm7"><e:H e:must="1"><Id>a&amp;b&#33;</Id></e:H></e:Env>"#;
        let root = parse_document(doc).unwrap();
        assert!(root.is("urn:env", "Env"));
        let h = root.child("urn:env", "H").unwrap();
        assert_eq!(h.attr(Some("urn:env"), "must"), Some("1"));
        assert_eq!(h.child("urn:mm7", "Id").unwrap().text, "a&b!");
    }

    #[test]
    fn malformed_documents_are_refused() {
        assert!(parse_document(b"<a><b></a>").is_err());
        assert!(parse_document(b"<a/><b/>").is_err());
        assert!(parse_document(b"<x:a/>").is_err());
        assert!(parse_document(b"<a>").is_err());
        assert!(parse_document(b"").is_err());
        assert!(parse_document(b"<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>").is_err());
    }
}
