//! Shared set-up: a simulator on a free port, a client with short timeouts, orders.

use std::net::SocketAddr;
use std::time::Duration;

use giftgate_actors::domain::{Currency, Money, Msisdn, OrderId, Region, Settlement};
use giftgate_actors::ports::PaymentRequest;
use giftgate_billing::wire::TransactionOperationStatus;
use giftgate_billing::{
    BillingConfig, BillingSimHandle, BillingSimulator, OneApiBilling, SimTransaction,
};

/// How long the simulator holds back a `…0002` first charge answer in tests: far beyond
/// the client's request timeout below.
pub const SLOW_ANSWER: Duration = Duration::from_secs(3);

/// A plain subscriber (no trigger).
pub const PLAIN: &str = "010-1234-5678";

pub fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

pub async fn simulator() -> BillingSimHandle {
    BillingSimulator::new(loopback())
        .slow_answer(SLOW_ANSWER)
        .spawn()
        .await
        .unwrap()
}

/// Short timeouts and waits so the suite stays fast.
pub fn fast_config(base_url: &str) -> BillingConfig {
    let mut config = BillingConfig::new(base_url);
    config.request_timeout = Duration::from_millis(400);
    config.connect_timeout = Duration::from_millis(200);
    config.connect_attempts = 3;
    config.max_lookups = 4;
    config.lookup_max_elapsed = Duration::from_secs(3);
    config.retry_initial_interval = Duration::from_millis(20);
    config.retry_max_interval = Duration::from_millis(200);
    config
}

pub fn client(sim: &BillingSimHandle) -> OneApiBilling {
    OneApiBilling::new(fast_config(&sim.base_url())).unwrap()
}

pub fn won(amount: &str) -> Money {
    Money::parse(amount, Currency::KRW).unwrap()
}

pub fn order(order_id: &str, msisdn: &str, amount: &str) -> PaymentRequest {
    PaymentRequest {
        order_id: OrderId::parse(order_id).unwrap(),
        payer: Msisdn::parse(msisdn, Region::KR).unwrap(),
        settlement: Settlement::Carrier,
        amount: won(amount),
        description: "Department store 50,000 x1".to_owned(),
    }
}

/// The simulator's records of one order with one status.
pub fn records(
    sim: &BillingSimHandle,
    order_id: &str,
    status: TransactionOperationStatus,
) -> Vec<SimTransaction> {
    sim.transactions()
        .into_iter()
        .filter(|t| t.reference_code == order_id && t.status == status)
        .collect()
}
