//! Every rule of the contract over real TLS on 127.0.0.1: each test fails if its rule breaks.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use time::{Duration, OffsetDateTime};
use zca_contract::Purpose;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_tls() {
    let p = Platform::start().await;
    let r = p.get("/health", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
    assert!(r.body["time"].as_str().unwrap().ends_with('Z'));
    // A client that does not trust the server's CA is refused by TLS.
    let stranger = reqwest::Client::builder()
        .use_preconfigured_tls(
            rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth(),
        )
        .build()
        .unwrap();
    assert!(stranger.get(p.url("/health")).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bind_list_login_logout_unbind_for_each_algorithm() {
    let (p, ca, token) = with_user("alice").await;
    let rsa_ca = TestCa::rsa("RSA CA");
    p.trust(&rsa_ca.der);
    let sm2 = sm2_pki(p.data());
    p.trust(&sm2.ca_der);
    let keys = [
        ("3301000045102205", ca.p256_key(&CertSpec::valid("张三 EC"))),
        ("3301000045102206", rsa_ca.rsa_key(&CertSpec::valid("张三 RSA"))),
        ("3301000045102207", sm2.key),
    ];
    for (lock, key) in &keys {
        let r = p.bind(&token, key, lock).await;
        assert_eq!(r.status, StatusCode::CREATED, "{} {:?}", key.algorithm, r.body);
        assert_eq!(r.body["ca_lock_id"], *lock);
        assert_eq!(r.body["status"], "active");
        assert_eq!(r.body["created_by"], "alice");
        assert_eq!(r.body["certificate"]["sha256"], key.sha256());
    }
    // The same binding again: 200 with the same binding.
    let again = p.bind(&token, &keys[0].1, keys[0].0).await;
    assert_eq!(again.status, StatusCode::OK);

    let list = p.get("/ca/bindings", Some(&token)).await;
    assert_eq!(list.status, StatusCode::OK);
    let bindings = list.body["bindings"].as_array().unwrap();
    assert_eq!(bindings.len(), 3);
    let locks: Vec<&str> = bindings.iter().map(|b| b["ca_lock_id"].as_str().unwrap()).collect();
    assert_eq!(locks, ["3301000045102205", "3301000045102206", "3301000045102207"], "oldest first");
    assert_eq!(bindings[0]["certificate"]["common_name"], "张三 EC");
    assert_eq!(bindings[0]["certificate"]["organization"], "杭州市某某单位");
    assert_eq!(bindings[2]["certificate"]["common_name"], "国密用户");

    for (_, key) in &keys {
        let r = p.ca_login(key).await;
        assert_eq!(r.status, StatusCode::CREATED, "{} {:?}", key.algorithm, r.body);
        assert_eq!(r.body["user"]["account"], "alice");
        assert!(r.body["binding_id"].is_i64());
        let session = r.body["token"].as_str().unwrap().to_string();
        assert!(session.len() >= 43, "at least 256 bits");
        let me = p.get("/me", Some(&session)).await;
        assert_eq!(me.body["account"], "alice");
        assert_eq!(
            p.delete("/sessions/current", Some(&session)).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(p.get("/me", Some(&session)).await.code(), "unauthenticated", "logout revokes");
    }

    let id = bindings[0]["id"].as_i64().unwrap();
    assert_eq!(
        p.delete(&format!("/ca/bindings/{id}"), Some(&token)).await.status,
        StatusCode::NO_CONTENT
    );
    let r = p.ca_login(&keys[0].1).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "certificate_not_bound"),
        "login after unbind"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn challenges_are_single_use_expire_and_belong_to_their_session() {
    let p = Platform::start_with(1, None).await;
    let ca = TestCa::new("CA");
    p.trust(&ca.der);
    p.add_user("alice");
    p.add_user("bob");
    let alice = p.login("alice").await;
    let bob = p.login("bob").await;
    let key = ca.p256_key(&CertSpec::valid("k"));

    // Replay: the same signed request twice.
    let body = p.bind_request(&alice, &key, "L1").await;
    assert_eq!(
        p.post("/ca/bindings", Some(&alice), body.clone()).await.status,
        StatusCode::CREATED
    );
    let replay = p.post("/ca/bindings", Some(&alice), body).await;
    assert_eq!((replay.status, replay.code()), (StatusCode::UNAUTHORIZED, "challenge_invalid"));

    // Login replay.
    let ch = p.challenge("login", None).await;
    let login = key.proof(Purpose::Login, &ch, "");
    assert_eq!(p.post("/sessions/ca", None, login.clone()).await.status, StatusCode::CREATED);
    assert_eq!(p.post("/sessions/ca", None, login).await.code(), "challenge_invalid");

    // Expired (TTL 1 s here).
    let ch = p.challenge("login", None).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = p.post("/sessions/ca", None, key.proof(Purpose::Login, &ch, "")).await;
    assert_eq!(r.code(), "challenge_invalid", "expired");

    // A bind challenge asked by alice, used by bob.
    let key2 = ca.p256_key(&CertSpec::valid("k2"));
    let ch = p.challenge("bind", Some(&alice)).await;
    let r = p.post("/ca/bindings", Some(&bob), key2.proof(Purpose::Bind, &ch, "L2")).await;
    assert_eq!(r.code(), "challenge_invalid", "another session's challenge");

    // A login challenge used for a bind, and an unknown one.
    let ch = p.challenge("login", None).await;
    let r = p.post("/ca/bindings", Some(&alice), key2.proof(Purpose::Bind, &ch, "L2")).await;
    assert_eq!(r.code(), "challenge_invalid");
    let mut fake = p.challenge("bind", Some(&alice)).await;
    fake["challenge_id"] = json!("nope");
    let r = p.post("/ca/bindings", Some(&alice), key2.proof(Purpose::Bind, &fake, "L2")).await;
    assert_eq!(r.code(), "challenge_invalid");

    // A bind challenge needs a session.
    let r = p.post("/ca/challenges", None, json!({"purpose": "bind"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    let ch = p.challenge("login", None).await;
    assert_eq!(ch["origin"], p.origin.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_must_verify_over_the_contract_bytes() {
    let (p, ca, token) = with_user("alice").await;
    let key = ca.p256_key(&CertSpec::valid("k"));
    let other = ca.p256_key(&CertSpec::valid("other"));

    // Signed for another origin.
    let ch = p.challenge("bind", Some(&token)).await;
    let body = key.proof_with(Purpose::Bind, &ch, "L1", "https://evil.example");
    let r = p.post("/ca/bindings", Some(&token), body).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "signature_invalid"));

    // Signed by another key than the certificate's.
    let ch = p.challenge("bind", Some(&token)).await;
    let mut body = other.proof(Purpose::Bind, &ch, "L1");
    body["certificate"] = key.proof(Purpose::Bind, &ch, "L1")["certificate"].clone();
    assert_eq!(p.post("/ca/bindings", Some(&token), body).await.code(), "signature_invalid");

    // Signed for another CA锁ID than the one posted.
    let ch = p.challenge("bind", Some(&token)).await;
    let mut body = key.proof(Purpose::Bind, &ch, "L1");
    body["ca_lock_id"] = json!("L9");
    assert_eq!(p.post("/ca/bindings", Some(&token), body).await.code(), "signature_invalid");

    // An algorithm that does not fit the key, and one that does not exist.
    for alg in ["rsa-pkcs1-sha256", "sm2-sm3", "ed25519"] {
        let ch = p.challenge("bind", Some(&token)).await;
        let mut body = key.proof(Purpose::Bind, &ch, "L1");
        body["algorithm"] = json!(alg);
        let r = p.post("/ca/bindings", Some(&token), body).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "unsupported_algorithm"),
            "{alg}"
        );
    }

    // A bound certificate with a signature by another key cannot log in.
    assert_eq!(p.bind(&token, &key, "L1").await.status, StatusCode::CREATED);
    let ch = p.challenge("login", None).await;
    let mut body = other.proof(Purpose::Login, &ch, "");
    body["certificate"] = key.proof(Purpose::Login, &ch, "")["certificate"].clone();
    assert_eq!(p.post("/sessions/ca", None, body).await.code(), "signature_invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_must_be_trusted_valid_and_for_signing() {
    let (p, ca, token) = with_user("alice").await;
    let stranger = TestCa::new("Untrusted CA");
    let now = OffsetDateTime::now_utc();
    let cases = [
        (stranger.p256_key(&CertSpec::valid("x")), "certificate_untrusted"),
        (
            ca.p256_key(&CertSpec {
                not_after: now - Duration::days(1),
                not_before: now - Duration::days(30),
                ..CertSpec::valid("old")
            }),
            "certificate_expired",
        ),
        (
            ca.p256_key(&CertSpec {
                not_before: now + Duration::days(1),
                not_after: now + Duration::days(30),
                ..CertSpec::valid("new")
            }),
            "certificate_not_yet_valid",
        ),
        (
            ca.p256_key(&CertSpec {
                key_usage: vec![rcgen::KeyUsagePurpose::KeyEncipherment],
                ..CertSpec::valid("enc")
            }),
            "certificate_key_usage",
        ),
        (
            ca.p256_key(&CertSpec {
                extended_key_usage: vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth],
                ..CertSpec::valid("a server's")
            }),
            "certificate_key_usage",
        ),
        (
            ca.p256_key(&CertSpec {
                is_ca: true,
                key_usage: vec![
                    rcgen::KeyUsagePurpose::DigitalSignature,
                    rcgen::KeyUsagePurpose::KeyCertSign,
                ],
                ..CertSpec::valid("a CA's own")
            }),
            "certificate_untrusted",
        ),
    ];
    for (key, code) in &cases {
        let r = p.bind(&token, key, "L1").await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, *code));
        let r = p.ca_login(key).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, *code));
    }
    // extendedKeyUsage with clientAuth is what a client certificate may have.
    let client = ca.p256_key(&CertSpec {
        extended_key_usage: vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::EmailProtection,
        ],
        ..CertSpec::valid("client")
    });
    assert_eq!(p.bind(&token, &client, "L2").await.status, StatusCode::CREATED);
    // Unbound but valid certificate: not bound.
    let r = p.ca_login(&ca.p256_key(&CertSpec::valid("free"))).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "certificate_not_bound"));
    // Not a certificate at all.
    let ch = p.challenge("login", None).await;
    let r = p.post("/sessions/ca", None, json!({"challenge_id": ch["challenge_id"], "certificate": "AAAA", "algorithm": "sm2-sm3", "signature": "AAAA"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid_request"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ca_lock_belongs_to_one_user() {
    let (p, ca, alice) = with_user("alice").await;
    p.add_user("bob");
    let bob = p.login("bob").await;
    let key = ca.p256_key(&CertSpec::valid("k"));
    assert_eq!(p.bind(&alice, &key, "3301000045102205").await.status, StatusCode::CREATED);
    // Same key (certificate) under bob: refused; same CA key with another certificate: refused.
    let r = p.bind(&bob, &key, "3301000045102205").await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "ca_lock_bound_to_other_user"));
    let r = p.bind(&bob, &key, "9999").await;
    assert_eq!(r.code(), "ca_lock_bound_to_other_user");
    let r = p.bind(&bob, &ca.p256_key(&CertSpec::valid("b")), "3301000045102205").await;
    assert_eq!(r.code(), "ca_lock_bound_to_other_user");
    // One user, several CA keys.
    assert_eq!(
        p.bind(&alice, &ca.p256_key(&CertSpec::valid("k2")), "3301000045102299").await.status,
        StatusCode::CREATED
    );

    // Another user's binding is not found, the same as a missing one.
    let id = p.get("/ca/bindings", Some(&alice)).await.body["bindings"][0]["id"].as_i64().unwrap();
    let r = p.delete(&format!("/ca/bindings/{id}"), Some(&bob)).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(p.delete("/ca/bindings/424242", Some(&alice)).await.code(), "not_found");
    assert_eq!(
        p.get("/ca/bindings", Some(&alice)).await.body["bindings"].as_array().unwrap().len(),
        2
    );
    assert_eq!(
        p.get("/ca/bindings", Some(&bob)).await.body["bindings"].as_array().unwrap().len(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_users_binding_one_ca_lock_at_once_exactly_one_wins() {
    let p = Platform::start().await;
    let ca = TestCa::new("CA");
    p.trust(&ca.der);
    let mut requests = Vec::new();
    for i in 0..20 {
        let account = format!("user{i:02}");
        p.add_user(&account);
        let token = p.login(&account).await;
        let key = ca.p256_key(&CertSpec::valid(&account));
        let body = p.bind_request(&token, &key, "3301000045102205").await;
        requests.push((token, body));
    }
    let p = std::sync::Arc::new(p);
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(token, body)| {
            let p = p.clone();
            tokio::spawn(async move { p.post("/ca/bindings", Some(&token), body).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 19, "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_logins_lock_out_after_five_failures() {
    let p = Platform::start().await;
    p.add_user("alice");
    let wrong = json!({"account": "alice", "password": "wrong password"});
    for _ in 0..5 {
        let r = p.post("/sessions/password", None, wrong.clone()).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "invalid_credentials"));
    }
    let r =
        p.post("/sessions/password", None, json!({"account": "alice", "password": PASSWORD})).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
        "even the right password"
    );
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // Unknown accounts answer like wrong passwords.
    let r = p.post("/sessions/password", None, json!({"account": "nobody", "password": "x"})).await;
    assert_eq!(r.code(), "invalid_credentials");
    // Other accounts are not affected.
    p.add_user("bob");
    p.login("bob").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_400_and_big_ones_413_never_500() {
    let p = Platform::start().await;
    for body in ["{", "[]", "{\"account\": 5}", "", "\u{0}"] {
        let r = p
            .client
            .post(p.url("/sessions/password"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body:?}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid_request");
    }
    let r = p.post("/ca/challenges", None, json!({"purpose": "steal"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let big = "x".repeat(1024 * 1024 + 10);
    let r = p.client.post(p.url("/sessions/password")).body(big).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "payload_too_large");
    assert_eq!(p.get("/nowhere", None).await.code(), "not_found");
    assert_eq!(p.get("/me", Some("made-up-token")).await.code(), "unauthenticated");
    assert_eq!(p.get("/me", None).await.code(), "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_follow_accept_language() {
    let p = Platform::start().await;
    let zh: serde_json::Value = p
        .client
        .get(p.url("/me"))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(zh["error"]["code"], "unauthenticated");
    assert_eq!(zh["error"]["message"], "未登录或会话已失效。");
    let en: serde_json::Value = p
        .client
        .get(p.url("/me"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(en["error"]["message"], "Not logged in, or the session has ended.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_has_every_attempt_and_no_secret() {
    let (p, ca, token) = with_user("alice").await;
    let key = ca.p256_key(&CertSpec::valid("k"));
    p.bind(&token, &key, "L1").await;
    let session = p.ca_login(&key).await.body["token"].as_str().unwrap().to_string();
    p.post("/sessions/password", None, json!({"account": "alice", "password": "not it"})).await;
    p.ca_login(&ca.p256_key(&CertSpec::valid("unbound"))).await;
    let id = p.get("/ca/bindings", Some(&token)).await.body["bindings"][0]["id"].as_i64().unwrap();
    p.delete(&format!("/ca/bindings/{id}"), Some(&token)).await;

    let rows = p.audit();
    let events: Vec<(String, String)> =
        rows.iter().map(|r| (r.event.clone(), r.result.clone())).collect();
    for want in [
        ("password_login", "ok"),
        ("bind", "ok"),
        ("ca_login", "ok"),
        ("password_login", "invalid_credentials"),
        ("ca_login", "certificate_not_bound"),
        ("unbind", "ok"),
    ] {
        assert!(events.contains(&(want.0.into(), want.1.into())), "{want:?} not in {events:?}");
    }
    let bind = rows.iter().find(|r| r.event == "bind").unwrap();
    assert_eq!(bind.ca_lock_id.as_deref(), Some("L1"));
    assert_eq!(bind.cert_sha256.as_deref(), Some(key.sha256().as_str()));
    // No secret anywhere in the database.
    let hay = p.stored_bytes();
    for secret in [PASSWORD, "not it", token.as_str(), session.as_str()] {
        assert!(!hay.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} stored");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn driver_catalogue_lists_and_serves_files() {
    let p = Platform::start().await;
    let file = p.data().join("gm3000-driver_1.2.deb");
    std::fs::write(&file, b"driver package bytes").unwrap();
    let d = zca_platform::admin::NewDriver {
        file: &file,
        name: "mToken GM3000",
        vendor: "龙脉 Longmai",
        version: "1.2",
        os: "linux",
        arch: "x86_64",
        issuers: &["CFCA".into(), "浙江省数字安全证书管理有限公司".into()],
        module_names: &["libgm3000_pkcs11.so".into()],
    };
    p.with_db(|db| zca_platform::admin::driver_add(db, &d).unwrap());
    let r = p.get("/ca/drivers", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let d = &r.body["drivers"][0];
    assert_eq!(d["vendor"], "龙脉 Longmai");
    assert_eq!(d["module_names"][0], "libgm3000_pkcs11.so");
    assert_eq!(d["size"], 20);
    assert_eq!(d["sha256"], zca_platform::pki::sha256_hex(b"driver package bytes"));
    let url = d["url"].as_str().unwrap();
    assert!(url.starts_with(&p.origin));
    let bytes = p.client.get(url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&bytes[..], b"driver package bytes");
    let wrong =
        p.client.get(format!("{}/downloads/drivers/1/other.deb", p.origin)).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_survives_a_restart() {
    let (p, ca, token) = with_user("alice").await;
    let key = ca.p256_key(&CertSpec::valid("k"));
    assert_eq!(p.bind(&token, &key, "L1").await.status, StatusCode::CREATED);
    let dir = p.stop().await;
    let p = Platform::start_with(120, Some(dir)).await;
    assert_eq!(p.get("/me", Some(&token)).await.body["account"], "alice", "sessions persist");
    assert_eq!(p.ca_login(&key).await.status, StatusCode::CREATED, "bindings persist");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_length_constraints_bound_the_chain() {
    let p = Platform::start().await;
    p.add_user("alice");
    let token = p.login("alice").await;
    // root (pathLen 1) → a (pathLen 0) → leaf: within both limits.
    let root = TestCa::with_key("Root", p256_pair(), Some(1));
    let a = root.intermediate("Intermediate A", Some(0));
    // a → b → leaf: b sits below a, whose pathLen 0 allows no CA under it.
    let b = a.intermediate("Intermediate B", None);
    // root (pathLen 0) → c → leaf: c sits below a root that allows none.
    let tight_root = TestCa::with_key("Tight Root", p256_pair(), Some(0));
    let c = tight_root.intermediate("Intermediate C", None);
    for ca in [&root, &a, &b, &tight_root, &c] {
        p.trust(&ca.der);
    }
    let r = p.bind(&token, &a.p256_key(&CertSpec::valid("under a")), "L1").await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    for (ca, lock) in [(&b, "L2"), (&c, "L3")] {
        let r = p.bind(&token, &ca.p256_key(&CertSpec::valid("too deep")), lock).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "certificate_untrusted"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unbinding_ends_the_sessions_the_binding_opened() {
    let (p, ca, alice) = with_user("alice").await;
    let (key, other) = (ca.p256_key(&CertSpec::valid("k1")), ca.p256_key(&CertSpec::valid("k2")));
    let id = p.bind(&alice, &key, "L1").await.body["id"].as_i64().unwrap();
    assert_eq!(p.bind(&alice, &other, "L2").await.status, StatusCode::CREATED);
    let sessions: Vec<String> = futures_tokens(&p, &key, 2).await;
    let kept = p.ca_login(&other).await.body["token"].as_str().unwrap().to_string();

    let r = p.delete(&format!("/ca/bindings/{id}"), Some(&alice)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    for s in &sessions {
        assert_eq!(p.get("/me", Some(s)).await.code(), "unauthenticated", "ended with its binding");
    }
    assert_eq!(p.get("/me", Some(&kept)).await.status, StatusCode::OK, "another binding's");
    assert_eq!(p.get("/me", Some(&alice)).await.status, StatusCode::OK, "the password session");
    let ended: Vec<_> = p.audit().into_iter().filter(|a| a.event == "session_ended").collect();
    assert_eq!(ended.len(), 2, "one audit row per ended session");
    assert!(ended.iter().all(|a| a.result == "binding_removed"
        && a.ca_lock_id.as_deref() == Some("L1")
        && a.cert_sha256.as_deref() == Some(key.sha256().as_str())));
}

/// `n` CA sessions of `key`.
async fn futures_tokens(p: &Platform, key: &TestKey, n: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    for _ in 0..n {
        let r = p.ca_login(key).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        tokens.push(r.body["token"].as_str().unwrap().to_string());
    }
    tokens
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_certificates_and_removed_anchors_end_their_sessions() {
    use zca_platform::admin::{revoke, trust_remove, Revocation};
    let (p, ca, alice) = with_user("alice").await;
    let other_ca = TestCa::new("Other CA");
    p.trust(&other_ca.der);
    let by_sha = ca.p256_key(&CertSpec::valid("by sha"));
    let by_serial = ca.p256_key(&CertSpec::valid("by serial"));
    let by_anchor = other_ca.p256_key(&CertSpec::valid("by anchor"));
    let keys = [(&by_sha, "L1"), (&by_serial, "L2"), (&by_anchor, "L3")];
    let mut sessions = Vec::new();
    for (key, lock) in keys {
        assert_eq!(p.bind(&alice, key, lock).await.status, StatusCode::CREATED);
        sessions.push(futures_tokens(&p, key, 1).await.remove(0));
    }
    let revoke = |what: &Revocation<'_>| p.with_db(|db| revoke(db, what, "test").unwrap());

    // By SHA-256: that certificate, and only it.
    assert_eq!(revoke(&Revocation::Sha256(&by_sha.sha256())), 1);
    assert_eq!(p.get("/me", Some(&sessions[0])).await.code(), "unauthenticated");
    assert_eq!(p.get("/me", Some(&sessions[1])).await.status, StatusCode::OK);
    let r = p.ca_login(&by_sha).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "certificate_revoked"));

    // By serial from one issuer: another issuer's certificate of that serial is not touched.
    let serial = serial_of(&by_serial.cert_der);
    let other_ca_sha = zca_platform::pki::sha256_hex(&other_ca.der);
    let other_issuer = Revocation::Serial { serial: &serial, issuer_sha256: Some(&other_ca_sha) };
    assert_eq!(revoke(&other_issuer), 0);
    assert_eq!(p.ca_login(&by_serial).await.status, StatusCode::CREATED);
    let ca_sha = zca_platform::pki::sha256_hex(&ca.der);
    let its_issuer = Revocation::Serial { serial: &serial, issuer_sha256: Some(&ca_sha[..12]) };
    assert_eq!(revoke(&its_issuer), 2, "both of its sessions");
    assert_eq!(p.get("/me", Some(&sessions[1])).await.code(), "unauthenticated");
    assert_eq!(p.ca_login(&by_serial).await.code(), "certificate_revoked");
    let r = p.bind(&alice, &by_serial, "L2").await;
    assert_eq!(r.code(), "certificate_revoked", "nor bind again");

    // A trust anchor removed: its certificates are no longer trusted, their sessions end.
    let (subject, ended) = p.with_db(|db| trust_remove(db, &other_ca_sha[..8])).unwrap();
    assert!(subject.contains("Other CA"), "{subject}");
    assert_eq!(ended, 1);
    assert_eq!(p.get("/me", Some(&sessions[2])).await.code(), "unauthenticated");
    assert_eq!(p.ca_login(&by_anchor).await.code(), "certificate_untrusted");
    assert!(p.with_db(|db| trust_remove(db, &other_ca_sha[..8])).is_err(), "no longer there");
    assert!(p.with_db(|db| trust_remove(db, "abc")).is_err(), "too short to name one");
    assert_eq!(p.get("/me", Some(&alice)).await.status, StatusCode::OK, "password sessions stay");
    let audit = p.audit();
    let why: Vec<&str> =
        audit.iter().filter(|a| a.event == "session_ended").map(|a| a.result.as_str()).collect();
    assert_eq!(
        why,
        ["certificate_revoked", "certificate_revoked", "certificate_revoked", "trust_removed"]
    );
}

/// A revocation committed while CA logins with the certificate are under way: afterwards none
/// of the sessions they opened works, whichever committed first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_session_outlives_a_revocation_made_while_logins_run() {
    use zca_platform::admin::{revoke, Revocation};
    let (p, ca, alice) = with_user("alice").await;
    let key = ca.p256_key(&CertSpec::valid("racing"));
    assert_eq!(p.bind(&alice, &key, "L1").await.status, StatusCode::CREATED);
    let (p, key) = (std::sync::Arc::new(p), std::sync::Arc::new(key));
    let logins: Vec<_> = (0..60)
        .map(|_| {
            let (p, key) = (p.clone(), key.clone());
            tokio::spawn(async move { p.ca_login(&key).await })
        })
        .collect();
    let (database, sha) = (p.database.clone(), key.sha256());
    tokio::task::spawn_blocking(move || {
        revoke(&mut database.open().unwrap(), &Revocation::Sha256(&sha), "test").unwrap()
    })
    .await
    .unwrap();
    let mut opened = Vec::new();
    for login in logins {
        let r = login.await.unwrap();
        match r.status {
            StatusCode::CREATED => opened.push(r.body["token"].as_str().unwrap().to_string()),
            _ => assert_eq!(r.code(), "certificate_revoked", "{:?}", r.body),
        }
    }
    for session in &opened {
        let r = p.get("/me", Some(session)).await;
        assert_eq!(r.code(), "unauthenticated", "a session of the revoked certificate works");
    }
}

fn serial_of(der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(der).unwrap();
    zca_contract::serial_hex(cert.tbs_certificate.raw_serial())
}
