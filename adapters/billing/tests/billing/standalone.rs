//! The simulator as carriers run it: alone on a given address.

use std::net::TcpListener;
use std::time::Duration;

use giftgate_billing::{BillingSimulator, SimError, SimTransaction, run_standalone};

use crate::helpers::*;

#[tokio::test]
async fn run_standalone_serves_the_api_on_the_given_address() {
    let free = TcpListener::bind(loopback()).unwrap();
    let addr = free.local_addr().unwrap();
    drop(free);
    let server = tokio::spawn(run_standalone(addr));

    let records_url = format!("http://{addr}/sim/transactions");
    let mut answer = None;
    for _ in 0..50 {
        if let Ok(response) = reqwest::get(&records_url).await {
            answer = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let records: Vec<SimTransaction> = answer.unwrap().json().await.unwrap();
    assert!(records.is_empty());
    assert!(!server.is_finished());
    server.abort();
}

#[tokio::test]
async fn an_address_in_use_is_a_bind_error() {
    let taken = TcpListener::bind(loopback()).unwrap();
    let addr = taken.local_addr().unwrap();
    let started = BillingSimulator::start(addr).await;
    assert!(
        matches!(started, Err(SimError::Bind { addr: a, .. }) if a == addr),
        "the simulator started on a taken port"
    );
}
