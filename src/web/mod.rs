//! The subscriber's pages (CONTRACT.md §8): HTML for phones, served by the same actix-web
//! listener as the API.
//!
//! One module per page family: [`voucher`] (`/v/{token}`), [`gift`] (`/g/{token}`), with
//! [`layout`] (the page shell and security headers), [`i18n`] (Korean and English) and
//! [`assets`] (the stylesheet and the one small script, served from the binary: nothing
//! comes from elsewhere). Pages work without JavaScript; plain forms post back here and
//! carry a CSRF token (see [`csrf`]).

pub mod assets;
pub mod csrf;
pub mod gift;
pub mod i18n;
pub mod layout;
pub mod voucher;

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
        );
}
