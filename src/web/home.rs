//! `/home` (the seed's FIG. 5 main menu) and the texts pages: `/notices`, `/guide` and
//! `/call-center`, whose texts admins edit (`PUT /v1/admin/site-texts/{topic}`); until
//! they do, the built-in texts of [`SiteTexts`] are shown.

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::domain::SiteTopic;
use maud::html;

use super::layout::PageContext;
use super::signed_in::{Visitor, maybe_signed_in, see_other, visitor};
use super::site_i18n::SiteTexts;
use super::voucher::secure;
use crate::http::AppState;
use crate::http::error::ApiError;

/// `GET /`: home when signed in, else the sign-in page.
pub async fn root(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Ok(match visitor(&request, &state).await? {
        Ok(_) => see_other("/home"),
        Err(_) => see_other("/login"),
    })
}

/// `GET /home`: the main menu.
pub async fn home(visitor: Visitor) -> Result<HttpResponse, ApiError> {
    let t = visitor.texts();
    let format = visitor.format();
    let body = html! {
        p { (t.signed_in_as) " " strong { (format.msisdn(&visitor.msisdn)) } }
        ul.menu-grid {
            li { a href="/catalog" { (t.catalog) } }
            li { a href="/catalog" { (t.buy) } }
            li { a href="/gift" { (t.send_gift) } }
            li { a href="/wallet" { (t.use_voucher) } }
            li { a href="/history?kind=purchase" { (t.purchase_history) } }
            li { a href="/history?kind=usage" { (t.usage_history) } }
            li { a href="/history?kind=gift" { (t.gift_history) } }
            li { a href="/notices" { (t.notices) } }
            li { a href="/guide" { (t.guide) } }
            li { a href="/call-center" { (t.call_center) } }
        }
    };
    Ok(visitor.page(t.home, body))
}

/// `GET /notices`, `/guide`, `/call-center`: an admin-edited text (anyone may read it).
pub async fn topic(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let topic = match path.as_str() {
        "notices" => SiteTopic::Notices,
        "guide" => SiteTopic::Guide,
        _ => SiteTopic::CallCenter,
    };
    let context = PageContext::of(&request, secure(&state));
    let t = SiteTexts::of(context.language);
    let written = state.ledger.site_text(topic, t.code).await?;
    let (title, default) = match topic {
        SiteTopic::Notices => (t.notices, t.default_notices),
        SiteTopic::Guide => (t.guide, t.default_guide),
        SiteTopic::CallCenter => (t.call_center, t.default_call_center),
    };
    let text = written.as_deref().unwrap_or(default);
    let body = html! {
        section.card {
            @for paragraph in text.split("\n\n") {
                p.prose { (paragraph) }
            }
        }
    };
    Ok(maybe_signed_in(&request, &state).await?.page(title, body))
}
