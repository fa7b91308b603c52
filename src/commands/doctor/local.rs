//! The checks of this computer: drivers, pcscd, readers, the key, its PIN and certificates, and
//! the CA client service.

use std::path::Path;

use super::super::Context;
use super::Check;
use crate::error::{exit, Error};
use crate::t;
use crate::token::vendors::needs_pcsc;
use crate::token::{list_certificates, CertObject, Inventory, PinState, PrivateKeyPresence};

/// Drivers, pcscd, readers, key, PIN and certificates. Returns the certificates found.
pub(super) fn token_checks(
    ctx: &Context,
    inv: &Inventory,
    checks: &mut Vec<Check>,
) -> Vec<CertObject> {
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
pub(super) fn bridge_check() -> Check {
    let s = super::super::bridge::status(&crate::bridge::Paths::default_for_user());
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
