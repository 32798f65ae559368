//! Media type sniffing: what a file is, judged by its first bytes (magic numbers), never by
//! its name. Only types a handset can show or play in an MMS are recognised.

/// Returns the media type of `bytes` as recognised from their content, or `None` for
/// anything that is not an image or sound a handset can show or play.
///
/// ```
/// assert_eq!(giftgate_mms::sniff_media_type(b"GIF89a\x01\x00"), Some("image/gif"));
/// assert_eq!(giftgate_mms::sniff_media_type(b"hello"), None);
/// ```
pub fn sniff_media_type(bytes: &[u8]) -> Option<&'static str> {
    use infer::{audio, image};
    if image::is_png(bytes) {
        Some("image/png")
    } else if image::is_jpeg(bytes) {
        Some("image/jpeg")
    } else if image::is_gif(bytes) {
        Some("image/gif")
    } else if audio::is_midi(bytes) {
        Some("audio/midi")
    } else if audio::is_amr(bytes) {
        Some("audio/amr")
    } else if audio::is_mp3(bytes) {
        Some("audio/mpeg")
    } else if audio::is_m4a(bytes) {
        Some("audio/m4a")
    } else if bytes.starts_with(b"MMMD") {
        // SMAF (Yamaha synthetic music mobile application format): Korean and Japanese
        // handsets' native ringtones.
        Some("application/vnd.smaf")
    } else if bytes.starts_with(b"BEGIN:IMELODY") {
        Some("text/x-imelody")
    } else {
        None
    }
}

/// Maps a declared media type (or a common alias of it) to the canonical name that
/// [`sniff_media_type`] returns; `None` for types this crate does not know.
///
/// ```
/// assert_eq!(giftgate_mms::content::canonical_mime("image/jpg"), Some("image/jpeg"));
/// assert_eq!(giftgate_mms::content::canonical_mime("Audio/MID"), Some("audio/midi"));
/// ```
pub fn canonical_mime(declared: &str) -> Option<&'static str> {
    let lower = declared.trim().to_ascii_lowercase();
    Some(match lower.as_str() {
        "image/png" | "image/x-png" => "image/png",
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "image/jpeg",
        "image/gif" => "image/gif",
        "audio/midi" | "audio/mid" | "audio/x-midi" | "audio/sp-midi" => "audio/midi",
        "audio/amr" | "audio/x-amr" => "audio/amr",
        "audio/mpeg" | "audio/mp3" | "audio/mpeg3" | "audio/x-mp3" => "audio/mpeg",
        "audio/m4a" | "audio/mp4" | "audio/x-m4a" => "audio/m4a",
        "application/vnd.smaf" | "application/x-smaf" => "application/vnd.smaf",
        "text/x-imelody" | "audio/imelody" => "text/x-imelody",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_signatures_are_recognised() {
        assert_eq!(
            sniff_media_type(b"\x89PNG\r\n\x1a\n...."),
            Some("image/png")
        );
        assert_eq!(
            sniff_media_type(b"\xff\xd8\xff\xe0\x00\x10JFIF"),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff_media_type(b"MThd\x00\x00\x00\x06"),
            Some("audio/midi")
        );
        assert_eq!(
            sniff_media_type(b"#!AMR\n\x3c\x00\x00\x00\x00\x00\x00"),
            Some("audio/amr")
        );
        assert_eq!(sniff_media_type(b"ID3\x03\x00\x00"), Some("audio/mpeg"));
        assert_eq!(
            sniff_media_type(b"MMMD\x00\x00\x10\x00"),
            Some("application/vnd.smaf")
        );
    }

    #[test]
    fn text_and_unknown_binaries_are_not_media() {
        assert_eq!(sniff_media_type(b"<html><body>"), None);
        assert_eq!(sniff_media_type(b"PK\x03\x04zip"), None);
        assert_eq!(sniff_media_type(b""), None);
    }
}
