//! The pages' stylesheet and script, compiled into the binary and served with a long
//! cache life (their names change with them only on upgrade, so a day is enough).

use actix_web::HttpResponse;
use actix_web::http::header;

const STYLESHEET: &str = include_str!("static/site.css");
const WAKE_SCRIPT: &str = include_str!("static/wake.js");

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}

/// `GET /static/site.css`
pub async fn stylesheet() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLESHEET)
}

/// `GET /static/wake.js`: keeps the screen on while a barcode is shown.
pub async fn wake_script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", WAKE_SCRIPT)
}
