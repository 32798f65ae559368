//! Shared helpers of the integration tests: a gift package with every kind of extra, a
//! client configuration pointing at a simulator, and a receiver of delivery reports.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

use giftgate_mms::{
    ContentKind, MediaPart, Mm7Config, Mm7Version, MmsPackage, PackageInput, SubmitRequest,
    code128_png, package, sample_contents,
};

pub const TRANSFEREE: &str = "+821098765432";

/// A gift package: theme card, character, barcode, ringtone and background music.
pub fn gift_package(max_bytes: usize) -> MmsPackage {
    let mut images = Vec::new();
    let mut audio = Vec::new();
    for sample in sample_contents() {
        let part = MediaPart {
            id: sample.id.to_owned(),
            mime: sample.mime.to_owned(),
            bytes: sample.bytes,
            droppable: true,
        };
        match sample.kind {
            ContentKind::ThemeCard | ContentKind::Character => images.push(part),
            ContentKind::Ringtone | ContentKind::BackgroundMusic => audio.push(part),
        }
    }
    images.push(MediaPart {
        id: "barcode".to_owned(),
        mime: "image/png".to_owned(),
        bytes: code128_png("1234567890123452").unwrap(),
        droppable: false,
    });
    package(PackageInput {
        subject: "A gift certificate from Kim".to_owned(),
        text: "김민수님이 상품권을 선물했습니다. Kim sent you a 50,000 KRW gift certificate: \
               \"Happy birthday!\"\nReply ACCEPT (수락) to keep it or REJECT (거절) to return it."
            .to_owned(),
        images,
        audio,
        max_bytes,
    })
    .unwrap()
}

pub fn client_config(url: String, version: Mm7Version) -> Mm7Config {
    Mm7Config {
        url,
        username: Some("vasp".to_owned()),
        password: Some("secret".to_owned()),
        vasp_id: "giftgate".to_owned(),
        vas_id: "gift".to_owned(),
        sender_address: "1555".to_owned(),
        version,
        timeout: Duration::from_secs(5),
        max_attempts: 5,
        retry_base_delay: Duration::from_millis(20),
    }
}

pub fn submit_request(transaction_id: &str, package: MmsPackage) -> SubmitRequest {
    SubmitRequest {
        transaction_id: transaction_id.to_owned(),
        recipients: vec![TRANSFEREE.to_owned()],
        subject: String::new(),
        package,
        delivery_report: true,
    }
}
