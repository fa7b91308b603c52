//! Longmai's mToken service, which the page script sold with the most common Chinese key
//! hardware (GM3000, K5, K7) talks to: `http://127.0.0.1:51235/alpha` (`https://…:51245/alpha`
//! from https pages), one synchronous POST per call with the body `json={…}`, answered with
//! strict JSON that always holds `rtn` (0 or an SKF error code). Served for every key zca can
//! use, over the same key layer, allow-list, own-user check, PIN guard and log as the CA client
//! protocol: one bridge, two protocols.
//!
//! HTTP carries no connection a page keeps, so a page's state (its device, digest method, the
//! last error) is kept per origin, and so is its login: every page of an allowed origin shares
//! it, as with the vendor's service, until SOF_LogOut or the bridge's idle time.

mod body;
mod functions;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::keys::{Keys, Log};
use super::net::{check_host, check_origin, Transport, OPENING_TIME};
use super::origins::AllowList;
use super::printable;
use super::slots::Slot;

pub use functions::PageState;

/// The path pages post to.
pub const PATH: &str = "/alpha";
/// Largest request head and body a page may send.
const MAX_HEAD: usize = 16 << 10;
const MAX_BODY: usize = 1 << 20;

/// What every mToken connection shares.
pub struct Shared {
    origins: Arc<AllowList>,
    close_idle: Duration,
    keys: Keys,
    log: Log,
    /// Each allowed origin's state, made at its first call.
    pages: Mutex<HashMap<String, PageState>>,
    /// Login identities of origins, apart from the WebSocket connections' numbers.
    next_page: AtomicU64,
}

impl Shared {
    pub fn new(origins: Arc<AllowList>, close_idle: Duration, keys: Keys, log: Log) -> Shared {
        Shared {
            origins,
            close_idle,
            keys,
            log,
            pages: Mutex::new(HashMap::new()),
            next_page: AtomicU64::new(1 << 62),
        }
    }
}

/// One HTTP request as read.
struct Request {
    method: String,
    path: String,
    host: String,
    origin: String,
    private_network: bool,
    keep_alive: bool,
    /// Zeroized when dropped: it holds the PIN of a login.
    body: Zeroizing<Vec<u8>>,
}

/// Serves one connection: requests in turn (keep-alive), each with its own deadline.
pub fn serve(mut stream: Box<dyn Transport>, slot: &Slot, port: u16, shared: &Shared) {
    loop {
        let request = match read_request(&mut stream) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(status) => {
                let _ = respond(&mut stream, status, None, &[], b"", false);
                return;
            }
        };
        slot.touch();
        let keep_alive = request.keep_alive;
        if answer(&mut stream, request, port, shared).is_err() || !keep_alive {
            return;
        }
        // The next request of a kept-alive connection: it may come within the idle time, and
        // once it starts it has the opening's time to arrive whole.
        stream.timed().set_deadline(Some(Instant::now() + shared.close_idle + OPENING_TIME));
    }
}

/// Reads a request: its head (at most 16 KiB) and its body (at most 1 MiB, by
/// Content-Length). `Ok(None)` when the connection ended before a request began.
fn read_request(stream: &mut dyn Read) -> Result<Option<Request>, &'static str> {
    let mut buf = Zeroizing::new(Vec::with_capacity(1024));
    let mut chunk = Zeroizing::new([0u8; 1024]);
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err("431 Request Header Fields Too Large");
        }
        match stream.read(&mut *chunk) {
            Ok(0) if buf.is_empty() => return Ok(None),
            Ok(0) => return Err("400 Bad Request"),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(_) if buf.is_empty() => return Ok(None),
            Err(_) => return Err("408 Request Timeout"),
        }
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    if !matches!(parsed.parse(&buf[..head_end]), Ok(httparse::Status::Complete(_))) {
        return Err("400 Bad Request");
    }
    let header = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    if !header("transfer-encoding").is_empty() {
        return Err("411 Length Required");
    }
    let length: usize = match header("content-length").as_str() {
        "" => 0,
        n => n.parse().map_err(|_| "400 Bad Request")?,
    };
    if length > MAX_BODY {
        return Err("413 Content Too Large");
    }
    let mut body = Zeroizing::new(buf[head_end..].to_vec());
    while body.len() < length {
        match stream.read(&mut *chunk) {
            Ok(0) | Err(_) => return Err("408 Request Timeout"),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(length);
    let version_11 = parsed.version == Some(1);
    let connection = header("connection").to_ascii_lowercase();
    Ok(Some(Request {
        method: parsed.method.unwrap_or("").to_string(),
        path: parsed.path.unwrap_or("").to_string(),
        host: header("host"),
        origin: header("origin"),
        private_network: header("access-control-request-private-network") == "true",
        keep_alive: if version_11 { connection != "close" } else { connection == "keep-alive" },
        body,
    }))
}

/// Answers one request: the checks every page passes (Host, Origin), then the preflight or
/// the call.
fn answer(
    stream: &mut dyn Write,
    request: Request,
    port: u16,
    shared: &Shared,
) -> std::io::Result<()> {
    let keep = request.keep_alive;
    let path = request.path.split('?').next().unwrap_or("");
    if path.trim_end_matches('/') != PATH {
        let why = format!("no such path {}: pages use {PATH}", printable(path));
        (shared.log)(&format!("refused an mToken request: {why}"));
        return respond(stream, "404 Not Found", None, &[], why.as_bytes(), keep);
    }
    let admitted = check_host(&request.host, port)
        .and_then(|()| check_origin(&request.origin, &shared.origins));
    let origin = match admitted {
        Ok(origin) => origin,
        Err(why) => {
            (shared.log)(&format!("refused an mToken request: {why}"));
            return respond(stream, "403 Forbidden", None, &[], why.as_bytes(), keep);
        }
    };
    match request.method.as_str() {
        // The browser's question before a public page may reach this computer (Private
        // Network Access), answered for allowed origins only.
        "OPTIONS" => {
            let mut extra = vec![
                ("Access-Control-Allow-Methods", "POST, OPTIONS"),
                ("Access-Control-Allow-Headers", "Content-Type"),
                ("Access-Control-Max-Age", "600"),
            ];
            if request.private_network {
                extra.push(("Access-Control-Allow-Private-Network", "true"));
            }
            respond(stream, "204 No Content", Some(&origin), &extra, b"", keep)
        }
        "POST" => {
            let reply = call(&origin, &request.body, shared);
            let json = serde_json::to_vec(&reply).unwrap_or_else(|_| b"{\"rtn\":1}".to_vec());
            let json_type = [("Content-Type", "application/json; charset=utf-8")];
            respond(stream, "200 OK", Some(&origin), &json_type, &json, keep)
        }
        _ => respond(stream, "405 Method Not Allowed", Some(&origin), &[], b"", keep),
    }
}

/// The answer to a call: the page's state for its origin, the function, its fields.
fn call(origin: &str, body: &[u8], shared: &Shared) -> serde_json::Value {
    let Some(mut fields) = body::parse(body) else {
        (shared.log)(&format!("[mToken {origin}] not a request ({} bytes)", body.len()));
        return functions::invalid();
    };
    let mut pages = shared.pages.lock().unwrap_or_else(|p| p.into_inner());
    let page = pages
        .entry(origin.to_string())
        .or_insert_with(|| PageState::new(shared.next_page.fetch_add(1, Ordering::SeqCst)));
    // The page's state is its own: one call of an origin at a time, as its script makes them.
    let mut page = page.clone();
    drop(pages);
    let context = functions::Context {
        origin,
        desktop_pins: shared.origins.pins_from_desktop(origin),
        keys: &shared.keys,
        log: &shared.log,
    };
    let reply = functions::call(&context, &mut page, &mut fields);
    shared.pages.lock().unwrap_or_else(|p| p.into_inner()).insert(origin.to_string(), page);
    reply
}

/// Writes an answer; CORS allows the page's own origin only (never `*`).
fn respond(
    stream: &mut dyn Write,
    status: &str,
    origin: Option<&str>,
    extra: &[(&str, &str)],
    body: &[u8],
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    head.push_str("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
    if let Some(origin) = origin {
        head.push_str(&format!("Access-Control-Allow-Origin: {origin}\r\nVary: Origin\r\n"));
    }
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}
