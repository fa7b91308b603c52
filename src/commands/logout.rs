use std::io;

use serde::Serialize;

use super::{CmdResult, Context};
use crate::cli::logout::LogoutArgs;
use crate::error::Error;
use crate::output::{Human, Report};
use crate::secret::{from_environment, Secret};
use crate::t;

#[derive(Serialize)]
struct LogoutReport {
    /// The platform revoked the session.
    revoked: bool,
    /// The session file of this profile was removed.
    session_file_removed: bool,
    /// Why the platform was not told, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    offline_reason: Option<String>,
}

impl Report for LogoutReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        match (&self.offline_reason, self.revoked || self.session_file_removed) {
            (_, false) => out.note(&t!("logout-nothing")),
            (Some(reason), true) => out.warn(&t!("logout-offline", reason = reason.as_str())),
            (None, true) => out.note(&t!("logout-done")),
        }
    }
}

/// Revokes the session on the platform when it can, and forgets it locally in any case. A
/// saved session is revoked where it was issued (trusting the CA file it was opened with);
/// `ZCA_TOKEN` on the configured platform.
pub fn run(ctx: &Context, _args: &LogoutArgs) -> CmdResult {
    let mut report =
        LogoutReport { revoked: false, session_file_removed: false, offline_reason: None };
    let target = match from_environment("ZCA_TOKEN").filter(|t| !t.is_blank()) {
        Some(token) => Some((ctx.client(), token)),
        None => ctx.stored_session()?.map(|s| {
            (ctx.client_for(&s.platform, s.ca_file.as_deref()), Secret::new(s.token.clone()))
        }),
    };
    if let Some((client, token)) = target {
        match client.and_then(|c| c.logout(&token)) {
            Ok(()) => report.revoked = true,
            // Already ended on the platform: nothing left to revoke.
            Err(Error::Platform { code, .. }) if code == zca_contract::code::UNAUTHENTICATED => {}
            Err(e) => report.offline_reason = Some(e.message()),
        }
    }
    report.session_file_removed = crate::secret::remove_session(ctx.profile())?;
    ctx.emit(&report)
}
