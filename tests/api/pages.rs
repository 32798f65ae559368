//! The subscriber's link pages over HTTP (CONTRACT.md §8): the `/v/` link in the purchase
//! SMS shows the certificate with its barcode; the `/g/` link in the gift MMS shows the
//! gift and accepts it (only with its CSRF token); links die when the certificate changes
//! hands or its PIN is re-keyed; forged links get the friendly 404.

use serde_json::json;

use crate::helpers::{Backend, TestApp, eventually};

fn smsc(app: &TestApp) -> &giftgate_smpp::SmscSimHandle {
    app.gateway().smsc_simulator.as_ref().unwrap()
}

/// The path of the last `/{kind}/…` link in `text`.
fn link_path(text: &str, kind: &str) -> Option<String> {
    let at = text.rfind(&format!("/{kind}/"))?;
    let token: String = text[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    Some(format!("/{kind}/{token}"))
}

async fn sms_link(app: &TestApp, msisdn: &str, kind: &str, needle: &str) -> String {
    eventually(&format!("an SMS with a /{kind}/ link"), || async {
        smsc(app)
            .inbox(msisdn)
            .iter()
            .any(|m| m.text.contains(needle) && link_path(&m.text, kind).is_some())
    })
    .await;
    let inbox = smsc(app).inbox(msisdn);
    let message = inbox
        .iter()
        .rev()
        .find(|m| m.text.contains(needle) && link_path(&m.text, kind).is_some())
        .unwrap();
    link_path(&message.text, kind).unwrap()
}

async fn get(
    app: &TestApp,
    path: &str,
    language: &str,
) -> (u16, String, reqwest::header::HeaderMap) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.text().await.unwrap(), headers)
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let response = app
        .client
        .post(format!("{}{path}", app.base))
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The value of the hidden `csrf` input of a page.
fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    page[at..].chars().take_while(|c| *c != '"').collect()
}

async fn links_show_gift_and_die(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let giver = "01061610000";
    let code = app.buy("page-buy", giver, "book-10000", 1).await.remove(0);
    let voucher = sms_link(&app, "+821061610000", "v", "PIN").await;
    assert_eq!(voucher.len(), "/v/".len() + 22, "{voucher}");
    assert!(!voucher.contains(&code) && !voucher.contains("1061610000"));

    let (status, page, headers) = get(&app, &voucher, "en-US,en;q=0.9").await;
    assert_eq!(status, 200, "{page}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert!(page.contains("<html lang=\"en\""), "{page}");
    assert!(
        page.contains(&format!("alt=\"{code}\"")),
        "barcode alt is its digits"
    );
    let grouped = format!(
        "{}-{}-{}-{}",
        &code[..4],
        &code[4..8],
        &code[8..12],
        &code[12..]
    );
    assert!(page.contains(&grouped));
    assert!(page.contains("10,000"), "{page}");
    let pin = app.pin(giver, &code).await;
    assert!(page.contains(&pin), "the PIN is on the page behind a tap");
    let (_, korean, _) = get(&app, &voucher, "ko-KR").await;
    assert!(korean.contains("<html lang=\"ko\"") && korean.contains("바코드"));

    let barcode = app
        .client
        .get(format!("{}{voucher}/barcode.png", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(barcode.status(), 200);
    assert_eq!(barcode.headers()["content-type"], "image/png");
    assert!(barcode.bytes().await.unwrap().starts_with(b"\x89PNG"));

    for forged in [
        "/v/AAAAAAAAAAAAAAAAAAAAAA",
        "/v/short",
        "/g/AAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let (status, page, _) = get(&app, forged, "en").await;
        assert_eq!(status, 404, "{forged}");
        assert!(page.contains("Page not found"), "{page}");
    }

    // Gift it with extras; the transferee's MMS carries the /g/ link.
    let transferee = "01061619999";
    app.completed(json!({"order_id":"page-gift","type":"gift","msisdn":giver,
        "certificate_codes":[code],"to":transferee,"message":"happy <b>birthday</b>",
        "extras":["card-001","ring-001"]}))
        .await;
    let mmsc = app.gateway().mmsc_simulator.as_ref().unwrap();
    eventually("the gift MMS", || async {
        !mmsc.inbox("+821061619999").is_empty()
    })
    .await;
    let mms_text = mmsc.inbox("+821061619999")[0]
        .text
        .clone()
        .unwrap_or_default();
    let gift = link_path(&mms_text, "g").expect("gift link in the MMS text");
    let (status, page, _) = get(&app, &gift, "en").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("happy &lt;b&gt;birthday&lt;/b&gt;"),
        "message escaped: {page}"
    );
    assert!(page.contains("<audio") && page.contains("/content/card-001"));
    let (status, card, _) = get(&app, &format!("{gift}/content/card-001"), "en").await;
    assert_eq!(status, 200);
    assert!(!card.is_empty());
    let (status, _, _) = get(&app, &format!("{gift}/content/char-999"), "en").await;
    assert_eq!(status, 404, "only the gift's own extras");

    // Without its CSRF token the form is refused; nothing is accepted.
    let (status, _) = post_form(&app, &format!("{gift}/accept"), &[]).await;
    assert_eq!(status, 403);
    let (status, _) = post_form(&app, &format!("{gift}/accept"), &[("csrf", "0000")]).await;
    assert_eq!(status, 403);
    assert_eq!(app.wallet(giver).await[0]["status"], "pending_gift");

    let token = csrf_of(&page);
    let (status, accepted) = post_form(&app, &format!("{gift}/accept"), &[("csrf", &token)]).await;
    assert_eq!(status, 200, "{accepted}");
    let new_pin = app.pin(transferee, &code).await;
    assert_ne!(new_pin, pin);
    assert!(
        accepted.contains(&new_pin),
        "the new PIN after accepting: {accepted}"
    );
    assert!(accepted.contains("/barcode.png"));

    // The giver's link died with the change of hands; the transferee's own link works.
    let (status, _, _) = get(&app, &voucher, "en").await;
    assert_eq!(status, 404, "the giver's link is dead");
    let (status, _, _) = get(&app, &format!("{voucher}/barcode.png"), "en").await;
    assert_eq!(status, 404);
    let theirs = sms_link(&app, "+821061619999", "v", "PIN").await;
    let (status, page, _) = get(&app, &theirs, "en").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&new_pin));

    // Redeemed at a POS, the page shows the new balance.
    let (status, answer) = app.redeem(&code, &new_pin, "4000", "page-pos-1").await;
    assert_eq!(status, 200, "{answer}");
    let (_, page, _) = get(&app, &theirs, "en").await;
    assert!(page.contains("6,000"), "{page}");

    // A re-keyed PIN kills the link too; the renewal SMS carries a fresh one.
    let (status, answer) = app
        .post(
            &format!("/v1/certificates/{code}/pin"),
            &app.channel_key,
            json!({"msisdn": transferee}),
        )
        .await;
    assert_eq!(status, 202, "{answer}");
    let (status, _, _) = get(&app, &theirs, "en").await;
    assert_eq!(status, 404, "re-keyed: the old link is dead");
    let renewed_pin = app.pin(transferee, &code).await;
    let fresh = sms_link(&app, "+821061619999", "v", &format!("PIN {renewed_pin}")).await;
    let (status, _, _) = get(&app, &fresh, "en").await;
    assert_eq!(status, 200);
    app.finish().await;
}

#[actix_web::test]
async fn links_show_gift_and_die_on_postgres() {
    links_show_gift_and_die(Backend::Postgres).await;
}

#[actix_web::test]
async fn links_show_gift_and_die_on_sqlite() {
    links_show_gift_and_die(Backend::Sqlite).await;
}
