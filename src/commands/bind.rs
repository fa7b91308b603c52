use std::io;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use zca_contract::{BindRequest, Binding, Purpose};

use super::{key, local_rfc3339, CmdResult, Context};
use crate::cli::bind::BindArgs;
use crate::error::Error;
use crate::output::{local_time, Column, Human, Report};
use crate::t;
use crate::token::CertObject;

#[derive(Serialize)]
struct BindReport {
    /// false: this account already had exactly this binding.
    created: bool,
    binding: Binding,
}

impl Report for BindReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        let b = &self.binding;
        let mut table = out.grid(vec![
            Column::text(t!("col-cert-info")),
            Column::whole(t!("col-ca-lock-id")),
            Column::whole(t!("col-expires")),
        ]);
        table.add_row(vec![
            cert_info(b),
            b.ca_lock_id.clone(),
            local_rfc3339(&b.certificate.not_after),
        ]);
        out.print_table(&table)?;
        let note =
            if self.created { t!("bind-done", id = b.id) } else { t!("bind-already", id = b.id) };
        out.note(&note)
    }
}

/// 证书信息: the certificate's CN, and its O in brackets.
pub fn cert_info(b: &Binding) -> String {
    let c = &b.certificate;
    if c.organization.is_empty() || c.organization == c.common_name {
        c.common_name.clone()
    } else {
        format!("{} ({})", c.common_name, c.organization)
    }
}

pub fn run(ctx: &Context, args: &BindArgs) -> CmdResult {
    let (client, inv) = ctx.client_and_inventory();
    let client = client?;
    let (token, _) = ctx.session_token(&client)?;
    let (key, cert) = key::choose(ctx, &inv, &args.choice)?;
    confirm(ctx, args.yes, &key.ca_lock_id, &cert)?;
    // The PIN first: a wrong PIN sends nothing to the platform.
    let session = key::unlock(ctx, &inv, key, &args.pin)?;
    let signer = session.signer_for(&cert)?;
    let challenge = client.challenge(Purpose::Bind, Some(&token))?;
    let signature =
        key::sign_challenge(&session, &signer, &cert, Purpose::Bind, &challenge, &key.ca_lock_id)?;
    let request = BindRequest {
        challenge_id: challenge.challenge_id.clone(),
        ca_lock_id: key.ca_lock_id.clone(),
        certificate: STANDARD.encode(&cert.der),
        algorithm: signer.algorithm.as_str().to_string(),
        signature: STANDARD.encode(signature),
    };
    let (binding, created) = client.bind(&token, &request)?;
    ctx.emit(&BindReport { created, binding })
}

/// Unless `--yes`: shows what will be bound and asks. (The result shows it once more, from the
/// platform's answer; with `--yes` that is the only time.)
fn confirm(ctx: &Context, yes: bool, ca_lock_id: &str, cert: &CertObject) -> Result<(), Error> {
    if yes {
        return Ok(());
    }
    if ctx.no_input {
        return Err(Error::MissingInput { what: t!("what-confirmation"), sources: "--yes".into() });
    }
    let f = cert.facts.as_ref().expect("only parsed certificates are chosen");
    let summary = t!(
        "bind-summary",
        cert = f.display_name(),
        ca_lock_id = ca_lock_id,
        expires = local_time(f.not_after)
    );
    eprintln!("{summary}");
    if crate::prompt::confirm(&t!("prompt-bind-confirm"), true)? {
        Ok(())
    } else {
        Err(Error::Cancelled)
    }
}
