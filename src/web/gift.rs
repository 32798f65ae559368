//! `/g/{token}`: a gift for its transferee, no sign-in — sender, message, theme card,
//! ringtone and background music (`<audio>`), character, what it carries, and the accept
//! and reject forms. Answering here is the same `accept` / `reject` order as by SMS or the
//! API; after accepting the page shows the certificates with the transferee's new PIN.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::actors::{Dispatch, SessionCommand, SessionReply};
use giftgate_actors::domain::{
    Certificate, ContentId, Format, GiftAnswer, GiftState, Order, OrderId, OrderKind, OrderStatus,
};
use giftgate_actors::service::orders::OrderMeta;
use maud::{Markup, html};

use super::csrf;
use super::layout::{PageContext, forbidden, not_found, page};
use super::voucher::secure;
use crate::http::AppState;
use crate::http::error::ApiError;

/// `GET /g/{token}`
pub async fn show(
    request: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let context = PageContext::of(&request, secure(&state));
    let Some(open) = state.ledger.open_gift(&token).await? else {
        return Ok(not_found(context));
    };
    let texts = context.texts;
    let format = Format::new(context.language);
    let gift = &open.gift;
    let names = product_names(&state, &open.certificates).await?;
    let mut extras: Vec<Markup> = Vec::new();
    for id in &gift.extras {
        let Some(item) = state.ledger.resolve_content(id).await? else {
            continue;
        };
        let src = format!("/g/{}/content/{}", token.as_str(), id.as_str());
        extras.push(match item.kind.as_str() {
            "theme_card" => html! { img.theme src=(src) alt={ (texts.theme_card) ": " (item.title) }; },
            "character" => html! {
                figure { img.character src=(src) alt={ (texts.character) ": " (item.title) };
                         figcaption { (texts.character) ": " (item.title) } }
            },
            kind => {
                let label = if kind == "ringtone" { texts.ringtone } else { texts.background_music };
                html! {
                    figure {
                        figcaption #{ "audio-" (id.as_str()) } { (label) ": " (item.title) }
                        audio controls preload="none" src=(src) aria-labelledby={ "audio-" (id.as_str()) } {}
                    }
                }
            }
        });
    }
    let form_token = csrf::for_link(&token);
    let body = html! {
        @for extra in &extras { (extra) }
        section.card {
            dl {
                dt { (texts.from) } dd { (format.msisdn(&gift.giver)) }
            }
            @if let Some(message) = &gift.message {
                h2 { (texts.message) }
                p.message { (message) }
            }
            h2 { (texts.contents) }
            ul {
                @for (certificate, name) in open.certificates.iter().zip(&names) {
                    li { (name) " — " (format.money(certificate.balance)) }
                }
            }
        }
        @if gift.state == GiftState::Sent {
            section.card {
                form method="post" action={ "/g/" (token.as_str()) "/accept" } {
                    input type="hidden" name="csrf" value=(form_token);
                    button type="submit" { (texts.accept) }
                }
                form method="post" action={ "/g/" (token.as_str()) "/reject" } {
                    input type="hidden" name="csrf" value=(form_token);
                    button.secondary type="submit" { (texts.reject) }
                }
            }
        } @else {
            p.notice { (texts.gift_closed) }
        }
    };
    Ok(page(context, StatusCode::OK, texts.gift_title, false, body))
}

/// `GET /g/{token}/content/{content_id}`: one of the gift's extras (only those it carries).
pub async fn content(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (token, id) = path.into_inner();
    let context = PageContext::of(&request, secure(&state));
    let Some(open) = state.ledger.open_gift(&token).await? else {
        return Ok(not_found(context));
    };
    let Ok(id) = ContentId::parse(&id) else {
        return Ok(not_found(context));
    };
    if !open.gift.extras.contains(&id) {
        return Ok(not_found(context));
    }
    let Some(item) = state.ledger.resolve_content(&id).await? else {
        return Ok(not_found(context));
    };
    Ok(HttpResponse::Ok()
        .content_type(item.mime)
        .insert_header(("Cache-Control", "private, max-age=3600"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(item.bytes))
}

/// The accept and reject forms' body.
#[derive(Debug, serde::Deserialize)]
pub struct AnswerForm {
    csrf: Option<String>,
}

/// `POST /g/{token}/accept` and `/reject`: the transferee's answer, as an order.
pub async fn answer(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    form: Option<web::Form<AnswerForm>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (token, answer) = path.into_inner();
    let context = PageContext::of(&request, secure(&state));
    let texts = context.texts;
    if !csrf::check(&token, form.as_ref().and_then(|f| f.csrf.as_deref())) {
        return Ok(forbidden(context));
    }
    let Some(open) = state.ledger.open_gift(&token).await? else {
        return Ok(not_found(context));
    };
    let gift = open.gift;
    if gift.state != GiftState::Sent {
        let body = html! { p.notice { (texts.gift_closed) } };
        return Ok(page(context, StatusCode::OK, texts.gift_title, false, body));
    }
    let accept = answer == "accept";
    let kind = if accept {
        OrderKind::Accept(GiftAnswer {
            gift_id: gift.id.clone(),
        })
    } else {
        OrderKind::Reject(GiftAnswer {
            gift_id: gift.id.clone(),
        })
    };
    // One order per gift and answer: a double tap is the same order, answered once.
    let order = Order {
        order_id: OrderId::internal(
            if accept { "web-accept" } else { "web-reject" },
            gift.id.as_str(),
        ),
        msisdn: gift.transferee.clone(),
        kind,
    };
    let dispatch = Dispatch {
        msisdn: order.msisdn.clone(),
        command: SessionCommand::Order {
            order,
            meta: OrderMeta::default(),
        },
    };
    let reply = tokio::time::timeout(state.order_wait, state.registry.send(dispatch)).await;
    let completed = matches!(
        &reply,
        Ok(Ok(Ok(SessionReply::Order(record)))) if record.status == OrderStatus::Completed
    );
    if !completed {
        let body = html! { p.notice role="alert" { (texts.answer_failed) } };
        return Ok(page(context, StatusCode::OK, texts.gift_title, false, body));
    }
    if !accept {
        let body = html! { p.notice role="status" { (texts.rejected) } };
        return Ok(page(context, StatusCode::OK, texts.gift_title, false, body));
    }
    accepted_page(context, &state, &gift.id).await
}

/// After accepting: each certificate with its new PIN and barcode, and its own `/v/` link.
async fn accepted_page(
    context: PageContext,
    state: &AppState,
    gift_id: &giftgate_actors::domain::GiftId,
) -> Result<HttpResponse, ApiError> {
    let texts = context.texts;
    let format = Format::new(context.language);
    let ledger = &state.ledger;
    let Some(gift) = ledger.find_gift(gift_id).await? else {
        return Ok(not_found(context));
    };
    let base = ledger.public_url().unwrap_or_default().to_owned();
    let mut cards = Vec::new();
    for code in &gift.certificate_codes {
        let Some(certificate) = ledger
            .certificate_for_holder(code, &gift.transferee)
            .await?
        else {
            continue;
        };
        let generation = ledger.pin_generation(code).await?;
        let path = ledger
            .voucher_link(&certificate, &gift.transferee, generation)
            .await?
            .map(|url| url.strip_prefix(&base).unwrap_or(&url).to_owned());
        let pin = ledger.certificate_pin(&certificate).ok();
        cards.push((certificate, pin, path));
    }
    let certificates: Vec<Certificate> = cards.iter().map(|(c, _, _)| c.clone()).collect();
    let names = product_names(state, &certificates).await?;
    let body = html! {
        p.notice role="status" { (texts.accepted) }
        @for ((certificate, pin, path), name) in cards.iter().zip(&names) {
            section.card {
                h2 { (name) }
                @if let Some(path) = path {
                    img.barcode src={ (path) "/barcode.png" } alt=(certificate.code.as_str());
                }
                p.digits { (certificate.code.grouped()) }
                @if let Some(pin) = pin {
                    details {
                        summary { (texts.show_pin) }
                        p { (texts.pin) " " span.pin { (pin.reveal()) } }
                    }
                }
                dl {
                    dt { (texts.balance) } dd { (format.money(certificate.balance)) }
                }
                @if let Some(path) = path {
                    p { a href=(path) { (texts.voucher_title) } }
                }
            }
        }
    };
    Ok(page(context, StatusCode::OK, texts.gift_title, true, body))
}

/// Each certificate's product name (its id when the product is gone).
async fn product_names(
    state: &AppState,
    certificates: &[Certificate],
) -> Result<Vec<String>, ApiError> {
    let mut names = Vec::with_capacity(certificates.len());
    for certificate in certificates {
        let name = state
            .ledger
            .product(&certificate.product_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_else(|| certificate.product_id.as_str().to_owned());
        names.push(name);
    }
    Ok(names)
}
