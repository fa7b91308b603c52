//! `zca pin status | change | unlock` on SoftHSM2 tokens (and the warning after a login with a
//! weak PIN); the interactive change in a real pseudo-terminal. The virtual card tier
//! (tests/vcard.rs) covers the final try and a locked card.

mod common;

use std::time::Duration;

use common::*;
use expectrl::{Eof, Expect, Session};

const NEW_PIN: &str = "271828";

fn change(hsm: &Hsm, input: &str) -> (i32, String, String) {
    run_with_input(
        hsm.zca().args(["--lang", "en", "pin", "change", "--pin-stdin", "--json"]),
        input,
    )
}

/// Whether `pin` opens the token, asked of pkcs11-tool (a peer, not zca).
fn pin_works(hsm: &Hsm, pin: &str) -> bool {
    std::process::Command::new("pkcs11-tool")
        .env("SOFTHSM2_CONF", hsm.conf())
        .arg("--module")
        .arg(softhsm_module())
        .args(["--login", "--pin", pin, "-O"])
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn status_shows_flags_limits_and_what_pkcs11_cannot_say() {
    let hsm = Hsm::new();
    let serial = hsm.init_token("k");
    let (code, out, err) = run(hsm.zca().args(["pin", "status", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    let key = &doc["keys"][0];
    assert_eq!(key["ca_lock_id"], serial.as_str());
    assert_eq!(key["pin_state"], "ok");
    assert_eq!(key["so_pin_state"], "ok");
    assert_eq!(key["pin_to_be_changed"], false);
    assert_eq!(
        (key["min_pin_length"].as_u64(), key["max_pin_length"].as_u64()),
        (Some(4), Some(255))
    );
    assert_eq!(doc["tries_left_known"], false);

    let (_, _, err) = run(hsm.zca().args(["--lang", "zh", "pin", "status"]));
    assert!(err.contains("PKCS#11 不提供剩余次数"), "{err}");

    let (code, out, _) =
        run(zca_faulty(&hsm, "flags=final_try,to_be_changed").args(["pin", "status", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["keys"][0]["pin_state"], "final_try");
    assert_eq!(json(&out)["keys"][0]["pin_to_be_changed"], true);
}

#[test]
fn change_checks_the_new_pin_before_sending_it() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let (code, out, err) = change(&hsm, &format!("{PIN}\n{NEW_PIN}\n"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(pin_works(&hsm, NEW_PIN) && !pin_works(&hsm, PIN));

    for (input, what) in [
        (format!("{NEW_PIN}\n123\n"), "characters"),
        (format!("{NEW_PIN}\n{}\n", "9".repeat(300)), "characters"),
        (format!("{NEW_PIN}\n{NEW_PIN}\n"), "current PIN"),
        (format!("{NEW_PIN}\n88888888\n"), "well-known"),
        (format!("{NEW_PIN}\n000000\n"), "well-known"),
        (format!("{NEW_PIN}\n"), "two lines"),
    ] {
        let (code, out, err) = change(&hsm, &input);
        assert!(code == 4 || code == 2, "{what}: {out}{err}");
        assert!(json(&out)["error"]["message"].as_str().unwrap().contains(what), "{what}: {out}");
        assert!(pin_works(&hsm, NEW_PIN), "nothing changed ({what})");
    }
    for secret in [PIN, NEW_PIN] {
        let (_, out, err) = change(&hsm, &format!("{NEW_PIN}\n{NEW_PIN}\n"));
        assert!(!out.contains(secret) && !err.contains(secret), "no PIN in the output");
    }
}

#[test]
fn a_wrong_current_pin_is_one_try_and_nothing_changes() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let (code, out, _) = change(&hsm, &format!("999999\n{NEW_PIN}\n"));
    assert_eq!(code, 4);
    assert_eq!(json(&out)["error"]["code"], "pin_incorrect");
    let (_, out, _) = run(hsm.zca().args(["pin", "status", "--json"]));
    assert_eq!(json(&out)["keys"][0]["pin_state"], "count_low", "SoftHSM counts the wrong PIN");
    assert!(pin_works(&hsm, PIN));
}

#[test]
fn change_from_files_and_the_environment() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let (old, new) = (hsm.path("old.pin"), hsm.path("new.pin"));
    std::fs::write(&old, format!("{PIN}\n")).unwrap();
    std::fs::write(&new, format!("{NEW_PIN}\n")).unwrap();
    let (code, _, err) = run(hsm
        .zca()
        .args(["pin", "change", "--no-input", "--pin-file"])
        .arg(&old)
        .arg("--new-pin-file")
        .arg(&new));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(hsm
        .zca()
        .args(["pin", "change", "--no-input"])
        .env("ZCA_PIN", NEW_PIN)
        .env("ZCA_NEW_PIN", "314159"));
    assert_eq!(code, 0, "{err}");
    assert!(pin_works(&hsm, "314159"));
    let (code, out, _) =
        run(hsm.zca().args(["pin", "change", "--no-input", "--json"]).env("ZCA_PIN", "314159"));
    assert_eq!(code, 2, "no new PIN under --no-input: {out}");
    assert_eq!(json(&out)["error"]["code"], "missing_input");
}

#[test]
fn unlock_with_the_so_pin_sets_a_new_user_pin() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let (code, out, err) = run_with_input(
        hsm.zca().args(["pin", "unlock", "--so-pin-stdin", "--json"]),
        &format!("{SO_PIN}\n{NEW_PIN}\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(json(&out)["action"], "unlocked");
    assert!(pin_works(&hsm, NEW_PIN));

    let (code, out, _) = run_with_input(
        hsm.zca().args(["pin", "unlock", "--so-pin-stdin", "--json"]),
        "87654329\n314159\n",
    );
    assert_eq!(code, 4);
    assert_eq!(json(&out)["error"]["code"], "so_pin_incorrect");
    assert!(pin_works(&hsm, NEW_PIN), "a wrong SO PIN changes nothing");

    // The SO PIN's final try is not spent unasked either.
    let (code, out, _) = run_with_input(
        zca_faulty(&hsm, "flags=so_final_try;fail:C_Login=CKR_DEVICE_ERROR").args([
            "pin",
            "unlock",
            "--so-pin-stdin",
            "--json",
        ]),
        &format!("{SO_PIN}\n314159\n"),
    );
    assert_eq!(code, 4);
    assert_eq!(json(&out)["error"]["code"], "so_pin_final_try_refused");
}

#[test]
fn a_login_with_a_weak_or_expired_pin_warns_once() {
    let (hsm, ca, p) = setup();
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    account_login(&hsm, &p, "alice");
    let (code, _, err) = pin(hsm.zca_on(&p).args(["--lang", "en", "bind", "--yes"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("zca pin change").count(), 1, "one warning for 123456: {err}");
    assert!(err.contains("well-known PIN"), "{err}");

    let mut login = zca_faulty_on(&hsm, &p, "flags=to_be_changed");
    let (code, _, err) = pin(login.args(["--lang", "en", "login"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("asks for its PIN to be changed"), "{err}");

    let (code, out, err) = change(&hsm, &format!("{PIN}\n{NEW_PIN}\n"));
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run_with_input(
        hsm.zca_on(&p).args(["--lang", "en", "login", "--pin-stdin"]),
        &format!("{NEW_PIN}\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("zca pin change"), "a good PIN is not warned about: {err}");
}

#[test]
fn change_interactively_in_a_terminal() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let mut cmd = hsm.zca();
    cmd.args(["--lang", "en", "pin", "change"]).env("TERM", "xterm");
    let mut s = Session::spawn(cmd).expect("a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect("Current PIN").unwrap();
    type_secret(&mut s, PIN);
    s.expect("New PIN (4–255").unwrap();
    type_secret(&mut s, NEW_PIN);
    s.expect("New PIN again").unwrap();
    type_secret(&mut s, "314150");
    let done = s.expect("differ").unwrap();
    assert!(!String::from_utf8_lossy(done.before()).contains(NEW_PIN), "hidden input");
    s.expect(Eof).unwrap();
    assert!(pin_works(&hsm, PIN), "a mistyped confirmation changes nothing");

    let mut cmd = hsm.zca();
    cmd.args(["--lang", "en", "pin", "change"]).env("TERM", "xterm");
    let mut s = Session::spawn(cmd).expect("a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect("Current PIN").unwrap();
    type_secret(&mut s, PIN);
    s.expect("New PIN (").unwrap();
    type_secret(&mut s, NEW_PIN);
    s.expect("New PIN again").unwrap();
    type_secret(&mut s, NEW_PIN);
    let done = s.expect("was changed").unwrap();
    let shown = String::from_utf8_lossy(done.before()).into_owned();
    assert!(!shown.contains(PIN) && !shown.contains(NEW_PIN), "no PIN echoed: {shown}");
    s.expect(Eof).unwrap();
    assert!(pin_works(&hsm, NEW_PIN));
}
