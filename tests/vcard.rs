//! zca through the real driver stack of USB keys: pcscd, vsmartcard's vpcd reader, OpenSC's
//! PKCS#11 module, and an OpenPGP card with real PIN retry counters (see common/vcard.rs).
//! The PIN-safety tests count the card's tries left before and after every zca command.

mod common;

use std::time::Duration;

use common::vcard::{opensc_module, VirtualCard};
use common::*;
use expectrl::{Eof, Expect, Session};

/// `zca` using the card through OpenSC alone.
fn zca_card(hsm: &Hsm) -> std::process::Command {
    let mut cmd = hsm.zca();
    cmd.env("ZCA_PKCS11_MODULE", opensc_module());
    cmd
}

fn zca_card_on(hsm: &Hsm, p: &PlatformProc) -> std::process::Command {
    let mut cmd = zca_card(hsm);
    cmd.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
    cmd
}

/// The card with a certificate from `ca` for its authentication key, and alice logged in.
fn card_with_cert(hsm: &Hsm, ca: &TestCa, p: &PlatformProc) -> (VirtualCard, String) {
    let card = VirtualCard::insert();
    let spki = card.public_key();
    card.write_cert(&ca.issue(&spki, &CertSpec::valid("王五")));
    let (code, out, err) = run(zca_card(hsm).args(["detect", "--json"]));
    assert_eq!(code, 0, "{out}{err}");
    let serial = json(&out)["keys"][0]["ca_lock_id"].as_str().unwrap().to_string();
    let (code, out, err) = run_with_input(
        zca_card_on(hsm, p).args(["account", "login", "--account", "alice", "--password-stdin"]),
        &format!("{ACCOUNT_PASSWORD}\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    (card, serial)
}

#[test]
fn the_card_is_one_key_in_two_slots() {
    let hsm = Hsm::new();
    let card = VirtualCard::insert();
    let (code, out, err) = run(zca_card(&hsm).args(["detect", "--json"]));
    assert_eq!(code, 0, "{out}{err}");
    let doc = json(&out);
    let keys = doc["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "OpenSC's two PIN slots are one key: {out}");
    assert_eq!(keys[0]["slots"].as_array().unwrap().len(), 2);
    assert_eq!(keys[0]["pin_state"], "ok");
    assert_eq!(card.tries_left(), 3);

    let (code, out, _) = run(zca_card(&hsm).args(["--lang", "en", "doctor"]));
    assert!(out.contains("✓ pcscd"), "doctor finds pcscd for OpenSC: {out}");
    assert_eq!(code, 3, "a fresh card has no certificate yet: {out}");
}

#[test]
fn bind_and_ca_login_sign_on_the_card_and_the_platform_verifies() {
    let (hsm, ca, p) = setup();
    let (card, serial) = card_with_cert(&hsm, &ca, &p);
    let (code, out, err) = pin(zca_card_on(&hsm, &p).args(["bind", "--yes", "--json"]));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(json(&out)["binding"]["ca_lock_id"], serial.as_str());
    let (code, out, err) = pin(zca_card_on(&hsm, &p).args(["login", "--json"]));
    assert_eq!(code, 0, "the platform checked the card's RSA signature: {out}{err}");
    assert_eq!(json(&out)["user"]["account"], "alice");
    assert_eq!(card.tries_left(), 3, "good PINs cost no try");
}

#[test]
fn no_command_spends_a_try_the_user_did_not_type() {
    let (hsm, ca, p) = setup();
    let (card, _) = card_with_cert(&hsm, &ca, &p);
    for args in [
        &["detect"][..],
        &["certs"],
        &["doctor"],
        &["bindings"],
        &["status"],
        &["detect", "--watch", "--until-present"],
    ] {
        let _ = run(zca_card_on(&hsm, &p).args(args));
        assert_eq!(card.tries_left(), 3, "zca {args:?} touched the PIN");
    }
    // A wrong PIN that the user typed costs exactly one try: zca never tries again by itself.
    let (code, _, err) = run_with_input(
        zca_card_on(&hsm, &p).args(["--lang", "en", "bind", "--yes", "--pin-stdin"]),
        "999999\n",
    );
    assert_eq!(code, 4, "{err}");
    assert_eq!(card.tries_left(), 2);
}

#[test]
fn the_final_try_is_refused_without_a_yes_and_spent_with_one() {
    let (hsm, ca, p) = setup();
    let (card, _) = card_with_cert(&hsm, &ca, &p);
    card.wrong_pin();
    card.wrong_pin();
    assert_eq!(card.tries_left(), 1);

    let (code, out, _) = run(zca_card(&hsm).args(["detect", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["keys"][0]["pin_state"], "final_try");

    // Scripts: refused before any PIN is sent, even with the right PIN at hand.
    let (code, _, err) = run(zca_card_on(&hsm, &p)
        .args(["--lang", "en", "login", "--no-input"])
        .env("ZCA_PIN", PIN));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("final PIN try"), "{err}");
    assert_eq!(card.tries_left(), 1, "the final try is still there");

    // A person: asked, and "no" keeps the try.
    let mut login = zca_card_on(&hsm, &p);
    login.args(["login"]).env("TERM", "xterm");
    let mut s = Session::spawn(login).expect("a pty");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s.expect("ONE PIN try left").unwrap();
    s.send("n").unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(card.tries_left(), 1);

    // "yes" and the right PIN: the login works and the card counts from 3 again.
    let mut login = zca_card_on(&hsm, &p);
    login.args(["bind", "--yes"]).env("TERM", "xterm");
    let mut s = Session::spawn(login).expect("a pty");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s.expect("ONE PIN try left").unwrap();
    s.send("y").unwrap();
    s.expect("PIN of key").unwrap();
    type_secret(&mut s, PIN);
    s.expect("bound (binding").unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(card.tries_left(), 3);
}

#[test]
fn a_locked_card_gives_exit_4_and_the_unlock_hint() {
    let (hsm, ca, p) = setup();
    let (card, _) = card_with_cert(&hsm, &ca, &p);
    for _ in 0..3 {
        card.wrong_pin();
    }
    assert_eq!(card.tries_left(), 0);
    let (code, _, err) =
        run(zca_card_on(&hsm, &p).args(["--lang", "en", "login"]).env("ZCA_PIN", PIN));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("locked") && err.contains("SO (admin) PIN"), "{err}");
    let (code, out, _) = run(zca_card_on(&hsm, &p).args(["doctor", "--json"]));
    assert_eq!(code, 4, "doctor fails at the PIN: {out}");
}

#[test]
fn pin_change_on_the_card_keeps_the_final_try_and_unlock_says_what_to_do() {
    let hsm = Hsm::new();
    let card = VirtualCard::insert();
    let (code, out, err) = run_with_input(
        zca_card(&hsm).args(["pin", "change", "--pin-stdin"]),
        &format!("{PIN}\n314159\n"),
    );
    assert_eq!(code, 0, "C_SetPIN on the card: {out}{err}");
    assert_eq!(card.tries_left(), 3);
    let (code, ..) = run_with_input(
        zca_card(&hsm).args(["pin", "change", "--pin-stdin"]),
        &format!("314159\n{PIN}\n"),
    );
    assert_eq!(code, 4, "123456 is refused as a new PIN before it is sent");
    assert_eq!(card.tries_left(), 3);

    card.wrong_pin();
    card.wrong_pin();
    let (code, out, _) = run_with_input(
        zca_card(&hsm).args(["pin", "change", "--pin-stdin", "--json"]),
        "314159\n161803\n",
    );
    assert_eq!(code, 4);
    assert_eq!(json(&out)["error"]["code"], "pin_final_try_refused");
    assert_eq!(card.tries_left(), 1, "the final try is still there");

    card.wrong_pin();
    assert_eq!(card.tries_left(), 0);
    let (code, out, err) = run_with_input(
        zca_card(&hsm).args(["--lang", "en", "pin", "unlock", "--so-pin-stdin"]),
        &format!("{}\n314159\n", common::vcard::ADMIN_PIN),
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("cannot set a new user PIN") && err.contains("客服"), "{err}");
}

/// `zca bridge` on the card: pages list its certificate and sign on it; wrong PINs cost
/// exactly one try each on the card's real counter, the final try is not spent without the
/// user's consent, and pulling the card is told to the page.
#[test]
fn the_bridge_serves_the_card_and_keeps_its_last_try() {
    use common::bridge::Bridge;
    use serde_json::json;
    let hsm = Hsm::new();
    let ca = TestCa::new("Card CA");
    let card = VirtualCard::insert();
    let spki = card.public_key();
    card.write_cert(&ca.issue(&spki, &CertSpec::valid("王五")));
    let b = Bridge::start(hsm.home(), zca_card(&hsm), zca_card(&hsm));
    let mut page = b.page();
    let users = page.user_list();
    assert_eq!(users.len(), 1, "one certificate on one key (two slots): {users:?}");
    let (name, id) = users[0].clone();
    assert_eq!(name, "王五");
    assert_eq!(page.call("GetDeviceInfo", &[json!(id), json!(7)]), "HARD");
    assert_eq!(page.call("SOF_Login", &[json!(id), json!("000000")]), "false");
    assert_eq!(card.tries_left(), 2, "one wrong PIN, one try");
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(page.call("SOF_Login", &[json!(id), json!("999999")]), "false");
    assert_eq!(card.tries_left(), 1);
    assert_eq!(page.call("SOF_GetPinRetryCount", &[json!(id)]), "1");
    std::thread::sleep(Duration::from_millis(4100));
    assert_eq!(page.call("SOF_Login", &[json!(id), json!(PIN)]), "false", "not unasked");
    assert_eq!(card.tries_left(), 1, "the final try is kept");
    let serial = id.rsplit('/').next().unwrap().to_string();
    let (code, _, err) = run(zca_card(&hsm).args(["bridge", "allow-final-try", &serial]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(page.call("SOF_Login", &[json!(id), json!(PIN)]), "true");
    assert_eq!(card.tries_left(), 3, "a good PIN resets the counter");
    page.call("SOF_SetSignMethod", &[json!(0x0001_0004)]);
    let sig = page.call("SOF_SignData", &[json!(id), json!("signed on the card")]);
    assert!(!sig.is_empty(), "{}", b.log());
    let cert = page.call("SOF_ExportUserCert", &[json!(id)]);
    let verified =
        page.call("SOF_VerifySignedData", &[json!(cert), json!("signed on the card"), json!(sig)]);
    assert_eq!(verified, "true");
    drop(card);
    let event = page.next_event(Duration::from_secs(20)).expect("the card's removal is told");
    assert_eq!(event["call_cmd_id"], "onUsbkeyChange");
    assert!(page.user_list().is_empty());
}
