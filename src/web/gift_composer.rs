//! The gift composer (the seed's FIG. 8): `GET /gift` — certificates, number, message and
//! extras picked with a preview; `POST /gift` places the gift order with `confirm: true`,
//! so the gift waits for the giver's check; `GET /gift/{id}/check` is that check (S170):
//! exactly what the transferee will receive and its size; `POST /gift/{id}/send` or
//! `/cancel` settles it in the giver's session. `GET /contents/{id}` serves an extra's
//! preview to a signed-in visitor.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use giftgate_actors::actors::{Dispatch, SessionCommand};
use giftgate_actors::domain::{
    Certificate, CertificateStatus, ContentId, ContentItem, Gift, GiftId, GiftState, Order,
};
use giftgate_actors::service::ServiceError;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::layout::not_found;
use super::orders::{fresh_order_id, place};
use super::signed_in::{Visitor, see_other};
use super::site_i18n::SiteTexts;
use super::wallet::product_name;
use crate::http::AppState;
use crate::http::error::ApiError;

/// The kinds of extras, in the order the composer offers them.
const EXTRA_KINDS: [&str; 4] = ["theme_card", "character", "ringtone", "background_music"];

/// `?code=` preselects a certificate.
#[derive(Debug, Deserialize)]
pub struct ComposerQuery {
    code: Option<String>,
}

/// The check page's forms.
#[derive(Debug, Deserialize)]
pub struct CheckForm {
    csrf: Option<String>,
}

/// `GET /gift`: the composer.
pub async fn compose(
    visitor: Visitor,
    query: web::Query<ComposerQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body = composer(&state, &visitor, query.code.as_deref(), None).await?;
    Ok(visitor.page(visitor.texts().send_gift, body))
}

async fn composer(
    state: &AppState,
    visitor: &Visitor,
    chosen: Option<&str>,
    error: Option<&str>,
) -> Result<Markup, ApiError> {
    let t = visitor.texts();
    let format = visitor.format();
    let mut giftable = Vec::new();
    for (certificate, _) in state.ledger.wallet(&visitor.msisdn).await? {
        if certificate.status == CertificateStatus::Active && !certificate.balance.is_zero() {
            let name = product_name(state, &certificate).await?;
            giftable.push((certificate, name));
        }
    }
    if giftable.is_empty() {
        return Ok(html! {
            p.notice role="status" { (t.nothing_to_gift) " " a href="/catalog" { (t.catalog) } }
        });
    }
    let contents = state.ledger.contents().await?;
    Ok(html! {
        @if let Some(error) = error { p.notice role="alert" id="gift-error" { (error) } }
        form.stack method="post" action="/gift" {
            (visitor.csrf_field())
            input type="hidden" name="order_id" value=(fresh_order_id("web-gift"));
            fieldset {
                legend { (t.which_certificates) }
                @for (certificate, name) in &giftable {
                    label {
                        input type="checkbox" name="code" value=(certificate.code.as_str())
                            checked[chosen == Some(certificate.code.as_str()) || giftable.len() == 1];
                        " " (name) " · " (format.money(certificate.balance)) " · " (certificate.code.grouped())
                    }
                }
            }
            label for="to" { (t.to_number) }
            input #to type="tel" name="to" inputmode="tel" autocomplete="off" maxlength="20" required;
            label for="message" { (t.message) }
            textarea #message name="message" maxlength="200" rows="3" aria-describedby="message-help" {}
            p #message-help .hint { (t.message_help) }
            @for kind in EXTRA_KINDS {
                (extra_picker(t, kind, &contents))
            }
            button type="submit" { (t.check_package) }
        }
    })
}

fn extra_picker(t: &SiteTexts, kind: &str, contents: &[(ContentItem, i64)]) -> Markup {
    let items: Vec<&ContentItem> = contents
        .iter()
        .map(|(item, _)| item)
        .filter(|item| item.kind == kind)
        .collect();
    if items.is_empty() {
        return html! {};
    }
    html! {
        fieldset.extras {
            legend { (t.extra_kind(kind)) }
            label { input type="radio" name=(kind) value="" checked; " " (t.none) }
            @for item in items {
                label.extra {
                    input type="radio" name=(kind) value=(item.id.as_str());
                    " " (item.title)
                    (preview(item))
                }
            }
        }
    }
}

/// An extra's preview: the picture, or a player.
fn preview(item: &ContentItem) -> Markup {
    let src = format!("/contents/{}", item.id.as_str());
    html! {
        @if item.mime.starts_with("image/") {
            img.preview src=(src) alt=(item.title) loading="lazy";
        } @else if item.mime.starts_with("audio/") {
            audio controls preload="none" src=(src) aria-label=(item.title) {}
        }
    }
}

/// `POST /gift`: the gift order, waiting for the giver's check.
pub async fn place_gift(
    visitor: Visitor,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if !visitor.csrf_ok(field("csrf").as_deref()) {
        return Ok(visitor.forbidden());
    }
    let t = visitor.texts();
    let codes: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "code")
        .map(|(_, v)| v.as_str())
        .collect();
    let extras: Vec<String> = EXTRA_KINDS.iter().filter_map(|kind| field(kind)).collect();
    let order_id = field("order_id").unwrap_or_else(|| fresh_order_id("web-gift"));
    let mut order = json!({
        "order_id": order_id,
        "type": "gift",
        "msisdn": visitor.msisdn.as_str(),
        "certificate_codes": codes,
        "to": field("to").unwrap_or_default(),
        "extras": extras,
        "confirm": true,
    });
    if let Some(message) = field("message") {
        order["message"] = json!(message);
    }
    let parsed = Order::from_json(order.to_string().as_bytes(), state.ledger.region());
    let order = match parsed {
        Ok(order) if order.msisdn != recipient(&order) => order,
        _ => {
            let body = composer(&state, &visitor, None, Some(t.gift_invalid)).await?;
            return Ok(visitor.page_with(StatusCode::BAD_REQUEST, t.send_gift, false, body));
        }
    };
    for extra in &extras {
        let known = match ContentId::parse(extra) {
            Ok(id) => state.ledger.resolve_content(&id).await?.is_some(),
            Err(_) => false,
        };
        if !known {
            let body = composer(&state, &visitor, None, Some(t.gift_invalid)).await?;
            return Ok(visitor.page_with(StatusCode::BAD_REQUEST, t.send_gift, false, body));
        }
    }
    let record = place(&state, order).await;
    let gift_id = record
        .as_ref()
        .and_then(|r| r.outcome.as_ref())
        .and_then(|o| o.get("gift_id"))
        .and_then(|g| g.as_str())
        .map(str::to_owned);
    match (record, gift_id) {
        (_, Some(gift_id)) => Ok(see_other(&format!("/gift/{gift_id}/check"))),
        (Some(record), None) => Ok(super::orders::outcome_page(&visitor, &record)),
        (None, None) => Ok(see_other(&format!("/orders/{order_id}"))),
    }
}

fn recipient(order: &Order) -> giftgate_actors::domain::Msisdn {
    match &order.kind {
        giftgate_actors::domain::OrderKind::Gift(gift) => gift.spec.to.clone(),
        _ => order.msisdn.clone(),
    }
}

/// The visitor's gift `id`, or `None`.
async fn givers_gift(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
) -> Result<Option<Gift>, ApiError> {
    let Ok(id) = GiftId::parse(id) else {
        return Ok(None);
    };
    Ok(state
        .ledger
        .find_gift(&id)
        .await?
        .filter(|g| g.giver == visitor.msisdn))
}

/// `GET /gift/{id}/check`: the package check.
pub async fn check(
    visitor: Visitor,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some(gift) = givers_gift(&state, &visitor, &path).await? else {
        return Ok(not_found(visitor.context));
    };
    let t = visitor.texts();
    let format = visitor.format();
    let mut certificates: Vec<(Certificate, String)> = Vec::new();
    for code in &gift.certificate_codes {
        if let Some(certificate) = state.ledger.find_certificate(code).await? {
            let name = product_name(&state, &certificate).await?;
            certificates.push((certificate, name));
        }
    }
    let size = state.ledger.gift_package_size(&gift).await?;
    let contents = state.ledger.contents().await?;
    let extras: Vec<&ContentItem> = contents
        .iter()
        .map(|(item, _)| item)
        .filter(|item| gift.extras.contains(&item.id))
        .collect();
    let waiting = gift.state == GiftState::AwaitingConfirmation;
    let body = html! {
        @if waiting { p.notice role="status" { (t.check_intro) } }
        @else { p.notice role="status" { (t.gift_state(gift.state.as_str())) } }
        section.card aria-labelledby="package-heading" {
            h2 #package-heading { (t.package) }
            dl {
                dt { (t.to_number) } dd { (format.msisdn(&gift.transferee)) }
                @if let Some(message) = &gift.message { dt { (t.message) } dd.message { (message) } }
                dt { (t.package_size) } dd.size { (format_size(size)) }
            }
            ul {
                @for (certificate, name) in &certificates {
                    li { (name) " · " (format.money(certificate.balance)) }
                }
            }
            @for item in &extras {
                figure.extra {
                    (preview(item))
                    figcaption { (t.extra_kind(&item.kind)) ": " (item.title) }
                }
            }
        }
        @if waiting {
            form method="post" action={ "/gift/" (gift.id.as_str()) "/send" } {
                (visitor.csrf_field())
                button type="submit" { (t.send_now) }
            }
            form method="post" action={ "/gift/" (gift.id.as_str()) "/cancel" } {
                (visitor.csrf_field())
                button.secondary type="submit" { (t.cancel_gift) }
            }
        }
    };
    Ok(visitor.page(t.package, body))
}

fn format_size(bytes: i64) -> String {
    if bytes >= 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// `POST /gift/{id}/send` and `/cancel`: the giver's answer to the check.
pub async fn settle(
    visitor: Visitor,
    path: web::Path<(String, String)>,
    form: web::Form<CheckForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !visitor.csrf_ok(form.csrf.as_deref()) {
        return Ok(visitor.forbidden());
    }
    let (id, answer) = path.into_inner();
    let Some(gift) = givers_gift(&state, &visitor, &id).await? else {
        return Ok(not_found(visitor.context));
    };
    let t = visitor.texts();
    let command = if answer == "send" {
        SessionCommand::ConfirmGift(gift.id.clone())
    } else {
        SessionCommand::CancelGift(gift.id.clone())
    };
    let reply = state
        .registry
        .send(Dispatch {
            msisdn: gift.giver.clone(),
            command,
        })
        .await
        .map_err(|e| ApiError::unavailable("unavailable", e.to_string()))?;
    let body = match reply {
        Ok(_) if answer == "send" => html! { p.notice role="status" { (t.gift_sent) } },
        Ok(_) => html! { p.notice role="status" { (t.gift_cancelled) } },
        Err(ServiceError::Refused(refusal)) => html! {
            p.notice role="alert" {
                (refusal.code.words(visitor.context.language))
            }
        },
        Err(error) => return Err(error.into()),
    };
    let body = html! { (body) p { a href="/wallet" { (t.wallet) } } };
    Ok(visitor.page(t.package, body))
}

/// `GET /contents/{id}`: an extra, for the composer's preview.
pub async fn content(
    visitor: Visitor,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let item = match ContentId::parse(&path) {
        Ok(id) => state.ledger.resolve_content(&id).await?,
        Err(_) => None,
    };
    let Some(item) = item else {
        return Ok(not_found(visitor.context));
    };
    Ok(HttpResponse::Ok()
        .content_type(item.mime)
        .insert_header(("Cache-Control", "private, max-age=3600"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(item.bytes))
}
