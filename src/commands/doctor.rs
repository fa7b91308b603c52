//! `zca doctor`: the helpdesk's checklist, in order, each with one finding and one fix.

use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use console::Style;
use serde::Serialize;
use time::OffsetDateTime;
use zca_contract::Drivers;

use super::{CmdResult, Context};
use crate::cli::doctor::DoctorArgs;
use crate::error::{exit, Error};
use crate::output::{Human, Report};
use crate::t;
use crate::token::vendors::needs_pcsc;
use crate::token::{list_certificates, CertObject, Inventory, PinState, PrivateKeyPresence};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Ok,
    Warn,
    Fail,
    Skipped,
}

#[derive(Debug, Serialize)]
struct Check {
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
    fn ok(id: &'static str, finding: String) -> Check {
        Check { id, status: Status::Ok, finding, fix: None, exit_code: None }
    }
    fn warn(id: &'static str, finding: String, fix: String) -> Check {
        Check { id, status: Status::Warn, finding, fix: Some(fix), exit_code: None }
    }
    fn fail(id: &'static str, finding: String, fix: String, code: u8) -> Check {
        Check { id, status: Status::Fail, finding, fix: Some(fix), exit_code: Some(code) }
    }
    fn from_error(id: &'static str, e: &Error) -> Check {
        Check::fail(id, e.message(), e.hint().unwrap_or_default(), e.exit_code())
    }
    fn skipped(id: &'static str, why: String) -> Check {
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

/// Drivers, pcscd, readers, key, PIN and certificates. Returns the certificates found.
fn token_checks(ctx: &Context, inv: &Inventory, checks: &mut Vec<Check>) -> Vec<CertObject> {
    // PKCS#11 modules and SKF libraries alike: either kind of driver lets the user in.
    let drivers = inv.modules.iter().map(|m| (&m.path, m.loaded, &m.error)).chain(
        inv.skf_libraries.iter().map(|l| (&l.path, l.loaded && l.error.is_none(), &l.error)),
    );
    let (ok, failed): (Vec<_>, Vec<_>) = drivers.partition(|(_, loaded, _)| *loaded);
    let loaded = ok.len();
    let failed: Vec<String> = failed
        .iter()
        .map(|(path, _, error)| {
            format!(
                "{}: {}",
                path.display(),
                error.as_ref().map(|e| e.message()).unwrap_or_default()
            )
        })
        .collect();
    match (loaded, failed.is_empty()) {
        (0, _) => {
            let e = inv.require_key().err().unwrap_or(Error::DriverMissing);
            checks.push(Check::from_error("modules", &e));
        }
        (n, true) => checks.push(Check::ok("modules", t!("doctor-modules-ok", count = (n as u64)))),
        (n, false) => checks.push(Check::warn(
            "modules",
            t!("doctor-modules-some", count = (n as u64), failed = failed.join("; ")),
            t!("hint-driver-missing"),
        )),
    }

    let pcsc_modules: Vec<&str> = inv
        .modules
        .iter()
        .filter_map(|m| m.path.file_name().and_then(|f| f.to_str()))
        .filter(|f| needs_pcsc(f))
        .collect();
    if pcsc_modules.is_empty() {
        checks.push(Check::skipped("pcscd", t!("doctor-pcscd-not-needed")));
    } else {
        let socket = pcscd_socket(&ctx.search.root);
        // A socket file left by a crashed pcscd exists but refuses: connect to be sure.
        if std::os::unix::net::UnixStream::connect(&socket).is_ok() {
            checks.push(Check::ok(
                "pcscd",
                t!("doctor-pcscd-ok", socket = socket.display().to_string()),
            ));
        } else {
            let finding = t!(
                "doctor-pcscd-missing",
                socket = socket.display().to_string(),
                modules = pcsc_modules.join(", ")
            );
            let fix = if pcscd_installed(&ctx.search.root) {
                t!("doctor-pcscd-start")
            } else {
                t!("doctor-pcscd-fix")
            };
            // Each check is as severe as what it keeps the user from: with a key found through
            // another module, a missing pcscd stops nothing today.
            checks.push(if inv.keys.is_empty() {
                Check::fail("pcscd", finding, fix, exit::NO_DRIVER_OR_KEY)
            } else {
                Check::warn("pcscd", finding, fix)
            });
        }
    }

    if loaded == 0 {
        for id in ["readers", "key", "pin", "certificates", "validity", "private_key"] {
            checks.push(Check::skipped(id, t!("doctor-skip-no-driver")));
        }
        return Vec::new();
    }
    let skf_keys = inv.keys.iter().filter(|k| k.p11.is_none()).count();
    match inv.slots.len() {
        // SKF libraries find their devices themselves: no slot is no fault then.
        0 if skf_keys > 0 => checks.push(Check::skipped("readers", t!("doctor-readers-skf"))),
        0 => checks.push(Check::fail(
            "readers",
            t!("doctor-readers-none"),
            t!("doctor-readers-fix"),
            exit::NO_DRIVER_OR_KEY,
        )),
        n => checks.push(Check::ok("readers", t!("doctor-readers-ok", count = (n as u64)))),
    }
    if inv.keys.is_empty() {
        checks.push(Check::from_error("key", &Error::TokenMissing));
        for id in ["pin", "certificates", "validity", "private_key"] {
            checks.push(Check::skipped(id, t!("doctor-skip-no-key")));
        }
        return Vec::new();
    }
    let ids: Vec<String> =
        inv.keys.iter().map(|k| format!("{} ({})", k.ca_lock_id, k.label)).collect();
    checks.push(Check::ok("key", t!("doctor-key-ok", keys = ids.join(", "))));

    let worst = inv
        .keys
        .iter()
        .map(|k| inv.pin_state(k).unwrap_or(k.pin_state))
        .max_by_key(|s| *s as u8)
        .unwrap_or(PinState::Ok);
    checks.push(match worst {
        PinState::Ok => Check::ok("pin", t!("doctor-pin-ok")),
        PinState::CountLow => {
            Check::warn("pin", t!("doctor-pin-count-low"), t!("hint-pin-incorrect"))
        }
        PinState::FinalTry => Check::warn("pin", t!("doctor-pin-final"), t!("hint-pin-final-try")),
        PinState::Locked => Check::from_error("pin", &Error::PinLocked),
    });

    let now = crate::output::now_local();
    let mut certs = Vec::new();
    for key in &inv.keys {
        match list_certificates(inv, key, now) {
            Ok(c) => certs.extend(c),
            Err(e) => checks.push(Check::from_error("certificates", &e)),
        }
    }
    let unreadable = certs.iter().filter(|c| c.facts.is_none()).count();
    let readable: Vec<&CertObject> = certs.iter().filter(|c| c.facts.is_some()).collect();
    checks.push(match (readable.len(), unreadable) {
        (0, 0) => Check::fail(
            "certificates",
            t!("doctor-certs-none"),
            t!("doctor-certs-fix"),
            exit::NO_DRIVER_OR_KEY,
        ),
        (0, u) => Check::fail(
            "certificates",
            t!("doctor-certs-unreadable", count = (u as u64)),
            t!("doctor-certs-fix"),
            exit::FAILURE,
        ),
        (n, 0) => Check::ok("certificates", t!("doctor-certs-ok", count = (n as u64))),
        (n, u) => Check::warn(
            "certificates",
            t!("doctor-certs-some-unreadable", count = (n as u64), unreadable = (u as u64)),
            t!("doctor-certs-fix"),
        ),
    });
    if readable.is_empty() {
        checks.push(Check::skipped("validity", t!("doctor-skip-no-cert")));
        checks.push(Check::skipped("private_key", t!("doctor-skip-no-cert")));
        return certs;
    }
    let min_days = readable.iter().filter_map(|c| c.days_left).min().unwrap_or(0);
    let valid = readable.iter().filter(|c| c.days_left.is_some_and(|d| d >= 0)).count();
    checks.push(if valid == 0 {
        Check::fail(
            "validity",
            t!("doctor-validity-expired"),
            t!("hint-cert-expiring"),
            exit::EXPIRING,
        )
    } else if min_days < 30 {
        Check::warn(
            "validity",
            t!("doctor-validity-soon", days = min_days),
            t!("hint-cert-expiring"),
        )
    } else {
        Check::ok("validity", t!("doctor-validity-ok", days = min_days))
    });
    let presence: Vec<PrivateKeyPresence> = readable.iter().map(|c| c.private_key).collect();
    checks.push(if presence.contains(&PrivateKeyPresence::Yes) {
        Check::ok("private_key", t!("doctor-private-key-ok"))
    } else if presence.contains(&PrivateKeyPresence::Unknown) {
        Check::skipped("private_key", t!("doctor-private-key-hidden"))
    } else {
        Check::fail(
            "private_key",
            t!("doctor-private-key-none"),
            t!("hint-private-key-missing"),
            exit::NO_DRIVER_OR_KEY,
        )
    });
    certs
}

/// The CA client service for web pages: whether it runs, on which ports, whether the browser
/// trusts its CA and which origins it serves. Not set up at all is no failure: zca's own
/// commands do not need it.
fn bridge_check() -> Check {
    let s = super::bridge::status(&crate::bridge::Paths::default_for_user());
    let origins = s.origins.len() as u64;
    match (s.running, s.service_installed) {
        (false, false) => Check::skipped("bridge", t!("doctor-bridge-not-set-up")),
        (false, true) => {
            Check::warn("bridge", t!("doctor-bridge-stopped"), t!("doctor-bridge-start"))
        }
        (true, _) if origins == 0 => Check::warn(
            "bridge",
            t!("doctor-bridge-no-origins", listening = s.listening.join(", ")),
            t!("bridge-no-origins"),
        ),
        (true, _) if s.ca_trusted == Some(false) => Check::warn(
            "bridge",
            t!("doctor-bridge-untrusted", listening = s.listening.join(", ")),
            "zca bridge trust".into(),
        ),
        (true, _) => Check::ok(
            "bridge",
            t!("doctor-bridge-ok", listening = s.listening.join(", "), origins = origins),
        ),
    }
}

/// Whether pcscd is installed (and only stopped): then the fix is to start it, not install it.
fn pcscd_installed(root: &Path) -> bool {
    ["usr/sbin/pcscd", "sbin/pcscd"].iter().any(|p| root.join(p).exists())
}

/// pcscd's socket; PCSCLITE_CSOCK_NAME moves it, as it does for pcsc-lite itself.
fn pcscd_socket(root: &Path) -> std::path::PathBuf {
    match std::env::var_os("PCSCLITE_CSOCK_NAME") {
        Some(p) => p.into(),
        None => root.join("run/pcscd/pcscd.comm"),
    }
}

/// Catalogue, reachability, TLS, clock, session and binding.
fn platform_checks(ctx: &Context, certs: &[CertObject], checks: &mut Vec<Check>) {
    let ids = ["driver_catalogue", "platform", "tls", "clock", "session", "binding"];
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => {
            for id in ids {
                checks.push(Check::skipped(id, e.message()));
            }
            return;
        }
    };
    let (health, date) = match client.health() {
        Ok(h) => h,
        Err(e) => {
            let tls = matches!(e, Error::Tls { .. });
            checks.push(Check::skipped("driver_catalogue", t!("doctor-skip-no-platform")));
            if tls {
                checks.push(Check::ok(
                    "platform",
                    t!("doctor-platform-reached", url = client.origin()),
                ));
            }
            checks.push(Check::from_error(if tls { "tls" } else { "platform" }, &e));
            for id in if tls { &ids[3..] } else { &ids[2..] } {
                checks.push(Check::skipped(id, t!("doctor-skip-no-platform")));
            }
            return;
        }
    };
    checks.push(catalogue_check(client.drivers().ok(), certs));
    checks.push(Check::ok(
        "platform",
        t!("doctor-platform-ok", url = client.origin(), version = health.version.as_str()),
    ));
    checks.push(Check::ok("tls", t!("doctor-tls-ok")));
    checks.push(clock_check(date.as_deref()));

    let token = match ctx.session_token(&client) {
        Ok((token, _)) => token,
        Err(e) => {
            checks.push(match e {
                Error::NotLoggedIn | Error::SessionOtherPlatform { .. } => {
                    Check::warn("session", e.message(), e.hint().unwrap_or_default())
                }
                e => Check::from_error("session", &e),
            });
            checks.push(Check::skipped("binding", t!("doctor-skip-no-session")));
            return;
        }
    };
    match client.me(&token) {
        Ok(user) => checks
            .push(Check::ok("session", t!("doctor-session-ok", account = user.account.as_str()))),
        Err(e) => {
            // An ended session is the user's next step; a platform that cannot answer is not.
            checks.push(match e.platform_code() {
                Some(zca_contract::code::UNAUTHENTICATED) => {
                    Check::warn("session", t!("doctor-session-ended"), t!("hint-not-logged-in"))
                }
                _ => Check::from_error("session", &e),
            });
            checks.push(Check::skipped("binding", t!("doctor-skip-no-session")));
            return;
        }
    }
    let inserted: Vec<String> =
        certs.iter().filter(|c| c.facts.is_some()).map(|c| c.sha256()).collect();
    checks.push(match client.bindings(&token) {
        Err(e) => Check::from_error("binding", &e),
        Ok(_) if inserted.is_empty() => Check::skipped("binding", t!("doctor-skip-no-cert")),
        Ok(b) if b.iter().any(|b| inserted.contains(&b.certificate.sha256)) => {
            Check::ok("binding", t!("doctor-binding-ok"))
        }
        Ok(_) => {
            Check::warn("binding", t!("doctor-binding-none"), t!("plat-hint-certificate-not-bound"))
        }
    });
}

fn catalogue_check(drivers: Option<Drivers>, certs: &[CertObject]) -> Check {
    let issuers: Vec<&str> =
        certs.iter().filter_map(|c| c.facts.as_ref()).map(|f| f.issuer.as_str()).collect();
    let Some(drivers) = drivers else {
        return Check::skipped("driver_catalogue", t!("doctor-catalogue-unavailable"));
    };
    if issuers.is_empty() {
        return Check::skipped("driver_catalogue", t!("doctor-skip-no-cert"));
    }
    let matching: Vec<String> = drivers
        .drivers
        .iter()
        .filter(|d| {
            d.issuers
                .iter()
                .any(|i| !i.is_empty() && issuers.iter().any(|ci| ci.contains(i.as_str())))
        })
        .map(|d| format!("{} {} ({})", d.name, d.version, d.vendor))
        .collect();
    if matching.is_empty() {
        Check::warn("driver_catalogue", t!("doctor-catalogue-none"), t!("doctor-catalogue-fix"))
    } else {
        Check::ok("driver_catalogue", t!("doctor-catalogue-ok", drivers = matching.join(", ")))
    }
}

/// Certificates and signatures are judged by time: a clock far off makes valid ones look
/// expired. The platform's Date header is the reference.
fn clock_check(date: Option<&str>) -> Check {
    let Some(remote) = date.and_then(|d| {
        OffsetDateTime::parse(d, &time::format_description::well_known::Rfc2822).ok()
    }) else {
        return Check::skipped("clock", t!("doctor-clock-no-date"));
    };
    let skew = (OffsetDateTime::now_utc() - remote).whole_seconds();
    if skew.abs() > 300 {
        Check::warn("clock", t!("doctor-clock-skew", seconds = skew), t!("doctor-clock-fix"))
    } else {
        Check::ok("clock", t!("doctor-clock-ok", seconds = skew))
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
