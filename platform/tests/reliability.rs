//! zca-platform under races, abuse and a crash: one binding out of 100 simultaneous attempts,
//! 1,000 simultaneous CA logins without a mixed-up session, 1,000 wrong passwords against a
//! lockout that holds while the server stays responsive, and kill -9 in a stream of binds.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_simultaneous_binds_of_one_lock_by_ten_accounts_make_one_binding() {
    let p = Arc::new(Platform::start().await);
    let ca = TestCa::new("Race CA");
    p.trust(&ca.der);
    let mut tokens = Vec::new();
    for i in 0..10 {
        let account = format!("user{i}");
        p.add_user(&account);
        tokens.push(p.login(&account).await);
    }
    let key = Arc::new(ca.p256_key(&CertSpec::valid("争抢")));
    let mut tasks = Vec::new();
    for attempt in 0..100 {
        let (p, key, token) = (p.clone(), key.clone(), tokens[attempt % 10].clone());
        tasks.push(tokio::spawn(async move { p.bind(&token, &key, "3301000045109999").await }));
    }
    let mut created = 0;
    for task in tasks {
        let reply = task.await.unwrap();
        assert!(!reply.status.is_server_error(), "{:?} {}", reply.status, reply.body);
        if reply.status == StatusCode::CREATED {
            created += 1;
        } else {
            assert!(
                reply.status == StatusCode::OK || reply.code() == "ca_lock_bound_to_other_user",
                "{:?} {}",
                reply.status,
                reply.body
            );
        }
    }
    assert_eq!(created, 1, "exactly one attempt binds");
    let mut bindings = 0;
    for token in &tokens {
        let list = p.get("/ca/bindings", Some(token)).await;
        let rows = list.body["bindings"].as_array().unwrap_or_else(|| panic!("{}", list.body));
        bindings += rows.len();
    }
    assert_eq!(bindings, 1, "one binding in all");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_simultaneous_ca_logins_each_get_their_own_session() {
    // The server's own error log, should anything fail inside it.
    let _ = tracing_subscriber::fmt().with_env_filter("error").with_test_writer().try_init();
    let p = Arc::new(Platform::start().await);
    let ca = TestCa::new("Login storm CA");
    p.trust(&ca.der);
    let mut keys = Vec::new();
    for i in 0..10 {
        let account = format!("user{i}");
        p.add_user(&account);
        let token = p.login(&account).await;
        let key = ca.p256_key(&CertSpec::valid(&account));
        let reply = p.bind(&token, &key, &format!("33010000451000{i:02}")).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        keys.push((account, Arc::new(key)));
    }
    let mut tasks = Vec::new();
    for n in 0..1000 {
        let (p, (account, key)) = (p.clone(), keys[n % 10].clone());
        tasks.push(tokio::spawn(async move {
            let reply = p.ca_login(&key).await;
            assert!(reply.status.is_success(), "{:?} {}", reply.status, reply.body);
            let token = reply.body["token"].as_str().unwrap().to_string();
            let me = p.get("/me", Some(&token)).await;
            (account, me.body["account"].as_str().unwrap_or_default().to_string(), token)
        }));
    }
    let mut tokens = std::collections::HashSet::new();
    for task in tasks {
        let (expected, actual, token) = task.await.unwrap();
        assert_eq!(actual, expected, "a session belongs to the key's account");
        assert!(tokens.insert(token), "every session is new");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_wrong_passwords_keep_the_account_locked_and_the_server_answering() {
    let p = Arc::new(Platform::start().await);
    p.add_user("victim");
    p.add_user("bystander");
    let bystander = p.login("bystander").await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // All along, a logged-in user's page and API and the readiness check (which reads the
    // database): the server must answer others quickly during the storm.
    let watcher = {
        let (p, stop) = (p.clone(), stop.clone());
        tokio::spawn(async move {
            let mut worst = Duration::ZERO;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                assert_eq!(p.get("/ready", None).await.status, StatusCode::OK);
                assert_eq!(p.get("/me", Some(&bystander)).await.status, StatusCode::OK);
                let page = p.client.get(format!("{}/login", p.origin)).send().await.unwrap();
                assert_eq!(page.status(), StatusCode::OK);
                worst = worst.max(t.elapsed());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            worst
        })
    };
    let mut tasks = Vec::new();
    for worker in 0..50 {
        let p = p.clone();
        tasks.push(tokio::spawn(async move {
            let mut ok = 0;
            // Twenty each: past the source's limit every refusal is held a second (a sprayer
            // ignoring Retry-After waits), so the storm lasts twenty seconds.
            for i in 0..20 {
                let body = json!({"account": "victim", "password": format!("wrong {worker} {i}")});
                let reply = p.post("/sessions/password", None, body).await;
                assert!(
                    matches!(
                        reply.status,
                        StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
                    ),
                    "{:?}",
                    reply.status
                );
                ok += usize::from(reply.status == StatusCode::OK);
            }
            ok
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 0);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let worst = watcher.await.unwrap();
    assert!(worst < Duration::from_secs(2), "others were answered within {worst:?} at worst");
    let right = p
        .post("/sessions/password", None, json!({"account": "victim", "password": PASSWORD}))
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "the lockout holds for the right one");
    // The storm's audit stays bounded: a few rows of their own per source and minute, the
    // rest summed (their summary rows come when their minute is over).
    let rows = p.audit().iter().filter(|a| a.event == "password_login").count();
    assert!((5..=40).contains(&rows), "{rows} audit rows for 1,000 attempts");
}

/// Readiness tells the truth about the database: 503 with a reason while PostgreSQL is
/// stopped, 200 once it is back; the pages and health answer throughout, and nothing committed
/// before is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_follows_postgresql_down_and_back_and_nothing_is_lost() {
    let cluster = zca_pg_cluster::Cluster::start(false);
    let url = cluster.new_database();
    let database = zca_platform::db::Database::parse(&url, None).unwrap();
    let p = Platform::start_on(database, 120, tempfile::tempdir().unwrap()).await;
    let ca = TestCa::new("Ready CA");
    p.trust(&ca.der);
    p.add_user("alice");
    let alice = p.login("alice").await;
    let key = ca.p256_key(&CertSpec::valid("alice's key"));
    assert_eq!(p.bind(&alice, &key, "L1").await.status, StatusCode::CREATED);
    assert_eq!(p.get("/ready", None).await.status, StatusCode::OK);

    cluster.stop();
    let r = p.get("/ready", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{:?}", r.body);
    assert_eq!(r.body["status"], "unavailable");
    assert!(r.body["reason"].as_str().is_some_and(|s| s.contains("database")), "{:?}", r.body);
    assert_eq!(p.get("/health", None).await.status, StatusCode::OK, "alive, not ready");
    let page = p.client.get(format!("{}/login", p.origin)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "the login page needs no database");

    cluster.start_again();
    let deadline = Instant::now() + Duration::from_secs(30);
    while p.get("/ready", None).await.status != StatusCode::OK {
        assert!(Instant::now() < deadline, "ready again within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let bindings = p.get("/ca/bindings", Some(&alice)).await;
    assert_eq!(bindings.body["bindings"].as_array().map(Vec::len), Some(1), "{:?}", bindings.body);
    assert_eq!(p.ca_login(&key).await.status, StatusCode::CREATED);
}

/// The binary, serving a data folder; returns the child and its origin.
fn serve(data: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zca-platform"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("ZCA_PLATFORM_DATA", data)
        .envs(database_env(data))
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let line = BufReader::new(child.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    let addr = line.split_whitespace().nth(3).unwrap().to_string();
    (child, format!("https://{addr}"))
}

fn admin(data: &std::path::Path, args: &[&str], stdin: &str) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zca-platform"));
    cmd.env("ZCA_PLATFORM_DATA", data).envs(database_env(data));
    run_admin(cmd, args, stdin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_binds_loses_no_acknowledged_binding_and_leaves_no_half() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    admin(
        &data,
        &["user", "add", "alice", "--name", "a", "--org", "o", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    let ca = TestCa::new("Crash CA");
    std::fs::write(dir.path().join("ca.der"), &ca.der).unwrap();
    admin(&data, &["trust", "add", dir.path().join("ca.der").to_str().unwrap()], "");
    let keys: Vec<TestKey> =
        (0..400).map(|i| ca.p256_key(&CertSpec::valid(&format!("k{i}")))).collect();

    let (mut child, origin) = serve(&data);
    let client = client_trusting(&data.join("tls/ca.pem"));
    let login = client
        .post(format!("{origin}/api/v1/sessions/password"))
        .json(&json!({"account": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let token =
        login.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_string();

    // Binds one after another; the process is killed while they run (once twenty are in, so
    // that a slow machine cannot make it kill before the stream, or after it).
    let pid = child.id();
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let killer = tokio::spawn({
        let count = count.clone();
        async move {
            while count.load(std::sync::atomic::Ordering::SeqCst) < 20 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
        }
    });
    let mut acknowledged = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let lock = format!("CRASH{i:011}");
        let ch = client
            .post(format!("{origin}/api/v1/ca/challenges"))
            .bearer_auth(&token)
            .json(&json!({"purpose": "bind"}))
            .send()
            .await;
        let Ok(ch) = ch else { break };
        let Ok(ch) = ch.json::<serde_json::Value>().await else { break };
        let body = key.proof(zca_contract::Purpose::Bind, &ch, &lock);
        let reply = client
            .post(format!("{origin}/api/v1/ca/bindings"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await;
        match reply {
            Ok(r) if r.status() == StatusCode::CREATED => {
                acknowledged.push(lock);
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            _ => break,
        }
    }
    killer.await.unwrap();
    let _ = child.wait();
    assert!(
        acknowledged.len() > 5 && acknowledged.len() < keys.len(),
        "killed mid-stream ({})",
        acknowledged.len()
    );

    // The database is whole, and every acknowledged binding is in it, complete.
    if !common::postgres::selected() {
        let mut db = test_database(&data).open().unwrap();
        let check: String = db.query_one("PRAGMA integrity_check", &[]).unwrap().get(0).unwrap();
        assert_eq!(check, "ok");
    }
    let (mut child, origin) = serve(&data);
    let client = client_trusting(&data.join("tls/ca.pem"));
    let token = client
        .post(format!("{origin}/api/v1/sessions/password"))
        .json(&json!({"account": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let list = client
        .get(format!("{origin}/api/v1/ca/bindings"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let stored: Vec<&serde_json::Value> = list["bindings"].as_array().unwrap().iter().collect();
    for lock in &acknowledged {
        assert!(stored.iter().any(|b| b["ca_lock_id"] == lock.as_str()), "{lock} survived");
    }
    for b in &stored {
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        for value in [
            &b["ca_lock_id"],
            &b["created_at"],
            &b["certificate"]["common_name"],
            &b["certificate"]["serial"],
        ] {
            assert!(!text(value).is_empty(), "a complete row: {b}");
        }
    }
    assert!(stored.len() <= acknowledged.len() + 1, "at most the bind in flight is extra");
    child.kill().unwrap();
    let _ = child.wait();
}

#[tokio::test]
async fn an_sm2_signature_made_for_another_id_is_refused() {
    let p = Platform::start().await;
    let sm2 = sm2_pki(p.data());
    p.trust(&sm2.ca_der);
    p.add_user("alice");
    let token = p.login("alice").await;
    let bound = p.bind(&token, &sm2.key, "3301000045107777").await;
    assert_eq!(bound.status, StatusCode::CREATED, "{}", bound.body);
    let Signer::Sm2(key) = &sm2.key.signer else { panic!("an SM2 key") };

    let challenge = p.challenge("login", None).await;
    let msg = zca_contract::signed_bytes(
        zca_contract::Purpose::Login,
        challenge["origin"].as_str().unwrap(),
        challenge["challenge_id"].as_str().unwrap(),
        challenge["nonce"].as_str().unwrap(),
        &sm2.key.sha256(),
        "",
    );
    let msg_file = p.data().join("other-id.msg");
    std::fs::write(&msg_file, &msg).unwrap();
    // The same key and bytes, but Z computed for another signer ID than the contract's.
    let out = Command::new("openssl")
        .args(["pkeyutl", "-sign", "-inkey"])
        .arg(key)
        .args(["-rawin", "-digest", "sm3", "-pkeyopt", "distid:ALICE123@YAHOO.COM", "-in"])
        .arg(&msg_file)
        .output()
        .unwrap();
    assert!(out.status.success());
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let body = json!({
        "challenge_id": challenge["challenge_id"],
        "certificate": engine.encode(&sm2.key.cert_der),
        "algorithm": "sm2-sm3",
        "signature": engine.encode(&out.stdout),
    });
    let reply = p.post("/sessions/ca", None, body).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "signature_invalid");
    // The right ID still works: the refusal was about the ID alone.
    assert!(p.ca_login(&sm2.key).await.status.is_success());
}
