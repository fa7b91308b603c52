use std::io;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use zca_contract::{CaLogin, Purpose, User};

use super::session::KeptSession;
use super::{key, local_rfc3339, CmdResult, Context};
use crate::cli::login::LoginArgs;
use crate::output::{Human, Report};
use crate::t;

#[derive(Serialize)]
struct CaLoginReport {
    user: User,
    expires_at: String,
    ca_lock_id: String,
    binding_id: Option<i64>,
    #[serde(flatten)]
    kept: KeptSession,
}

impl Report for CaLoginReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        if let Some(printed) = self.kept.print_token(out) {
            return printed;
        }
        writeln!(
            out.stdout,
            "{}",
            t!(
                "ca-logged-in",
                name = self.user.name.as_str(),
                account = self.user.account.as_str(),
                organization = self.user.organization.as_str(),
                ca_lock_id = self.ca_lock_id.as_str(),
                expires = local_rfc3339(&self.expires_at)
            )
        )
    }
}

pub fn run(ctx: &Context, args: &LoginArgs) -> CmdResult {
    let (client, inv) = ctx.client_and_inventory();
    let client = client?;
    let (key, cert) = key::choose(ctx, &inv, &args.choice)?;
    // The PIN before the challenge: a wrong PIN sends nothing, slow typing outlives nothing.
    let session = key::unlock(ctx, &inv, key, &args.pin)?;
    let signer =
        crate::timing::measure(|| "find the private key".into(), || session.signer_for(&cert))?;
    let challenge = client.challenge(Purpose::Login, None)?;
    let signature = key::sign_challenge(&session, &signer, &cert, Purpose::Login, &challenge, "")?;
    let request = CaLogin {
        challenge_id: challenge.challenge_id.clone(),
        certificate: STANDARD.encode(&cert.der),
        algorithm: signer.algorithm.as_str().to_string(),
        signature: STANDARD.encode(signature),
    };
    let session = client.ca_login(&request)?;
    let report = CaLoginReport {
        user: session.user.clone(),
        expires_at: session.expires_at.clone(),
        ca_lock_id: key.ca_lock_id.clone(),
        binding_id: session.binding_id,
        kept: crate::timing::measure(
            || "save the session".into(),
            || ctx.keep_session(&client, session, "ca", args.print_token),
        )?,
    };
    ctx.emit(&report)
}
