//! The listeners: WebSocket on loopback (ws and wss), the checks made before a page is served
//! (the peer's user, path, Host, Origin, a slot), and one thread per connection that answers
//! its calls in turn and passes on key events.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tungstenite::{Message, WebSocket};

use super::keys::{KeyEvent, Keys, Listeners};
use super::origins::AllowList;
use super::protocol::{refusal, usb_key_change, Request as Call};
use super::slots::{Slot, Slots};
use super::sof::Connection;
use super::{peer, printable};
use crate::error::{Error, Result};

/// The path pages open.
pub const PATH: &str = "/xtxapp/";
/// Largest frame or message a page may send: no request of the protocol is near it.
pub const MAX_MESSAGE: usize = 1 << 20;
/// A page that opens a connection has this long to finish its handshake, TLS and HTTP
/// together: one deadline, not a limit per read.
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
    /// A connection without a login that makes no call for this long is closed.
    pub close_idle: Duration,
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
    slots: Slots,
    close_idle: Duration,
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
        slots: Slots::new(opts.max_connections),
        close_idle: opts.close_idle,
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

/// Takes a connection from this computer's own user if a slot is free (or one held by an idle
/// connection without a login can be freed), else says why and closes it at once.
fn accept(
    stream: TcpStream,
    port: u16,
    tls: Option<Arc<rustls::ServerConfig>>,
    shared: &Arc<Shared>,
) {
    if let Err(why) = same_user(&stream) {
        (shared.log)(&format!("refused a connection: {why}"));
        refuse(stream, "403 Forbidden", "served to this computer's own user only\n");
        return;
    }
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
    let Some(slot) = stream.try_clone().ok().and_then(|s| shared.slots.take(id, s)) else {
        (shared.log)(&format!(
            "refused a connection: all {} slots are taken by busy pages",
            shared.slots.max()
        ));
        refuse(stream, "503 Service Unavailable", "too many open connections\n");
        return;
    };
    let mine = shared.clone();
    let _ = std::thread::Builder::new().name("zca-bridge-conn".into()).spawn(move || {
        // The slot is freed when this thread ends, however it ends (a panic included): the
        // slot's guard goes with the thread's stack.
        let slot = slot;
        let shared = mine;
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(HANDSHAKE_TIME));
        let timed = Timed::new(stream, Instant::now() + HANDSHAKE_TIME);
        match tls {
            Some(config) => match rustls::ServerConnection::new(config) {
                Ok(conn) => {
                    serve_connection(rustls::StreamOwned::new(conn, timed), &slot, port, &shared)
                }
                Err(e) => (shared.log)(&format!("TLS: {e}")),
            },
            None => serve_connection(timed, &slot, port, &shared),
        }
    });
}

/// Whether the client's socket belongs to the user this bridge runs as.
fn same_user(stream: &TcpStream) -> std::result::Result<(), String> {
    let (peer, local) = match (stream.peer_addr(), stream.local_addr()) {
        (Ok(p), Ok(l)) => (p, l),
        _ => return Err("the connection went before it was looked at".into()),
    };
    match peer::owner_of(peer, local) {
        Some(uid) if uid == peer::own_uid() => Ok(()),
        Some(uid) => Err(format!("from {peer}, a socket of uid {uid}, not this user's")),
        None => Err(format!("from {peer}, whose owner the kernel does not show")),
    }
}

/// An HTTP refusal, written at once, and the connection closed.
fn refuse(mut stream: TcpStream, status: &str, body: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
}

/// A TCP stream under a deadline: every read and write may take only what is left of it.
struct Timed {
    tcp: TcpStream,
    deadline: Option<Instant>,
}

impl Timed {
    fn new(tcp: TcpStream, deadline: Instant) -> Timed {
        Timed { tcp, deadline: Some(deadline) }
    }

    /// The timeout for the next read or write: what is left of the deadline, or `poll`.
    fn limit(&self, poll: Option<Duration>) -> std::io::Result<Option<Duration>> {
        match self.deadline {
            None => Ok(poll),
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Ok(Some(left)),
                _ => Err(std::io::ErrorKind::TimedOut.into()),
            },
        }
    }
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.deadline.is_some() {
            self.tcp.set_read_timeout(self.limit(None)?)?;
        }
        self.tcp.read(buf)
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.deadline.is_some() {
            self.tcp.set_write_timeout(self.limit(None)?)?;
        }
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

/// The stream under a connection, for its deadline and timeouts.
trait Transport: Read + Write {
    fn timed(&mut self) -> &mut Timed;
}

impl Transport for Timed {
    fn timed(&mut self) -> &mut Timed {
        self
    }
}

impl Transport for rustls::StreamOwned<rustls::ServerConnection, Timed> {
    fn timed(&mut self) -> &mut Timed {
        &mut self.sock
    }
}

fn serve_connection<S: Transport>(stream: S, slot: &Slot, port: u16, shared: &Arc<Shared>) {
    let id = slot.id();
    let config = WebSocketConfig::default()
        .read_buffer_size(8 << 10)
        .write_buffer_size(8 << 10)
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let mut origin = String::new();
    let mut desktop_pins = false;
    // tungstenite's callback type: its error is the HTTP refusal sent to the page.
    #[allow(clippy::result_large_err)]
    let check = |req: &Request, resp: Response| -> std::result::Result<Response, ErrorResponse> {
        match admit(req, port, &shared.origins) {
            Ok(o) => {
                desktop_pins = shared.origins.pins_from_desktop(&o);
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
    let timed = ws.get_mut().timed();
    timed.deadline = None;
    let _ = timed.tcp.set_read_timeout(Some(POLL));
    let _ = timed.tcp.set_write_timeout(Some(Duration::from_secs(10)));
    let (events_tx, events) = mpsc::channel();
    lock(&shared.listeners).insert(id, events_tx);
    let keys = shared.keys.clone();
    let mut conn = Connection::new(id, origin, desktop_pins, keys, shared.log.clone());
    (shared.log)(&format!("[{id} {}] connected", conn.origin));
    talk(&mut ws, &mut conn, slot, shared.close_idle, &events, &shared.log);
    lock(&shared.listeners).remove(&id);
    shared.keys.closed(id);
    (shared.log)(&format!("[{id} {}] closed", conn.origin));
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Answers the connection's calls in turn, and passes on key events, until it closes, or
/// until it has been idle without a login for `close_idle`.
fn talk<S: Read + Write>(
    ws: &mut WebSocket<S>,
    conn: &mut Connection,
    slot: &Slot,
    close_idle: Duration,
    events: &Receiver<KeyEvent>,
    log: &Arc<dyn Fn(&str) + Send + Sync>,
) {
    loop {
        if slot.idle() > close_idle && !conn.logged_in() {
            let secs = close_idle.as_secs();
            log(&format!(
                "[{} {}] closed: no login and no call for {secs} s",
                conn.id, conn.origin
            ));
            let close = CloseFrame { code: CloseCode::Away, reason: "idle".into() };
            let _ = ws.close(Some(close));
            let _ = ws.flush();
            return;
        }
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
                Some(call) => {
                    slot.touch();
                    let reply = conn.call(call);
                    slot.set_logged_in(conn.logged_in_recently());
                    reply
                }
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
