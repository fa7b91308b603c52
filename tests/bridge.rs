//! `zca bridge` as a process, driven by a WebSocket client the way procurement pages drive the
//! CA client service: keys on SoftHSM2 tokens (RSA-2048, P-256), the soft SM2 module, the
//! fault module; signatures and SignedData checked with openssl.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::bridge::{Bridge, Page, ORIGIN};
use common::sm2::{sm2_public_pem, Sm2Ca, Sm2Token};
use common::*;
use serde_json::{json, Value};

fn bridge(hsm: &Hsm) -> Bridge {
    Bridge::start(hsm.home(), hsm.zca(), hsm.zca())
}

/// `openssl` with these arguments succeeds (and says so on stdout for `dgst -verify`).
fn openssl_ok(args: &[&str]) -> bool {
    let out = Command::new("openssl").args(args).output().unwrap();
    if !out.status.success() {
        eprintln!("openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    out.status.success()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// The PEM public key of a certificate (DER).
fn public_key_pem(dir: &Path, cert_der: &[u8], name: &str) -> String {
    let cert = write(dir, &format!("{name}.der"), cert_der);
    let out = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-noout", "-pubkey", "-in", &cert])
        .output()
        .unwrap();
    write(dir, &format!("{name}.pub.pem"), &out.stdout)
}

const SM3_RSA: i64 = 0x0001_0001;
const SHA1_RSA: i64 = 0x0001_0002;
const SHA256_RSA: i64 = 0x0001_0004;

#[test]
fn pages_list_export_log_in_and_sign_with_rsa_and_ec_keys() {
    let hsm = Hsm::new();
    let ca = TestCa::new("桥测试 CA");
    let spec =
        CertSpec { org: Some("杭州市某某采购单位".into()), ..CertSpec::valid("张三") };
    let rsa = key_with_cert(&hsm, &ca, "rsa", "rsa:2048", &spec);
    let ec = key_with_cert(&hsm, &ca, "ec", "EC:prime256v1", &CertSpec::valid("李四"));
    let b = bridge(&hsm);
    let mut page = b.page();
    assert_eq!(page.call("SOF_GetVersion", &[]), "3.0.0");
    let users = page.user_list();
    let id_of = |serial: &str| {
        users.iter().find(|(_, id)| id.ends_with(serial)).map(|(_, id)| id.clone()).unwrap()
    };
    let (rsa_id, ec_id) = (id_of(&rsa), id_of(&ec));
    // As the real service forms it: the container (here the object's label) and the device's
    // serial, the CA锁ID; never a slot.
    assert_eq!(rsa_id, format!("cert/{rsa}"));
    assert!(users.contains(&("张三".to_string(), rsa_id.clone())), "{users:?}");

    // The certificate and its fields.
    let cert_b64 = page.call("SOF_ExportUserCert", &[json!(rsa_id)]);
    let cert_der = STANDARD.decode(&cert_b64).unwrap();
    assert_eq!(cert_der, std::fs::read(hsm.path(&format!("cert-{rsa}-01.der"))).unwrap());
    let info =
        |page: &mut Page, kind: Value| page.call("SOF_GetCertInfo", &[json!(cert_b64), kind]);
    assert_eq!(info(&mut page, json!(1)), "V3");
    assert_eq!(info(&mut page, json!(3)), "RSA");
    assert_eq!(info(&mut page, json!(17)), "张三");
    assert_eq!(info(&mut page, json!("14")), "杭州市某某采购单位", "a number as text too");
    assert_eq!(info(&mut page, json!(13)), "CN");
    assert_eq!(info(&mut page, json!(8)), "桥测试 CA");
    assert_eq!(info(&mut page, json!(0x31)), "张三", "GM/T 0006's subject CN");
    for kind in [11, 12, 0x35, 0x36] {
        let t = info(&mut page, json!(kind));
        assert!(t.len() == 14 && t.chars().all(|c| c.is_ascii_digit()), "{kind}: {t}");
    }
    assert!(info(&mut page, json!(33)).contains("CN=张三"));
    assert!(info(&mut page, json!(34)).contains("CN=桥测试 CA"));
    let spki = STANDARD.decode(info(&mut page, json!(20))).unwrap();
    assert_eq!(spki, std::fs::read(hsm.path(&format!("pub-{rsa}-01.der"))).unwrap());
    let serial_hex = info(&mut page, json!(2));
    assert!(!serial_hex.is_empty() && serial_hex.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(info(&mut page, json!(999)), "", "an unknown type");
    assert_eq!(page.call("SOF_GetCertInfoByOid", &[json!(cert_b64), json!("2.5.4.3")]), "张三");
    assert_eq!(page.call("SOF_ExportExChangeUserCert", &[json!(rsa_id)]), "", "no encryption cert");
    assert_eq!(page.call("SOF_ValidateCert", &[json!(cert_b64)]), "0");
    // The device, by the real service's numbers (3: the CA锁ID) and GM/T 0006's codes.
    let device =
        |page: &mut Page, name: &str, what: i64| page.call(name, &[json!(rsa_id), json!(what)]);
    assert_eq!(device(&mut page, "GetDeviceInfo", 1), "rsa", "the key's label");
    assert_eq!(device(&mut page, "GetDeviceInfo", 3), rsa, "the CA锁ID");
    assert_eq!(device(&mut page, "GetDeviceInfo", 4), "RSA");
    assert_eq!(device(&mut page, "GetDeviceInfo", 7), "SOFT");
    assert_eq!(device(&mut page, "GetDeviceInfo", 8), "libsofthsm2.so", "the driver");
    assert_eq!(device(&mut page, "SOF_GetDeviceInfo", 0x208), rsa, "SGD_DEVICE_SERIAL_NUMBER");
    assert_eq!(device(&mut page, "SOF_GetDeviceInfo", 0x203), "rsa", "SGD_DEVICE_NAME");
    assert_eq!(device(&mut page, "SOF_GetDeviceInfo", 0x204), "SoftHSM project");
    assert_eq!(page.call("GetDeviceInfo", &[json!(ec_id), json!(4)]), "ECC");
    // The devices, as that service's other functions tell them.
    assert_eq!(page.call("GetDeviceCount", &[]), "2");
    let all = page.call("GetAllDeviceSN", &[]);
    let mut serials: Vec<&str> = all.split(';').collect();
    serials.sort();
    let mut want = [rsa.as_str(), ec.as_str()];
    want.sort();
    assert_eq!(serials, want);
    let first = page.call("GetDeviceSNByIndex", &[json!(0)]);
    assert!(want.contains(&first.as_str()), "{first}");
    assert_eq!(page.call("GetDeviceSNByIndex", &[json!(2)]), "");
    assert_eq!(page.call("IsDeviceExist", &[json!(rsa)]), "true");
    assert_eq!(page.call("IsDeviceExist", &[json!("3301000000000000")]), "false");
    assert_eq!(page.call("SOF_GetAllContainerName", &[json!(rsa)]), "cert");
    assert_eq!(page.call("SOF_GetRetryCount", &[json!(rsa_id)]), "2");
    assert_eq!(page.call("Base64Encode", &[json!("政采云")]), STANDARD.encode("政采云"));
    assert_eq!(page.call("Base64Decode", &[json!(STANDARD.encode("政采云"))]), "政采云");
    assert!(page.call("SOF_GetProductVersion", &[]).starts_with("zca "));

    // Nothing is signed before the connection's own login; a wrong PIN is refused.
    assert_eq!(page.call("SOF_IsLogin", &[json!(rsa_id)]), "false");
    assert_eq!(page.call("SOF_SignData", &[json!(rsa_id), json!("data")]), "");
    assert_eq!(page.call("SOF_Login", &[json!(rsa_id), json!("000000")]), "false");
    // The last failure, as number and text (SAR_PIN_INCORRECT).
    assert_eq!(page.call("SOF_GetLastError", &[]), (0x0A00_0024).to_string());
    assert!(page.call("SOF_GetLastErrMsg", &[]).contains("PIN"), "the reason");
    assert_eq!(page.call("SOF_GetPinRetryCount", &[json!(rsa_id)]), "2", "at least two");
    // The next try waits out the pause a wrong PIN set, then goes to the key.
    assert_eq!(page.call("SOF_Login", &[json!(rsa_id), json!(PIN)]), "true");
    assert!(b.wait_for_log("the key's pause after a wrong PIN"), "{}", b.log());
    assert_eq!(page.call("SOF_IsLogin", &[json!(rsa_id)]), "true");
    assert_eq!(page.call("SOF_GetLastLoginCertID", &[]), rsa_id);

    // RSA with each sign method, checked by openssl and by the bridge itself.
    let dir = hsm.dir.path();
    let rsa_pub = public_key_pem(dir, &cert_der, "rsa");
    let data = write(dir, "data.txt", "政府采购 data to sign".as_bytes());
    for (method, digest) in [(SHA1_RSA, "-sha1"), (SHA256_RSA, "-sha256"), (SM3_RSA, "-sm3")] {
        assert_eq!(page.call("SOF_SetSignMethod", &[json!(method)]), "true");
        assert_eq!(page.call("SOF_GetSignMethod", &[]), method.to_string());
        let sig = page.call("SOF_SignData", &[json!(rsa_id), json!("政府采购 data to sign")]);
        let sig_file = write(dir, "rsa.sig", &STANDARD.decode(&sig).unwrap());
        if method == SM3_RSA {
            // OpenSSL 3 will not pair SM3 with RSA in `dgst`: the PKCS#1 block is checked
            // against the DigestInfo made here from `openssl dgst -sm3`.
            let out = Command::new("openssl").args(["dgst", "-sm3", "-binary", &data]).output();
            let mut info = vec![
                0x30, 0x30, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11,
                0x05, 0x00, 0x04, 0x20,
            ];
            info.extend(out.unwrap().stdout);
            let info_file = write(dir, "sm3.info", &info);
            assert!(openssl_ok(&[
                "pkeyutl", "-verify", "-pubin", "-inkey", &rsa_pub, "-in", &info_file, "-sigfile",
                &sig_file,
            ]));
        } else {
            assert!(openssl_ok(&[
                "dgst",
                digest,
                "-verify",
                &rsa_pub,
                "-signature",
                &sig_file,
                &data
            ]));
        }
        let verify = |page: &mut Page, text: &str| {
            page.call("SOF_VerifySignedData", &[json!(cert_b64), json!(text), json!(sig)])
        };
        assert_eq!(verify(&mut page, "政府采购 data to sign"), "true", "{digest}");
        assert_eq!(verify(&mut page, "other data"), "false");
    }
    let b64 = page.call("SOF_SignDataBase64", &[json!(rsa_id), json!(STANDARD.encode("abc"))]);
    assert!(!b64.is_empty());
    assert_eq!(page.call("SOF_SetSignMethod", &[json!(12345)]), "false", "not a method");

    // CMS SignedData, attached and detached, checked by openssl cms and by the bridge.
    page.call("SOF_SetSignMethod", &[json!(SHA256_RSA)]);
    let ca_file = write(dir, "ca.der.pem", pem(&ca.der).as_bytes());
    for (flag, detached) in [(0, false), (1, true)] {
        let p7 = page.call("SOF_SignMessage", &[json!(flag), json!(rsa_id), json!("合同正文")]);
        let p7_file = write(dir, "msg.p7", &STANDARD.decode(&p7).unwrap());
        let content = write(dir, "content.txt", "合同正文".as_bytes());
        let out = dir.join("out.txt").display().to_string();
        let mut args = vec!["cms", "-verify", "-binary", "-inform", "DER", "-in", &p7_file];
        args.extend(["-CAfile", &ca_file, "-purpose", "any", "-out", &out]);
        if detached {
            args.extend(["-content", &content]);
        }
        assert!(openssl_ok(&args), "flag {flag}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "合同正文");
        let data = if detached { "合同正文" } else { "" };
        assert_eq!(page.call("SOF_VerifySignedMessage", &[json!(p7), json!(data)]), "true");
        if detached {
            let other = page.call("SOF_VerifySignedMessage", &[json!(p7), json!("改过的正文")]);
            assert_eq!(other, "false");
        }
    }

    // The EC key: ECDSA with SHA-256, DER.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(page.call("SOF_Login", &[json!(ec_id), json!(PIN)]), "true");
    let ec_cert = STANDARD.decode(page.call("SOF_ExportUserCert", &[json!(ec_id)])).unwrap();
    let ec_pub = public_key_pem(dir, &ec_cert, "ec");
    let sig = page.call("SOF_SignData", &[json!(ec_id), json!("政府采购 data to sign")]);
    let sig_file = write(dir, "ec.sig", &STANDARD.decode(&sig).unwrap());
    assert!(openssl_ok(&["dgst", "-sha256", "-verify", &ec_pub, "-signature", &sig_file, &data]));

    // Random bytes, within bounds.
    let random = STANDARD.decode(page.call("SOF_GenRandom", &[json!(16)])).unwrap();
    assert_eq!(random.len(), 16);
    assert_eq!(page.call("SOF_GenRandom", &[json!(0)]), "");
    assert_eq!(page.call("SOF_GenRandom", &[json!(1 << 30)]), "");

    // Logout ends the signing.
    assert_eq!(page.call("SOF_Logout", &[json!(rsa_id)]), "true");
    assert_eq!(page.call("SOF_IsLogin", &[json!(rsa_id)]), "false");
    assert_eq!(page.call("SOF_SignData", &[json!(rsa_id), json!("x")]), "");
    let log = b.log();
    assert!(!log.contains(PIN) && !log.contains("not-for-the-log"), "no PIN or cookie: {log}");
    assert!(log.contains("wrong PIN"), "{log}");
}

fn pem(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> =
        b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n"))
}

#[test]
fn an_sm2_key_signs_sm3_with_sm2_and_signed_data_that_openssl_verifies() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (token, point) = Sm2Token::with_certificate(&[], &ca, "国密用户");
    let b = Bridge::start(hsm.home(), token.zca(&hsm), token.zca(&hsm));
    let mut page = b.page();
    let (name, id) = page.user_list().remove(0);
    assert_eq!(name, "国密用户");
    let cert_b64 = page.call("SOF_ExportUserCert", &[json!(id)]);
    assert_eq!(page.call("SOF_GetCertInfo", &[json!(cert_b64), json!(3)]), "SM2");
    assert_eq!(page.call("SOF_Login", &[json!(id), json!(PIN)]), "true");
    assert_eq!(page.call("SOF_GetSignMethod", &[]), (0x0002_0201).to_string(), "SM3withSM2");
    let sig = page.call("SOF_SignData", &[json!(id), json!("国密签名")]);
    let dir = hsm.dir.path();
    let public = write(dir, "sm2.pub.pem", sm2_public_pem(&point).as_bytes());
    let data = write(dir, "data.txt", "国密签名".as_bytes());
    let sig_file = write(dir, "sm2.sig", &STANDARD.decode(&sig).unwrap());
    assert!(openssl_ok(&[
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        &public,
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
        "-in",
        &data,
        "-sigfile",
        &sig_file,
    ]));
    assert_eq!(
        page.call("SOF_VerifySignedData", &[json!(cert_b64), json!("国密签名"), json!(sig)]),
        "true"
    );
    let p7 = page.call("SOF_SignMessage", &[json!(0), json!(id), json!("国密正文")]);
    let p7_file = write(dir, "sm2.p7", &STANDARD.decode(&p7).unwrap());
    // OpenSSL 3.0 reads the SignedData, but its `cms -verify` checks SM2 signers with an empty
    // signer ID where GM/T 0009 and 0010 use 1234567812345678: the signature is checked with
    // `pkeyutl` and that ID, over the signed attributes, and the message digest with `dgst`.
    assert!(openssl_ok(&["cms", "-cmsout", "-print", "-inform", "DER", "-in", &p7_file]));
    let parsed = Command::new("openssl")
        .args(["asn1parse", "-inform", "DER", "-in", &p7_file])
        .output()
        .unwrap();
    let parsed = String::from_utf8(parsed.stdout).unwrap();
    let element = |line: &str| -> (usize, usize, usize) {
        let field = |name: &str| -> usize {
            let at = line.find(name).unwrap() + name.len();
            line[at..]
                .trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        (line.split(':').next().unwrap().trim().parse().unwrap(), field("hl="), field(" l="))
    };
    let attrs_line = parsed.lines().rfind(|l| l.contains("cont [ 0 ]")).unwrap();
    let sig_line = parsed.lines().rfind(|l| l.contains("OCTET STRING")).unwrap();
    let digest_line = parsed.lines().filter(|l| l.contains("OCTET STRING")).nth_back(1).unwrap();
    let der = STANDARD.decode(&p7).unwrap();
    let (at, hl, len) = element(attrs_line);
    let mut attrs = der[at..at + hl + len].to_vec();
    attrs[0] = 0x31; // [0] IMPLICIT → the SET OF that was signed
    let (at, hl, len) = element(sig_line);
    let sig = write(dir, "cms.sig", &der[at + hl..at + hl + len]);
    let attrs = write(dir, "cms.attrs", &attrs);
    assert!(openssl_ok(&[
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        &public,
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
        "-in",
        &attrs,
        "-sigfile",
        &sig,
    ]));
    let content = write(dir, "sm2-content.txt", "国密正文".as_bytes());
    let sm3 = Command::new("openssl").args(["dgst", "-sm3", "-binary", &content]).output().unwrap();
    let (at, hl, len) = element(digest_line);
    assert_eq!(der[at + hl..at + hl + len], sm3.stdout[..], "messageDigest is SM3 of the content");
    assert!(parsed.contains("sm3") && parsed.contains("1.2.156.10197.1.301.1"), "GM/T 0010 OIDs");
    assert_eq!(page.call("SOF_VerifySignedMessage", &[json!(p7), json!("")]), "true");
}

#[test]
fn only_allowed_origins_on_loopback_hosts_are_served_and_wss_works() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let b = bridge(&hsm);
    let port = Bridge::port(&b.ws);
    let refused = |r: Result<Page, (u16, String)>| r.err().expect("refused");
    let (status, body) = refused(b.connect(&b.ws, Some("https://evil.example"), None));
    assert_eq!(status, 403);
    assert!(body.contains("zca bridge allow https://evil.example"), "names the command: {body}");
    let (status, _) = refused(b.connect(&b.ws, None, None));
    assert_eq!(status, 403, "no Origin");
    let rebinding = format!("evil.example:{port}");
    let (status, body) = refused(b.connect(&b.ws, Some(ORIGIN), Some(&rebinding)));
    assert_eq!(status, 403, "DNS rebinding: {body}");
    let other_path = b.ws.replace("/xtxapp/", "/other/");
    assert_eq!(refused(b.connect(&other_path, Some(ORIGIN), None)).0, 404);
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        assert!(b.connect(&b.ws, Some(ORIGIN), Some(&host)).is_ok(), "{host}");
    }
    // wss with the bridge's own CA.
    let mut page = b.connect(&b.wss, Some(ORIGIN), None).expect("wss");
    assert_eq!(page.call("SOF_GetVersion", &[]), "3.0.0");
    // Allowed and denied while running.
    let mut deny = hsm.zca();
    assert!(deny.args(["bridge", "deny", ORIGIN]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(refused(b.connect(&b.ws, Some(ORIGIN), None)).0, 403);
    assert!(b.log().contains("refused a page"), "{}", b.log());
}

#[test]
fn hostile_frames_get_clear_answers_and_the_service_stays() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let b = bridge(&hsm);
    let mut page = b.page();
    let answer = page.send_text("this is not JSON");
    assert!(answer["errorMessage"].as_str().unwrap().contains("not a request"));
    let answer = page.send_text(r#"{"xtx_func_name":"SOF_Frobnicate","call_cmd_id":"i_9"}"#);
    assert_eq!(
        (answer["call_cmd_id"].as_str(), answer["retVal"].as_str()),
        (Some("i_9"), Some(""))
    );
    assert!(b.wait_for_log("unknown function SOF_Frobnicate"));
    // Missing and wrong arguments are failures, not crashes.
    assert_eq!(page.call("SOF_Login", &[]), "false");
    assert_eq!(page.call("SOF_GetCertInfo", &[json!("not base64!"), json!(1)]), "");
    assert_eq!(page.call("SOF_SignMessage", &[json!(7), json!("x"), json!("y")]), "");
    assert_eq!(page.call("SOF_GetPinRetryCount", &[json!("no-such-id")]), "-1");
    assert_eq!(page.call("SOF_ValidateCert", &[json!("AAAA")]), "-2");
    // A 20 MB frame: the connection is closed with "message too big", the service goes on.
    let big = "x".repeat(20 << 20);
    let _ = page.ws.send(tungstenite::Message::text(big));
    let closed = loop {
        match page.ws.read() {
            Ok(tungstenite::Message::Close(frame)) => break frame,
            Ok(_) => continue,
            Err(_) => break None,
        }
    };
    if let Some(frame) = closed {
        assert_eq!(frame.code, tungstenite::protocol::frame::coding::CloseCode::Size);
    }
    assert!(b.wait_for_log("frame refused"), "{}", b.log());
    let mut page = b.page();
    assert!(page.user_list().iter().any(|(_, id)| id.ends_with(&serial)));
}

#[test]
fn a_thousand_connections_at_once_are_answered_and_the_service_stays() {
    raise_open_files(4096);
    let hsm = Hsm::new();
    hsm.init_token("k");
    let b = bridge(&hsm);
    let port = Bridge::port(&b.ws);
    let request = format!(
        "GET /xtxapp/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {ORIGIN}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    let mut streams = Vec::new();
    for _ in 0..1000 {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let _ = std::io::Write::write_all(&mut s, request.as_bytes());
        streams.push(s);
    }
    // Each is answered, or closed when it gave its slot to a newer one (none of them logged
    // in, so the longest idle goes): the bridge never holds more than its slots.
    let (mut upgraded, mut gave_way) = (0, 0);
    for s in &mut streams {
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut head = [0u8; 12];
        match std::io::Read::read_exact(s, &mut head) {
            Ok(()) if &head[9..12] == b"101" => upgraded += 1,
            Ok(()) => panic!("answered {}", String::from_utf8_lossy(&head)),
            Err(e)
                if e.kind() == std::io::ErrorKind::UnexpectedEof
                    || e.kind() == std::io::ErrorKind::ConnectionReset =>
            {
                gave_way += 1
            }
            Err(e) => panic!("not answered: {e}"),
        }
    }
    assert_eq!(upgraded + gave_way, 1000);
    assert!(upgraded > 0, "{upgraded} served");
    drop(streams);
    std::thread::sleep(Duration::from_millis(500));
    let mut page = b.page();
    assert_eq!(page.call("SOF_GetVersion", &[]), "3.0.0");
}

/// More open files for this test process (1,000 sockets and the test's own).
fn raise_open_files(want: u64) {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain getrlimit/setrlimit on this process.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max.min(want.max(limit.rlim_cur));
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
}

#[test]
fn a_login_belongs_to_its_connection_and_ends_with_it() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let b = bridge(&hsm);
    let id = format!("cert/{serial}");
    let mut a = b.page();
    let mut other = b.page();
    assert_eq!(a.call("SOF_Login", &[json!(id), json!(PIN)]), "true");
    assert_ne!(a.call("SOF_SignData", &[json!(id), json!("a")]), "");
    assert_eq!(other.call("SOF_IsLogin", &[json!(id)]), "false", "not this connection's");
    assert_eq!(other.call("SOF_SignData", &[json!(id), json!("b")]), "");
    // Another page's wrong PIN does not ride on the first page's login.
    assert_eq!(other.call("SOF_Login", &[json!(id), json!("999999")]), "false");
    drop(a);
    std::thread::sleep(Duration::from_millis(500));
    let mut again = b.page();
    assert_eq!(again.call("SOF_IsLogin", &[json!(id)]), "false", "closing ended it");
    assert_eq!(again.call("SOF_SignData", &[json!(id), json!("c")]), "");
}

#[test]
fn pages_hear_of_keys_inserted_and_removed() {
    let hsm = Hsm::new();
    hsm.init_token("first");
    let b = bridge(&hsm);
    let mut page = b.page();
    assert!(page.next_event(Duration::from_millis(300)).is_none(), "nothing changed yet");
    let second = hsm.init_token("second");
    let event = page.next_event(Duration::from_secs(10)).expect("an event on insertion");
    assert_eq!(event["call_cmd_id"], "onUsbkeyChange");
    // Taken out: the token's folder goes.
    let dir = std::fs::read_dir(hsm.path("tokens"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().replace('-', "").ends_with(&second))
        .unwrap();
    std::fs::remove_dir_all(dir).unwrap();
    assert!(page.next_event(Duration::from_secs(10)).is_some(), "an event on removal");
}

#[test]
fn the_final_try_is_spent_only_with_the_users_consent() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let b = Bridge::start(
        hsm.home(),
        zca_faulty(&hsm, "flags=final_try"),
        zca_faulty(&hsm, "flags=final_try"),
    );
    let id = format!("cert/{serial}");
    let mut page = b.page();
    assert_eq!(page.call("SOF_GetPinRetryCount", &[json!(id)]), "1");
    assert_eq!(page.call("SOF_Login", &[json!(id), json!(PIN)]), "false");
    assert!(b.wait_for_log(&format!("zca bridge allow-final-try {serial}")), "{}", b.log());
    let mut consent = zca_faulty(&hsm, "flags=final_try");
    let (code, _, err) = run(consent.args(["bridge", "allow-final-try", &serial]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(page.call("SOF_Login", &[json!(id), json!(PIN)]), "true", "one attempt allowed");
}

#[test]
fn a_key_pulled_during_a_signature_is_a_failure_not_a_crash() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let faults = "fail:C_Sign=CKR_DEVICE_REMOVED";
    let b = Bridge::start(hsm.home(), zca_faulty(&hsm, faults), zca_faulty(&hsm, faults));
    let id = format!("cert/{serial}");
    let mut page = b.page();
    assert_eq!(page.call("SOF_Login", &[json!(id), json!(PIN)]), "true");
    assert_eq!(page.call("SOF_SignData", &[json!(id), json!("x")]), "");
    assert!(b.wait_for_log("removed"), "{}", b.log());
    assert_eq!(page.call("SOF_GetVersion", &[]), "3.0.0", "still serving");
}

#[test]
fn bridge_subcommands_keep_origins_and_report_status() {
    let hsm = Hsm::new();
    let (code, _, err) =
        run(hsm.zca().args(["bridge", "allow", "https://ZCY.Example.gov.cn:443/"]));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(hsm.zca().args(["bridge", "origins", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["origins"], json!(["https://zcy.example.gov.cn"]));
    let (code, _, err) = run(hsm.zca().args(["bridge", "allow", "zcy.example.gov.cn/login"]));
    assert_eq!(code, 2, "{err}");
    let (code, out, _) = run(hsm.zca().args(["bridge", "status", "--json"]));
    assert_eq!(code, 0);
    let doc = json(&out);
    assert_eq!(doc["running"], false);
    assert_eq!(doc["origins"][0], "https://zcy.example.gov.cn");
    hsm.init_token("k");
    let b = bridge(&hsm);
    let (_, out, _) = run(hsm.zca().args(["bridge", "status", "--json"]));
    let doc = json(&out);
    assert_eq!(doc["running"], true, "{doc}");
    let listening = doc["listening"].as_array().unwrap();
    for url in [&b.ws, &b.wss, &b.mtoken, &b.mtoken_https] {
        assert!(listening.iter().any(|u| u == url.as_str()), "{url}: {doc}");
    }
    // A second bridge on the same port says who holds it.
    let port = Bridge::port(&b.ws).to_string();
    let (code, _, err) =
        run(hsm.zca().args(["bridge", "--ws-port", &port, "--no-wss", "--mtoken-port", "0"]));
    assert_eq!(code, 1);
    assert!(err.contains(&port) && err.contains("--ws-port"), "{err}");
}
