//! `zca certs` and `zca certs export` against real SoftHSM2 tokens.

mod common;

use common::*;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

fn by_label<'a>(doc: &'a Value, label: &str) -> &'a Value {
    doc["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["object_label"] == label)
        .unwrap_or_else(|| panic!("no certificate object {label} in {doc}"))
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// One token with every kind of certificate object the field has.
struct Fixture {
    hsm: Hsm,
    serial: String,
    rsa: Vec<u8>,
    ec: Vec<u8>,
    expired: Vec<u8>,
    sm2: Vec<u8>,
}

fn fixture() -> Fixture {
    let hsm = Hsm::new();
    let ca = TestCa::new("ZCA Test CA");
    let serial = hsm.init_token("张三的锁");
    hsm.set_serial(&serial, "3301000045102205");
    let serial = "3301000045102205".to_string();

    let spki = hsm.keygen(&serial, "rsa:2048", "01", "rsa-key");
    let spec =
        CertSpec { org: Some("杭州市某某采购单位".into()), ..CertSpec::valid("张三") };
    let rsa = ca.issue(&spki, &spec);
    hsm.write_cert(&serial, &rsa, "01", "签名证书");

    let spki = hsm.keygen(&serial, "EC:prime256v1", "02", "ec-key");
    let ec = ca.issue(&spki, &CertSpec::valid("Zhang San EC"));
    hsm.write_cert(&serial, &ec, "02", "ec");

    let now = OffsetDateTime::now_utc();
    let (_, spki) = software_key();
    let expired = ca.issue(
        &spki,
        &CertSpec {
            not_before: now - Duration::days(400),
            not_after: now - Duration::days(35),
            ..CertSpec::valid("old")
        },
    );
    hsm.write_cert(&serial, &expired, "03", "expired");

    let sm2 = sm2_certificate(hsm.dir.path(), "国密用户");
    hsm.write_cert(&serial, &sm2, "04", "sm2");

    hsm.write_raw_cert(&serial, b"\x30\x82\x01\x00garbage that is not DER", "05", "garbage");
    Fixture { hsm, serial, rsa, ec, expired, sm2 }
}

#[test]
fn every_field_of_every_certificate_kind() {
    let f = fixture();
    let (code, out, err) = run(f.hsm.zca().args(["certs", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["certificates"].as_array().unwrap().len(), 5);

    let rsa = by_label(&doc, "签名证书");
    assert_eq!(rsa["ca_lock_id"], f.serial.as_str());
    assert_eq!(rsa["token_label"], "张三的锁");
    assert_eq!(rsa["id"], "01");
    assert_eq!(rsa["common_name"], "张三");
    assert_eq!(rsa["organization"], "杭州市某某采购单位");
    assert_eq!(rsa["subject"], "C=CN, O=杭州市某某采购单位, CN=张三");
    assert_eq!(rsa["issuer"], "C=CN, O=测试 CA 中心, CN=ZCA Test CA");
    assert_eq!(rsa["key"]["kind"], "rsa");
    assert_eq!(rsa["key"]["bits"], 2048);
    assert_eq!(rsa["signature_algorithm"], "SHA256withECDSA");
    assert_eq!(rsa["key_usage"], serde_json::json!(["digitalSignature", "nonRepudiation"]));
    assert_eq!(rsa["sha256"], sha256_hex(&f.rsa));
    assert!((363..=365).contains(&rsa["days_left"].as_i64().unwrap()));
    // SoftHSM hides private keys until the PIN is given.
    assert_eq!(rsa["private_key"], "unknown");
    let serial = rsa["serial"].as_str().unwrap();
    assert!(serial.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()), "{serial}");
    assert!(rsa["uri"]
        .as_str()
        .unwrap()
        .starts_with("pkcs11:serial=3301000045102205;token=%E5%BC%A0"));
    assert!(rsa["not_after"].as_str().unwrap().ends_with('Z'), "RFC 3339 UTC");

    let ec = by_label(&doc, "ec");
    assert_eq!(ec["key"]["kind"], "ec");
    assert_eq!(ec["key"]["curve"], "P-256");
    assert_eq!(ec["sha256"], sha256_hex(&f.ec));

    let old = by_label(&doc, "expired");
    assert!(old["days_left"].as_i64().unwrap() < 0);
    assert_eq!(old["sha256"], sha256_hex(&f.expired));

    let sm2 = by_label(&doc, "sm2");
    assert_eq!(sm2["key"]["kind"], "sm2");
    assert_eq!(sm2["signature_algorithm"], "SM3withSM2");
    assert_eq!(sm2["common_name"], "国密用户");
    assert_eq!(sm2["organization"], "国密测试单位");
    assert_eq!(sm2["sha256"], sha256_hex(&f.sm2));

    let junk = by_label(&doc, "garbage");
    assert!(junk["parse_error"].is_string());
    assert!(junk.get("subject").is_none());

    let (code, out, err) = run(f.hsm.zca().args(["certs"]));
    assert_eq!(code, 0, "{err}");
    for text in [
        "张三 (杭州市某某采购单位)",
        "RSA-2048",
        "EC P-256",
        "SM2",
        "not a readable certificate",
        "unknown (hidden until PIN)",
    ] {
        assert!(out.contains(text), "{text} missing from\n{out}");
    }
    assert!(err.contains("warning: one certificate has expired"), "{err}");
}

#[test]
fn a_private_key_visible_without_login_is_found_by_id_and_by_public_key() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = hsm.init_token("k");
    let (pkcs8, spki) = software_key();
    let cert = ca.issue(&spki, &CertSpec::valid("same id"));
    hsm.import_visible_key(&serial, &pkcs8, &spki, "0a", "key");
    hsm.write_cert(&serial, &cert, "0a", "by-id");
    // Same key, certificate object under another CKA_ID: matched by the public key.
    hsm.write_cert(&serial, &cert, "0b", "by-key");
    let (_, other) = software_key();
    hsm.write_cert(&serial, &ca.issue(&other, &CertSpec::valid("no key")), "0c", "none");

    let (code, out, err) = run(hsm.zca().args(["certs", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc = json(&out);
    assert_eq!(by_label(&doc, "by-id")["private_key"], "yes");
    assert_eq!(by_label(&doc, "by-key")["private_key"], "yes");
    assert_eq!(by_label(&doc, "none")["private_key"], "unknown");
}

#[test]
fn token_filter_and_a_key_with_no_certificate() {
    let f = fixture();
    let empty = f.hsm.init_token("空锁");
    let (code, out, _) = run(f.hsm.zca().args(["certs", "--json", "--token", "空锁"]));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["certificates"], serde_json::json!([]));
    let (code, _, err) = run(f.hsm.zca().args(["certs", "--token", &empty]));
    assert_eq!(code, 0);
    assert!(err.contains("no certificate"), "{err}");

    let (code, out, _) = run(f.hsm.zca().args(["certs", "--json", "--token", "3301000045102205"]));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["certificates"].as_array().unwrap().len(), 5);

    let (code, out, _) = run(f.hsm.zca().args(["--json", "certs", "--token", "nope"]));
    assert_eq!(code, 3);
    assert_eq!(json(&out)["error"]["code"], "token_not_found");
}

#[test]
fn fail_if_expiring_exits_7_for_cron() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = hsm.init_token("k");
    let now = OffsetDateTime::now_utc();
    let (_, spki) = software_key();
    let soon = CertSpec {
        not_after: now + Duration::days(10) + Duration::hours(1),
        ..CertSpec::valid("soon")
    };
    hsm.write_cert(&serial, &ca.issue(&spki, &soon), "01", "soon");

    let (code, _, _) = run(hsm.zca().args(["certs", "--fail-if-expiring", "5"]));
    assert_eq!(code, 0);
    let (code, out, err) = run(hsm.zca().args(["certs", "--fail-if-expiring", "30"]));
    assert_eq!(code, 7);
    assert!(out.contains("soon"), "the listing is still printed: {out}");
    assert!(err.contains("one certificate expires within 30 days"), "{err}");
    let (code, out, _) = run(hsm.zca().args(["certs", "--json", "--fail-if-expiring", "30"]));
    assert_eq!(code, 7);
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "certificate_expiring");
    assert_eq!(doc["certificates"].as_array().unwrap().len(), 1);
}

#[test]
fn export_pem_and_der_by_fingerprint_or_id() {
    let f = fixture();
    let sha = sha256_hex(&f.ec);

    let (code, out, err) = run(f.hsm.zca().args(["certs", "export", "--sha256", &sha[..12]]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("-----BEGIN CERTIFICATE-----\n"));
    let pem_file = f.hsm.path("ec.pem");
    std::fs::write(&pem_file, &out).unwrap();
    let der = std::process::Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in"])
        .arg(&pem_file)
        .output()
        .unwrap();
    assert_eq!(der.stdout, f.ec, "openssl reads the PEM back to the same DER");

    let out_file = f.hsm.path("rsa.der");
    let (code, _, err) = run(f
        .hsm
        .zca()
        .args(["certs", "export", "--token", "3301000045102205", "--id", "01", "--der", "-o"])
        .arg(&out_file));
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&out_file).unwrap(), f.rsa);
    assert!(err.contains("certificate written to"), "{err}");

    let (code, out, _) = run(f.hsm.zca().args(["--json", "certs", "export", "--sha256", &sha]));
    assert_eq!(code, 0);
    let doc = json(&out);
    assert_eq!(doc["sha256"], sha.as_str());
    assert!(doc["pem"].as_str().unwrap().contains("BEGIN CERTIFICATE"));

    let (code, _, err) = run(f.hsm.zca().args(["certs", "export", "--sha256", "00000000"]));
    assert_eq!(code, 1);
    assert!(err.contains("no certificate matches 00000000"), "{err}");
    let (code, _, err) = run(f.hsm.zca().args(["certs", "export", "--sha256", "abc"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = run(f.hsm.zca().args(["certs", "export"]));
    assert_eq!(code, 2);
}
