//! Keys behind an SKF (GM/T 0016) library: zca loads the soft SKF library (testkit/skf-soft)
//! as it would a vendor's, across a process boundary. Tries left, signing and encryption
//! certificates, bind and CA login verified by zca-platform, PIN change and unlock, the final
//! try kept, one key seen through both interfaces, and libraries that misbehave.

mod common;

use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::bridge::Bridge;
use common::skf::{SkfDevices, ADMIN_PIN, DEVICE, USER_PIN};
use common::sm2::{sm2_public_pem, Sm2Ca, Sm2Token, SERIAL};
use common::{account_login, json, run, run_with_input, setup, Hsm};
use serde_json::json;

const LOCK_ID: &str = "3301000077770001";

fn pin_tries(hsm: &Hsm, devices: &SkfDevices) -> serde_json::Value {
    let (code, out, err) = run(devices.zca(hsm).args(["pin", "status", "--json"]));
    assert_eq!(code, 0, "{out}{err}");
    json(&out)["keys"][0]["pin_tries"].clone()
}

#[test]
fn detect_certs_and_pin_status_show_tries_and_each_certificates_use() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (devices, _) = SkfDevices::with_certificates(&ca, LOCK_ID, "孙七", 6);

    let (code, out, err) = run(devices.zca(&hsm).args(["detect", "--json"]));
    assert_eq!(code, 0, "{out}{err}");
    let report = json(&out);
    assert_eq!(report["skf_libraries"][0]["loaded"], true, "{out}");
    let key = &report["keys"][0];
    assert_eq!(key["ca_lock_id"], LOCK_ID);
    assert_eq!(key["interfaces"], serde_json::json!(["skf"]));
    assert_eq!(key["pin_tries"], serde_json::json!({"left": 6, "max": 6}));
    assert_eq!(key["so_pin_tries"], serde_json::json!({"left": 10, "max": 10}));
    assert_eq!(key["certificates"], 2);

    let (code, out, _) = run(devices.zca(&hsm).args(["--lang", "en", "detect"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("CA drivers (SKF libraries)") && out.contains("6 of 6 tries left"),
        "{out}"
    );
    assert!(out.contains("libzca_skf_soft.so (SKF)"), "{out}");

    let (code, out, err) = run(devices.zca(&hsm).args(["certs", "--json"]));
    assert_eq!(code, 0, "{out}{err}");
    let certs = json(&out)["certificates"].as_array().unwrap().clone();
    let uses: Vec<&str> = certs.iter().map(|c| c["usage"].as_str().unwrap()).collect();
    assert_eq!(uses, ["signing", "encryption"]);
    assert!(certs.iter().all(|c| c["common_name"] == "孙七" && c["key"]["kind"] == "sm2"));
    assert!(certs.iter().all(|c| c["container"] == "zca-container"));
    let (_, out, _) = run(devices.zca(&hsm).args(["--lang", "zh", "certs"]));
    assert!(out.contains("zca-container (签名)") && out.contains("zca-container (加密)"), "{out}");

    let (code, out, _) = run(devices.zca(&hsm).args(["pin", "status", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["tries_left_known"], true);
    let (_, out, _) = run(devices.zca(&hsm).args(["--lang", "en", "pin", "status"]));
    assert!(out.contains("ok (6 of 6 tries left)"), "{out}");
    assert!(!out.contains("does not tell how many tries"), "{out}");

    // The helpdesk's check sees the SKF library as a driver, and no slot is no fault.
    let (code, out, err) = run(devices.zca(&hsm).args(["doctor", "--json"]));
    assert!(code == 0 || code == 1, "{out}{err}");
    let checks = json(&out)["checks"].as_array().unwrap().clone();
    let status = |id: &str| checks.iter().find(|c| c["id"] == id).unwrap()["status"].clone();
    assert_eq!(status("modules"), "ok", "{out}");
    assert_eq!(status("readers"), "skipped", "{out}");
    assert_eq!(status("key"), "ok", "{out}");
    assert_eq!(status("pin"), "ok", "{out}");
}

#[test]
fn bind_and_ca_login_with_an_skf_sm2_key_verified_by_the_platform() {
    let (hsm, _, p) = setup();
    let ca = Sm2Ca::new();
    p.trust(&ca.der);
    account_login(&hsm, &p, "alice");
    let (devices, _) = SkfDevices::with_certificates(&ca, LOCK_ID, "孙七", 6);
    let on_platform = || {
        let mut cmd = devices.zca(&hsm);
        cmd.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
        cmd
    };
    // Only the signing certificate is offered: the encryption key does not sign.
    let (code, out, err) =
        run_with_input(on_platform().args(["bind", "--yes", "--json", "--pin-stdin"]), "123456\n");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(json(&out)["binding"]["ca_lock_id"], LOCK_ID, "{out}");
    let (code, out, err) =
        run_with_input(on_platform().args(["login", "--json", "--pin-stdin"]), "123456\n");
    assert_eq!(code, 0, "the platform verified the SKF signature: {out}{err}");
    let logins = p.audit().as_array().unwrap().iter().filter(|a| a["event"] == "ca_login").count();
    assert_eq!(logins, 1, "{}", p.audit());
    assert_eq!(pin_tries(&hsm, &devices)["left"], 6, "good PINs cost nothing");
}

#[test]
fn pin_change_and_unlock_through_skf() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (devices, _) = SkfDevices::with_certificates(&ca, LOCK_ID, "孙七", 6);
    let change = |input: &str| {
        run_with_input(devices.zca(&hsm).args(["pin", "change", "--pin-stdin", "--json"]), input)
    };
    let (code, out, err) = change(&format!("{USER_PIN}\n271828\n"));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = change("999999\n314159\n");
    assert_eq!(code, 4);
    assert_eq!(json(&out)["error"]["code"], "pin_incorrect");
    assert!(json(&out)["error"]["message"].as_str().unwrap().contains('5'), "{out}");
    assert_eq!(pin_tries(&hsm, &devices), serde_json::json!({"left": 5, "max": 6}));

    let unlock = |input: &str| {
        run_with_input(devices.zca(&hsm).args(["pin", "unlock", "--so-pin-stdin", "--json"]), input)
    };
    let (code, out, _) = unlock("87654321\n314159\n");
    assert_eq!(code, 4);
    assert_eq!(json(&out)["error"]["code"], "so_pin_incorrect");
    let (code, out, err) = unlock(&format!("{ADMIN_PIN}\n314159\n"));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(pin_tries(&hsm, &devices), serde_json::json!({"left": 6, "max": 6}));
    let (code, out, err) = change("314159\n271828\n");
    assert_eq!(code, 0, "the unlocked PIN is the new one: {out}{err}");
}

#[test]
fn the_final_try_is_kept_until_the_user_says_yes_and_then_the_key_locks() {
    let (hsm, _, p) = setup();
    let ca = Sm2Ca::new();
    p.trust(&ca.der);
    account_login(&hsm, &p, "alice");
    let (devices, _) = SkfDevices::with_certificates(&ca, LOCK_ID, "孙七", 3);
    let login = |extra: &[&str], pin: &str| {
        let mut cmd = devices.zca(&hsm);
        cmd.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
        cmd.args(["--lang", "en", "login", "--json", "--no-input", "--pin-stdin"]).args(extra);
        run_with_input(&mut cmd, &format!("{pin}\n"))
    };
    let (code, out, _) = login(&[], "000000");
    assert_eq!(code, 4);
    assert!(json(&out)["error"]["message"].as_str().unwrap().contains("2 tries left"), "{out}");
    let (code, out, _) = login(&[], "000000");
    assert_eq!(code, 4);
    assert!(json(&out)["error"]["message"].as_str().unwrap().contains("ONE try left"), "{out}");

    // The final try: refused without --allow-final-try, and nothing reaches the key.
    let (code, out, _) = login(&[], USER_PIN);
    assert_eq!(code, 4);
    assert_eq!(json(&out)["error"]["code"], "pin_final_try_refused");
    assert_eq!(pin_tries(&hsm, &devices)["left"], 1);

    let (code, out, _) = login(&["--allow-final-try"], "000000");
    assert_eq!(code, 4);
    assert!(json(&out)["error"]["message"].as_str().unwrap().contains("now locked"), "{out}");
    assert_eq!(pin_tries(&hsm, &devices), serde_json::json!({"left": 0, "max": 3}));
    let (code, out, _) = login(&["--allow-final-try"], USER_PIN);
    assert_eq!(code, 4);
    assert_eq!(json(&out)["error"]["code"], "pin_locked");
}

#[test]
fn a_key_reached_through_pkcs11_and_skf_is_one_key() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (token, _) = Sm2Token::with_certificate(&[], &ca, "孙七");
    let (devices, _) = SkfDevices::with_certificates(&ca, SERIAL, "孙七", 6);
    let mut cmd = token.zca(&hsm);
    devices.apply(&mut cmd);
    let (code, out, err) = run(cmd.args(["detect", "--json"]));
    assert_eq!(code, 0, "{out}{err}");
    let keys = json(&out)["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1, "{out}");
    assert_eq!(keys[0]["interfaces"], serde_json::json!(["pkcs11", "skf"]));
    assert_eq!(keys[0]["pin_tries"]["left"], 6, "SKF tells the tries of the PKCS#11 key");
    assert!(keys[0]["module"].as_str().unwrap().ends_with("libzca_sm2_pkcs11.so"));
}

#[test]
fn libraries_that_misbehave_get_clear_errors_not_crashes() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (devices, _) = SkfDevices::with_certificates(&ca, LOCK_ID, "孙七", 6);

    // A PKCS#11 module named as an SKF library has none of the functions.
    let mut cmd = devices.zca(&hsm);
    cmd.env("ZCA_SKF_LIBRARY", common::sm2::sm2_module());
    let (code, out, err) = run(cmd.args(["detect", "--json"]));
    assert_eq!(code, 3, "{out}{err}");
    let library = &json(&out)["skf_libraries"][0];
    assert_eq!(library["error"]["kind"], "not_skf", "{out}");
    assert!(library["error"]["detail"].as_str().unwrap().contains("SKF_EnumDev missing"));

    for (fault, expect) in [("error", "SAR_FAIL"), ("garbage", "bytes in a")] {
        let mut cmd = devices.zca(&hsm);
        cmd.env("ZCA_SKF_FAULT", fault);
        let (code, out, err) = run(cmd.args(["--lang", "en", "detect"]));
        assert_eq!(code, 3, "{fault}: {out}{err}");
        assert!(out.contains(expect) || err.contains(expect), "{fault}: {out}{err}");
        assert!(!err.contains("panicked"), "{err}");
    }

    let started = std::time::Instant::now();
    let mut cmd = devices.zca(&hsm);
    cmd.env("ZCA_SKF_FAULT", "hang").env("ZCA_TOKEN_TIMEOUT", "1");
    let (code, out, err) = run(cmd.args(["detect", "--json"]));
    assert_eq!(json(&out)["error"]["code"], "token_timeout", "{out}{err}");
    assert_ne!(code, 0);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn a_removed_device_is_gone_and_comes_back() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (devices, _) = SkfDevices::with_certificates(&ca, LOCK_ID, "孙七", 6);
    devices.insert(DEVICE, false);
    let (code, out, _) = run(devices.zca(&hsm).args(["detect", "--json"]));
    assert_eq!(code, 3);
    assert_eq!(json(&out)["error"]["code"], "token_missing", "{out}");
    devices.insert(DEVICE, true);
    let (code, _, _) = run(devices.zca(&hsm).args(["detect", "--json"]));
    assert_eq!(code, 0);
}

#[test]
fn the_bridge_tells_pages_the_real_tries_and_signs_what_openssl_verifies() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (devices, point) = SkfDevices::with_certificates(&ca, LOCK_ID, "国密用户", 6);
    let b = Bridge::start(hsm.home(), devices.zca(&hsm), devices.zca(&hsm));
    let mut page = b.page();
    let users = page.user_list();
    assert_eq!(users.len(), 1, "the encryption certificate is not a user: {users:?}");
    let (name, id) = users[0].clone();
    assert_eq!(name, "国密用户");
    assert_eq!(page.call("SOF_GetPinRetryCount", &[json!(id)]), "6");
    assert_eq!(page.call("SOF_Login", &[json!(id), json!("000000")]), "false");
    assert_eq!(page.call("SOF_GetPinRetryCount", &[json!(id)]), "5", "SKF counts for real");
    let login = page.call("SOF_Login", &[json!(id), json!(USER_PIN)]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(login, "true", "{}", b.log());
    assert_eq!(page.call("SOF_GetPinRetryCount", &[json!(id)]), "6");
    let sig = page.call("SOF_SignData", &[json!(id), json!("国密签名")]);

    let dir = hsm.dir.path();
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes).unwrap();
        dir.join(name).display().to_string()
    };
    let public = write("sm2.pub.pem", sm2_public_pem(&point).as_bytes());
    let data = write("data.txt", "国密签名".as_bytes());
    let sig_file = write("sm2.sig", &STANDARD.decode(&sig).unwrap());
    let verified = Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-inkey", &public, "-rawin", "-digest", "sm3"])
        .args(["-pkeyopt", "distid:1234567812345678", "-in", &data, "-sigfile", &sig_file])
        .output()
        .unwrap();
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
}
