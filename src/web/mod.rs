//! The subscriber's pages (CONTRACT.md §8): HTML for phones, served by the same actix-web
//! listener as the API.
//!
//! One module per page family. Link pages, no sign-in: [`voucher`] (`/v/{token}`) and
//! [`gift`] (`/g/{token}`). The signed-in site: [`sign_in`] (`/login`, `/logout`),
//! [`home`] (the menu and the admin-edited texts), [`shop`] (catalogue and purchase),
//! [`wallet`], [`gift_composer`], [`history`] and [`orders`] (an order's outcome), with
//! [`signed_in`] (the session cookie and the signed-in page shell). Shared: [`layout`]
//! (the page shell and security headers), [`i18n`] and [`site_i18n`] (Korean and
//! English) and [`assets`] (the stylesheet and the small scripts, served from the binary:
//! nothing comes from elsewhere). Pages work without JavaScript; plain forms post back
//! here and carry a CSRF token (see [`csrf`]).

pub mod assets;
pub mod csrf;
pub mod gift;
pub mod gift_composer;
pub mod history;
pub mod home;
pub mod i18n;
pub mod layout;
pub mod orders;
pub mod shop;
pub mod sign_in;
pub mod signed_in;
pub mod site_i18n;
pub mod voucher;
pub mod wallet;

use actix_web::web;

/// Mounts the pages' routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/static/site.css", web::get().to(assets::stylesheet))
        .route("/static/wake.js", web::get().to(assets::wake_script))
        .route("/v/{token}", web::get().to(voucher::show))
        .route("/v/{token}/barcode.png", web::get().to(voucher::barcode))
        .route("/g/{token}", web::get().to(gift::show))
        .route(
            "/g/{token}/content/{content_id}",
            web::get().to(gift::content),
        )
        .route(
            "/g/{token}/{answer:accept|reject}",
            web::post().to(gift::answer),
        )
        .route("/", web::get().to(home::root))
        .route("/login", web::get().to(sign_in::show))
        .route("/login", web::post().to(sign_in::send_code))
        .route("/login/code", web::post().to(sign_in::check_code))
        .route("/logout", web::post().to(sign_in::sign_out))
        .route("/home", web::get().to(home::home))
        .route(
            "/{topic:notices|guide|call-center}",
            web::get().to(home::topic),
        )
        .route("/catalog", web::get().to(shop::catalog))
        .route("/catalog/{product_id}", web::get().to(shop::product))
        .route("/purchase/review", web::post().to(shop::review))
        .route("/purchase", web::post().to(shop::purchase))
        .route("/orders/{order_id}", web::get().to(orders::show))
        .route("/wallet", web::get().to(wallet::list))
        .route("/wallet/{code}", web::get().to(wallet::show))
        .route("/wallet/{code}/barcode.png", web::get().to(wallet::barcode))
        .route(
            "/wallet/{code}/{action:extend|pin}",
            web::post().to(wallet::act),
        )
        .route(
            "/wallet/{code}/refund",
            web::get().to(wallet::refund_review),
        )
        .route("/wallet/{code}/refund", web::post().to(wallet::refund))
        .route("/gift", web::get().to(gift_composer::compose))
        .route("/gift", web::post().to(gift_composer::place_gift))
        .route("/gift/{gift_id}/check", web::get().to(gift_composer::check))
        .route(
            "/gift/{gift_id}/{answer:send|cancel}",
            web::post().to(gift_composer::settle),
        )
        .route(
            "/contents/{content_id}",
            web::get().to(gift_composer::content),
        )
        .route("/history", web::get().to(history::show));
}
