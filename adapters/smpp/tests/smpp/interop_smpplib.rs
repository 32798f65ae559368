//! Interoperability: the giftgate SMSC simulator against Python's `smpplib` 2.2.4 (an
//! independent ESME), run by `interop/smpplib_esme.py`.

use std::time::Duration;

use crate::common::peers::{ensure_smpplib, interop_dir};
use crate::common::simulator;
use giftgate_smpp::FaultConfig;
use serde_json::Value;
use tokio::process::Command;

#[actix_rt::test]
async fn the_simulator_serves_the_smpplib_esme() {
    ensure_smpplib();
    let sim = simulator(FaultConfig::default()).await;
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        Command::new("python3")
            .arg(interop_dir().join("smpplib_esme.py"))
            .arg(sim.smpp_addr().ip().to_string())
            .arg(sim.smpp_addr().port().to_string())
            .arg(interop_dir().join("pydeps"))
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("smpplib ESME did not finish within 60 s")
    .unwrap();
    assert!(
        output.status.success(),
        "smpplib ESME failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();

    assert_eq!(result["wrong_password_status"], 0x0E, "{result}");
    let parts = result["parts"].as_u64().unwrap();
    assert!(parts >= 3, "{result}");
    assert_eq!(result["submitted"].as_array().unwrap().len() as u64, parts);
    let receipts = result["receipts"].as_array().unwrap();
    assert_eq!(receipts.len() as u64, parts);
    for receipt in receipts {
        assert_eq!(receipt["esm_class"], 4);
        assert!(receipt["text"].as_str().unwrap().contains("stat:DELIVRD"));
        assert!(
            result["submitted"]
                .as_array()
                .unwrap()
                .contains(&receipt["id"])
        );
    }

    let inbox = sim.inbox("+821055550000");
    let texts: Vec<&str> = inbox.iter().map(|m| m.text.as_str()).collect();
    let expected: Vec<&str> = result["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(texts, expected);
    assert!(inbox[1].parts >= 2);
    assert_eq!(sim.stats().bound, 0, "smpplib's unbind was not honoured");
    sim.stop().await;
}
