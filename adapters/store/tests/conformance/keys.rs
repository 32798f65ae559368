//! API keys: stored once, rotated in place, revoked for good.

use giftgate_actors::ports::{ApiKeyRecord, KeyKind};

use crate::is_conflict;
use crate::support::*;

conformance!(
    api_keys_are_stored_once,
    a_key_rotates_in_place_and_a_revoked_key_stays_revoked,
);

async fn api_keys_are_stored_once(ctx: Ctx) {
    let key = ApiKeyRecord {
        holder_id: "m_abc123".to_owned(),
        kind: KeyKind::Merchant,
        name: "Corner Books".to_owned(),
        secret_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        created_at: t0(),
        scopes: vec!["orders".to_owned(), "wallet".to_owned(), "pins".to_owned()],
        revoked_at: None,
    };
    ctx.store.insert_api_key(&key).await.unwrap();
    assert_eq!(
        ctx.store.api_key("m_abc123").await.unwrap(),
        Some(key.clone())
    );
    assert_eq!(ctx.store.api_key("m_none").await.unwrap(), None);
    let again = ctx.store.insert_api_key(&key).await;
    assert!(is_conflict(&again), "{again:?}");
    let channel = ApiKeyRecord {
        holder_id: "c_web".to_owned(),
        kind: KeyKind::Channel,
        ..key
    };
    ctx.store.insert_api_key(&channel).await.unwrap();
    assert_eq!(
        ctx.store.api_key("c_web").await.unwrap().unwrap().kind,
        KeyKind::Channel
    );
}

async fn a_key_rotates_in_place_and_a_revoked_key_stays_revoked(ctx: Ctx) {
    let key = ApiKeyRecord {
        holder_id: "c_callcenter".to_owned(),
        kind: KeyKind::Channel,
        name: "Call center".to_owned(),
        secret_hash: "old-hash".to_owned(),
        created_at: t0(),
        scopes: vec!["wallet".to_owned()],
        revoked_at: None,
    };
    ctx.store.insert_api_key(&key).await.unwrap();
    assert_eq!(
        ctx.store
            .api_key("c_callcenter")
            .await
            .unwrap()
            .unwrap()
            .scopes,
        vec!["wallet".to_owned()]
    );
    // The kind must match: a merchant route cannot rotate a channel's key.
    assert!(
        !ctx.store
            .rotate_api_key("c_callcenter", KeyKind::Merchant, "x")
            .await
            .unwrap()
    );
    assert!(
        ctx.store
            .rotate_api_key("c_callcenter", KeyKind::Channel, "new-hash")
            .await
            .unwrap()
    );
    let rotated = ctx.store.api_key("c_callcenter").await.unwrap().unwrap();
    assert_eq!(rotated.secret_hash, "new-hash");
    assert!(
        !ctx.store
            .rotate_api_key("c_none", KeyKind::Channel, "x")
            .await
            .unwrap()
    );

    assert!(
        ctx.store
            .revoke_api_key("c_callcenter", KeyKind::Channel, t0())
            .await
            .unwrap()
    );
    let revoked = ctx.store.api_key("c_callcenter").await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(t0()));
    assert!(
        !ctx.store
            .revoke_api_key("c_callcenter", KeyKind::Channel, t0())
            .await
            .unwrap(),
        "revoked once"
    );
    assert!(
        !ctx.store
            .rotate_api_key("c_callcenter", KeyKind::Channel, "again")
            .await
            .unwrap(),
        "a revoked key is not brought back by rotation"
    );
}
