//! Interoperability: the giftgate client against an SMSC built on the npm package `smpp`
//! 0.5.1 (an independent implementation), run by `interop/npm_smsc.js`.

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use crate::common::peers::{ensure_npm_smpp, interop_dir};
use crate::common::{client_config, next_event, sms, start_client};
use giftgate_smpp::SmppEvent;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{ChildStdout, Command};

async fn next_line(lines: &mut Lines<BufReader<ChildStdout>>) -> Value {
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("npm SMSC said nothing for 20 s")
        .unwrap()
        .expect("npm SMSC exited");
    serde_json::from_str(&line).unwrap_or_else(|err| panic!("bad line {line:?}: {err}"))
}

#[actix_rt::test]
async fn the_client_talks_to_the_npm_smpp_smsc() {
    ensure_npm_smpp();
    let mut node = Command::new("node")
        .arg(interop_dir().join("npm_smsc.js"))
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let listening = next_line(&mut lines).await;
    assert_eq!(listening["event"], "listening");
    let port = listening["port"].as_u64().unwrap() as u16;

    let mut config = client_config(([127, 0, 0, 1], port).into());
    config.enquire_link_interval = Duration::from_millis(200);
    let (client, mut events) = start_client(config);
    let gsm = "Hello from giftgate";
    let korean = format!("선물이 도착했습니다 {}", "상품권".repeat(30));
    let first = client
        .submit(sms("npm-1", "+821012345678", gsm))
        .await
        .unwrap();
    let second = client
        .submit(sms("npm-2", "+821012345678", &korean))
        .await
        .unwrap();
    assert_eq!(second.smsc_message_ids.len(), 2);

    // What the npm SMSC decoded.
    let mut submits = Vec::new();
    while submits.len() < 3 {
        let line = next_line(&mut lines).await;
        match line["event"].as_str() {
            Some("submit") => submits.push(line),
            Some("bound") => assert_eq!(line["interface_version"], 0x34),
            _ => {}
        }
    }
    assert_eq!(submits[0]["message"], gsm);
    assert_eq!(submits[0]["data_coding"], 0);
    assert_eq!(submits[0]["destination"], "821012345678");
    assert_eq!(
        (
            submits[0]["dest_ton"].as_u64(),
            submits[0]["dest_npi"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(submits[0]["registered_delivery"], 1);
    let korean_parts: String = submits[1..]
        .iter()
        .map(|s| s["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(korean_parts, korean);
    assert_eq!(submits[1]["data_coding"], 8);
    assert_eq!(submits[0]["esm_class"], 0x00);
    assert_eq!(submits[1]["esm_class"], 0x40);

    // Receipts for all three parts and the two MO messages come back as events.
    let mut expected: HashSet<String> = first
        .smsc_message_ids
        .iter()
        .chain(&second.smsc_message_ids)
        .map(|id| id.normalized.clone())
        .collect();
    let mut mo = Vec::new();
    while !expected.is_empty() || mo.len() < 2 {
        match next_event(&mut events).await {
            SmppEvent::Receipt(receipt) => {
                assert!(receipt.state.is_success());
                assert!(
                    expected.remove(&receipt.smsc_message_id.normalized),
                    "unexpected receipt {receipt:?}"
                );
            }
            SmppEvent::MobileOriginated(message) => mo.push((message.from, message.text)),
        }
    }
    assert_eq!(
        mo,
        vec![
            ("821012345678".to_owned(), "BAL".to_owned()),
            ("01012345678".to_owned(), "잔액 확인".to_owned())
        ]
    );

    client.shutdown().await;
    loop {
        if next_line(&mut lines).await["event"] == "unbind" {
            break;
        }
    }
    assert_eq!(client.bound_count(), 0);
    node.kill().await.unwrap();
}
