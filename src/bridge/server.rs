//! The listeners: WebSocket on loopback (ws and wss), the checks made before a page is served
//! (path, Host, Origin, the number of connections), and one thread per connection that answers
//! its calls in turn and passes on key events.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::Duration;

use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tungstenite::{Message, WebSocket};

use super::keys::{KeyEvent, Keys, Listeners};
use super::origins::AllowList;
use super::protocol::{refusal, usb_key_change, Request as Call};
use super::sof::Connection;
use crate::error::{Error, Result};

/// The path pages open.
pub const PATH: &str = "/xtxapp/";
/// Largest frame or message a page may send: no request of the protocol is near it.
pub const MAX_MESSAGE: usize = 1 << 20;
/// A page that opens a connection has this long to finish its handshake.
const HANDSHAKE_TIME: Duration = Duration::from_secs(5);
/// How often a connection that waits for a frame looks for key events.
const POLL: Duration = Duration::from_millis(200);

pub struct ServerOptions {
    /// Port of `ws://127.0.0.1:PORT/xtxapp/` (0: any free one).
    pub ws_port: u16,
    /// Port of `wss://` and its TLS configuration; `None`: no wss.
    pub wss: Option<(u16, Arc<rustls::ServerConfig>)>,
    pub origins: Arc<AllowList>,
    pub max_connections: usize,
    pub keys: Keys,
    pub listeners: Listeners,
    pub log: Arc<dyn Fn(&str) + Send + Sync>,
}

/// Where the bridge listens.
#[derive(Clone, Debug)]
pub struct Bound {
    pub ws: SocketAddr,
    pub wss: Option<SocketAddr>,
}

struct Shared {
    origins: Arc<AllowList>,
    max_connections: usize,
    open: AtomicUsize,
    next_id: AtomicU64,
    keys: Keys,
    listeners: Listeners,
    log: Arc<dyn Fn(&str) + Send + Sync>,
}

/// Binds the listeners (127.0.0.1, and ::1 on the same port where the system has it), calls
/// `ready`, and serves until the process ends.
pub fn serve(opts: ServerOptions, ready: impl FnOnce(&Bound)) -> Result<()> {
    let shared = Arc::new(Shared {
        origins: opts.origins,
        max_connections: opts.max_connections,
        open: AtomicUsize::new(0),
        next_id: AtomicU64::new(1),
        keys: opts.keys,
        listeners: opts.listeners,
        log: opts.log,
    });
    let mut threads = Vec::new();
    let ws = bind(opts.ws_port)?;
    let bound_ws = ws[0].local_addr().map_err(|e| Error::io("<listen>", &e))?;
    for l in ws {
        threads.push(spawn_accept(l, None, shared.clone()));
    }
    let mut bound_wss = None;
    if let Some((port, tls)) = opts.wss {
        let wss = bind(port)?;
        bound_wss = Some(wss[0].local_addr().map_err(|e| Error::io("<listen>", &e))?);
        for l in wss {
            threads.push(spawn_accept(l, Some(tls.clone()), shared.clone()));
        }
    }
    ready(&Bound { ws: bound_ws, wss: bound_wss });
    for t in threads {
        let _ = t.join();
    }
    Ok(())
}

/// The loopback listeners of one port: 127.0.0.1, and ::1 on the port the first one got.
fn bind(port: u16) -> Result<Vec<TcpListener>> {
    let v4 = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
    let first =
        TcpListener::bind(v4).map_err(|e| Error::BridgePort { port, detail: e.to_string() })?;
    let port = first.local_addr().map(|a| a.port()).unwrap_or(port);
    let mut all = vec![first];
    if let Ok(v6) = TcpListener::bind(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port)) {
        all.push(v6);
    }
    Ok(all)
}

fn spawn_accept(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    shared: Arc<Shared>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        for stream in listener.incoming().flatten() {
            accept(stream, port, tls.clone(), &shared);
        }
    })
}

/// Takes a connection if there is room, else says 503 and closes it at once.
fn accept(
    stream: TcpStream,
    port: u16,
    tls: Option<Arc<rustls::ServerConfig>>,
    shared: &Arc<Shared>,
) {
    if shared.open.fetch_add(1, Ordering::SeqCst) >= shared.max_connections {
        shared.open.fetch_sub(1, Ordering::SeqCst);
        let mut stream = stream;
        let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
        let _ = stream.write_all(
            b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 26\r\n\r\ntoo many open connections\n",
        );
        (shared.log)(&format!("refused a connection: {} are open", shared.max_connections));
        return;
    }
    let mine = shared.clone();
    let spawned = std::thread::Builder::new().name("zca-bridge-conn".into()).spawn(move || {
        let shared = mine;
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(HANDSHAKE_TIME));
        let _ = stream.set_write_timeout(Some(HANDSHAKE_TIME));
        match tls {
            Some(config) => match rustls::ServerConnection::new(config) {
                Ok(conn) => {
                    serve_connection(rustls::StreamOwned::new(conn, stream), id, port, &shared)
                }
                Err(e) => (shared.log)(&format!("TLS: {e}")),
            },
            None => serve_connection(stream, id, port, &shared),
        }
        shared.open.fetch_sub(1, Ordering::SeqCst);
    });
    if spawned.is_err() {
        shared.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The stream under a connection, for its timeouts.
trait Transport: Read + Write {
    fn tcp(&self) -> &TcpStream;
}

impl Transport for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Transport for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }
}

fn serve_connection<S: Transport>(stream: S, id: u64, port: u16, shared: &Arc<Shared>) {
    let config = WebSocketConfig::default()
        .read_buffer_size(8 << 10)
        .write_buffer_size(8 << 10)
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let mut origin = String::new();
    // tungstenite's callback type: its error is the HTTP refusal sent to the page.
    #[allow(clippy::result_large_err)]
    let check = |req: &Request, resp: Response| -> std::result::Result<Response, ErrorResponse> {
        match admit(req, port, &shared.origins) {
            Ok(o) => {
                origin = o;
                Ok(resp)
            }
            Err((status, reason)) => {
                (shared.log)(&format!("refused a page: {reason}"));
                let mut refusal = ErrorResponse::new(Some(format!("{reason}\n")));
                *refusal.status_mut() = status;
                Err(refusal)
            }
        }
    };
    let mut ws = match tungstenite::accept_hdr_with_config(stream, check, Some(config)) {
        Ok(ws) => ws,
        Err(_) => return,
    };
    let _ = ws.get_ref().tcp().set_read_timeout(Some(POLL));
    let (events_tx, events) = mpsc::channel();
    lock(&shared.listeners).insert(id, events_tx);
    let mut conn = Connection::new(id, origin, shared.keys.clone(), shared.log.clone());
    (shared.log)(&format!("[{id} {}] connected", conn.origin));
    talk(&mut ws, &mut conn, &events, &shared.log);
    lock(&shared.listeners).remove(&id);
    shared.keys.closed(id);
    (shared.log)(&format!("[{id} {}] closed", conn.origin));
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Answers the connection's calls in turn, and passes on key events, until it closes.
fn talk<S: Read + Write>(
    ws: &mut WebSocket<S>,
    conn: &mut Connection,
    events: &Receiver<KeyEvent>,
    log: &Arc<dyn Fn(&str) + Send + Sync>,
) {
    loop {
        while let Ok(KeyEvent::UsbKeyChange) = events.try_recv() {
            if ws.send(Message::text(usb_key_change())).is_err() {
                return;
            }
        }
        let frame = match ws.read() {
            Ok(frame) => frame,
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(tungstenite::Error::Capacity(e)) => {
                log(&format!("[{} {}] frame refused: {e}", conn.id, conn.origin));
                let close = CloseFrame { code: CloseCode::Size, reason: "frame too large".into() };
                let _ = ws.close(Some(close));
                let _ = ws.flush();
                return;
            }
            Err(_) => return,
        };
        let reply = match frame {
            Message::Text(text) => match Call::parse(text.as_str()) {
                Some(call) => conn.call(call),
                None => {
                    log(&format!(
                        "[{} {}] not a request ({} bytes)",
                        conn.id,
                        conn.origin,
                        text.len()
                    ));
                    refusal("not a request: a JSON object with xtx_func_name and call_cmd_id")
                }
            },
            Message::Binary(_) => refusal("binary frames are not part of the protocol"),
            Message::Close(_) => {
                let _ = ws.flush();
                return;
            }
            // Pings are answered by tungstenite itself.
            _ => continue,
        };
        if ws.send(Message::text(reply)).is_err() {
            return;
        }
    }
}

/// Checks a page's opening request: the path, the Host (the name the browser used: loopback
/// only, against DNS rebinding), and its Origin (on the allow-list). Returns the origin.
fn admit(
    req: &Request,
    port: u16,
    origins: &AllowList,
) -> std::result::Result<String, (tungstenite::http::StatusCode, String)> {
    use tungstenite::http::StatusCode;
    let path = req.uri().path();
    if path != PATH && path != PATH.trim_end_matches('/') {
        return Err((
            StatusCode::NOT_FOUND,
            format!("no such path {}: pages use {PATH}", printable(path)),
        ));
    }
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    let host = header("host");
    let loopback =
        [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")];
    if !loopback.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err((
            StatusCode::FORBIDDEN,
            format!("Host {} is not this computer's loopback address", printable(host)),
        ));
    }
    let origin = header("origin");
    if origin.is_empty() {
        return Err((StatusCode::FORBIDDEN, "no Origin: the bridge serves web pages".into()));
    }
    let origin = super::origins::normalize(origin).unwrap_or_else(|_| printable(origin));
    if !origins.allows(&origin) {
        return Err((
            StatusCode::FORBIDDEN,
            format!("origin {origin} is not allowed; to allow it: zca bridge allow {origin}"),
        ));
    }
    Ok(origin)
}

fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}
