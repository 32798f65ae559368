//! `/v/{token}`: one certificate for its holder, no sign-in — product, issuer, balance,
//! expiry, status, the barcode large (Code 128, or QR) with its 16 digits under it, and
//! the PIN behind a tap (`<details>`, no script needed), the certificate's uses, and
//! the actions its state allows. The screen is kept awake by `/static/wake.js` where the
//! browser has the Wake Lock API. Actions that move value (gift on, extend, refund, new
//! PIN) link into the signed-in site: holding a link shows a voucher, but changing it
//! takes the handset's one-time code.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::domain::{CertificateStatus, Format};
use maud::html;

use super::layout::{PageContext, not_found, page};
use super::site_i18n::SiteTexts;
use crate::http::AppState;
use crate::http::error::ApiError;

/// `?qr=1` shows the QR code instead of the linear barcode.
#[derive(Debug, serde::Deserialize)]
pub struct VoucherQuery {
    qr: Option<String>,
}

impl VoucherQuery {
    fn qr(&self) -> bool {
        self.qr.as_deref() == Some("1")
    }
}

/// True when the public URL is https (cookies are then `Secure`).
pub fn secure(state: &AppState) -> bool {
    state
        .ledger
        .public_url()
        .is_some_and(|url| url.starts_with("https://"))
}

/// `GET /v/{token}`
pub async fn show(
    request: HttpRequest,
    token: web::Path<String>,
    query: web::Query<VoucherQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let context = PageContext::of(&request, secure(&state));
    let Some(open) = state.ledger.open_voucher(&token).await? else {
        return Ok(not_found(context));
    };
    let texts = context.texts;
    let certificate = &open.certificate;
    let product = state.ledger.product(&certificate.product_id).await?;
    let (name, issuer) = product
        .map(|p| (p.name, p.issuer))
        .unwrap_or_else(|| (certificate.product_id.as_str().to_owned(), String::new()));
    let local = Format::new(context.language);
    let site = SiteTexts::of(context.language);
    let uses = state.ledger.certificate_journal(&certificate.code).await?;
    let qr = query.qr();
    let digits = certificate.code.as_str().to_owned();
    let grouped = certificate.code.grouped();
    let image = if qr {
        format!("/v/{}/barcode.png?qr=1", token.as_str())
    } else {
        format!("/v/{}/barcode.png", token.as_str())
    };
    let body = html! {
        section.card aria-labelledby="barcode-heading" {
            h2 #barcode-heading { (texts.barcode) }
            img.barcode.qr[qr] src=(image) alt=(digits);
            p.digits { (grouped) }
            p { (texts.till_hint) }
            p {
                @if qr {
                    a href={ "/v/" (token.as_str()) } { (texts.show_barcode) }
                } @else {
                    a href={ "/v/" (token.as_str()) "?qr=1" } { (texts.show_qr) }
                }
            }
            details {
                summary { (texts.show_pin) }
                @match &open.pin {
                    Some(pin) => p { (texts.pin) " " span.pin { (pin.reveal()) } },
                    None => p { (texts.pin_unavailable) },
                }
            }
        }
        section.card aria-label=(texts.product) {
            dl {
                dt { (texts.product) } dd { (name) }
                @if !issuer.is_empty() { dt { (texts.issuer) } dd { (issuer) } }
                dt { (texts.balance) } dd { (local.money(certificate.balance)) }
                dt { (texts.face_value) } dd { (local.money(certificate.face_value)) }
                dt { (texts.expires) }
                dd {
                    @match certificate.expires_at {
                        Some(at) => (local.date(at)),
                        None => (texts.no_expiry),
                    }
                }
                dt { (texts.status) }
                dd.status { (texts.certificate_status(certificate.status.as_str())) }
            }
        }
        (super::wallet::uses_table(site, &local, &uses))
        @if certificate.status == CertificateStatus::Active {
            section.card aria-labelledby="actions-heading" {
                h2 #actions-heading { (site.actions) }
                p { (site.actions_need_sign_in) }
                p { a.button href={ "/gift?code=" (digits) } { (site.gift_on) } }
                p { a href={ "/wallet/" (digits) } { (site.extend) " · " (site.renew_pin) } }
                p { a href={ "/wallet/" (digits) "/refund" } { (site.refund) } }
            }
        }
    };
    Ok(page(
        context,
        StatusCode::OK,
        texts.voucher_title,
        true,
        body,
    ))
}

/// `GET /v/{token}/barcode.png` (`?qr=1` for QR): the certificate's barcode, only while
/// the link is live.
pub async fn barcode(
    request: HttpRequest,
    token: web::Path<String>,
    query: web::Query<VoucherQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some(open) = state.ledger.open_voucher(&token).await? else {
        return Ok(not_found(PageContext::of(&request, secure(&state))));
    };
    barcode_png(open.certificate.code, query.qr()).await
}

/// A certificate's barcode as PNG: Code 128, or QR when `qr`.
pub async fn barcode_png(
    code: giftgate_actors::domain::CertificateCode,
    qr: bool,
) -> Result<HttpResponse, ApiError> {
    let png = web::block(move || {
        if qr {
            giftgate_mms::qr_png(code.as_str())
        } else {
            giftgate_mms::code128_png(code.as_str())
        }
    })
    .await
    .map_err(|e| ApiError::unavailable("internal", e.to_string()))?
    .map_err(|e| ApiError::unavailable("barcode_failed", e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "no-store"))
        .body(png))
}
