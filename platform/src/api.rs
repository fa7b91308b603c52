//! The HTTP API of the contract: routes, extractors and thin handlers over `service`.

use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use zca_contract::{
    code, BindRequest, Bindings, CaLogin, ChallengeRequest, Drivers, Health, PasswordLogin, Ready,
    MAX_BODY,
};

use crate::error::ApiError;
use crate::service::{self, Caller};
use crate::state::{remote_of, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/ready", get(ready))
        .route("/api/v1/sessions/password", post(password_login))
        .route("/api/v1/sessions/ca", post(ca_login))
        .route("/api/v1/sessions/current", delete(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/ca/challenges", post(challenge))
        .route("/api/v1/ca/bindings", get(list_bindings).post(bind))
        .route("/api/v1/ca/bindings/{id}", delete(unbind))
        .route("/api/v1/ca/drivers", get(drivers))
        .route("/downloads/drivers/{id}/{name}", get(download))
}

/// A JSON body of at most 1 MiB: bigger is 413, malformed is 400, never 500.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut body = req.into_body();
        let mut bytes = Vec::new();
        if declared.is_none_or(|n| n <= MAX_BODY) {
            while let Some(frame) = body.frame().await {
                let Ok(frame) = frame else { return Err(ApiError::invalid_request()) };
                bytes.extend_from_slice(frame.data_ref().map_or(&[][..], |d| &d[..]));
                if bytes.len() > MAX_BODY {
                    break;
                }
            }
        }
        if bytes.len() > MAX_BODY || declared.is_some_and(|n| n > MAX_BODY) {
            drain(body).await;
            return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, code::PAYLOAD_TOO_LARGE));
        }
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|_| ApiError::invalid_request())
    }
}

/// Reads and drops what remains of an oversized body, up to a bound, so that the client gets
/// its 413 instead of a connection reset while it is still writing.
async fn drain(mut body: axum::body::Body) {
    const DRAIN_LIMIT: usize = 16 * MAX_BODY;
    let mut seen = 0;
    while let Some(Ok(frame)) = body.frame().await {
        seen += frame.data_ref().map_or(0, |d| d.len());
        if seen > DRAIN_LIMIT {
            break;
        }
    }
}

/// The caller of a request with `Authorization: Bearer <token>`.
pub struct Auth(pub Caller);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        let caller = state.pool.run(move |conn| Ok(service::authenticate(conn, &token)?)).await?;
        Ok(Auth(caller))
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_string())
}

/// Readiness: 200 when the database answers within 3 s, else 503 with the reason (`health`
/// says only that the process answers).
async fn ready(State(s): State<AppState>) -> Response {
    let ping = s.pool.run(|db| Ok(db.query_one("SELECT 1", crate::db::params![]).map(|_| ())?));
    let reason = match tokio::time::timeout(std::time::Duration::from_secs(3), ping).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(format!("the database does not answer: {e}")),
        Err(_) => Some("the database did not answer within 3 s".to_string()),
    };
    let status = if reason.is_some() { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    let body =
        Ready { status: if reason.is_some() { "unavailable" } else { "ready" }.into(), reason };
    (status, Json(body)).into_response()
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        time: crate::clock::rfc3339(time::OffsetDateTime::now_utc()),
    })
}

async fn password_login(
    State(s): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(req): ApiJson<PasswordLogin>,
) -> Result<impl IntoResponse, ApiError> {
    let session = service::password_login(&s.pool, s.cfg.clone(), req, remote_of(&ext)).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

async fn ca_login(
    State(s): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(req): ApiJson<CaLogin>,
) -> Result<impl IntoResponse, ApiError> {
    let remote = remote_of(&ext);
    let cfg = s.cfg.clone();
    let attempt = service::prepare_ca_login(&cfg, &req);
    let session =
        s.pool.run(move |c| Ok(service::ca_login(c, &cfg, attempt, remote.as_deref())?)).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

async fn logout(State(s): State<AppState>, Auth(caller): Auth) -> Result<StatusCode, ApiError> {
    s.pool.run(move |c| Ok(service::logout(c, &caller)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(s): State<AppState>, Auth(caller): Auth) -> Result<impl IntoResponse, ApiError> {
    let user = s.pool.run(move |c| Ok(service::me(c, &caller)?)).await?;
    Ok(Json(user))
}

/// Login challenges need no session (nor the database); bind challenges belong to the
/// session that asks.
async fn challenge(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ChallengeRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let caller = match (bearer(&headers), req.purpose) {
        (Some(token), zca_contract::Purpose::Bind) => {
            Some(s.pool.run(move |c| Ok(service::authenticate(c, &token)?)).await?)
        }
        _ => None,
    };
    let challenge = service::new_challenge(&s.cfg, req.purpose, caller.as_ref())?;
    Ok((StatusCode::CREATED, Json(challenge)))
}

async fn list_bindings(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> Result<impl IntoResponse, ApiError> {
    let bindings = s.pool.run(move |c| Ok(service::bindings(c, &caller)?)).await?;
    Ok(Json(Bindings { bindings }))
}

async fn bind(
    State(s): State<AppState>,
    ext: axum::http::Extensions,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<BindRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let remote = remote_of(&ext);
    let cfg = s.cfg.clone();
    let attempt = service::prepare_bind(&cfg, &caller, &req);
    let (created, binding) = s
        .pool
        .run(move |c| {
            Ok(c.durably(|c| service::bind(c, &cfg, &caller, attempt, remote.as_deref()))?)
        })
        .await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(binding)))
}

async fn unbind(
    State(s): State<AppState>,
    ext: axum::http::Extensions,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let remote = remote_of(&ext);
    s.pool
        .run(move |c| Ok(c.durably(|c| service::unbind(c, &caller, id, remote.as_deref()))?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn drivers(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let origin = s.cfg.origin.clone();
    let drivers = s.pool.run(move |c| Ok(service::drivers(c, &origin)?)).await?;
    Ok(Json(Drivers { drivers }))
}

async fn download(
    State(s): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let dir = s.cfg.data_dir.clone();
    let bytes = s.pool.run(move |c| Ok(service::driver_file(c, &dir, id, &name)?)).await?;
    let mut resp = bytes.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    Ok(resp)
}
