//! `zca bridge` from a real browser: headless Chromium opens a page on 127.0.0.1 whose script
//! talks to the bridge over ws:// and wss:// (the bridge's CA put into the browser's NSS store
//! by `zca bridge trust`), lists the certificates, logs in with the PIN typed into the page,
//! signs; the signature is checked with openssl. A page of an origin not on the list gets
//! nothing.

mod common;

use std::process::Command;
use std::time::Duration;

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

/// A page written the way Longmai's mToken script talks: synchronous XHR POSTs of `json=` and a
/// hand-built object (`"mode":undefined`), answers parsed with JSON.parse; the service's URL as
/// `?svc=`. It shows the device, the login's rtn, the certificate and the signature.
const MTOKEN_PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>mToken test page</title></head>
<body>
<input id="pin" type="password"><button id="go">login and sign</button>
<script>
const show = (id, text) => { const e = document.createElement('div'); e.id = id; e.textContent = String(text); document.body.appendChild(e); };
const svc = new URLSearchParams(location.search).get('svc');
const xhr = new XMLHttpRequest();
function post(json) {
  try {
    xhr.open('POST', svc, false);
    xhr.setRequestHeader('Content-type', 'application/x-www-form-urlencoded');
    xhr.send('json=' + json);
  } catch (e) { return -3; }
  if (xhr.readyState != 4 || xhr.status != 200) return -2;
  return JSON.parse(xhr.responseText);
}
const b64 = (text) => btoa(unescape(encodeURIComponent(text)));
let dn = '', container = '';
const load = post('{"function":"SOF_LoadLibrary","winDllName":"mtoken_gm3000.dll","linuxSOName":"libgm3000.1.0.so","macDylibName":"libgm3000.1.0.dylib"}');
if (load === -3) { show('error', 'no service'); } else {
  dn = post('{"function":"SOF_EnumDevice"}').array.split('||')[0];
  post('{"function":"SOF_GetDeviceInstance","deviceName":"' + dn + '","applicationName":""}');
  container = post('{"function":"SOF_GetUserList","deviceName":"' + dn + '"}').array.split('&&&')[0].split('||')[1];
  show('device', dn);
  document.getElementById('go').onclick = () => {
    const pin = document.getElementById('pin').value;
    show('login', post('{"function":"SOF_Login","deviceName":"' + dn + '","passWd":"' + pin + '"}').rtn);
    post('{"function":"SOF_SetDigestMethod","deviceName":"' + dn + '","digestMethod":4}');
    const text = '在浏览器中用 mToken 签名';
    const signed = post('{"function":"SOF_SignDataEx","deviceName":"' + dn + '","containerName":"' + container + '","keySpec":1,"inData":"' + b64(text) + '","inDataLen" :' + text.length + ',"mode":' + undefined + '}');
    show('cert', post('{"function":"SOF_ExportUserCert","deviceName":"' + dn + '","containerName":"' + container + '","keySpec":1}').cert);
    show('signature', signed.signed);
  };
  show('ready', 'ready');
}
</script>
</body></html>"#;

/// Chromium runs the mToken page against `zca bridge` over http (port 51235's listener) and
/// https (51245's, with the bridge's CA trusted): it finds the key, logs in, signs; openssl
/// verifies. A page of another origin gets no answer its script can read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mtoken_page_in_chromium_logs_in_and_signs_over_http_and_https() {
    let hsm = Hsm::new();
    let ca = TestCa::new("mToken Browser CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("龙脉用户"));
    let pages = PageServer::start(MTOKEN_PAGE.to_string());
    let stranger = PageServer::start(MTOKEN_PAGE.to_string());
    let mut allow = hsm.zca();
    assert!(allow.args(["bridge", "allow", &pages.origin]).status().unwrap().success());
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let (code, out, err) = run(hsm.zca().args(["bridge", "trust"]));
    assert_eq!(code, 0, "{out}{err}");
    let browser = Browser::start(&hsm.home(), "zh-CN").await;
    for svc in [&b.mtoken, &b.mtoken_https] {
        let c = &browser.client;
        c.goto(&format!("{}/?svc={svc}", pages.origin)).await.unwrap();
        assert_eq!(browser.text_of("ready").await, "ready", "{svc}: {}", b.log());
        assert_eq!(browser.text_of("device").await, serial);
        c.find(Locator::Id("pin")).await.unwrap().send_keys(PIN).await.unwrap();
        c.find(Locator::Id("go")).await.unwrap().click().await.unwrap();
        assert_eq!(browser.text_of("login").await, "0", "{svc}: {}", b.log());
        let cert = STANDARD.decode(browser.text_of("cert").await).unwrap();
        let signature = STANDARD.decode(browser.text_of("signature").await).unwrap();
        let dir = hsm.dir.path();
        std::fs::write(dir.join("m.cert.der"), &cert).unwrap();
        std::fs::write(dir.join("m.sig"), &signature).unwrap();
        std::fs::write(dir.join("m.data"), "在浏览器中用 mToken 签名").unwrap();
        let public = Command::new("openssl")
            .args(["x509", "-inform", "DER", "-noout", "-pubkey", "-in"])
            .arg(dir.join("m.cert.der"))
            .output()
            .unwrap();
        std::fs::write(dir.join("m.pub.pem"), public.stdout).unwrap();
        let verified = Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(dir.join("m.pub.pem"))
            .arg("-signature")
            .arg(dir.join("m.sig"))
            .arg(dir.join("m.data"))
            .output()
            .unwrap();
        assert!(verified.status.success(), "{svc}: the page's signature verifies");
    }
    browser.client.goto(&format!("{}/?svc={}", stranger.origin, b.mtoken)).await.unwrap();
    assert_eq!(browser.text_of("error").await, "no service");
    browser.quit().await;
    assert!(!b.log().contains(PIN), "the PIN typed into the page is not logged");
}

/// A page that lists the certificates, and lists them again at each `onUsbkeyChange` the
/// service pushes (as the real pages do), counting the pushes.
const EVENTS_PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>key events</title></head>
<body><ul id="list"></ul><div id="events">0</div>
<script>
const url = new URLSearchParams(location.search).get('ws');
let next = 0; const pending = {};
const ws = new WebSocket(url);
let events = 0;
const call = (name, ...param) => new Promise((resolve) => {
  const id = 'i_' + (++next);
  pending[id] = resolve;
  ws.send(JSON.stringify({ xtx_func_name: name, call_cmd_id: id, param }));
});
async function refresh() {
  const list = await call('SOF_GetUserList');
  const ul = document.getElementById('list');
  ul.replaceChildren(...list.split('&&&').filter((e) => e.includes('||')).map((e) => {
    const li = document.createElement('li'); li.textContent = e.split('||')[0]; return li;
  }));
  ul.dataset.done = String(events);
}
ws.onmessage = (ev) => {
  const r = JSON.parse(ev.data);
  if (r.call_cmd_id === 'onUsbkeyChange') { events++; document.getElementById('events').textContent = String(events); refresh(); return; }
  const f = pending[r.call_cmd_id];
  if (f) { delete pending[r.call_cmd_id]; f(r.retVal); }
};
ws.onopen = refresh;
</script>
</body></html>"#;

/// The list on a page follows the keys: an SKF device pulled out and put back is pushed to the
/// page as `onUsbkeyChange`, and the page's list empties and fills again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_s_list_follows_a_key_pulled_out_and_put_back() {
    use common::skf::SkfDevices;
    use common::sm2::Sm2Ca;
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (devices, _) = SkfDevices::with_certificates(&ca, "3301000077770002", "插拔用户", 6);
    let pages = PageServer::start(EVENTS_PAGE.to_string());
    let mut allow = devices.zca(&hsm);
    assert!(allow.args(["bridge", "allow", &pages.origin]).status().unwrap().success());
    let b = Bridge::start(hsm.home(), devices.zca(&hsm), devices.zca(&hsm));
    let browser = Browser::start(&hsm.home(), "zh-CN").await;
    browser.client.goto(&format!("{}/?ws={}", pages.origin, b.ws)).await.unwrap();
    wait_for_list(&browser, &["插拔用户"], &b).await;
    devices.insert(common::skf::DEVICE, false);
    wait_for_list(&browser, &[], &b).await;
    devices.insert(common::skf::DEVICE, true);
    wait_for_list(&browser, &["插拔用户"], &b).await;
    let events: u32 = browser.text_of("events").await.parse().unwrap();
    assert!(events >= 2, "{events} onUsbkeyChange pushed");
    browser.quit().await;
}

/// Waits up to 20 s for the page's list to be `want`.
async fn wait_for_list(browser: &Browser, want: &[&str], b: &Bridge) {
    let mut names = Vec::new();
    for _ in 0..100 {
        names.clear();
        for li in browser.client.find_all(Locator::Css("#list li")).await.unwrap() {
            names.push(li.text().await.unwrap());
        }
        if names == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the page's list is {names:?}, not {want:?}: {}", b.log());
}
