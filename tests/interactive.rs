//! The interactive flow in a real pseudo-terminal: choose the certificate, confirm, type the PIN
//! (hidden), and the binding is made.

mod common;

use std::time::Duration;

use common::*;
use expectrl::{Eof, Expect, Session};

#[test]
fn bind_by_choosing_confirming_and_typing_the_pin_in_a_terminal() {
    let hsm = Hsm::new();
    let ca = TestCa::new("PTY CA");
    let p = PlatformProc::start();
    p.trust(&ca.der);
    p.add_user("alice");
    let serial = hsm.init_token("两张证书的锁");
    let spki = hsm.keygen(&serial, "EC:prime256v1", "01", "k1");
    hsm.write_cert(&serial, &ca.issue(&spki, &CertSpec::valid("第一张")), "01", "c1");
    let spki = hsm.keygen(&serial, "EC:prime256v1", "02", "k2");
    hsm.write_cert(&serial, &ca.issue(&spki, &CertSpec::valid("第二张")), "02", "c2");

    let mut login = hsm.zca_on(&p);
    login.args(["account", "login", "--account", "alice", "--lang", "zh"]).env("TERM", "xterm");
    let mut s = Session::spawn(login).expect("a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect("alice 的密码").unwrap();
    type_secret(&mut s, ACCOUNT_PASSWORD);
    s.expect("已登录").unwrap();
    s.expect(Eof).unwrap();

    let mut bind = hsm.zca_on(&p);
    bind.args(["bind", "--lang", "zh"]).env("TERM", "xterm");
    let mut s = Session::spawn(bind).expect("a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect("使用哪张证书").unwrap();
    s.expect("第二张").unwrap();
    s.send("\x1b[B").unwrap(); // arrow down: the second certificate
    s.send("\r").unwrap();
    s.expect("把这张证书绑定到您的账号").unwrap();
    s.send("y").unwrap();
    s.expect("PIN 码").unwrap();
    type_secret(&mut s, PIN);
    let done = s.expect("已绑定").unwrap();
    let shown = String::from_utf8_lossy(done.before()).into_owned();
    assert!(!shown.contains(PIN), "the PIN is never echoed: {shown}");
    s.expect(Eof).unwrap();

    let (code, out, _) = run(hsm.zca_on(&p).args(["bindings", "--json"]));
    assert_eq!(code, 0);
    let doc = json(&out);
    assert_eq!(doc["bindings"][0]["certificate"]["common_name"], "第二张");
    assert_eq!(doc["bindings"][0]["ca_lock_id"], serial.as_str());
}

#[test]
fn saying_no_at_the_confirmation_cancels_with_130() {
    let hsm = Hsm::new();
    let ca = TestCa::new("PTY CA");
    let p = PlatformProc::start();
    p.trust(&ca.der);
    p.add_user("alice");
    let serial = hsm.init_token("k");
    let spki = hsm.keygen(&serial, "EC:prime256v1", "01", "k1");
    hsm.write_cert(&serial, &ca.issue(&spki, &CertSpec::valid("x")), "01", "c1");
    let (code, _, err) = run_with_input(
        hsm.zca_on(&p).args(["account", "login", "--account", "alice", "--password-stdin"]),
        &format!("{ACCOUNT_PASSWORD}\n"),
    );
    assert_eq!(code, 0, "{err}");

    let mut bind = hsm.zca_on(&p);
    bind.args(["bind"]).env("TERM", "xterm");
    let mut s = Session::spawn(bind).expect("a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect("Bind this certificate").unwrap();
    s.send("n").unwrap();
    s.expect(Eof).unwrap();
    let status = s.get_process_mut().wait().unwrap();
    assert!(format!("{status:?}").ends_with(", 130)"), "cancelled is exit code 130: {status:?}");
    assert_eq!(p.audit().as_array().unwrap().iter().filter(|a| a["event"] == "bind").count(), 0);
}
