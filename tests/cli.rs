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
            &["bridge", "--help"],
            &["bridge", "allow", "--help"],
            &["bridge", "status", "--help"],
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
    let spec = CertSpec {
        org: Some("杭州市某某采购单位".into()),
        not_before: nb,
        not_after: na,
        ..CertSpec::valid("张三")
    };
    hsm.write_cert(serial, &ca.issue(&spki, &spec), "01", "签名证书");
    let (_, spki) = software_key();
    let (nb, na) = dates(2020, 2021);
    hsm.write_cert(
        serial,
        &ca.issue(&spki, &CertSpec { not_before: nb, not_after: na, ..CertSpec::valid("Old") }),
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
    let (_, spki) = software_key();
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

#[test]
fn the_language_reaches_clap_however_it_was_chosen() {
    let hsm = Hsm::new();
    let ways = |lang: &str| -> Vec<Command> {
        let locale = if lang == "zh" { "zh_CN.UTF-8" } else { "C.UTF-8" };
        let mut flag = bare(&hsm);
        flag.args(["--lang", lang]);
        let mut var = bare(&hsm);
        var.env("ZCA_LANG", lang);
        let mut loc = bare(&hsm);
        loc.env("LANG", locale);
        vec![flag, var, loc]
    };
    for (lang, help_words, error_words) in
        [("zh", "用法: zca", "未知的命令 'bogus'"), ("en", "Usage: zca", "unknown command 'bogus'")]
    {
        let mut helps = Vec::new();
        for mut cmd in ways(lang) {
            // `zca` alone: the help, in the language, whichever way it was chosen.
            let (code, out, err) = run(&mut cmd);
            assert_eq!(code, 2, "{out}{err}");
            assert!(err.contains(help_words) && !err.contains("requires a subcommand"), "{err}");
            helps.push(err);
        }
        assert!(helps.iter().all(|h| h == &helps[0]), "the same help every way: {helps:#?}");
        for mut cmd in ways(lang) {
            let (code, _, err) = run(cmd.arg("bogus"));
            assert_eq!(code, 2);
            assert!(err.contains(error_words), "{err}");
            assert!(!err.contains("unrecognized") || lang == "en", "{err}");
        }
        for mut cmd in ways(lang) {
            let (code, _, err) = run(cmd.args(["pin"]));
            assert_eq!(code, 2);
            assert!(err.contains(&format!("{help_words} pin")), "{err}");
        }
    }
    let (code, _, err) = run(bare(&hsm).args(["--lang", "zh", "--timeout", "0", "status"]));
    assert_eq!(code, 2);
    assert!(err.contains("须为 1 到 3600 的整数秒") && err.contains("提示"), "{err}");
    let (_, _, err) = run(bare(&hsm).args(["--lang", "zh", "detect", "--bogus"]));
    assert!(err.contains("未知的选项或参数 '--bogus'"), "{err}");
    let (_, out, _) = run(bare(&hsm).args(["--lang", "zh", "--help"]));
    assert!(out.contains("[默认: 30]") && !out.contains("[default:"), "{out}");
}

/// What a Chinese user met in English, and hints that pointed nowhere.
#[test]
fn chinese_output_leaves_nothing_in_english_and_hints_point_somewhere() {
    let hsm = Hsm::new();
    let zh = || {
        let mut cmd = bare(&hsm);
        cmd.env("ZCA_LANG", "zh");
        cmd
    };
    // clap's own words in help and usage.
    for args in [&["bindings", "--help"][..], &["--help"], &["pin", "--help"]] {
        let (_, out, _) = run(zh().args(args));
        for english in ["[env:", "[OPTIONS]", "<COMMAND>", "Usage"] {
            assert!(!out.contains(english), "{args:?}: {english} in {out}");
        }
    }
    let (_, out, _) = run(zh().args(["--help"]));
    assert!(
        out.contains("用法: zca [选项] <命令>") && out.contains("[环境变量: ZCA_PROFILE]"),
        "{out}"
    );
    // A misspelled setting in the config file.
    let config = hsm.home().join(".config/zca/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[profiles.default]\nplatfrom = \"https://x\"\n").unwrap();
    let (code, _, err) = run(zh().args(["status"]));
    assert_eq!(code, 2);
    assert!(err.contains("第 2 行: 未知的设置项 `platfrom`") && err.contains("platform"), "{err}");
    assert!(!err.contains("unknown field") && !err.contains("expected"), "{err}");
    std::fs::remove_file(&config).unwrap();
    // A bad language in the variable names the variable, not --lang.
    let (code, _, err) = run(bare(&hsm).env("ZCA_LANG", "fr").args(["detect"]));
    assert_eq!(code, 2);
    assert!(err.contains("ZCA_LANG='fr'") && err.contains("hint: correct or unset"), "{err}");
    // A misspelled command: the commands are in `zca --help` (`zca pin --help`), not in the
    // help of a command that does not exist.
    let (_, _, err) = run(zh().args(["detcet"]));
    assert!(err.contains("`zca --help` 列出可用的命令"), "{err}");
    let (_, _, err) = run(bare(&hsm).env("ZCA_LANG", "en").args(["pin", "chnage"]));
    assert!(err.contains("`zca pin --help` lists the commands"), "{err}");
    // http:// is refused with the https:// address to use.
    let (code, _, err) =
        run(bare(&hsm).env("ZCA_LANG", "en").args(["--platform", "http://p.example", "status"]));
    assert_eq!(code, 2);
    assert!(err.contains("--platform https://p.example"), "{err}");
    // SKF libraries are not found through p11-kit.
    let (_, out, _) = run(bare(&hsm).env("ZCA_LANG", "en").args(["config", "show"]));
    let skf = out.lines().find(|l| l.contains("skf_libraries")).unwrap();
    assert!(!skf.contains("p11-kit"), "{skf}");
}

/// One English word for the USB key: "CA key" (its ID "CA key ID", CA锁ID), never "CA lock",
/// in the messages, the pages, the documentation and the generated pages.
#[test]
fn english_says_ca_key_everywhere() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("i18n/en/zca.ftl"),
        root.join("platform/src/web/texts.rs"),
        root.join("README.md"),
        root.join("SECURITY.md"),
        root.join("docs/platform-api.md"),
    ];
    for dir in ["man/man1", "completions"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            assert!(
                !line.to_lowercase().contains("ca lock"),
                "{}:{}: say \"CA key\": {line}",
                file.display(),
                n + 1
            );
        }
    }
}

#[test]
fn days_left_count_the_certificate_s_last_day_as_people_do() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = hsm.init_token("k");
    let (_, spki) = software_key();
    let now = time::OffsetDateTime::now_utc();
    let spec = CertSpec {
        not_before: now,
        not_after: now + time::Duration::days(30),
        ..CertSpec::valid("x")
    };
    hsm.write_cert(&serial, &ca.issue(&spki, &spec), "01", "c");
    let (_, out, _) = run(hsm.zca().args(["certs", "--json"]));
    assert_eq!(json(&out)["certificates"][0]["days_left"], 30, "issued now for 30 days");
    // --fail-if-expiring counts the same days.
    let (code, _, _) = run(hsm.zca().args(["certs", "--fail-if-expiring", "29"]));
    assert_eq!(code, 0);
    let (code, _, _) = run(hsm.zca().args(["certs", "--fail-if-expiring", "30"]));
    assert_eq!(code, 7);
}

/// In a terminal 80 and 200 cells wide: no line wider than the terminal, and the CA锁ID, the
/// dates and the fingerprint prefix never broken across lines.
#[test]
fn tables_fit_the_terminal_and_never_break_a_value() {
    use expectrl::{Eof, Expect, Session};
    let hsm = Hsm::new();
    let ca = TestCa::new("某某数字证书认证中心 CA");
    let serial = hsm.init_token("张三的锁");
    hsm.set_serial(&serial, "3301000045102205");
    let serial = "3301000045102205";
    let spki = hsm.keygen(serial, "EC:prime256v1", "01", "签名密钥");
    let spec = CertSpec {
        org: Some("杭州市某某区政府采购中心采购单位".into()),
        ..CertSpec::valid("张三丰 (经办人)")
    };
    hsm.write_cert(serial, &ca.issue(&spki, &spec), "01", "签名证书 signing certificate");
    let (_, out, _) = run(hsm.zca().args(["certs", "--json"]));
    let sha = json(&out)["certificates"][0]["sha256"].as_str().unwrap().to_string();
    for (cols, lang) in [(80u16, "zh"), (80, "en"), (200, "zh"), (200, "en")] {
        for args in [&["certs"][..], &["detect"], &["certs", "--long"]] {
            // zca starts once the terminal has its size (the pty is made 80 wide first).
            let zca = hsm.zca();
            let mut cmd = Command::new("sh");
            let wait = "until [ \"$(stty size)\" = \"40 $0\" ]; do sleep 0.05; done; exec \"$@\"";
            cmd.args(["-c", wait, &cols.to_string()])
                .arg(zca.get_program())
                .args(zca.get_args())
                .args(args)
                .args(["--lang", lang]);
            for (k, v) in zca.get_envs() {
                match v {
                    Some(v) => cmd.env(k, v),
                    None => cmd.env_remove(k),
                };
            }
            cmd.env("TERM", "xterm").env_remove("COLUMNS");
            let mut s = Session::spawn(cmd).expect("a pty");
            s.get_process_mut().set_window_size(cols, 40).unwrap();
            s.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
            let found = s.expect(Eof).unwrap();
            let shown = String::from_utf8_lossy(found.get(0).unwrap_or_default()).into_owned();
            let lines: Vec<&str> = shown.lines().map(|l| l.trim_end_matches('\r')).collect();
            let widest = lines.iter().map(|l| console::measure_text_width(l)).max().unwrap_or(0);
            let long = args.contains(&"--long");
            if !long {
                assert!(widest <= cols as usize, "{cols} {lang} {args:?}: {widest} wide\n{shown}");
            }
            assert!(lines.iter().any(|l| l.contains(serial)), "{cols} {args:?}: whole\n{shown}");
            if args == ["certs"] {
                let date = lines.iter().any(|l| {
                    l.split('│').chain(l.split('┆')).any(|cell| {
                        let cell = cell.trim();
                        cell.len() == 19
                            && cell.as_bytes()[4] == b'-'
                            && cell.as_bytes()[13] == b':'
                    })
                });
                assert!(date, "the expiry date and time on one line:\n{shown}");
                if cols >= 200 {
                    assert!(lines.iter().any(|l| l.contains(&sha[..16])), "{shown}");
                }
            }
            if long {
                assert!(lines.iter().any(|l| l.contains(&sha)), "the whole SHA-256:\n{shown}");
                assert!(lines.iter().any(|l| l.contains("pkcs11:serial=3301000045102205")));
            }
        }
    }
}
