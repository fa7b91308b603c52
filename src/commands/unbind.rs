use std::io;

use serde::Serialize;
use zca_contract::Binding;

use super::bind::cert_info;
use super::{local_rfc3339, CmdResult, Context};
use crate::cli::unbind::UnbindArgs;
use crate::error::Error;
use crate::output::{Human, Report};
use crate::t;

#[derive(Serialize)]
struct UnbindReport {
    unbound: Binding,
    /// This profile was logged in with the binding: the platform ended that session with it,
    /// and the session file is removed.
    session_ended: bool,
}

impl Report for UnbindReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        out.note(&t!(
            "unbind-done",
            id = self.unbound.id,
            ca_lock_id = self.unbound.ca_lock_id.as_str()
        ))?;
        if self.session_ended {
            out.note(&t!("unbind-ended-session"))?;
        }
        Ok(())
    }
}

pub fn run(ctx: &Context, args: &UnbindArgs) -> CmdResult {
    let client = ctx.client()?;
    let (token, stored) = ctx.session_token(&client)?;
    let bindings = client.bindings(&token)?;
    let found = bindings.into_iter().find(|b| match (&args.id, &args.ca_lock, &args.cert) {
        (Some(id), _, _) => b.id == *id,
        (_, Some(lock), _) => b.ca_lock_id == lock.trim(),
        (_, _, Some(sha)) => b.certificate.sha256.starts_with(&sha.trim().to_ascii_lowercase()),
        _ => false,
    });
    let selector = args
        .id
        .map(|i| i.to_string())
        .or(args.ca_lock.clone())
        .or(args.cert.clone())
        .unwrap_or_default();
    let binding = found
        .ok_or(Error::Platform { code: zca_contract::code::NOT_FOUND.into(), message: selector })?;
    if !args.yes {
        if ctx.no_input {
            return Err(Error::MissingInput {
                what: t!("what-confirmation"),
                sources: "--yes".into(),
            }
            .into());
        }
        eprintln!(
            "{}",
            t!(
                "unbind-summary",
                cert = cert_info(&binding),
                ca_lock_id = binding.ca_lock_id.as_str(),
                expires = local_rfc3339(&binding.certificate.not_after)
            )
        );
        if !crate::prompt::confirm(&t!("prompt-unbind-confirm"), false)? {
            return Err(Error::Cancelled.into());
        }
    }
    client.unbind(&token, binding.id)?;
    let session_ended = stored.is_some_and(|s| s.binding_id == Some(binding.id));
    if session_ended {
        crate::secret::remove_session(ctx.profile())?;
    }
    ctx.emit(&UnbindReport { unbound: binding, session_ended })
}
