//! `zca doctor`: the helpdesk's checklist, in order, each with one finding and one fix.

use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use console::Style;
use serde::Serialize;
use time::OffsetDateTime;

use super::{CmdResult, Context};

mod local;
mod platform;

use crate::cli::doctor::DoctorArgs;
use crate::error::{exit, Error};
use crate::output::{Human, Report};
use crate::t;
use crate::token::CertObject;
use local::{bridge_check, token_checks};
use platform::platform_checks;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Status {
    Ok,
    Warn,
    Fail,
    Skipped,
}

#[derive(Debug, Serialize)]
pub(super) struct Check {
    id: &'static str,
    status: Status,
    finding: String,
    /// What to do about it; a command where there is one.
    fix: Option<String>,
    /// For a failed check: the exit code zca gives for this failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_code: Option<u8>,
}

impl Check {
    pub(super) fn ok(id: &'static str, finding: String) -> Check {
        Check { id, status: Status::Ok, finding, fix: None, exit_code: None }
    }
    pub(super) fn warn(id: &'static str, finding: String, fix: String) -> Check {
        Check { id, status: Status::Warn, finding, fix: Some(fix), exit_code: None }
    }
    pub(super) fn fail(id: &'static str, finding: String, fix: String, code: u8) -> Check {
        Check { id, status: Status::Fail, finding, fix: Some(fix), exit_code: Some(code) }
    }
    pub(super) fn from_error(id: &'static str, e: &Error) -> Check {
        Check::fail(id, e.message(), e.hint().unwrap_or_default(), e.exit_code())
    }
    pub(super) fn skipped(id: &'static str, why: String) -> Check {
        Check { id, status: Status::Skipped, finding: why, fix: None, exit_code: None }
    }
}

#[derive(Serialize)]
struct DoctorReport {
    zca_version: &'static str,
    checks: Vec<Check>,
}

impl DoctorReport {
    /// 0 all fine, 1 any warning, else the first failed check's own exit code.
    fn exit_code(&self) -> u8 {
        if let Some(code) = self.checks.iter().find_map(|c| c.exit_code) {
            return code;
        }
        if self.checks.iter().any(|c| c.status == Status::Warn) {
            return exit::FAILURE;
        }
        exit::OK
    }

    fn lines(&self, color: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for c in &self.checks {
            let (mark, style) = match c.status {
                Status::Ok => ("✓", Style::new().green()),
                Status::Warn => ("⚠", Style::new().yellow()),
                Status::Fail => ("✗", Style::new().red()),
                Status::Skipped => ("-", Style::new().dim()),
            };
            let mark = style.force_styling(color).apply_to(mark);
            lines.push(format!("{mark} {}: {}", check_name(c.id), c.finding));
            if let Some(fix) = &c.fix {
                lines.push(format!("    → {fix}"));
            }
        }
        lines
    }
}

impl Report for DoctorReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        for line in self.lines(out.color) {
            writeln!(out.stdout, "{line}")?;
        }
        Ok(())
    }
}

fn check_name(id: &str) -> String {
    match id {
        "modules" => t!("check-modules"),
        "pcscd" => t!("check-pcscd"),
        "readers" => t!("check-readers"),
        "key" => t!("check-key"),
        "pin" => t!("check-pin"),
        "certificates" => t!("check-certificates"),
        "validity" => t!("check-validity"),
        "private_key" => t!("check-private-key"),
        "driver_catalogue" => t!("check-driver-catalogue"),
        "platform" => t!("check-platform"),
        "tls" => t!("check-tls"),
        "clock" => t!("check-clock"),
        "session" => t!("check-session"),
        "bridge" => t!("check-bridge"),
        _ => t!("check-binding"),
    }
}

pub fn run(ctx: &Context, args: &DoctorArgs) -> CmdResult {
    let mut checks = Vec::new();
    let inv = ctx.inventory();
    let certs = token_checks(ctx, &inv, &mut checks);
    platform_checks(ctx, &certs, &mut checks);
    checks.push(bridge_check());
    let report = DoctorReport { zca_version: env!("CARGO_PKG_VERSION"), checks };
    if let Some(path) = &args.report {
        write_report(path, &report, &certs, args.include_dn)?;
        eprintln!("{}", t!("doctor-report-written", path = path.display().to_string()));
    }
    ctx.emit(&report)?;
    match report.exit_code() {
        0 => Ok(()),
        code => Err(super::Failure::Reported(code)),
    }
}

/// A text report for a ticket: no PIN, password or token ever; subjects as CN only unless asked.
fn write_report(
    path: &Path,
    report: &DoctorReport,
    certs: &[CertObject],
    include_dn: bool,
) -> Result<(), Error> {
    let mut text = format!(
        "zca doctor report\nzca {}\ntime {}\nos {} {}\n\n",
        report.zca_version,
        crate::output::local_time(OffsetDateTime::now_utc()),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    for line in report.lines(false) {
        text.push_str(&line);
        text.push('\n');
    }
    text.push('\n');
    for c in certs {
        match &c.facts {
            Some(f) => {
                let subject = if include_dn {
                    f.subject.clone()
                } else {
                    f.common_name.clone().unwrap_or_default()
                };
                let issuer = if include_dn {
                    f.issuer.clone()
                } else {
                    f.issuer_common_name.clone().unwrap_or_default()
                };
                text.push_str(&format!(
                    "certificate {} on {}: {subject} / {issuer} / {} / {} / {}\n",
                    &f.sha256[..16],
                    c.ca_lock_id,
                    f.key.display(),
                    crate::output::local_time(f.not_after),
                    f.signature_algorithm
                ));
            }
            None => text.push_str(&format!(
                "certificate object {} on {}: unreadable\n",
                c.id, c.ca_lock_id
            )),
        }
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::io(path, &e))?;
    // `mode` applies only to a new file; an existing one is made private before writing.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::io(path, &e))?;
    file.write_all(text.as_bytes()).map_err(|e| Error::io(path, &e))
}
