//! Pre-expiry notices in the store, on both backends: which certificates are due a
//! notice, and the guarded mark that makes each expiry date announced once.

use crate::support::*;
use chrono::Duration;
use giftgate_actors::ports::{Changes, ExpiryNoticeMark, StoreError};

conformance!(an_expiry_is_announced_once_and_an_extension_is_announced_again);

async fn an_expiry_is_announced_once_and_an_extension_is_announced_again(ctx: Ctx) {
    let owner = msisdn(1);
    let certificate = issue(&ctx.store, 1, &owner, krw(10_000)).await;
    let expires_at = certificate.expires_at.unwrap();
    let window = Duration::days(30);
    let due = |now: chrono::DateTime<chrono::Utc>| {
        let store = ctx.store.clone();
        async move {
            store
                .certificates_to_notify(now, now + window, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.code)
                .collect::<Vec<_>>()
        }
    };
    assert!(due(expires_at - Duration::days(31)).await.is_empty());
    assert_eq!(
        due(expires_at - window).await,
        vec![certificate.code.clone()]
    );
    assert!(due(expires_at).await.is_empty(), "already expired");

    let mark = ExpiryNoticeMark {
        code: certificate.code.clone(),
        expires_at,
    };
    let notice = || Changes {
        expiry_notices: vec![mark.clone()],
        outbox: vec![event("certificate.expiring", &owner)],
        ..Changes::default()
    };
    ctx.store.commit(notice()).await.unwrap();
    let again = ctx.store.commit(notice()).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(ctx.store.outbox_pending(10).await.unwrap().len(), 2);
    assert!(due(expires_at - Duration::days(10)).await.is_empty());

    // Extended by three months: the new date is announced in its turn.
    let mut extended = ctx
        .store
        .certificate(&certificate.code)
        .await
        .unwrap()
        .unwrap();
    let new_expiry = expires_at + Duration::days(90);
    extended.expires_at = Some(new_expiry);
    ctx.store
        .commit(Changes {
            certificates: vec![extended],
            ..Changes::default()
        })
        .await
        .unwrap();
    assert!(due(expires_at - Duration::days(10)).await.is_empty());
    assert_eq!(
        due(new_expiry - Duration::days(5)).await,
        vec![certificate.code.clone()]
    );
    let stale = ctx.store.commit(notice()).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    ctx.store
        .commit(Changes {
            expiry_notices: vec![ExpiryNoticeMark {
                code: certificate.code.clone(),
                expires_at: new_expiry,
            }],
            ..Changes::default()
        })
        .await
        .unwrap();
    assert!(due(new_expiry - Duration::days(5)).await.is_empty());
}
