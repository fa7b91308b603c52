//! `zca bridge`: the CA client service that procurement web pages call on 127.0.0.1 (GM/T 0020
//! SOF functions over WebSocket, `ws://127.0.0.1:21051/xtxapp/` and `wss://…:21061/xtxapp/`),
//! for every key zca can use.
//!
//! Unlike the vendors' services it is a guard of the key it holds: it serves only its own user
//! (the kernel says whose socket a connection is), only the origins on its allow-list, only
//! requests that name the loopback as Host; it signs only after SOF_Login on the same
//! connection and never a platform message for another origin; every PIN goes through the one
//! PIN guard (pauses after a wrong PIN, final try only with consent), or is asked on the desktop
//! instead of the page; and it bounds frames, connections, handshakes and work.

pub mod certinfo;
pub mod cms;
pub mod der;
pub mod keys;
pub mod mtoken;
mod net;
pub mod origins;
mod peer;
pub mod pinentry;
pub mod pins;
pub mod protocol;
pub mod relay;
pub mod server;
mod slots;
pub mod sof;
pub mod tls;
pub mod verify;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The ports the pages call.
pub const WS_PORT: u16 = 21051;
pub const WSS_PORT: u16 = 21061;
/// The ports of Longmai's mToken service (`http://127.0.0.1:51235/alpha`, https 51245).
pub const MTOKEN_PORT: u16 = 51235;
pub const MTOKEN_HTTPS_PORT: u16 = 51245;

pub struct BridgeOptions {
    pub ws_port: u16,
    /// `None`: no wss listener.
    pub wss_port: Option<u16>,
    pub mtoken_port: u16,
    /// `None`: no https listener for mToken pages.
    pub mtoken_https_port: Option<u16>,
    pub idle: Duration,
    /// A connection without a login and without a call for this long is closed.
    pub close_idle: Duration,
    pub max_connections: usize,
    pub paths: Paths,
    /// The drivers to serve the keys of.
    pub drivers: keys::Drivers,
    /// The desktop's PIN dialog, where there is one.
    pub pinentry: Option<pinentry::Pinentry>,
    /// Where log lines go; never given a PIN or a cookie.
    pub log: Arc<dyn Fn(&str) + Send + Sync>,
    /// Log the time of each signature on a key.
    pub timings: bool,
}

/// The bridge's files.
#[derive(Clone, Debug)]
pub struct Paths {
    /// The origin allow-list (`bridge.toml` beside zca's config).
    pub origins: PathBuf,
    /// The local CA and server certificate for wss.
    pub tls: PathBuf,
    /// Consents to spend a final PIN try, and the running bridge's status file.
    pub runtime: PathBuf,
}

impl Paths {
    /// `$XDG_CONFIG_HOME/zca/bridge.toml`, `$XDG_DATA_HOME/zca/bridge/`, and
    /// `$XDG_RUNTIME_DIR/zca/` (the state folder where there is no runtime folder).
    pub fn default_for_user() -> Paths {
        let data = dirs::data_dir().unwrap_or_else(|| PathBuf::from(".local/share"));
        let runtime = dirs::runtime_dir()
            .or_else(dirs::state_dir)
            .unwrap_or_else(|| PathBuf::from(".local/state"));
        Paths {
            origins: origins::default_path(),
            tls: data.join("zca").join("bridge"),
            runtime: runtime.join("zca"),
        }
    }

    pub fn status_file(&self) -> PathBuf {
        self.runtime.join("bridge.json")
    }
}

/// What a running bridge writes about itself, for `zca bridge status` and `zca doctor`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Status {
    pub pid: u32,
    pub ws: String,
    pub wss: Option<String>,
    /// Longmai's mToken service (http, and https where it listens); absent in older files.
    #[serde(default)]
    pub mtoken: Option<String>,
    #[serde(default)]
    pub mtoken_https: Option<String>,
    pub started_at: String,
}

/// Where the bridge listens.
#[derive(Clone, Debug)]
pub struct Bound {
    pub ws: SocketAddr,
    pub wss: Option<SocketAddr>,
    pub mtoken: SocketAddr,
    pub mtoken_https: Option<SocketAddr>,
}

/// Serves until the process ends; `ready` is told where once the listeners are bound.
pub fn run(opts: BridgeOptions, ready: impl FnOnce(&Bound)) -> Result<()> {
    let tls = match (opts.wss_port, opts.mtoken_https_port) {
        (None, None) => None,
        _ => {
            let identity = tls::Identity::new(opts.paths.tls.clone());
            if identity.ensure()? {
                (opts.log)(&format!(
                    "made a local CA for wss and https in {}: trust it with `zca bridge trust`",
                    opts.paths.tls.display()
                ));
            }
            Some(identity.server_config()?)
        }
    };
    std::fs::create_dir_all(&opts.paths.runtime).map_err(|e| Error::io(&opts.paths.runtime, &e))?;
    let listeners = keys::Listeners::default();
    let origins = Arc::new(origins::AllowList::new(opts.paths.origins.clone()));
    // A file that does not hold is said now, not when the first page knocks.
    origins::load(&opts.paths.origins)?;
    // Bound before the keys are read: a port someone else holds is said at once.
    let ws = net::bind(opts.ws_port)?;
    let wss = opts.wss_port.map(net::bind).transpose()?;
    let mtoken = net::bind(opts.mtoken_port)?;
    let mtoken_https = opts.mtoken_https_port.map(net::bind).transpose()?;
    let keys = keys::Keys::start(keys::KeysOptions {
        drivers: opts.drivers,
        idle: opts.idle,
        consent_dir: opts.paths.runtime.clone(),
        log: opts.log.clone(),
        listeners: listeners.clone(),
        timings: opts.timings,
        desktop: opts.pinentry.map(pins::DesktopPins::new),
    });
    let gate = Arc::new(net::Gate::new(opts.max_connections, opts.log.clone()));
    let local =
        |l: &Vec<std::net::TcpListener>| l[0].local_addr().map_err(|e| Error::io("<listen>", &e));
    let bound = Bound {
        ws: local(&ws)?,
        wss: wss.as_ref().map(local).transpose()?,
        mtoken: local(&mtoken)?,
        mtoken_https: mtoken_https.as_ref().map(local).transpose()?,
    };
    let xtx = Arc::new(server::Shared {
        origins: origins.clone(),
        close_idle: opts.close_idle,
        keys: keys.clone(),
        listeners,
        log: opts.log.clone(),
    });
    let xtx: net::Serve =
        Arc::new(move |stream, slot, port| server::serve(stream, slot, port, &xtx));
    let longmai = Arc::new(mtoken::Shared::new(origins, opts.close_idle, keys, opts.log.clone()));
    let longmai: net::Serve =
        Arc::new(move |stream, slot, port| mtoken::serve(stream, slot, port, &longmai));
    let mut threads = net::listen(ws, None, &gate, &xtx);
    if let Some(wss) = wss {
        threads.extend(net::listen(wss, tls.clone(), &gate, &xtx));
    }
    threads.extend(net::listen(mtoken, None, &gate, &longmai));
    if let Some(https) = mtoken_https {
        threads.extend(net::listen(https, tls, &gate, &longmai));
    }
    let status = Status {
        pid: std::process::id(),
        ws: format!("ws://{}{}", bound.ws, server::PATH),
        wss: bound.wss.map(|a| format!("wss://{a}{}", server::PATH)),
        mtoken: Some(format!("http://{}{}", bound.mtoken, mtoken::PATH)),
        mtoken_https: bound.mtoken_https.map(|a| format!("https://{a}{}", mtoken::PATH)),
        started_at: crate::output::local_time(time::OffsetDateTime::now_utc()),
    };
    if let Ok(text) = serde_json::to_vec_pretty(&status) {
        let _ = std::fs::write(opts.paths.status_file(), text);
    }
    ready(&bound);
    for t in threads {
        let _ = t.join();
    }
    Ok(())
}

/// Text a page sent, as it may go into a log line: control characters escaped (a page cannot
/// forge lines), at most 200 characters.
pub fn printable(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 200 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
