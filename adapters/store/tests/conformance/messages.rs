//! Handset messages by provider id, and which handsets can receive MMS.

use chrono::Utc;
use giftgate_actors::domain::{MessageRecord, MessageState};
use giftgate_actors::ports::Changes;

use crate::support::*;

conformance!(
    messages_are_tracked_by_provider_id,
    handsets_are_mms_capable_unless_marked,
);

async fn messages_are_tracked_by_provider_id(ctx: Ctx) {
    let submitted = MessageRecord {
        message_id: "msg-1".into(),
        channel: "sms".into(),
        recipient: "+821012345678".into(),
        provider_ids: vec!["1a".into(), "1b".into()],
        raw_provider_ids: vec!["0001A".into(), "0001B".into()],
        state: MessageState::Submitted,
        detail: None,
        updated_at: Utc::now(),
    };
    ctx.store
        .commit(Changes {
            messages: vec![submitted.clone()],
            ..Changes::default()
        })
        .await
        .unwrap();
    let found = ctx
        .store
        .message_by_provider_id("sms", "1b")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.message_id, "msg-1");
    assert_eq!(found.provider_ids, vec!["1a".to_owned(), "1b".to_owned()]);
    assert_eq!(
        found.raw_provider_ids,
        vec!["0001A".to_owned(), "0001B".to_owned()]
    );
    assert!(
        ctx.store
            .message_by_provider_id("mms", "1b")
            .await
            .unwrap()
            .is_none()
    );
    let delivered = MessageRecord {
        state: MessageState::Delivered,
        detail: Some("DELIVRD".into()),
        ..submitted
    };
    ctx.store
        .commit(Changes {
            messages: vec![delivered],
            ..Changes::default()
        })
        .await
        .unwrap();
    let found = ctx.store.message("msg-1").await.unwrap().unwrap();
    assert_eq!(found.state, MessageState::Delivered);
    assert_eq!(found.detail.as_deref(), Some("DELIVRD"));
    assert_eq!(
        found.provider_ids.len(),
        2,
        "provider ids are not duplicated"
    );
    assert!(ctx.store.message("nope").await.unwrap().is_none());
}

async fn handsets_are_mms_capable_unless_marked(ctx: Ctx) {
    let someone = msisdn(7);
    assert!(
        ctx.store.mms_capable(&someone).await.unwrap(),
        "unknown subscribers: yes"
    );
    ctx.store.set_mms_capable(&someone, false).await.unwrap();
    assert!(!ctx.store.mms_capable(&someone).await.unwrap());
    ctx.store.set_mms_capable(&someone, true).await.unwrap();
    assert!(ctx.store.mms_capable(&someone).await.unwrap());
}
