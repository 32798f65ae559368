//! The OpenAPI document of the HTTP API, served at `/openapi.json`.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    admin, admin_keys, catalog, certificate_keys, contents, error, health, orders, redemptions,
    refund_account, site_texts, subscribers,
};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "giftgate", description = "Sell, gift and redeem electronic gift certificates over a carrier's messaging and billing (CONTRACT.md §4)."),
    paths(
        orders::submit_order, orders::get_order,
        catalog::products, contents::list, contents::upload, contents::barcode_png, contents::barcode_svg,
        subscribers::certificates, subscribers::gifts, subscribers::history,
        subscribers::gift, subscribers::confirm_gift, subscribers::cancel_gift, subscribers::extend,
        certificate_keys::renew_pin, certificate_keys::block, certificate_keys::unblock,
        refund_account::put_refund_account,
        redemptions::redeem, redemptions::void, redemptions::balance,
        admin::create_merchant, admin::create_channel, admin_keys::rotate, admin_keys::revoke, admin::put_product, admin::put_handset, site_texts::put_site_text,
        health::healthz, health::readyz, health::metrics,
    ),
    components(schemas(error::ErrorBody, redemptions::RedeemBody, admin::NameBody, admin::ChannelBody, admin::ProductBody, admin::HandsetBody, subscribers::ExtendBody, refund_account::RefundAccountBody, certificate_keys::PinRenewalBody, certificate_keys::BlockBody, site_texts::SiteTextBody)),
    modifiers(&BearerSchemes)
)]
pub struct ApiDoc;

struct BearerSchemes;

impl Modify for BearerSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for name in ["channel_key", "merchant_key", "admin_token"] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// `GET /openapi.json`
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
