//! The examples people copy: the library examples run, and the shell scripts do what their
//! comments promise (expiry check for cron, a scripted bind, a doctor report for a ticket).

mod common;

use std::path::Path;

use common::*;

/// A script from examples/, in the same private world as `hsm.zca()`, with zca on its PATH.
fn script(hsm: &Hsm, name: &str) -> std::process::Command {
    let zca = hsm.zca();
    let mut sh = std::process::Command::new(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name),
    );
    sh.env_clear();
    for (key, value) in zca.get_envs() {
        if let Some(value) = value {
            sh.env(key, value);
        }
    }
    let bin_dir = zca_bin().parent().unwrap().display().to_string();
    sh.env("PATH", format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default()));
    sh
}

#[test]
fn list_certificates_example_lists_them() {
    let hsm = Hsm::new();
    let ca = TestCa::new("Example CA");
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("例子"));
    let out = std::process::Command::new(example_bin("list_certificates"))
        .arg(softhsm_module())
        .env("SOFTHSM2_CONF", hsm.conf())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("例子") && text.contains("EC P-256"), "{text}");
}

#[test]
fn expiry_check_exits_7_only_within_its_window() {
    let hsm = Hsm::new();
    let ca = TestCa::new("Example CA");
    let now = time::OffsetDateTime::now_utc();
    let spec = CertSpec {
        not_before: now - time::Duration::days(100),
        not_after: now + time::Duration::days(10),
        ..CertSpec::valid("快到期")
    };
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &spec);
    let (code, out, err) = run(script(&hsm, "expiry-check.sh").arg("30"));
    assert_eq!(code, 7, "{out}{err}");
    assert!(out.contains("快到期") && out.contains("days left"), "{out}");
    let (code, out, err) = run(script(&hsm, "expiry-check.sh").arg("5"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.trim().is_empty(), "{out}");
}

#[test]
fn scripted_bind_and_collect_report() {
    let (hsm, ca, p) = setup();
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("脚本"));
    let (password, pin_file) = (hsm.path("password"), hsm.path("pin"));
    std::fs::write(&password, format!("{ACCOUNT_PASSWORD}\n")).unwrap();
    std::fs::write(&pin_file, format!("{PIN}\n")).unwrap();
    let mut bind = script(&hsm, "scripted-bind.sh");
    bind.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
    let (code, out, err) = run(bind.args([&serial, "alice"]).arg(&password).arg(&pin_file));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&serial), "{out}");

    let dir = hsm.path("ticket");
    let mut report = script(&hsm, "collect-report.sh");
    report.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
    let (code, out, err) = run(report.arg(&dir));
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(std::fs::read_to_string(dir.join("report.txt")).unwrap().contains("zca doctor report"));
    let checks = json(&std::fs::read_to_string(dir.join("checks.json")).unwrap());
    let ids: Vec<&str> =
        checks["checks"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    for id in ["modules", "key", "certificates", "platform", "session", "binding", "bridge"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
}
