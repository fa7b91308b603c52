//! The helpdesk's commands on SoftHSM2 tokens and a real zca-platform: `zca doctor` (every
//! check, exit codes, the redacted report), `zca drivers` (catalogue matching, verified
//! download) and `zca detect --watch`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::*;

fn checks(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["checks"]
        .as_array()
        .expect("a list of checks")
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c["status"].as_str().unwrap().to_string()))
        .collect()
}

fn status_of(doc: &serde_json::Value, id: &str) -> String {
    checks(doc).into_iter().find(|(i, _)| i == id).unwrap_or_else(|| panic!("no check {id}")).1
}

#[test]
fn doctor_passes_every_check_for_a_bound_key_and_a_live_session() {
    let (hsm, ca, p) = setup();
    let spec = CertSpec { org: Some("杭州市某某单位".into()), ..CertSpec::valid("张三") };
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &spec);
    p.add_driver("ca-driver.deb", b"driver bytes", "Platform Test CA", "libsofthsm2.so");
    account_login(&hsm, &p, "alice");
    let (code, out, err) = pin(hsm.zca_on(&p).args(["bind", "--token", &serial, "--yes"]));
    assert_eq!(code, 0, "{out}{err}");

    let (code, out, err) = run(hsm.zca_on(&p).args(["doctor", "--json"]));
    let doc = json(&out);
    let ids: Vec<String> = checks(&doc).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "modules",
            "pcscd",
            "readers",
            "key",
            "pin",
            "certificates",
            "validity",
            "private_key",
            "driver_catalogue",
            "platform",
            "tls",
            "clock",
            "session",
            "binding",
            "bridge"
        ],
        "the chain in order"
    );
    for (id, status) in checks(&doc) {
        // No PC/SC module here; SoftHSM hides private keys until the PIN, which doctor never
        // asks; the bridge for web pages is not set up, which zca's commands do not need.
        let want = if ["pcscd", "private_key", "bridge"].contains(&id.as_str()) {
            "skipped"
        } else {
            "ok"
        };
        assert_eq!(status, want, "{id}: {out}");
    }
    assert_eq!(code, 0, "{out}{err}");

    let (code, out, _) = run(hsm.zca_on(&p).args(["--lang", "en", "doctor"]));
    assert_eq!(code, 0);
    assert_eq!(out.lines().filter(|l| l.starts_with('✓')).count(), 12, "{out}");
    assert!(out.contains("测试驱动 1.2.3 (Test Vendor)"), "the matching driver is named: {out}");
}

#[test]
fn doctor_without_a_driver_fails_at_the_first_check_and_skips_what_needs_it() {
    let hsm = Hsm::new();
    let missing = hsm.path("no-such-module.so");
    let (code, out, _) =
        run(hsm.zca().arg("--module").arg(&missing).args(["--lang", "en", "doctor", "--json"]));
    assert_eq!(code, 3, "the modules check's own exit code: {out}");
    let doc = json(&out);
    assert_eq!(status_of(&doc, "modules"), "fail");
    for id in ["readers", "key", "pin", "certificates", "validity", "private_key"] {
        assert_eq!(status_of(&doc, id), "skipped", "{id}");
    }
    // No platform configured: its checks are skipped with the reason, not failed.
    assert_eq!(status_of(&doc, "platform"), "skipped");
    let fix = doc["checks"][0]["fix"].as_str().unwrap();
    assert!(!fix.is_empty(), "a failed check names a fix");
}

#[test]
fn doctor_warns_for_a_certificate_expiring_soon_and_a_missing_session() {
    let (hsm, ca, p) = setup();
    let now = time::OffsetDateTime::now_utc();
    let spec = CertSpec {
        not_before: now - time::Duration::days(300),
        not_after: now + time::Duration::days(10),
        ..CertSpec::valid("李四")
    };
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &spec);
    let (code, out, _) = run(hsm.zca_on(&p).args(["doctor", "--json"]));
    let doc = json(&out);
    assert_eq!(status_of(&doc, "validity"), "warn");
    assert_eq!(status_of(&doc, "session"), "warn");
    assert_eq!(status_of(&doc, "binding"), "skipped");
    assert_eq!(status_of(&doc, "driver_catalogue"), "warn", "no driver for this issuer");
    assert_eq!(code, 1, "warnings only: exit 1");
}

#[test]
fn doctor_names_the_tls_failure_when_the_platform_is_not_trusted() {
    let (hsm, ca, p) = setup();
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let (code, out, _) =
        run(hsm.zca().env("ZCA_PLATFORM", &p.origin).args(["--lang", "en", "doctor", "--json"]));
    let doc = json(&out);
    assert_eq!(status_of(&doc, "platform"), "ok", "reached");
    assert_eq!(status_of(&doc, "tls"), "fail");
    for id in ["clock", "session", "binding"] {
        assert_eq!(status_of(&doc, id), "skipped", "{id}");
    }
    assert_eq!(code, 6, "the TLS failure's exit code");
}

#[test]
fn doctor_report_is_private_and_redacted() {
    let (hsm, ca, p) = setup();
    let spec = CertSpec { org: Some("杭州市某某单位".into()), ..CertSpec::valid("张三") };
    let serial = key_with_cert(&hsm, &ca, "k", "rsa:2048", &spec);
    account_login(&hsm, &p, "alice");
    let (code, ..) = pin(hsm.zca_on(&p).args(["bind", "--token", &serial, "--yes"]));
    assert_eq!(code, 0);
    let session =
        std::fs::read_to_string(hsm.home().join(".local/state/zca/sessions/default.json")).unwrap();
    let token: serde_json::Value = serde_json::from_str(&session).unwrap();
    let token = token["token"].as_str().expect("the session file holds the token").to_string();

    let report = hsm.path("report.txt");
    std::fs::write(&report, "old content, world-readable").unwrap();
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, err) = run(hsm.zca_on(&p).arg("doctor").arg("--report").arg(&report));
    assert_eq!(code, 1, "no driver in the catalogue is the one warning: {err}");
    let text = std::fs::read_to_string(&report).unwrap();
    let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the report is private even over an existing file");
    assert!(!text.contains("old content"));
    assert!(text.contains(&serial) && text.contains("张三"), "{text}");
    for secret in [PIN, ACCOUNT_PASSWORD, token.as_str()] {
        assert!(!text.contains(secret), "no secret in the report");
    }
    assert!(!text.contains("杭州市某某单位"), "no full subject unless asked: {text}");

    let (code, ..) =
        run(hsm.zca_on(&p).arg("doctor").arg("--report").arg(&report).arg("--include-dn"));
    assert_eq!(code, 1);
    assert!(std::fs::read_to_string(&report).unwrap().contains("杭州市某某单位"));
}

#[test]
fn drivers_marks_the_driver_for_the_inserted_key_and_what_is_installed() {
    let (hsm, ca, p) = setup();
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    p.add_driver("mine.deb", b"one", "Platform Test CA", "libsofthsm2.so");
    p.add_driver("other.deb", b"two", "Some Other CA", "libother.so");
    let (code, out, err) = run(hsm.zca_on(&p).args(["drivers", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    let rows = doc["drivers"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((&rows[0]["matches_inserted"], &rows[0]["installed"]), (&true.into(), &true.into()));
    assert_eq!(
        (&rows[1]["matches_inserted"], &rows[1]["installed"]),
        (&false.into(), &false.into())
    );
    assert_eq!(rows[0]["sha256"].as_str().unwrap().len(), 64);

    let (code, out, _) = run(hsm.zca_on(&p).args(["--lang", "zh-CN", "drivers"]));
    assert_eq!(code, 0);
    assert!(out.contains("测试驱动") && out.contains('★'), "{out}");
}

#[test]
fn driver_download_is_verified_and_a_bad_file_is_removed() {
    let (hsm, _, p) = setup();
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    p.add_driver("vendor-driver_1.0_amd64.deb", &content, "X", "libx.so");
    let dir = hsm.path("downloads");

    let (code, out, err) =
        run(hsm.zca_on(&p).args(["drivers", "download", "1", "--json", "-o"]).arg(&dir));
    assert_eq!(code, 0, "{out}{err}");
    let saved = dir.join("vendor-driver_1.0_amd64.deb");
    assert_eq!(std::fs::read(&saved).unwrap(), content);
    assert_eq!(json(&out)["size"], 300_000);

    // The platform's copy changes after the catalogue was written: the sum no longer matches.
    std::fs::remove_file(&saved).unwrap();
    let mut tampered = content.clone();
    tampered[1000] ^= 1;
    p.replace_driver_file(1, &tampered);
    let (code, out, err) =
        run(hsm.zca_on(&p).args(["--lang", "en", "drivers", "download", "1", "-o"]).arg(&dir));
    assert_eq!(code, 6, "{out}{err}");
    assert!(err.contains("SHA-256"), "says why: {err}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing is left behind");

    // A shorter file fails on its size.
    p.replace_driver_file(1, &content[..1000]);
    let (code, _, err) =
        run(hsm.zca_on(&p).args(["--lang", "en", "drivers", "download", "1", "-o"]).arg(&dir));
    assert_eq!(code, 6, "{err}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);

    let (code, _, err) = run(hsm.zca_on(&p).args(["drivers", "download", "99"]));
    assert_eq!(code, 5, "an unknown driver: {err}");
}

#[test]
fn watch_reports_a_key_inserted_while_waiting() {
    let hsm = Hsm::new();
    let child = hsm
        .zca()
        .args(["detect", "--watch", "--until-present", "--timeout", "30", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    let serial = hsm.init_token("new key");
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let event = json(stdout.lines().last().unwrap());
    assert_eq!(event["event"], "inserted");
    assert_eq!(event["ca_lock_id"], serial.as_str());
    assert_eq!(event["label"], "new key");
}

#[test]
fn watch_gives_up_after_its_timeout_and_reports_removal() {
    let hsm = Hsm::new();
    let (code, out, err) = run(hsm.zca().args([
        "--lang",
        "en",
        "detect",
        "--watch",
        "--until-present",
        "--timeout",
        "1",
    ]));
    assert_eq!(code, 3, "no key within the time: {out}{err}");

    let serial = hsm.init_token("going away");
    let child = hsm
        .zca()
        .args(["detect", "--watch", "--timeout", "4", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    hsm.pull(&serial);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "a plain watch ends with its time");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let events: Vec<String> =
        stdout.lines().map(|l| json(l)["event"].as_str().unwrap().to_string()).collect();
    assert_eq!(events, ["present", "removed"], "{stdout}");
}

/// A watch waits until Ctrl-C: the global request timeout (`ZCA_TIMEOUT`, default 30 s) is not
/// its end, with or without `--until-present`.
#[test]
fn a_watch_outlives_the_request_timeout() {
    let hsm = Hsm::new();
    for args in [&["detect", "--watch"][..], &["detect", "--watch", "--until-present"]] {
        let mut child = hsm
            .zca()
            .args(args)
            .env("ZCA_TIMEOUT", "1")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(2500));
        let still = child.try_wait().unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(still, None, "{args:?} ended with ZCA_TIMEOUT=1: {still:?}");
    }
    // Its own --timeout still ends it: exit 3 when no key came.
    let out = hsm
        .zca()
        .args(["detect", "--watch", "--until-present", "--timeout", "1"])
        .env("ZCA_TIMEOUT", "600")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Ctrl-C ends a watch even when zca was started with SIGINT ignored, as a non-interactive
/// shell starts its background jobs (`nohup scripts/test &`).
#[test]
fn watch_stops_on_ctrl_c_even_when_started_ignoring_it() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let hsm = Hsm::new();
    let mut cmd = hsm.zca();
    cmd.args(["detect", "--watch"]).stdout(std::process::Stdio::null());
    // SAFETY: between fork and exec only an async-signal-safe call.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_IGN);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    // SAFETY: a signal to our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("SIGINT did not end the watch within 10 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.code() == Some(130) || status.signal() == Some(2),
        "Ctrl-C ends the watch as an interrupt: {status:?}"
    );
}

/// The session check tells an ended session (the user logs in again) from a platform that
/// fails or breaks off (the user can do nothing about it but wait or call).
#[test]
fn doctor_tells_an_ended_session_from_a_failing_platform() {
    use common::hostile::{Answer, Hostile};
    let hsm = Hsm::new();
    let ok_json = |body: &str| {
        Hostile::answer("200 OK", &["Content-Type: application/json"], body.as_bytes())
    };
    let cases = [
        (
            Hostile::answer(
                "401 Unauthorized",
                &["Content-Type: application/json"],
                br#"{"error":{"code":"unauthenticated","message":"no"}}"#,
            ),
            "warn",
            None,
            "ended",
        ),
        (
            Hostile::answer(
                "500 Internal Server Error",
                &["Content-Type: application/json"],
                br#"{"error":{"code":"internal_error","message":"db down"}}"#,
            ),
            "fail",
            Some(5),
            "failed while answering",
        ),
        (Answer::ByPath(Vec::new()), "fail", Some(6), "cannot reach"),
    ];
    for (me, status, exit, words) in cases {
        let h = Hostile::start(
            &["127.0.0.1"],
            Answer::ByPath(vec![
                ("/api/v1/health", ok_json(r#"{"status":"ok","version":"1","time":"x"}"#)),
                ("/api/v1/ca/drivers", ok_json(r#"{"drivers":[]}"#)),
                ("/api/v1/me", me),
            ]),
        );
        let (_, out, _) = run(hsm
            .zca()
            .env("ZCA_PLATFORM", &h.origin)
            .env("ZCA_CA_FILE", &h.ca_file)
            .env("ZCA_TOKEN", "a-token-of-a-test")
            .args(["--lang", "en", "doctor", "--json"]));
        let doc = json(&out);
        let check =
            doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == "session").unwrap();
        assert_eq!(check["status"], status, "{check}");
        assert_eq!(check["exit_code"].as_u64(), exit.map(|e| e as u64), "{check}");
        let finding = check["finding"].as_str().unwrap();
        assert!(finding.contains(words) && !finding.contains("not logged in"), "{finding}");
    }
}

/// A check is as severe as what it keeps the user from: pcscd missing for OpenSC is only a
/// warning when the key works through another module.
#[test]
fn doctor_warns_only_for_a_missing_pcscd_when_a_key_works_without_it() {
    let (hsm, ca, p) = setup();
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let Some(opensc) = [
        "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
        "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists()) else {
        panic!("OpenSC's module is missing: sudo scripts/setup installs it");
    };
    let modules = format!("{}:{opensc}", softhsm_module().display());
    let (code, out, _) = run(hsm
        .zca_on(&p)
        .env("ZCA_PKCS11_MODULE", modules)
        .env("PCSCLITE_CSOCK_NAME", hsm.path("no-pcscd.comm"))
        .args(["doctor", "--json"]));
    let doc = json(&out);
    assert_eq!(status_of(&doc, "pcscd"), "warn", "{out}");
    // pcscd is installed here (scripts/setup), only its socket is elsewhere: start, not install.
    let check = doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == "pcscd").unwrap();
    let fix = check["fix"].as_str().unwrap();
    assert!(fix.contains("systemctl") && !fix.contains("apt-get install"), "{fix}");
    assert_eq!(status_of(&doc, "key"), "ok");
    assert_ne!(code, 3, "no driver-or-key failure: {out}");
}

/// The bridge's check: not set up is skipped; running with origins and a trusted CA is fine;
/// no origin allowed is a warning.
#[test]
fn doctor_reports_the_bridge_for_web_pages() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let b = common::bridge::Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let (_, out, _) = run(hsm.zca().args(["--lang", "en", "doctor", "--json"]));
    let doc = json(&out);
    assert_eq!(status_of(&doc, "bridge"), "warn", "its CA is not trusted yet: {out}");
    let (code, _, err) = run(hsm.zca().args(["bridge", "trust"]));
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(hsm.zca().args(["--lang", "en", "doctor", "--json"]));
    let doc = json(&out);
    assert_eq!(status_of(&doc, "bridge"), "ok", "{out}");
    assert!(out.contains(&b.ws), "names where it listens: {out}");
    let (code, _, _) = run(hsm.zca().args(["bridge", "deny", common::bridge::ORIGIN]));
    assert_eq!(code, 0);
    let (_, out, _) = run(hsm.zca().args(["--lang", "en", "doctor", "--json"]));
    assert_eq!(status_of(&json(&out), "bridge"), "warn", "no origin allowed: {out}");
}
