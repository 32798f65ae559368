//! The signed-in site over HTTP, as a browser with cookies drives it (CONTRACT.md §8):
//! sign-in by a code read from the SMSC simulator's inbox, wrong codes counted then
//! locked, the per-number rate limit, forms refused without their CSRF token; then buy
//! on the phone bill through the confirm step, see the certificate in the wallet with
//! its barcode, gift it through the package check, read the history, sign out. Admin
//! edits the notices. Every test ends with the audit (`finish`).

use serde_json::json;

use crate::helpers::{Backend, TestApp, eventually};

/// A browser: its own cookie jar, following redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

async fn get(browser: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = browser
        .get(format!("{}{path}", app.base))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn post(
    browser: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = browser
        .post(format!("{}{path}", app.base))
        .header("Accept-Language", "en")
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The value of the first hidden input `name` of a page.
fn hidden(page: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&needle)
        .unwrap_or_else(|| panic!("{name} in {page}"))
        + needle.len();
    page[at..].chars().take_while(|c| *c != '"').collect()
}

/// The 6-digit code in the newest sign-in SMS to `e164`.
async fn code_sent_to(app: &TestApp, e164: &str, count: usize) -> String {
    let smsc = app.gateway().smsc_simulator.as_ref().unwrap();
    let codes = || {
        smsc.inbox(e164)
            .into_iter()
            .filter(|m| m.text.contains("Sign-in code") || m.text.contains("인증번호"))
            .collect::<Vec<_>>()
    };
    eventually("the sign-in code SMS", || async { codes().len() >= count }).await;
    let text = codes().last().unwrap().text.clone();
    text.split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .unwrap()
        .to_owned()
}

/// Signs `browser` in as `msisdn` (local form); answers the home page.
async fn sign_in(browser: &reqwest::Client, app: &TestApp, msisdn: &str, e164: &str) -> String {
    let (status, page) = get(browser, app, "/login").await;
    assert_eq!(status, 200, "{page}");
    let csrf = hidden(&page, "csrf");
    let (status, page) = post(
        browser,
        app,
        "/login",
        &[("csrf", &csrf), ("next", "/home"), ("msisdn", msisdn)],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("name=\"code\""), "{page}");
    let code = code_sent_to(app, e164, 1).await;
    let (status, home) = post(
        browser,
        app,
        "/login/code",
        &[
            ("csrf", &csrf),
            ("next", "/home"),
            ("msisdn", e164),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(status, 200, "{home}");
    home
}

async fn sign_in_buy_gift_and_sign_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let me = browser();
    let home = sign_in(&me, &app, "010-7171-0002", "+821071710002").await;
    assert!(
        home.contains("Signed in as") && home.contains("/catalog"),
        "{home}"
    );

    // Catalogue, filtered by category and price.
    let (status, catalog) = get(&me, &app, "/catalog?category=book&max_price=20000").await;
    assert_eq!(status, 200);
    assert!(catalog.contains("/catalog/book-10000"), "{catalog}");
    assert!(!catalog.contains("/catalog/dept-50000"), "{catalog}");

    // Product → review (the month's cap shown) → pay.
    let (_, product) = get(&me, &app, "/catalog/book-10000").await;
    let csrf = hidden(&product, "csrf");
    let (status, review) = post(
        &me,
        &app,
        "/purchase/review",
        &[
            ("csrf", &csrf),
            ("product_id", "book-10000"),
            ("quantity", "2"),
            ("method", "carrier"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{review}");
    assert!(review.contains("Monthly phone-bill limit"), "{review}");
    let order_id = hidden(&review, "order_id");
    let form = [
        ("csrf", csrf.as_str()),
        ("order_id", order_id.as_str()),
        ("product_id", "book-10000"),
        ("quantity", "2"),
        ("method", "carrier"),
        ("token", ""),
    ];
    let (status, done) = post(&me, &app, "/purchase", &form).await;
    assert_eq!(status, 200, "{done}");
    // Posting the confirm form again is the same order: still two certificates.
    post(&me, &app, "/purchase", &form).await;
    eventually("two certificates", || async {
        app.wallet("01071710002").await.len() == 2
    })
    .await;

    // The wallet shows both with their barcodes, which the session may fetch.
    let (_, wallet) = get(&me, &app, "/wallet").await;
    let codes: Vec<String> = app
        .wallet("01071710002")
        .await
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect();
    for code in &codes {
        assert!(wallet.contains(&format!("alt=\"{code}\"")), "{wallet}");
    }
    let png = me
        .get(format!("{}/wallet/{}/barcode.png", app.base, codes[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(png.status(), 200);
    assert_eq!(png.bytes().await.unwrap()[..4], [0x89, b'P', b'N', b'G']);
    // Someone else's browser, signed in or not, gets nothing of it.
    let stranger = browser();
    let (status, page) = get(&stranger, &app, &format!("/wallet/{}", codes[0])).await;
    assert!(
        page.contains("name=\"msisdn\""),
        "a guest is sent to sign in: {status} {page}"
    );

    // The refund page shows the amount before the confirm step.
    let (_, refund) = get(&me, &app, &format!("/wallet/{}/refund", codes[1])).await;
    assert!(refund.contains("10,000"), "{refund}");

    // Gift one with a message and extras: the package check shows what goes, then send.
    let (_, composer) = get(&me, &app, &format!("/gift?code={}", codes[0])).await;
    assert!(composer.contains("<audio"), "{composer}");
    let csrf = hidden(&composer, "csrf");
    let gift_order = hidden(&composer, "order_id");
    let (status, check) = post(
        &me,
        &app,
        "/gift",
        &[
            ("csrf", &csrf),
            ("order_id", &gift_order),
            ("code", &codes[0]),
            ("to", "010-7171-9999"),
            ("message", "Happy birthday"),
            ("theme_card", "card-001"),
            ("ringtone", "ring-001"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{check}");
    assert!(
        check.contains("Happy birthday")
            && check.contains("Message size")
            && check.contains("/send"),
        "{check}"
    );
    let send = check[check.find("action=\"/gift/").unwrap() + 8..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let (status, sent) = post(&me, &app, &send, &[("csrf", &csrf)]).await;
    assert_eq!(status, 200, "{sent}");
    assert!(sent.contains("on its way"), "{sent}");
    let mmsc = app.gateway().mmsc_simulator.as_ref().unwrap();
    eventually("the gift MMS", || async {
        !mmsc.inbox("+821071719999").is_empty()
    })
    .await;

    // History: the purchase and the gift.
    let (_, history) = get(&me, &app, "/history").await;
    assert!(
        history.contains("bought") && history.contains("gift sent"),
        "{history}"
    );
    let (_, gifts) = get(&me, &app, "/history?kind=gift").await;
    assert!(!gifts.contains("bought"), "{gifts}");

    // Sign out: the session is gone.
    let (_, home) = get(&me, &app, "/home").await;
    let csrf = hidden(&home, "csrf");
    post(&me, &app, "/logout", &[("csrf", &csrf)]).await;
    let (_, page) = get(&me, &app, "/wallet").await;
    assert!(page.contains("name=\"msisdn\""), "{page}");
    app.finish().await;
}

#[actix_web::test]
async fn sign_in_buy_gift_and_sign_out_on_postgres() {
    sign_in_buy_gift_and_sign_out(Backend::Postgres).await;
}

#[actix_web::test]
async fn sign_in_buy_gift_and_sign_out_on_sqlite() {
    sign_in_buy_gift_and_sign_out(Backend::Sqlite).await;
}

#[actix_web::test]
async fn wrong_codes_are_counted_then_locked_and_codes_rate_limited() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let me = browser();
    let (_, page) = get(&me, &app, "/login").await;
    let csrf = hidden(&page, "csrf");
    let ask = [("csrf", csrf.as_str()), ("msisdn", "01072720002")];
    let (status, _) = post(&me, &app, "/login", &ask).await;
    assert_eq!(status, 200);
    let right = code_sent_to(&app, "+821072720002", 1).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let typed = |code: &str| {
        [
            ("csrf", csrf.clone()),
            ("msisdn", "+821072720002".to_owned()),
            ("code", code.to_owned()),
        ]
    };
    for attempt in 1..=4 {
        let (status, page) = post_owned(&me, &app, "/login/code", &typed(wrong)).await;
        assert_eq!(status, 401, "attempt {attempt}: {page}");
        assert!(page.contains("not right"), "{page}");
    }
    let (status, page) = post_owned(&me, &app, "/login/code", &typed(wrong)).await;
    assert_eq!(status, 429, "{page}");
    // Locked: even the right code no longer opens it.
    let (status, _) = post_owned(&me, &app, "/login/code", &typed(&right)).await;
    assert_eq!(status, 429);
    assert!(
        get(&me, &app, "/wallet")
            .await
            .1
            .contains("name=\"msisdn\"")
    );

    // Five codes an hour per number; the sixth is refused and not sent.
    for _ in 0..4 {
        assert_eq!(post(&me, &app, "/login", &ask).await.0, 200);
    }
    let (status, page) = post(&me, &app, "/login", &ask).await;
    assert_eq!(status, 429, "{page}");
    let rows = crate::helpers::column_values(
        &app.settings.database_url,
        "SELECT COUNT(*)::text FROM web_sign_ins WHERE msisdn = '+821072720002'",
    )
    .await;
    assert_eq!(rows, ["5"]);
    // No code is ever stored in clear.
    let sealed = crate::helpers::column_values(
        &app.settings.database_url,
        "SELECT code_sealed FROM web_sign_ins",
    )
    .await;
    assert!(
        sealed
            .iter()
            .all(|s| s.starts_with("s1:") && !s.contains(&right)),
        "{sealed:?}"
    );
    app.finish().await;
}

#[actix_web::test]
async fn one_client_address_may_ask_twenty_codes_an_hour() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let me = browser();
    let (_, page) = get(&me, &app, "/login").await;
    let csrf = hidden(&page, "csrf");
    for i in 0..20 {
        let number = format!("0107474{:04}", 1000 + i);
        let (status, page) =
            post(&me, &app, "/login", &[("csrf", &csrf), ("msisdn", &number)]).await;
        assert_eq!(status, 200, "{i}: {page}");
    }
    let (status, page) = post(
        &me,
        &app,
        "/login",
        &[("csrf", &csrf), ("msisdn", "01074749999")],
    )
    .await;
    assert_eq!(status, 429, "{page}");
    assert!(page.contains("Too many codes"), "{page}");
    app.finish().await;
}

#[actix_web::test]
async fn a_card_purchase_through_the_pages() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let me = browser();
    sign_in(&me, &app, "01075750002", "+821075750002").await;
    let (_, product) = get(&me, &app, "/catalog/book-10000").await;
    let csrf = hidden(&product, "csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("product_id", "book-10000"),
        ("quantity", "1"),
        ("method", "card"),
        ("token", "tok_visa_4242"),
    ];
    let (status, review) = post(&me, &app, "/purchase/review", &form).await;
    assert_eq!(status, 200, "{review}");
    assert!(
        !review.contains("Monthly phone-bill limit"),
        "no cap for cards: {review}"
    );
    let order_id = hidden(&review, "order_id");
    let mut confirm = form.to_vec();
    confirm.push(("order_id", &order_id));
    let (status, done) = post(&me, &app, "/purchase", &confirm).await;
    assert_eq!(status, 200, "{done}");
    eventually("the card-paid certificate", || async {
        app.wallet("01075750002").await.len() == 1
    })
    .await;
    let method = crate::helpers::column_values(
        &app.settings.database_url,
        &format!("SELECT method FROM payments WHERE order_id = '{order_id}'"),
    )
    .await;
    assert_eq!(method, ["card"]);
    app.finish().await;
}

async fn post_owned(
    browser: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, String)],
) -> (u16, String) {
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post(browser, app, path, &borrowed).await
}

#[actix_web::test]
async fn forms_without_their_csrf_token_and_bad_fields_change_nothing() {
    let app = TestApp::spawn(Backend::Postgres).await;
    // No sign-in cookie, no token: 403, no code sent.
    let guest = browser();
    let (status, _) = post(&guest, &app, "/login", &[("msisdn", "01073730002")]).await;
    assert_eq!(status, 403);
    let me = browser();
    sign_in(&me, &app, "01073730002", "+821073730002").await;
    let (status, page) = post(
        &me,
        &app,
        "/purchase",
        &[
            ("order_id", "web-forged"),
            ("product_id", "book-10000"),
            ("method", "carrier"),
        ],
    )
    .await;
    assert_eq!(status, 403, "{page}");
    let (status, _) = post(
        &me,
        &app,
        "/gift",
        &[("csrf", "0000"), ("to", "01000000000")],
    )
    .await;
    assert_eq!(status, 403);
    // Oversized and malformed fields: a clear page, nothing placed.
    let (_, product) = get(&me, &app, "/catalog/book-10000").await;
    let csrf = hidden(&product, "csrf");
    let long = "9".repeat(5000);
    for (field, value) in [
        ("quantity", "11"),
        ("quantity", "x"),
        ("method", "cash"),
        ("token", long.as_str()),
    ] {
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("product_id", "book-10000"),
            ("quantity", "1"),
            ("method", "card"),
            ("token", "tok_ok"),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let (status, page) = post(&me, &app, "/purchase/review", &form).await;
        assert_eq!(status, 400, "{field}={value}: {page}");
    }
    let huge = "가".repeat(300);
    let (_, composer) = get(&me, &app, "/gift").await;
    assert!(composer.contains("no certificate to give"), "{composer}");
    let (status, _) = post(
        &me,
        &app,
        "/gift",
        &[
            ("csrf", &csrf),
            ("code", "1234"),
            ("to", "01000000000"),
            ("message", &huge),
        ],
    )
    .await;
    assert_eq!(status, 400);
    // A body beyond the form limit is refused before any handler runs.
    let (status, _) = post(&me, &app, "/login", &[("msisdn", &"1".repeat(70_000))]).await;
    assert!(status == 413 || status == 400, "{status}");
    assert!(app.wallet("01073730002").await.is_empty());
    app.finish().await;
}

#[actix_web::test]
async fn admins_edit_the_notices_and_guide() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let admin = app.settings.admin_token.clone().unwrap();
    let (status, _) = app
        .put(
            "/v1/admin/site-texts/notices",
            &admin,
            json!({"language": "en", "body": "Maintenance on Sunday 02:00.\n\nThank you."}),
        )
        .await;
    assert_eq!(status, 200);
    let guest = browser();
    let (status, page) = get(&guest, &app, "/notices").await;
    assert_eq!(status, 200);
    assert!(page.contains("Maintenance on Sunday"), "{page}");
    let (_, guide) = get(&guest, &app, "/guide").await;
    assert!(guide.contains("Show the barcode at the till"), "{guide}");
    for (topic, body, expected) in [
        ("faq", json!({"language":"en","body":"x"}), 400),
        ("guide", json!({"language":"fr","body":"x"}), 400),
        ("guide", json!({"language":"en","body":"  "}), 400),
        (
            "guide",
            json!({"language":"en","body":"x".repeat(4001)}),
            400,
        ),
    ] {
        let (status, _) = app
            .put(&format!("/v1/admin/site-texts/{topic}"), &admin, body)
            .await;
        assert_eq!(status, expected, "{topic}");
    }
    let (status, _) = app
        .put(
            "/v1/admin/site-texts/guide",
            &app.channel_key.clone(),
            json!({"language":"en","body":"x"}),
        )
        .await;
    assert_eq!(status, 401);
    app.finish().await;
}
