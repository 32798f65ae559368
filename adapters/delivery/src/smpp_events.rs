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
use giftgate_actors::domain::{
    Event, EventType, MessageRecord, MessageState, OutboxMessage, Region,
};
use giftgate_actors::ports::{Changes, Store};
use giftgate_smpp::{DeliveryReceipt, SmppEvent};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::mo_intake::MoIntake;

/// Tries to match an early receipt this many times, a second apart.
const EARLY_RECEIPT_TRIES: u32 = 30;

/// The running consumer of SMPP events (see [`run`]).
pub struct SmppEventsTask {
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl SmppEventsTask {
    /// Spawns [`run`] on the current actix arbiter.
    pub fn spawn(
        events: mpsc::Receiver<SmppEvent>,
        store: Arc<dyn Store>,
        registry: Addr<SessionRegistry>,
        region: Region,
        mo_in_flight: usize,
    ) -> Self {
        let stop = CancellationToken::new();
        let task = actix::spawn(run(
            events,
            store,
            registry,
            region,
            mo_in_flight,
            stop.clone(),
        ));
        SmppEventsTask { stop, task }
    }

    /// Stops taking events and waits until what was taken is finished.
    pub async fn stop(self) {
        self.stop.cancel();
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the SMPP event consumer failed");
        }
    }
}

/// How long a stop waits for receipts still being matched (an early one is retried for
/// up to [`EARLY_RECEIPT_TRIES`] seconds) before giving them up.
const RECEIPT_DRAIN: Duration = Duration::from_secs(5);

/// Consumes SMPP events until the channel closes or `stop` is cancelled; holds at most
/// `mo_in_flight` MO commands at once (then stops reading: back-pressure on the binds).
/// Before it returns, every MO command taken has been answered by its session and every
/// receipt taken applied (or, after [`RECEIPT_DRAIN`], logged as given up).
pub async fn run(
    mut events: mpsc::Receiver<SmppEvent>,
    store: Arc<dyn Store>,
    registry: Addr<SessionRegistry>,
    region: Region,
    mo_in_flight: usize,
    stop: CancellationToken,
) {
    let mut mo = MoIntake::new(registry, region, mo_in_flight);
    let mut receipts = JoinSet::new();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            Some(()) = mo.next_finished(), if mo.is_busy() => {}
            Some(_) = receipts.join_next(), if !receipts.is_empty() => {}
            event = events.recv(), if mo.has_room() => match event {
                None => break,
                Some(SmppEvent::Receipt(receipt)) => {
                    let store = Arc::clone(&store);
                    receipts.spawn_local(async move { apply_receipt(store.as_ref(), receipt).await });
                }
                Some(SmppEvent::MobileOriginated(message)) => mo.accept(message),
            },
        }
    }
    mo.drain().await;
    let drained = tokio::time::timeout(RECEIPT_DRAIN, async {
        while receipts.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            receipts = receipts.len(),
            "receipts not matched by shutdown; their messages stay submitted"
        );
    }
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
        (MessageState::Delivered, EventType::MessageDelivered)
    } else if stat == "EXPIRED" {
        (MessageState::Expired, EventType::MessageFailed)
    } else {
        (MessageState::Failed, EventType::MessageFailed)
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
