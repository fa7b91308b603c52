//! `serve --metrics-listen`: the Prometheus text on a listener of its own, counting what the
//! public listener served; nothing of it on the public listener.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

/// The value of the sample `name{labels}` (labels as the text format writes them, in order).
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_logins_and_pool_waits_on_their_own_listener() {
    let p = Platform::start_with_metrics().await;
    let ca = TestCa::new("Metrics CA");
    p.trust(&ca.der);
    p.add_user("alice");
    let token = p.login("alice").await;
    let key = ca.p256_key(&CertSpec::valid("k"));
    assert_eq!(p.bind(&token, &key, "3301000045109999").await.status, StatusCode::CREATED);
    for _ in 0..3 {
        assert_eq!(p.ca_login(&key).await.status, StatusCode::CREATED);
    }
    let wrong = p
        .post("/sessions/password", None, json!({"account": "alice", "password": "wrong one"}))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(p.get("/no/such/path/123", None).await.status, StatusCode::NOT_FOUND);

    // Not on the public listener.
    assert_eq!(p.client.get(format!("{}/metrics", p.origin)).send().await.unwrap().status(), 404);

    let url = format!("http://{}/metrics", p.metrics.unwrap());
    let got = p.client.get(&url).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert!(got.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = got.text().await.unwrap();
    let logins = |kind: &str, outcome: &str| {
        sample(
            &text,
            &format!("zca_platform_logins_total{{kind=\"{kind}\",outcome=\"{outcome}\"}}"),
        )
    };
    // The counters are the process's: other tests in this binary may add to them, never less.
    assert!(logins("ca", "ok") >= 3.0, "{text}");
    assert!(logins("password", "ok") >= 1.0, "{text}");
    assert!(logins("password", "invalid_credentials") >= 1.0, "{text}");
    let ca_route = "zca_platform_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/sessions/ca\",status=\"201\"}";
    assert!(sample(&text, ca_route) >= 3.0, "{text}");
    // A path no route knows is counted under one label, not its own.
    assert!(!text.contains("/no/such/path"), "{text}");
    assert!(text.contains("route=\"unmatched\""), "{text}");
    assert!(sample(&text, "zca_platform_db_pool_wait_seconds_count") >= 5.0, "{text}");
    assert!(text.contains("zca_platform_db_checkpoint_seconds_bucket"), "{text}");
    // The listener answers nothing else.
    let other = p.client.get(format!("http://{}/", p.metrics.unwrap())).send().await.unwrap();
    assert_eq!(other.status(), 404);
}
