//! Scale-out: instances share the partitions fairly (membership by heartbeats, bounded
//! rendezvous hashing), hand them over on a join and a leave, and keep every
//! subscriber's orders exactly once and in publish order meanwhile.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use giftgate_actors::actors::registry::ActiveSessions;
use giftgate_amqp::AmqpConfig;
use serde_json::Value;

use super::network_cut::CuttableProxy;
use super::{
    LONG, assert_applied_once, assert_recorded_in_round_order, publish_all, publish_purchases,
};
use crate::helpers::{
    BrokerConsumer, EventLog, EventTap, Instance, Publisher, World, purchase, subscriber,
};

const PARTITIONS: u16 = 8;

/// Who consumes each order queue: queue → member ids of its consumers.
fn owners(consumers: &[BrokerConsumer], members: &[String]) -> HashMap<String, Vec<String>> {
    let mut owners: HashMap<String, Vec<String>> = HashMap::new();
    for consumer in consumers {
        if !consumer.queue.starts_with("giftgate.orders") {
            continue;
        }
        let member = members
            .iter()
            .find(|id| consumer.tag.contains(id.as_str()))
            .cloned()
            .unwrap_or_else(|| format!("unknown consumer {}", consumer.tag));
        owners
            .entry(consumer.queue.clone())
            .or_default()
            .push(member);
    }
    owners
}

/// Waits until the broker shows every partition queue and the ingress queue with exactly
/// one consumer, active, of one of `members`, and every member consuming some partition;
/// returns how many partitions each consumes.
async fn settled_ownership(world: &World, members: &[String]) -> HashMap<String, usize> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let consumers = world.broker.consumers().await;
        let owners = owners(&consumers, members);
        let single = (0..PARTITIONS)
            .map(|p| format!("giftgate.orders.p{p}"))
            .chain(["giftgate.orders".to_owned()])
            .all(|queue| {
                owners
                    .get(&queue)
                    .is_some_and(|o| o.len() == 1 && members.contains(&o[0]))
            });
        let all_active = consumers
            .iter()
            .filter(|c| c.queue.starts_with("giftgate.orders"))
            .all(|c| c.active);
        if single && all_active && owners.len() == usize::from(PARTITIONS) + 1 {
            let mut shares: HashMap<String, usize> =
                members.iter().map(|m| (m.clone(), 0)).collect();
            for (queue, owner) in &owners {
                if queue != "giftgate.orders" {
                    *shares.entry(owner[0].clone()).or_default() += 1;
                }
            }
            // A member that has not taken its share yet (it is still learning the
            // fleet, or the old owner is still handing over) is not settled: right
            // after a join, the old owner alone holding every queue looks settled too.
            if shares.values().all(|share| *share > 0) {
                return shares;
            }
        }
        assert!(
            Instant::now() < deadline,
            "ownership never settled: {consumers:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn sessions(instance: &Instance) -> usize {
    instance
        .registry
        .send(ActiveSessions)
        .await
        .expect("registry")
}

/// Asserts every subscriber's `order.completed` events came in round order, where the
/// order ids end in `-<round>`.
fn assert_publish_order(log: &EventLog, subscribers: usize, rounds: usize) {
    let mut sequences: HashMap<String, Vec<usize>> = HashMap::new();
    for event in log.of_type("order.completed") {
        let msisdn = event["msisdn"].as_str().unwrap_or_default().to_owned();
        let round = event["order_id"]
            .as_str()
            .and_then(|id| id.rsplit('-').next())
            .and_then(|r| r.parse().ok())
            .unwrap_or(usize::MAX);
        sequences.entry(msisdn).or_default().push(round);
    }
    assert_eq!(sequences.len(), subscribers);
    for (msisdn, sequence) in &sequences {
        assert_eq!(*sequence, (0..rounds).collect::<Vec<_>>(), "{msisdn}");
    }
}

#[actix_rt::test]
async fn two_instances_on_eight_partitions_each_consume_a_fair_share_and_one_takes_all_when_the_other_leaves()
 {
    let world = World::new().await;
    let config = AmqpConfig {
        partitions: PARTITIONS,
        ..world.config()
    };
    let (mut first, mut second) =
        futures::join!(world.instance(config.clone()), world.instance(config));
    let members = vec![first.id(), second.id()];
    let shares = settled_ownership(&world, &members).await;
    for (member, share) in &shares {
        assert!(*share >= 2, "{member} owns {share}: {shares:?}");
    }
    assert_eq!(shares.values().sum::<usize>(), usize::from(PARTITIONS));
    assert_eq!(
        first.owned(),
        shares[&members[0]],
        "the instance agrees with the broker"
    );
    assert_eq!(second.owned(), shares[&members[1]]);

    let tap = EventTap::start(&world.broker.url).await;
    let publisher = Publisher::connect(&world.broker.url).await;
    let ids = publish_purchases(&publisher, "fair", 200, 300, 50).await;
    tap.wait_for("every order completed", LONG, |log| {
        log.completions().len() == ids.len()
    })
    .await;
    let (sessions_first, sessions_second) = (sessions(&first).await, sessions(&second).await);
    assert!(
        sessions_first > 0 && sessions_second > 0,
        "both instances ran orders together (sessions: {sessions_first}, {sessions_second})"
    );
    assert_eq!(
        sessions_first + sessions_second,
        50,
        "each subscriber on one instance"
    );

    first.shutdown().await;
    let alone = settled_ownership(&world, &members[1..]).await;
    assert_eq!(alone[&members[1]], usize::from(PARTITIONS));
    let more = publish_purchases(&publisher, "alone", 50, 300, 50).await;
    tap.wait_for("the remaining instance completed the rest", LONG, |log| {
        log.completions().len() == ids.len() + more.len()
    })
    .await;
    second.shutdown().await;
    assert_applied_once(&world, &ids).await;
    assert_applied_once(&world, &more).await;
    world.finish().await;
}

#[actix_rt::test]
async fn orders_published_across_a_join_and_a_leave_are_applied_once_each_in_publish_order() {
    let world = World::new().await;
    // A small prefetch, so that handovers leave deliveries behind to be returned.
    let config = AmqpConfig {
        partitions: PARTITIONS,
        prefetch: 8,
        ..world.config()
    };
    let mut first = world.instance(config.clone()).await;
    let tap = EventTap::start(&world.broker.url).await;
    let subscribers = 40;
    let rounds = 40;
    let published = Arc::new(AtomicUsize::new(0));
    let url = world.broker.url.clone();
    let progress = Arc::clone(&published);
    let publishing = actix::spawn(async move {
        let publisher = Publisher::connect(&url).await;
        for round in 0..rounds {
            let orders: Vec<Value> = (0..subscribers)
                .map(|s| purchase(&format!("move-{s}-{round}"), &subscriber(500 + s)))
                .collect();
            publish_all(&publisher, &orders).await;
            progress.store(round + 1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let rounds_published = |at_least: usize| {
        let published = Arc::clone(&published);
        async move {
            while published.load(Ordering::SeqCst) < at_least {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let total = subscribers * rounds;

    rounds_published(8).await;
    let mut second = world.instance(config).await;
    let members = vec![first.id(), second.id()];
    let shares = settled_ownership(&world, &members).await;
    assert!(shares.values().all(|share| *share == 4), "{shares:?}");
    let done_at_join = tap.with(|log| log.completions().len());

    rounds_published(24).await;
    let before_leave = (sessions(&first).await, sessions(&second).await);
    assert!(
        before_leave.0 > 0 && before_leave.1 > 0,
        "both instances ran orders between the join and the leave: {before_leave:?}"
    );
    first.shutdown().await;
    let done_at_leave = tap.with(|log| log.completions().len());
    assert!(
        done_at_join < total && done_at_leave < total,
        "the moves came mid-run"
    );

    publishing.await.expect("publisher");
    tap.wait_for("every order completed", LONG, |log| {
        log.completions().len() == total
    })
    .await;
    second.shutdown().await;
    let ids: Vec<String> = (0..subscribers)
        .flat_map(|s| (0..rounds).map(move |r| format!("move-{s}-{r}")))
        .collect();
    assert_applied_once(&world, &ids).await;
    assert_recorded_in_round_order(&world, "move", subscribers, rounds).await;
    tap.with(|log| {
        assert!(log.completions().values().all(|count| *count == 1));
        assert_publish_order(log, subscribers, rounds);
    });
    world.finish().await;
}

#[actix_rt::test]
async fn an_instance_cut_off_from_the_broker_is_presumed_gone_and_its_partitions_taken_over() {
    let world = World::new().await;
    let proxy = CuttableProxy::start().await;
    let config = AmqpConfig {
        partitions: PARTITIONS,
        ..world.config()
    };
    // The first instance reaches the broker only through the proxy.
    let (mut first, mut second) = futures::join!(
        world.instance(AmqpConfig {
            url: proxy.url(&world.broker.vhost),
            ..config.clone()
        }),
        world.instance(config)
    );
    let members = vec![first.id(), second.id()];
    let shares = settled_ownership(&world, &members).await;
    assert!(shares.values().all(|share| *share == 4), "{shares:?}");

    let tap = EventTap::start(&world.broker.url).await;
    let publisher = Publisher::connect(&world.broker.url).await;
    let (subscribers, rounds) = (80, 5);
    let ids: Vec<String> = (0..rounds)
        .flat_map(|r| (0..subscribers).map(move |s| format!("gone-{s}-{r}")))
        .collect();
    let orders: Vec<Value> = (0..rounds)
        .flat_map(|r| (0..subscribers).map(move |s| (s, r)))
        .map(|(s, r)| purchase(&format!("gone-{s}-{r}"), &subscriber(800 + s)))
        .collect();
    publish_all(&publisher, &orders).await;
    tap.wait_for("some orders done", LONG, |log| {
        log.completions().len() >= 40
    })
    .await;

    // No leave announced: the others notice only by the silence.
    proxy.cut();
    let cut_at = Instant::now();
    let alone = settled_ownership(&world, &members[1..]).await;
    assert_eq!(alone[&members[1]], usize::from(PARTITIONS));
    assert!(
        cut_at.elapsed() >= Duration::from_millis(500),
        "taken over by the member timeout, not before"
    );
    tap.wait_for("every order completed", LONG, |log| {
        log.completions().len() == ids.len()
    })
    .await;
    tap.with(|log| assert!(log.completions().values().all(|count| *count == 1)));
    assert_applied_once(&world, &ids).await;
    // The cut-off instance starts nothing more once its connection is gone: each
    // subscriber's orders were still taken up in publish order.
    assert_recorded_in_round_order(&world, "gone", subscribers, rounds).await;

    proxy.mend();
    // Back through the proxy (after its reconnect backoff), it rejoins and gets its
    // share again.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let back = settled_ownership(&world, &members).await;
        if back.values().all(|share| *share == 4) {
            break;
        }
        assert!(Instant::now() < deadline, "never rejoined: {back:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    first.shutdown().await;
    second.shutdown().await;
    world.finish().await;
}
