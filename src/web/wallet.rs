//! The wallet (the seed's FIG. 9): `/wallet` lists every certificate the visitor holds
//! with balance, expiry, status and barcode; `/wallet/{code}` shows one with its PIN
//! behind a tap, its uses, and the actions its state allows — gift it on, extend, renew
//! the PIN, refund (the amount the refund rules give is shown before the confirm step).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use giftgate_actors::domain::{
    Certificate, CertificateCode, CertificateStatus, Format, JournalKind, Order, Pin, RefusalCode,
};
use giftgate_actors::service::ServiceError;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::layout::not_found;
use super::orders::{fresh_order_id, place, placed_page};
use super::signed_in::Visitor;
use super::site_i18n::SiteTexts;
use crate::http::AppState;
use crate::http::error::ApiError;

/// `?qr=1` for the QR code.
#[derive(Debug, Deserialize)]
pub struct BarcodeQuery {
    qr: Option<String>,
}

/// The action forms' fields.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    csrf: Option<String>,
    order_id: Option<String>,
}

/// `GET /wallet`: every certificate the visitor holds.
pub async fn list(visitor: Visitor, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let t = visitor.texts();
    let format = visitor.format();
    let held = state.ledger.wallet(&visitor.msisdn).await?;
    let mut cards = Vec::with_capacity(held.len());
    for (certificate, _) in held {
        let name = product_name(&state, &certificate).await?;
        cards.push((certificate, name));
    }
    let body = html! {
        @if cards.is_empty() {
            p.notice role="status" { (t.wallet_empty) " " a href="/catalog" { (t.catalog) } }
        }
        @for (certificate, name) in &cards {
            section.card {
                h2 { a href={ "/wallet/" (certificate.code.as_str()) } { (name) } }
                @if usable(certificate) {
                    img.barcode src={ "/wallet/" (certificate.code.as_str()) "/barcode.png" }
                        alt=(certificate.code.as_str()) loading="lazy";
                }
                p.digits { (certificate.code.grouped()) }
                dl {
                    dt { (t.balance) } dd { (format.money(certificate.balance)) }
                    dt { (t.expires) }
                    dd { @match certificate.expires_at { Some(at) => (format.date(at)), None => (t.no_expiry) } }
                    dt { (t.status) } dd.status { (t.certificate_status(certificate.status.as_str())) }
                }
            }
        }
    };
    Ok(visitor.page(t.wallet, body))
}

fn usable(certificate: &Certificate) -> bool {
    certificate.status == CertificateStatus::Active && !certificate.balance.is_zero()
}

/// The product name of a certificate (its id when the product is gone).
pub(super) async fn product_name(
    state: &AppState,
    certificate: &Certificate,
) -> Result<String, ApiError> {
    Ok(state
        .ledger
        .product(&certificate.product_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_else(|| certificate.product_id.as_str().to_owned()))
}

/// The visitor's certificate `code` with its PIN, or `None` (not theirs, or no such).
async fn held(
    state: &AppState,
    visitor: &Visitor,
    code: &str,
) -> Result<Option<(Certificate, Option<Pin>)>, ApiError> {
    let Ok(code) = CertificateCode::parse(code) else {
        return Ok(None);
    };
    let Some(certificate) = state
        .ledger
        .certificate_for_holder(&code, &visitor.msisdn)
        .await?
    else {
        return Ok(None);
    };
    let pin = state.ledger.certificate_pin(&certificate).ok();
    Ok(Some((certificate, pin)))
}

/// `GET /wallet/{code}`: one certificate, its uses and its actions.
pub async fn show(
    visitor: Visitor,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some((certificate, pin)) = held(&state, &visitor, &path).await? else {
        return Ok(not_found(visitor.context));
    };
    let name = product_name(&state, &certificate).await?;
    let uses = state.ledger.certificate_journal(&certificate.code).await?;
    let body = html! {
        (certificate_card(&visitor, &certificate, pin.as_ref()))
        (uses_table(visitor.texts(), &visitor.format(), &uses))
        (actions(&visitor, &certificate))
    };
    Ok(visitor.page_with(StatusCode::OK, &name, true, body))
}

fn certificate_card(visitor: &Visitor, certificate: &Certificate, pin: Option<&Pin>) -> Markup {
    let t = visitor.texts();
    let format = visitor.format();
    let code = certificate.code.as_str();
    html! {
        section.card aria-labelledby="barcode-heading" {
            h2 #barcode-heading { (t.barcode) }
            @if usable(certificate) {
                img.barcode src={ "/wallet/" (code) "/barcode.png" } alt=(code);
                p { a href={ "/wallet/" (code) "/barcode.png?qr=1" } { (t.qr_code) } }
            }
            p.digits { (certificate.code.grouped()) }
            details {
                summary { (t.show_pin) }
                @match pin {
                    Some(pin) => p { "PIN " span.pin { (pin.reveal()) } },
                    None => p { (t.pin_unavailable) },
                }
            }
            dl {
                dt { (t.balance) } dd { (format.money(certificate.balance)) }
                dt { (t.face_value) } dd { (format.money(certificate.face_value)) }
                dt { (t.expires) }
                dd { @match certificate.expires_at { Some(at) => (format.date(at)), None => (t.no_expiry) } }
                dt { (t.status) } dd.status { (t.certificate_status(certificate.status.as_str())) }
            }
        }
    }
}

/// A certificate's uses (redemptions and voids), newest first as the journal gives them.
pub(super) fn uses_table(
    t: &SiteTexts,
    format: &Format,
    entries: &[giftgate_actors::domain::JournalEntry],
) -> Markup {
    let uses: Vec<_> = entries
        .iter()
        .filter(|e| matches!(e.kind, JournalKind::Redeem | JournalKind::Void))
        .collect();
    html! {
        section.card aria-labelledby="uses-heading" {
            h2 #uses-heading { (t.uses) }
            @if uses.is_empty() {
                p { (t.no_uses) }
            } @else {
                table {
                    thead { tr { th scope="col" { (t.when) } th scope="col" { (t.what) } th scope="col" { (t.amount) } } }
                    tbody {
                        @for entry in &uses {
                            tr {
                                td { (format.date_time(entry.at)) }
                                td { (t.journal_kind(entry.kind.as_str())) }
                                td { (format.money(entry.amount)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn actions(visitor: &Visitor, certificate: &Certificate) -> Markup {
    let t = visitor.texts();
    let code = certificate.code.as_str();
    if certificate.status != CertificateStatus::Active {
        return html! {};
    }
    html! {
        section.card aria-labelledby="actions-heading" {
            h2 #actions-heading { (t.actions) }
            p { a.button href={ "/gift?code=" (code) } { (t.gift_on) } }
            form method="post" action={ "/wallet/" (code) "/extend" } {
                (visitor.csrf_field())
                button type="submit" { (t.extend) }
            }
            form method="post" action={ "/wallet/" (code) "/pin" } {
                (visitor.csrf_field())
                button type="submit" { (t.renew_pin) }
            }
            p { a href={ "/wallet/" (code) "/refund" } { (t.refund) } }
        }
    }
}

/// `GET /wallet/{code}/barcode.png` (`?qr=1`): the visitor's certificate's barcode.
pub async fn barcode(
    visitor: Visitor,
    path: web::Path<String>,
    query: web::Query<BarcodeQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some((certificate, _)) = held(&state, &visitor, &path).await? else {
        return Ok(not_found(visitor.context));
    };
    super::voucher::barcode_png(certificate.code, query.qr.as_deref() == Some("1")).await
}

/// `POST /wallet/{code}/extend` (three more months, where the deployment allows) and
/// `POST /wallet/{code}/pin` (a new PIN, sent by SMS to the visitor's handset).
pub async fn act(
    visitor: Visitor,
    path: web::Path<(String, String)>,
    form: web::Form<ActionForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (code, action) = path.into_inner();
    let certificate = match acting(&visitor, &code, &form, &state).await? {
        Ok(certificate) => certificate,
        Err(answer) => return Ok(answer),
    };
    let t = visitor.texts();
    let ledger = &state.ledger;
    let outcome = if action == "extend" {
        ledger
            .extend_certificate(&visitor.msisdn, &certificate.code)
            .await
            .map(|_| t.extended)
    } else {
        ledger
            .renew_pin(&visitor.msisdn, &certificate.code)
            .await
            .map(|()| t.pin_renewed)
    };
    action_outcome(&visitor, &certificate, outcome)
}

/// `GET /wallet/{code}/refund`: what a refund would pay now, and the confirm form.
pub async fn refund_review(
    visitor: Visitor,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some((certificate, _)) = held(&state, &visitor, &path).await? else {
        return Ok(not_found(visitor.context));
    };
    let t = visitor.texts();
    let format = visitor.format();
    let code = certificate.code.as_str();
    let body = match state
        .ledger
        .refund_quote(&visitor.msisdn, &certificate.code)
        .await
    {
        Ok(amount) => html! {
            section.card {
                p { (t.refund_amount) " " strong.total { (format.money(amount)) } }
                p { (t.refund_warning) }
                form method="post" action={ "/wallet/" (code) "/refund" } {
                    (visitor.csrf_field())
                    input type="hidden" name="order_id" value=(fresh_order_id("web-refund"));
                    button.secondary type="submit" { (t.confirm_refund) }
                }
            }
            p { a href={ "/wallet/" (code) } { (t.back) } }
        },
        Err(ServiceError::Refused(refusal)) => html! {
            p.notice role="alert" { (refusal_words(&visitor, refusal.code)) }
            p { a href={ "/wallet/" (code) } { (t.back) } }
        },
        Err(error) => return Err(error.into()),
    };
    Ok(visitor.page(t.refund, body))
}

/// `POST /wallet/{code}/refund`: the refund order.
pub async fn refund(
    visitor: Visitor,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let certificate = match acting(&visitor, &path, &form, &state).await? {
        Ok(certificate) => certificate,
        Err(answer) => return Ok(answer),
    };
    let order_id = form
        .order_id
        .clone()
        .unwrap_or_else(|| fresh_order_id("web-refund"));
    let order = json!({
        "order_id": order_id,
        "type": "refund",
        "msisdn": visitor.msisdn.as_str(),
        "certificate_code": certificate.code.as_str(),
    });
    let Ok(order) = Order::from_json(order.to_string().as_bytes(), state.ledger.region()) else {
        return Ok(not_found(visitor.context));
    };
    let record = place(&state, order).await;
    Ok(placed_page(&visitor, &order_id, record))
}

/// The visitor's certificate for an action form, or the answer to give instead (403
/// without the CSRF token, 404 when not theirs).
async fn acting(
    visitor: &Visitor,
    code: &str,
    form: &ActionForm,
    state: &AppState,
) -> Result<Result<Certificate, HttpResponse>, ApiError> {
    if !visitor.csrf_ok(form.csrf.as_deref()) {
        return Ok(Err(visitor.forbidden()));
    }
    match held(state, visitor, code).await? {
        Some((certificate, _)) => Ok(Ok(certificate)),
        None => Ok(Err(not_found(visitor.context))),
    }
}

fn action_outcome(
    visitor: &Visitor,
    certificate: &Certificate,
    outcome: Result<&'static str, ServiceError>,
) -> Result<HttpResponse, ApiError> {
    let t = visitor.texts();
    let back = format!("/wallet/{}", certificate.code.as_str());
    let body = match outcome {
        Ok(done) => html! { p.notice role="status" { (done) } p { a href=(back) { (t.back) } } },
        Err(ServiceError::Refused(refusal)) => html! {
            p.notice role="alert" { (refusal_words(visitor, refusal.code)) }
            p { a href=(back) { (t.back) } }
        },
        Err(error) => return Err(error.into()),
    };
    Ok(visitor.page(t.actions, body))
}

fn refusal_words(visitor: &Visitor, code: RefusalCode) -> &'static str {
    code.words(visitor.context.language)
}
