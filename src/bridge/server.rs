//! The CA client protocol's side of a connection: the WebSocket opening (path, Host, Origin),
//! then the page's calls answered in turn and key events passed on.

use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::Duration;

use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tungstenite::{Message, WebSocket};

use super::keys::{KeyEvent, Keys, Listeners, Log};
use super::net::{check_host, check_origin, Transport};
use super::origins::AllowList;
use super::printable;
use super::protocol::{refusal, usb_key_change, Request as Call};
use super::slots::Slot;
use super::sof::Connection;

/// The path pages open.
pub const PATH: &str = "/xtxapp/";
/// Largest frame or message a page may send: no request of the protocol is near it.
pub const MAX_MESSAGE: usize = 1 << 20;
/// How often a connection that waits for a frame looks for key events.
const POLL: Duration = Duration::from_millis(200);

/// What every WebSocket connection shares.
pub struct Shared {
    pub origins: Arc<AllowList>,
    /// A connection without a login that makes no call for this long is closed.
    pub close_idle: Duration,
    pub keys: Keys,
    pub listeners: Listeners,
    pub log: Log,
}

/// Serves one connection of a page, from its opening request until it closes.
pub fn serve(stream: Box<dyn Transport>, slot: &Slot, port: u16, shared: &Shared) {
    serve_connection(stream, slot, port, shared)
}

fn serve_connection<S: Transport>(stream: S, slot: &Slot, port: u16, shared: &Shared) {
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
    timed.set_deadline(None);
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
    check_host(header("host"), port).map_err(|why| (StatusCode::FORBIDDEN, why))?;
    check_origin(header("origin"), origins).map_err(|why| (StatusCode::FORBIDDEN, why))
}
