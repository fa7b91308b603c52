//! What USB keys do in the field, injected by the test module testkit/fault-module in front of
//! SoftHSM2: a key pulled out in the middle of an operation, a device error, a driver that stops
//! answering, a GBK label, PIN flags. zca must give a clean, localized error with the right exit
//! code, never hang and never panic.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// Runs and checks the failure: exit code, JSON error code, no panic.
fn fails(cmd: &mut std::process::Command, exit: i32, code: &str) -> serde_json::Value {
    let (status, out, err) = run(cmd.arg("--json"));
    assert!(!err.contains("panicked") && !err.contains("internal error"), "{err}");
    assert_eq!(status, exit, "{out}{err}");
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], code, "{out}");
    assert!(!doc["error"]["hint"].as_str().unwrap_or_default().is_empty(), "a way out: {out}");
    doc
}

fn token_with_cert(hsm: &Hsm, ca: &TestCa) -> String {
    key_with_cert(hsm, ca, "k", "EC:prime256v1", &CertSpec::valid("赵六"))
}

#[test]
fn a_gbk_label_is_shown_as_chinese_text() {
    let hsm = Hsm::new();
    hsm.init_token("ascii");
    let (code, out, err) = run(zca_faulty(&hsm, "label=张三的锁").args(["detect", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["keys"][0]["label"], "张三的锁");
    let (_, out, _) = run(zca_faulty(&hsm, "label=张三的锁").args(["--lang", "zh", "detect"]));
    assert!(out.contains("张三的锁") && !out.contains('\u{FFFD}'), "{out}");
}

#[test]
fn a_key_removed_while_listing_is_named_as_such() {
    let hsm = Hsm::new();
    let ca = TestCa::new("Fault CA");
    token_with_cert(&hsm, &ca);
    for faults in [
        "fail:C_FindObjectsInit=CKR_DEVICE_REMOVED",
        "fail:C_GetAttributeValue=CKR_DEVICE_REMOVED@1",
        "fail:C_OpenSession=CKR_TOKEN_NOT_PRESENT",
        "fail:C_FindObjects=CKR_SESSION_HANDLE_INVALID",
    ] {
        fails(zca_faulty(&hsm, faults).arg("certs"), 3, "token_removed");
    }
    let doc = fails(
        zca_faulty(&hsm, "fail:C_GetTokenInfo=CKR_DEVICE_REMOVED").arg("detect"),
        3,
        "token_removed",
    );
    assert!(doc["error"]["message"].as_str().unwrap().contains("C_GetTokenInfo"));

    let (code, _, err) = run(zca_faulty(&hsm, "fail:C_FindObjectsInit=CKR_DEVICE_REMOVED")
        .args(["--lang", "zh", "certs"]));
    assert_eq!(code, 3);
    assert!(
        err.contains("CA 锁被拔出") && err.contains("请重新插入"),
        "in the user's language: {err}"
    );
}

#[test]
fn a_device_error_is_a_hardware_error() {
    let hsm = Hsm::new();
    let ca = TestCa::new("Fault CA");
    token_with_cert(&hsm, &ca);
    let doc = fails(
        zca_faulty(&hsm, "fail:C_FindObjectsInit=CKR_DEVICE_ERROR").arg("certs"),
        3,
        "token_device_error",
    );
    assert!(doc["error"]["message"].as_str().unwrap().contains("CKR_DEVICE_ERROR"));
    // doctor turns the same failure into its certificates check, with the same exit code.
    let (code, out, _) =
        run(zca_faulty(&hsm, "fail:C_FindObjectsInit=CKR_DEVICE_ERROR").args(["doctor", "--json"]));
    assert_eq!(code, 3, "{out}");
}

#[test]
fn a_key_removed_while_signing_binds_nothing() {
    let (hsm, ca, p) = setup();
    token_with_cert(&hsm, &ca);
    account_login(&hsm, &p, "alice");
    for (faults, code) in [
        ("fail:C_Sign=CKR_DEVICE_REMOVED", "token_removed"),
        ("fail:C_Sign=CKR_SESSION_HANDLE_INVALID", "token_removed"),
        ("fail:C_Sign=CKR_DEVICE_ERROR", "token_device_error"),
    ] {
        fails(zca_faulty_on(&hsm, &p, faults).args(["bind", "--yes"]).env("ZCA_PIN", PIN), 3, code);
        fails(zca_faulty_on(&hsm, &p, faults).arg("login").env("ZCA_PIN", PIN), 3, code);
    }
    let binds = p.audit().as_array().unwrap().iter().filter(|a| a["event"] == "bind").count();
    assert_eq!(binds, 0, "nothing reached the platform as a binding");
}

#[test]
fn a_driver_that_stops_answering_is_given_up_on_in_time() {
    let (hsm, ca, p) = setup();
    token_with_cert(&hsm, &ca);
    account_login(&hsm, &p, "alice");
    for (faults, args) in [
        ("slow:C_GetSlotList=60000", &["detect"][..]),
        ("slow:C_FindObjectsInit=60000", &["certs"]),
        ("slow:C_Sign=60000", &["login"]),
    ] {
        let start = Instant::now();
        let doc = fails(
            zca_faulty_on(&hsm, &p, faults)
                .args(args)
                .env("ZCA_PIN", PIN)
                .env("ZCA_TOKEN_TIMEOUT", "1"),
            3,
            "token_timeout",
        );
        assert!(start.elapsed() < Duration::from_secs(10), "{args:?} took {:?}", start.elapsed());
        assert!(doc["error"]["message"].as_str().unwrap().contains("1 s"), "{doc}");
    }
}

#[test]
fn pin_flags_stop_zca_before_it_sends_a_pin() {
    let (hsm, ca, p) = setup();
    token_with_cert(&hsm, &ca);
    account_login(&hsm, &p, "alice");
    // C_Login would fail loudly with a device error: a PIN error proves zca never called it.
    let never_login = "fail:C_Login=CKR_DEVICE_ERROR";
    fails(
        zca_faulty_on(&hsm, &p, &format!("flags=final_try;{never_login}"))
            .args(["login", "--no-input"])
            .env("ZCA_PIN", PIN),
        4,
        "pin_final_try_refused",
    );
    fails(
        zca_faulty_on(&hsm, &p, &format!("flags=locked;{never_login}"))
            .arg("login")
            .env("ZCA_PIN", PIN),
        4,
        "pin_locked",
    );
    let (code, out, _) = run(zca_faulty(&hsm, "flags=count_low").args(["detect", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["keys"][0]["pin_state"], "count_low");
    // With the explicit yes, the final try is spent, and the right PIN works.
    let (code, _, err) = run(zca_faulty_on(&hsm, &p, "flags=final_try")
        .args(["bind", "--yes", "--no-input", "--allow-final-try"])
        .env("ZCA_PIN", PIN));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_wrong_pin_answered_with_general_error_is_told_as_maybe_wrong() {
    let (hsm, ca, p) = setup();
    token_with_cert(&hsm, &ca);
    account_login(&hsm, &p, "alice");
    fails(
        zca_faulty_on(&hsm, &p, "map:C_Login:CKR_PIN_INCORRECT=CKR_GENERAL_ERROR")
            .arg("login")
            .env("ZCA_PIN", "999999"),
        4,
        "pin_maybe_incorrect",
    );
}

#[test]
fn the_fault_module_refuses_a_rule_it_does_not_know() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    fails(zca_faulty(&hsm, "fail:C_Sign=CKR_NO_SUCH_CODE").arg("detect"), 3, "driver_unusable");
}

#[test]
fn an_empty_or_blank_pin_or_password_never_reaches_the_key_or_the_platform() {
    let (hsm, ca, p) = setup();
    token_with_cert(&hsm, &ca);
    account_login(&hsm, &p, "alice");
    // C_Login would fail loudly with a device error (exit 3): exit 2 proves it was not called.
    let never_login = "fail:C_Login=CKR_DEVICE_ERROR";
    let empty_file = hsm.path("empty-pin");
    std::fs::write(&empty_file, "\n").unwrap();
    let blank_file = hsm.path("blank-pin");
    std::fs::write(&blank_file, "   \n123456\n").unwrap();
    type GiveEmpty<'a> = Box<dyn Fn(&mut std::process::Command) + 'a>;
    let sources: [(&str, GiveEmpty<'_>); 5] = [
        (
            "--pin-stdin from /dev/null",
            Box::new(|c| {
                c.arg("--pin-stdin").stdin(std::process::Stdio::null());
            }),
        ),
        (
            "an empty --pin-file",
            Box::new(|c| {
                c.arg("--pin-file").arg(&empty_file);
            }),
        ),
        (
            "a blank first line",
            Box::new(|c| {
                c.arg("--pin-file").arg(&blank_file);
            }),
        ),
        (
            "ZCA_PIN=\"\"",
            Box::new(|c| {
                c.env("ZCA_PIN", "");
            }),
        ),
        (
            "ZCA_PIN of spaces",
            Box::new(|c| {
                c.env("ZCA_PIN", "  \t");
            }),
        ),
    ];
    for (what, give) in &sources {
        for command in [&["login"][..], &["bind", "--yes"], &["pin", "change"]] {
            let mut cmd = zca_faulty_on(&hsm, &p, never_login);
            cmd.args(command);
            give(&mut cmd);
            if command[0] == "pin" {
                cmd.env("ZCA_NEW_PIN", "31415926");
            }
            let doc = fails(&mut cmd, 2, "empty_secret");
            let message = doc["error"]["message"].as_str().unwrap();
            assert!(message.contains("empty"), "{what}, {command:?}: {message}");
        }
    }
    // A new PIN that is empty is refused the same way, before C_SetPIN.
    let mut cmd = zca_faulty_on(&hsm, &p, "fail:C_SetPIN=CKR_DEVICE_ERROR");
    cmd.args(["pin", "change"]).env("ZCA_PIN", PIN).env("ZCA_NEW_PIN", " ");
    fails(&mut cmd, 2, "empty_secret");
    // A password from an empty source sends nothing to the platform.
    let before = p.requests();
    let mut cmd = hsm.zca_on(&p);
    cmd.args(["account", "login", "--account", "alice"]).env("ZCA_PASSWORD", "");
    fails(&mut cmd, 2, "empty_secret");
    let mut cmd = hsm.zca_on(&p);
    cmd.args(["account", "login", "--account", "alice", "--password-stdin"])
        .stdin(std::process::Stdio::null());
    fails(&mut cmd, 2, "empty_secret");
    assert_eq!(p.requests(), before, "the platform was not asked");
    // The key's PIN state is untouched: no try was spent.
    let (_, out, _) = run(hsm.zca().args(["pin", "status", "--json"]));
    assert_eq!(json(&out)["keys"][0]["pin_state"], "ok");
}

/// PKCS#11 calls zca made, as the fault module counted them (`ZCA_FAULT_CALLS`).
fn calls_made(file: &std::path::Path) -> std::collections::BTreeMap<String, usize> {
    let text = std::fs::read_to_string(file).expect("the fault module wrote its count");
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(f, n)| (f.to_string(), n.parse().unwrap()))
        .collect()
}

#[test]
fn a_token_of_a_thousand_objects_is_listed_within_the_call_budget() {
    use common::sm2::{sm2_module, Sm2Ca, Sm2Token};
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    // One key pair and certificate, 150 more certificates, and 900 objects of classes zca never
    // reads (data, NSS trust), as vendor tokens hold.
    let (mut token, _) = Sm2Token::with_certificate(&[], &ca, "孙七");
    token.env.push(("ZCA_SM2_EXTRA".into(), "certs=150,data=500,trust=400".into()));
    let count = hsm.path("calls.txt");
    let through_fault_module = |args: &[&str]| {
        let mut cmd = token.zca(&hsm);
        cmd.env("ZCA_PKCS11_MODULE", fault_module())
            .env("ZCA_FAULT_TARGET", sm2_module())
            .env("ZCA_FAULT_CALLS", &count);
        let (code, out, err) = run(cmd.args(args));
        assert_eq!(code, 0, "{out}{err}");
        (json(&out), calls_made(&count))
    };

    let (doc, calls) = through_fault_module(&["certs", "--json"]);
    let certificates = doc["certificates"].as_array().unwrap().len();
    assert_eq!(certificates, 151);
    let objects: usize = 2 + 151 + 900;
    let budget = 4 + certificates + 8 + objects.div_ceil(64);
    let total: usize = calls.values().sum();
    assert!(total <= budget, "{total} calls > budget {budget}: {calls:?}");
    assert!(calls["C_FindObjects"] <= 4, "searches by class, 1024 handles at a time: {calls:?}");

    // A key with a handful of objects: one search, each object read once.
    let plain = Sm2Token::with_certificate(&[], &ca, "孙七").0;
    let mut cmd = plain.zca(&hsm);
    cmd.env("ZCA_PKCS11_MODULE", fault_module())
        .env("ZCA_FAULT_TARGET", sm2_module())
        .env("ZCA_FAULT_CALLS", &count);
    let (code, out, err) = run(cmd.args(["certs", "--json"]));
    assert_eq!(code, 0, "{out}{err}");
    let calls = calls_made(&count);
    assert_eq!(calls["C_FindObjects"], 1, "{calls:?}");
    assert_eq!(calls["C_FindObjectsInit"], 1, "{calls:?}");
    assert_eq!(calls["C_GetAttributeValue"], 2, "the certificate and its public key: {calls:?}");

    // detect counts the certificates in one C_FindObjects, not 16 of 10.
    let (doc, calls) = through_fault_module(&["detect", "--json"]);
    assert_eq!(doc["keys"][0]["certificates"], 151);
    assert_eq!(calls["C_FindObjects"], 1, "{calls:?}");
}
