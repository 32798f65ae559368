//! Subscriber sessions: one subscriber's orders apply one at a time in arrival order,
//! sessions stop when idle, and a new session takes over afterwards.

use std::time::Duration;

use giftgate_actors::actors::registry::ActiveSessions;
use giftgate_actors::actors::{Dispatch, SessionCommand, SessionReply};
use giftgate_actors::domain::{JournalKind, Msisdn, Order, Region};
use giftgate_actors::service::orders::OrderMeta;
use serde_json::json;

use crate::helpers::{Backend, TestApp, eventually};

fn purchase(order_id: &str, msisdn: &str) -> Order {
    Order::from_value(
        &json!({"order_id": order_id, "type": "purchase", "msisdn": msisdn,
            "product_id": "carrier-5000", "settlement": {"method": "carrier"}}),
        Region::KR,
    )
    .unwrap()
}

#[actix_web::test]
async fn one_subscribers_orders_apply_in_arrival_order_and_idle_sessions_stop() {
    let app = TestApp::spawn_with(Backend::Postgres, |s| s.session_idle_secs = 1).await;
    let registry = app.gateway().registry.clone();
    // Enqueue eight orders of one subscriber and four of another without waiting: the
    // registry takes them in this order.
    let mut requests = Vec::new();
    for i in 0..8 {
        requests.push(registry.send(Dispatch {
            msisdn: Msisdn::parse("01033330000", Region::KR).unwrap(),
            command: SessionCommand::Order {
                order: purchase(&format!("seq-{i}"), "01033330000"),
                meta: OrderMeta::default(),
            },
        }));
        if i % 2 == 0 {
            requests.push(registry.send(Dispatch {
                msisdn: Msisdn::parse("01044440000", Region::KR).unwrap(),
                command: SessionCommand::Order {
                    order: purchase(&format!("other-{i}"), "01044440000"),
                    meta: OrderMeta::default(),
                },
            }));
        }
    }
    for request in requests {
        let reply = request.await.unwrap().unwrap();
        assert!(
            matches!(reply, SessionReply::Order(ref record) if record.status.as_str() == "completed"),
            "{reply:?}"
        );
    }
    // The journal's issue rows of the first subscriber follow the order ids.
    let journal = app
        .gateway()
        .ledger
        .store()
        .journal_of(
            &Msisdn::parse("01033330000", Region::KR).unwrap(),
            &[JournalKind::Issue],
            100,
        )
        .await
        .unwrap();
    let mut orders: Vec<String> = journal
        .iter()
        .rev()
        .map(|e| e.order_id.clone().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..8).map(|i| format!("seq-{i}")).collect();
    assert_eq!(orders, expected, "applied in arrival order");
    orders.dedup();
    assert_eq!(orders.len(), 8);

    assert!(registry.send(ActiveSessions).await.unwrap() >= 1);
    eventually("idle sessions to stop", || {
        let registry = registry.clone();
        async move { registry.send(ActiveSessions).await.unwrap() == 0 }
    })
    .await;
    // A new session takes the subscriber's next order.
    let reply = registry
        .send(Dispatch {
            msisdn: Msisdn::parse("01033330000", Region::KR).unwrap(),
            command: SessionCommand::Order {
                order: purchase("seq-after-idle", "01033330000"),
                meta: OrderMeta::default(),
            },
        })
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(reply, SessionReply::Order(ref record) if record.status.as_str() == "completed")
    );
    tokio::time::sleep(Duration::from_millis(10)).await;
    app.finish().await;
}
