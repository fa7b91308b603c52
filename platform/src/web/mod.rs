//! The operating guide's web pages: 用户登录 (account and password, or CA login through the CA
//! client service on 127.0.0.1), 用户中心, 系统管理 › 组织管理 › CA 用户管理, and CA 驱动下载.
//!
//! Server-rendered HTML (askama templates compiled into the binary), one small script for the
//! CA client service, no CDN. Sessions live in a cookie (HttpOnly, Secure, SameSite=Strict);
//! every state-changing request carries a CSRF token; a Content-Security-Policy allows scripts
//! from the platform alone and connections to the platform and the CA client service. Every
//! rule is the service layer's, shared with the API.

mod pages;
pub mod texts;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::api::AppState;
use crate::error::ApiError;
use crate::service::{self, Caller};

/// The session cookie, and the one that guards the login forms before there is a session.
/// `__Host-`: the browser takes them only from this very origin, over HTTPS, for every path,
/// never from a sibling subdomain that could plant one.
pub const SESSION_COOKIE: &str = "__Host-zca_session";
pub const LOGIN_CSRF_COOKIE: &str = "__Host-zca_login_csrf";

/// The error code of a state-changing request without the right CSRF token (web pages only).
pub const CSRF_REFUSED: &str = "csrf_refused";

pub fn router(state: AppState) -> Router<AppState> {
    let csp = content_security_policy(&state.cfg.bridge_urls);
    Router::new()
        .route("/", get(pages::root))
        .route("/login", get(pages::login_page).post(pages::password_login))
        .route("/logout", post(pages::logout))
        .route("/home", get(pages::home))
        .route("/admin/ca-users", get(pages::ca_users))
        .route("/admin/ca-users/{id}/unbind", get(pages::unbind_page).post(pages::unbind))
        .route("/drivers", get(pages::drivers))
        .route("/web/ca/challenge", post(pages::challenge))
        .route("/web/ca/login", post(pages::ca_login))
        .route("/web/ca/bindings", post(pages::bind))
        .route("/static/app.js", get(pages::script))
        .route("/static/style.css", get(pages::style))
        .layer(axum::middleware::from_fn(move |req, next| {
            let csp = csp.clone();
            async move { security_headers(req, next, csp).await }
        }))
}

/// Scripts and styles from the platform alone; connections to the platform and to the CA
/// client service's addresses; no framing, no other form targets.
fn content_security_policy(bridge_urls: &[String]) -> HeaderValue {
    let bridges: Vec<String> = bridge_urls
        .iter()
        .filter_map(|u| {
            let (scheme, rest) = u.split_once("://")?;
            Some(format!("{scheme}://{}", rest.split('/').next()?))
        })
        .collect();
    let policy = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self' {}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        bridges.join(" ")
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}

async fn security_headers(req: Request, next: Next, csp: HeaderValue) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    resp
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|all| {
        all.split(';').find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_string())
        })
    })
}

/// `Set-Cookie` for a cookie the page's script never reads: HTTPS only, the whole site, no
/// Domain (as `__Host-` demands).
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let age = max_age.map(|s| format!("; Max-Age={s}")).unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; Secure; SameSite=Strict{age}"
    ))
    .expect("cookie text is ASCII")
}

pub fn clear_cookie(name: &str) -> HeaderValue {
    set_cookie(name, "", Some(0))
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The caller of a page, when its session cookie names a live session; with its CSRF token.
pub struct WebSession {
    pub caller: Caller,
    pub token: String,
    pub csrf: String,
}

/// Pages that need a session: without one, the login page.
pub struct Required(pub WebSession);

impl FromRequestParts<AppState> for Option<WebSession> {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else { return Ok(None) };
        let t = token.clone();
        let caller = state.pool.run(move |c| Ok(service::authenticate(c, &t)?)).await.ok();
        Ok(caller.map(|caller| {
            let csrf = state.cfg.challenge_key.csrf_token(&caller.token_hash);
            WebSession { caller, token, csrf }
        }))
    }
}

impl FromRequestParts<AppState> for Required {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match Option::<WebSession>::from_request_parts(parts, state).await {
            Ok(Some(s)) => Ok(Required(s)),
            _ => Err(pages::see_other("/login")),
        }
    }
}

/// The request's CSRF token (form field or `X-CSRF-Token`) must be the session's, or — before
/// there is a session — the login cookie's.
pub fn check_csrf(given: Option<&str>, expected: Option<&str>) -> Result<(), ApiError> {
    use subtle::ConstantTimeEq;
    match (given, expected) {
        (Some(g), Some(e)) if !e.is_empty() && bool::from(g.as_bytes().ct_eq(e.as_bytes())) => {
            Ok(())
        }
        _ => Err(ApiError::new(axum::http::StatusCode::FORBIDDEN, CSRF_REFUSED)),
    }
}
