//! The catalog and the content library, on both backends. A category is the operator's
//! word (`coffee`, `convenience_store`, or one of their own), stored and read as written.

use chrono::Utc;
use giftgate_actors::domain::{Category, ContentId, ContentItem, ProductId};

use crate::support::*;

conformance!(
    any_operator_category_is_stored_and_read_as_written,
    products_are_upserted_and_read,
    contents_are_upserted_and_listed_without_bytes,
);

async fn products_are_upserted_and_read(ctx: Ctx) {
    assert!(
        ctx.store.products().await.unwrap().is_empty(),
        "migrations seed no catalog"
    );
    let mut dept = product();
    ctx.store.upsert_product(&dept).await.unwrap();
    let mut culture = product();
    culture.id = giftgate_actors::domain::ProductId::parse("culture-10000").unwrap();
    culture.category = giftgate_actors::domain::WellKnownCategory::Culture.into();
    culture.face_value = krw(10_000);
    culture.validity_days = None;
    ctx.store.upsert_product(&culture).await.unwrap();
    dept.active = false;
    dept.name = "renamed".to_owned();
    ctx.store.upsert_product(&dept).await.unwrap();
    assert_eq!(
        ctx.store.product(&dept.id).await.unwrap(),
        Some(dept.clone())
    );
    assert_eq!(ctx.store.products().await.unwrap(), vec![culture, dept]);
    let none = giftgate_actors::domain::ProductId::parse("none").unwrap();
    assert_eq!(ctx.store.product(&none).await.unwrap(), None);
}

async fn contents_are_upserted_and_listed_without_bytes(ctx: Ctx) {
    let item = ContentItem {
        id: ContentId::parse("card-9").unwrap(),
        kind: "theme_card".into(),
        title: "Spring".into(),
        mime: "image/png".into(),
        bytes: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
        created_at: Utc::now(),
    };
    ctx.store.upsert_content(&item).await.unwrap();
    let read = ctx.store.content(&item.id).await.unwrap().unwrap();
    assert_eq!(read.bytes, item.bytes);
    assert_eq!(read.title, "Spring");
    let listed = ctx.store.contents().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].0.bytes.is_empty());
    assert_eq!(listed[0].1, 7);
    ctx.store
        .upsert_content(&ContentItem {
            title: "Summer".into(),
            ..item.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        ctx.store.content(&item.id).await.unwrap().unwrap().title,
        "Summer"
    );
    assert!(
        ctx.store
            .content(&ContentId::parse("none").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

async fn any_operator_category_is_stored_and_read_as_written(ctx: Ctx) {
    for (id, category) in [
        ("latte-4500", "coffee"),
        ("cu-10000", "convenience_store"),
        ("PET-FOOD-1", "pet_food"),
    ] {
        let mut item = product();
        item.id = ProductId::parse(id).unwrap();
        item.category = Category::parse(category).unwrap();
        ctx.store.upsert_product(&item).await.unwrap();
        let read = ctx.store.product(&item.id).await.unwrap().unwrap();
        assert_eq!(read.category.as_str(), category);
        assert_eq!(read, item);
    }
    assert_eq!(ctx.store.products().await.unwrap().len(), 3);
}
