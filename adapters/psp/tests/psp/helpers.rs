//! Shared set-up: a simulator on a free loopback port and a client with short timeouts.
#![allow(clippy::unwrap_used, dead_code)]

use std::time::Duration;

use giftgate_actors::domain::{Currency, Money, Msisdn, OrderId, Region, Settlement};
use giftgate_actors::ports::PaymentRequest;
use giftgate_psp::wire::PaymentStatus;
use giftgate_psp::{PspClient, PspConfig, PspSimConfig, PspSimHandle, PspSimulator, SimPayment};

/// How late the simulator answers a `tok_timeout_then_ok` capture.
pub const SLOW_ANSWER: Duration = Duration::from_millis(1500);
/// The client's timeout: well under [`SLOW_ANSWER`].
pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(400);

pub async fn start_sim() -> PspSimHandle {
    PspSimulator::start_with(
        "127.0.0.1:0",
        PspSimConfig {
            slow_answer_delay: SLOW_ANSWER,
        },
    )
    .await
    .unwrap()
}

pub fn config_for(base_url: &str) -> PspConfig {
    let mut config = PspConfig::new(base_url, "giftgate-test");
    config.api_key = Some("sk_test_secret".into());
    config.request_timeout = CLIENT_TIMEOUT;
    config.max_lookups = 4;
    config.lookup_interval = Duration::from_millis(50);
    config
}

pub fn client_for(sim: &PspSimHandle) -> PspClient {
    PspClient::new(config_for(sim.base_url())).unwrap()
}

pub fn won(amount: &str) -> Money {
    Money::parse(amount, Currency::KRW).unwrap()
}

/// A 50,000 KRW card payment of `order` with `token`.
pub fn card_payment(order: &str, token: &str) -> PaymentRequest {
    PaymentRequest {
        order_id: OrderId::parse(order).unwrap(),
        payer: Msisdn::parse("010-1234-5678", Region::default()).unwrap(),
        settlement: Settlement::Card {
            token: token.into(),
        },
        amount: won("50000"),
        description: "Department store 50,000 x1".into(),
    }
}

/// The simulator's one payment of `order`; fails the test if there is not exactly one.
pub fn only_payment(sim: &PspSimHandle, order: &str) -> SimPayment {
    let mut found: Vec<SimPayment> = sim
        .payments()
        .into_iter()
        .filter(|p| p.reference == order)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one payment of {order}: {found:#?}"
    );
    found.remove(0)
}

/// Never two captures, never a capture lost: a captured payment was captured exactly once
/// for the amount asked, anything else was never captured.
pub fn assert_captured_once(payment: &SimPayment, amount: &Money) {
    assert_eq!(payment.captures, 1, "{payment:#?}");
    assert_eq!(payment.captured_amount, amount.amount(), "{payment:#?}");
    assert!(matches!(
        payment.status,
        PaymentStatus::Captured | PaymentStatus::Refunded
    ));
}

pub fn assert_never_captured(payment: &SimPayment) {
    assert_eq!(payment.captures, 0, "{payment:#?}");
    assert!(payment.captured_amount.is_zero(), "{payment:#?}");
}
