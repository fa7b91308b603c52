//! What an operator watches: requests and their latency per route, logins by kind and outcome,
//! waits for a database connection, the write-ahead log's checkpoints. Counted always (an
//! atomic add each), shown in the Prometheus text format only on the listener `serve
//! --metrics-listen` opens: never on the public one, where it would tell anyone the traffic.

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::Duration;

use anyhow::Context;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use hyper_util::rt::TokioIo;
use prometheus::{
    exponential_buckets, Histogram, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry,
    TextEncoder,
};
use tokio::net::TcpListener;

struct Metrics {
    registry: Registry,
    requests: HistogramVec,
    logins: IntCounterVec,
    pool_wait: Histogram,
    checkpoint: Histogram,
}

/// 0.5 ms to ~16 s by doubling: a page, an argon2 hash and a held refusal all fall inside.
fn buckets() -> Vec<f64> {
    exponential_buckets(0.0005, 2.0, 16).expect("valid buckets")
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let requests = HistogramVec::new(
        HistogramOpts::new(
            "zca_platform_http_request_duration_seconds",
            "Requests by route (the route's pattern, not the path), method and status, and how \
             long each took to answer.",
        )
        .buckets(buckets()),
        &["route", "method", "status"],
    )
    .expect("valid metric");
    let logins = IntCounterVec::new(
        Opts::new(
            "zca_platform_logins_total",
            "Logins by kind (password, ca) and outcome (ok, or the contract's error code).",
        ),
        &["kind", "outcome"],
    )
    .expect("valid metric");
    let pool_wait = Histogram::with_opts(
        HistogramOpts::new(
            "zca_platform_db_pool_wait_seconds",
            "How long a request waited for a database connection.",
        )
        .buckets(buckets()),
    )
    .expect("valid metric");
    let checkpoint = Histogram::with_opts(
        HistogramOpts::new(
            "zca_platform_db_checkpoint_seconds",
            "How long each round of SQLite's write-ahead log upkeep took.",
        )
        .buckets(buckets()),
    )
    .expect("valid metric");
    for metric in [
        Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(logins.clone()),
        Box::new(pool_wait.clone()),
        Box::new(checkpoint.clone()),
    ] {
        registry.register(metric).expect("each metric registered once");
    }
    Metrics { registry, requests, logins, pool_wait, checkpoint }
});

/// A login's outcome: `ok`, or the error code it was refused with.
pub fn login(kind: &'static str, outcome: Result<(), &'static str>) {
    let outcome = outcome.err().unwrap_or("ok");
    METRICS.logins.with_label_values(&[kind, outcome]).inc();
}

pub fn pool_wait(waited: Duration) {
    METRICS.pool_wait.observe(waited.as_secs_f64());
}

pub fn checkpoint(took: Duration) {
    METRICS.checkpoint.observe(took.as_secs_f64());
}

/// Middleware: every answer counted under its route's pattern (a request no route matched
/// under `unmatched`, so that random paths cannot grow the label set).
pub async fn count_requests(req: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let method = req.method().clone();
    let resp = next.run(req).await;
    let method = if method.as_str().len() <= 8 { method.as_str() } else { "other" };
    METRICS
        .requests
        .with_label_values(&[
            route.as_deref().unwrap_or("unmatched"),
            method,
            resp.status().as_str(),
        ])
        .observe(start.elapsed().as_secs_f64());
    resp
}

/// The metrics in the Prometheus text format.
pub fn text() -> String {
    TextEncoder::new()
        .encode_to_string(&METRICS.registry.gather())
        .unwrap_or_else(|e| format!("# encoding failed: {e}\n"))
}

/// Serves `GET /metrics` over plain HTTP on `addr` until the process ends: for a scraper on
/// this machine or a private network, as the operator chose.
pub async fn listen(addr: SocketAddr) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("--metrics-listen {addr}: cannot listen there"))?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(|req: hyper::Request<_>| async move {
                    Ok::<_, std::convert::Infallible>(answer(req.method(), req.uri().path()))
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(10))
                    .serve_connection(TokioIo::new(tcp), service);
                let _ = conn.await;
            });
        }
    });
    Ok(bound)
}

fn answer(method: &hyper::Method, path: &str) -> hyper::Response<String> {
    let (status, body) = match (method, path) {
        (&hyper::Method::GET, "/metrics") => (200, text()),
        (_, "/metrics") => (405, "GET /metrics\n".into()),
        _ => (404, "this listener serves GET /metrics only\n".into()),
    };
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .body(body)
        .expect("a valid response")
}
