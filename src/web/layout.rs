//! The page shell every page shares, and the headers every page carries:
//! `Content-Security-Policy` without inline scripts or styles and with
//! `frame-ancestors 'none'`, `no-store` (a page may show a PIN), no referrer (the URL is a
//! bearer link), `nosniff`.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use giftgate_actors::domain::Language;
use maud::{DOCTYPE, Markup, html};

use super::i18n::{LANG_COOKIE, Texts, language_of, switched_to};

/// The pages' content security policy.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; media-src 'self'; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

/// What a page needs from its request: its language's texts, and whether the public URL
/// is https (cookies are `Secure` then).
#[derive(Debug, Clone, Copy)]
pub struct PageContext {
    /// The texts in the visitor's language.
    pub texts: &'static Texts,
    /// The visitor's language (for numbers, amounts and dates).
    pub language: Language,
    /// The language switch to remember, if this request asked for one.
    switch: Option<&'static str>,
    /// Cookies get `Secure`.
    secure: bool,
}

impl PageContext {
    /// The context of `request`.
    pub fn of(request: &HttpRequest, secure: bool) -> Self {
        let language = language_of(request);
        PageContext {
            texts: Texts::of(language),
            language,
            switch: switched_to(request),
            secure,
        }
    }
}

/// A whole page: `title` heading, `body` inside `<main>`, answered with `status`.
pub fn page(
    context: PageContext,
    status: StatusCode,
    title: &str,
    with_wake_lock: bool,
    body: Markup,
) -> HttpResponse {
    let texts = context.texts;
    let markup = html! {
        (DOCTYPE)
        html lang=(texts.code) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · " (texts.site) }
                link rel="stylesheet" href="/static/site.css";
                @if with_wake_lock {
                    script src="/static/wake.js" defer {}
                }
            }
            body {
                header {
                    span { (texts.site) }
                    nav.lang aria-label="language" {
                        a href={ "?lang=" (texts.other_code) } lang=(texts.other_code) { (texts.other_language) }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    let mut response = HttpResponse::build(status);
    response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(code) = context.switch {
        let cookie = Cookie::build(LANG_COOKIE, code)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(context.secure)
            .finish();
        response.cookie(cookie);
    }
    response.body(markup.into_string())
}

/// The friendly 404 of a dead or forged link (or any unknown page).
pub fn not_found(context: PageContext) -> HttpResponse {
    let texts = context.texts;
    page(
        context,
        StatusCode::NOT_FOUND,
        texts.not_found_title,
        false,
        html! { p.notice { (texts.not_found_body) } },
    )
}

/// The 403 of a form posted without its CSRF token.
pub fn forbidden(context: PageContext) -> HttpResponse {
    let texts = context.texts;
    page(
        context,
        StatusCode::FORBIDDEN,
        texts.forbidden_title,
        false,
        html! { p.notice { (texts.forbidden_body) } },
    )
}
