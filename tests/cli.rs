//! Command-line behaviour: help and output pinned in both languages, usage errors, language
//! choice, JSON errors, closed pipes, configuration sources.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::*;

/// zca with an empty environment but for PATH and a private home.
fn bare(hsm: &Hsm) -> Command {
    let mut cmd = Command::new(zca_bin());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", hsm.home())
        .env("XDG_CONFIG_HOME", hsm.home().join(".config"))
        .env("RUST_BACKTRACE", "1");
    cmd
}

/// What changes from run to run: the module's folder (by architecture), the fingerprints of the
/// keys generated for the test, and the days left until a fixed date.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![(r"/usr/lib/[a-z0-9_-]+/softhsm/libsofthsm2\.so", "[softhsm]")]
}

fn certs_filters() -> Vec<(&'static str, &'static str)> {
    let mut f = filters();
    f.push((r"┆ [0-9a-f]{16} │", "┆ [sha256] │"));
    f.push((r"┆ -?\d{1,5}( +┆ EC)", "┆ [days]$1"));
    f
}

#[test]
fn help_is_pinned_in_both_languages() {
    let hsm = Hsm::new();
    for lang in ["en", "zh"] {
        for args in [
            &["--help"][..],
            &["detect", "--help"],
            &["certs", "--help"],
            &["certs", "export", "--help"],
            &["config", "show", "--help"],
            &["account", "login", "--help"],
            &["bind", "--help"],
            &["unbind", "--help"],
            &["bindings", "--help"],
            &["login", "--help"],
            &["logout", "--help"],
            &["status", "--help"],
            &["doctor", "--help"],
            &["drivers", "--help"],
            &["drivers", "download", "--help"],
            &["pin", "--help"],
            &["pin", "status", "--help"],
            &["pin", "change", "--help"],
            &["pin", "unlock", "--help"],
        ] {
            let (code, out, err) = run(bare(&hsm).args(args).env("ZCA_LANG", lang));
            assert_eq!(code, 0, "{err}");
            let name = format!("help-{}-{lang}", args[..args.len() - 1].join("-"));
            insta::assert_snapshot!(name, out);
        }
    }
    let (_, short, _) = run(bare(&hsm).arg("-h"));
    assert!(short.len() < 3000, "-h stays short");
}

#[test]
fn human_output_is_pinned_in_both_languages() {
    let hsm = Hsm::new();
    let ca = TestCa::new("ZCA 测试 CA");
    let serial = hsm.init_token("张三的锁");
    hsm.set_serial(&serial, "3301000045102205");
    let serial = "3301000045102205";
    let spki = hsm.keygen(serial, "EC:prime256v1", "01", "key");
    let dates = |y1: i32, y2: i32| {
        let d = |y| {
            time::Date::from_calendar_date(y, time::Month::January, 1)
                .unwrap()
                .midnight()
                .assume_utc()
        };
        (d(y1), d(y2))
    };
    let (nb, na) = dates(2025, 2045);
    let spec =
        CertSpec {
            cn: "张三", org: Some("杭州市某某采购单位"), not_before: nb, not_after: na
        };
    hsm.write_cert(serial, &ca.issue(&spki, &spec), "01", "签名证书");
    let (_, spki) = TestCa::software_key();
    let (nb, na) = dates(2020, 2021);
    hsm.write_cert(
        serial,
        &ca.issue(&spki, &CertSpec { cn: "Old", org: None, not_before: nb, not_after: na }),
        "02",
        "old",
    );
    let other = hsm.init_token("spare");
    hsm.set_serial(&other, "3301000099990001");

    for lang in ["en", "zh"] {
        let (code, out, _) = run(hsm.zca().args(["detect", "--lang", lang]));
        assert_eq!(code, 0);
        insta::with_settings!({ filters => filters() }, {
            insta::assert_snapshot!(format!("detect-{lang}"), out);
        });
        let (code, out, err) = run(hsm.zca().args(["certs", "--lang", lang]));
        assert_eq!(code, 0);
        insta::with_settings!({ filters => certs_filters() }, {
            insta::assert_snapshot!(format!("certs-{lang}"), format!("{out}\n--- stderr ---\n{err}"));
        });
    }
}

#[test]
fn global_options_work_before_and_after_the_subcommand() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let module = softhsm_module();
    let mut before = hsm.zca();
    before.env_remove("ZCA_PKCS11_MODULE").arg("--json").arg("--module").arg(&module).arg("detect");
    let mut after = hsm.zca();
    after.env_remove("ZCA_PKCS11_MODULE").arg("detect").arg("--module").arg(&module).arg("--json");
    for cmd in [&mut before, &mut after] {
        let (code, out, err) = run(cmd);
        assert_eq!(code, 0, "{err}");
        let doc = json(&out);
        assert_eq!(doc["modules"][0]["source"], "flag");
        assert_eq!(doc["keys"].as_array().unwrap().len(), 1);
    }
}

#[test]
fn language_comes_from_flag_then_variable_then_locale() {
    let hsm = Hsm::new();
    let says_zh = |cmd: &mut Command| run(cmd).2.contains("错误");
    // No key: the error is printed in the chosen language.
    assert!(says_zh(hsm.zca().args(["detect", "--lang", "zh"])));
    assert!(says_zh(hsm.zca().args(["detect"]).env("ZCA_LANG", "zh")));
    assert!(says_zh(hsm.zca().args(["detect"]).env("LANG", "zh_CN.UTF-8")));
    assert!(says_zh(hsm.zca().args(["detect"]).env("LC_MESSAGES", "zh_CN.UTF-8").env("LANG", "C")));
    assert!(!says_zh(hsm.zca().args(["detect"]).env("LC_ALL", "C").env("LANG", "zh_CN.UTF-8")));
    assert!(!says_zh(hsm.zca().args(["detect", "--lang", "en"]).env("ZCA_LANG", "zh")));
    assert!(!says_zh(hsm.zca().args(["detect"])));

    let (code, _, err) = run(hsm.zca().args(["detect", "--lang", "fr"]));
    assert_eq!(code, 2);
    assert!(err.contains("use zh or en"), "{err}");
}

#[test]
fn usage_errors_exit_2_and_are_json_under_json() {
    let hsm = Hsm::new();
    let (code, _, err) = run(&mut bare(&hsm));
    assert_eq!(code, 2, "no subcommand is a usage error");
    assert!(err.contains("Usage:"), "{err}");
    let (code, _, err) = run(bare(&hsm).args(["detect", "--frobnicate"]));
    assert_eq!(code, 2);
    assert!(err.contains("--frobnicate"), "{err}");
    let (code, out, _) = run(bare(&hsm).args(["--json", "detect", "--frobnicate"]));
    assert_eq!(code, 2);
    let doc = json(&out);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["error"]["code"], "usage");
    assert_eq!(doc["error"]["exit_code"], 2);
    assert!(doc["error"]["message"].as_str().unwrap().contains("--frobnicate"));
}

#[test]
fn version_and_no_backtrace_even_with_rust_backtrace() {
    let hsm = Hsm::new();
    let (code, out, _) = run(bare(&hsm).arg("--version"));
    assert_eq!(code, 0);
    assert!(out.starts_with("zca "), "{out}");
    let (_, out, err) = run(hsm.zca().args(["detect", "--module", "/nonexistent.so"]));
    for text in [&out, &err] {
        assert!(!text.contains("stack backtrace") && !text.contains("panicked"), "{text}");
    }
}

#[test]
fn a_closed_pipe_is_quiet_and_not_a_failure() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = hsm.init_token("k");
    let (_, spki) = TestCa::software_key();
    hsm.write_cert(&serial, &ca.issue(&spki, &CertSpec::valid("x")), "01", "c");
    for args in
        [&["certs"][..], &["--help"], &["certs", "--json"], &["certs", "export", "--sha256"]]
    {
        let mut args = args.to_vec();
        let sha;
        if args.last() == Some(&"--sha256") {
            let (_, out, _) = run(hsm.zca().args(["certs", "--json"]));
            sha = json(&out)["certificates"][0]["sha256"].as_str().unwrap().to_string();
            args.push(&sha);
        }
        let mut child =
            hsm.zca().args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take()); // the reader is gone before zca writes, like `| head -0`
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = child.wait().unwrap();
        assert!(!err.to_lowercase().contains("broken pipe"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
    }
}

#[test]
fn no_colour_without_a_terminal() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let mut cmd = hsm.zca();
    cmd.env_remove("NO_COLOR").arg("detect");
    let (_, out, err) = run(&mut cmd);
    assert!(!out.contains('\x1b') && !err.contains('\x1b'));
}

#[test]
fn config_show_names_the_source_of_each_value() {
    let hsm = Hsm::new();
    let dir = hsm.home().join(".config/zca");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "default_profile = \"work\"\n\n[profiles.work]\nplatform = \"https://zcy.example\"\nca_file = \"/etc/zca/ca.pem\"\nmodules = [\"/opt/lm-gm3000/lib/libgm3000_pkcs11.so\"]\n\n[profiles.test]\nplatform = \"https://127.0.0.1:8443\"\n",
    )
    .unwrap();
    let (code, out, err) = run(bare(&hsm).args(["config", "show", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    assert_eq!(doc["profile"]["value"], "work");
    assert_eq!(doc["platform"]["value"], "https://zcy.example");
    assert_eq!(doc["platform"]["source"]["kind"], "profile");
    assert_eq!(doc["modules"]["value"][0], "/opt/lm-gm3000/lib/libgm3000_pkcs11.so");
    assert_eq!(doc["lang"]["source"]["kind"], "default");

    let (code, out, _) = run(bare(&hsm)
        .args(["config", "show", "--json", "--profile", "test", "--ca-file", "/tmp/x.pem"])
        .env("ZCA_PLATFORM", "https://env.example"));
    assert_eq!(code, 0);
    let doc = json(&out);
    assert_eq!(doc["profile"]["source"], serde_json::json!({"kind": "flag", "name": "--profile"}));
    assert_eq!(doc["platform"]["value"], "https://env.example");
    assert_eq!(
        doc["platform"]["source"],
        serde_json::json!({"kind": "env", "name": "ZCA_PLATFORM"})
    );
    assert_eq!(doc["ca_file"]["source"]["kind"], "flag");
    assert!(doc["modules"].is_null(), "the test profile names no module: discovery");

    let (code, out, _) = run(bare(&hsm).args(["config", "show"]).env("ZCA_LANG", "zh"));
    assert_eq!(code, 0);
    assert!(out.contains("配置档 work") && out.contains("https://zcy.example"), "{out}");

    let (code, _, err) = run(bare(&hsm).args(["config", "show", "--profile", "nope"]));
    assert_eq!(code, 2);
    assert!(err.contains("profile \"nope\""), "{err}");

    std::fs::write(dir.join("config.toml"), "[profiles.work]\nplatfrom = \"typo\"\n").unwrap();
    let (code, _, err) = run(bare(&hsm).args(["config", "show"]));
    assert_eq!(code, 2);
    assert!(err.contains("platfrom"), "{err}");
}

#[test]
fn verbose_says_which_modules_were_tried() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let (code, _, err) = run(hsm.zca().args(["detect", "-v"]));
    assert_eq!(code, 0);
    assert!(
        err.contains("zca: module ") && err.contains("loaded") && err.contains("1 key(s)"),
        "{err}"
    );
    let (_, _, err) = run(hsm.zca().args(["detect"]));
    assert!(!err.contains("zca: module"), "quiet without -v: {err}");
}
