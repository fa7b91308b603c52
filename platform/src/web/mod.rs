//! The operating guide's web pages: 用户登录 (account and password, or CA login through the CA
//! client service on 127.0.0.1), 用户中心, 系统管理 › 组织管理 › CA 用户管理, and CA 驱动下载.
//!
//! Server-rendered HTML (askama templates compiled into the binary), one small script for the
//! CA client service, no CDN. Sessions live in a cookie (HttpOnly, Secure, SameSite=Strict);
//! every state-changing request carries a CSRF token; a Content-Security-Policy allows scripts
//! from the platform alone and connections to the platform and the CA client service. Every
//! rule is the service layer's, shared with the API.

mod actions;
mod cookies;
mod frame;
mod guard;
mod login;
mod pages;
pub mod texts;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router(state: &AppState) -> Router<AppState> {
    let csp = content_security_policy(&state.cfg.bridge_urls);
    Router::new()
        .route("/", get(pages::root))
        .route("/login", get(pages::login_page).post(actions::password_login))
        .route("/logout", post(actions::logout))
        .route("/home", get(pages::home))
        .route("/admin/ca-users", get(pages::ca_users))
        .route("/admin/ca-users/{id}/unbind", get(pages::unbind_page).post(actions::unbind))
        .route("/drivers", get(pages::drivers))
        .route("/web/ca/challenge", post(actions::challenge))
        .route("/web/ca/login", post(actions::ca_login))
        .route("/web/ca/bindings", post(actions::bind))
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
