//! The loopback listeners, and what every connection goes through before a protocol (the CA
//! client's WebSocket, Longmai's mToken HTTP) sees it: the peer's user, a slot, TLS, and one
//! deadline for the opening; then the checks of its first request (Host, Origin).

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::keys::Log;
use super::origins::AllowList;
use super::slots::{Slot, Slots};
use super::{peer, printable};
use crate::error::{Error, Result};

/// A page that opens a connection has this long to send its first request, TLS and HTTP
/// together: one deadline, not a limit per read.
pub const OPENING_TIME: Duration = Duration::from_secs(5);

/// What every listener of the bridge shares.
pub struct Gate {
    pub slots: Slots,
    pub log: Log,
    next_id: AtomicU64,
}

impl Gate {
    pub fn new(max_connections: usize, log: Log) -> Gate {
        Gate { slots: Slots::new(max_connections), log, next_id: AtomicU64::new(1) }
    }
}

/// A protocol's side of a connection: given the stream (TLS done or to be done by the reads),
/// its slot and the port it came in on.
pub type Serve = Arc<dyn Fn(Box<dyn Transport>, &Slot, u16) + Send + Sync>;

/// The loopback listeners of one port: 127.0.0.1, and ::1 on the port the first one got.
pub fn bind(port: u16) -> Result<Vec<TcpListener>> {
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

/// Accepts on each listener, on a thread of its own, until the process ends.
pub fn listen(
    listeners: Vec<TcpListener>,
    tls: Option<Arc<rustls::ServerConfig>>,
    gate: &Arc<Gate>,
    serve: &Serve,
) -> Vec<std::thread::JoinHandle<()>> {
    listeners
        .into_iter()
        .map(|listener| {
            let (tls, gate, serve) = (tls.clone(), gate.clone(), serve.clone());
            std::thread::spawn(move || {
                let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
                for stream in listener.incoming().flatten() {
                    accept(stream, port, tls.clone(), &gate, &serve);
                }
            })
        })
        .collect()
}

/// Takes a connection from this computer's own user if a slot is free (or one held by an idle
/// connection without a login can be freed), else says why and closes it at once.
fn accept(
    stream: TcpStream,
    port: u16,
    tls: Option<Arc<rustls::ServerConfig>>,
    gate: &Arc<Gate>,
    serve: &Serve,
) {
    if let Err(why) = same_user(&stream) {
        (gate.log)(&format!("refused a connection: {why}"));
        refuse(stream, "403 Forbidden", "served to this computer's own user only\n");
        return;
    }
    let id = gate.next_id.fetch_add(1, Ordering::SeqCst);
    let Some(slot) = stream.try_clone().ok().and_then(|s| gate.slots.take(id, s)) else {
        (gate.log)(&format!(
            "refused a connection: all {} slots are taken by busy pages",
            gate.slots.max()
        ));
        refuse(stream, "503 Service Unavailable", "too many open connections\n");
        return;
    };
    let (serve, log) = (serve.clone(), gate.log.clone());
    let _ = std::thread::Builder::new().name("zca-bridge-conn".into()).spawn(move || {
        // The slot is freed when this thread ends, however it ends (a panic included): the
        // slot's guard goes with the thread's stack.
        let slot = slot;
        let _ = stream.set_nodelay(true);
        let timed = Timed::new(stream, Instant::now() + OPENING_TIME);
        match tls {
            Some(config) => match rustls::ServerConnection::new(config) {
                Ok(conn) => serve(Box::new(rustls::StreamOwned::new(conn, timed)), &slot, port),
                Err(e) => log(&format!("TLS: {e}")),
            },
            None => serve(Box::new(timed), &slot, port),
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

/// The Host a browser sent must name this computer's loopback on this port: a page of another
/// site whose name resolves to 127.0.0.1 (DNS rebinding) sends its own name.
pub fn check_host(host: &str, port: u16) -> std::result::Result<(), String> {
    let loopback =
        [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")];
    if loopback.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        Ok(())
    } else {
        Err(format!("Host {} is not this computer's loopback address", printable(host)))
    }
}

/// The page's origin, when it is on the allow-list.
pub fn check_origin(origin: &str, origins: &AllowList) -> std::result::Result<String, String> {
    if origin.is_empty() {
        return Err("no Origin: the bridge serves web pages".into());
    }
    let origin = super::origins::normalize(origin).unwrap_or_else(|_| printable(origin));
    if origins.allows(&origin) {
        Ok(origin)
    } else {
        Err(format!("origin {origin} is not allowed; to allow it: zca bridge allow {origin}"))
    }
}

/// A TCP stream under a deadline: every read and write may take only what is left of it.
pub struct Timed {
    pub tcp: TcpStream,
    deadline: Option<Instant>,
}

impl Timed {
    fn new(tcp: TcpStream, deadline: Instant) -> Timed {
        Timed { tcp, deadline: Some(deadline) }
    }

    /// A new deadline for what follows (`None`: the socket's own timeouts).
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// The timeout for the next read or write: what is left of the deadline.
    fn limit(&self) -> std::io::Result<Option<Duration>> {
        match self.deadline {
            None => Ok(None),
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
            self.tcp.set_read_timeout(self.limit()?)?;
        }
        self.tcp.read(buf)
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.deadline.is_some() {
            self.tcp.set_write_timeout(self.limit()?)?;
        }
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tcp.flush()
    }
}

/// The stream under a connection, plain or TLS, for its deadline and timeouts.
pub trait Transport: Read + Write + Send {
    fn timed(&mut self) -> &mut Timed;
}

impl Transport for Box<dyn Transport> {
    fn timed(&mut self) -> &mut Timed {
        (**self).timed()
    }
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
