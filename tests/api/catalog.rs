//! Categories are operator data and the catalog filters by category, issuer and price
//! (`GET /v1/products?category=&issuer=&max_price=`), on both databases.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

async fn put_product(app: &TestApp, id: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .put(format!("{}/v1/admin/products/{id}", app.base))
        .bearer_auth(app.settings.admin_token.as_deref().unwrap())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn ids(app: &TestApp, query: &str) -> (u16, Vec<String>) {
    let (status, body) = app
        .get(&format!("/v1/products{query}"), &app.channel_key)
        .await;
    let ids = body["products"]
        .as_array()
        .map(|products| {
            products
                .iter()
                .map(|p| p["product_id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (status, ids)
}

async fn operator_categories_and_filters(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (id, issuer, category, price) in [
        ("latte-4500", "Star Coffee", "coffee", "4500"),
        ("americano-3000", "Star Coffee", "Coffee", "3000"),
        ("cu-10000", "CU", "convenience store", "10000"),
        ("bone-5000", "Pet Land", "pet_food", "5000"),
    ] {
        let (status, body) = put_product(
            &app,
            id,
            json!({"issuer": issuer, "category": category, "name": id, "face_value": price,
                "currency": "KRW", "validity_days": 90}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, cu) = app
        .get("/v1/products?category=convenience_store", &app.channel_key)
        .await;
    assert_eq!(cu["products"][0]["category"], "convenience_store", "{cu}");
    assert_eq!(
        ids(&app, "?category=coffee").await,
        (
            200,
            vec!["americano-3000".to_owned(), "latte-4500".to_owned()]
        )
    );
    assert_eq!(
        ids(&app, "?issuer=star%20coffee&max_price=4000").await,
        (200, vec!["americano-3000".to_owned()])
    );
    assert_eq!(
        ids(&app, "?category=pet_food").await,
        (200, vec!["bone-5000".to_owned()])
    );
    let (status, everything) = ids(&app, "").await;
    assert_eq!(status, 200);
    assert_eq!(
        everything.len(),
        7 + 4,
        "the sample catalog and the four new ones"
    );
    let (status, cheap) = ids(&app, "?max_price=5000").await;
    assert_eq!(status, 200);
    assert!(cheap.contains(&"carrier-5000".to_owned()) && !cheap.contains(&"cu-10000".to_owned()));
    let (status, body) = app
        .get("/v1/products?max_price=cheap", &app.channel_key)
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_amount")),
        "{body}"
    );
    let (status, body) = app
        .get("/v1/products?category=%EC%BB%A4%ED%94%BC", &app.channel_key)
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_category")),
        "{body}"
    );
    let (status, body) = put_product(
        &app,
        "bad-1",
        json!({"issuer": "X", "category": "drop;table", "name": "x", "face_value": "1",
            "currency": "KRW"}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_category")),
        "{body}"
    );
    app.finish().await;
}

#[actix_web::test]
async fn operator_categories_are_kept_and_the_catalog_filters_on_postgres() {
    operator_categories_and_filters(Backend::Postgres).await;
}

#[actix_web::test]
async fn operator_categories_are_kept_and_the_catalog_filters_on_sqlite() {
    operator_categories_and_filters(Backend::Sqlite).await;
}
