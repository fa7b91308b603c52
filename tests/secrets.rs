//! The secrets audit: every command run with known PIN, password and session-token values, and
//! none of them found in any output (stdout, stderr, `-vv`), in the platform's log or audit
//! table, in a process's argv, or in any file but the 0600 session file.

mod common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use common::*;

/// A PIN that cannot turn up by chance.
const SECRET_PIN: &str = "739164825";

#[test]
fn no_secret_leaves_where_it_belongs() {
    let (hsm, ca, p) = setup();
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("审计"));
    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut record = |what: &str, (code, out, err): (i32, String, String)| {
        outputs.push((what.to_string(), format!("{out}\n{err}")));
        code
    };

    let code = record(
        "pin change",
        run_with_input(
            hsm.zca().args(["-vv", "pin", "change", "--pin-stdin"]),
            &format!("{PIN}\n{SECRET_PIN}\n"),
        ),
    );
    assert_eq!(code, 0);
    let code = record(
        "account login",
        run_with_input(
            hsm.zca_on(&p).args([
                "-vv",
                "account",
                "login",
                "--account",
                "alice",
                "--password-stdin",
            ]),
            &format!("{ACCOUNT_PASSWORD}\n"),
        ),
    );
    assert_eq!(code, 0);
    let pin_file = hsm.path("pin.txt");
    std::fs::write(&pin_file, format!("{SECRET_PIN}\n")).unwrap();
    std::fs::set_permissions(&pin_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let code = record(
        "bind",
        run(hsm.zca_on(&p).args(["-vv", "bind", "--yes", "--pin-file"]).arg(&pin_file)),
    );
    assert_eq!(code, 0);
    for args in
        [&["-vv", "status"][..], &["-vv", "bindings"], &["-vv", "doctor"], &["pin", "status"]]
    {
        record(args[1], run(hsm.zca_on(&p).args(args)));
    }
    let code = record(
        "login",
        run(hsm.zca_on(&p).args(["-vv", "login", "--json"]).env("ZCA_PIN", SECRET_PIN)),
    );
    assert_eq!(code, 0);
    // A token printed on purpose, for scripts; then used from ZCA_TOKEN.
    let (code, out, _) =
        run(hsm.zca_on(&p).args(["login", "--print-token", "--json"]).env("ZCA_PIN", SECRET_PIN));
    assert_eq!(code, 0);
    let token = json(&out)["token"].as_str().expect("--print-token prints it").to_string();
    for args in [&["-vv", "status"][..], &["-vv", "bindings", "--json"]] {
        record("with ZCA_TOKEN", run(hsm.zca_on(&p).args(args).env("ZCA_TOKEN", &token)));
    }
    let wrong = record(
        "wrong PIN",
        run(hsm.zca_on(&p).args(["-vv", "login"]).env("ZCA_PIN", format!("{SECRET_PIN}0"))),
    );
    assert_eq!(wrong, 4);
    let report = hsm.path("report.txt");
    record("doctor report", run(hsm.zca_on(&p).arg("doctor").arg("--report").arg(&report)));

    // argv and environment of a running zca: it waits for the PIN on stdin while we read its
    // command line and its environment, which held the password and the token when it started.
    let mut child = hsm
        .zca_on(&p)
        .args(["login", "--pin-stdin"])
        .env("ZCA_PASSWORD", ACCOUNT_PASSWORD)
        .env("ZCA_TOKEN", &token)
        .env("ZCA_SO_PIN", SECRET_PIN)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let argv = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
    let environ = std::fs::read(format!("/proc/{}/environ", child.id())).unwrap();
    writeln!(child.stdin.take().unwrap(), "{SECRET_PIN}").unwrap();
    assert!(child.wait().unwrap().success());
    outputs.push(("argv".into(), String::from_utf8_lossy(&argv).into_owned()));
    let environ = String::from_utf8_lossy(&environ).into_owned();
    assert!(environ.contains("SOFTHSM2_CONF="), "the environment was read: {environ}");
    outputs.push(("environ".into(), environ));

    let (code, ..) = run(hsm.zca_on(&p).args(["logout"]));
    assert_eq!(code, 0);

    let secrets = [SECRET_PIN, ACCOUNT_PASSWORD, token.as_str()];
    for (what, text) in &outputs {
        for secret in secrets {
            assert!(!text.contains(secret), "a secret in the output of {what}: {text}");
        }
    }
    let log = p.log();
    let audit = p.audit().to_string();
    for secret in secrets {
        assert!(!log.contains(secret), "a secret in the platform's log");
        assert!(!audit.contains(secret), "a secret in the audit table");
    }
    // Files: the tokens, zca's home (config, state, report) and the platform's data.
    let session_file = hsm.home().join(".local/state/zca/sessions/default.json");
    let mut files = walk(hsm.dir.path());
    files.extend(walk(p.dir.path()));
    assert!(files.len() > 10, "the walk found the files: {files:?}");
    for file in files.iter().filter(|f| **f != session_file && **f != pin_file) {
        let bytes = std::fs::read(file).unwrap_or_default();
        for secret in secrets {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "a secret in {}", file.display());
        }
    }
    // The search itself finds what is there: the PIN file the user wrote holds the PIN.
    let control = std::fs::read(&pin_file).unwrap();
    assert!(control.windows(SECRET_PIN.len()).any(|w| w == SECRET_PIN.as_bytes()));
}
