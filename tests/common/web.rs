//! The platform's web pages in headless Chromium: zca-platform and `zca bridge` as processes,
//! both CAs in the browser's NSS store, and the few steps every page test takes.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::Locator;

use super::bridge::Bridge;
use super::browser::Browser;
use super::{run, zca_bin, PlatformProc};

/// Puts the platform's CA into the NSS store under `home` (the one `zca bridge trust` fills).
pub fn trust_platform(home: &std::path::Path, platform: &PlatformProc) {
    let dir = home.join(".pki/nssdb");
    let db = format!("sql:{}", dir.display());
    if !dir.join("cert9.db").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let made = Command::new("certutil")
            .args(["-d", &db, "-N", "--empty-password"])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("certutil runs");
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    }
    let out = Command::new("certutil")
        .args(["-d", &db, "-A", "-t", "C,,", "-n", "zca-platform test CA", "-i"])
        .arg(platform.ca_file())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("certutil runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Lets the platform's pages use the bridge and trusts both CAs in the browser's store.
pub fn connect(zca: &mut dyn FnMut() -> Command, home: &std::path::Path, p: &PlatformProc) {
    let (code, out, err) = run(zca().args(["bridge", "allow", &p.origin]));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(zca().args(["bridge", "trust"]));
    assert_eq!(code, 0, "{out}{err}");
    trust_platform(home, p);
}

/// The `--bridge` options that point the platform's pages at this bridge.
pub fn bridge_options(b: &Bridge) -> [&str; 4] {
    ["--bridge", &b.wss, "--bridge", &b.ws]
}

/// A browser on the platform's pages, writing screenshots to `target/web-screenshots/<lang>`.
pub struct Pages {
    pub browser: Browser,
    pub origin: String,
    shots: PathBuf,
}

const WAIT: Duration = Duration::from_secs(20);

impl Pages {
    pub async fn open(home: &std::path::Path, lang: &str, origin: &str) -> Pages {
        let browser = Browser::start(home, lang).await;
        let shots =
            zca_bin().parent().unwrap().parent().unwrap().join("web-screenshots").join(lang);
        std::fs::create_dir_all(&shots).unwrap();
        Pages { browser, origin: origin.to_string(), shots }
    }

    pub async fn goto(&self, path: &str) {
        self.browser.client.goto(&format!("{}{path}", self.origin)).await.unwrap();
    }

    /// The page's path and query, once it is `path` (at most 20 s).
    pub async fn wait_for_path(&self, path: &str) -> String {
        let mut now = String::new();
        for _ in 0..200 {
            let url = self.browser.client.current_url().await.unwrap();
            now = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_string(),
            };
            if now == path {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the browser stayed on {now}, not {path}: {}", self.source().await);
    }

    pub async fn element(&self, id: &str) -> Element {
        self.browser
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no #{id}: {e}"))
    }

    /// The element once it is shown (not `hidden`), at most 20 s.
    pub async fn shown(&self, id: &str) -> Element {
        let e = self.element(id).await;
        for _ in 0..200 {
            if e.is_displayed().await.unwrap() {
                return e;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("#{id} is never shown: {}", self.source().await);
    }

    pub async fn text(&self, id: &str) -> String {
        self.shown(id).await.text().await.unwrap()
    }

    pub async fn type_into(&self, id: &str, text: &str) {
        let e = self.shown(id).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, id: &str) {
        self.shown(id).await.click().await.unwrap();
    }

    pub async fn css(&self, selector: &str) -> Vec<Element> {
        self.browser.client.find_all(Locator::Css(selector)).await.unwrap()
    }

    /// Waits until `selector` matches something; returns the matches.
    pub async fn wait_css(&self, selector: &str) -> Vec<Element> {
        for _ in 0..200 {
            let found = self.css(selector).await;
            if !found.is_empty() {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("nothing matches {selector}: {}", self.source().await);
    }

    pub async fn source(&self) -> String {
        self.browser.client.source().await.unwrap_or_default()
    }

    /// Presses keys in the focused element.
    pub async fn keys(&self, keys: &str) {
        let focused = self.browser.client.active_element().await.unwrap();
        focused.send_keys(keys).await.unwrap();
    }

    /// Moves the focus with Tab until it reaches `#id` (a keyboard user's way there).
    pub async fn tab_to(&self, id: &str) {
        for _ in 0..30 {
            let focused = self.browser.client.active_element().await.unwrap();
            if focused.attr("id").await.unwrap().as_deref() == Some(id) {
                return;
            }
            focused.send_keys(&Key::Tab).await.unwrap();
        }
        panic!("Tab never reaches #{id}");
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.browser.client.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    pub async fn quit(self) {
        self.browser.quit().await;
    }
}
