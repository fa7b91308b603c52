//! The pages' two cookies, read and written one way.

use axum::http::{header, HeaderMap, HeaderValue};

/// The session cookie, and the one that guards the login forms before there is a session.
/// `__Host-`: the browser takes them only from this very origin, over HTTPS, for every path,
/// never from a sibling subdomain that could plant one.
pub const SESSION_COOKIE: &str = "__Host-zca_session";
pub const LOGIN_CSRF_COOKIE: &str = "__Host-zca_login_csrf";

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
