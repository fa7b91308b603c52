//! Headless Chromium (Debian's `chromium`) driven through WebDriver (Debian's `chromedriver`)
//! with fantoccini, and a small HTTP server for test pages on 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tempfile::TempDir;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Browser {
    /// Chromium with `home` as its HOME (its certificate store is `home/.pki/nssdb`) and
    /// `lang` as its language.
    pub async fn start(home: &Path, lang: &str) -> Browser {
        for (program, package) in [("chromedriver", "chromium-driver"), ("chromium", "chromium")] {
            assert!(
                Command::new("sh")
                    .args(["-c", &format!("command -v {program}")])
                    .output()
                    .unwrap()
                    .status
                    .success(),
                "{program} is missing: sudo scripts/setup installs {package}"
            );
        }
        let port = free_port();
        // Its own process group, so that Chromium goes with it.
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .env("HOME", home)
            .env("LANGUAGE", lang)
            // A zone of its own, not the machine's (UTC on CI): pages must show local time.
            .env("TZ", "Asia/Shanghai")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--lang={lang}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": { "intl.accept_languages": lang },
            }
        });
        let caps = caps.as_object().unwrap().clone();
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");
        Browser { client, driver, _profile: profile }
    }

    /// The text of the element with this id, once it is there (at most 20 s).
    pub async fn text_of(&self, id: &str) -> String {
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no #{id} on the page: {e}"));
        found.text().await.unwrap()
    }

    pub async fn quit(mut self) {
        let _ = self.client.clone().close().await;
        self.stop();
    }

    fn stop(&mut self) {
        // SAFETY: a signal to the process group this test started.
        unsafe { libc::kill(-(self.driver.id() as i32), libc::SIGKILL) };
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An HTTP server on 127.0.0.1 that answers every GET with `page` (HTML).
pub struct PageServer {
    pub origin: String,
}

impl PageServer {
    pub fn start(page: String) -> PageServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let page = Arc::new(page);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let page = page.clone();
                std::thread::spawn(move || serve(stream, &page));
            }
        });
        PageServer { origin }
    }
}

fn serve(mut stream: TcpStream, page: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        if line == "\r\n" {
            break;
        }
        line.clear();
    }
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
}
