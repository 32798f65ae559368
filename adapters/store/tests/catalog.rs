//! The catalog in the store, on both backends: a category is the operator's word
//! (`coffee`, `convenience_store`, or one of their own), stored and read as written.

#![allow(clippy::unwrap_used)]

mod support;

use giftgate_actors::domain::{Category, ProductId};
use support::*;

conformance!(any_operator_category_is_stored_and_read_as_written);

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
