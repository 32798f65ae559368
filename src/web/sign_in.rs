//! `/login` and `/logout`: sign-in by phone number and a 6-digit code sent by SMS
//! through the real SMS path (see [`giftgate_actors::service::sign_in`] for the limits).
//!
//! The sign-in forms carry a double-submit CSRF token: `GET /login` sets a random
//! `giftgate_login` cookie and the forms carry a token derived from it. The client
//! address counted by the per-address limit is the TCP peer's (a proxy in front should
//! be the one to limit by the end user's address).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::domain::web_sign_in::SESSION_LIFETIME_SECS;
use giftgate_actors::domain::{LinkToken, Msisdn, RefusalCode};
use giftgate_actors::service::ServiceError;
use maud::{Markup, html};
use serde::Deserialize;

use super::csrf;
use super::layout::{PageContext, forbidden, page};
use super::signed_in::{SESSION_COOKIE, safe_next, see_other, session_cookie, visitor};
use super::site_i18n::SiteTexts;
use super::voucher::secure;
use crate::http::AppState;
use crate::http::error::ApiError;

/// The sign-in forms' double-submit cookie.
const LOGIN_COOKIE: &str = "giftgate_login";

/// `?next=` of `GET /login`.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// The sign-in forms' fields.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    msisdn: Option<String>,
    code: Option<String>,
    csrf: Option<String>,
    next: Option<String>,
}

/// What the sign-in pages need of their request.
struct SignInPage {
    context: PageContext,
    texts: &'static SiteTexts,
    csrf: String,
    /// A new double-submit cookie value to set, when the request had none.
    new_cookie: Option<String>,
    secure: bool,
}

impl SignInPage {
    fn of(request: &HttpRequest, state: &AppState) -> Self {
        let secure = secure(state);
        let context = PageContext::of(request, secure);
        let existing = request
            .cookie(LOGIN_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| LinkToken::parse(v).is_some());
        let (value, new_cookie) = match existing {
            Some(value) => (value, None),
            None => {
                let value = LinkToken::generate().reveal().to_owned();
                (value.clone(), Some(value))
            }
        };
        SignInPage {
            context,
            texts: SiteTexts::of(context.language),
            csrf: csrf::for_login(&value),
            new_cookie,
            secure,
        }
    }

    /// True when the form carries the token of this browser's sign-in cookie.
    fn posted_with_token(&self, form: &LoginForm) -> bool {
        self.new_cookie.is_none()
            && form
                .csrf
                .as_deref()
                .is_some_and(|given| csrf::same(given, &self.csrf))
    }

    fn answer(&self, status: StatusCode, body: Markup) -> HttpResponse {
        let mut response = page(self.context, status, self.texts.sign_in, false, body);
        if let Some(value) = &self.new_cookie {
            let cookie = Cookie::build(LOGIN_COOKIE, value.clone())
                .path("/login")
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(self.secure)
                .finish();
            // A cookie that cannot be added leaves the form refused as a cross-site post.
            let _ = response.add_cookie(&cookie);
        }
        response
    }

    fn number_form(&self, status: StatusCode, next: &str, error: Option<&str>) -> HttpResponse {
        let t = self.texts;
        let body = html! {
            @if let Some(error) = error { p.notice role="alert" id="login-error" { (error) } }
            form.stack method="post" action="/login" {
                input type="hidden" name="csrf" value=(self.csrf);
                input type="hidden" name="next" value=(next);
                label for="msisdn" { (t.phone_number) }
                input #msisdn type="tel" name="msisdn" inputmode="tel" autocomplete="tel"
                    maxlength="20" required aria-describedby=[error.map(|_| "login-error")];
                button type="submit" { (t.send_code) }
            }
            p { (t.sign_in_help) }
        };
        self.answer(status, body)
    }

    fn code_form(
        &self,
        status: StatusCode,
        msisdn: &Msisdn,
        next: &str,
        message: Option<(&str, bool)>,
    ) -> HttpResponse {
        let t = self.texts;
        let body = html! {
            @match message {
                Some((text, true)) => p.notice role="alert" id="code-note" { (text) },
                Some((text, false)) => p.notice role="status" id="code-note" { (text) },
                None => {},
            }
            form.stack method="post" action="/login/code" {
                input type="hidden" name="csrf" value=(self.csrf);
                input type="hidden" name="next" value=(next);
                input type="hidden" name="msisdn" value=(msisdn.as_str());
                label for="code" { (t.code_label) }
                input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9]{6}" maxlength="6" required aria-describedby=[message.map(|_| "code-note")];
                button type="submit" { (t.sign_in) }
            }
            p { a href={ "/login?next=" (next) } { (t.new_code) } }
        };
        self.answer(status, body)
    }
}

/// `GET /login`: the phone-number form (straight on when already signed in).
pub async fn show(
    request: HttpRequest,
    query: web::Query<LoginQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let next = safe_next(query.next.as_deref()).to_owned();
    if visitor(&request, &state).await?.is_ok() {
        return Ok(see_other(&next));
    }
    Ok(SignInPage::of(&request, &state).number_form(StatusCode::OK, &next, None))
}

/// `POST /login`: sends a code to the number, then asks for it.
pub async fn send_code(
    request: HttpRequest,
    form: web::Form<LoginForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let sign_in = SignInPage::of(&request, &state);
    if !sign_in.posted_with_token(&form) {
        return Ok(forbidden(sign_in.context));
    }
    let t = sign_in.texts;
    let next = safe_next(form.next.as_deref()).to_owned();
    let typed = form.msisdn.as_deref().unwrap_or_default();
    let Some(msisdn) = parse_number(&state, typed) else {
        return Ok(sign_in.number_form(StatusCode::BAD_REQUEST, &next, Some(t.bad_number)));
    };
    let client = client_address(&request);
    match state.ledger.request_sign_in(&msisdn, &client).await {
        Ok(()) => Ok(sign_in.code_form(StatusCode::OK, &msisdn, &next, Some((t.code_sent, false)))),
        Err(ServiceError::Refused(refusal)) if refusal.code == RefusalCode::RateLimited => {
            Ok(sign_in.number_form(StatusCode::TOO_MANY_REQUESTS, &next, Some(t.too_many_codes)))
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /login/code`: checks the code; a session cookie and on to `next` when right.
pub async fn check_code(
    request: HttpRequest,
    form: web::Form<LoginForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let sign_in = SignInPage::of(&request, &state);
    if !sign_in.posted_with_token(&form) {
        return Ok(forbidden(sign_in.context));
    }
    let t = sign_in.texts;
    let next = safe_next(form.next.as_deref()).to_owned();
    let Some(msisdn) = parse_number(&state, form.msisdn.as_deref().unwrap_or_default()) else {
        return Ok(sign_in.number_form(StatusCode::BAD_REQUEST, &next, Some(t.bad_number)));
    };
    let typed = form.code.as_deref().unwrap_or_default();
    match state.ledger.verify_sign_in(&msisdn, typed).await {
        Ok((_, token)) => {
            let mut response = see_other(&next);
            response
                .add_cookie(&session_cookie(
                    token.reveal(),
                    sign_in.secure,
                    SESSION_LIFETIME_SECS,
                ))
                .map_err(|e| ApiError::unavailable("internal", e.to_string()))?;
            Ok(response)
        }
        Err(ServiceError::Refused(refusal)) => {
            let (status, text) = match refusal.code {
                RefusalCode::WrongCode => (StatusCode::UNAUTHORIZED, t.wrong_code),
                RefusalCode::SignInLocked => (StatusCode::TOO_MANY_REQUESTS, t.code_locked),
                _ => (StatusCode::UNAUTHORIZED, t.code_expired),
            };
            Ok(sign_in.code_form(status, &msisdn, &next, Some((text, true))))
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /logout`: ends the session.
pub async fn sign_out(
    request: HttpRequest,
    form: web::Form<LoginForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let visitor = match visitor(&request, &state).await? {
        Ok(visitor) => visitor,
        Err(_) => return Ok(see_other("/login")),
    };
    if !visitor.csrf_ok(form.csrf.as_deref()) {
        return Ok(visitor.forbidden());
    }
    if let Some(cookie) = request.cookie(SESSION_COOKIE) {
        state.ledger.end_web_session(cookie.value()).await?;
    }
    let mut response = see_other("/login");
    response
        .add_cookie(&session_cookie("", secure(&state), 0))
        .map_err(|e| ApiError::unavailable("internal", e.to_string()))?;
    Ok(response)
}

fn parse_number(state: &AppState, typed: &str) -> Option<Msisdn> {
    if typed.len() > 32 {
        return None;
    }
    Msisdn::parse(typed, state.ledger.region()).ok()
}

fn client_address(request: &HttpRequest) -> String {
    request
        .peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
