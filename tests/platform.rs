//! The zca binary against zca-platform on 127.0.0.1 (real TLS, real database) with keys on
//! SoftHSM2 tokens: the whole account and CA-login life cycle, and its failures.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::*;

#[test]
fn bind_bindings_login_status_logout_unbind_with_rsa_and_ec_keys() {
    let (hsm, ca, p) = setup();
    for (label, key_type) in [("rsa-key", "rsa:2048"), ("ec-key", "EC:prime256v1")] {
        let serial = key_with_cert(
            &hsm,
            &ca,
            label,
            key_type,
            &CertSpec { org: Some("杭州市某某单位".into()), ..CertSpec::valid("张三") },
        );
        account_login(&hsm, &p, "alice");
        let session_file = hsm.home().join(".local/state/zca/sessions/default.json");
        let mode = std::fs::metadata(&session_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the session file is private");
        let dir_mode =
            std::fs::metadata(session_file.parent().unwrap()).unwrap().permissions().mode() & 0o777;
        assert_eq!(dir_mode, 0o700);

        let (code, out, err) =
            pin(hsm.zca_on(&p).args(["bind", "--token", &serial, "--yes", "--json"]));
        assert_eq!(code, 0, "{label}: {out}{err}");
        let doc = json(&out);
        assert_eq!(doc["created"], true);
        assert_eq!(doc["binding"]["ca_lock_id"], serial.as_str());
        assert_eq!(doc["binding"]["certificate"]["common_name"], "张三");
        assert!(!err.contains("Certificate: "), "with --yes, the facts only in the result: {err}");

        let (code, out, _) = run(hsm.zca_on(&p).args(["bindings", "--json"]));
        assert_eq!(code, 0);
        let rows = json(&out)["bindings"].as_array().unwrap().clone();
        let row = rows.iter().find(|b| b["ca_lock_id"] == serial.as_str()).unwrap();
        assert_eq!(row["inserted"], true);
        assert_eq!(row["status"], "active");
        let id = row["id"].as_i64().unwrap();

        let (code, out, err) = pin(hsm.zca_on(&p).args(["login", "--token", &serial, "--json"]));
        assert_eq!(code, 0, "{label}: {out}{err}");
        assert_eq!(json(&out)["user"]["account"], "alice");
        let (code, out, _) = run(hsm.zca_on(&p).args(["status", "--json"]));
        assert_eq!(code, 0);
        assert_eq!(json(&out)["session_kind"], "ca");

        let (code, _, _) = run(hsm.zca_on(&p).args(["logout"]));
        assert_eq!(code, 0);
        assert!(!session_file.exists());
        let (code, out, _) = run(hsm.zca_on(&p).args(["status", "--json"]));
        assert_eq!(code, 5, "not logged in");
        assert_eq!(json(&out)["error"]["code"], "not_logged_in");

        let (code, _, err) = pin(hsm.zca_on(&p).args(["login", "--token", &serial]));
        assert_eq!(code, 0, "{err}");
        let (code, _, err) = run(hsm.zca_on(&p).args(["unbind", &id.to_string(), "--yes"]));
        assert_eq!(code, 0, "{err}");
        let (code, out, _) = pin(hsm.zca_on(&p).args(["login", "--token", &serial, "--json"]));
        assert_eq!(code, 5);
        let doc = json(&out);
        assert_eq!(doc["error"]["code"], "platform_refused");
        assert_eq!(doc["error"]["platform_code"], "certificate_not_bound");
        run(hsm.zca_on(&p).args(["logout"]));
    }
}

#[test]
fn a_ca_lock_bound_by_one_account_is_refused_to_another() {
    let (hsm, ca, p) = setup();
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    account_login(&hsm, &p, "alice");
    assert_eq!(pin(hsm.zca_on(&p).args(["bind", "--yes"])).0, 0);
    account_login(&hsm, &p, "bob");
    let (code, _, err) = pin(hsm.zca_on(&p).args(["bind", "--yes", "--lang", "zh"]));
    assert_eq!(code, 5);
    assert!(err.contains("该 CA 锁已绑定到其他用户"), "{err}");
    let (code, _, err) = pin(hsm.zca_on(&p).args(["bind", "--yes"]));
    assert_eq!(code, 5);
    assert!(err.contains("already bound to another user"), "{err}");
    let _ = serial;
}

#[test]
fn a_wrong_pin_is_exit_4_and_sends_nothing_to_the_platform() {
    let (hsm, ca, p) = setup();
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    account_login(&hsm, &p, "alice");
    let before = p.requests();
    let audit_before = p.audit().as_array().unwrap().len();
    let (code, out, err) =
        run_with_input(hsm.zca_on(&p).args(["bind", "--yes", "--pin-stdin", "--json"]), "999999\n");
    assert_eq!(code, 4, "{err}");
    assert_eq!(json(&out)["error"]["code"], "pin_incorrect");
    let (code, _, err) = run_with_input(hsm.zca_on(&p).args(["login", "--pin-stdin"]), "999999\n");
    assert_eq!(code, 4);
    assert!(err.contains("the PIN is incorrect"), "{err}");
    assert_eq!(p.requests(), before, "no request reached the platform");
    assert_eq!(p.audit().as_array().unwrap().len(), audit_before);
}

#[test]
fn an_expired_certificate_is_refused_by_the_platform() {
    let (hsm, ca, p) = setup();
    let now = time::OffsetDateTime::now_utc();
    let spec = CertSpec {
        not_before: now - time::Duration::days(60),
        not_after: now - time::Duration::days(1),
        ..CertSpec::valid("old")
    };
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &spec);
    account_login(&hsm, &p, "alice");
    let (code, out, _) = pin(hsm.zca_on(&p).args(["bind", "--yes", "--json"]));
    assert_eq!(code, 5);
    assert_eq!(json(&out)["error"]["platform_code"], "certificate_expired");
}

#[test]
fn platform_down_and_wrong_ca_file_are_exit_6() {
    let hsm = Hsm::new();
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    let (code, out, err) = run_with_input(
        hsm.zca().args([
            "account",
            "login",
            "--account",
            "a",
            "--password-stdin",
            "--platform",
            "https://127.0.0.1:9",
            "--json",
        ]),
        "pw\n",
    );
    assert_eq!(code, 6, "{err}");
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "network");
    assert!(doc["error"]["message"].as_str().unwrap().contains("https://127.0.0.1:9"));

    let p = PlatformProc::start();
    let other_ca = hsm.path("other-ca.pem");
    std::fs::write(&other_ca, rcgen_ca_pem()).unwrap();
    let (code, _, err) = run_with_input(
        hsm.zca()
            .args([
                "account",
                "login",
                "--account",
                "a",
                "--password-stdin",
                "--platform",
                &p.origin,
            ])
            .arg("--ca-file")
            .arg(&other_ca),
        "pw\n",
    );
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("TLS") && err.contains("--ca-file"), "{err}");
    // A chain that does not lead to the --ca-file is checked against the system's roots, read
    // only then (SSL_CERT_FILE names them here): TLS holds, and the platform answers for itself.
    let mut cmd = hsm.zca();
    cmd.args(["account", "login", "--account", "a", "--password-stdin", "--platform", &p.origin])
        .arg("--ca-file")
        .arg(&other_ca)
        .env("SSL_CERT_FILE", p.ca_file());
    let (code, _, err) = run_with_input(&mut cmd, "pw\n");
    assert_eq!(code, 5, "refused by the platform, not by TLS: {err}");
    let (code, _, err) = run_with_input(
        hsm.zca().args([
            "account",
            "login",
            "--account",
            "a",
            "--password-stdin",
            "--platform",
            &p.origin.replace("https", "http"),
        ]),
        "pw\n",
    );
    assert_eq!(code, 2, "plain HTTP is refused before any connection: {err}");
}

fn rcgen_ca_pem() -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.self_signed(&key).unwrap().pem()
}

#[test]
fn no_input_names_the_flag_that_would_have_supplied_it() {
    let (hsm, ca, p) = setup();
    key_with_cert(&hsm, &ca, "k1", "EC:prime256v1", &CertSpec::valid("one"));
    account_login(&hsm, &p, "alice");
    let (code, out, _) = run(hsm.zca_on(&p).args(["bind", "--yes", "--no-input", "--json"]));
    assert_eq!(code, 2);
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "missing_input");
    assert!(doc["error"]["hint"].as_str().unwrap().contains("--pin-stdin"), "{doc}");
    assert!(doc["error"]["hint"].as_str().unwrap().contains("ZCA_PIN"), "{doc}");
    let (code, _, err) = run(hsm.zca_on(&p).args(["bind", "--no-input"]).env("ZCA_PIN", PIN));
    assert_eq!(code, 2);
    assert!(err.contains("--yes"), "{err}");
    key_with_cert(&hsm, &ca, "k2", "EC:prime256v1", &CertSpec::valid("two"));
    let (code, _, err) =
        run(hsm.zca_on(&p).args(["bind", "--yes", "--no-input"]).env("ZCA_PIN", PIN));
    assert_eq!(code, 2);
    assert!(err.contains("--token") && err.contains("--cert"), "{err}");
    // With the key named and the PIN from the environment, it goes through.
    let (code, _, err) = run(hsm
        .zca_on(&p)
        .args(["bind", "--yes", "--no-input", "--token", "k2"])
        .env("ZCA_PIN", PIN));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn scripts_use_print_token_and_zca_token() {
    let (hsm, ca, p) = setup();
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let (code, token, err) = run_with_input(
        hsm.zca_on(&p).args([
            "account",
            "login",
            "--account",
            "alice",
            "--password-stdin",
            "--print-token",
        ]),
        &format!("{ACCOUNT_PASSWORD}\n"),
    );
    assert_eq!(code, 0, "{err}");
    let token = token.trim().to_string();
    assert!(token.len() >= 43);
    assert!(
        !hsm.home().join(".local/state/zca/sessions/default.json").exists(),
        "--print-token stores nothing"
    );
    let pin_file = hsm.path("pin");
    std::fs::write(&pin_file, format!("{PIN}\n")).unwrap();
    let (code, _, err) = run(hsm
        .zca_on(&p)
        .args(["bind", "--yes", "--no-input", "--pin-file"])
        .arg(&pin_file)
        .env("ZCA_TOKEN", &token));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(hsm.zca_on(&p).args(["bindings", "--json"]).env("ZCA_TOKEN", &token));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["bindings"].as_array().unwrap().len(), 1);
}

#[test]
fn the_bindings_table_in_both_languages() {
    let (hsm, ca, p) = setup();
    let d = |y| {
        time::Date::from_calendar_date(y, time::Month::March, 1).unwrap().midnight().assume_utc()
    };
    let serial = key_with_cert(
        &hsm,
        &ca,
        "k",
        "EC:prime256v1",
        &CertSpec {
            org: Some("杭州市某某采购单位".into()),
            not_before: d(2025),
            not_after: d(2045),
            ..CertSpec::valid("张三")
        },
    );
    hsm.set_serial(&serial, "3301000045102205");
    account_login(&hsm, &p, "alice");
    assert_eq!(pin(hsm.zca_on(&p).args(["bind", "--yes"])).0, 0);
    let filters = vec![(r"(alice +┆ )\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "$1[created]")];
    for lang in ["en", "zh"] {
        let (code, out, err) = run(hsm.zca_on(&p).args(["bindings", "--lang", lang]));
        assert_eq!(code, 0, "{err}");
        insta::with_settings!({ filters => filters.clone() }, {
            insta::assert_snapshot!(format!("bindings-{lang}"), format!("{out}--- stderr ---\n{err}"));
        });
        let (code, csv, _) = run(hsm.zca_on(&p).args(["bindings", "--csv", "--lang", lang]));
        assert_eq!(code, 0);
        assert_eq!(csv.lines().count(), 2);
        if lang == "zh" {
            assert!(
                csv.starts_with("序号,状态,证书信息,CA锁ID,到期时间,创建人,创建时间\n"),
                "{csv}"
            );
        }
    }
}

#[test]
fn a_signature_made_by_zca_on_the_key_verifies_with_openssl() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    for (label, key_type) in [("rsa", "rsa:2048"), ("ec", "EC:prime256v1")] {
        let serial = key_with_cert(&hsm, &ca, label, key_type, &CertSpec::valid(label));
        let msg = hsm.path(&format!("{label}.msg"));
        let sig = hsm.path(&format!("{label}.sig"));
        std::fs::write(&msg, "zca/1\nlogin\nhttps://127.0.0.1:8443\nid\nnonce\nabc\n").unwrap();
        let example = example_bin("sign_message");
        let mut cmd = std::process::Command::new(example);
        cmd.env("SOFTHSM2_CONF", hsm.conf()).env("ZCA_PIN", PIN);
        cmd.arg(softhsm_module()).arg(&serial).arg(&msg).arg(&sig);
        let (code, _, err) = run(&mut cmd);
        assert_eq!(code, 0, "{err}");
        let cert = hsm.path(&format!("cert-{serial}-01.der"));
        let pubkey = hsm.path(&format!("{label}.pub.pem"));
        let out = std::process::Command::new("openssl")
            .args(["x509", "-inform", "DER", "-noout", "-pubkey", "-in"])
            .arg(&cert)
            .output()
            .unwrap();
        std::fs::write(&pubkey, out.stdout).unwrap();
        let out = std::process::Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(&pubkey)
            .arg("-signature")
            .arg(&sig)
            .arg(&msg)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{label}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Verified OK"));
    }
}

#[test]
fn verbose_output_and_files_hold_no_secret() {
    let (hsm, ca, p) = setup();
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let (code, out, err) = run_with_input(
        hsm.zca_on(&p).args([
            "-v",
            "account",
            "login",
            "--account",
            "alice",
            "--password-stdin",
            "--json",
        ]),
        &format!("{ACCOUNT_PASSWORD}\n"),
    );
    assert_eq!(code, 0, "{err}");
    let mut seen = format!("{out}{err}");
    let session: serde_json::Value = serde_json::from_slice(
        &std::fs::read(hsm.home().join(".local/state/zca/sessions/default.json")).unwrap(),
    )
    .unwrap();
    let token = session["token"].as_str().unwrap().to_string();
    for args in [
        &["-v", "bind", "--yes", "--pin-stdin"][..],
        &["-v", "login", "--pin-stdin"],
        &["-v", "status"],
        &["-v", "bindings"],
    ] {
        let (code, out, err) = run_with_input(hsm.zca_on(&p).args(args), &format!("{PIN}\n"));
        assert_eq!(code, 0, "{args:?}: {err}");
        seen.push_str(&out);
        seen.push_str(&err);
    }
    assert!(seen.contains("zca: "), "verbose lines were written");
    for secret in [PIN, ACCOUNT_PASSWORD, token.as_str()] {
        assert!(!seen.contains(secret), "{secret} leaked into output");
        assert!(!p.log().contains(secret), "{secret} leaked into the platform's log");
    }
    let _ = serial;
}

#[test]
fn a_saved_session_goes_only_to_the_platform_that_issued_it() {
    let (hsm, ca, a) = setup();
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let b = PlatformProc::start();
    b.trust(&ca.der);
    b.add_user("alice");
    account_login(&hsm, &a, "alice");
    let authenticated = ["/api/v1/me", "/api/v1/ca/bindings", "/api/v1/sessions/current"];
    let before = b.log();
    for args in [
        &["bindings"][..],
        &["status"],
        &["bind", "--yes"],
        &["unbind", "--ca-lock", &serial, "--yes"],
    ] {
        let mut cmd = hsm.zca_on(&b);
        cmd.args(args).arg("--json").env("ZCA_PIN", PIN);
        let (code, out, err) = run(&mut cmd);
        assert_eq!(code, 5, "{args:?}: {out}{err}");
        let doc = json(&out);
        assert_eq!(doc["error"]["code"], "session_other_platform", "{args:?}");
        let message = doc["error"]["message"].as_str().unwrap();
        assert!(message.contains(&a.origin) && message.contains(&b.origin), "{message}");
        assert!(doc["error"]["hint"].as_str().unwrap().contains("zca account login"));
    }
    // The helpdesk's checklist says the same, and sends nothing that needs a session.
    let (_, out, _) = run(hsm.zca_on(&b).args(["doctor", "--json"]));
    let doc = json(&out);
    let session = doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == "session").unwrap();
    assert_eq!(session["status"], "warn");
    assert!(session["finding"].as_str().unwrap().contains(&a.origin), "{session}");
    // Logging out revokes the session where it was issued, whatever platform is configured.
    let (code, _, err) = run(hsm.zca_on(&b).arg("logout"));
    assert_eq!(code, 0, "{err}");
    let after = b.log();
    let new_lines = &after[before.len()..];
    for path in authenticated {
        assert!(!new_lines.contains(path), "platform B was sent a session request: {new_lines}");
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(a.log().contains("path=/api/v1/sessions/current"), "revoked at A: {err}{}", a.log());
    assert_eq!(run(hsm.zca_on(&a).args(["status"])).0, 5, "and gone there");
}

#[test]
fn status_without_a_platform_says_so_and_blames_no_one_else() {
    let hsm = Hsm::new();
    let (code, out, _) = run(hsm.zca().args(["status", "--json"]));
    assert_eq!(code, 2, "{out}");
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "platform_not_configured");
    assert_eq!(doc["logged_in"], false);
}

#[test]
fn bind_with_yes_shows_the_certificate_once() {
    let (hsm, ca, p) = setup();
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("王五"));
    account_login(&hsm, &p, "alice");
    let (code, out, err) = pin(hsm.zca_on(&p).args(["bind", "--yes"]));
    assert_eq!(code, 0, "{err}");
    let all = format!("{out}{err}");
    assert!(out.contains(&serial), "the result table: {out}");
    assert!(!err.contains("Certificate: "), "no summary before it: {err}");
    assert_eq!(all.matches("王五").count(), 1, "{all}");
}
