//! Gift packaging and MMS end to end: contents, barcodes, MM7 to the MMSC simulator,
//! delivery reports, and the SMS fallback.

use giftgate_actors::domain::MessageState;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, eventually};

async fn gift_with_extras(
    app: &TestApp,
    giver: &str,
    to: &str,
    tag: &str,
    extras: Value,
) -> String {
    let code = app
        .buy(&format!("{tag}-buy"), giver, "dept-50000", 1)
        .await
        .remove(0);
    let outcome = app
        .completed(
            json!({"order_id": format!("{tag}-gift"), "type":"gift","msisdn":giver,
            "certificate_codes":[code],"to":to,"message":"생일 축하해!","extras":extras}),
        )
        .await;
    outcome["gift_id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_gift_with_every_kind_of_extra_reaches_the_handset_as_one_mms() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (status, contents) = app.get("/v1/contents", "").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = contents["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["content_id"].as_str().unwrap())
        .collect();
    assert!(ids.len() >= 4, "{contents}");
    gift_with_extras(&app, "01070701111", "01070702222", "mms", json!(ids)).await;
    let mmsc = app.gateway().mmsc_simulator.as_ref().unwrap();
    eventually("the MMS to arrive", || async {
        !mmsc.inbox("+821070702222").is_empty()
    })
    .await;
    let inbox = mmsc.inbox("821070702222");
    assert_eq!(inbox.len(), 1);
    let parts = &inbox[0].parts;
    for id in &ids {
        assert!(
            parts.iter().any(|p| p.content_id.contains(id)),
            "{id} missing from {parts:?}"
        );
    }
    assert!(
        parts
            .iter()
            .filter(|p| p.mime != "application/smil")
            .all(|p| p.referenced_by_smil),
        "{parts:?}"
    );
    assert!(
        inbox[0]
            .text
            .as_deref()
            .unwrap_or_default()
            .contains("ACCEPT"),
        "{:?}",
        inbox[0].text
    );

    // The MMSC's delivery report moves the message to delivered.
    let store = std::sync::Arc::clone(app.gateway().ledger.store());
    let message_id = inbox[0].transaction_id.clone();
    eventually("the delivery report", || {
        let store = std::sync::Arc::clone(&store);
        let message_id = message_id.clone();
        async move {
            store
                .message(&message_id)
                .await
                .unwrap()
                .is_some_and(|m| m.state == MessageState::Delivered)
        }
    })
    .await;
    app.finish().await;
}

#[actix_web::test]
async fn a_permanent_mms_failure_falls_back_to_sms_and_tells_the_giver() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.gateway()
        .mmsc_simulator
        .as_ref()
        .unwrap()
        .set_status_script(vec![2007]);
    let gift_id = gift_with_extras(
        &app,
        "01080801111",
        "01080802222",
        "fallback",
        json!(["card-001"]),
    )
    .await;
    let smsc = app.gateway().smsc_simulator.as_ref().unwrap();
    eventually("the SMS fallback", || async {
        smsc.inbox("+821080802222")
            .iter()
            .any(|m| m.text.contains("ACCEPT"))
    })
    .await;
    eventually("the giver told", || async {
        smsc.inbox("+821080801111")
            .iter()
            .any(|m| m.text.contains("SMS instead"))
    })
    .await;
    assert!(
        app.gateway()
            .mmsc_simulator
            .as_ref()
            .unwrap()
            .inbox("+821080802222")
            .is_empty()
    );
    // The transferee can still answer the gift.
    app.completed(json!({"order_id":"fallback-accept","type":"accept","msisdn":"01080802222","gift_id":gift_id}))
        .await;
    app.finish().await;
}

#[actix_web::test]
async fn a_server_error_three_times_then_success_delivers_once() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.gateway()
        .mmsc_simulator
        .as_ref()
        .unwrap()
        .set_status_script(vec![4006, 4006, 4006]);
    gift_with_extras(
        &app,
        "01080803333",
        "01080804444",
        "retry",
        json!(["ring-001"]),
    )
    .await;
    let mmsc = app.gateway().mmsc_simulator.as_ref().unwrap();
    eventually("the MMS after retries", || async {
        !mmsc.inbox("+821080804444").is_empty()
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        mmsc.inbox("+821080804444").len(),
        1,
        "delivered exactly once"
    );
    app.finish().await;
}

#[actix_web::test]
async fn uploads_are_checked_by_content_and_unknown_extras_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let admin = app.settings.admin_token.clone().unwrap();
    let upload = |bytes: Vec<u8>, mime: &'static str, kind: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("kind", kind)
            .text("title", "test")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes)
                    .file_name("x.png")
                    .mime_str(mime)
                    .unwrap(),
            );
        app.client
            .post(format!("{}/v1/admin/contents", app.base))
            .bearer_auth(&admin)
            .multipart(form)
            .send()
    };
    let png = giftgate_mms::sample_contents()
        .into_iter()
        .find(|c| c.mime == "image/png")
        .unwrap()
        .bytes;
    let response = upload(png, "image/png", "theme_card").await.unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let created: Value = response.json().await.unwrap();
    let response = upload(vec![0u8; 2 * 1024 * 1024], "image/png", "theme_card")
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(status, 413, "{body}");
    let response = upload(
        b"<html>not a png</html>".to_vec(),
        "image/png",
        "theme_card",
    )
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let refused: Value = response.json().await.unwrap();
    assert!(
        refused["error"].as_str().unwrap().contains("content"),
        "{refused}"
    );

    let code = app
        .buy("extras", "01080805555", "book-10000", 1)
        .await
        .remove(0);
    let (status, answer) = app
        .order(
            json!({"order_id":"bad-extra","type":"gift","msisdn":"01080805555",
            "certificate_codes":[code],"to":"01080806666","extras":["no-such-content"]}),
        )
        .await;
    assert_eq!(status, 404, "{answer}");
    assert_eq!(answer["error"], "unknown_content");
    let (status, _) = app
        .order(
            json!({"order_id":"good-extra","type":"gift","msisdn":"01080805555",
            "certificate_codes":[code],"to":"01080806666","extras":[created["content_id"]]}),
        )
        .await;
    assert_eq!(status, 202);

    // The owner's channel gets the barcode; it encodes the code.
    let response = app
        .client
        .get(format!("{}/v1/certificates/{code}/barcode.svg", app.base))
        .bearer_auth(&app.channel_key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains(&code));
    let response = app
        .client
        .get(format!("{}/v1/certificates/{code}/barcode.png", app.base))
        .bearer_auth(&app.channel_key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "image/png");
    assert!(response.bytes().await.unwrap().starts_with(b"\x89PNG"));
    app.finish().await;
}

#[actix_web::test]
async fn a_transferee_marked_mms_incapable_gets_the_gift_by_sms() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let admin = app.settings.admin_token.clone().unwrap();
    let (status, answer) = app
        .client
        .put(format!(
            "{}/v1/admin/subscribers/010-9090-1111/handset",
            app.base
        ))
        .bearer_auth(&admin)
        .json(&json!({"mms_capable": false}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(status, 200, "{:?}", answer.text().await);
    gift_with_extras(
        &app,
        "01090902222",
        "01090901111",
        "incapable",
        json!(["card-001"]),
    )
    .await;
    let smsc = app.gateway().smsc_simulator.as_ref().unwrap();
    eventually("the gift by SMS", || async {
        smsc.inbox("+821090901111")
            .iter()
            .any(|m| m.text.contains("ACCEPT"))
    })
    .await;
    eventually("the giver told", || async {
        smsc.inbox("+821090902222")
            .iter()
            .any(|m| m.text.contains("SMS instead"))
    })
    .await;
    assert!(
        app.gateway()
            .mmsc_simulator
            .as_ref()
            .unwrap()
            .inbox("+821090901111")
            .is_empty()
    );
    app.finish().await;
}

/// A content provider on loopback: a theme card, a file that lies about being a PNG,
/// and nothing else.
async fn start_provider() -> (String, actix_web::dev::ServerHandle) {
    use actix_web::{App, HttpResponse, HttpServer, web};
    let png = giftgate_mms::sample_contents()
        .into_iter()
        .find(|c| c.mime == "image/png")
        .unwrap()
        .bytes;
    let server = HttpServer::new(move || {
        let png = png.clone();
        App::new().route(
            "/contents/{id}",
            web::get().to(move |id: web::Path<String>| {
                let png = png.clone();
                async move {
                    match id.as_str() {
                        "card-ext-1" => HttpResponse::Ok()
                            .content_type("image/png")
                            .insert_header(("X-Content-Title", "Autumn"))
                            .body(png),
                        "card-liar" => HttpResponse::Ok()
                            .content_type("image/png")
                            .body("<html>no</html>"),
                        _ => HttpResponse::NotFound().finish(),
                    }
                }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .bind("127.0.0.1:0")
    .unwrap();
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (format!("http://{addr}/contents/{{id}}"), handle)
}

#[actix_web::test]
async fn extras_from_an_external_content_provider_are_checked_and_cached() {
    let (template, provider) = start_provider().await;
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.content_provider_url = Some(template.clone())
    })
    .await;
    let code = app.buy("cp-buy", "01092920000", "book-10000", 2).await;
    let (status, answer) = app
        .order(
            json!({"order_id":"cp-gift","type":"gift","msisdn":"01092920000",
            "certificate_codes":[codes_first(&code)],"to":"01092929999","extras":["card-ext-1"]}),
        )
        .await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["status"], "completed", "{answer}");
    let (_, contents) = app.get("/v1/contents", "").await;
    assert!(
        contents["contents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["content_id"] == "card-ext-1" && c["title"] == "Autumn")
    );
    let (status, refused) = app
        .order(
            json!({"order_id":"cp-liar","type":"gift","msisdn":"01092920000",
            "certificate_codes":[code[1]],"to":"01092929999","extras":["card-liar"]}),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"], "unsupported_content");
    let (status, missing) = app
        .order(
            json!({"order_id":"cp-none","type":"gift","msisdn":"01092920000",
            "certificate_codes":[code[1]],"to":"01092929999","extras":["card-nope"]}),
        )
        .await;
    assert_eq!(status, 404, "{missing}");
    assert_eq!(missing["error"], "unknown_content");
    let mmsc = app.gateway().mmsc_simulator.as_ref().unwrap();
    eventually("the MMS with the provider's card", || async {
        mmsc.inbox("+821092929999")
            .iter()
            .any(|m| m.parts.iter().any(|p| p.content_id.contains("card-ext-1")))
    })
    .await;
    provider.stop(true).await;
    app.finish().await;
}

fn codes_first(codes: &[String]) -> &str {
    &codes[0]
}
