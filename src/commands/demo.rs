//! `giftgate demo`: the embedded default, end to end. Starts the whole gateway on SQLite
//! with the built-in simulators on loopback and runs the story of CONTRACT.md §1 through
//! the real HTTP API, actors, store and billing simulator: purchase → gift (with extras)
//! → accept → partial redemption → gift → reject → refund. Prints each step, every
//! message each handset received, and the final ledger audit.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use giftgate_actors::domain::OutboxMessage;
use serde_json::{Value, json};

use crate::config::Settings;
use crate::startup::Gateway;

const BUYER: &str = "010-1234-5678";
const FRIEND: &str = "010-2345-6789";
const COLLEAGUE: &str = "010-3456-7890";

struct Api {
    client: reqwest::Client,
    base: String,
    channel_key: String,
    merchant_key: String,
}

impl Api {
    async fn post(
        &self,
        path: &str,
        key: &str,
        body: Value,
        extra: Option<(&str, &str)>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(key)
            .json(&body);
        if let Some((name, value)) = extra {
            request = request.header(name, value);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    async fn get(&self, path: &str, key: &str) -> anyhow::Result<Value> {
        Ok(self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(key)
            .send()
            .await?
            .json()
            .await?)
    }

    async fn order(&self, body: Value) -> anyhow::Result<Value> {
        let (status, answer) = self
            .post("/v1/orders", &self.channel_key, body, None)
            .await?;
        if status != 202 || answer["status"] != "completed" {
            bail!("order not completed ({status}): {answer}");
        }
        Ok(answer)
    }
}

/// Runs the demo story.
pub async fn run(mut settings: Settings, database: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let directory = tempfile::tempdir()?;
    let file = database.unwrap_or_else(|| directory.path().join("giftgate-demo.db"));
    settings.database_url = format!("sqlite://{}?mode=rwc", file.display());
    settings.http_addr = "127.0.0.1:0".to_owned();
    settings.billing_url = None;
    let admin_token = format!("demo-{}", uuid::Uuid::new_v4().simple());
    settings.admin_token = Some(admin_token.clone());
    settings.amqp_url = None;

    println!("== giftgate demo: embedded SQLite at {}", file.display());
    let gateway = Gateway::start(settings).await?;
    let result = story(&gateway, &admin_token).await;
    gateway.stop().await;
    result
}

async fn story(gateway: &Gateway, admin_token: &str) -> anyhow::Result<ExitCode> {
    let client = reqwest::Client::new();
    let base = gateway.base_url();
    let admin = |path: &str, name: &str| {
        client
            .post(format!("{base}{path}"))
            .bearer_auth(admin_token)
            .json(&json!({ "name": name }))
            .send()
    };
    let channel: Value = admin("/v1/admin/channels", "carrier app")
        .await?
        .json()
        .await?;
    let merchant: Value = admin("/v1/admin/merchants", "Hanbit Dept. Gangnam POS")
        .await?
        .json()
        .await?;
    let api = Api {
        client: client.clone(),
        base: base.clone(),
        channel_key: channel["api_key"]
            .as_str()
            .context("channel key")?
            .to_owned(),
        merchant_key: merchant["api_key"]
            .as_str()
            .context("merchant key")?
            .to_owned(),
    };
    println!(
        "== gateway at {base}; channel {} and merchant {} registered",
        channel["channel_id"], merchant["merchant_id"]
    );

    println!("\n1. {BUYER} buys 2 x dept-50000, charged to the phone bill");
    let purchase = api
        .order(
            json!({"order_id":"demo-purchase-1","type":"purchase","msisdn":BUYER,
            "product_id":"dept-50000","quantity":2,"settlement":{"method":"carrier"}}),
        )
        .await?;
    let codes: Vec<String> = purchase["outcome"]["certificate_codes"]
        .as_array()
        .context("certificate codes")?
        .iter()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    println!("   completed: certificates {codes:?}");
    let billed = gateway
        .billing_simulator
        .as_ref()
        .map(|sim| sim.transactions().len())
        .unwrap_or_default();
    println!("   billing simulator recorded {billed} transaction(s)");

    let giver_pin = pin_of(&api, BUYER, &codes[0]).await?;
    println!(
        "\n2. {BUYER} gifts the first certificate to {FRIEND} with a message, a ringtone and a theme card"
    );
    let gift = api
        .order(
            json!({"order_id":"demo-gift-1","type":"gift","msisdn":BUYER,
            "certificate_codes":[codes[0]],"to":FRIEND,"message":"생일 축하해! Happy birthday!",
            "extras":["ring-001","card-001"]}),
        )
        .await?;
    let gift_id = gift["outcome"]["gift_id"]
        .as_str()
        .context("gift id")?
        .to_owned();
    println!("   gift {gift_id} sent");

    if let Some(mmsc) = &gateway.mmsc_simulator {
        for _ in 0..50 {
            if !mmsc.inbox("+821023456789").is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        println!(
            "   {FRIEND}'s handset got the gift MMS ({} message(s) in the MMSC's inbox)",
            mmsc.inbox("+821023456789").len()
        );
    }

    println!("\n3. {FRIEND} accepts gift {gift_id}");
    api.order(
        json!({"order_id":"demo-accept-1","type":"accept","msisdn":FRIEND,"gift_id":gift_id}),
    )
    .await?;
    let pin = pin_of(&api, FRIEND, &codes[0]).await?;
    println!(
        "   {FRIEND} now holds {} under a new PIN {pin} (the giver's PIN was {giver_pin})",
        codes[0]
    );

    println!("\n4. The department store's POS redeems 20,000 KRW of it (barcode + PIN)");
    let (status, refused) = api
        .post(
            "/v1/redemptions",
            &api.merchant_key,
            json!({"certificate_code":codes[0],"pin":giver_pin,"amount":"20000","currency":"KRW"}),
            Some(("Idempotency-Key", "pos-0001-receipt-76")),
        )
        .await?;
    println!(
        "   with the giver's old PIN {giver_pin}: refused ({status} {})",
        refused["error"]
    );
    if status == 200 {
        bail!("the giver's PIN still opened the certificate after the gift was accepted");
    }
    let (status, redemption) = api
        .post(
            "/v1/redemptions",
            &api.merchant_key,
            json!({"certificate_code":codes[0],"pin":pin,"amount":"20000","currency":"KRW"}),
            Some(("Idempotency-Key", "pos-0001-receipt-77")),
        )
        .await?;
    if status != 200 {
        bail!("redemption refused ({status}): {redemption}");
    }
    println!(
        "   approved {}: balance {} KRW",
        redemption["redemption_id"], redemption["balance"]
    );

    println!("\n5. {BUYER} gifts the second certificate to {COLLEAGUE}, who rejects it");
    let gift = api
        .order(
            json!({"order_id":"demo-gift-2","type":"gift","msisdn":BUYER,
            "certificate_codes":[codes[1]],"to":COLLEAGUE}),
        )
        .await?;
    let second_gift = gift["outcome"]["gift_id"]
        .as_str()
        .context("gift id")?
        .to_owned();
    api.order(json!({"order_id":"demo-reject-1","type":"reject","msisdn":COLLEAGUE,"gift_id":second_gift}))
        .await?;
    println!("   gift {second_gift} rejected: the certificate is back with {BUYER}");

    println!("\n6. {BUYER} refunds the returned, unused certificate to the phone bill");
    let refund = api
        .order(json!({"order_id":"demo-refund-1","type":"refund","msisdn":BUYER,"certificate_code":codes[1]}))
        .await?;
    println!(
        "   refunded {} {}",
        refund["outcome"]["amount"], refund["outcome"]["currency"]
    );

    let history = api
        .get(
            &format!("/v1/subscribers/{BUYER}/history"),
            &api.channel_key,
        )
        .await?;
    println!("\n== {BUYER}'s history");
    for entry in history["entries"].as_array().into_iter().flatten().rev() {
        println!(
            "   {} {} {} {} {}",
            entry["at"].as_str().unwrap_or_default(),
            entry["kind"],
            entry["certificate_code"],
            entry["amount"],
            entry["currency"]
        );
    }

    print_handsets(gateway).await?;

    println!("\n== final ledger");
    let report = gateway.ledger.audit().await?;
    print!("{report}");
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Prints what each handset received: the text messages from the SMSC simulator's
/// inbox and the multimedia messages (with their parts) from the MMSC simulator's, and
/// anything still queued in the outbox.
async fn print_handsets(gateway: &Gateway) -> anyhow::Result<()> {
    // Let the dispatchers hand everything committed to the SMSC and MMSC.
    for _ in 0..50 {
        let queued = gateway.ledger.pending_outbox(10_000).await?;
        if queued
            .iter()
            .all(|r| matches!(r.message, OutboxMessage::Event { .. }))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut inboxes: BTreeMap<String, Vec<(chrono::DateTime<chrono::Utc>, String)>> =
        BTreeMap::new();
    for handset in [BUYER, FRIEND, COLLEAGUE] {
        let e164 =
            giftgate_actors::domain::Msisdn::parse(handset, giftgate_actors::domain::Region::KR)?;
        let inbox = inboxes.entry(e164.to_string()).or_default();
        if let Some(smsc) = &gateway.smsc_simulator {
            for sms in smsc.inbox(e164.as_str()) {
                inbox.push((
                    sms.received_at,
                    format!(
                        "SMS ({} part(s), data_coding {}): {}",
                        sms.parts, sms.data_coding, sms.text
                    ),
                ));
            }
        }
        if let Some(mmsc) = &gateway.mmsc_simulator {
            for mms in mmsc.inbox(e164.as_str()) {
                let parts: Vec<String> = mms
                    .parts
                    .iter()
                    .map(|p| format!("{} ({}, {} bytes)", p.content_id, p.mime, p.size))
                    .collect();
                inbox.push((
                    mms.received_at,
                    format!(
                        "MMS \"{}\", {} bytes: {}\nparts: {}",
                        mms.subject,
                        mms.total_bytes,
                        mms.text.unwrap_or_default(),
                        parts.join(", ")
                    ),
                ));
            }
        }
    }
    for record in gateway.ledger.pending_outbox(10_000).await? {
        let (to, text) = match record.message {
            OutboxMessage::Sms(sms) => (sms.to, format!("SMS (still queued): {}", sms.text)),
            OutboxMessage::Mms(mms) => (mms.to, format!("MMS (still queued): {}", mms.text)),
            OutboxMessage::Event { .. } => continue,
        };
        inboxes
            .entry(to)
            .or_default()
            .push((record.created_at, text));
    }
    println!("\n== what each handset received (SMSC and MMSC simulators' inboxes)");
    for (handset, mut messages) in inboxes {
        messages.sort_by_key(|(at, _)| *at);
        println!("-- {handset}");
        for (_, message) in messages {
            for (i, line) in message.lines().enumerate() {
                println!("   {}{line}", if i == 0 { "* " } else { "  " });
            }
        }
    }
    Ok(())
}

/// The PIN of `code` in `owner`'s wallet.
async fn pin_of(api: &Api, owner: &str, code: &str) -> anyhow::Result<String> {
    let wallet = api
        .get(
            &format!("/v1/subscribers/{owner}/certificates"),
            &api.channel_key,
        )
        .await?;
    wallet["certificates"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["code"] == code)
        .and_then(|c| c["pin"].as_str())
        .map(str::to_owned)
        .with_context(|| format!("{code} in the wallet of {owner}"))
}
