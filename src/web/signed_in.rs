//! Who is signed in: the session cookie, the visitor it names, the CSRF token of the
//! visitor's forms, and the shell of every signed-in page (the menu and sign-out).
//!
//! The cookie holds the session's token (128 random bits; the store keeps its SHA-256)
//! and is `HttpOnly`, `SameSite=Lax`, and `Secure` when the public URL is https. Every
//! form of a signed-in page carries `csrf`, derived from the session token: another site
//! cannot read it, so its posts are refused with 403.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use futures::future::LocalBoxFuture;
use giftgate_actors::domain::{Format, Msisdn};
use maud::{Markup, html};

use super::csrf;
use super::layout::{PageContext, forbidden, page};
use super::site_i18n::SiteTexts;
use super::voucher::secure;
use crate::http::AppState;
use crate::http::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "giftgate_session";

/// A signed-in visitor.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// Whose session it is.
    pub msisdn: Msisdn,
    /// The CSRF token of this visitor's forms.
    pub csrf: String,
    /// Language and cookie settings of the request.
    pub context: PageContext,
}

impl Visitor {
    /// The site texts in the visitor's language.
    pub fn texts(&self) -> &'static SiteTexts {
        SiteTexts::of(self.context.language)
    }

    /// How the visitor's language writes amounts and dates.
    pub fn format(&self) -> Format {
        Format::new(self.context.language)
    }

    /// True when `given` is this visitor's CSRF token.
    pub fn csrf_ok(&self, given: Option<&str>) -> bool {
        given.is_some_and(|given| csrf::same(given, &self.csrf))
    }

    /// The hidden CSRF field of a form.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf); }
    }

    /// The 403 page of a form posted without this visitor's token.
    pub fn forbidden(&self) -> HttpResponse {
        forbidden(self.context)
    }

    /// A signed-in page: the site menu, then `body`.
    pub fn page(&self, title: &str, body: Markup) -> HttpResponse {
        self.page_with(StatusCode::OK, title, false, body)
    }

    /// A signed-in page answered with `status`, with the Wake Lock script when `awake`.
    pub fn page_with(
        &self,
        status: StatusCode,
        title: &str,
        awake: bool,
        body: Markup,
    ) -> HttpResponse {
        let t = self.texts();
        let body = html! {
            nav.menu aria-label=(t.menu) {
                a href="/home" { (t.home) }
                a href="/wallet" { (t.wallet) }
                a href="/catalog" { (t.catalog) }
                a href="/history" { (t.history) }
                form method="post" action="/logout" {
                    (self.csrf_field())
                    button.link type="submit" { (t.sign_out) }
                }
            }
            (body)
        };
        page(self.context, status, title, awake, body)
    }
}

/// Why a signed-in page could not find its visitor: not signed in (answered with a
/// redirect to `/login` that comes back here), or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum VisitorError {
    /// No live session: sign in, then come back to `location`'s `next`.
    #[error("sign-in needed")]
    SignIn {
        /// Where to send the browser.
        location: String,
    },
    /// The session could not be read.
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl ResponseError for VisitorError {
    fn status_code(&self) -> StatusCode {
        match self {
            VisitorError::SignIn { .. } => StatusCode::SEE_OTHER,
            VisitorError::Api(error) => error.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            VisitorError::SignIn { location } => see_other(location),
            VisitorError::Api(error) => error.error_response(),
        }
    }
}

/// A signed-in page's handler takes a [`Visitor`]: without a live session the browser
/// is sent to sign in.
impl FromRequest for Visitor {
    type Error = VisitorError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let state = request
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::unavailable("internal", "no application state"))?;
            match visitor(&request, &state).await? {
                Ok(visitor) => Ok(visitor),
                Err(_) => Err(VisitorError::SignIn {
                    location: login_location(&request),
                }),
            }
        })
    }
}

/// A page's visitor when signing in is optional (catalogue, texts): the signed-in shell
/// with the menu, or the plain one with a sign-in link.
#[derive(Debug, Clone)]
pub enum Shell {
    /// Signed in.
    SignedIn(Visitor),
    /// Not signed in.
    Guest(PageContext),
}

impl Shell {
    /// The request's language and cookie settings.
    pub fn context(&self) -> PageContext {
        match self {
            Shell::SignedIn(visitor) => visitor.context,
            Shell::Guest(context) => *context,
        }
    }

    /// The site texts in the visitor's language.
    pub fn texts(&self) -> &'static SiteTexts {
        SiteTexts::of(self.context().language)
    }

    /// How the visitor's language writes amounts and dates.
    pub fn format(&self) -> Format {
        Format::new(self.context().language)
    }

    /// The signed-in visitor, if any.
    pub fn visitor(&self) -> Option<&Visitor> {
        match self {
            Shell::SignedIn(visitor) => Some(visitor),
            Shell::Guest(_) => None,
        }
    }

    /// The page: with the menu when signed in, else with a sign-in link.
    pub fn page(&self, title: &str, body: Markup) -> HttpResponse {
        match self {
            Shell::SignedIn(visitor) => visitor.page(title, body),
            Shell::Guest(context) => {
                let t = self.texts();
                let body = html! {
                    nav.menu aria-label=(t.menu) {
                        a href="/catalog" { (t.catalog) }
                        a href="/login" { (t.sign_in) }
                    }
                    (body)
                };
                page(*context, StatusCode::OK, title, false, body)
            }
        }
    }
}

/// The shell of a page anyone may see.
pub async fn maybe_signed_in(request: &HttpRequest, state: &AppState) -> Result<Shell, ApiError> {
    Ok(match visitor(request, state).await? {
        Ok(visitor) => Shell::SignedIn(visitor),
        Err(_) => Shell::Guest(PageContext::of(request, secure(state))),
    })
}

/// The visitor of `request`, or the answer to give instead: a redirect to `/login`
/// (coming back to this page after signing in) when no live session is found.
pub async fn visitor(
    request: &HttpRequest,
    state: &AppState,
) -> Result<Result<Visitor, HttpResponse>, ApiError> {
    let context = PageContext::of(request, secure(state));
    let token = request.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    let session = match &token {
        Some(token) => state.ledger.web_session(token).await?,
        None => None,
    };
    match (session, token) {
        (Some(session), Some(token)) => Ok(Ok(Visitor {
            msisdn: session.msisdn,
            csrf: csrf::for_session(&token),
            context,
        })),
        _ => Ok(Err(to_login(request))),
    }
}

/// A redirect to `/login` that brings the visitor back to this page (its path only).
fn to_login(request: &HttpRequest) -> HttpResponse {
    see_other(&login_location(request))
}

/// `/login`, coming back to this page (its path only) after signing in.
fn login_location(request: &HttpRequest) -> String {
    let back = request.uri().path();
    if back == "/" || back.starts_with("/login") {
        "/login".to_owned()
    } else {
        format!("/login?next={}", urlencoding_path(back))
    }
}

/// `303 See Other` to `location` (after a form post, or to sign in).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// The session cookie carrying `token` (empty and expired to sign out).
pub fn session_cookie(token: &str, secure: bool, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age_secs))
        .finish()
}

/// A local path to come back to, kept only if it is one of ours (no scheme, no host).
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.len() <= 200 =>
        {
            path
        }
        _ => "/home",
    }
}

fn urlencoding_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_come_back() {
        assert_eq!(safe_next(Some("/wallet")), "/wallet");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "wallet",
        ] {
            assert_eq!(safe_next(Some(bad)), "/home", "{bad}");
        }
        assert_eq!(safe_next(None), "/home");
    }

    #[test]
    fn paths_are_escaped_for_the_query() {
        assert_eq!(urlencoding_path("/wallet/1234"), "/wallet/1234");
        assert_eq!(urlencoding_path("/a b&c"), "/a%20b%26c");
    }
}
