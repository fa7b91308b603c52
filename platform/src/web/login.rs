//! The login form, drawn for the login page and again when a login fails: its forms are
//! guarded by a token in a cookie of their own (there is no session yet).

use askama::Template;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;

use super::cookies::{cookie, set_cookie, LOGIN_CSRF_COOKIE};
use super::frame::{bridge, framed, render, Frame};
use super::texts::Texts;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    frame: Frame,
    account: String,
    error: Option<String>,
    message: Option<String>,
}
framed!(LoginPage);

/// The form with the login cookie's token, kept while it is one this server made.
pub fn login_form(
    state: &AppState,
    t: &'static Texts,
    headers: &HeaderMap,
    account: String,
    error: Option<String>,
    message: Option<String>,
    status: StatusCode,
) -> Response {
    let key = &state.cfg.challenge_key;
    let csrf = cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|c| key.login_csrf_valid(c))
        .unwrap_or_else(|| key.new_login_csrf());
    let frame = Frame { t, csrf: csrf.clone(), bridge: bridge(state), user: None };
    let mut resp = render(LoginPage { frame, account, error, message });
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, &csrf, None));
    resp
}
