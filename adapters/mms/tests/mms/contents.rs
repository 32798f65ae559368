//! Upload checks of contents and the generated sample set.

use giftgate_mms::content::DEFAULT_MAX_CONTENT_BYTES;
use giftgate_mms::{ContentError, ContentKind, code128_png, sample_contents, validate_content};

#[test]
fn a_two_megabyte_upload_is_refused_as_too_large() {
    let mut upload = code128_png("1234567890123452").unwrap();
    upload.resize(2 * 1024 * 1024, 0);
    let err = validate_content(
        ContentKind::ThemeCard,
        Some("image/png"),
        &upload,
        DEFAULT_MAX_CONTENT_BYTES,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContentError::TooLarge {
            size: 2 * 1024 * 1024,
            limit: 300 * 1024
        }
    );
}

#[test]
fn a_file_claiming_png_that_is_text_is_refused() {
    let fake = b"<html><body>definitely not a picture</body></html>";
    let err =
        validate_content(ContentKind::Character, Some("image/png"), fake, 1 << 20).unwrap_err();
    assert_eq!(
        err,
        ContentError::UnsupportedType {
            declared: Some("image/png".to_owned())
        }
    );
}

#[test]
fn a_file_claiming_png_that_is_midi_is_a_mime_mismatch() {
    let midi = sample_contents()
        .into_iter()
        .find(|s| s.id == "ring-001")
        .unwrap()
        .bytes;
    let err =
        validate_content(ContentKind::ThemeCard, Some("image/png"), &midi, 1 << 20).unwrap_err();
    assert_eq!(
        err,
        ContentError::MimeMismatch {
            declared: "image/png".to_owned(),
            actual: "audio/midi"
        }
    );
}

#[test]
fn every_sample_content_passes_the_upload_checks_of_its_kind() {
    let samples = sample_contents();
    assert_eq!(samples.len(), 4);
    for sample in samples {
        let mime = validate_content(
            sample.kind,
            Some(sample.mime),
            &sample.bytes,
            DEFAULT_MAX_CONTENT_BYTES,
        )
        .unwrap_or_else(|e| panic!("{} refused: {e}", sample.id));
        assert_eq!(mime, sample.mime, "{}", sample.id);
    }
}

#[test]
fn sample_images_decode_to_their_drawn_sizes() {
    for (id, width, height) in [("card-001", 320, 240), ("char-001", 160, 160)] {
        let sample = sample_contents().into_iter().find(|s| s.id == id).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(sample.bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((frame.width, frame.height), (width, height), "{id}");
    }
}
