//! Scale-out membership: which instances are alive, and so which partitions this one owns.
//!
//! Every instance has an id ([`crate::AmqpConfig::instance_id`], a random one by
//! default) and its own broker connection (`giftgate-members`) on which it declares an
//! exclusive, auto-delete, server-named queue bound to the fanout exchange
//! [`MEMBERS_EXCHANGE`], and publishes a heartbeat with its id every
//! [`crate::AmqpConfig::heartbeat`]. Every instance thus hears every other; a member is
//! alive while its last heartbeat is younger than [`crate::AmqpConfig::member_timeout`],
//! or until it announces that it is leaving (a graceful shutdown does, so its partitions
//! move at once instead of after the timeout). An instance that hears a member it did not
//! know answers with a heartbeat at once, so a newcomer learns the fleet within a round
//! trip. The live set (this instance always included) is turned into an [`Assignment`]
//! by [`crate::assignment::assign`], and published on a `watch` channel to the intake,
//! which consumes exactly what it owns.
//!
//! After the membership connection comes up (at start, and after a reconnect, when
//! members not heard from for the timeout were forgotten) the assignment is published
//! only once two heartbeat intervals have passed, time enough to hear every live member
//! again, so a (re)starting instance does not briefly claim every partition. Views may disagree for a moment (a heartbeat in flight,
//! a member just timed out): two instances may then both subscribe to a partition, which
//! single-active-consumer turns into one active consumer and one standby, or nobody
//! consumes it until the views agree (at most the member timeout) — never two consumers
//! at once.
//!
//! Heartbeats are transient and expire after the member timeout, so a backlog never
//! replays stale news. The view survives a reconnect of this connection.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ExchangeKind};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::assignment::{Assignment, assignment_of};
use crate::{AmqpConfig, Links, connection};

/// The fanout exchange heartbeats go through (durable; every instance binds its own
/// exclusive queue).
pub const MEMBERS_EXCHANGE: &str = "giftgate.members";

/// Why a membership connection session ended.
#[derive(Debug, thiserror::Error)]
enum MembershipError {
    #[error(transparent)]
    Broker(#[from] lapin::Error),
    #[error("the broker cancelled the membership consumer")]
    ConsumerGone,
}

/// One membership message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Heartbeat {
    member: String,
    /// Random per process: tells this instance's own heartbeats from those of another
    /// instance misconfigured with the same member id.
    incarnation: String,
    state: MemberState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum MemberState {
    Alive,
    Leaving,
}

/// The live members as this instance sees them.
#[derive(Debug)]
struct View {
    me: String,
    incarnation: String,
    partitions: u16,
    timeout: Duration,
    others: HashMap<String, Instant>,
}

impl View {
    /// Records a message; `true` if it came from a member not known before.
    fn heard(&mut self, heartbeat: &Heartbeat, now: Instant) -> bool {
        if heartbeat.member == self.me {
            if heartbeat.incarnation != self.incarnation {
                tracing::error!(member = %self.me, "another instance uses this instance's member id; give each instance its own");
            }
            return false;
        }
        match heartbeat.state {
            MemberState::Alive => self.others.insert(heartbeat.member.clone(), now).is_none(),
            MemberState::Leaving => {
                self.others.remove(&heartbeat.member);
                false
            }
        }
    }

    /// Forgets members not heard from within the timeout.
    fn expire(&mut self, now: Instant) {
        let timeout = self.timeout;
        self.others
            .retain(|_, seen| now.saturating_duration_since(*seen) < timeout);
    }

    fn assignment(&self) -> Assignment {
        let others: Vec<&str> = self.others.keys().map(String::as_str).collect();
        assignment_of(&self.me, &others, self.partitions)
    }
}

/// The running membership: the intake reads [`MembershipHandle::assignment`] and calls
/// [`MembershipHandle::leave`] when it drains.
pub(crate) struct MembershipHandle {
    assignment: watch::Receiver<Option<Assignment>>,
    stop: watch::Sender<bool>,
    finished: watch::Receiver<bool>,
}

impl MembershipHandle {
    /// What this instance owns; `None` until the first assignment after joining.
    pub(crate) fn assignment(&self) -> watch::Receiver<Option<Assignment>> {
        self.assignment.clone()
    }

    /// Announces the leave (so the others take over this instance's partitions now) and
    /// waits until the membership connection is closed.
    pub(crate) async fn leave(&self) {
        self.stop.send_replace(true);
        let mut finished = self.finished.clone();
        drop(finished.wait_for(|done| *done).await);
    }
}

/// Starts the membership of instance `me` (on the calling thread's arbiter).
pub(crate) fn start(config: Arc<AmqpConfig>, me: String, links: Arc<Links>) -> MembershipHandle {
    let (assignment_tx, assignment) = watch::channel(None);
    let (stop, stop_rx) = watch::channel(false);
    let (finished_tx, finished) = watch::channel(false);
    let view = View {
        me,
        incarnation: uuid::Uuid::new_v4().simple().to_string(),
        partitions: config.partitions,
        timeout: config.member_timeout,
        others: HashMap::new(),
    };
    actix::spawn(async move {
        run(config, view, assignment_tx, stop_rx, &links).await;
        links.set_members(false);
        finished_tx.send_replace(true);
    });
    MembershipHandle {
        assignment,
        stop,
        finished,
    }
}

async fn run(
    config: Arc<AmqpConfig>,
    mut view: View,
    assignment: watch::Sender<Option<Assignment>>,
    mut stop: watch::Receiver<bool>,
    links: &Links,
) {
    let mut pause = connection::SessionPause::new();
    loop {
        let Some(connection) =
            connection::connect_with_backoff(&config.url, "giftgate-members", &mut stop).await
        else {
            break;
        };
        let session = pause.session_started();
        match serve(
            &config,
            &connection,
            &mut view,
            &assignment,
            &mut stop,
            links,
        )
        .await
        {
            Ok(()) => {
                connection::close_within("connection", connection.close(200, "leaving".into()))
                    .await;
                break;
            }
            Err(error) => {
                links.set_members(false);
                if !pause
                    .after_lost_connection("members", &error, &connection, session, &mut stop)
                    .await
                {
                    break;
                }
            }
        }
    }
    tracing::info!(member = %view.me, "left the scale-out membership");
}

async fn publish(
    channel: &Channel,
    config: &AmqpConfig,
    heartbeat: &Heartbeat,
) -> Result<(), lapin::Error> {
    let body = serde_json::to_vec(heartbeat).unwrap_or_default();
    let expiration = config.member_timeout.as_millis().to_string();
    channel
        .basic_publish(
            MEMBERS_EXCHANGE.into(),
            "".into(),
            BasicPublishOptions::default(),
            &body,
            BasicProperties::default()
                .with_content_type("application/json".into())
                .with_expiration(expiration.into()),
        )
        .await?;
    Ok(())
}

/// Heartbeats and listens on one connection until it is lost (`Err`) or the instance
/// leaves (`Ok`, after announcing it).
async fn serve(
    config: &AmqpConfig,
    connection: &Connection,
    view: &mut View,
    assignment: &watch::Sender<Option<Assignment>>,
    stop: &mut watch::Receiver<bool>,
    links: &Links,
) -> Result<(), MembershipError> {
    let channel = connection.create_channel().await?;
    channel
        .exchange_declare(
            MEMBERS_EXCHANGE.into(),
            ExchangeKind::Fanout,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    let queue = channel
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            queue.name().clone(),
            MEMBERS_EXCHANGE.into(),
            "".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let mut heard = channel
        .basic_consume(
            queue.name().clone(),
            "giftgate-members".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    let alive = Heartbeat {
        member: view.me.clone(),
        incarnation: view.incarnation.clone(),
        state: MemberState::Alive,
    };
    publish(&channel, config, &alive).await?;
    links.set_members(true);
    let settled_at = Instant::now() + config.heartbeat * 2;
    let mut ticks = tokio::time::interval(config.heartbeat);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            biased;
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    let leaving = Heartbeat { state: MemberState::Leaving, ..alive.clone() };
                    let announced = tokio::time::timeout(
                        connection::BROKER_TIMEOUT,
                        publish(&channel, config, &leaving),
                    )
                    .await;
                    if !matches!(announced, Ok(Ok(()))) {
                        tracing::warn!("could not announce the leave; the others will notice by the timeout");
                    }
                    connection::close_within("channel", channel.close(200, "leaving".into())).await;
                    return Ok(());
                }
            }
            _ = ticks.tick() => {
                publish(&channel, config, &alive).await?;
            }
            next = heard.next() => match next {
                Some(Ok(delivery)) => {
                    match serde_json::from_slice::<Heartbeat>(&delivery.data) {
                        Ok(heartbeat) => {
                            if view.heard(&heartbeat, Instant::now()) {
                                tracing::info!(member = %heartbeat.member, "a member joined");
                                publish(&channel, config, &alive).await?;
                            } else if heartbeat.state == MemberState::Leaving {
                                tracing::info!(member = %heartbeat.member, "a member left");
                            }
                        }
                        Err(error) => tracing::warn!(%error, "ignoring a malformed membership message"),
                    }
                }
                Some(Err(error)) => return Err(error.into()),
                None => return Err(MembershipError::ConsumerGone),
            },
        }
        let now = Instant::now();
        view.expire(now);
        if now >= settled_at {
            let next = view.assignment();
            assignment.send_if_modified(|current| {
                if current.as_ref() == Some(&next) {
                    return false;
                }
                tracing::info!(
                    member = %view.me,
                    members = next.members,
                    partitions = ?next.partitions,
                    ingress = next.ingress,
                    "partition assignment changed"
                );
                metrics::gauge!("giftgate_amqp_members").set(next.members as f64);
                metrics::gauge!("giftgate_amqp_partitions_owned").set(next.partitions.len() as f64);
                *current = Some(next);
                true
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> View {
        View {
            me: "me".to_owned(),
            incarnation: "1".to_owned(),
            partitions: 8,
            timeout: Duration::from_secs(2),
            others: HashMap::new(),
        }
    }

    fn beat(member: &str, state: MemberState) -> Heartbeat {
        Heartbeat {
            member: member.to_owned(),
            incarnation: "2".to_owned(),
            state,
        }
    }

    #[test]
    fn members_join_by_heartbeat_and_go_by_timeout_or_leave() {
        let mut view = view();
        let start = Instant::now();
        assert_eq!(view.assignment().partitions.len(), 8, "alone: everything");
        assert!(view.heard(&beat("other", MemberState::Alive), start));
        assert!(!view.heard(&beat("other", MemberState::Alive), start));
        assert!(!view.heard(&beat("me", MemberState::Alive), start));
        assert_eq!(view.assignment().partitions.len(), 4);
        assert_eq!(view.assignment().members, 2);

        view.expire(start + Duration::from_secs(1));
        assert_eq!(view.assignment().members, 2, "still within the timeout");
        view.expire(start + Duration::from_secs(3));
        assert_eq!(view.assignment().members, 1, "timed out");

        assert!(view.heard(&beat("other", MemberState::Alive), start));
        assert!(!view.heard(&beat("other", MemberState::Leaving), start));
        assert_eq!(view.assignment().partitions.len(), 8, "left");
    }

    #[test]
    fn heartbeats_are_json_with_a_lowercase_state() {
        let text = serde_json::to_string(&beat("a", MemberState::Leaving)).expect("json");
        assert_eq!(
            text,
            r#"{"member":"a","incarnation":"2","state":"leaving"}"#
        );
    }
}
