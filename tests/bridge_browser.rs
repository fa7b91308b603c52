//! `zca bridge` from a real browser: headless Chromium opens a page on 127.0.0.1 whose script
//! talks to the bridge over ws:// and wss:// (the bridge's CA put into the browser's NSS store
//! by `zca bridge trust`), lists the certificates, logs in with the PIN typed into the page,
//! signs; the signature is checked with openssl. A page of an origin not on the list gets
//! nothing.

mod common;

use std::process::Command;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::bridge::Bridge;
use common::browser::{Browser, PageServer};
use common::*;
use fantoccini::Locator;

/// The test page: connects to the bridge URL given as `?ws=`, shows what it gets in elements
/// with ids (ready, users, login, cert, signature, error).
const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>bridge test page</title></head>
<body>
<input id="pin" type="password"><button id="go">login and sign</button>
<script>
const show = (id, text) => { const e = document.createElement('div'); e.id = id; e.textContent = text; document.body.appendChild(e); };
const url = new URLSearchParams(location.search).get('ws');
let next = 0; const pending = {};
let ws;
try { ws = new WebSocket(url); } catch (e) { show('error', String(e)); }
ws.onerror = () => show('error', 'no CA client service');
ws.onmessage = (ev) => {
  const r = JSON.parse(ev.data);
  const f = pending[r.call_cmd_id];
  if (f) { delete pending[r.call_cmd_id]; f(r.retVal); }
};
const call = (name, ...param) => new Promise((resolve) => {
  const id = 'i_' + (++next);
  pending[id] = resolve;
  ws.send(JSON.stringify({ xtx_func_name: name, call_cmd_id: id, param, URL: location.href, cookie: document.cookie }));
});
ws.onopen = async () => {
  await call('SOF_GetVersion');
  const list = await call('SOF_GetUserList');
  show('users', list);
  const id = list.split('&&&')[0].split('||')[1];
  document.getElementById('go').onclick = async () => {
    show('login', await call('SOF_Login', id, document.getElementById('pin').value));
    show('cert', await call('SOF_ExportUserCert', id));
    show('signature', await call('SOF_SignData', id, '在浏览器中签名'));
  };
  show('ready', 'ready');
};
</script>
</body></html>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_in_chromium_logs_in_and_signs_through_ws_and_wss() {
    let hsm = Hsm::new();
    let ca = TestCa::new("Browser CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("浏览器用户"));
    let pages = PageServer::start(PAGE.to_string());
    let stranger = PageServer::start(PAGE.to_string());
    let mut allow = hsm.zca();
    allow.args(["bridge", "allow", &pages.origin]);
    assert!(allow.status().unwrap().success());
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let (code, out, err) = run(hsm.zca().args(["bridge", "trust", "--json"]));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(json(&out)["stores"][0]["result"], "added", "{out}");

    let browser = Browser::start(&hsm.home(), "zh-CN").await;
    for url in [&b.ws, &b.wss] {
        let c = &browser.client;
        c.goto(&format!("{}/?ws={url}", pages.origin)).await.unwrap();
        assert_eq!(browser.text_of("ready").await, "ready", "{url}");
        let users = browser.text_of("users").await;
        assert!(users.starts_with(&format!("浏览器用户||cert/{serial}&&&")), "{users}");
        c.find(Locator::Id("pin")).await.unwrap().send_keys(PIN).await.unwrap();
        c.find(Locator::Id("go")).await.unwrap().click().await.unwrap();
        assert_eq!(browser.text_of("login").await, "true", "{url}");
        let cert = STANDARD.decode(browser.text_of("cert").await).unwrap();
        let signature = STANDARD.decode(browser.text_of("signature").await).unwrap();
        let dir = hsm.dir.path();
        std::fs::write(dir.join("b.cert.der"), &cert).unwrap();
        std::fs::write(dir.join("b.sig"), &signature).unwrap();
        std::fs::write(dir.join("b.data"), "在浏览器中签名").unwrap();
        let public = Command::new("openssl")
            .args(["x509", "-inform", "DER", "-noout", "-pubkey", "-in"])
            .arg(dir.join("b.cert.der"))
            .output()
            .unwrap();
        std::fs::write(dir.join("b.pub.pem"), public.stdout).unwrap();
        let verified = Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(dir.join("b.pub.pem"))
            .arg("-signature")
            .arg(dir.join("b.sig"))
            .arg(dir.join("b.data"))
            .output()
            .unwrap();
        assert!(verified.status.success(), "{url}: the page's signature verifies");
    }
    // A page of another origin gets nothing: the bridge refuses its WebSocket.
    browser.client.goto(&format!("{}/?ws={}", stranger.origin, b.ws)).await.unwrap();
    assert_eq!(browser.text_of("error").await, "no CA client service");
    assert!(b.wait_for_log(&format!("origin {} is not allowed", stranger.origin)), "{}", b.log());
    browser.quit().await;
    let log = b.log();
    assert!(!log.contains(PIN), "the PIN typed into the page is not logged");
}
