//! `zca bridge` as the key's guard, tried as an attacker would: PIN guessing through every
//! function that takes a PIN, another local user with a faked Origin, a page that has the key
//! sign another platform's login, connections that hold slots, a driver that keeps a login, a
//! key with a PIN pad, a driver that stalls, and PINs that should never pass through a page.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::bridge::{Bridge, ORIGIN};
use common::sm2::{Sm2Ca, Sm2Token};
use common::*;
use serde_json::json;

/// A raw WebSocket opening request, as any local program can write it.
fn upgrade_request(port: u16, origin: &str) -> String {
    format!(
        "GET /xtxapp/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\
         Upgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
}

/// Whether the peer closed `stream` within `wait` (a read sees the end or an error).
fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return false,
            Err(_) => return true,
        }
    }
}

/// SOF_ChangePassWd is no side door for PIN guessing: without the connection's own login it
/// sends nothing to the key, and a wrong old PIN starts the same pause as a wrong login.
#[test]
fn changing_the_pin_needs_a_login_and_pauses_after_a_wrong_one() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let id = format!("cert/{serial}");
    let mut attacker = b.page();
    for guess in ["000000", "111111", "222222", "333333"] {
        let changed =
            attacker.call("SOF_ChangePassWd", &[json!(id), json!(guess), json!("271828")]);
        assert_eq!(changed, "false");
    }
    let refused = || b.log().matches("SOF_ChangePassWd").count();
    for _ in 0..50 {
        if refused() >= 4 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(b.log().matches("refused: not logged in").count(), 4, "{}", b.log());
    assert_eq!(attacker.call("SOF_GetPinRetryCount", &[json!(id)]), "2", "no try was spent");

    // Logged in, a wrong old PIN: refused, and the next PIN of any kind waits out the pause.
    let mut page = b.page();
    assert_eq!(page.call("SOF_Login", &[json!(id), json!(PIN)]), "true");
    let started = Instant::now();
    assert_eq!(
        page.call("SOF_ChangePassWd", &[json!(id), json!("999999"), json!("271828")]),
        "false"
    );
    let changed = page.call("SOF_ChangePassWd", &[json!(id), json!(PIN), json!("271828")]);
    assert_eq!(changed, "true", "{}", b.log());
    assert!(b.log().contains("the key's pause after a wrong PIN"), "{}", b.log());
    assert!(started.elapsed() >= Duration::from_secs(1), "the second change waited");
    // The new PIN is the key's now: the old one no longer logs in.
    let mut other = b.page();
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(other.call("SOF_Login", &[json!(id), json!(PIN)]), "false");
    std::thread::sleep(Duration::from_millis(4100));
    assert_eq!(other.call("SOF_Login", &[json!(id), json!("271828")]), "true", "{}", b.log());
}

/// Origin is a browser's promise; any local process can send any Origin. The bridge serves
/// its own user only, as the kernel tells the owner of the client's socket.
#[test]
fn another_local_user_is_refused_whatever_origin_it_claims() {
    // SAFETY: no arguments, cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: running a client as another user needs root (CI runs as root)");
        return;
    }
    let hsm = Hsm::new();
    hsm.init_token("k");
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let port = Bridge::port(&b.ws);
    let client = |user: Option<&str>| {
        let script = format!(
            "import socket,sys\ns=socket.create_connection(('127.0.0.1',{port}))\n\
             s.sendall(sys.argv[1].encode())\ns.settimeout(5)\nhead=b''\n\
             while len(head)<12:\n    part=s.recv(64)\n    if not part: break\n    head+=part\n\
             print(head.decode(errors='replace'))"
        );
        let mut cmd = match user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--", "python3", "-c", &script]);
                c
            }
            None => {
                let mut c = Command::new("python3");
                c.args(["-c", &script]);
                c
            }
        };
        let out = cmd.arg(upgrade_request(port, ORIGIN)).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let theirs = client(Some("nobody"));
    assert!(theirs.starts_with("HTTP/1.1 403"), "another user was answered: {theirs}");
    assert!(b.wait_for_log("not this user's"), "{}", b.log());
    assert!(b.log().contains("uid 65534"), "{}", b.log());
    let ours = client(None);
    assert!(ours.starts_with("HTTP/1.1 101"), "our own user is served: {ours}");
}

/// A page logged in on its own origin cannot have the key sign another platform's CA login,
/// by any of the sign functions.
#[test]
fn a_platform_message_for_another_origin_is_never_signed() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let id = format!("cert/{serial}");
    let mut page = b.page();
    assert_eq!(page.call("SOF_Login", &[json!(id), json!(PIN)]), "true");
    let message = |origin: &str| {
        let bytes = zca_contract::signed_bytes(
            zca_contract::Purpose::Login,
            origin,
            "challenge-id",
            "nonce",
            "00ff",
            "",
        );
        String::from_utf8(bytes).unwrap()
    };
    let elsewhere = message("https://other-platform.example");
    assert_eq!(page.call("SOF_SignData", &[json!(id), json!(elsewhere)]), "");
    let b64 = STANDARD.encode(elsewhere.as_bytes());
    assert_eq!(page.call("SOF_SignDataBase64", &[json!(id), json!(b64)]), "");
    assert_eq!(page.call("SOF_SignMessage", &[json!(0), json!(id), json!(elsewhere)]), "");
    let other_version = "zca/2\nlogin\nhttp://127.0.0.1:9999\nc\nn\n00ff\n";
    assert_eq!(page.call("SOF_SignData", &[json!(id), json!(other_version)]), "");
    assert!(b.wait_for_log("a relayed login"), "{}", b.log());
    // Its own platform's message, and any other data, are signed.
    assert!(!page.call("SOF_SignData", &[json!(id), json!(message(ORIGIN))]).is_empty());
    assert!(!page.call("SOF_SignData", &[json!(id), json!("合同 2026-001")]).is_empty());
}

/// Connections that hold slots without a login give way to new pages; a handshake that drips
/// a header line a second is ended at its 5 s deadline; an idle page without a login is
/// closed after --close-idle.
#[test]
fn idle_and_slow_connections_never_lock_pages_out() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let args = ["--max-connections", "4", "--close-idle", "5"];
    let b = Bridge::start_with(hsm.home(), hsm.zca(), hsm.zca(), &[], &args);
    let port = Bridge::port(&b.ws);

    // Four pages that connect and then do nothing: a fifth still gets in, and works.
    let idle: Vec<_> = (0..4).map(|_| b.page()).collect();
    let mut fifth = b.page();
    assert_eq!(fifth.call("SOF_GetVersion", &[]), "3.0.0");
    drop(idle);

    // Slowloris: connections that send one header line a second.
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET /xtxapp/ HTTP/1.1\r\n").unwrap();
            s
        })
        .collect();
    let drip = std::thread::spawn({
        let mut copies: Vec<TcpStream> = slow.iter().map(|s| s.try_clone().unwrap()).collect();
        move || {
            for i in 0..20 {
                std::thread::sleep(Duration::from_secs(1));
                for s in &mut copies {
                    let _ = s.write_all(format!("X-Drip-{i}: 1\r\n").as_bytes());
                }
            }
        }
    });
    for s in &mut slow {
        let left = Duration::from_secs(15).saturating_sub(started.elapsed());
        assert!(
            closed_within(s, left.max(Duration::from_millis(100))),
            "a dripping handshake holds on"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
    let mut page = b.page();
    assert_eq!(page.call("SOF_GetVersion", &[]), "3.0.0");
    let _ = drip.join();

    // The page above makes no more calls and has no login: closed after 5 s.
    std::thread::sleep(Duration::from_secs(6));
    assert!(b.wait_for_log("no login and no call for 5 s"), "{}", b.log());
}

/// A driver that keeps a login it was asked to end: another connection's PIN is still checked,
/// never taken as right because the key says it is logged in already.
#[test]
fn a_kept_login_never_lets_a_wrong_pin_through() {
    for keeps in ["fail:C_Logout=0x0", "fail:C_Logout=CKR_FUNCTION_FAILED"] {
        let hsm = Hsm::new();
        let ca = TestCa::new("CA");
        let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
        let b = Bridge::start(hsm.home(), zca_faulty(&hsm, keeps), zca_faulty(&hsm, keeps));
        let id = format!("cert/{serial}");
        let mut first = b.page();
        assert_eq!(first.call("SOF_Login", &[json!(id), json!(PIN)]), "true", "{keeps}");
        let mut second = b.page();
        assert_eq!(second.call("SOF_Login", &[json!(id), json!("000000")]), "false", "{keeps}");
        assert_eq!(second.call("SOF_SignData", &[json!(id), json!("x")]), "", "{keeps}");
        assert!(b.wait_for_log("could not be checked"), "{keeps}: {}", b.log());
    }
}

/// A key with its own PIN pad gets no PIN from zca: the CLI says to type it on the key, the
/// bridge ignores what the page sent. (The fault module refuses a PIN sent to a pad.)
#[test]
fn a_key_with_a_pin_pad_gets_no_pin() {
    let (hsm, ca, p) = setup();
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("x"));
    account_login(&hsm, &p, "alice");
    let pad = |cmd: &mut Command| {
        cmd.env("ZCA_FAULT_PAD_PIN", PIN);
    };
    let mut bind = zca_faulty_on(&hsm, &p, "flags=pin_pad");
    pad(&mut bind);
    let (code, out, err) = run(bind.args(["--lang", "en", "bind", "--yes", "--no-input"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("PIN pad: type it there"), "{err}");

    let mut allow = zca_faulty(&hsm, "flags=pin_pad");
    let mut serve = zca_faulty(&hsm, "flags=pin_pad");
    pad(&mut allow);
    pad(&mut serve);
    let b = Bridge::start(hsm.home(), allow, serve);
    let id = format!("cert/{serial}");
    let mut page = b.page();
    assert_eq!(page.call("SOF_Login", &[json!(id), json!("not the PIN")]), "true", "{}", b.log());
    assert!(!page.call("SOF_SignData", &[json!(id), json!("x")]).is_empty());
}

/// A driver that stalls in C_Sign ends that call with token_timeout, not the service: another
/// driver's key signs meanwhile, the stalled key's calls fail at once while it is stuck, and
/// it signs again once the driver returns.
#[test]
fn a_stalled_driver_fails_its_own_calls_and_the_rest_is_served() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("stalls"));
    let sm2_ca = Sm2Ca::new();
    let (sm2, _) = Sm2Token::with_certificate(&[], &sm2_ca, "steady");
    let both = |cmd: &mut Command| {
        sm2.apply(cmd);
        let modules =
            format!("{}:{}", fault_module().display(), common::sm2::sm2_module().display());
        cmd.env("ZCA_PKCS11_MODULE", modules)
            .env("ZCA_FAULT_TARGET", softhsm_module())
            .env("ZCA_FAULTS", "stall:C_Sign=12000")
            .env("ZCA_TOKEN_TIMEOUT", "2");
    };
    let (mut allow, mut serve) = (hsm.zca(), hsm.zca());
    both(&mut allow);
    both(&mut serve);
    let b = Bridge::start(hsm.home(), allow, serve);
    let mut page = b.page();
    let users = page.user_list();
    assert_eq!(users.len(), 2, "{users:?}");
    let stalls = format!("cert/{serial}");
    let steady = users.iter().find(|(name, _)| name == "steady").unwrap().1.clone();
    assert_eq!(page.call("SOF_Login", &[json!(stalls), json!(PIN)]), "true");
    assert_eq!(page.call("SOF_Login", &[json!(steady), json!(PIN)]), "true");

    let stalled_at = Instant::now();
    assert_eq!(page.call("SOF_SignData", &[json!(stalls), json!("x")]), "");
    assert!(stalled_at.elapsed() < Duration::from_secs(9), "the call ended at the time limit");
    assert!(b.wait_for_log("did not answer within 2 s"), "{}", b.log());
    let started = Instant::now();
    assert!(!page.call("SOF_SignData", &[json!(steady), json!("y")]).is_empty(), "{}", b.log());
    let stuck = page.call("SOF_SignData", &[json!(stalls), json!("x")]);
    assert_eq!(stuck, "", "stuck: fails. {}", b.log());
    assert!(started.elapsed() < Duration::from_secs(3), "at once: {:?}", started.elapsed());
    // The driver returns (after 12 s): the key signs again, the service never stopped.
    std::thread::sleep(
        Duration::from_secs(12).saturating_sub(stalled_at.elapsed()) + Duration::from_secs(1),
    );
    assert!(!page.call("SOF_SignData", &[json!(stalls), json!("x")]).is_empty(), "{}", b.log());
}

/// A scripted pinentry that answers the PIN in PINENTRY_PIN and logs the commands it was
/// given (never the PIN: that goes the other way).
fn scripted_pinentry(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("pinentry-scripted");
    std::fs::write(
        &path,
        "#!/usr/bin/env python3\n\
         import os, sys\n\
         log = open(os.environ['PINENTRY_LOG'], 'a')\n\
         print('OK Pleased to meet you', flush=True)\n\
         for line in sys.stdin:\n\
         \x20   cmd = line.rstrip('\\n')\n\
         \x20   log.write(cmd + '\\n'); log.flush()\n\
         \x20   if cmd == 'GETPIN':\n\
         \x20       print('D ' + open(os.environ['PINENTRY_PIN']).read().strip(), flush=True)\n\
         \x20   if cmd == 'CONFIRM' and os.environ.get('PINENTRY_CONFIRM') == 'no':\n\
         \x20       print('ERR 83886194 Not confirmed', flush=True)\n\
         \x20   else:\n\
         \x20       print('OK', flush=True)\n\
         \x20   if cmd == 'BYE':\n\
         \x20       break\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// The PIN outside the page: an origin set to `--pin-from-desktop` has its PIN asked by the
/// desktop's pinentry, naming the origin and the certificate, whatever the page sent; and any
/// page that sends an empty PIN gets the dialog too.
#[test]
fn pins_come_from_the_desktop_dialog_when_the_origin_asks_for_it() {
    let hsm = Hsm::new();
    let ca = TestCa::new("CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("张三"));
    let program = scripted_pinentry(hsm.dir.path());
    let (log, pin) = (hsm.path("pinentry.log"), hsm.path("pinentry.pin"));
    std::fs::write(&pin, PIN).unwrap();
    let mut serve = hsm.zca();
    serve.env("PINENTRY_LOG", &log).env("PINENTRY_PIN", &pin);
    let pinentry = program.display().to_string();
    let b = Bridge::start_with(
        hsm.home(),
        hsm.zca(),
        serve,
        &["--pin-from-desktop"],
        &["--pinentry", &pinentry],
    );
    let id = format!("cert/{serial}");
    let mut page = b.page();
    assert_eq!(
        page.call("SOF_Login", &[json!(id), json!("what the page typed")]),
        "true",
        "{}",
        b.log()
    );
    let asked = std::fs::read_to_string(&log).unwrap();
    assert!(asked.contains("GETPIN"), "{asked}");
    let desc = asked.lines().find(|l| l.starts_with("SETDESC")).unwrap();
    assert!(desc.contains(ORIGIN) && desc.contains("张三") && desc.contains(&serial), "{desc}");
    assert!(!asked.contains(PIN), "the PIN never goes to pinentry's stdin: {asked}");

    // A wrong PIN typed in the dialog is a wrong PIN like any other.
    std::fs::write(&pin, "000000").unwrap();
    let mut other = b.page();
    assert_eq!(other.call("SOF_Login", &[json!(id), json!(PIN)]), "false");
    assert!(b.wait_for_log("the PIN is incorrect"), "{}", b.log());
}

/// Pages choose what goes into the log after "SOF_Login": they must not write lines of their
/// own into it.
#[test]
fn log_lines_escape_what_pages_send() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let mut page = b.page();
    let forged = "x\n2026-12-03 12:00:00 [1 https://bank.example] SOF_Login y: logged in";
    assert_eq!(page.call("SOF_Login", &[json!(forged), json!(PIN)]), "false");
    assert_eq!(page.call("SOF_NoSuchFunction\r\nforged", &[]), "");
    assert!(b.wait_for_log("no such certificate"), "{}", b.log());
    assert!(b.wait_for_log("unknown function"), "{}", b.log());
    let log = b.log();
    assert!(!log.lines().any(|l| l.starts_with("2026-12-03 12:00:00 [1 https://bank")), "{log}");
    assert!(log.contains("x\\n2026-12-03"), "{log}");
}

/// An allow-list that does not hold stops the bridge at start, naming the file; an http page of
/// another computer is allowed only knowingly.
#[test]
fn the_allow_list_is_checked_when_it_is_read() {
    let hsm = Hsm::new();
    hsm.init_token("k");
    let file = hsm.home().join(".config/zca/bridge.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "origins = [\"null\", \"file:///etc\"]\n").unwrap();
    let serve = ["--json", "bridge", "--ws-port", "0", "--no-wss", "--mtoken-port", "0"];
    let (code, out, err) = run(hsm.zca().args(serve));
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(json(&out)["error"]["code"], "config_invalid", "{out}");
    std::fs::remove_file(&file).unwrap();
    let (code, _, err) =
        run(hsm.zca().args(["--lang", "en", "bridge", "allow", "http://intranet.example"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--insecure-origin"), "{err}");
    let (code, _, err) =
        run(hsm.zca().args(["bridge", "allow", "http://intranet.example", "--insecure-origin"]));
    assert_eq!(code, 0, "{err}");
}

/// The CLI and the bridge offer the same certificates: never one for encryption only.
#[test]
fn encryption_only_certificates_are_offered_by_neither() {
    let (hsm, ca, p) = setup();
    let serial = key_with_cert(&hsm, &ca, "sign", "EC:prime256v1", &CertSpec::valid("签名"));
    let spki = hsm.keygen(&serial, "EC:prime256v1", "02", "enc");
    let enc = CertSpec::valid("加密").encryption_only();
    hsm.write_cert(&serial, &ca.issue(&spki, &enc), "02", "enc");
    account_login(&hsm, &p, "alice");
    let (code, out, err) =
        run(hsm.zca_on(&p).env("ZCA_PIN", PIN).args(["bind", "--yes", "--no-input", "--json"]));
    assert_eq!(code, 0, "one certificate to choose, not two: {out}{err}");
    assert!(out.contains("签名"), "{out}");
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let users = b.page().user_list();
    assert_eq!(users.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["签名"]);
}
