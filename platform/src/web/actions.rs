//! What the pages change: the login forms, logout and unbind, and the JSON calls of the pages'
//! script (challenge, CA login, bind). Each takes `Posted` or `Called`, which checked its CSRF
//! token; each a thin handler over `service`, with the API's rules.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use zca_contract::{BindRequest, CaLogin, ChallengeRequest, Purpose};

use super::cookies::{clear_cookie, set_cookie, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use super::frame::{chinese, json_failed, see_other, PageError};
use super::guard::{Called, Posted};
use super::login::login_form;
use crate::error::message;
use crate::service;
use crate::state::{remote_of, AppState};

#[derive(Deserialize)]
pub struct PasswordForm {
    account: String,
    password: String,
}

/// 账号密码 login: the service's rules (lockout, audit), then the session cookie.
pub async fn password_login(
    State(s): State<AppState>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
    posted: Posted<PasswordForm>,
) -> Response {
    let (t, form) = (posted.t, posted.form);
    let account = form.account.clone();
    let req = zca_contract::PasswordLogin { account: form.account, password: form.password };
    let result = service::password_login(&s.pool, s.cfg.clone(), req, remote_of(&ext)).await;
    match result {
        Ok(session) => signed_in(&session.token, "/home", s.cfg.session_ttl, true),
        Err(e) => {
            let error = Some(message(e.code, chinese(t)).to_string());
            login_form(&s, t, &headers, account, error, None, e.status)
        }
    }
}

/// The session cookie set, the login form's cookie gone, and on to `to`.
fn signed_in(token: &str, to: &str, ttl: i64, redirect: bool) -> Response {
    let mut resp = if redirect {
        see_other(to)
    } else {
        Json(serde_json::json!({ "redirect": to })).into_response()
    };
    let h = resp.headers_mut();
    h.append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, token, Some(ttl)));
    h.append(header::SET_COOKIE, clear_cookie(LOGIN_CSRF_COOKIE));
    resp
}

/// A form of no fields but its token.
#[derive(Deserialize)]
pub struct Nothing {}

pub async fn logout(State(s): State<AppState>, posted: Posted<Nothing>) -> Response {
    let Ok(session) = posted.sender.session() else { return see_other("/login") };
    let caller = session.caller;
    let _ = s.pool.run(move |c| Ok(service::logout(c, &caller)?)).await;
    let mut resp = see_other("/login");
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    resp
}

pub async fn unbind(
    State(s): State<AppState>,
    ext: axum::http::Extensions,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let t = posted.t;
    let failed = |e| PageError(e, t);
    let Ok(session) = posted.sender.session() else { return Ok(see_other("/login")) };
    let id: i64 = id.parse().map_err(|_| failed(crate::error::ApiError::not_found()))?;
    let (caller, remote) = (session.caller.clone(), remote_of(&ext));
    s.pool
        .run(move |c| Ok(c.durably(|c| service::unbind(c, &caller, id, remote.as_deref()))?))
        .await
        .map_err(|e| failed(e.into()))?;
    // Logged in with that binding: the session ended with it.
    let token = session.token.clone();
    let alive = s
        .pool
        .run(move |c| Ok(service::authenticate(c, &token).is_ok()))
        .await
        .map_err(|e| failed(e.into()))?;
    if !alive {
        let mut resp = see_other("/login?ended=1");
        resp.headers_mut().insert(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
        return Ok(resp);
    }
    Ok(see_other("/admin/ca-users?done=unbound"))
}

/// A challenge for the page's script: a login one from the login page, a bind one for the
/// session.
pub async fn challenge(
    State(s): State<AppState>,
    called: Called<ChallengeRequest>,
) -> Result<Response, Response> {
    let fail = json_failed(called.t);
    let req = called.body;
    let caller = match req.purpose {
        Purpose::Login => None,
        Purpose::Bind => Some(called.sender.session().map_err(&fail)?.caller),
    };
    let challenge = service::new_challenge(&s.cfg, req.purpose, caller.as_ref()).map_err(&fail)?;
    Ok((StatusCode::CREATED, Json(challenge)).into_response())
}

/// 【CA 登录】: the key's proof, checked by the service as the API's is; a session cookie.
pub async fn ca_login(
    State(s): State<AppState>,
    ext: axum::http::Extensions,
    called: Called<CaLogin>,
) -> Result<Response, Response> {
    let fail = json_failed(called.t);
    let (cfg, remote) = (s.cfg.clone(), remote_of(&ext));
    let attempt = service::prepare_ca_login(&cfg, &called.body);
    let session = s
        .pool
        .run(move |c| Ok(service::ca_login(c, &cfg, attempt, remote.as_deref())?))
        .await
        .map_err(|e| fail(e.into()))?;
    Ok(signed_in(&session.token, "/home", s.cfg.session_ttl, false))
}

/// 【添加绑定】 › 【确定】: the key's proof for a bind, under the platform's rule.
pub async fn bind(
    State(s): State<AppState>,
    ext: axum::http::Extensions,
    called: Called<BindRequest>,
) -> Result<Response, Response> {
    let fail = json_failed(called.t);
    let session = called.sender.session().map_err(&fail)?;
    let (cfg, caller, remote) = (s.cfg.clone(), session.caller, remote_of(&ext));
    let attempt = service::prepare_bind(&cfg, &caller, &called.body);
    let (created, binding) = s
        .pool
        .run(move |c| {
            Ok(c.durably(|c| service::bind(c, &cfg, &caller, attempt, remote.as_deref()))?)
        })
        .await
        .map_err(|e| fail(e.into()))?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(binding)).into_response())
}
