//! The simulator's test triggers (CONTRACT.md §7) through the real client.

use std::time::Instant;

use giftgate_actors::ports::{PaymentError, PaymentRail, RailStatus};
use giftgate_billing::wire::TransactionOperationStatus::{Charged, Denied};

use crate::helpers::*;

#[tokio::test]
async fn numbers_ending_0001_are_declined_and_nothing_is_charged() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-decline", "010-1234-0001", "50000");

    let declined = billing.reserve(&request).await;
    assert!(
        matches!(declined, Err(PaymentError::Declined { ref reason, ref detail }) if reason == "billing_declined" && detail.contains("POL1000")),
        "{declined:?}"
    );
    let again = billing.reserve(&request).await;
    assert_eq!(again, declined);
    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::Declined {
            reason: "billing_declined".to_owned()
        }
    );

    assert!(records(&sim, "ord-decline", Charged).is_empty());
    assert_eq!(records(&sim, "ord-decline", Denied).len(), 1);
    assert_eq!(sim.transactions().len(), 1);
    sim.stop().await;
}

#[tokio::test]
async fn numbers_ending_0002_time_out_once_and_are_charged_exactly_once() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-slow", "010-1234-0002", "50000");
    let reference = billing.reserve(&request).await.unwrap();

    let started = Instant::now();
    billing.charge(&request, &reference).await.unwrap();
    let took = started.elapsed();
    assert!(
        took >= billing.config().request_timeout && took < SLOW_ANSWER,
        "the charge took {took:?}: it should time out, then settle by look-up"
    );

    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::Charged {
            reference: reference.clone()
        }
    );
    billing.charge(&request, &reference).await.unwrap();
    assert_eq!(records(&sim, "ord-slow", Charged).len(), 1);
    sim.stop().await;
}

#[tokio::test]
async fn numbers_ending_0003_answer_500_and_the_look_up_confirms_one_charge() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-500", "010-1234-0003", "50000");
    let reference = billing.reserve(&request).await.unwrap();

    billing.charge(&request, &reference).await.unwrap();

    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::Charged { reference }
    );
    assert_eq!(records(&sim, "ord-500", Charged).len(), 1);
    sim.stop().await;
}
