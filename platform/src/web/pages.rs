//! The pages and the few JSON calls their script makes; each a thin handler over `service`.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use zca_contract::{BindRequest, BindingStatus, CaLogin, ChallengeRequest, Driver, Purpose, User};

use super::texts::{self, Texts};
use super::{check_csrf, clear_cookie, cookie, set_cookie, Required, WebSession};
use super::{LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::api::{remote_of, AppState};
use crate::error::{message, ApiError};
use crate::service;

pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_str(to).expect("a path"))])
        .into_response()
}

fn lang(headers: &HeaderMap) -> &'static Texts {
    texts::for_request(headers.get(header::ACCEPT_LANGUAGE))
}

fn chinese(t: &Texts) -> bool {
    t.lang.starts_with("zh")
}

fn render(page: impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page");
            ApiError::internal().into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: &'static Texts,
    csrf: String,
    bridge: String,
    user: Option<User>,
    message: &'static str,
}

/// A page's failure, shown as a page in the page's language.
pub struct PageError(ApiError, &'static Texts);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError(e, t) = self;
        let message = message(e.code, chinese(t));
        let page = ErrorPage { t, csrf: String::new(), bridge: "[]".into(), user: None, message };
        let mut resp = render(page);
        *resp.status_mut() = e.status;
        resp
    }
}

fn failed<E: Into<ApiError>>(t: &'static Texts) -> impl Fn(E) -> PageError {
    move |e| PageError(e.into(), t)
}

/// A failure of the script's JSON calls, in the page's language.
fn json_failed(t: &'static Texts) -> impl Fn(ApiError) -> Response {
    move |e| e.response_in(chinese(t))
}

/// The CA client service's addresses, for the pages' script (`data-bridge`).
fn bridge(state: &AppState) -> String {
    serde_json::to_string(&state.cfg.bridge_urls).unwrap_or_else(|_| "[]".into())
}

pub async fn root(session: Option<WebSession>) -> Response {
    see_other(if session.is_some() { "/home" } else { "/login" })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: &'static Texts,
    csrf: String,
    bridge: String,
    user: Option<User>,
    account: String,
    error: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    ended: Option<String>,
}

/// The login page; its forms are guarded by a token in a cookie of their own (there is no
/// session yet).
pub async fn login_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    session: Option<WebSession>,
    Query(q): Query<LoginQuery>,
) -> Response {
    if session.is_some() {
        return see_other("/home");
    }
    let t = lang(&headers);
    let message = q.ended.map(|_| t.session_ended.to_string());
    login_form(&s, t, &headers, String::new(), None, message, StatusCode::OK)
}

fn login_form(
    s: &AppState,
    t: &'static Texts,
    headers: &HeaderMap,
    account: String,
    error: Option<String>,
    message: Option<String>,
    status: StatusCode,
) -> Response {
    let key = &s.cfg.challenge_key;
    let csrf = cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|c| key.login_csrf_valid(c))
        .unwrap_or_else(|| key.new_login_csrf());
    let page =
        LoginPage { t, csrf: csrf.clone(), bridge: bridge(s), user: None, account, error, message };
    let mut resp = render(page);
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, &csrf, None));
    resp
}

#[derive(Deserialize)]
pub struct PasswordForm {
    account: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

/// 账号密码 login: the service's rules (lockout, audit), then the session cookie.
pub async fn password_login(
    State(s): State<AppState>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
    Form(form): Form<PasswordForm>,
) -> Response {
    let t = lang(&headers);
    if check_login_csrf(&s, Some(&form.csrf), &headers).is_err() {
        let error = Some(message(super::CSRF_REFUSED, chinese(t)).to_string());
        return login_form(&s, t, &headers, form.account, error, None, StatusCode::FORBIDDEN);
    }
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

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(s): State<AppState>,
    Required(session): Required,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(e) = check_csrf(Some(&form.csrf), Some(&session.csrf)) {
        return e.into_response();
    }
    let caller = session.caller;
    let _ = s.pool.run(move |c| Ok(service::logout(c, &caller)?)).await;
    let mut resp = see_other("/login");
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    resp
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: &'static Texts,
    csrf: String,
    bridge: String,
    user: Option<User>,
    ca_session: bool,
    expires: When,
}

pub async fn home(
    State(s): State<AppState>,
    headers: HeaderMap,
    Required(session): Required,
) -> Result<Response, PageError> {
    let t = lang(&headers);
    let caller = session.caller.clone();
    let (user, kind, expires) = s
        .pool
        .run(move |c| {
            let user = service::me(c, &caller)?;
            let (kind, expires) = service::session_facts(c, &caller)?;
            Ok((user, kind, expires))
        })
        .await
        .map_err(failed(t))?;
    Ok(render(HomePage {
        t,
        csrf: session.csrf,
        bridge: bridge(&s),
        user: Some(user),
        ca_session: kind == "ca",
        expires: When::new(&expires),
    }))
}

/// A binding as the CA 用户管理 table shows it.
struct Row {
    id: i64,
    status: &'static str,
    cert: String,
    ca_lock_id: String,
    not_after: When,
    created_by: String,
    created_at: When,
}

fn rows(t: &Texts, bindings: Vec<zca_contract::Binding>) -> Vec<Row> {
    bindings
        .into_iter()
        .map(|b| {
            let c = &b.certificate;
            let cert = if c.organization.is_empty() || c.organization == c.common_name {
                c.common_name.clone()
            } else {
                format!("{} ({})", c.common_name, c.organization)
            };
            Row {
                id: b.id,
                status: match b.status {
                    BindingStatus::Active => t.status_active,
                    BindingStatus::Expired => t.status_expired,
                },
                cert,
                ca_lock_id: b.ca_lock_id.clone(),
                not_after: When::new(&c.not_after),
                created_by: b.created_by.clone(),
                created_at: When::new(&b.created_at),
            }
        })
        .collect()
}

/// A moment as a page shows it: in UTC as the server knows it, and as the RFC 3339 time that
/// the page's script turns into the browser's local time (as the CLI's tables show it).
struct When {
    iso: String,
    utc: String,
}

impl When {
    /// `2026-12-01T09:30:00Z` as `2026-12-01 09:30:00 UTC`.
    fn new(rfc3339: &str) -> When {
        let utc = match rfc3339.strip_suffix('Z') {
            Some(t) => format!("{} UTC", t.replacen('T', " ", 1)),
            None => rfc3339.to_string(),
        };
        When { iso: rfc3339.to_string(), utc }
    }
}

#[derive(Template)]
#[template(path = "ca_users.html")]
struct CaUsersPage {
    t: &'static Texts,
    csrf: String,
    bridge: String,
    user: Option<User>,
    rows: Vec<Row>,
    message: Option<String>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn ca_users(
    State(s): State<AppState>,
    headers: HeaderMap,
    Required(session): Required,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let t = lang(&headers);
    let caller = session.caller.clone();
    let (user, bindings) = s
        .pool
        .run(move |c| Ok((service::me(c, &caller)?, service::bindings(c, &caller)?)))
        .await
        .map_err(failed(t))?;
    let message = match q.done.as_deref() {
        Some("bound") => Some(t.bound.to_string()),
        Some("unbound") => Some(t.unbound.to_string()),
        _ => None,
    };
    Ok(render(CaUsersPage {
        t,
        csrf: session.csrf,
        bridge: bridge(&s),
        user: Some(user),
        rows: rows(t, bindings),
        message,
    }))
}

#[derive(Template)]
#[template(path = "unbind.html")]
struct UnbindPage {
    t: &'static Texts,
    csrf: String,
    bridge: String,
    user: Option<User>,
    row: Row,
}

/// The confirmation before an unbind (a page, so that it works without a script).
pub async fn unbind_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Required(session): Required,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let t = lang(&headers);
    let id: i64 = id.parse().map_err(|_| PageError(ApiError::not_found(), t))?;
    let caller = session.caller.clone();
    let (user, bindings) = s
        .pool
        .run(move |c| Ok((service::me(c, &caller)?, service::bindings(c, &caller)?)))
        .await
        .map_err(failed(t))?;
    let row = rows(t, bindings)
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| PageError(ApiError::not_found(), t))?;
    Ok(render(UnbindPage { t, csrf: session.csrf, bridge: bridge(&s), user: Some(user), row }))
}

pub async fn unbind(
    State(s): State<AppState>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
    Required(session): Required,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let t = lang(&headers);
    check_csrf(Some(&form.csrf), Some(&session.csrf)).map_err(failed(t))?;
    let id: i64 = id.parse().map_err(|_| PageError(ApiError::not_found(), t))?;
    let (caller, remote) = (session.caller.clone(), remote_of(&ext));
    s.pool
        .run(move |c| Ok(c.durably(|c| service::unbind(c, &caller, id, remote.as_deref()))?))
        .await
        .map_err(failed(t))?;
    // Logged in with that binding: the session ended with it.
    let token = session.token.clone();
    let alive = s
        .pool
        .run(move |c| Ok(service::authenticate(c, &token).is_ok()))
        .await
        .map_err(failed(t))?;
    if !alive {
        let mut resp = see_other("/login?ended=1");
        resp.headers_mut().insert(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
        return Ok(resp);
    }
    Ok(see_other("/admin/ca-users?done=unbound"))
}

/// Driver rows with the size for people.
struct DriverRow {
    name: String,
    vendor: String,
    version: String,
    os: String,
    arch: String,
    issuers: Vec<String>,
    module_names: Vec<String>,
    size: String,
    sha256: String,
    url: String,
}

impl From<Driver> for DriverRow {
    fn from(d: Driver) -> DriverRow {
        let size = match d.size {
            b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
            b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
            b => format!("{b} B"),
        };
        DriverRow {
            name: d.name,
            vendor: d.vendor,
            version: d.version,
            os: d.os,
            arch: d.arch,
            issuers: d.issuers,
            module_names: d.module_names,
            size,
            sha256: d.sha256,
            url: d.url,
        }
    }
}

#[derive(Template)]
#[template(path = "drivers.html")]
struct DriversPage {
    t: &'static Texts,
    csrf: String,
    bridge: String,
    user: Option<User>,
    drivers: Vec<DriverRow>,
    oses: Vec<String>,
    arches: Vec<String>,
    filter_os: String,
    filter_arch: String,
    filter_issuer: String,
}

#[derive(Deserialize)]
pub struct DriverFilter {
    os: Option<String>,
    arch: Option<String>,
    issuer: Option<String>,
}

/// CA 驱动下载: the catalogue, filtered by operating system, architecture and issuer text.
pub async fn drivers(
    State(s): State<AppState>,
    headers: HeaderMap,
    session: Option<WebSession>,
    Query(f): Query<DriverFilter>,
) -> Result<Response, PageError> {
    let t = lang(&headers);
    let origin = s.cfg.origin.clone();
    let caller = session.as_ref().map(|s| s.caller.clone());
    let (all, user) = s
        .pool
        .run(move |c| {
            let user = caller.map(|caller| service::me(c, &caller)).transpose()?;
            Ok((service::drivers(c, &origin)?, user))
        })
        .await
        .map_err(failed(t))?;
    let distinct = |get: fn(&Driver) -> &String| {
        let mut v: Vec<String> = all.iter().map(|d| get(d).clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let (oses, arches) = (distinct(|d| &d.os), distinct(|d| &d.arch));
    let (os, arch, issuer) = (
        f.os.unwrap_or_default(),
        f.arch.unwrap_or_default(),
        f.issuer.unwrap_or_default().trim().to_string(),
    );
    let issuer_lower = issuer.to_lowercase();
    let drivers = all
        .into_iter()
        .filter(|d| os.is_empty() || d.os == os)
        .filter(|d| arch.is_empty() || d.arch == arch)
        .filter(|d| {
            issuer.is_empty()
                || d.issuers.iter().any(|i| {
                    let i = i.to_lowercase();
                    i.contains(&issuer_lower) || issuer_lower.contains(&i)
                })
        })
        .map(DriverRow::from)
        .collect();
    Ok(render(DriversPage {
        t,
        csrf: session.map(|s| s.csrf).unwrap_or_default(),
        bridge: bridge(&s),
        user,
        drivers,
        oses,
        arches,
        filter_os: os,
        filter_arch: arch,
        filter_issuer: issuer,
    }))
}

/// A login form's token: the login cookie's, and one the server made (a planted cookie is not).
fn check_login_csrf(
    s: &AppState,
    given: Option<&str>,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let cookie =
        cookie(headers, LOGIN_CSRF_COOKIE).filter(|c| s.cfg.challenge_key.login_csrf_valid(c));
    check_csrf(given, cookie.as_deref())
}

fn csrf_header(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-csrf-token").and_then(|v| v.to_str().ok())
}

/// A challenge for the page's script: a login one guarded by the login form's cookie, a bind
/// one by the session.
pub async fn challenge(
    State(s): State<AppState>,
    headers: HeaderMap,
    session: Option<WebSession>,
    Json(req): Json<ChallengeRequest>,
) -> Result<Response, Response> {
    let fail = json_failed(lang(&headers));
    let caller = match req.purpose {
        Purpose::Login => {
            check_login_csrf(&s, csrf_header(&headers), &headers).map_err(&fail)?;
            None
        }
        Purpose::Bind => {
            let session = session.ok_or_else(|| fail(ApiError::unauthenticated()))?;
            check_csrf(csrf_header(&headers), Some(&session.csrf)).map_err(&fail)?;
            Some(session.caller)
        }
    };
    let challenge = service::new_challenge(&s.cfg, req.purpose, caller.as_ref()).map_err(&fail)?;
    Ok((StatusCode::CREATED, Json(challenge)).into_response())
}

/// 【CA 登录】: the key's proof, checked by the service as the API's is; a session cookie.
pub async fn ca_login(
    State(s): State<AppState>,
    headers: HeaderMap,
    ext: axum::http::Extensions,
    Json(req): Json<CaLogin>,
) -> Result<Response, Response> {
    let fail = json_failed(lang(&headers));
    check_login_csrf(&s, csrf_header(&headers), &headers).map_err(&fail)?;
    let (cfg, remote) = (s.cfg.clone(), remote_of(&ext));
    let attempt = service::prepare_ca_login(&cfg, &req);
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
    headers: HeaderMap,
    ext: axum::http::Extensions,
    session: Option<WebSession>,
    Json(req): Json<BindRequest>,
) -> Result<Response, Response> {
    let fail = json_failed(lang(&headers));
    let session = session.ok_or_else(|| fail(ApiError::unauthenticated()))?;
    check_csrf(csrf_header(&headers), Some(&session.csrf)).map_err(&fail)?;
    let (cfg, caller, remote) = (s.cfg.clone(), session.caller, remote_of(&ext));
    let attempt = service::prepare_bind(&cfg, &caller, &req);
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

const APP_JS: &str = include_str!("../../static/app.js");
const STYLE_CSS: &str = include_str!("../../static/style.css");

pub async fn script() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    asset(STYLE_CSS, "text/css; charset=utf-8")
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        body,
    )
        .into_response()
}
