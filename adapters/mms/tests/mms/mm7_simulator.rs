//! End to end over real HTTP on loopback: the MM7 client against the MMSC simulator.

use std::net::SocketAddr;
use std::time::Duration;

use crate::common::{TRANSFEREE, client_config, gift_package, submit_request};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use giftgate_mms::{
    DEFAULT_MAX_MESSAGE_BYTES, DeliveryReport, Mm7Client, Mm7Error, Mm7Version, MmsDeliveryStatus,
    MmscSimConfig, MmscSimulator, delivery_report_response, parse_delivery_report,
};
use tokio::sync::mpsc;

fn sim_config(version: Mm7Version) -> MmscSimConfig {
    MmscSimConfig {
        username: Some("vasp".to_owned()),
        password: Some("secret".to_owned()),
        version,
        ..MmscSimConfig::default()
    }
}

#[tokio::test]
async fn a_gift_with_every_kind_of_extra_reaches_the_handset_with_every_part_referenced() {
    let sim = MmscSimulator::start(sim_config(Mm7Version::Rel5))
        .await
        .unwrap();
    let client = Mm7Client::new(client_config(sim.url(), Mm7Version::Rel5)).unwrap();
    let package = gift_package(DEFAULT_MAX_MESSAGE_BYTES);
    assert!(package.dropped.is_empty());
    let sent_ids: Vec<String> = package.parts.iter().map(|p| p.content_id.clone()).collect();

    let accepted = client
        .submit(&submit_request("tx-1", package.clone()))
        .await
        .unwrap();

    let inbox = sim.inbox(TRANSFEREE);
    assert_eq!(inbox.len(), 1);
    let mms = &inbox[0];
    assert_eq!(mms.message_id, accepted.message_id);
    assert_eq!(mms.transaction_id, "tx-1");
    assert_eq!(mms.from, "1555");
    assert_eq!(mms.subject, "A gift certificate from Kim");
    let text = mms.text.as_deref().unwrap();
    assert!(
        text.contains("\"Happy birthday!\"") && text.contains("ACCEPT") && text.contains("REJECT")
    );
    let received_ids: Vec<String> = mms.parts.iter().map(|p| p.content_id.clone()).collect();
    assert_eq!(received_ids, sent_ids);
    assert_eq!(mms.parts[0].mime, "application/smil");
    for part in &mms.parts[1..] {
        assert!(
            part.referenced_by_smil,
            "{} is not referenced by the SMIL",
            part.content_id
        );
    }
    for (sent, received) in package.parts.iter().zip(&mms.parts) {
        assert_eq!(
            sent.bytes.len(),
            received.size,
            "size of {}",
            sent.content_id
        );
    }
    assert_eq!(mms.total_bytes, package.total_bytes);
    let kinds: Vec<&str> = mms.parts.iter().map(|p| p.mime.as_str()).collect();
    assert!(
        kinds.contains(&"audio/midi")
            && kinds.contains(&"image/png")
            && kinds.contains(&"text/plain")
    );
    // Without '+', the same handset.
    assert_eq!(sim.inbox(TRANSFEREE.trim_start_matches('+')).len(), 1);
    sim.stop().await;
}

#[tokio::test]
async fn the_inbox_is_readable_over_http() {
    let sim = MmscSimulator::start(sim_config(Mm7Version::Rel5))
        .await
        .unwrap();
    let client = Mm7Client::new(client_config(sim.url(), Mm7Version::Rel5)).unwrap();
    client
        .submit(&submit_request(
            "tx-http",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap();
    let url = format!("http://{}/handsets/{}/inbox", sim.http_addr(), TRANSFEREE);
    let inbox: serde_json::Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    assert_eq!(inbox[0]["transaction_id"], "tx-http");
    assert_eq!(inbox[0]["parts"][0]["mime"], "application/smil");
    let stats: serde_json::Value = reqwest::get(format!("http://{}/stats", sim.http_addr()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["accepted"], 1);
    sim.stop().await;
}

#[tokio::test]
async fn service_unavailable_three_times_then_success_delivers_exactly_once() {
    let sim = MmscSimulator::start(MmscSimConfig {
        status_script: vec![4006, 4006, 4006],
        ..sim_config(Mm7Version::Rel5)
    })
    .await
    .unwrap();
    let client = Mm7Client::new(client_config(sim.url(), Mm7Version::Rel5)).unwrap();
    let accepted = client
        .submit(&submit_request(
            "tx-retry",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap();
    let inbox = sim.inbox(TRANSFEREE);
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].message_id, accepted.message_id);
    let stats = sim.stats();
    assert_eq!(stats.submits_received, 4);
    assert_eq!(stats.refused.get(&4006), Some(&3));
    sim.stop().await;
}

#[tokio::test]
async fn a_status_script_set_over_http_applies_and_exhausted_retries_are_temporary() {
    let sim = MmscSimulator::start(sim_config(Mm7Version::Rel5))
        .await
        .unwrap();
    let put = reqwest::Client::new()
        .put(format!("http://{}/status-script", sim.http_addr()))
        .json(&vec![3000u16; 5])
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success());
    let mut cfg = client_config(sim.url(), Mm7Version::Rel5);
    cfg.max_attempts = 3;
    let client = Mm7Client::new(cfg).unwrap();
    let err = client
        .submit(&submit_request(
            "tx-busy",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Mm7Error::Temporary {
                status_code: Some(3000),
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(sim.inbox(TRANSFEREE).is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn a_permanent_refusal_is_not_retried() {
    let sim = MmscSimulator::start(MmscSimConfig {
        status_script: vec![2007],
        ..sim_config(Mm7Version::Rel5)
    })
    .await
    .unwrap();
    let client = Mm7Client::new(client_config(sim.url(), Mm7Version::Rel5)).unwrap();
    let err = client
        .submit(&submit_request(
            "tx-perm",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Mm7Error::Permanent {
                status_code: 2007,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(sim.stats().submits_received, 1);
    assert!(sim.inbox(TRANSFEREE).is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn rel6_is_selectable_and_a_version_mismatch_is_refused_as_corrupt() {
    let sim6 = MmscSimulator::start(sim_config(Mm7Version::Rel6))
        .await
        .unwrap();
    let client6 = Mm7Client::new(client_config(sim6.url(), Mm7Version::Rel6)).unwrap();
    client6
        .submit(&submit_request(
            "tx-rel6",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap();
    assert_eq!(sim6.inbox(TRANSFEREE).len(), 1);

    let client5 = Mm7Client::new(client_config(sim6.url(), Mm7Version::Rel5)).unwrap();
    let err = client5
        .submit(&submit_request(
            "tx-rel5",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Mm7Error::Permanent {
                status_code: 2007,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(sim6.inbox(TRANSFEREE).len(), 1);
    sim6.stop().await;
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized() {
    let sim = MmscSimulator::start(sim_config(Mm7Version::Rel5))
        .await
        .unwrap();
    let mut cfg = client_config(sim.url(), Mm7Version::Rel5);
    cfg.password = Some("wrong".to_owned());
    let client = Mm7Client::new(cfg).unwrap();
    let err = client
        .submit(&submit_request(
            "tx-auth",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap_err();
    assert_eq!(err, Mm7Error::Unauthorized { http_status: 401 });
    sim.stop().await;
}

#[tokio::test]
async fn a_message_over_the_mmsc_limit_is_refused_as_content_refused() {
    let sim = MmscSimulator::start(MmscSimConfig {
        max_message_bytes: 10_000,
        ..sim_config(Mm7Version::Rel5)
    })
    .await
    .unwrap();
    let client = Mm7Client::new(client_config(sim.url(), Mm7Version::Rel5)).unwrap();
    let err = client
        .submit(&submit_request(
            "tx-big",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Mm7Error::Permanent {
                status_code: 2004,
                ..
            }
        ),
        "{err:?}"
    );
    sim.stop().await;
}

/// Starts an HTTP receiver of delivery reports that answers like giftgate will.
async fn report_receiver() -> (
    SocketAddr,
    mpsc::UnboundedReceiver<DeliveryReport>,
    actix_web::dev::ServerHandle,
) {
    let (tx, rx) = mpsc::unbounded_channel::<DeliveryReport>();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = HttpServer::new(move || {
        let tx = tx.clone();
        App::new().route(
            "/mm7/reports",
            web::post().to(move |request: HttpRequest, body: web::Bytes| {
                let tx = tx.clone();
                async move {
                    let content_type = request
                        .headers()
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    match parse_delivery_report(&body, &content_type) {
                        Ok(report) => {
                            let answer =
                                delivery_report_response(&report.transaction_id, report.version);
                            tx.send(report).unwrap();
                            HttpResponse::Ok()
                                .content_type("text/xml; charset=utf-8")
                                .body(answer)
                        }
                        Err(e) => HttpResponse::BadRequest().body(e.to_string()),
                    }
                }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (addr, rx, handle)
}

#[tokio::test]
async fn the_simulator_posts_a_delivery_report_that_parses_to_the_configured_status() {
    let (addr, mut reports, receiver) = report_receiver().await;
    let sim = MmscSimulator::start(MmscSimConfig {
        delivery_report_url: Some(format!("http://{addr}/mm7/reports")),
        delivery_report_delay: Duration::from_millis(50),
        delivery_status: MmsDeliveryStatus::Expired,
        ..sim_config(Mm7Version::Rel6)
    })
    .await
    .unwrap();
    let client = Mm7Client::new(client_config(sim.url(), Mm7Version::Rel6)).unwrap();
    let accepted = client
        .submit(&submit_request(
            "tx-report",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap();
    let report = tokio::time::timeout(Duration::from_secs(5), reports.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.message_id, accepted.message_id);
    assert_eq!(report.recipient, TRANSFEREE);
    assert_eq!(report.status, MmsDeliveryStatus::Expired);
    assert_eq!(report.version, Mm7Version::Rel6);
    assert!(!report.transaction_id.is_empty());
    // The simulator counts the report once our answer (DeliveryReportRsp) came back.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sim.stats().reports_sent, 1);
    sim.stop().await;
    receiver.stop(true).await;
}

#[tokio::test]
async fn an_oversize_gift_drops_the_largest_extras_and_still_validates() {
    let full = gift_package(DEFAULT_MAX_MESSAGE_BYTES);
    let mut sizes: Vec<(usize, String)> = full.parts[2..]
        .iter()
        .filter(|p| p.content_id != "barcode")
        .map(|p| (p.bytes.len(), p.content_id.clone()))
        .collect();
    sizes.sort();
    let largest = sizes.last().unwrap().1.clone();
    let budget = full.total_bytes - 1;
    let trimmed = gift_package(budget);
    assert_eq!(trimmed.dropped, vec![largest.clone()]);
    assert!(trimmed.total_bytes <= budget);

    let sim = MmscSimulator::start(sim_config(Mm7Version::Rel5))
        .await
        .unwrap();
    let client = Mm7Client::new(client_config(sim.url(), Mm7Version::Rel5)).unwrap();
    client
        .submit(&submit_request("tx-trim", trimmed))
        .await
        .unwrap();
    let inbox = sim.inbox(TRANSFEREE);
    assert!(inbox[0].parts.iter().all(|p| p.content_id != largest));
    assert!(inbox[0].parts.iter().any(|p| p.content_id == "barcode"));
    sim.stop().await;
}

#[tokio::test]
async fn an_unreachable_mmsc_is_a_temporary_failure_after_the_attempts() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/mm7", listener.local_addr().unwrap());
    drop(listener);
    let mut cfg = client_config(url, Mm7Version::Rel5);
    cfg.max_attempts = 2;
    let client = Mm7Client::new(cfg).unwrap();
    let err = client
        .submit(&submit_request(
            "tx-down",
            gift_package(DEFAULT_MAX_MESSAGE_BYTES),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Mm7Error::Temporary {
                status_code: None,
                attempts: 2,
                ..
            }
        ),
        "{err:?}"
    );
}
