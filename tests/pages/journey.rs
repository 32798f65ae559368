//! The whole site as two people use it, in headless Chromium over the DevTools protocol,
//! against a gateway on PostgreSQL with the SMSC and MMSC simulators: the giver signs in
//! with the code read from the SMSC simulator's inbox, buys on the phone bill through the
//! confirm step, sees the barcode (decoded from the rendered pixels), gifts it with
//! extras through the package check; the transferee opens the MMS link, accepts, sees
//! the new PIN; a POS redeems through the API; the voucher page shows the new balance.
//! Every page is photographed at 390×844 and checked by axe-core; the audit closes it.

use crate::browser::Phone;
use crate::helpers::{Backend, TestApp, eventually};

/// The `/kind/token` path of the last such link in `text`.
fn link(text: &str, kind: &str) -> Option<String> {
    let at = text.rfind(&format!("/{kind}/"))?;
    let token: String = text[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    Some(format!("/{kind}/{token}"))
}

/// The 6-digit code of the newest sign-in SMS to `e164`.
async fn sign_in_code(app: &TestApp, e164: &str) -> String {
    let smsc = app.gateway().smsc_simulator.as_ref().unwrap();
    let codes = || {
        smsc.inbox(e164)
            .into_iter()
            .filter(|m| m.text.contains("인증번호") || m.text.contains("Sign-in code"))
            .collect::<Vec<_>>()
    };
    eventually("the sign-in code SMS", || async { !codes().is_empty() }).await;
    let text = codes().last().unwrap().text.clone();
    text.split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn a_gift_bought_sent_accepted_and_used_through_the_pages() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let base = app.base.clone();
    let giver = Phone::launch("ko-KR").await;

    // Sign in: number, then the code the SMSC delivered.
    giver.open(&format!("{base}/login?lang=ko")).await;
    giver.review("login-ko").await;
    giver.type_into("#msisdn", "010-8181-0002").await;
    giver.tap_then("form button[type=submit]", "#code").await;
    giver.review("login-code-ko").await;
    let code = sign_in_code(&app, "+821081810002").await;
    giver.type_into("#code", &code).await;
    giver
        .tap_then("form button[type=submit]", ".menu-grid")
        .await;
    giver.review("home-ko").await;

    // Catalogue → product → confirm step (the month's cap shown) → pay.
    giver.open(&format!("{base}/catalog?lang=en")).await;
    giver.review("catalog-en").await;
    giver
        .tap_then("a[href='/catalog/book-10000']", "#quantity")
        .await;
    giver.review("product-en").await;
    giver
        .tap_then("form.stack button[type=submit]", ".total")
        .await;
    giver.review("purchase-review-en").await;
    assert!(giver.html().await.contains("Monthly phone-bill limit"));
    giver
        .tap_then("form[action='/purchase'] button", "p.notice")
        .await;
    giver.review("purchase-done-en").await;
    eventually("the certificate", || async {
        app.wallet("01081810002").await.len() == 1
    })
    .await;
    let certificate = app.wallet("01081810002").await.remove(0);
    let code = certificate["code"].as_str().unwrap().to_owned();

    // The wallet: the barcode scans as the certificate's code.
    giver.open(&format!("{base}/wallet")).await;
    giver.review("wallet-en").await;
    assert_eq!(giver.decode("img.barcode").await, code);
    giver.open(&format!("{base}/wallet/{code}")).await;
    giver.tap("summary").await;
    giver.review("certificate-pin-en").await;
    assert_eq!(
        giver.text_of("span.pin").await,
        certificate["pin"].as_str().unwrap()
    );
    giver
        .open(&format!("{base}/wallet/{code}/barcode.png?qr=1"))
        .await;
    assert_eq!(giver.decode("img").await, code, "the QR code");

    // Gift it: number, message, extras with previews, then the package check, then send.
    giver
        .open(&format!("{base}/gift?code={code}&lang=ko"))
        .await;
    giver.review("gift-composer-ko").await;
    giver.type_into("#to", "010-8181-9999").await;
    giver.type_into("#message", "생일 축하해!").await;
    for extra in ["card-001", "char-001", "ring-001", "bgm-001"] {
        giver.tap(&format!("input[value='{extra}']")).await;
    }
    giver
        .tap_then("form.stack > button[type=submit]", ".size")
        .await;
    giver.review("gift-check-ko").await;
    let check = giver.html().await;
    assert!(
        check.contains("생일 축하해!") && check.contains("<audio"),
        "{check}"
    );
    giver
        .tap_then("form[action$='/send'] button", "p.notice")
        .await;
    giver.review("gift-sent-ko").await;

    // The transferee opens the MMS link and accepts.
    let mmsc = app.gateway().mmsc_simulator.as_ref().unwrap();
    eventually("the gift MMS", || async {
        !mmsc.inbox("+821081819999").is_empty()
    })
    .await;
    let mms = mmsc.inbox("+821081819999")[0]
        .text
        .clone()
        .unwrap_or_default();
    let friend = giver.another_person().await;
    friend
        .open(&format!("{base}{}?lang=ko", link(&mms, "g").unwrap()))
        .await;
    friend.review("gift-open-ko").await;
    friend
        .tap_then("form[action$='/accept'] button", "span.pin")
        .await;
    friend.tap("summary").await;
    friend.review("gift-accepted-ko").await;
    let new_pin = friend.text_of("span.pin").await;
    assert_ne!(new_pin, certificate["pin"].as_str().unwrap(), "re-keyed");
    assert_eq!(friend.decode("img.barcode").await, code);

    // A POS takes 3,000 with the new PIN; the voucher page shows what is left.
    let (status, answer) = app.redeem(&code, &new_pin, "3000", "pos-journey-1").await;
    assert_eq!(status, 200, "{answer}");
    friend.tap_then("a[href^='/v/']", "img.barcode").await;
    friend
        .open(&format!("{}?lang=en", friend.url().await))
        .await;
    friend.review("voucher-after-use-en").await;
    let page = friend.html().await;
    assert!(page.contains("7,000"), "{page}");
    assert_eq!(friend.decode("img.barcode").await, code);

    // The giver's history, the texts pages, and a forged link.
    giver.open(&format!("{base}/history?lang=en")).await;
    giver.review("history-en").await;
    assert!(giver.html().await.contains("gift sent"));
    for page in ["notices", "guide", "call-center"] {
        giver.open(&format!("{base}/{page}")).await;
        giver.review(&format!("{page}-en")).await;
    }
    giver
        .open(&format!("{base}/v/AAAAAAAAAAAAAAAAAAAAAA"))
        .await;
    giver.review("not-found-en").await;

    // The old PIN the giver saw no longer works.
    let (status, _) = app
        .redeem(
            &code,
            certificate["pin"].as_str().unwrap(),
            "1000",
            "pos-journey-2",
        )
        .await;
    assert_eq!(status, 403);
    app.finish().await;
}
