//! What a page handler is given: the request's language, its session if any, and — for every
//! request that changes something — proof that a page of this site sent it. The CSRF check
//! lives in the extractors a state-changing handler needs (`Posted` for forms, `Called` for
//! the script's JSON calls), and the reading extractors (`Page`, `SignedIn`) refuse any
//! request but GET and HEAD, so a handler cannot forget the check.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::cookies::{cookie, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use super::frame::{bridge, chinese, json_failed, language, see_other, Frame, PageError};
use super::login::login_form;
use super::texts::Texts;
use crate::error::{message, ApiError, CSRF_REFUSED};
use crate::service::{self, Caller};
use crate::state::AppState;
use zca_contract::User;

/// A live session named by the session cookie, with its CSRF token.
pub struct WebSession {
    pub caller: Caller,
    pub token: String,
    pub csrf: String,
}

async fn web_session(parts: &Parts, state: &AppState) -> Option<WebSession> {
    let token = cookie(&parts.headers, SESSION_COOKIE)?;
    let t = token.clone();
    let caller = state.pool.run(move |c| Ok(service::authenticate(c, &t)?)).await.ok()?;
    let csrf = state.cfg.challenge_key.csrf_token(&caller.token_hash);
    Some(WebSession { caller, token, csrf })
}

/// A page that reads: its language, the CA client service's addresses, the session if any.
pub struct Page {
    pub t: &'static Texts,
    pub bridge: String,
    pub session: Option<WebSession>,
}

impl Page {
    /// What the page shows around its own part, for `user` (None when signed out).
    pub fn frame(&self, user: Option<User>) -> Frame {
        let csrf = self.session.as_ref().map(|s| s.csrf.clone()).unwrap_or_default();
        Frame { t: self.t, csrf, bridge: self.bridge.clone(), user }
    }

    /// Turns a failure into this page's error page.
    pub fn failed<E: Into<ApiError>>(&self) -> impl Fn(E) -> PageError {
        let t = self.t;
        move |e| PageError(e.into(), t)
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let t = language(&parts.headers);
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            tracing::error!(path = %parts.uri.path(), "a state-changing page without a CSRF check");
            return Err(PageError(ApiError::internal(), t).into_response());
        }
        Ok(Page { t, bridge: bridge(state), session: web_session(parts, state).await })
    }
}

/// A page for the signed-in only (its `session` is there): without a session, the login page.
pub struct SignedIn(pub Page);

impl SignedIn {
    pub fn caller(&self) -> Caller {
        self.0.session.as_ref().expect("a signed-in page has its session").caller.clone()
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let page = Page::from_request_parts(parts, state).await?;
        match page.session {
            Some(_) => Ok(SignedIn(page)),
            None => Err(see_other("/login")),
        }
    }
}

/// Who sent a state-changing request, once its CSRF token is checked: a page of the session
/// (its token), or a login form (the login cookie's token, which only this server makes).
pub enum Sender {
    Session(WebSession),
    LoginForm,
}

impl Sender {
    async fn check(parts: &Parts, state: &AppState, given: Option<&str>) -> Option<Sender> {
        let given = given?;
        if let Some(session) = web_session(parts, state).await {
            if same(given, &session.csrf) {
                return Some(Sender::Session(session));
            }
        }
        let key = &state.cfg.challenge_key;
        let login =
            cookie(&parts.headers, LOGIN_CSRF_COOKIE).filter(|c| key.login_csrf_valid(c))?;
        same(given, &login).then_some(Sender::LoginForm)
    }

    /// The session, or `unauthenticated` for a request that needs one.
    pub fn session(self) -> Result<WebSession, ApiError> {
        match self {
            Sender::Session(s) => Ok(s),
            Sender::LoginForm => Err(ApiError::unauthenticated()),
        }
    }
}

fn same(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// A form post (fields `T` beside `csrf`) from a page of this site.
pub struct Posted<T> {
    pub t: &'static Texts,
    pub sender: Sender,
    pub form: T,
}

/// What a refused form still tells: its token, and the account typed, to fill in again.
#[derive(serde::Deserialize)]
struct Guarded {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    account: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let t = language(&parts.headers);
        let malformed = || PageError(ApiError::invalid_request(), t).into_response();
        let bytes =
            axum::body::to_bytes(body, zca_contract::MAX_BODY).await.map_err(|_| malformed())?;
        let guarded: Guarded = serde_urlencoded::from_bytes(&bytes).map_err(|_| malformed())?;
        let Some(sender) = Sender::check(&parts, state, Some(&guarded.csrf)).await else {
            return Err(refused(&parts, state, t, guarded.account).await);
        };
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| malformed())?;
        Ok(Posted { t, sender, form })
    }
}

/// A form without its token: signed in, a page saying so; signed out, the login form again
/// (with a token that works and the account typed) saying so.
async fn refused(parts: &Parts, state: &AppState, t: &'static Texts, account: String) -> Response {
    let refused = ApiError::new(StatusCode::FORBIDDEN, CSRF_REFUSED);
    if web_session(parts, state).await.is_some() {
        return PageError(refused, t).into_response();
    }
    let error = Some(message(CSRF_REFUSED, chinese(t)).to_string());
    login_form(state, t, &parts.headers, account, error, None, refused.status)
}

/// A JSON call of the pages' script (body `T`, token in `X-CSRF-Token`); its failures are
/// JSON errors in the page's language.
pub struct Called<T> {
    pub t: &'static Texts,
    pub sender: Sender,
    pub body: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Called<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let t = language(&parts.headers);
        let fail = json_failed(t);
        let given = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        let sender = Sender::check(&parts, state, given)
            .await
            .ok_or_else(|| fail(ApiError::new(StatusCode::FORBIDDEN, CSRF_REFUSED)))?;
        let bytes = axum::body::to_bytes(body, zca_contract::MAX_BODY)
            .await
            .map_err(|_| fail(ApiError::invalid_request()))?;
        let body = serde_json::from_slice(&bytes).map_err(|_| fail(ApiError::invalid_request()))?;
        Ok(Called { t, sender, body })
    }
}
