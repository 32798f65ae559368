//! The SMIL presentation of a multimedia message (the MMS SMIL profile of OMA / 3GPP
//! TS 26.140): one image region above one text region, one slide (`par`) per image, the
//! text on every slide, and at most one audio clip per slide.

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, Event};

/// Duration of one slide in milliseconds.
const SLIDE_MS: u32 = 8000;

/// What the presentation shows; each string is the Content-ID of a part.
pub(crate) struct Slides<'a> {
    /// Content-ID of the text part, shown on every slide.
    pub text: Option<&'a str>,
    /// Content-IDs of the image parts, one per slide.
    pub images: Vec<&'a str>,
    /// Content-IDs of the audio parts, one per slide from the first.
    pub audio: Vec<&'a str>,
}

/// Writes the SMIL document for `slides`.
pub(crate) fn write_smil(slides: &Slides<'_>) -> Result<Vec<u8>, std::io::Error> {
    let mut w = Writer::new(Vec::with_capacity(1024));
    w.write_event(Event::Start(BytesStart::new("smil")))?;
    w.write_event(Event::Start(BytesStart::new("head")))?;
    w.write_event(Event::Start(BytesStart::new("layout")))?;
    empty(
        &mut w,
        "root-layout",
        &[("width", "320"), ("height", "480")],
    )?;
    empty(
        &mut w,
        "region",
        &[
            ("id", "Image"),
            ("top", "0"),
            ("left", "0"),
            ("width", "100%"),
            ("height", "70%"),
            ("fit", "meet"),
        ],
    )?;
    empty(
        &mut w,
        "region",
        &[
            ("id", "Text"),
            ("top", "70%"),
            ("left", "0"),
            ("width", "100%"),
            ("height", "30%"),
            ("fit", "scroll"),
        ],
    )?;
    w.write_event(Event::End(BytesEnd::new("layout")))?;
    w.write_event(Event::End(BytesEnd::new("head")))?;
    w.write_event(Event::Start(BytesStart::new("body")))?;
    let slide_count = slides.images.len().max(slides.audio.len()).max(1);
    let dur = format!("{SLIDE_MS}ms");
    for i in 0..slide_count {
        let mut par = BytesStart::new("par");
        par.push_attribute(("dur", dur.as_str()));
        w.write_event(Event::Start(par))?;
        if let Some(image) = slides.images.get(i) {
            let src = format!("cid:{image}");
            empty(&mut w, "img", &[("src", src.as_str()), ("region", "Image")])?;
        }
        if let Some(text) = slides.text {
            let src = format!("cid:{text}");
            empty(&mut w, "text", &[("src", src.as_str()), ("region", "Text")])?;
        }
        if let Some(audio) = slides.audio.get(i) {
            let src = format!("cid:{audio}");
            empty(&mut w, "audio", &[("src", src.as_str())])?;
        }
        w.write_event(Event::End(BytesEnd::new("par")))?;
    }
    w.write_event(Event::End(BytesEnd::new("body")))?;
    w.write_event(Event::End(BytesEnd::new("smil")))?;
    Ok(w.into_inner())
}

fn empty(w: &mut Writer<Vec<u8>>, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    let mut element = BytesStart::new(name);
    for &attr in attrs {
        element.push_attribute(attr);
    }
    w.write_event(Event::Empty(element))
}

/// Every `src="cid:…"` reference of a SMIL document, in document order.
pub(crate) fn smil_references(smil: &[u8]) -> Result<Vec<String>, quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_reader(smil);
    let mut refs = Vec::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) => {
                for attr in e.attributes() {
                    let attr = attr.map_err(quick_xml::Error::from)?;
                    if attr.key.as_ref() == b"src" {
                        let value = attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)?;
                        if let Some(cid) = value.strip_prefix("cid:") {
                            refs.push(cid.to_owned());
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(refs)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_image_gets_a_slide_and_text_is_on_each() {
        let smil = write_smil(&Slides {
            text: Some("message.txt"),
            images: vec!["card", "barcode"],
            audio: vec!["ring"],
        })
        .unwrap();
        let text = String::from_utf8(smil.clone()).unwrap();
        assert_eq!(text.matches("<par ").count(), 2);
        assert_eq!(
            smil_references(&smil).unwrap(),
            vec!["card", "message.txt", "ring", "barcode", "message.txt"]
        );
    }

    #[test]
    fn a_text_only_message_still_has_one_slide() {
        let smil = write_smil(&Slides {
            text: Some("t"),
            images: vec![],
            audio: vec![],
        })
        .unwrap();
        assert_eq!(smil_references(&smil).unwrap(), vec!["t"]);
    }
}
