//! What the SMSC sends back: delivery receipts, matched to stored messages by the
//! SMSC's (normalised) message id, and mobile-originated commands, handed to the
//! subscriber's session through [`MoIntake`] (concurrent across subscribers, in order
//! per subscriber, bounded: see there). A receipt is applied in a task of its own at
//! once, never behind an MO command; one that arrives before its `submit_sm_resp` was
//! recorded is tried again for a while before it is logged as unmatched.

use std::sync::Arc;
use std::time::Duration;

use actix::Addr;
use chrono::Utc;
use giftgate_actors::actors::SessionRegistry;
use giftgate_actors::domain::{Event, MessageRecord, MessageState, OutboxMessage, Region};
use giftgate_actors::ports::{Changes, Store};
use giftgate_smpp::{DeliveryReceipt, SmppEvent};
use tokio::sync::mpsc;

use super::mo_intake::MoIntake;

/// Tries to match an early receipt this many times, a second apart.
const EARLY_RECEIPT_TRIES: u32 = 30;

/// Consumes SMPP events until the channel closes; holds at most `mo_in_flight` MO
/// commands at once (then stops reading: back-pressure on the binds).
pub async fn run(
    mut events: mpsc::Receiver<SmppEvent>,
    store: Arc<dyn Store>,
    registry: Addr<SessionRegistry>,
    region: Region,
    mo_in_flight: usize,
) {
    let mut mo = MoIntake::new(registry, region, mo_in_flight);
    loop {
        tokio::select! {
            Some(()) = mo.next_finished(), if mo.is_busy() => {}
            event = events.recv(), if mo.has_room() => match event {
                None => break,
                Some(SmppEvent::Receipt(receipt)) => {
                    let store = Arc::clone(&store);
                    actix::spawn(async move { apply_receipt(store.as_ref(), receipt).await });
                }
                Some(SmppEvent::MobileOriginated(message)) => mo.accept(message),
            },
        }
    }
    mo.drain().await;
}

async fn apply_receipt(store: &dyn Store, receipt: DeliveryReceipt) {
    let id = receipt.smsc_message_id.normalized.clone();
    tracing::debug!(smsc_message_id = %id, state = receipt.state.as_stat(), "receipt");
    for _ in 0..EARLY_RECEIPT_TRIES {
        match store.message_by_provider_id("sms", &id).await {
            Ok(Some(message)) => {
                settle(store, message, &receipt).await;
                return;
            }
            Ok(None) => tokio::time::sleep(Duration::from_secs(1)).await,
            Err(error) => {
                tracing::warn!(%error, "store unavailable for a receipt");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    tracing::warn!(smsc_message_id = %receipt.smsc_message_id.raw, "receipt matches no message");
}

async fn settle(store: &dyn Store, message: MessageRecord, receipt: &DeliveryReceipt) {
    if message.state.is_final() || !receipt.state.is_final() {
        return;
    }
    let stat = receipt.state.as_stat();
    let (state, event_type) = if receipt.state.is_success() {
        (MessageState::Delivered, "message.delivered")
    } else if stat == "EXPIRED" {
        (MessageState::Expired, "message.failed")
    } else {
        (MessageState::Failed, "message.failed")
    };
    let now = Utc::now();
    let mut event =
        Event::new(event_type, now).with_reason(&stat.to_lowercase(), &message.message_id);
    event.msisdn = Some(message.recipient.clone());
    let changes = Changes {
        messages: vec![MessageRecord {
            state,
            detail: Some(stat.to_owned()),
            updated_at: now,
            ..message
        }],
        outbox: vec![OutboxMessage::event(event)],
        ..Changes::default()
    };
    if let Err(error) = store.commit(changes).await {
        tracing::warn!(%error, "recording a receipt failed");
    }
}
