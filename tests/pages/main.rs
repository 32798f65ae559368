//! The subscriber's pages in headless Chromium at 390×844 (a phone): a purchase's `/v/`
//! link, a gift's `/g/` link with its extras, the page after accepting, and the friendly
//! 404 — each rendered by the real browser (Korean through `fonts-noto-cjk`), its
//! screenshot written to `target/screenshots/pages/` for review, and its DOM as Chromium
//! built it checked for what the page must show.
//!
//! [`journey`] drives the whole site as two people use it over the DevTools protocol,
//! with an accessibility check of every page. Needs the Debian packages `chromium` and
//! `fonts-noto-cjk` and npm's `axe-core`; [`tools`] installs them on first use.
#![allow(clippy::unwrap_used, missing_docs)]

mod browser;
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
mod journey;
mod tools;

use std::process::Command;

use helpers::{Backend, TestApp, eventually};
use serde_json::json;

/// Renders `url` at 390×844 in `language`: writes `name.png` and answers the DOM.
async fn render(url: &str, name: &str, language: &str) -> String {
    let url = url.to_owned();
    let shot = tools::screenshots().join(format!("{name}.png"));
    let language = language.to_owned();
    tokio::task::spawn_blocking(move || {
        let common = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=390,844",
            "--force-device-scale-factor=1",
        ];
        let lang = format!("--lang={language}");
        let status = Command::new(tools::chromium())
            .args(common)
            .arg(&lang)
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        assert!(shot.exists(), "screenshot of {url}");
        let dom = Command::new(tools::chromium())
            .args(common)
            .arg(&lang)
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .unwrap();
        String::from_utf8(dom.stdout).unwrap()
    })
    .await
    .unwrap()
}

fn link(text: &str, kind: &str) -> Option<String> {
    let at = text.rfind(&format!("/{kind}/"))?;
    let token: String = text[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    Some(format!("/{kind}/{token}"))
}

#[actix_web::test]
async fn pages_render_in_chromium_at_phone_size() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let smsc = app.gateway().smsc_simulator.as_ref().unwrap();
    let giver = "01062620000";
    let code = app.buy("shot-buy", giver, "dept-50000", 1).await.remove(0);
    eventually("the purchase SMS", || async {
        smsc.inbox("+821062620000")
            .iter()
            .any(|m| link(&m.text, "v").is_some())
    })
    .await;
    let text = smsc.inbox("+821062620000")[0].text.clone();
    let voucher = format!("{}{}", app.base, link(&text, "v").unwrap());

    let dom = render(&format!("{voucher}?lang=ko"), "voucher-ko", "ko-KR").await;
    assert!(
        dom.contains("바코드") && dom.contains(&format!("alt=\"{code}\"")),
        "{dom}"
    );
    let dom = render(&format!("{voucher}?lang=en"), "voucher-en", "en-US").await;
    assert!(dom.contains("Show PIN"), "{dom}");
    render(&format!("{voucher}?qr=1&lang=en"), "voucher-qr", "en-US").await;

    app.completed(json!({"order_id":"shot-gift","type":"gift","msisdn":giver,
        "certificate_codes":[code],"to":"01062629999","message":"생일 축하해! Happy birthday",
        "extras":["card-001","ring-001","bgm-001","char-001"]}))
        .await;
    let mmsc = app.gateway().mmsc_simulator.as_ref().unwrap();
    eventually("the gift MMS", || async {
        !mmsc.inbox("+821062629999").is_empty()
    })
    .await;
    let mms = mmsc.inbox("+821062629999")[0]
        .text
        .clone()
        .unwrap_or_default();
    let gift = format!("{}{}", app.base, link(&mms, "g").unwrap());
    let dom = render(&format!("{gift}?lang=ko"), "gift-ko", "ko-KR").await;
    assert!(
        dom.contains("생일 축하해") && dom.contains("<audio"),
        "{dom}"
    );
    assert!(dom.contains("선물 받기"), "{dom}");

    let dom = render(
        &format!("{}/v/AAAAAAAAAAAAAAAAAAAAAA?lang=ko", app.base),
        "not-found",
        "ko-KR",
    )
    .await;
    assert!(dom.contains("페이지를 찾을 수 없습니다"), "{dom}");
    app.finish().await;
}
