//! The certificate set zca reports equals what GnuTLS's p11tool and OpenSC's pkcs11-tool report
//! for the same tokens.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::*;

/// (CA锁ID, CKA_ID hex, object label)
type CertKey = (String, String, String);

fn percent_decode(s: &str) -> String {
    String::from_utf8(percent_decode_bytes(s)).unwrap()
}

fn zca_set(hsm: &Hsm) -> BTreeSet<CertKey> {
    let (code, out, err) = run(hsm.zca().args(["certs", "--json"]));
    assert_eq!(code, 0, "{err}");
    json(&out)["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (s("ca_lock_id"), s("id"), s("object_label"))
        })
        .collect()
}

fn p11tool_set(hsm: &Hsm) -> BTreeSet<CertKey> {
    let out = Command::new("p11tool")
        .env("SOFTHSM2_CONF", hsm.conf())
        .arg("--provider")
        .arg(softhsm_module())
        .args(["--list-all-certs", "pkcs11:"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("URL: pkcs11:"))
        .map(|url| {
            let field = |name: &str| {
                url.split(';')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .map(percent_decode)
                    .unwrap_or_default()
            };
            let id = hex::encode(percent_decode_bytes(&field_raw(url, "id")));
            (field("serial"), id, field("object"))
        })
        .collect()
}

fn field_raw(url: &str, name: &str) -> String {
    url.split(';')
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .unwrap_or_default()
        .to_string()
}

fn percent_decode_bytes(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            it.next();
            it.next();
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    out
}

/// pkcs11-tool lists one token per process: run it for each token label.
fn pkcs11_tool_set(hsm: &Hsm, tokens: &[(String, String)]) -> BTreeSet<CertKey> {
    let mut set = BTreeSet::new();
    for (serial, label) in tokens {
        let out = Command::new("pkcs11-tool")
            .env("SOFTHSM2_CONF", hsm.conf())
            .arg("--module")
            .arg(softhsm_module())
            .args(["--token-label", label, "-O", "--type", "cert"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let mut object_label = None;
        for line in text.lines() {
            let line = line.trim();
            if let Some(l) = line.strip_prefix("label:") {
                object_label = Some(l.trim().to_string());
            }
            if let Some(id) = line.strip_prefix("ID:") {
                set.insert((serial.clone(), id.trim().to_string(), object_label.take().unwrap()));
            }
        }
    }
    set
}

#[test]
fn zca_reports_the_same_certificates_as_p11tool_and_pkcs11_tool() {
    let hsm = Hsm::new();
    let ca = TestCa::new("Peer CA");
    let mut tokens = Vec::new();

    let a = hsm.init_token("rsa-token");
    let spki = hsm.keygen(&a, "rsa:2048", "01", "k");
    hsm.write_cert(&a, &ca.issue(&spki, &CertSpec::valid("RSA user")), "01", "rsa-cert");
    tokens.push((a.clone(), "rsa-token".to_string()));

    let b = hsm.init_token("两张证书");
    let spki = hsm.keygen(&b, "EC:prime256v1", "0a", "k");
    hsm.write_cert(&b, &ca.issue(&spki, &CertSpec::valid("签名")), "0a", "签名证书");
    let (_, other) = software_key();
    hsm.write_cert(&b, &ca.issue(&other, &CertSpec::valid("加密")), "0b", "加密证书");
    tokens.push((b.clone(), "两张证书".to_string()));

    let c = hsm.init_token("empty");
    tokens.push((c, "empty".to_string()));

    let zca = zca_set(&hsm);
    assert_eq!(zca.len(), 3, "{zca:?}");
    assert_eq!(zca, p11tool_set(&hsm), "zca and p11tool disagree");
    assert_eq!(zca, pkcs11_tool_set(&hsm, &tokens), "zca and pkcs11-tool disagree");

    // SM2: p11tool (GnuTLS 3.7) cannot parse it; pkcs11-tool lists it, and so does zca.
    let sm2 = sm2_certificate(hsm.dir.path(), "国密");
    hsm.write_cert(&a, &sm2, "02", "sm2-cert");
    let zca = zca_set(&hsm);
    assert_eq!(zca.len(), 4);
    assert_eq!(zca, pkcs11_tool_set(&hsm, &tokens), "zca and pkcs11-tool disagree on SM2");
}
