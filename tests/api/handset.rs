//! A handset on the SMSC simulator: text the short code, read the inbox.

use crate::helpers::{TestApp, eventually};

/// The gateway's built-in SMSC simulator.
pub fn smsc(app: &TestApp) -> &giftgate_smpp::SmscSimHandle {
    app.gateway()
        .smsc_simulator
        .as_ref()
        .expect("built-in SMSC simulator")
}

/// Texts `text` from `from` to the short code.
pub async fn mo(app: &TestApp, from: &str, text: &str) {
    smsc(app).inject_mo(from, "1555", text).await.unwrap();
}

/// The texts `msisdn` (E.164) received.
pub fn texts(app: &TestApp, msisdn: &str) -> Vec<String> {
    smsc(app)
        .inbox(msisdn)
        .into_iter()
        .map(|m| m.text)
        .collect()
}

/// Waits for the `count`-th text to `msisdn` and answers it.
pub async fn nth_text(app: &TestApp, msisdn: &str, count: usize) -> String {
    eventually(&format!("text #{count} to {msisdn}"), || async {
        texts(app, msisdn).len() >= count
    })
    .await;
    texts(app, msisdn)[count - 1].clone()
}

/// Texts `text` and waits for the answer (the next text to that handset).
pub async fn ask(app: &TestApp, msisdn: &str, text: &str) -> String {
    let before = texts(app, msisdn).len();
    mo(app, msisdn, text).await;
    nth_text(app, msisdn, before + 1).await
}

/// Waits for a text to `msisdn` containing `needle`.
pub async fn inbox_has(app: &TestApp, msisdn: &str, needle: &str) -> String {
    eventually(&format!("a text to {msisdn} with {needle:?}"), || async {
        texts(app, msisdn).iter().any(|t| t.contains(needle))
    })
    .await;
    texts(app, msisdn)
        .into_iter()
        .find(|t| t.contains(needle))
        .unwrap_or_default()
}

/// Asserts no text to `msisdn` shows a refusal code (snake_case word) of the core.
pub fn assert_no_codes(app: &TestApp, msisdn: &str) {
    for text in texts(app, msisdn) {
        for code in [
            "unknown_product",
            "billing_declined",
            "certificate_not_found",
            "gift_not_found",
            "not_refundable",
            "extension_not_offered",
            "invalid_transferee",
        ] {
            assert!(!text.contains(code), "a code reached the handset: {text}");
        }
    }
}
