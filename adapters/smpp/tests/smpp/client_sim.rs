//! The client against the SMSC simulator over real sockets on 127.0.0.1.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::common::*;
use giftgate_smpp::{
    CodingOptions, FaultConfig, SmppClientConfig, SmppEvent, SmscSimConfig, SmscSimulator,
    SubmitError,
};

#[actix_rt::test]
async fn a_long_korean_text_arrives_reassembled_and_its_receipts_come_back() {
    let sim = simulator(FaultConfig::default()).await;
    let (client, mut events) = start_client(client_config(sim.smpp_addr()));
    let text = format!(
        "[선물] {} 님이 보낸 상품권 코드 1234-5678-9012-3456 PIN 123456 😀",
        "가나다라".repeat(30)
    );
    let accepted = client.submit(sms("m-1", HANDSET, &text)).await.unwrap();
    assert_eq!(accepted.smsc_message_ids.len(), 3);

    eventually("message in inbox", || !sim.inbox(HANDSET).is_empty()).await;
    let inbox = sim.inbox("821012345678");
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].text, text);
    assert_eq!(inbox[0].parts, 3);
    assert_eq!(inbox[0].data_coding, 8);
    assert_eq!(inbox[0].from, "1555");

    let expected: HashSet<String> = accepted
        .smsc_message_ids
        .iter()
        .map(|id| id.normalized.clone())
        .collect();
    let mut receipted = HashSet::new();
    while receipted.len() < 3 {
        match next_event(&mut events).await {
            SmppEvent::Receipt(receipt) => {
                assert!(receipt.state.is_success());
                assert!(receipt.done_at.is_some());
                receipted.insert(receipt.smsc_message_id.normalized);
            }
            other => panic!("unexpected event {other:?}"),
        }
    }
    assert_eq!(receipted, expected);
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn gsm_text_goes_as_data_coding_zero() {
    let sim = simulator(FaultConfig::default()).await;
    let (client, _events) = start_client(client_config(sim.smpp_addr()));
    client
        .submit(sms("m-1", HANDSET, "Your code: {1234} costs €5"))
        .await
        .unwrap();
    eventually("message in inbox", || !sim.inbox(HANDSET).is_empty()).await;
    let inbox = sim.inbox(HANDSET);
    assert_eq!(inbox[0].data_coding, 0);
    assert_eq!(inbox[0].text, "Your code: {1234} costs €5");
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn injected_mo_messages_become_events_including_a_two_part_one() {
    let sim = simulator(FaultConfig::default()).await;
    let (client, mut events) = start_client(client_config(sim.smpp_addr()));
    eventually("bound", || client.bound_count() == 1).await;
    sim.inject_mo("821012345678", "1555", "BAL").await.unwrap();
    let long = format!(
        "선물 1234567890123456 01098765432 {}",
        "생일 축하해".repeat(12)
    );
    sim.inject_mo("+821012345678", "1555", &long).await.unwrap();

    let mut texts = Vec::new();
    while texts.len() < 2 {
        if let SmppEvent::MobileOriginated(mo) = next_event(&mut events).await {
            assert_eq!(mo.from, "821012345678");
            assert_eq!(mo.to, "1555");
            texts.push(mo.text);
        }
    }
    assert_eq!(texts, vec!["BAL".to_owned(), long]);
    assert_eq!(sim.stats().mo_sent, 3);
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn refused_binds_are_retried_with_backoff_until_allowed() {
    let sim = simulator(FaultConfig {
        refuse_binds: 3,
        ..FaultConfig::default()
    })
    .await;
    let started = Instant::now();
    let (client, _events) = start_client(client_config(sim.smpp_addr()));
    client.submit(sms("m-1", HANDSET, "hello")).await.unwrap();
    // Three refusals cost at least the three jittered backoffs (>= 25 + 50 + 100 ms).
    assert!(
        started.elapsed() >= Duration::from_millis(175),
        "reconnected too fast: {:?}",
        started.elapsed()
    );
    assert_eq!(sim.stats().binds, 1);
    assert_eq!(client.bound_count(), 1);
    eventually("message in inbox", || sim.inbox(HANDSET).len() == 1).await;
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn a_connection_dropped_mid_window_loses_no_message() {
    let sim = simulator(FaultConfig {
        drop_after_submits: 7,
        ..FaultConfig::default()
    })
    .await;
    let (client, _events) = start_client(client_config(sim.smpp_addr()));
    let submits = (0..30).map(|i| {
        let client = client.clone();
        async move {
            client
                .submit(sms(
                    &format!("m-{i}"),
                    HANDSET,
                    &format!("message number {i}"),
                ))
                .await
        }
    });
    for outcome in futures::future::join_all(submits).await {
        outcome.unwrap();
    }
    let texts: HashSet<String> = sim.inbox(HANDSET).into_iter().map(|m| m.text).collect();
    for i in 0..30 {
        assert!(
            texts.contains(&format!("message number {i}")),
            "message {i} lost"
        );
    }
    assert!(sim.stats().binds >= 2, "the client did not rebind");
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn throttling_every_third_submit_delays_but_delivers_every_part_in_order() {
    let sim = simulator(FaultConfig {
        throttle_every: 3,
        ..FaultConfig::default()
    })
    .await;
    let (client, _events) = start_client(client_config(sim.smpp_addr()));
    let texts: Vec<String> = (0..6)
        .map(|i| format!("{i}:{}", "abcdefghij".repeat(40)))
        .collect();
    let submits = texts.iter().enumerate().map(|(i, text)| {
        let client = client.clone();
        let text = text.clone();
        async move { client.submit(sms(&format!("m-{i}"), HANDSET, &text)).await }
    });
    for outcome in futures::future::join_all(submits).await {
        let ids = outcome.unwrap().smsc_message_ids;
        assert_eq!(ids.len(), 3);
        let numbers: Vec<u64> = ids
            .iter()
            .map(|id| u64::from_str_radix(&id.raw, 16).unwrap())
            .collect();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "parts accepted out of order: {numbers:?}"
        );
    }
    let inbox = sim.inbox(HANDSET);
    let received: HashSet<String> = inbox.iter().map(|m| m.text.clone()).collect();
    assert_eq!(received, texts.into_iter().collect::<HashSet<_>>());
    let stats = sim.stats();
    assert_eq!(stats.submits, 18);
    assert!(
        stats.submit_attempts >= 26,
        "throttling did not happen: {stats:?}"
    );
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn an_invalid_destination_fails_permanently() {
    let sim = simulator(FaultConfig {
        permanent_error_destinations: vec!["+821099999999".to_owned()],
        ..FaultConfig::default()
    })
    .await;
    let (client, _events) = start_client(client_config(sim.smpp_addr()));
    let err = client
        .submit(sms("m-1", "+821099999999", "hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SubmitError::Permanent {
                status: 0x0B,
                part: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(client.submit(sms("m-2", HANDSET, "hi")).await.is_ok());
    assert_eq!(
        client
            .submit(sms("m-3", "+82-10-abc", "hi"))
            .await
            .unwrap_err(),
        SubmitError::InvalidDestination
    );
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn the_tps_limit_spaces_parts() {
    let sim = simulator(FaultConfig::default()).await;
    let config = SmppClientConfig {
        tps: 20,
        ..client_config(sim.smpp_addr())
    };
    let (client, _events) = start_client(config);
    client
        .submit(sms("warm-up", HANDSET, "warm up"))
        .await
        .unwrap();
    let started = Instant::now();
    let submits = (0..20).map(|i| {
        let client = client.clone();
        async move { client.submit(sms(&format!("m-{i}"), HANDSET, "x")).await }
    });
    for outcome in futures::future::join_all(submits).await {
        outcome.unwrap();
    }
    // 20 parts after the warm-up's slot: the last may leave 20 × 50 ms after it.
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(950),
        "20 parts at 20 tps took only {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(3),
        "far slower than 20 tps: {elapsed:?}"
    );
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn enquire_link_keeps_an_idle_bind_alive() {
    let sim = simulator(FaultConfig::default()).await;
    let config = SmppClientConfig {
        enquire_link_interval: Duration::from_millis(50),
        ..client_config(sim.smpp_addr())
    };
    let (client, _events) = start_client(config);
    eventually("bound", || client.bound_count() == 1).await;
    eventually("three enquire_links", || sim.stats().enquire_links >= 3).await;
    assert_eq!(sim.stats().binds, 1, "the bind was not kept");
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn shutdown_unbinds_and_later_submits_fail() {
    let sim = simulator(FaultConfig::default()).await;
    let (client, _events) = start_client(client_config(sim.smpp_addr()));
    client.submit(sms("m-1", HANDSET, "hello")).await.unwrap();
    assert_eq!(sim.stats().bound, 1);
    client.shutdown().await;
    assert_eq!(client.bound_count(), 0);
    eventually("simulator saw the unbind", || sim.stats().bound == 0).await;
    assert_eq!(
        client
            .submit(sms("m-2", HANDSET, "late"))
            .await
            .unwrap_err(),
        SubmitError::ShutDown
    );
    sim.stop().await;
}

#[actix_rt::test]
async fn the_simulator_http_side_shows_inbox_stats_and_takes_faults_and_mo() {
    let sim = simulator(FaultConfig::default()).await;
    let (client, mut events) = start_client(client_config(sim.smpp_addr()));
    client
        .submit(sms("m-1", HANDSET, "hello http"))
        .await
        .unwrap();
    let base = format!("http://{}", sim.http_addr());
    let inbox = http_get(&format!("{base}/handsets/%2B821012345678/inbox")).await;
    assert!(inbox.contains("hello http"), "{inbox}");
    let inbox = http_get(&format!("{base}/handsets/821012345678/inbox")).await;
    assert!(inbox.contains("hello http"), "{inbox}");
    assert!(
        http_get(&format!("{base}/stats"))
            .await
            .contains("\"submits\":1")
    );
    http_send(
        "PUT",
        &format!("{base}/faults"),
        r#"{"permanent_error_destinations":["821011112222"]}"#,
    )
    .await;
    assert!(
        client
            .submit(sms("m-2", "+821011112222", "x"))
            .await
            .is_err()
    );
    http_send(
        "POST",
        &format!("{base}/mo"),
        r#"{"from":"01012345678","to":"1555","text":"HELP"}"#,
    )
    .await;
    loop {
        if let SmppEvent::MobileOriginated(mo) = next_event(&mut events).await {
            assert_eq!(
                (mo.from.as_str(), mo.text.as_str()),
                ("01012345678", "HELP")
            );
            break;
        }
    }
    client.shutdown().await;
    sim.stop().await;
}

/// A tiny HTTP/1.1 client, so the tests need no HTTP crate.
async fn http_request(method: &str, url: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "{method} /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 2"), "{response}");
    response
}

async fn http_get(url: &str) -> String {
    http_request("GET", url, "").await
}

async fn http_send(method: &str, url: &str, body: &str) -> String {
    http_request(method, url, body).await
}

#[actix_rt::test]
async fn a_slow_smsc_still_gets_every_message() {
    let sim = simulator(FaultConfig {
        response_delay_ms: 100,
        ..FaultConfig::default()
    })
    .await;
    let (client, _events) = start_client(client_config(sim.smpp_addr()));
    let submits = (0..20).map(|i| {
        let client = client.clone();
        async move {
            client
                .submit(sms(&format!("m-{i}"), HANDSET, &format!("slow {i}")))
                .await
        }
    });
    for outcome in futures::future::join_all(submits).await {
        outcome.unwrap();
    }
    assert_eq!(sim.inbox(HANDSET).len(), 20);
    assert_eq!(
        sim.stats().binds,
        1,
        "a slow but timely SMSC must not cause reconnects"
    );
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn queue_full_and_system_errors_are_retried_without_duplicates() {
    let sim = simulator(FaultConfig {
        queue_full_every: 4,
        system_error_every: 5,
        ..FaultConfig::default()
    })
    .await;
    let (client, _events) = start_client(client_config(sim.smpp_addr()));
    let submits = (0..12).map(|i| {
        let client = client.clone();
        async move {
            client
                .submit(sms(&format!("m-{i}"), HANDSET, &format!("retry {i}")))
                .await
        }
    });
    for outcome in futures::future::join_all(submits).await {
        outcome.unwrap();
    }
    let mut texts: Vec<String> = sim.inbox(HANDSET).into_iter().map(|m| m.text).collect();
    texts.sort();
    let mut expected: Vec<String> = (0..12).map(|i| format!("retry {i}")).collect();
    expected.sort();
    assert_eq!(texts, expected);
    assert!(sim.stats().submit_attempts > 12);
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn persistent_temporary_errors_exhaust_the_retry_budget() {
    let sim = simulator(FaultConfig {
        system_error_every: 1,
        ..FaultConfig::default()
    })
    .await;
    let (client, _events) = start_client(client_config(sim.smpp_addr()));
    let err = client
        .submit(sms("m-1", HANDSET, "never"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        SubmitError::RetriesExhausted {
            status: 0x08,
            attempts: 5,
            part: 1
        }
    );
    assert_eq!(sim.stats().submit_attempts, 5);
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn deliver_sm_is_acknowledged_only_once_the_event_channel_took_it() {
    let sim = simulator(FaultConfig::default()).await;
    let (events_tx, mut events) = tokio::sync::mpsc::channel(1);
    let client = giftgate_smpp::SmppClient::start(client_config(sim.smpp_addr()), events_tx);
    eventually("bound", || client.bound_count() == 1).await;
    for text in ["first", "second", "third"] {
        sim.inject_mo("821012345678", "1555", text).await.unwrap();
    }
    eventually("first acknowledged", || sim.stats().deliver_sm_resps == 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sim.stats().deliver_sm_resps,
        1,
        "acknowledged before the event was taken"
    );
    let mut texts = Vec::new();
    for _ in 0..3 {
        if let SmppEvent::MobileOriginated(mo) = next_event(&mut events).await {
            texts.push(mo.text);
        }
    }
    assert_eq!(texts, ["first", "second", "third"]);
    eventually("all acknowledged", || sim.stats().deliver_sm_resps == 3).await;
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn several_binds_share_the_load() {
    let sim = simulator(FaultConfig::default()).await;
    let config = SmppClientConfig {
        binds: 3,
        ..client_config(sim.smpp_addr())
    };
    let (client, _events) = start_client(config);
    eventually("three binds", || client.bound_count() == 3).await;
    assert_eq!(sim.stats().bound, 3);
    let submits = (0..12).map(|i| {
        let client = client.clone();
        async move {
            client
                .submit(sms(&format!("m-{i}"), HANDSET, &format!("spread {i}")))
                .await
        }
    });
    for outcome in futures::future::join_all(submits).await {
        outcome.unwrap();
    }
    assert_eq!(sim.inbox(HANDSET).len(), 12);
    client.shutdown().await;
    eventually("all unbound", || sim.stats().bound == 0).await;
    sim.stop().await;
}

#[actix_rt::test]
async fn packed_gsm_works_end_to_end_when_both_sides_pack() {
    let coding = CodingOptions {
        gsm_packed: true,
        ..CodingOptions::default()
    };
    let sim = SmscSimulator::start(SmscSimConfig {
        coding,
        ..SmscSimConfig::default()
    })
    .await
    .unwrap();
    let (client, mut events) = start_client(SmppClientConfig {
        coding,
        ..client_config(sim.smpp_addr())
    });
    let text = format!("Packed {} €[]", "septets ".repeat(30));
    assert_eq!(
        client
            .submit(sms("m-1", HANDSET, &text))
            .await
            .unwrap()
            .smsc_message_ids
            .len(),
        2
    );
    let inbox = sim.inbox(HANDSET);
    assert_eq!(
        (inbox[0].text.as_str(), inbox[0].data_coding),
        (text.as_str(), 0)
    );
    sim.inject_mo("821012345678", "1555", &text).await.unwrap();
    loop {
        if let SmppEvent::MobileOriginated(mo) = next_event(&mut events).await {
            assert_eq!(mo.text, text);
            break;
        }
    }
    client.shutdown().await;
    sim.stop().await;
}

#[actix_rt::test]
async fn korean_goes_as_ksc5601_when_the_smsc_option_is_on() {
    let sim = simulator(FaultConfig::default()).await;
    let coding = CodingOptions {
        ksc5601: true,
        ..CodingOptions::default()
    };
    let (client, _events) = start_client(SmppClientConfig {
        coding,
        ..client_config(sim.smpp_addr())
    });
    let text = "상품권이 도착했습니다. 잔액 50000원";
    client.submit(sms("m-1", HANDSET, text)).await.unwrap();
    let inbox = sim.inbox(HANDSET);
    assert_eq!((inbox[0].text.as_str(), inbox[0].data_coding), (text, 0x0E));
    client.shutdown().await;
    sim.stop().await;
}
