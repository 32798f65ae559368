//! `MmsDispatcher`: the `Mms` actor of DESIGN.md. It takes committed gift notices from
//! the outbox, packages each as one multimedia message — SMIL presentation with the
//! theme card or character, the giver's text, the ringtone or background music — within
//! the size budget, and submits it over MM7. A permanent failure falls back to SMS (the
//! transferee gets the text, the giver is told which way the gift went); temporary
//! failures are retried with backoff. Every outcome is committed with its events.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use giftgate_actors::actors::periodic::{PeriodicJob, Round, TickContext};
use giftgate_actors::domain::{
    ContentId, Event, EventType, MessageRecord, MessageState, MmsNotice, Msisdn, OutboxChannel,
    OutboxMessage, OutboxRecord, Region, SmsNotice,
};
use giftgate_actors::ports::{Changes, Store};
use giftgate_mms::{MediaPart, Mm7Client, Mm7Error, PackageInput, SubmitRequest};

use super::claims::ClaimBook;
use super::note_store_failure;
use super::retry::next_attempt_after;

/// Packages and submits gift MMS.
pub struct MmsDispatcher {
    store: Arc<dyn Store>,
    client: Mm7Client,
    claims: ClaimBook,
    max_message_bytes: usize,
    every: Duration,
    region: Region,
}

impl MmsDispatcher {
    /// A dispatcher submitting through `client`, polling every `every`; recipients'
    /// numbers are read in `region` (the gateway's `GIFTGATE_REGION`).
    pub fn new(
        store: Arc<dyn Store>,
        client: Mm7Client,
        claims: ClaimBook,
        max_message_bytes: usize,
        every: Duration,
        region: Region,
    ) -> Self {
        MmsDispatcher {
            store,
            client,
            claims,
            max_message_bytes,
            every,
            region,
        }
    }
}

impl PeriodicJob for MmsDispatcher {
    const NAME: &'static str = "mms_dispatch";

    fn every(&self) -> Duration {
        self.every
    }

    fn round(&mut self, _: TickContext) -> Round {
        let store = Arc::clone(&self.store);
        let client = self.client.clone();
        let max = self.max_message_bytes;
        let claims = self.claims.clone();
        let region = self.region;
        Box::pin(async move {
            // Claimed for a lease, so another instance never sends the same MMS.
            let now = Utc::now();
            let due = match store
                .outbox_claim(
                    OutboxChannel::Mms,
                    now,
                    50,
                    now + chrono::Duration::minutes(5),
                )
                .await
            {
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!(%error, "reading the MMS outbox failed");
                    return;
                }
            };
            claims.hold(due.iter().map(|r| r.id));
            for record in due {
                let id = record.id;
                deliver(store.as_ref(), &client, max, region, record).await;
                claims.done(id);
            }
        })
    }
}

async fn deliver(
    store: &dyn Store,
    client: &Mm7Client,
    max_bytes: usize,
    region: Region,
    record: OutboxRecord,
) {
    let OutboxMessage::Mms(notice) = &record.message else {
        note_store_failure(
            "park",
            store.outbox_park(record.id, "not an MMS entry").await,
        );
        return;
    };
    // A number the store cannot answer for is tried by MMS: the MMSC's answer decides.
    let capable = match Msisdn::parse(&notice.to, region) {
        Ok(msisdn) => match store.mms_capable(&msisdn).await {
            Ok(capable) => capable,
            Err(error) => {
                note_store_failure::<()>("mms_capable", Err(error));
                true
            }
        },
        Err(_) => true,
    };
    if !capable {
        let result = fall_back_to_sms(store, notice, "the handset is marked MMS-incapable").await;
        if result.is_ok() {
            note_store_failure("delivered", store.outbox_delivered(&[record.id]).await);
        }
        return;
    }
    let outcome = match build_package(store, notice, max_bytes).await {
        Ok((package, dropped)) => {
            let request = SubmitRequest {
                transaction_id: notice.message_id.clone(),
                recipients: vec![notice.to.clone()],
                subject: notice.subject.clone(),
                package,
                delivery_report: true,
            };
            client
                .submit(&request)
                .await
                .map(|accepted| (accepted, dropped))
        }
        Err(error) => Err(error),
    };
    let result = match outcome {
        Ok((accepted, dropped)) => submitted(store, notice, &accepted.message_id, &dropped).await,
        Err(Mm7Error::Permanent { status_code, text }) => {
            fall_back_to_sms(
                store,
                notice,
                &format!("MMSC refused ({status_code}): {text}"),
            )
            .await
        }
        Err(error @ (Mm7Error::Malformed(_) | Mm7Error::Invalid(_))) => {
            fall_back_to_sms(store, notice, &error.to_string()).await
        }
        Err(error) => {
            tracing::warn!(message_id = %notice.message_id, %error, "MMS not submitted; will retry");
            let at = Utc::now()
                + chrono::Duration::from_std(next_attempt_after(record.attempts))
                    .unwrap_or_default();
            store
                .outbox_retry_at(record.id, &error.to_string(), at)
                .await
                .map_err(|e| e.to_string())
        }
    };
    match result {
        Ok(()) => {
            if let Err(error) = store.outbox_delivered(&[record.id]).await {
                tracing::warn!(%error, "marking an MMS entry delivered failed; it may be sent again");
            }
        }
        Err(error) => {
            tracing::warn!(%error, "recording an MMS outcome failed; it will be tried again")
        }
    }
}

/// The gift's package: its extras from the contents database, and the text.
async fn build_package(
    store: &dyn Store,
    notice: &MmsNotice,
    max_bytes: usize,
) -> Result<(giftgate_mms::MmsPackage, Vec<String>), Mm7Error> {
    let mut images = Vec::new();
    let mut audio = Vec::new();
    for code in &notice.barcodes {
        let png = giftgate_mms::code128_png(code).map_err(|e| Mm7Error::Invalid(e.to_string()))?;
        images.push(MediaPart {
            id: format!("barcode-{code}"),
            mime: "image/png".to_owned(),
            bytes: png,
            droppable: false,
        });
    }
    for extra in &notice.extras {
        let Ok(id) = ContentId::parse(extra) else {
            continue;
        };
        let item = store
            .content(&id)
            .await
            .map_err(|e| Mm7Error::Invalid(format!("contents unavailable: {e}")))?;
        let Some(item) = item else { continue };
        let part = MediaPart {
            id: item.id.to_string(),
            mime: item.mime.clone(),
            bytes: item.bytes,
            droppable: true,
        };
        if item.mime.starts_with("image/") {
            images.push(part);
        } else {
            audio.push(part);
        }
    }
    let package = giftgate_mms::package(PackageInput {
        subject: notice.subject.clone(),
        text: notice.text.clone(),
        images,
        audio,
        max_bytes,
    })
    .map_err(|e| Mm7Error::Invalid(e.to_string()))?;
    let dropped = package.dropped.clone();
    Ok((package, dropped))
}

async fn submitted(
    store: &dyn Store,
    notice: &MmsNotice,
    provider_id: &str,
    dropped: &[String],
) -> Result<(), String> {
    let now = Utc::now();
    let mut changes = Changes {
        messages: vec![MessageRecord {
            message_id: notice.message_id.clone(),
            channel: "mms".into(),
            recipient: notice.to.clone(),
            provider_ids: vec![provider_id.to_owned()],
            raw_provider_ids: vec![provider_id.to_owned()],
            state: MessageState::Submitted,
            detail: None,
            updated_at: now,
        }],
        ..Changes::default()
    };
    let mut event =
        Event::new(EventType::MessageSubmitted, now).with_reason("mms", &notice.message_id);
    event.msisdn = Some(notice.to.clone());
    event.gift_id = Some(notice.gift_id.clone());
    changes.outbox.push(OutboxMessage::event(event));
    if !dropped.is_empty() && !notice.giver.is_empty() {
        changes.outbox.push(OutboxMessage::Sms(SmsNotice {
            message_id: format!("{}-dropped", notice.message_id),
            to: notice.giver.clone(),
            text: format!(
                "[giftgate] Your gift {} went by MMS without {} (too large for one message).",
                notice.gift_id,
                dropped.join(", ")
            ),
        }));
    }
    store.commit(changes).await.map_err(|e| e.to_string())
}

/// The transferee gets the gift as SMS; the giver is told it went that way.
async fn fall_back_to_sms(store: &dyn Store, notice: &MmsNotice, why: &str) -> Result<(), String> {
    tracing::info!(message_id = %notice.message_id, why, "MMS failed permanently; falling back to SMS");
    let now = Utc::now();
    let mut failed = Event::new(EventType::MessageFailed, now).with_reason("mms_failed", why);
    failed.msisdn = Some(notice.to.clone());
    failed.gift_id = Some(notice.gift_id.clone());
    let changes = Changes {
        messages: vec![MessageRecord {
            message_id: notice.message_id.clone(),
            channel: "mms".into(),
            recipient: notice.to.clone(),
            provider_ids: Vec::new(),
            raw_provider_ids: Vec::new(),
            state: MessageState::Failed,
            detail: Some(why.to_owned()),
            updated_at: now,
        }],
        outbox: vec![OutboxMessage::event(failed)],
        ..Changes::default()
    };
    let mut changes = changes;
    if !notice.fallback_text.is_empty() {
        changes.outbox.push(OutboxMessage::Sms(SmsNotice {
            message_id: format!("{}-sms", notice.message_id),
            to: notice.to.clone(),
            text: notice.fallback_text.clone(),
        }));
    }
    if !notice.giver.is_empty() {
        changes.outbox.push(OutboxMessage::Sms(SmsNotice {
            message_id: format!("{}-giver", notice.message_id),
            to: notice.giver.clone(),
            text: format!(
                "[giftgate] Your gift {} could not go by MMS; it was sent by SMS instead.",
                notice.gift_id
            ),
        }));
    }
    store.commit(changes).await.map_err(|e| e.to_string())
}
