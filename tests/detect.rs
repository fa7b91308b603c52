//! `zca detect` against real SoftHSM2 tokens, run as a process.

mod common;

use common::*;

#[test]
fn lists_keys_with_ca_lock_id_label_and_certificate_count() {
    let hsm = Hsm::new();
    let ca = TestCa::new("测试 CA");
    let serial = hsm.init_token("张三的锁");
    hsm.set_serial(&serial, "3301000045102205");
    let spki = hsm.keygen("3301000045102205", "rsa:2048", "01", "rsa");
    hsm.write_cert("3301000045102205", &ca.issue(&spki, &CertSpec::valid("张三")), "01", "张三");
    let other = hsm.init_token("empty");

    let (code, out, err) = run(hsm.zca().args(["detect", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    assert_eq!(doc["schema_version"], 1);
    let keys = doc["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    let k = keys.iter().find(|k| k["ca_lock_id"] == "3301000045102205").unwrap();
    assert_eq!(k["label"], "张三的锁");
    assert_eq!(k["manufacturer"], "SoftHSM project");
    assert_eq!(k["model"], "SoftHSM v2");
    assert_eq!(k["pin_state"], "ok");
    assert_eq!(k["login_required"], true);
    assert_eq!(k["protected_auth_path"], false);
    assert_eq!(k["certificates"], 1);
    let e = keys.iter().find(|k| k["ca_lock_id"] == other.as_str()).unwrap();
    assert_eq!(e["certificates"], 0);
    let m = &doc["modules"][0];
    assert_eq!(m["loaded"], true);
    assert_eq!(m["source"], "env");
    assert_eq!(m["library"]["manufacturer"], "SoftHSM");
    // SoftHSM always keeps a spare, uninitialized slot: listed as a slot, not as a key.
    assert!(doc["slots"].as_array().unwrap().iter().any(|s| s["token_initialized"] == false));

    let (code, out, _) = run(hsm.zca().args(["detect"]));
    assert_eq!(code, 0);
    assert!(out.contains("3301000045102205") && out.contains("张三的锁"), "{out}");
}

#[test]
fn pin_count_low_is_reported_after_a_wrong_pin() {
    let hsm = Hsm::new();
    let serial = hsm.init_token("k");
    let status = std::process::Command::new("pkcs11-tool")
        .env("SOFTHSM2_CONF", hsm.conf())
        .arg("--module")
        .arg(softhsm_module())
        .args(["--token-label", "k", "-l", "--pin", "000000", "-O"])
        .output()
        .unwrap();
    assert!(!status.status.success(), "the wrong PIN is refused");
    let (code, out, _) = run(hsm.zca().args(["detect", "--json"]));
    assert_eq!(code, 0);
    let doc = json(&out);
    assert_eq!(doc["keys"][0]["ca_lock_id"], serial.as_str());
    assert_eq!(doc["keys"][0]["pin_state"], "count_low");
}

#[test]
fn no_key_is_token_missing_exit_3() {
    let hsm = Hsm::new();
    let (code, out, err) = run(hsm.zca().args(["detect"]));
    assert_eq!(code, 3);
    assert!(err.contains("no CA key is inserted"), "{err}");
    assert!(err.contains("hint: insert the CA key"), "{err}");
    assert!(out.contains("libsofthsm2.so"), "the modules looked at are still shown: {out}");

    let (code, out, _) = run(hsm.zca().args(["detect", "--json"]));
    assert_eq!(code, 3);
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "token_missing");
    assert_eq!(doc["error"]["exit_code"], 3);
    assert!(doc["error"]["hint"].as_str().unwrap().contains("pcscd"));
    assert_eq!(doc["modules"][0]["loaded"], true);
}

#[test]
fn missing_module_file_is_named_with_its_reason() {
    let hsm = Hsm::new();
    let (code, out, _) = run(hsm
        .zca()
        .args(["--json", "detect"])
        .env("ZCA_PKCS11_MODULE", "/nonexistent/libvendor.so"));
    assert_eq!(code, 3);
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "driver_unusable");
    assert_eq!(doc["modules"][0]["error"]["kind"], "file_missing");
    assert!(doc["error"]["message"]
        .as_str()
        .unwrap()
        .contains("/nonexistent/libvendor.so: file not found"));
}

#[test]
fn a_file_that_is_not_a_pkcs11_library_is_reported_and_others_still_load() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let fake = hsm.path("libfake.so");
    std::fs::write(&fake, "this is not a library").unwrap();
    let modules = format!("{}:{}", fake.display(), softhsm_module().display());
    let (code, out, err) =
        run(hsm.zca().args(["detect", "--json"]).env("ZCA_PKCS11_MODULE", modules));
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    assert_eq!(doc["modules"][0]["error"]["kind"], "not_pkcs11");
    assert_eq!(doc["modules"][1]["loaded"], true);
    assert_eq!(doc["keys"].as_array().unwrap().len(), 1);

    // A real shared library that is not PKCS#11: no C_GetFunctionList.
    let libz = [
        "/usr/lib/x86_64-linux-gnu/libz.so.1",
        "/lib/x86_64-linux-gnu/libz.so.1",
        "/usr/lib/aarch64-linux-gnu/libz.so.1",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists());
    if let Some(libz) = libz {
        let (code, out, _) = run(hsm.zca().args(["detect", "--json", "--module", libz]));
        assert_eq!(code, 3);
        let doc = json(&out);
        assert_eq!(doc["modules"][0]["error"]["kind"], "not_pkcs11");
        assert!(doc["modules"][0]["error"]["detail"]
            .as_str()
            .unwrap()
            .contains("C_GetFunctionList"));
    }
}

#[test]
fn no_driver_at_all_gives_the_platform_words_and_exit_3() {
    let hsm = Hsm::new();
    let empty_root = hsm.path("root");
    std::fs::create_dir_all(&empty_root).unwrap();
    let mut cmd = hsm.zca();
    cmd.env_remove("ZCA_PKCS11_MODULE").env("ZCA_SYSROOT", &empty_root).args(["detect"]);
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 3);
    assert!(err.contains("CA 客户端驱动未安装, 请下载"), "{err}");
    assert!(err.contains("zca drivers"), "{err}");

    let (code, _, err) = run(cmd.arg("--lang").arg("zh"));
    assert_eq!(code, 3);
    assert!(err.starts_with("错误: CA 客户端驱动未安装, 请下载"), "{err}");
}

#[test]
fn discovery_finds_the_vendor_table_library_and_uses_it() {
    let hsm = Hsm::new();
    let serial = hsm.init_token("found");
    let root = hsm.path("root");
    let lib = root.join("usr/lib/x86_64-linux-gnu/softhsm");
    std::fs::create_dir_all(&lib).unwrap();
    std::os::unix::fs::symlink(softhsm_module(), lib.join("libsofthsm2.so")).unwrap();
    let mut cmd = hsm.zca();
    cmd.env_remove("ZCA_PKCS11_MODULE").env("ZCA_SYSROOT", &root).args(["detect", "--json"]);
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    assert_eq!(doc["modules"].as_array().unwrap().len(), 1);
    assert_eq!(doc["modules"][0]["source"], "vendor_table");
    assert_eq!(doc["modules"][0]["vendor"], "SoftHSM");
    assert_eq!(doc["keys"][0]["ca_lock_id"], serial.as_str());
}

#[test]
fn the_same_module_named_twice_is_loaded_once() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let link = hsm.path("alias.so");
    std::os::unix::fs::symlink(softhsm_module(), &link).unwrap();
    let modules = format!("{}:{}", softhsm_module().display(), link.display());
    let (code, out, _) =
        run(hsm.zca().args(["detect", "--json"]).env("ZCA_PKCS11_MODULE", modules));
    assert_eq!(code, 0);
    let doc = json(&out);
    assert_eq!(doc["modules"].as_array().unwrap().len(), 1);
    assert_eq!(doc["keys"].as_array().unwrap().len(), 1);
}

#[test]
fn sixty_keys_at_once() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let (_, spki) = software_key();
    let cert = ca.issue(&spki, &CertSpec::valid("many"));
    let mut serials = Vec::new();
    for i in 0..60 {
        let serial = hsm.init_token(&format!("key{i:02}"));
        hsm.write_cert(&serial, &cert, "01", "c");
        serials.push(serial);
    }
    let (code, out, err) = run(hsm.zca().args(["detect", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    let mut seen: Vec<String> = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["ca_lock_id"].as_str().unwrap().to_string())
        .collect();
    seen.sort();
    serials.sort();
    assert_eq!(seen, serials);
    assert!(doc["keys"].as_array().unwrap().iter().all(|k| k["certificates"] == 1));

    let (code, out, _) = run(hsm.zca().args(["certs", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["certificates"].as_array().unwrap().len(), 60);
}
