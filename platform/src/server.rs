//! HTTPS serving: rustls over TCP, HTTP/1.1 keep-alive, graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use zca_contract::code;

use crate::challenge::ChallengeKey;
use crate::db::{self, Database, Pool};
use crate::error::{localize_errors, ApiError};
use crate::service::{self, Config};
use crate::state::{AppState, RemoteAddr};
use crate::{api, metrics, tls, web};

pub struct ServeOptions {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database: Database,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Defaults to `https://<listen address>`.
    pub origin: Option<String>,
    pub session_ttl: i64,
    pub challenge_ttl: i64,
    /// The CA client service's addresses the web pages try, in order.
    pub bridge_urls: Vec<String>,
    /// Where `GET /metrics` is served (plain HTTP), if anywhere.
    pub metrics_listen: Option<SocketAddr>,
}

/// Where the most widely deployed CA client service listens, and `zca bridge` with it: wss
/// first, as only the real service has a certificate the browser trusts (anyone on this
/// computer could listen on a free ws port and wait for PINs).
pub const DEFAULT_BRIDGE_URLS: [&str; 2] =
    ["wss://127.0.0.1:21061/xtxapp/", "ws://127.0.0.1:21051/xtxapp/"];

/// The `--bridge` addresses, checked (ws or wss on a loopback host: the pages' Content-Security-
/// Policy lets them connect there and nowhere else), or the defaults.
pub fn bridge_urls(given: Vec<String>) -> Result<Vec<String>> {
    if given.is_empty() {
        return Ok(DEFAULT_BRIDGE_URLS.iter().map(|u| u.to_string()).collect());
    }
    given
        .into_iter()
        .map(|text| {
            let url =
                url::Url::parse(&text).with_context(|| format!("--bridge {text} is not a URL"))?;
            let loopback = match url.host() {
                Some(url::Host::Domain(d)) => d == "localhost",
                Some(url::Host::Ipv4(a)) => a.is_loopback(),
                Some(url::Host::Ipv6(a)) => a.is_loopback(),
                None => false,
            };
            if !matches!(url.scheme(), "ws" | "wss") || !loopback {
                anyhow::bail!("--bridge {text}: the CA client service is ws:// or wss:// on 127.0.0.1, ::1 or localhost");
            }
            Ok(url.to_string())
        })
        .collect()
}

/// What a started server tells its caller.
pub struct Running {
    pub addr: SocketAddr,
    pub origin: String,
    pub ca_file: Option<PathBuf>,
    pub metrics_addr: Option<SocketAddr>,
}

/// The origin as browsers and clients write it (lowercase host, no default port, no path): it
/// goes into every signed message, so both sides must spell it the same way.
pub fn web_origin(text: &str) -> Result<String> {
    let url = url::Url::parse(text).with_context(|| format!("--origin {text} is not a URL"))?;
    if url.scheme() != "https" || url.host_str().is_none() {
        anyhow::bail!("--origin {text}: the origin is https://HOST[:PORT]");
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        anyhow::bail!("--origin {text}: an origin has no path, query or fragment");
    }
    Ok(url.origin().ascii_serialization())
}

pub async fn serve(
    opts: ServeOptions,
    ready: impl FnOnce(&Running),
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let identity =
        tls::identity(&opts.data_dir, opts.tls_cert.as_deref(), opts.tls_key.as_deref())?;
    let pool = Pool::new(opts.database.clone()).await?;
    let challenge_key = pool.run(db::challenge_key).await?;
    let listener = TcpListener::bind(opts.listen)
        .await
        .with_context(|| format!("listening on {}", opts.listen))?;
    let addr = listener.local_addr()?;
    let origin = web_origin(opts.origin.as_deref().unwrap_or(&format!("https://{addr}")))?;
    let cfg = Config {
        origin: origin.clone(),
        session_ttl: opts.session_ttl,
        challenge_ttl: opts.challenge_ttl,
        challenge_key: ChallengeKey::new(&challenge_key),
        data_dir: opts.data_dir.clone(),
        bridge_urls: opts.bridge_urls.clone(),
        trust_seen: Default::default(),
        throttle: Default::default(),
        hasher: Arc::new(service::Hasher::for_this_machine()),
    };
    tokio::spawn(maintain(pool.clone(), cfg.throttle.clone()));
    let app = app(AppState { pool, cfg: Arc::new(cfg) });
    let acceptor = TlsAcceptor::from(identity.config);
    let metrics_addr = match opts.metrics_listen {
        Some(at) => Some(metrics::listen(at).await?),
        None => None,
    };
    ready(&Running { addr, origin, ca_file: identity.ca_file, metrics_addr });

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let app = app.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            // A client that never finishes its handshake does not hold a task forever.
            let tls =
                match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => tls,
                    Ok(Err(e)) => {
                        tracing::debug!(%peer, error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => return,
                };
            tracing::info!(%peer, "tls connection");
            let service = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(RemoteAddr(peer));
                    app.clone().oneshot(req.map(axum::body::Body::new))
                },
            );
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .serve_connection(TokioIo::new(tls), service);
            let _ = watcher.watch(conn).await;
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running after 10 s; stopping anyway");
    }
    Ok(())
}

/// The database's upkeep, off the path of requests: four times a second, SQLite's write-ahead
/// log is copied into the database (request connections do not; often, so that each copy is
/// short); every half minute, what expired is removed (`service::sweep`; with several
/// instances each sweeps, which costs little: the rows go by index).
async fn maintain(pool: Pool, throttle: Arc<service::Throttle>) {
    let mut every = tokio::time::interval(Duration::from_millis(250));
    for tick in 0u64.. {
        every.tick().await;
        if pool.has_upkeep() {
            let started = std::time::Instant::now();
            if let Err(e) = pool.run(|c| Ok(c.upkeep()?)).await {
                tracing::warn!(error = %e, "checkpoint failed");
            }
            metrics::checkpoint(started.elapsed());
        }
        if tick % 40 == 0 {
            let throttle = throttle.clone();
            if let Err(e) = pool.run(move |c| Ok(service::audit_unaudited(c, &throttle)?)).await {
                tracing::warn!(error = %e, "auditing a spray's summary failed");
            }
        }
        if tick % 120 == 0 {
            match pool.run(|c| Ok(service::sweep(c)?)).await {
                Ok(n) => tracing::debug!(removed = n, "swept expired rows"),
                Err(e) => tracing::warn!(error = %e, "sweeping expired rows failed"),
            }
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// The API and the pages side by side, each over the services, and what every answer gets:
/// errors in the client's language, HSTS, a log line.
pub fn app(state: AppState) -> Router {
    api::router()
        .merge(web::router(&state))
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, code::INVALID_REQUEST)
        })
        .layer(middleware::from_fn(localize_errors))
        .layer(middleware::from_fn(strict_transport))
        .layer(middleware::from_fn(log_requests))
        .layer(middleware::from_fn(metrics::count_requests))
        .with_state(state)
}

/// One log line per request: never a header or body (they hold passwords and tokens).
async fn log_requests(req: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let remote = req.extensions().get::<RemoteAddr>().map(|r| r.0.to_string()).unwrap_or_default();
    let resp = next.run(req).await;
    tracing::info!(
        %method,
        path = %redact_path(&path),
        status = resp.status().as_u16(),
        ms = start.elapsed().as_secs_f64() * 1000.0,
        %remote,
        "request"
    );
    resp
}

/// Paths carry no secrets today; this keeps it so if a token ever ends up in one.
fn redact_path(path: &str) -> String {
    path.chars().take(200).collect()
}

/// Every answer is over HTTPS: browsers are told to use nothing else for this site, for a
/// year (a network that rewrites plain HTTP then gets no first request to rewrite).
async fn strict_transport(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    resp.headers_mut()
        .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    resp
}
