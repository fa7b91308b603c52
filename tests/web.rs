//! zca-platform's web pages in headless Chromium, with `zca bridge` as the CA client service
//! and keys on SoftHSM2 (P-256) and the soft SM2 module: the operating guide's whole path,
//! the platform's rule, a wrong PIN, no client service, CSRF, cookies and headers. Every test
//! writes screenshots of the screens it passes to target/web-screenshots/<language>.

mod common;

use std::process::Command;

use common::bridge::Bridge;
use common::sm2::{Sm2Ca, Sm2Token};
use common::web::{bridge_options, connect, Pages};
use common::*;
use fantoccini::key::Key;
use serde_json::json;

/// The platform (accounts alice and bob, trusting `ca_der`) serving pages that use `b`.
fn platform_for(b: &Bridge, ca_der: &[u8]) -> PlatformProc {
    let p = PlatformProc::start_with(&bridge_options(b));
    p.trust(ca_der);
    p.add_user("alice");
    p.add_user("bob");
    p
}

/// A time the server sent in UTC is shown in the browser's zone (Asia/Shanghai, UTC+8).
async fn assert_local_time(pages: &Pages, selector: &str) {
    let found = pages.wait_css(selector).await;
    let iso = found[0].attr("datetime").await.unwrap().expect("a datetime");
    let utc = time::OffsetDateTime::parse(&iso, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{iso}: {e}"));
    let local = utc.to_offset(time::macros::offset!(+8));
    let want = local
        .format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
        .unwrap();
    assert_eq!(found[0].text().await.unwrap(), want, "{selector} in local time");
}

async fn password_login(pages: &Pages, account: &str) {
    pages.goto("/login").await;
    pages.type_into("account", account).await;
    pages.type_into("password", ACCOUNT_PASSWORD).await;
    pages.click("password-login").await;
    pages.wait_for_path("/home").await;
}

/// 【CA 登录】 with the first certificate the page lists; the page it leads to is the caller's.
async fn ca_login(pages: &Pages, pin: &str) {
    pages.shown("ca-form").await;
    pages.type_into("ca-pin", pin).await;
    pages.click("ca-login-button").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guides_whole_path_in_chromium() {
    let hsm = Hsm::new();
    let ca = TestCa::new("Web CA");
    let serial = key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("张三"));
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let p = platform_for(&b, &ca.der);
    connect(&mut || hsm.zca(), &hsm.home(), &p);
    let pages = Pages::open(&hsm.home(), "zh-CN", &p.origin).await;

    // 用户登录: the CA client service is found and the key's certificate shown.
    pages.goto("/login").await;
    pages.shown("ca-form").await;
    let listed = pages.css("#ca-cert option").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].text().await.unwrap(), "张三");
    pages.screenshot("login").await;

    // 账号密码 → 用户中心; the session cookie is HttpOnly, Secure, SameSite=Strict.
    password_login(&pages, "alice").await;
    assert!(pages.text("welcome").await.contains("alice"));
    assert_eq!(pages.text("session-kind").await, "账号密码");
    assert_local_time(&pages, "#session-expires time").await;
    pages.screenshot("home").await;
    let cookies = pages.browser.client.get_all_cookies().await.unwrap();
    let session =
        cookies.iter().find(|c| c.name() == "__Host-zca_session").expect("a session cookie");
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(session.secure(), Some(true));
    assert_eq!(session.same_site().map(|s| s.to_string()).as_deref(), Some("Strict"));
    assert!(
        !cookies.iter().any(|c| c.name() == "__Host-zca_login_csrf"),
        "the login form's is gone"
    );

    // 系统管理 › 组织管理 › CA 用户管理 › 【添加绑定】 → PIN → the new row with the CA锁ID.
    pages.goto("/admin/ca-users").await;
    assert!(pages.text("rule").await.contains("一把 CA 锁只能绑定一个用户"));
    pages.shown("no-bindings").await;
    pages.click("add-binding").await;
    pages.wait_css("#bind-cert option").await;
    pages.type_into("bind-pin", PIN).await;
    pages.screenshot("add-binding").await;
    pages.click("bind-ok").await;
    pages.wait_for_path("/admin/ca-users?done=bound").await;
    assert_eq!(pages.text("message").await, "绑定成功。");
    let cells = pages.css("#bindings tbody td").await;
    let mut row = Vec::new();
    for c in &cells {
        row.push(c.text().await.unwrap());
    }
    assert_eq!(row[0], "1");
    assert_eq!(row[1], "正常");
    assert_eq!(row[2], "张三");
    assert_eq!(row[3], serial, "the CA锁ID");
    assert_eq!(row[5], "alice", "创建人");
    assert_eq!(row[7], "解除绑定");
    pages.screenshot("ca-users").await;

    // 退出, then 【CA 登录】 with the PIN → 用户中心 of alice.
    pages.click("logout").await;
    pages.wait_for_path("/login").await;
    ca_login(&pages, PIN).await;
    pages.wait_for_path("/home").await;
    assert!(pages.text("welcome").await.contains("alice"));
    assert_eq!(pages.text("session-kind").await, "CA 登录");

    // 解除绑定 (confirmed): the session this binding opened ends with it.
    pages.goto("/admin/ca-users").await;
    pages.wait_css("a.unbind").await[0].click().await.unwrap();
    assert_eq!(pages.text("unbind-lock").await, serial);
    pages.screenshot("unbind").await;
    pages.click("unbind-confirm").await;
    pages.wait_for_path("/login?ended=1").await;
    assert!(pages.text("message").await.contains("会话已随绑定一起结束"));

    // CA 登录 is refused now, in the page's words.
    ca_login(&pages, PIN).await;
    assert_eq!(pages.text("ca-error").await, "该证书未绑定任何账号。");
    assert_eq!(pages.browser.client.current_url().await.unwrap().path(), "/login");
    pages.quit().await;

    let events: Vec<String> = p
        .audit()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["event"].as_str().unwrap().to_string())
        .collect();
    for event in ["password_login", "bind", "ca_login", "unbind", "session_ended"] {
        assert!(events.iter().any(|e| e == event), "{event} in the audit: {events:?}");
    }
    assert!(!b.log().contains(PIN), "the PIN typed into the page is not logged");
    assert!(!p.log().contains(PIN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_bound_to_alice_is_refused_to_bob_and_a_wrong_pin_says_so() {
    let (hsm, ca, _) = (Hsm::new(), TestCa::new("Web CA"), ());
    key_with_cert(&hsm, &ca, "k", "EC:prime256v1", &CertSpec::valid("张三"));
    let b = Bridge::start(hsm.home(), hsm.zca(), hsm.zca());
    let p = platform_for(&b, &ca.der);
    connect(&mut || hsm.zca(), &hsm.home(), &p);
    // alice binds the lock with the command line: the pages obey the same rule.
    account_login(&hsm, &p, "alice");
    assert_eq!(pin(hsm.zca_on(&p).args(["bind", "--yes"])).0, 0);

    let pages = Pages::open(&hsm.home(), "zh-CN", &p.origin).await;
    password_login(&pages, "bob").await;
    pages.goto("/admin/ca-users").await;
    pages.click("add-binding").await;
    pages.wait_css("#bind-cert option").await;
    pages.type_into("bind-pin", PIN).await;
    pages.click("bind-ok").await;
    assert_eq!(pages.text("bind-error").await, "该 CA 锁或证书已绑定到其他用户。");
    pages.screenshot("bound-to-another-user").await;
    pages.goto("/admin/ca-users").await;
    pages.shown("no-bindings").await;

    // A wrong PIN: said so, no session; the right one opens alice's.
    pages.click("logout").await;
    pages.wait_for_path("/login").await;
    ca_login(&pages, "999999").await;
    assert!(pages.text("ca-error").await.starts_with("PIN 码错误"));
    pages.screenshot("wrong-pin").await;
    assert_eq!(pages.browser.client.current_url().await.unwrap().path(), "/login");
    ca_login(&pages, PIN).await;
    pages.wait_for_path("/home").await;
    assert!(pages.text("welcome").await.contains("alice"));
    pages.quit().await;
    let audit = p.audit();
    let binds: Vec<_> = audit.as_array().unwrap().iter().filter(|a| a["event"] == "bind").collect();
    assert_eq!(binds.len(), 2, "{binds:?}");
    assert_eq!((&binds[0]["account"], &binds[0]["result"]), (&json!("alice"), &json!("ok")));
    let refused = (&binds[1]["account"], &binds[1]["result"]);
    assert_eq!(refused, (&json!("bob"), &json!("ca_lock_bound_to_other_user")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_client_service_the_pages_say_install_the_driver_in_zh_and_en() {
    let hsm = Hsm::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nowhere = format!("ws://127.0.0.1:{closed}/xtxapp/");
    let p = PlatformProc::start_with(&["--bridge", &nowhere]);
    p.add_driver("zca-test-driver.deb", b"a driver package", "Web CA", "libtest.so");
    let out = Command::new(platform_bin())
        .env("ZCA_PLATFORM_DATA", p.dir.path())
        .args(["driver", "add", "/dev/null", "--name", "Windows 驱动", "--vendor", "V"])
        .args(["--version", "2", "--os", "windows", "--issuer", "Other CA"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    common::web::trust_platform(&hsm.home(), &p);

    for (lang, says, title) in [
        ("zh-CN", "CA 客户端驱动未安装, 请下载", "CA 驱动下载"),
        ("en", "CA client driver not installed", "CA driver download"),
    ] {
        let pages = Pages::open(&hsm.home(), lang, &p.origin).await;
        pages.goto("/login").await;
        assert!(pages.text("no-client").await.contains(says), "{lang}");
        assert!(!pages.element("ca-form").await.is_displayed().await.unwrap());
        pages.screenshot("no-client-service").await;
        pages.click("no-client-download").await;
        pages.wait_for_path("/drivers").await;
        assert_eq!(
            pages
                .browser
                .client
                .find(fantoccini::Locator::Css("h1"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            title
        );
        assert_eq!(pages.css("#drivers tbody tr").await.len(), 2, "{lang}");
        pages.screenshot("drivers").await;

        // Filtered by operating system with the keyboard, then by issuer.
        pages.element("os").await.select_by_value("linux").await.unwrap();
        pages.click("issuer").await;
        pages.keys(&Key::Enter).await;
        pages.wait_for_path("/drivers?os=linux&arch=&issuer=").await;
        let rows = pages.css("#drivers tbody tr").await;
        assert_eq!(rows.len(), 1);
        let row = rows[0].text().await.unwrap();
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"a driver package"));
        assert!(row.contains(&sha), "the SHA-256 is shown whole: {row}");
        assert!(row.contains("16 B"), "{row}");
        pages.goto("/drivers?issuer=Nobody").await;
        pages.shown("no-drivers").await;
        pages.quit().await;
    }
    // The download is the stored package.
    let out = Command::new("curl")
        .args(["-sSf", "--cacert"])
        .arg(p.ca_file())
        .arg(format!("{}/api/v1/ca/drivers", p.origin))
        .output()
        .unwrap();
    let catalogue = json(&String::from_utf8_lossy(&out.stdout));
    let url = catalogue["drivers"].as_array().unwrap().iter().find(|d| d["os"] == "linux").unwrap()
        ["url"]
        .as_str()
        .unwrap()
        .to_string();
    let out = Command::new("curl")
        .args(["-sSf", "--cacert"])
        .arg(p.ca_file())
        .arg(&url)
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"a driver package");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_path_with_an_sm2_key_and_the_keyboard_alone_in_english() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (token, _) = Sm2Token::with_certificate(&[], &ca, "国密用户");
    let b = Bridge::start(hsm.home(), token.zca(&hsm), token.zca(&hsm));
    let p = platform_for(&b, &ca.der);
    connect(&mut || token.zca(&hsm), &hsm.home(), &p);
    let pages = Pages::open(&hsm.home(), "en", &p.origin).await;

    // Account and password: typed, Tab, typed, Enter (the account field has the focus).
    pages.goto("/login").await;
    pages.shown("ca-form").await;
    pages.screenshot("login").await;
    pages.keys("alice").await;
    pages.keys(&Key::Tab).await;
    pages.keys(&format!("{ACCOUNT_PASSWORD}{}", &*Key::Enter)).await;
    pages.wait_for_path("/home").await;
    assert_eq!(pages.text("session-kind").await, "account and password");
    // The English menu is one line at 1280 px, as the Chinese one is.
    let header = pages
        .browser
        .client
        .execute("return document.querySelector('header').getBoundingClientRect().height", vec![])
        .await
        .unwrap();
    assert!(header.as_f64().unwrap() < 64.0, "the menu wraps: {header} px high");
    pages.screenshot("home").await;

    // Add binding: reached with Tab, opened with Enter; PIN and Enter.
    pages.goto("/admin/ca-users").await;
    pages.tab_to("add-binding").await;
    pages.keys(&Key::Enter).await;
    pages.wait_css("#bind-cert option").await;
    pages.tab_to("bind-pin").await;
    pages.keys(PIN).await;
    pages.screenshot("add-binding").await;
    pages.keys(&Key::Enter).await;
    pages.wait_for_path("/admin/ca-users?done=bound").await;
    assert_eq!(pages.text("message").await, "Bound.");
    assert_eq!(pages.css("td.lock").await[0].text().await.unwrap(), common::sm2::SERIAL);
    pages.screenshot("ca-users").await;

    // Log out with the keyboard; CA login signs SM3withSM2 over the contract's bytes.
    pages.tab_to("logout").await;
    pages.keys(&Key::Enter).await;
    pages.wait_for_path("/login").await;
    pages.shown("ca-form").await;
    pages.tab_to("ca-pin").await;
    pages.keys(&format!("{PIN}{}", &*Key::Enter)).await;
    pages.wait_for_path("/home").await;
    assert_eq!(pages.text("session-kind").await, "CA key");

    pages.goto("/admin/ca-users").await;
    pages.wait_css("a.unbind").await[0].click().await.unwrap();
    pages.screenshot("unbind").await;
    pages.tab_to("unbind-confirm").await;
    pages.keys(&Key::Enter).await;
    pages.wait_for_path("/login?ended=1").await;
    pages.quit().await;
    let logins: Vec<_> = p
        .audit()
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["event"] == "ca_login")
        .cloned()
        .collect();
    assert_eq!(logins.len(), 1, "{logins:?}");
}

/// `curl` against the platform: the status, the headers and the body.
fn curl(p: &PlatformProc, args: &[&str]) -> (u16, String, String) {
    let out = Command::new("curl")
        .args(["-sS", "-D", "-", "--cacert"])
        .arg(p.ca_file())
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn set_cookie(head: &str, name: &str) -> String {
    head.lines()
        .find(|l| {
            l.to_ascii_lowercase().starts_with("set-cookie: ")
                && l["set-cookie: ".len()..].starts_with(&format!("{name}="))
        })
        .unwrap_or_else(|| panic!("no {name} cookie in {head}"))
        .to_string()
}

fn cookie_value(line: &str) -> String {
    line.split_once('=').unwrap().1.split(';').next().unwrap().to_string()
}

#[test]
fn forms_need_their_csrf_token_and_pages_send_strict_headers() {
    let p = PlatformProc::start();
    p.add_user("alice");
    let login = format!("{}/login", p.origin);

    let (status, head, body) = curl(&p, &[&login]);
    assert_eq!(status, 200);
    // `__Host-`: the browser takes it only from this origin over HTTPS, never from a sibling
    // subdomain (no Domain, Path=/, Secure).
    let line = set_cookie(&head, "__Host-zca_login_csrf");
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(line.contains(flag), "{flag}: {line}");
    }
    assert!(!line.to_ascii_lowercase().contains("domain="), "{line}");
    let csrf = cookie_value(&line);
    assert!(body.contains(&format!("name=\"csrf\" value=\"{csrf}\"")));
    let head_lower = head.to_ascii_lowercase();
    let csp = head_lower.lines().find(|l| l.starts_with("content-security-policy:")).unwrap();
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self' wss://127.0.0.1:21061 ws://127.0.0.1:21051",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(part), "{part}: {csp}");
    }
    assert!(head_lower.contains("x-frame-options: deny"));
    assert!(head_lower.contains("x-content-type-options: nosniff"));
    assert!(head_lower.contains("strict-transport-security: max-age=31536000"), "{head}");
    assert!(!body.contains("<script>"), "no inline script");
    let (_, api_head, _) = curl(&p, &[&format!("{}/api/v1/health", p.origin)]);
    assert!(api_head.to_ascii_lowercase().contains("strict-transport-security"), "{api_head}");

    let password = format!("account=alice&password={}", ACCOUNT_PASSWORD.replace(' ', "+"));
    let cookie = format!("Cookie: __Host-zca_login_csrf={csrf}");
    // No token, a wrong token, a token without its cookie, and a cookie someone planted with a
    // token of their choosing (the platform did not make it): refused, no session.
    let planted = "Cookie: __Host-zca_login_csrf=planted".to_string();
    for (form, header) in [
        (password.clone(), cookie.clone()),
        (format!("{password}&csrf=forged"), cookie.clone()),
        (format!("{password}&csrf={csrf}"), "X-None: 1".to_string()),
        (format!("{password}&csrf=planted"), planted),
    ] {
        let (status, head, _) = curl(&p, &["-H", &header, "--data", &form, &login]);
        assert_eq!(status, 403, "{form} {header}");
        assert!(!head.contains("zca_session"), "{head}");
    }
    // With both: logged in, and the session cookie is strict too.
    let (status, head, _) =
        curl(&p, &["-H", &cookie, "--data", &format!("{password}&csrf={csrf}"), &login]);
    assert_eq!(status, 303);
    assert!(head.to_ascii_lowercase().contains("location: /home"));
    let line = set_cookie(&head, "__Host-zca_session");
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(line.contains(flag), "{flag}: {line}");
    }
    let session = format!("Cookie: __Host-zca_session={}", cookie_value(&line));

    // The session's pages carry its own token; the script's calls need it in a header.
    let (status, _, page) = curl(&p, &["-H", &session, &format!("{}/admin/ca-users", p.origin)]);
    assert_eq!(status, 200);
    let token = page.split("name=\"csrf\" content=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_ne!(token, csrf);
    let challenge = format!("{}/web/ca/challenge", p.origin);
    let json_body = ["-H", "Content-Type: application/json", "--data", "{\"purpose\":\"bind\"}"];
    let (status, _, body) =
        curl(&p, &[&["-H", session.as_str()][..], &json_body, &[&challenge]].concat());
    assert_eq!(status, 403, "{body}");
    let with_token = format!("X-CSRF-Token: {token}");
    let (status, _, body) = curl(
        &p,
        &[&["-H", session.as_str(), "-H", with_token.as_str()][..], &json_body, &[&challenge]]
            .concat(),
    );
    assert_eq!(status, 201, "{body}");
    // Logging out needs the token as well.
    let logout = format!("{}/logout", p.origin);
    let (status, _, _) = curl(&p, &["-H", &session, "--data", "csrf=forged", &logout]);
    assert_eq!(status, 403);
    let (status, _, _) = curl(&p, &["-H", &session, &format!("{}/home", p.origin)]);
    assert_eq!(status, 200, "still logged in");
    let (status, _, _) = curl(&p, &["-H", &session, "--data", &format!("csrf={token}"), &logout]);
    assert_eq!(status, 303);
    let (status, head, _) = curl(&p, &["-H", &session, &format!("{}/home", p.origin)]);
    assert_eq!(status, 303, "the session ended: {head}");
}

#[test]
fn the_pages_share_the_apis_lockout() {
    // The platform's LOCKOUT_FAILURES: failed logins within its window that lock an account.
    const LOCKOUT_FAILURES: usize = 5;
    let p = PlatformProc::start();
    p.add_user("alice");
    let login = format!("{}/login", p.origin);
    let (_, head, _) = curl(&p, &[&login]);
    let csrf = cookie_value(&set_cookie(&head, "__Host-zca_login_csrf"));
    let cookie = format!("Cookie: __Host-zca_login_csrf={csrf}");
    for _ in 0..LOCKOUT_FAILURES {
        let form = format!("account=alice&password=wrong&csrf={csrf}");
        let (status, _, body) =
            curl(&p, &["-H", &cookie, "-H", "Accept-Language: zh-CN", "--data", &form, &login]);
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("账号或密码错误。"));
    }
    // The account is locked for the API as well, whatever the password.
    let (status, _, body) = curl(
        &p,
        &[
            "-H",
            "Content-Type: application/json",
            "--data",
            &format!("{{\"account\":\"alice\",\"password\":\"{ACCOUNT_PASSWORD}\"}}"),
            &format!("{}/api/v1/sessions/password", p.origin),
        ],
    );
    assert_eq!(status, 429, "{body}");
}
