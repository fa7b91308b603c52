//! zca-platform under a password spray: failures count per source and overall, so that a
//! source that sprays is slowed and then refused while the accounts it tried stay open to their
//! owners, CA logins are never blocked by password failures, and the audit of a spray stays
//! bounded. Sources are addresses of the loopback network (127.0.0.2, 127.0.0.3).

mod common;

use std::net::IpAddr;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

/// A password login from `client`: its status and Retry-After.
async fn password(
    p: &Platform,
    client: &reqwest::Client,
    account: &str,
    pw: &str,
) -> (StatusCode, Option<u64>) {
    post_login(client, &p.url("/sessions/password"), account, pw).await
}

async fn post_login(
    client: &reqwest::Client,
    url: &str,
    account: &str,
    pw: &str,
) -> (StatusCode, Option<u64>) {
    let r = client
        .post(url)
        .json(&json!({ "account": account, "password": pw }))
        .send()
        .await
        .expect("the request reaches the server");
    let retry = r.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
    (r.status(), retry)
}

fn source(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spray_slows_then_refuses_its_source_and_the_accounts_stay_open() {
    let (p, ca, _) = with_user("alice").await;
    let key = ca.p256_key(&CertSpec::valid("alice's key"));
    let alice = p.login("alice").await;
    assert_eq!(p.bind(&alice, &key, "L1").await.status, StatusCode::CREATED);
    let sprayer = client_from(&p.ca_file(), Some(source(2)));
    let owner = client_from(&p.ca_file(), Some(source(3)));

    // The spray: unknown accounts, and alice, from one source, eight at a time, until the
    // source is refused. How many rounds that takes depends on the cores: an attempt the
    // hashing pool has no room for is refused before it is counted (it checked nothing).
    let mut answers = Vec::new();
    let url = p.url("/sessions/password");
    for round in 0..30 {
        if round >= 5
            && password(&p, &sprayer, "nobody", "guess").await.0 == StatusCode::TOO_MANY_REQUESTS
        {
            break;
        }
        let mut together = tokio::task::JoinSet::new();
        for i in 0..8 {
            let n = round * 8 + i;
            let account = if n % 4 == 0 { "alice".to_string() } else { format!("nobody{n}") };
            let (client, url) = (sprayer.clone(), url.clone());
            together.spawn(async move { post_login(&client, &url, &account, "guess").await });
        }
        while let Some(answer) = together.join_next().await {
            answers.push(answer.unwrap());
        }
    }
    let refused = answers.iter().filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS).count();
    assert!(refused >= 10, "the source is refused after its failures: {answers:?}");
    assert!(answers
        .iter()
        .all(|(s, r)| *s != StatusCode::TOO_MANY_REQUESTS || r.is_some_and(|r| r > 0)));
    assert_eq!(
        password(&p, &sprayer, "alice", PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "the sprayer cannot log in as anyone now, not even with a right password"
    );
    // The account the spray tried is the owner's still: password and CA login.
    assert_eq!(password(&p, &owner, "alice", PASSWORD).await.0, StatusCode::CREATED);
    assert_eq!(p.ca_login(&key).await.status, StatusCode::CREATED);

    // The audit: a spray's failures make at most a few rows of their own a minute per source
    // (the rest are summed into one row per minute).
    let rows = p
        .audit()
        .into_iter()
        .filter(|a| a.event == "password_login" && a.remote.as_deref() == Some("127.0.0.2"))
        .count();
    // Five of their own a minute (a test may straddle two minutes), and a summary row.
    assert!(rows <= 12, "{rows} audit rows for {} sprayed attempts", answers.len());
}

/// An account's lockout holds against the source that failed, not against its owner elsewhere;
/// a CA login is never blocked by password failures of the same account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_is_locked_for_the_failing_source_only() {
    let (p, ca, _) = with_user("alice").await;
    let key = ca.p256_key(&CertSpec::valid("alice's key"));
    let alice = p.login("alice").await;
    assert_eq!(p.bind(&alice, &key, "L1").await.status, StatusCode::CREATED);
    let guesser = client_from(&p.ca_file(), Some(source(4)));
    for _ in 0..zca_platform::service::LOCKOUT_FAILURES {
        assert_eq!(password(&p, &guesser, "alice", "wrong").await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, retry) = password(&p, &guesser, "alice", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.is_some_and(|r| r > 0));
    let owner = client_from(&p.ca_file(), Some(source(5)));
    assert_eq!(password(&p, &owner, "alice", PASSWORD).await.0, StatusCode::CREATED);
    assert_eq!(p.ca_login(&key).await.status, StatusCode::CREATED, "a key proves possession");
}

/// Readiness says whether the database answers; liveness only that the process does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_answers_when_the_database_does() {
    let p = Platform::start().await;
    let r = p.get("/ready", None).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("ready")));
    let hsts = r.headers.get("strict-transport-security").and_then(|v| v.to_str().ok());
    assert_eq!(hsts, Some("max-age=31536000"));
}
