//! `zca bridge`: serve web pages the CA client service, and set it up: origins, the local CA in
//! the browsers' certificate stores, the systemd user service, status.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

mod service;

use super::{CmdResult, Context};
use crate::bridge::{self, origins, tls, Paths};
use crate::cli::bridge::{BridgeAction, BridgeArgs, FinalTryArgs, ServeArgs};
use crate::error::Error;
use crate::output::{Column, Human, Report};
use crate::t;

pub fn run(ctx: &Context, args: &BridgeArgs) -> CmdResult {
    let paths = Paths::default_for_user();
    match &args.action {
        None => serve(ctx, &args.serve, paths),
        Some(BridgeAction::Allow(a)) => allow(ctx, &paths, a),
        Some(BridgeAction::Deny(a)) => deny(ctx, &paths, &a.origin),
        Some(BridgeAction::Origins) => show_origins(ctx, &paths),
        Some(BridgeAction::Trust) => trust(ctx, &paths, true),
        Some(BridgeAction::Untrust) => trust(ctx, &paths, false),
        Some(BridgeAction::Install(serve)) => service::install(ctx, serve),
        Some(BridgeAction::Uninstall) => service::uninstall(ctx),
        Some(BridgeAction::Status) => ctx.emit(&status(&paths)),
        Some(BridgeAction::AllowFinalTry(a)) => allow_final_try(ctx, &paths, a),
    }
}

/// In the foreground until stopped: where it listens on stdout, a line per event on stderr.
fn serve(ctx: &Context, args: &ServeArgs, paths: Paths) -> CmdResult {
    let drivers = super::drivers_for_service(ctx);
    let pinentry = match &args.pinentry {
        Some(program) => Some(bridge::pinentry::Pinentry::new(program.clone())),
        None => bridge::pinentry::Pinentry::find(),
    };
    let log: Arc<dyn Fn(&str) + Send + Sync> = Arc::new(|line: &str| {
        let time = crate::output::local_time(time::OffsetDateTime::now_utc());
        let _ = writeln!(io::stderr(), "{time} {line}");
    });
    let opts = bridge::BridgeOptions {
        ws_port: args.ws_port,
        wss_port: (!args.no_wss).then_some(args.wss_port),
        mtoken_port: args.mtoken_port,
        mtoken_https_port: (!args.no_wss).then_some(args.mtoken_https_port),
        idle: Duration::from_secs(args.idle),
        close_idle: Duration::from_secs(args.close_idle),
        max_connections: args.max_connections as usize,
        paths,
        drivers,
        pinentry,
        log,
        timings: ctx.verbose > 0,
    };
    bridge::run(opts, |bound| {
        let mut out = io::stdout().lock();
        let (xtx, mtoken) = (bridge::server::PATH, bridge::mtoken::PATH);
        let urls = [
            Some(format!("ws://{}{xtx}", bound.ws)),
            bound.wss.map(|a| format!("wss://{a}{xtx}")),
            Some(format!("http://{}{mtoken}", bound.mtoken)),
            bound.mtoken_https.map(|a| format!("https://{a}{mtoken}")),
        ];
        for url in urls.into_iter().flatten() {
            let _ = writeln!(out, "{}", t!("bridge-listening", url = url));
        }
        let _ = out.flush();
    })?;
    Ok(())
}

#[derive(Serialize)]
struct OriginsReport {
    file: String,
    pub origins: Vec<String>,
    #[serde(skip)]
    changed: Option<(String, bool)>,
}

impl Report for OriginsReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        if let Some((origin, allowed)) = &self.changed {
            let origin = origin.as_str();
            let text = if *allowed {
                t!("bridge-allowed", origin = origin)
            } else {
                t!("bridge-denied", origin = origin)
            };
            return out.note(&text);
        }
        if self.origins.is_empty() {
            return out.note(&t!("bridge-no-origins"));
        }
        for o in &self.origins {
            writeln!(out.stdout, "{o}")?;
        }
        Ok(())
    }
}

fn allow(ctx: &Context, paths: &Paths, args: &crate::cli::bridge::AllowArgs) -> CmdResult {
    let origin = origins::normalize(&args.origin)?;
    let mut file = origins::load(&paths.origins)?;
    file.origins.retain(|o| *o != origin);
    file.origins.push(origin.clone());
    file.insecure_origins.retain(|o| *o != origin);
    if origins::needs_consent(&origin) {
        if !args.insecure_origin {
            let path = paths.origins.clone();
            let detail = t!("err-insecure-origin", origin = origin.as_str());
            return Err(Error::Config { path, detail }.into());
        }
        file.insecure_origins.push(origin.clone());
    }
    file.pin_from_desktop.retain(|o| *o != origin);
    if args.pin_from_desktop {
        file.pin_from_desktop.push(origin.clone());
    }
    save_origins(ctx, paths, file, origin, true)
}

fn deny(ctx: &Context, paths: &Paths, origin: &str) -> CmdResult {
    let origin = origins::normalize(origin)?;
    let mut file = origins::load(&paths.origins)?;
    file.origins.retain(|o| *o != origin);
    file.insecure_origins.retain(|o| *o != origin);
    file.pin_from_desktop.retain(|o| *o != origin);
    save_origins(ctx, paths, file, origin, false)
}

fn save_origins(
    ctx: &Context,
    paths: &Paths,
    file: origins::BridgeFile,
    origin: String,
    allowed: bool,
) -> CmdResult {
    origins::save(&paths.origins, &file)?;
    ctx.emit(&OriginsReport {
        file: paths.origins.display().to_string(),
        origins: file.origins,
        changed: Some((origin, allowed)),
    })
}

fn show_origins(ctx: &Context, paths: &Paths) -> CmdResult {
    let file = origins::load(&paths.origins)?;
    ctx.emit(&OriginsReport {
        file: paths.origins.display().to_string(),
        origins: file.origins,
        changed: None,
    })
}

/// The browsers' certificate stores zca knows: Chromium's (and the UOS browser's) in
/// `~/.pki/nssdb`, and each Firefox profile.
fn nss_databases() -> Vec<PathBuf> {
    let home = dirs::home_dir().unwrap_or_default();
    let mut dbs = vec![home.join(".pki/nssdb")];
    for base in [".mozilla/firefox", "snap/firefox/common/.mozilla/firefox"] {
        if let Ok(entries) = std::fs::read_dir(home.join(base)) {
            for e in entries.flatten() {
                if e.path().join("cert9.db").exists() {
                    dbs.push(e.path());
                }
            }
        }
    }
    dbs
}

#[derive(Serialize)]
struct TrustReport {
    ca_file: String,
    /// Each store and what was done in it.
    stores: Vec<StoreResult>,
}

#[derive(Serialize)]
struct StoreResult {
    path: String,
    /// `added`, `removed`, `absent`, or `failed`.
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

impl Report for TrustReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        for s in &self.stores {
            let result = match s.result {
                "added" => t!("bridge-store-added"),
                "removed" => t!("bridge-store-removed"),
                "absent" => t!("bridge-store-absent"),
                _ => t!("bridge-store-failed"),
            };
            let text = t!("bridge-store", store = s.path.as_str(), result = result);
            match &s.detail {
                Some(d) => out.warn(&format!("{text}: {d}"))?,
                None => out.note(&text)?,
            }
        }
        Ok(())
    }
}

/// Adds the local CA to (or removes it from) the browsers' stores with NSS's certutil.
fn trust(ctx: &Context, paths: &Paths, add: bool) -> CmdResult {
    if which("certutil").is_none() {
        return Err(Error::ToolMissing {
            tool: "certutil".into(),
            package: "libnss3-tools".into(),
        }
        .into());
    }
    let identity = tls::Identity::new(paths.tls.clone());
    if add {
        identity.ensure()?;
    }
    let mut stores = Vec::new();
    for db in nss_databases() {
        let spec = format!("sql:{}", db.display());
        let result = if add {
            if !db.join("cert9.db").exists() {
                std::fs::create_dir_all(&db).map_err(|e| Error::io(&db, &e))?;
                let _ = certutil(&["-d", &spec, "-N", "--empty-password"]);
            }
            let _ = certutil(&["-d", &spec, "-D", "-n", tls::CA_NICKNAME]);
            let ca = identity.ca_file().display().to_string();
            certutil(&["-d", &spec, "-A", "-t", "C,,", "-n", tls::CA_NICKNAME, "-i", &ca])
                .map(|()| "added")
        } else if !db.join("cert9.db").exists() {
            Ok("absent")
        } else {
            match certutil(&["-d", &spec, "-D", "-n", tls::CA_NICKNAME]) {
                Ok(()) => Ok("removed"),
                Err(_) => Ok("absent"),
            }
        };
        stores.push(match result {
            Ok(r) => StoreResult { path: db.display().to_string(), result: r, detail: None },
            Err(d) => {
                StoreResult { path: db.display().to_string(), result: "failed", detail: Some(d) }
            }
        });
    }
    let failed = stores.iter().any(|s| s.result == "failed");
    let report = TrustReport { ca_file: identity.ca_file().display().to_string(), stores };
    if failed {
        let e = Error::Internal { detail: t!("bridge-trust-failed") };
        return ctx.emit_failing(&report, e);
    }
    ctx.emit(&report)
}

fn certutil(args: &[&str]) -> Result<(), String> {
    // stdin closed: certutil asks for passwords on it and would wait (or spin) on a script's.
    let out = Command::new("certutil")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}

/// Whether the local CA is in Chromium's store.
fn ca_trusted() -> Option<bool> {
    which("certutil")?;
    let db = dirs::home_dir()?.join(".pki/nssdb");
    if !db.join("cert9.db").exists() {
        return Some(false);
    }
    let spec = format!("sql:{}", db.display());
    Some(certutil(&["-d", &spec, "-L", "-n", tls::CA_NICKNAME]).is_ok())
}

#[derive(Serialize)]
pub struct StatusReport {
    pub running: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pid: Option<u32>,
    /// The listeners that answer now.
    pub listening: Vec<String>,
    pub ca_trusted: Option<bool>,
    pub origins: Vec<String>,
    /// Whether a systemd user service starts the bridge at login.
    pub service_installed: bool,
    /// The unit systemd uses for it, if any: the package's, or the user's own.
    pub service: Option<service::ServiceUnit>,
}

impl Report for StatusReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        let mut table =
            out.grid(vec![Column::text(t!("col-setting")), Column::whole(t!("col-value"))]);
        let yes_no = |b| crate::output::yes_no(Some(b));
        table.add_row(vec![t!("bridge-status-running"), yes_no(self.running)]);
        let listening =
            if self.listening.is_empty() { "-".into() } else { self.listening.join("\n") };
        table.add_row(vec![t!("bridge-status-listening"), listening]);
        table.add_row(vec![t!("bridge-status-ca"), crate::output::yes_no(self.ca_trusted)]);
        let origins = if self.origins.is_empty() { "-".into() } else { self.origins.join("\n") };
        table.add_row(vec![t!("bridge-status-origins"), origins]);
        let service = match &self.service {
            Some(unit) => format!("{}\n{}", yes_no(self.service_installed), unit.describe()),
            None => yes_no(false),
        };
        table.add_row(vec![t!("bridge-status-service"), service]);
        out.print_table(&table)?;
        if !self.running {
            out.note(&t!("bridge-status-start"))?;
        }
        Ok(())
    }
}

/// What the running bridge wrote of itself, checked: its listeners are asked whether they
/// answer (a bridge that died leaves its file behind).
pub fn status(paths: &Paths) -> StatusReport {
    let file: Option<bridge::Status> =
        std::fs::read(paths.status_file()).ok().and_then(|b| serde_json::from_slice(&b).ok());
    let answers = |url: &str| {
        let addr = url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_default();
        addr.parse::<std::net::SocketAddr>().is_ok_and(|a| {
            std::net::TcpStream::connect_timeout(&a, Duration::from_millis(500)).is_ok()
        })
    };
    let listening: Vec<String> = file
        .iter()
        .flat_map(|s| [Some(s.ws.clone()), s.wss.clone(), s.mtoken.clone(), s.mtoken_https.clone()])
        .flatten()
        .filter(|u| answers(u))
        .collect();
    let service = service::unit_in_use();
    StatusReport {
        running: !listening.is_empty(),
        pid: file.as_ref().filter(|_| !listening.is_empty()).map(|s| s.pid),
        listening,
        ca_trusted: ca_trusted(),
        origins: origins::load(&paths.origins).map(|f| f.origins).unwrap_or_default(),
        service_installed: service.as_ref().is_some_and(|s| s.enabled),
        service,
    }
}

#[derive(Serialize)]
struct ConsentReport {
    ca_lock_id: String,
    until: String,
}

impl Report for ConsentReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        out.note(&t!(
            "bridge-final-try-allowed",
            ca_lock_id = self.ca_lock_id.as_str(),
            until = self.until.as_str()
        ))
    }
}

/// The user's consent to one attempt at a key's final PIN try through the bridge.
fn allow_final_try(ctx: &Context, paths: &Paths, args: &FinalTryArgs) -> CmdResult {
    let until = time::OffsetDateTime::now_utc() + time::Duration::minutes(args.minutes as i64);
    std::fs::create_dir_all(&paths.runtime).map_err(|e| Error::io(&paths.runtime, &e))?;
    let file = bridge::pins::consent_path(&paths.runtime, args.ca_lock_id.trim());
    std::fs::write(&file, until.unix_timestamp().to_string()).map_err(|e| Error::io(&file, &e))?;
    ctx.emit(&ConsentReport {
        ca_lock_id: args.ca_lock_id.trim().to_string(),
        until: crate::output::local_time(until),
    })
}
