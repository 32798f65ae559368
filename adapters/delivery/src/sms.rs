//! `SmsDispatcher`: delivers committed text messages through the SMPP binds, at least
//! once and deduplicated by message id (an entry whose message is already recorded as
//! submitted is not sent again). Entries are claimed for a lease, so two instances never
//! send the same one. Messages to one handset go in commit order (also across
//! instances: the claim holds back an entry while an earlier one of its handset is out);
//! different handsets go in parallel, so the bind windows stay full.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::future::join_all;
use giftgate_actors::actors::periodic::{PeriodicJob, Round, TickContext};
use giftgate_actors::domain::{
    Event, EventType, MessageRecord, MessageState, OutboxChannel, OutboxMessage, OutboxRecord,
    SmsNotice,
};
use giftgate_actors::ports::{Changes, Store};
use giftgate_smpp::{OutboundSms, SmppClient, SubmitError};

use super::claims::ClaimBook;
use super::note_store_failure;
use super::retry::next_attempt_after;

/// How long one submit may take (binds down, throttled) before the entry is retried later.
const SUBMIT_DEADLINE: Duration = Duration::from_secs(30);

/// How long claimed entries stay this dispatcher's: longer than any submit may take, so
/// another instance never sends them meanwhile; after a crash they are due again then.
fn claim_lease() -> chrono::Duration {
    chrono::Duration::from_std(SUBMIT_DEADLINE * 2).unwrap_or_else(|_| chrono::Duration::minutes(1))
}

/// Delivers SMS outbox entries.
pub struct SmsDispatcher {
    store: Arc<dyn Store>,
    client: SmppClient,
    claims: ClaimBook,
    every: Duration,
    batch: u32,
}

impl SmsDispatcher {
    /// A dispatcher polling every `every`, taking up to `batch` entries at a time.
    pub fn new(
        store: Arc<dyn Store>,
        client: SmppClient,
        claims: ClaimBook,
        every: Duration,
        batch: u32,
    ) -> Self {
        SmsDispatcher {
            store,
            client,
            claims,
            every,
            batch,
        }
    }
}

impl PeriodicJob for SmsDispatcher {
    const NAME: &'static str = "sms_dispatch";

    fn every(&self) -> Duration {
        self.every
    }

    fn round(&mut self, tick: TickContext) -> Round {
        let store = Arc::clone(&self.store);
        let client = self.client.clone();
        let claims = self.claims.clone();
        let batch = self.batch;
        let work = async move {
            // A stop ends the round after the batch in hand.
            while !tick.stopping.is_set() {
                let now = Utc::now();
                let due = match store
                    .outbox_claim(OutboxChannel::Sms, now, batch, now + claim_lease())
                    .await
                {
                    Ok(due) => due,
                    Err(error) => {
                        tracing::warn!(%error, "reading the SMS outbox failed");
                        return;
                    }
                };
                if due.is_empty() {
                    return;
                }
                claims.hold(due.iter().map(|r| r.id));
                let mut by_handset: BTreeMap<String, Vec<OutboxRecord>> = BTreeMap::new();
                for record in due {
                    by_handset
                        .entry(record.message.partition_key())
                        .or_default()
                        .push(record);
                }
                join_all(by_handset.into_values().map(|records| {
                    let store = Arc::clone(&store);
                    let client = client.clone();
                    let claims = claims.clone();
                    async move {
                        let mut records = records.into_iter();
                        for record in records.by_ref() {
                            let id = record.id;
                            let next = deliver(store.as_ref(), &client, record).await;
                            claims.done(id);
                            if !next {
                                break;
                            }
                        }
                        // Keep this handset's order: the rest goes back to the outbox,
                        // where the claim holds it behind the entry waiting for a retry.
                        let rest: Vec<i64> = records.map(|r| r.id).collect();
                        if !rest.is_empty()
                            && let Err(error) = claims.hand_back(store.as_ref(), &rest).await
                        {
                            tracing::warn!(%error, "handing SMS entries back failed");
                        }
                    }
                }))
                .await;
            }
        };
        Box::pin(work)
    }
}

/// Delivers one entry; answers whether the handset's next entry may follow.
async fn deliver(store: &dyn Store, client: &SmppClient, record: OutboxRecord) -> bool {
    let OutboxMessage::Sms(sms) = &record.message else {
        note_store_failure(
            "park",
            store.outbox_park(record.id, "not an SMS entry").await,
        );
        return true;
    };
    match store.message(&sms.message_id).await {
        Ok(Some(_)) => {
            // Already submitted once (a redelivery after a crash): never twice.
            note_store_failure("delivered", store.outbox_delivered(&[record.id]).await);
            return true;
        }
        Ok(None) => {}
        Err(error) => {
            tracing::warn!(%error, "store unavailable; SMS delivery waits");
            return false;
        }
    }
    let outbound = OutboundSms {
        message_ref: sms.message_id.clone(),
        destination: sms.to.clone(),
        text: sms.text.clone(),
    };
    let result = tokio::time::timeout(SUBMIT_DEADLINE, client.submit(outbound)).await;
    let outcome = match result {
        Ok(Ok(accepted)) => {
            let (provider_ids, raw_provider_ids) = accepted
                .smsc_message_ids
                .into_iter()
                .map(|id| (id.normalized, id.raw))
                .unzip();
            record_outcome(
                store,
                sms,
                MessageState::Submitted,
                provider_ids,
                raw_provider_ids,
                None,
            )
            .await
        }
        Ok(Err(
            error @ (SubmitError::Permanent { .. }
            | SubmitError::InvalidDestination
            | SubmitError::Encoding(_)),
        )) => {
            record_outcome(
                store,
                sms,
                MessageState::Failed,
                Vec::new(),
                Vec::new(),
                Some(error.to_string()),
            )
            .await
        }
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("no bind could take the message in time".to_owned()),
    };
    match outcome {
        Ok(()) => {
            if let Err(error) = store.outbox_delivered(&[record.id]).await {
                tracing::warn!(%error, "marking an SMS entry delivered failed");
            }
            true
        }
        Err(error) => {
            tracing::warn!(message_id = %sms.message_id, %error, "SMS not submitted; will retry");
            let at = Utc::now()
                + chrono::Duration::from_std(next_attempt_after(record.attempts))
                    .unwrap_or_default();
            note_store_failure(
                "retry_at",
                store.outbox_retry_at(record.id, &error, at).await,
            );
            false
        }
    }
}

async fn record_outcome(
    store: &dyn Store,
    sms: &SmsNotice,
    state: MessageState,
    provider_ids: Vec<String>,
    raw_provider_ids: Vec<String>,
    detail: Option<String>,
) -> Result<(), String> {
    let now = Utc::now();
    let (event_type, reason) = if state == MessageState::Failed {
        (EventType::MessageFailed, "smsc_refused")
    } else {
        (EventType::MessageSubmitted, "sms")
    };
    let mut event = Event::new(event_type, now)
        .with_reason(reason, detail.as_deref().unwrap_or(&sms.message_id));
    event.msisdn = Some(sms.to.clone());
    let changes = Changes {
        messages: vec![MessageRecord {
            message_id: sms.message_id.clone(),
            channel: "sms".into(),
            recipient: sms.to.clone(),
            provider_ids,
            raw_provider_ids,
            state,
            detail,
            updated_at: now,
        }],
        outbox: vec![OutboxMessage::event(event)],
        ..Changes::default()
    };
    store.commit(changes).await.map_err(|e| e.to_string())
}
