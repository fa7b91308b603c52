//! The bridge as a systemd user service, started at login and restarted when it fails. The zca
//! package ships the unit for every user (`systemctl --user enable --now zca-bridge`, or a
//! desktop image's `systemctl --global enable zca-bridge`); `zca bridge install` enables it, and
//! writes the user's own unit, which systemd prefers, only for options other than the defaults.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use super::super::{CmdResult, Context};
use crate::cli::bridge::{ServeArgs, CLOSE_IDLE_DEFAULT, IDLE_DEFAULT, MAX_CONNECTIONS_DEFAULT};
use crate::error::Error;
use crate::output::{Human, Report};
use crate::t;

/// Where the zca package puts the unit.
const PACKAGED_UNIT: &str = "/usr/lib/systemd/user/zca-bridge.service";
/// Where `systemctl --global enable` marks it enabled for every user.
const ENABLED_FOR_ALL: &str = "/etc/systemd/user/default.target.wants/zca-bridge.service";
const UNIT_NAME: &str = "zca-bridge.service";

/// The unit systemd uses for the bridge.
#[derive(Serialize)]
pub struct ServiceUnit {
    /// `package` (the zca package's, for every user) or `user` (this user's own).
    pub source: &'static str,
    pub unit: String,
    /// Whether it starts at login: enabled by this user, or for every user.
    pub enabled: bool,
}

impl ServiceUnit {
    pub fn describe(&self) -> String {
        let source = if self.source == "package" {
            t!("bridge-service-package")
        } else {
            t!("bridge-service-user")
        };
        format!("{source}: {}", self.unit)
    }
}

fn own_unit() -> Option<PathBuf> {
    Some(dirs::config_dir()?.join("systemd/user").join(UNIT_NAME))
}

fn enabled_by_user() -> bool {
    dirs::config_dir()
        .is_some_and(|c| c.join("systemd/user/default.target.wants").join(UNIT_NAME).exists())
}

/// The user's own unit when there is one (systemd prefers it), else the package's.
pub fn unit_in_use() -> Option<ServiceUnit> {
    let enabled = enabled_by_user() || Path::new(ENABLED_FOR_ALL).exists();
    if let Some(own) = own_unit().filter(|p| p.exists()) {
        return Some(ServiceUnit { source: "user", unit: own.display().to_string(), enabled });
    }
    Path::new(PACKAGED_UNIT).exists().then(|| ServiceUnit {
        source: "package",
        unit: PACKAGED_UNIT.into(),
        enabled,
    })
}

#[derive(Serialize)]
struct InstallReport {
    unit: String,
    /// `package` or `user`, as in `zca bridge status`.
    source: &'static str,
    installed: bool,
    /// Whether systemd took it (enabled and started, or stopped and disabled).
    systemd: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    systemd_error: Option<String>,
}

impl Report for InstallReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        let unit = self.unit.as_str();
        let done = if self.installed {
            t!("bridge-installed", unit = unit)
        } else {
            t!("bridge-uninstalled", unit = unit)
        };
        out.note(&done)?;
        if let Some(e) = &self.systemd_error {
            let cmd = if self.installed {
                "systemctl --user daemon-reload && systemctl --user enable --now zca-bridge.service"
            } else {
                "systemctl --user disable --now zca-bridge.service"
            };
            out.warn(&t!("bridge-systemd-failed", detail = e.as_str(), command = cmd))?;
        }
        Ok(())
    }
}

fn systemctl(args: &[&str]) -> Result<(), String> {
    let out =
        Command::new("systemctl").arg("--user").args(args).output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The options a unit's ExecStart gives `zca bridge`: all of them, so that the unit says
/// what it runs.
fn unit_flags(args: &ServeArgs) -> String {
    let mut flags = format!(
        "--ws-port {} --mtoken-port {} --idle {} --max-connections {} --close-idle {}",
        args.ws_port, args.mtoken_port, args.idle, args.max_connections, args.close_idle
    );
    if args.no_wss {
        flags.push_str(" --no-wss");
    } else {
        flags.push_str(&format!(
            " --wss-port {} --mtoken-https-port {}",
            args.wss_port, args.mtoken_https_port
        ));
    }
    if let Some(program) = &args.pinentry {
        flags.push_str(&format!(" --pinentry '{}'", program.display()));
    }
    flags
}

/// Whether the package's unit (`zca bridge` with no options) serves as `args` ask.
fn defaults(args: &ServeArgs) -> bool {
    use crate::bridge::{MTOKEN_HTTPS_PORT, MTOKEN_PORT, WSS_PORT, WS_PORT};
    let ports = (args.ws_port, args.wss_port, args.mtoken_port, args.mtoken_https_port);
    ports == (WS_PORT, WSS_PORT, MTOKEN_PORT, MTOKEN_HTTPS_PORT)
        && !args.no_wss
        && args.pinentry.is_none()
        && (args.idle, args.max_connections, args.close_idle)
            == (IDLE_DEFAULT, MAX_CONNECTIONS_DEFAULT, CLOSE_IDLE_DEFAULT)
}

pub fn install(ctx: &Context, args: &ServeArgs) -> CmdResult {
    let own = own_unit().ok_or_else(|| Error::Internal { detail: "no config folder".into() })?;
    let (unit, source) = if defaults(args) && Path::new(PACKAGED_UNIT).exists() {
        // An own unit an older zca wrote would hide the package's, and its updates.
        remove_if_there(&own)?;
        (PathBuf::from(PACKAGED_UNIT), "package")
    } else {
        let exe = std::env::current_exe().map_err(|e| Error::io("<zca>", &e))?;
        let text = format!(
            "[Unit]\nDescription=zca bridge: the CA client service for web pages (CA 客户端服务)\n\n\
             [Service]\nExecStart={} bridge {}\nRestart=on-failure\nRestartSec=2\n\n\
             [Install]\nWantedBy=default.target\n",
            exe.display(),
            unit_flags(args)
        );
        let dir = own.parent().expect("a folder");
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
        std::fs::write(&own, text).map_err(|e| Error::io(&own, &e))?;
        (own, "user")
    };
    let outcome =
        systemctl(&["daemon-reload"]).and_then(|()| systemctl(&["enable", "--now", UNIT_NAME]));
    ctx.emit(&InstallReport {
        unit: unit.display().to_string(),
        source,
        installed: true,
        systemd: outcome.is_ok(),
        systemd_error: outcome.err(),
    })
}

pub fn uninstall(ctx: &Context) -> CmdResult {
    let in_use = unit_in_use();
    let stopped = systemctl(&["disable", "--now", UNIT_NAME]);
    if let Some(own) = own_unit() {
        remove_if_there(&own)?;
    }
    let _ = systemctl(&["daemon-reload"]);
    ctx.emit(&InstallReport {
        unit: in_use.as_ref().map_or_else(|| UNIT_NAME.into(), |u| u.unit.clone()),
        source: in_use.map_or("user", |u| u.source),
        installed: false,
        systemd: stopped.is_ok(),
        systemd_error: stopped.err(),
    })
}

fn remove_if_there(file: &Path) -> Result<(), Error> {
    match std::fs::remove_file(file) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(file, &e)),
    }
}
