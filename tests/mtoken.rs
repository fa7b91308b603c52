//! `zca bridge` as Longmai's mToken service: POSTs to /alpha with the page script's `json=`
//! bodies, built by hand as that script builds them (`"mode":undefined` and all), in the order
//! its login-and-sign page calls them; keys on SoftHSM2 (RSA-2048, P-256) and the soft SKF
//! library (SM2); signatures and PKCS#7 checked with openssl.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::bridge::{Bridge, ORIGIN};
use common::skf::SkfDevices;
use common::sm2::{Sm2Ca, Sm2Token, SERIAL as SM2_SERIAL};
use common::*;
use serde_json::Value;

/// An HTTP answer: status, headers (lower-case names), body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// One request on a fresh connection (as a synchronous XHR may open one).
fn request(port: u16, method: &str, origin: &str, extra: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!(
        "{method} /alpha HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\
         Content-type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer") + 4;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply { status, headers, body: raw[end..].to_vec() }
}

/// A page of `ORIGIN` calling the service the way the vendor's script does.
struct Page {
    port: u16,
}

impl Page {
    /// Posts `json=` and the hand-built object; the answer's JSON.
    fn post(&self, json: &str) -> Value {
        let reply = request(self.port, "POST", ORIGIN, &[], format!("json={json}").as_bytes());
        assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
        assert_eq!(reply.header("access-control-allow-origin"), Some(ORIGIN));
        reply.json()
    }

    fn rtn(&self, json: &str) -> u64 {
        self.post(json)["rtn"].as_u64().expect("rtn is a number")
    }
}

fn port_of(url: &str) -> u16 {
    Bridge::port(url)
}

/// Verifies `signature` over `data` with the certificate's key, as openssl does: RSA and ECDSA
/// with SHA-256, SM2 with SM3 and the default ID.
fn openssl_verifies(
    dir: &std::path::Path,
    cert_der: &[u8],
    data: &[u8],
    signature: &[u8],
    sm2: bool,
) -> bool {
    std::fs::write(dir.join("v.cert.der"), cert_der).unwrap();
    std::fs::write(dir.join("v.data"), data).unwrap();
    std::fs::write(dir.join("v.sig"), signature).unwrap();
    let public = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-noout", "-pubkey", "-in"])
        .arg(dir.join("v.cert.der"))
        .output()
        .unwrap();
    std::fs::write(dir.join("v.pub.pem"), public.stdout).unwrap();
    let mut cmd = Command::new("openssl");
    if sm2 {
        cmd.args(["pkeyutl", "-verify", "-pubin", "-inkey"])
            .arg(dir.join("v.pub.pem"))
            .args(["-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in"])
            .arg(dir.join("v.data"))
            .arg("-sigfile")
            .arg(dir.join("v.sig"));
    } else {
        cmd.args(["dgst", "-sha256", "-verify"])
            .arg(dir.join("v.pub.pem"))
            .arg("-signature")
            .arg(dir.join("v.sig"))
            .arg(dir.join("v.data"));
    }
    let out = cmd.output().unwrap();
    if !out.status.success() {
        eprintln!("openssl: {}", String::from_utf8_lossy(&out.stderr));
    }
    out.status.success()
}

/// The demo page's order: load the library, find the device, take it, list its containers,
/// log in (after a wrong PIN first), set the digest and signer ID, sign, verify, and the
/// PKCS#7 route; each answer read as the script reads it.
fn login_and_sign(page: &Page, dir: &std::path::Path, device: &str, pin: &str, sm2: bool) {
    let rtn = page.rtn(r#"{"function":"SOF_LoadLibrary","winDllName":"mtoken_gm3000.dll","linuxSOName":"libgm3000.1.0.so","macDylibName":"libgm3000.1.0.dylib"}"#);
    assert_eq!(rtn, 0);
    let version = page.post(r#"{"function":"SOF_GetVersion"}"#);
    assert!(!version["version"].as_str().unwrap().is_empty());
    let devices = page.post(r#"{"function":"SOF_EnumDevice"}"#);
    let array = devices["array"].as_str().unwrap().to_string();
    assert!(array.split("||").any(|d| d == device), "{array}");
    let take = format!(
        r#"{{"function":"SOF_GetDeviceInstance","deviceName":"{device}","applicationName":""}}"#
    );
    assert_eq!(page.rtn(&take), 0);
    let users = page.post(&format!(r#"{{"function":"SOF_GetUserList","deviceName":"{device}"}}"#));
    let list = users["array"].as_str().unwrap().to_string();
    let container = list.split("&&&").next().unwrap().split("||").nth(1).unwrap().to_string();

    // A wrong PIN: the key's error code, the tries left, then the right PIN after the pause.
    let wrong = format!(r#"{{"function":"SOF_Login","deviceName":"{device}","passWd":"000000"}}"#);
    let code = page.rtn(&wrong);
    assert_eq!(code, 0x0A00_0024, "SAR_PIN_INCORRECT");
    let last = page.post(r#"{"function":"SOF_GetLastError"}"#);
    assert_eq!((last["rtn"].as_u64(), last["errorCode"].as_u64()), (Some(code), Some(code)));
    let tries =
        page.post(&format!(r#"{{"function":"SOF_GetPinRetryCount","deviceName":"{device}"}}"#));
    assert!(tries["retryCount"].as_u64().is_some(), "{tries}");
    let right = format!(r#"{{"function":"SOF_Login","deviceName":"{device}","passWd":"{pin}"}}"#);
    assert_eq!(page.rtn(&right), 0);

    let digest = if sm2 { 1 } else { 4 };
    assert_eq!(page.rtn(&format!(r#"{{"function":"SOF_SetDigestMethod","deviceName":"{device}","digestMethod":{digest}}}"#)), 0);
    assert_eq!(
        page.rtn(&format!(
            r#"{{"function":"SOF_SetUserID","deviceName":"{device}","userID":"1234567812345678"}}"#
        )),
        0
    );
    let text = "政采云 mToken 签名";
    let data = STANDARD.encode(text);
    // The demo page sends the text's length in UTF-16 units, and `mode` as a bare undefined.
    let sign = format!(
        r#"{{"function":"SOF_SignDataEx","deviceName":"{device}","containerName":"{container}","keySpec":1,"inData":"{data}","inDataLen" :{},"mode":undefined}}"#,
        text.chars().count()
    );
    let signed = page.post(&sign);
    assert_eq!(signed["rtn"], 0, "{signed}");
    let signature = STANDARD.decode(signed["signed"].as_str().unwrap()).unwrap();
    let cert = page.post(&format!(
        r#"{{"function":"SOF_ExportUserCert","deviceName":"{device}","containerName":"{container}","keySpec":1}}"#
    ));
    let cert_b64 = cert["cert"].as_str().unwrap().to_string();
    let cert_der = STANDARD.decode(&cert_b64).unwrap();
    assert!(openssl_verifies(dir, &cert_der, text.as_bytes(), &signature, sm2), "openssl verifies");
    let verify = format!(
        r#"{{"function":"SOF_VerifySignedDataEx","deviceName":"{device}","base64EncodeCert":"{cert_b64}","digestMethod":{digest},"inData":"{data}","signedValue":"{}","mode":undefined}}"#,
        signed["signed"].as_str().unwrap()
    );
    assert_eq!(page.rtn(&verify), 0);

    // PKCS#7, attached; its own verify, and openssl's.
    let p7 = page.post(&format!(
        r#"{{"function":"SOF_SignDataToPKCS7","deviceName":"{device}","containerName":"{container}","keySpec":1,"inData":"{data}","detached":0}}"#
    ));
    let pkcs7 = p7["pkcs7"].as_str().unwrap_or_else(|| panic!("{p7}")).to_string();
    let check = format!(
        r#"{{"function":"SOF_VerifyDataToPKCS7","deviceName":"{device}","pkcs7":"{pkcs7}","original":"{data}","detached":0}}"#
    );
    assert_eq!(page.rtn(&check), 0);
    if !sm2 {
        std::fs::write(dir.join("p7.der"), STANDARD.decode(&pkcs7).unwrap()).unwrap();
        let out = Command::new("openssl")
            .args(["cms", "-verify", "-noverify", "-inform", "DER", "-in"])
            .arg(dir.join("p7.der"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout, text.as_bytes(), "the content it carries");
    }

    // The device and the certificate, by GM/T 0006's numbers.
    let serial = page
        .post(&format!(r#"{{"function":"SOF_GetDeviceInfo","deviceName":"{device}","type":520}}"#));
    assert_eq!(serial["info"], device, "SGD_DEVICE_SERIAL_NUMBER");
    let cn = page.post(&format!(
        r#"{{"function":"SOF_GetCertInfo","base64EncodeCert":"{cert_b64}","type":49}}"#
    ));
    assert!(!cn["info"].as_str().unwrap().is_empty(), "{cn}");
    // The demo page asks again with an empty certificate: the last one is meant.
    let again = page.post(r#"{"function":"SOF_GetCertInfo","base64EncodeCert":"","type":49}"#);
    assert_eq!(again["info"], cn["info"]);
    assert_eq!(page.rtn(&format!(r#"{{"function":"SOF_LogOut","deviceName":"{device}"}}"#)), 0);
    let after = page.post(&sign);
    assert_ne!(after["rtn"], 0, "no signature after SOF_LogOut: {after}");
}

#[test]
fn pages_log_in_and_sign_with_rsa_and_p256_keys_through_pkcs11() {
    let hsm = Hsm::new();
    let ca = TestCa::new("mToken CA");
    let rsa = key_with_cert(&hsm, &ca, "rsa", "rsa:2048", &CertSpec::valid("张三"));
    let ec = key_with_cert(&hsm, &ca, "ec", "EC:prime256v1", &CertSpec::valid("李四"));
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let page = Page { port: port_of(&b.mtoken) };
    login_and_sign(&page, hsm.dir.path(), &rsa, PIN, false);
    login_and_sign(&page, hsm.dir.path(), &ec, PIN, false);
    assert!(b.wait_for_log("SOF_LoadLibrary libgm3000.1.0.so (龙脉 Longmai"), "{}", b.log());
    assert!(!b.log().contains(PIN), "the PIN is never logged");
}

#[test]
fn pages_log_in_and_sign_with_an_sm2_key_through_skf() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (devices, _) = SkfDevices::with_certificates(&ca, "3301000077770001", "国密用户", 6);
    let b = Bridge::start(hsm.home(), devices.zca(&hsm), devices.zca(&hsm));
    let page = Page { port: port_of(&b.mtoken) };
    login_and_sign(&page, hsm.dir.path(), "3301000077770001", common::skf::USER_PIN, true);
    // A signer ID other than the default is refused, not signed with the wrong one.
    let device = "3301000077770001";
    let login = format!(
        r#"{{"function":"SOF_Login","deviceName":"{device}","passWd":"{}"}}"#,
        common::skf::USER_PIN
    );
    assert_eq!(page.rtn(&login), 0);
    assert_eq!(
        page.rtn(&format!(
            r#"{{"function":"SOF_SetUserID","deviceName":"{device}","userID":"alice@example"}}"#
        )),
        0
    );
    let sign = format!(
        r#"{{"function":"SOF_SignDataEx","deviceName":"{device}","containerName":"zca-container","keySpec":1,"inData":"{}","inDataLen":1,"mode":undefined}}"#,
        STANDARD.encode("x")
    );
    assert_eq!(page.rtn(&sign), 0x0A00_0003, "SAR_NOTSUPPORTYETERR");
}

#[test]
fn pages_log_in_and_sign_with_an_sm2_key_through_pkcs11() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (token, _) = Sm2Token::with_certificate(&[], &ca, "国密 PKCS#11");
    let b = Bridge::start(hsm.home(), token.zca(&hsm), token.zca(&hsm));
    let page = Page { port: port_of(&b.mtoken) };
    login_and_sign(&page, hsm.dir.path(), SM2_SERIAL, PIN, true);
}

/// CORS answers the allowed origin only, never `*`; Chromium's Private Network Access preflight
/// is answered for it; anything else gets 403 and no CORS header, and nothing reaches the keys.
#[test]
fn only_allowed_origins_get_answers_and_preflights() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let port = port_of(&b.mtoken);
    let body = br#"json={"function":"SOF_EnumDevice"}"#;
    let ok = request(port, "POST", ORIGIN, &[], body);
    assert_eq!(ok.header("access-control-allow-origin"), Some(ORIGIN));
    let preflight = [
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Private-Network", "true"),
    ];
    let pre = request(port, "OPTIONS", ORIGIN, &preflight, b"");
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-private-network"), Some("true"));
    assert_eq!(pre.header("access-control-allow-origin"), Some(ORIGIN));
    for stranger in ["https://evil.example", "null"] {
        for method in ["POST", "OPTIONS"] {
            let r = request(port, method, stranger, &preflight, body);
            assert_eq!(r.status, 403, "{stranger} {method}");
            assert_eq!(r.header("access-control-allow-origin"), None);
        }
    }
    assert!(b.wait_for_log("origin https://evil.example is not allowed"), "{}", b.log());
}

/// What a hostile page or program may send: no JSON, garbage, too much, a chunked body, the
/// wrong Host; every one answered (or closed), the service stays.
#[test]
fn hostile_requests_get_clear_answers_and_the_service_stays() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let port = port_of(&b.mtoken);
    for body in [
        &b"hello"[..],
        b"json={",
        b"json=[]",
        b"json={\"function\":\"SOF_EnumDevice\",\"a\":[1]}",
        b"\xff\xfe",
    ] {
        let r = request(port, "POST", ORIGIN, &[], body);
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["rtn"], 0x0A00_0006, "SAR_INVALIDPARAMERR for {body:?}");
    }
    let unknown = request(
        port,
        "POST",
        ORIGIN,
        &[],
        br#"json={"function":"SOF_DeleteApplication","deviceName":"x"}"#,
    );
    assert_eq!(unknown.json()["rtn"], 0x0A00_0003);
    let big = vec![b'a'; 2 << 20];
    assert_eq!(request(port, "POST", ORIGIN, &[], &big).status, 413);
    let chunked = request(port, "POST", ORIGIN, &[("Transfer-Encoding", "chunked")], b"");
    assert_eq!(chunked.status, 411);
    // A page of another site whose name points at 127.0.0.1 (DNS rebinding).
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "POST /alpha HTTP/1.1\r\nHost: rebind.example:{port}\r\nOrigin: {ORIGIN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    // Still serving.
    let r = request(port, "POST", ORIGIN, &[], br#"json={"function":"SOF_GetVersion"}"#);
    assert_eq!(r.json()["rtn"], 0);
}

/// Over https (port 51245's listener), with the bridge's local CA, as pages served over https
/// call it.
#[test]
fn the_https_service_answers_with_the_bridge_s_certificate() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let port = port_of(&b.mtoken_https);
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut tls = common::bridge::tls_to(tcp, &b.ca_pem());
    let body = br#"json={"function":"SOF_GetVersion"}"#;
    write!(
        tls,
        "POST /alpha HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {ORIGIN}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    tls.write_all(body).unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"rtn\":0"), "{answer}");
}
