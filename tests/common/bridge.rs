//! `zca bridge` as a process on free loopback ports, and a WebSocket client that speaks to it
//! the way the pages' script does (ws and wss).

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

/// A page origin the tests allow.
pub const ORIGIN: &str = "http://127.0.0.1:9999";

pub struct Bridge {
    pub child: Child,
    /// The home of the bridge's user (its CA is made there).
    pub home: std::path::PathBuf,
    pub ws: String,
    pub wss: String,
    /// Longmai's mToken service: `http://127.0.0.1:PORT/alpha`, and over https.
    pub mtoken: String,
    pub mtoken_https: String,
    /// The bridge's log (stderr), for checking what it said.
    log: Arc<Mutex<String>>,
}

impl Bridge {
    /// Starts `cmd` (a `zca` command with the test's keys and home) as `zca bridge` on free
    /// ports, with `ORIGIN` allowed.
    pub fn start(home: std::path::PathBuf, allow: Command, cmd: Command) -> Bridge {
        Bridge::start_with(home, allow, cmd, &[], &[])
    }

    /// `start`, with more arguments for `zca bridge allow` and for `zca bridge`.
    pub fn start_with(
        home: std::path::PathBuf,
        mut allow: Command,
        mut cmd: Command,
        allow_args: &[&str],
        serve_args: &[&str],
    ) -> Bridge {
        let out =
            allow.args(["bridge", "allow", ORIGIN]).args(allow_args).output().expect("zca runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut child = cmd
            .args(["bridge", "--ws-port", "0", "--wss-port", "0"])
            .args(["--mtoken-port", "0", "--mtoken-https-port", "0"])
            .args(serve_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("zca bridge starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut url = || {
            let line = lines.next().expect("a listening line").unwrap();
            line.rsplit(' ').next().unwrap().to_string()
        };
        let (ws, wss, mtoken, mtoken_https) = (url(), url(), url(), url());
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        Bridge { child, home, ws, wss, mtoken, mtoken_https, log }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits up to 5 s for `text` in the log.
    pub fn wait_for_log(&self, text: &str) -> bool {
        for _ in 0..50 {
            if self.log().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    pub fn port(url: &str) -> u16 {
        url.split(':').nth(2).unwrap().split('/').next().unwrap().parse().unwrap()
    }

    /// A page of `ORIGIN` connected over ws.
    pub fn page(&self) -> Page {
        self.connect(&self.ws, Some(ORIGIN), None).expect("the bridge accepts the page")
    }

    /// A WebSocket connection to `url` with these Origin and Host headers; the HTTP refusal
    /// (status, body) when the bridge refuses it.
    pub fn connect(
        &self,
        url: &str,
        origin: Option<&str>,
        host: Option<&str>,
    ) -> Result<Page, (u16, String)> {
        let mut request = url.into_client_request().unwrap();
        if let Some(o) = origin {
            request.headers_mut().insert("Origin", o.parse().unwrap());
        }
        if let Some(h) = host {
            request.headers_mut().insert("Host", h.parse().unwrap());
        }
        let addr = format!("127.0.0.1:{}", Bridge::port(url));
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let stream: Box<dyn ReadWrite> = if url.starts_with("wss") {
            Box::new(tls_to(tcp, &self.ca_pem()))
        } else {
            Box::new(tcp)
        };
        match tungstenite::client::client(request, stream) {
            Ok((ws, _)) => Ok(Page { ws, next: 0 }),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(resp))) => {
                let body = resp.body().clone().map(|b| String::from_utf8_lossy(&b).into_owned());
                Err((resp.status().as_u16(), body.unwrap_or_default()))
            }
            Err(e) => Err((0, e.to_string())),
        }
    }

    /// The bridge's local CA (made at its first wss start).
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.ca_file()).expect("the bridge made its CA")
    }

    pub fn ca_file(&self) -> std::path::PathBuf {
        self.home.join(".local/share/zca/bridge/ca.pem")
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub trait ReadWrite: std::io::Read + std::io::Write + Send {}
impl<T: std::io::Read + std::io::Write + Send> ReadWrite for T {}

pub fn tls_to(
    tcp: TcpStream,
    ca_pem: &[u8],
) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(ca_pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

/// One page's connection: calls by name, answers as the pages' script reads them.
pub struct Page {
    pub ws: WebSocket<Box<dyn ReadWrite>>,
    next: u32,
}

impl Page {
    /// Calls `function` with `params`; returns `retVal`. Key events that arrive first are
    /// skipped.
    pub fn call(&mut self, function: &str, params: &[Value]) -> String {
        self.next += 1;
        let id = format!("i_{}", self.next);
        let request = json!({
            "xtx_func_name": function,
            "call_cmd_id": id,
            "param": params,
            "URL": "http://127.0.0.1:9999/page",
            "cookie": "session=not-for-the-log",
        });
        self.ws.send(Message::text(request.to_string())).unwrap();
        loop {
            let answer = self.read();
            if answer["call_cmd_id"] == id.as_str() {
                return answer["retVal"].as_str().expect("retVal is a string").to_string();
            }
        }
    }

    pub fn send_text(&mut self, text: &str) -> Value {
        self.ws.send(Message::text(text.to_string())).unwrap();
        self.read()
    }

    pub fn read(&mut self) -> Value {
        match self.ws.read().expect("an answer") {
            Message::Text(t) => serde_json::from_str(t.as_str()).expect("JSON"),
            other => panic!("not a text frame: {other:?}"),
        }
    }

    /// The next key event within `wait`, if any (asking the version now and then, as pages
    /// send a heartbeat).
    pub fn next_event(&mut self, wait: Duration) -> Option<Value> {
        let deadline = std::time::Instant::now() + wait;
        while std::time::Instant::now() < deadline {
            self.next += 1;
            let id = format!("i_{}", self.next);
            let probe = json!({"xtx_func_name": "SOF_GetVersion", "call_cmd_id": id});
            self.ws.send(Message::text(probe.to_string())).ok()?;
            loop {
                let frame = self.read();
                if frame["call_cmd_id"] == "onUsbkeyChange" {
                    return Some(frame);
                }
                if frame["call_cmd_id"] == id.as_str() {
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        None
    }

    pub fn user_list(&mut self) -> Vec<(String, String)> {
        let list = self.call("SOF_GetUserList", &[]);
        list.split("&&&")
            .filter(|e| !e.is_empty())
            .map(|e| {
                let (name, id) = e.split_once("||").expect("name||certID");
                (name.to_string(), id.to_string())
            })
            .collect()
    }
}
