//! `zca bridge` measured the way pages use it: a WebSocket client on loopback asks for the user
//! list (10 keys) and signs; the time a round trip takes beside the key's own C_Sign, and the
//! memory of the idle service.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use tungstenite::client::IntoClientRequest;
use tungstenite::Message;

use crate::setup::{TestCa, Tokens, PIN};
use crate::{row, Bins, Row};

const ORIGIN: &str = "http://127.0.0.1:1";

struct Running {
    child: Child,
    log: std::path::PathBuf,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Client {
    ws: tungstenite::WebSocket<std::net::TcpStream>,
    next: u32,
}

impl Client {
    fn call(&mut self, function: &str, params: Value) -> Result<String> {
        self.next += 1;
        let id = format!("i_{}", self.next);
        let req = json!({"xtx_func_name": function, "call_cmd_id": id, "param": params});
        self.ws.send(Message::text(req.to_string()))?;
        loop {
            let Message::Text(text) = self.ws.read()? else { continue };
            let answer: Value = serde_json::from_str(text.as_str())?;
            if answer["call_cmd_id"] == id.as_str() {
                return Ok(answer["retVal"].as_str().unwrap_or_default().to_string());
            }
        }
    }
}

pub fn measure(bins: &Bins, rows: &mut Vec<Row>) -> Result<()> {
    eprintln!("bench: zca bridge");
    let mut tokens = Tokens::new()?;
    tokens.grow_to(10)?;
    tokens.certify_first(&TestCa::new("Bench bridge CA"))?;
    crate::must(tokens.zca(&bins.zca).args(["bridge", "allow", ORIGIN]))?;
    let log = tempfile::NamedTempFile::new()?.into_temp_path().keep()?;
    let mut child = tokens
        .zca(&bins.zca)
        .args(["-v", "bridge", "--ws-port", "0", "--no-wss", "--mtoken-port", "0"])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log)?)
        .spawn()?;
    let line = BufReader::new(child.stdout.take().context("stdout")?)
        .lines()
        .next()
        .context("the bridge said nothing")??;
    let running = Running { child, log };
    let url = line.rsplit(' ').next().context("a URL")?.to_string();
    let mut request = url.as_str().into_client_request()?;
    request.headers_mut().insert("Origin", ORIGIN.parse()?);
    let port: u16 =
        url.split(':').nth(2).and_then(|p| p.split('/').next()).context("a port")?.parse()?;
    let tcp = std::net::TcpStream::connect(("127.0.0.1", port))?;
    tcp.set_nodelay(true)?;
    let (ws, _) = tungstenite::client::client(request, tcp).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut page = Client { ws, next: 0 };

    let mut list_ms = Vec::new();
    let mut users = String::new();
    for _ in 0..50 {
        let start = Instant::now();
        users = page.call("SOF_GetUserList", json!([]))?;
        list_ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let count = users.matches("&&&").count();
    if count != 10 {
        bail!("the bridge lists {count} certificates of 10 keys: {users}");
    }
    let signer = users
        .split("&&&")
        .filter_map(|e| e.split_once("||"))
        .map(|(_, id)| id.to_string())
        .find(|id| {
            let cert = page.call("SOF_ExportUserCert", json!([id])).unwrap_or_default();
            let cn = page.call("SOF_GetCertInfo", json!([cert, 17])).unwrap_or_default();
            cn == "bench signer"
        })
        .context("the key with its own certificate")?;
    if page.call("SOF_Login", json!([signer, PIN]))? != "true" {
        bail!("SOF_Login failed: {}", std::fs::read_to_string(&running.log)?);
    }
    let mut sign_ms = Vec::new();
    for i in 0..200 {
        let start = Instant::now();
        let sig = page.call("SOF_SignData", json!([signer, format!("message {i}")]))?;
        sign_ms.push(start.elapsed().as_secs_f64() * 1e3);
        if sig.is_empty() {
            bail!("SOF_SignData failed");
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let on_key: Vec<f64> = std::fs::read_to_string(&running.log)?
        .lines()
        .filter_map(|l| l.split(" in ").nth(1)?.strip_suffix(" ms")?.parse().ok())
        .collect();
    let (list, total, key) = (median(list_ms), median(sign_ms), median(on_key));
    std::thread::sleep(Duration::from_secs(1));
    let rss = rss_mib(running.child.id())?;
    rows.push(row(
        "zca bridge: SOF_GetUserList round trip, 10 keys (ws, loopback)",
        format!("{list:.2} ms median"),
        "",
        None,
    ));
    rows.push(row(
        "zca bridge: SOF_SignData round trip without C_Sign (EC P-256)",
        format!("{:.2} ms median (round trip {total:.2} ms, C_Sign {key:.2} ms)", total - key),
        "≤ 2 ms",
        Some(total - key <= 2.0),
    ));
    rows.push(row(
        "zca bridge: memory (RSS) after use, idle",
        format!("{rss:.1} MiB"),
        "≤ 20 MiB",
        Some(rss <= 20.0),
    ));
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn rss_mib(pid: u32) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .context("VmRSS")?;
    Ok(kb / 1024.0)
}
