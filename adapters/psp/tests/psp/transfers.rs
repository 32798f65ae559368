//! Bank transfers (refund payouts): paid once per idempotency key, refused when the
//! request is not a transfer, and unavailable when nobody answers.

use giftgate_actors::domain::{Msisdn, RefundAccount};
use giftgate_actors::ports::{PaymentError, Payout, PayoutRail};
use giftgate_psp::PspClient;
use rust_decimal::Decimal;

use crate::helpers::*;

fn payout(key: &str, amount: &str) -> Payout {
    Payout {
        key: key.to_owned(),
        reference: "4111111111111111".to_owned(),
        account: RefundAccount {
            msisdn: Msisdn::from_e164_unchecked("+821012340004"),
            bank: "KB".to_owned(),
            account: "123-456-7890".to_owned(),
            holder: "Kim".to_owned(),
        },
        amount: won(amount),
    }
}

#[tokio::test]
async fn a_transfer_is_paid_once_per_key() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    client.pay_out(&payout("c1:bank", "10000")).await.unwrap();
    client.pay_out(&payout("c1:bank", "10000")).await.unwrap();
    client.pay_out(&payout("c2:bank", "9000")).await.unwrap();
    let paid: Vec<(String, Decimal)> = sim
        .transfers()
        .into_iter()
        .map(|t| (t.idempotency_key, t.amount))
        .collect();
    assert_eq!(
        paid,
        vec![
            ("c1:bank".to_owned(), Decimal::from(10_000)),
            ("c2:bank".to_owned(), Decimal::from(9_000)),
        ]
    );
    sim.stop().await;
}

#[tokio::test]
async fn a_bad_transfer_is_refused_and_a_missing_psp_is_unavailable() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let mut bad = payout("c3:bank", "10000");
    bad.account.account = " ".to_owned();
    let refused = client.pay_out(&bad).await;
    assert!(
        matches!(refused, Err(PaymentError::Declined { .. })),
        "{refused:?}"
    );
    assert!(sim.transfers().is_empty());
    let url = sim.base_url().to_owned();
    sim.stop().await;
    let gone = PspClient::new(config_for(&url)).unwrap();
    let down = gone.pay_out(&payout("c4:bank", "10000")).await;
    assert!(
        matches!(down, Err(PaymentError::Unavailable(_))),
        "{down:?}"
    );
}
