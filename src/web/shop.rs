//! The catalogue and purchase (the seed's FIG. 7 and FIG. 6): `/catalog` by category,
//! issuer and price; `/catalog/{product_id}` with the purchase form; `POST
//! /purchase/review`, the explicit confirm step (total, and on the phone bill the month's
//! cap and what is left of it); `POST /purchase`, the order itself, built as the JSON
//! order every channel sends and checked by the same parser.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::domain::{CatalogQuery, Category, Order, Product, ProductId};
use maud::{Markup, html};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;

use super::layout::not_found;
use super::orders::{fresh_order_id, place, placed_page};
use super::signed_in::{Visitor, maybe_signed_in};
use super::site_i18n::SiteTexts;
use crate::http::AppState;
use crate::http::error::ApiError;

/// The catalogue's filter (`GET /catalog`).
#[derive(Debug, Deserialize)]
pub struct CatalogFilter {
    category: Option<String>,
    issuer: Option<String>,
    max_price: Option<String>,
}

/// The purchase forms' fields.
#[derive(Debug, Deserialize)]
pub struct PurchaseForm {
    product_id: String,
    quantity: Option<String>,
    method: Option<String>,
    token: Option<String>,
    order_id: Option<String>,
    csrf: Option<String>,
}

fn category_name(category: &Category, t: &SiteTexts) -> String {
    match category.well_known() {
        Some(known) if t.code == "ko" => known.korean().to_owned(),
        _ => category.as_str().replace('_', " "),
    }
}

/// `GET /catalog`: products on sale, narrowed by the filter.
pub async fn catalog(
    request: HttpRequest,
    filter: web::Query<CatalogFilter>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let shell = maybe_signed_in(&request, &state).await?;
    let t = shell.texts();
    let all: Vec<Product> = state
        .ledger
        .catalog_products()
        .await?
        .into_iter()
        .filter(|p| p.active)
        .collect();
    let mut categories: Vec<Category> = all.iter().map(|p| p.category.clone()).collect();
    categories.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    categories.dedup();
    let mut issuers: Vec<String> = all.iter().map(|p| p.issuer.clone()).collect();
    issuers.sort();
    issuers.dedup();
    let category = filter
        .category
        .as_deref()
        .filter(|c| !c.is_empty())
        .and_then(|c| Category::parse(c).ok());
    let issuer = filter.issuer.clone().filter(|i| !i.trim().is_empty());
    let max_price = filter
        .max_price
        .as_deref()
        .and_then(|p| p.trim().parse::<Decimal>().ok())
        .filter(|p| !p.is_sign_negative());
    let query = CatalogQuery {
        category: category.clone(),
        issuer: issuer.clone(),
        max_price,
        active_only: true,
    };
    let products = query.select(all);
    let format = shell.format();
    let body = html! {
        form.filters method="get" action="/catalog" role="search" {
            label for="category" { (t.category) }
            select #category name="category" {
                option value="" { (t.any) }
                @for c in &categories {
                    option value=(c.as_str()) selected[category.as_ref() == Some(c)] { (category_name(c, t)) }
                }
            }
            label for="issuer" { (t.issuer) }
            select #issuer name="issuer" {
                option value="" { (t.any) }
                @for i in &issuers {
                    option value=(i) selected[issuer.as_deref() == Some(i.as_str())] { (i) }
                }
            }
            label for="max_price" { (t.max_price) }
            input #max_price type="number" name="max_price" min="0" step="1000" inputmode="numeric"
                value=[max_price.map(|p| p.to_string())];
            button type="submit" { (t.filter) }
        }
        @if products.is_empty() {
            p.notice role="status" { (t.no_products) }
        }
        ul.products {
            @for product in &products {
                li.card {
                    h2 { a href={ "/catalog/" (product.id.as_str()) } { (product.name) } }
                    p { (product.issuer) " · " (category_name(&product.category, t)) }
                    p.price { (format.money(product.face_value)) }
                }
            }
        }
    };
    Ok(shell.page(t.catalog, body))
}

/// `GET /catalog/{product_id}`: a product and, signed in, its purchase form.
pub async fn product(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let shell = maybe_signed_in(&request, &state).await?;
    let Some(product) = find_product(&state, &path).await? else {
        return Ok(not_found(shell.context()));
    };
    let t = shell.texts();
    let format = shell.format();
    let details = product_details(&product, t, &format);
    let body = match shell.visitor() {
        Some(visitor) => html! {
            (details)
            form.stack method="post" action="/purchase/review" {
                (visitor.csrf_field())
                input type="hidden" name="product_id" value=(product.id.as_str());
                label for="quantity" { (t.quantity) }
                select #quantity name="quantity" {
                    @for n in 1..=10 { option value=(n) { (n) } }
                }
                fieldset {
                    legend { (t.pay_with) }
                    label { input type="radio" name="method" value="carrier" checked; " " (t.phone_bill) }
                    label { input type="radio" name="method" value="card"; " " (t.card) }
                    label { input type="radio" name="method" value="bank"; " " (t.bank) }
                }
                label for="token" { (t.payment_token) }
                input #token type="text" name="token" maxlength="128" autocomplete="off" aria-describedby="token-help";
                p #token-help .hint { (t.payment_token_help) }
                button type="submit" { (t.review) }
            }
        },
        None => html! {
            (details)
            p { a.button href={ "/login?next=/catalog/" (product.id.as_str()) } { (t.sign_in_to_buy) } }
        },
    };
    Ok(shell.page(&product.name, body))
}

fn product_details(
    product: &Product,
    t: &SiteTexts,
    format: &giftgate_actors::domain::Format,
) -> Markup {
    html! {
        section.card {
            dl {
                dt { (t.issuer) } dd { (product.issuer) }
                dt { (t.category) } dd { (category_name(&product.category, t)) }
                dt { (t.price) } dd { (format.money(product.face_value)) }
                dt { (t.validity) }
                dd {
                    @match product.validity_days {
                        Some(days) => { (days) " " (t.days) },
                        None => (t.no_expiry),
                    }
                }
            }
        }
    }
}

async fn find_product(state: &AppState, id: &str) -> Result<Option<Product>, ApiError> {
    let Ok(id) = ProductId::parse(id) else {
        return Ok(None);
    };
    Ok(state.ledger.product(&id).await?.filter(|p| p.active))
}

/// The purchase as an order, parsed as every channel's orders are.
fn purchase_order(
    state: &AppState,
    visitor: &Visitor,
    form: &PurchaseForm,
    order_id: &str,
) -> Result<Order, String> {
    let quantity: u32 = form
        .quantity
        .as_deref()
        .unwrap_or("1")
        .parse()
        .map_err(|_| "quantity".to_owned())?;
    let method = form.method.as_deref().unwrap_or("carrier");
    let settlement = match method {
        "carrier" => json!({"method": "carrier"}),
        "card" | "bank" => {
            json!({"method": method, "token": form.token.as_deref().unwrap_or("").trim()})
        }
        _ => return Err("method".to_owned()),
    };
    let order = json!({
        "order_id": order_id,
        "type": "purchase",
        "msisdn": visitor.msisdn.as_str(),
        "product_id": form.product_id,
        "quantity": quantity,
        "settlement": settlement,
    });
    Order::from_json(order.to_string().as_bytes(), state.ledger.region()).map_err(|e| e.to_string())
}

/// `POST /purchase/review`: the confirm step.
pub async fn review(
    visitor: Visitor,
    form: web::Form<PurchaseForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !visitor.csrf_ok(form.csrf.as_deref()) {
        return Ok(visitor.forbidden());
    }
    let t = visitor.texts();
    let format = visitor.format();
    let Some(product) = find_product(&state, &form.product_id).await? else {
        return Ok(not_found(visitor.context));
    };
    let order_id = fresh_order_id("web-buy");
    let order = match purchase_order(&state, &visitor, &form, &order_id) {
        Ok(order) => order,
        Err(_) => {
            let body = html! { p.notice role="alert" { (t.purchase_invalid) } };
            return Ok(visitor.page_with(StatusCode::BAD_REQUEST, t.review, false, body));
        }
    };
    let quantity = form
        .quantity
        .as_deref()
        .unwrap_or("1")
        .parse::<u32>()
        .unwrap_or(1);
    let total = product
        .face_value
        .times(quantity)
        .map_err(|e| ApiError::bad_request("invalid_amount", e.to_string()))?;
    let carrier = form.method.as_deref().unwrap_or("carrier") == "carrier";
    let headroom = if carrier {
        state
            .ledger
            .carrier_headroom(&visitor.msisdn, total.currency())
            .await?
    } else {
        None
    };
    let fits = headroom.is_none_or(|h| {
        h.billed
            .checked_add(total)
            .is_ok_and(|after| after.amount() <= h.cap.amount())
    });
    let method_name = match form.method.as_deref() {
        Some("card") => t.card,
        Some("bank") => t.bank,
        _ => t.phone_bill,
    };
    let body = html! {
        section.card {
            dl {
                dt { (t.product) } dd { (product.name) }
                dt { (t.quantity) } dd { (quantity) }
                dt { (t.total) } dd.total { (format.money(total)) }
                dt { (t.pay_with) } dd { (method_name) }
                @if let Some(h) = headroom {
                    dt { (t.monthly_cap) } dd { (format.money(h.cap)) }
                    dt { (t.billed_this_month) } dd { (format.money(h.billed)) }
                }
            }
        }
        @if fits {
            form method="post" action="/purchase" {
                (visitor.csrf_field())
                input type="hidden" name="order_id" value=(order.order_id.as_str());
                input type="hidden" name="product_id" value=(form.product_id);
                input type="hidden" name="quantity" value=(quantity);
                input type="hidden" name="method" value=(form.method.as_deref().unwrap_or("carrier"));
                input type="hidden" name="token" value=(form.token.as_deref().unwrap_or(""));
                button type="submit" { (t.confirm_purchase) }
            }
        } @else {
            p.notice role="alert" { (t.over_cap) }
        }
        p { a href={ "/catalog/" (product.id.as_str()) } { (t.back) } }
    };
    Ok(visitor.page(t.review, body))
}

/// `POST /purchase`: places the confirmed order (its id came with the confirm form, so a
/// second post is the same order).
pub async fn purchase(
    visitor: Visitor,
    form: web::Form<PurchaseForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !visitor.csrf_ok(form.csrf.as_deref()) {
        return Ok(visitor.forbidden());
    }
    let t = visitor.texts();
    let order_id = form.order_id.clone().unwrap_or_default();
    let order = match purchase_order(&state, &visitor, &form, &order_id) {
        Ok(order) => order,
        Err(_) => {
            let body = html! { p.notice role="alert" { (t.purchase_invalid) } };
            return Ok(visitor.page_with(StatusCode::BAD_REQUEST, t.review, false, body));
        }
    };
    let record = place(&state, order).await;
    Ok(placed_page(&visitor, &order_id, record))
}
