//! The checks that reach the platform: its TLS, the clock beside it, the session, the binding
//! and the driver catalogue.

use time::OffsetDateTime;
use zca_contract::Drivers;

use super::super::Context;
use super::Check;
use crate::error::Error;
use crate::t;
use crate::token::CertObject;

/// Catalogue, reachability, TLS, clock, session and binding.
pub(super) fn platform_checks(ctx: &Context, certs: &[CertObject], checks: &mut Vec<Check>) {
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
