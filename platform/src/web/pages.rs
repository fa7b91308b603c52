//! The pages that read: 用户登录, 用户中心, CA 用户管理 (and the confirmation before an unbind),
//! CA 驱动下载, and the pages' style and script. Each a thin handler over `service`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zca_contract::{BindingStatus, Driver};

use super::frame::{framed, render, see_other, Frame, PageError};
use super::guard::{Page, SignedIn};
use super::login::login_form;
use super::texts::Texts;
use crate::error::ApiError;
use crate::service;
use crate::state::AppState;

pub async fn root(page: Page) -> Response {
    see_other(if page.session.is_some() { "/home" } else { "/login" })
}

#[derive(Deserialize)]
pub struct LoginQuery {
    ended: Option<String>,
}

pub async fn login_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    page: Page,
    Query(q): Query<LoginQuery>,
) -> Response {
    if page.session.is_some() {
        return see_other("/home");
    }
    let message = q.ended.map(|_| page.t.session_ended.to_string());
    login_form(&s, page.t, &headers, String::new(), None, message, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    ca_session: bool,
    expires: When,
}

pub async fn home(State(s): State<AppState>, signed_in: SignedIn) -> Result<Response, PageError> {
    let caller = signed_in.caller();
    let SignedIn(page) = signed_in;
    let (user, kind, expires) = s
        .pool
        .run(move |c| {
            let user = service::me(c, &caller)?;
            let (kind, expires) = service::session_facts(c, &caller)?;
            Ok((user, kind, expires))
        })
        .await
        .map_err(page.failed())?;
    let frame = page.frame(Some(user));
    Ok(render(HomePage { frame, ca_session: kind == "ca", expires: When::new(&expires) }))
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
    frame: Frame,
    rows: Vec<Row>,
    message: Option<String>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn ca_users(
    State(s): State<AppState>,
    signed_in: SignedIn,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let caller = signed_in.caller();
    let SignedIn(page) = signed_in;
    let (user, bindings) = s
        .pool
        .run(move |c| Ok((service::me(c, &caller)?, service::bindings(c, &caller)?)))
        .await
        .map_err(page.failed())?;
    let t = page.t;
    let message = match q.done.as_deref() {
        Some("bound") => Some(t.bound.to_string()),
        Some("unbound") => Some(t.unbound.to_string()),
        _ => None,
    };
    Ok(render(CaUsersPage { frame: page.frame(Some(user)), rows: rows(t, bindings), message }))
}

#[derive(Template)]
#[template(path = "unbind.html")]
struct UnbindPage {
    frame: Frame,
    row: Row,
}

/// The confirmation before an unbind (a page, so that it works without a script).
pub async fn unbind_page(
    State(s): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let caller = signed_in.caller();
    let SignedIn(page) = signed_in;
    let id: i64 = id.parse().map_err(|_| PageError(ApiError::not_found(), page.t))?;
    let (user, bindings) = s
        .pool
        .run(move |c| Ok((service::me(c, &caller)?, service::bindings(c, &caller)?)))
        .await
        .map_err(page.failed())?;
    let row = rows(page.t, bindings)
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| PageError(ApiError::not_found(), page.t))?;
    Ok(render(UnbindPage { frame: page.frame(Some(user)), row }))
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
    frame: Frame,
    drivers: Vec<DriverRow>,
    oses: Vec<String>,
    arches: Vec<String>,
    filter_os: String,
    filter_arch: String,
    filter_issuer: String,
}

framed!(HomePage, CaUsersPage, UnbindPage, DriversPage);

#[derive(Deserialize)]
pub struct DriverFilter {
    os: Option<String>,
    arch: Option<String>,
    issuer: Option<String>,
}

/// CA 驱动下载: the catalogue, filtered by operating system, architecture and issuer text.
pub async fn drivers(
    State(s): State<AppState>,
    page: Page,
    Query(f): Query<DriverFilter>,
) -> Result<Response, PageError> {
    let origin = s.cfg.origin.clone();
    let caller = page.session.as_ref().map(|s| s.caller.clone());
    let (all, user) = s
        .pool
        .run(move |c| {
            let user = caller.map(|caller| service::me(c, &caller)).transpose()?;
            Ok((service::drivers(c, &origin)?, user))
        })
        .await
        .map_err(page.failed())?;
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
        frame: page.frame(user),
        drivers,
        oses,
        arches,
        filter_os: os,
        filter_arch: arch,
        filter_issuer: issuer,
    }))
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
