use std::io;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use zca_contract::{CaLogin, Purpose, User};

use super::{key, local_rfc3339, CmdResult, Context};
use crate::cli::login::LoginArgs;
use crate::output::{Human, Report};
use crate::secret::{save_session, StoredSession};
use crate::t;

#[derive(Serialize)]
struct CaLoginReport {
    user: User,
    expires_at: String,
    ca_lock_id: String,
    binding_id: Option<i64>,
    session_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

impl Drop for CaLoginReport {
    fn drop(&mut self) {
        if let Some(t) = &mut self.token {
            zeroize::Zeroize::zeroize(t);
        }
    }
}

impl Report for CaLoginReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        if let Some(token) = &self.token {
            return writeln!(out.stdout, "{token}");
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
    let client = ctx.client()?;
    let inv = ctx.inventory();
    let (key, cert) = key::choose(ctx, &inv, &args.choice)?;
    // The PIN before the challenge: a wrong PIN sends nothing, slow typing outlives nothing.
    let session = key::unlock(ctx, &inv, key, &args.pin)?;
    let signer = session.signer_for(&cert)?;
    let challenge = client.challenge(Purpose::Login, None)?;
    let started = std::time::Instant::now();
    let signature = key::sign_challenge(&session, &signer, &cert, Purpose::Login, &challenge, "")?;
    ctx.debug(&format!("signed on the key in {:.2} ms", started.elapsed().as_secs_f64() * 1e3));
    let request = CaLogin {
        challenge_id: challenge.challenge_id.clone(),
        certificate: STANDARD.encode(&cert.der),
        algorithm: signer.algorithm.as_str().to_string(),
        signature: STANDARD.encode(signature),
    };
    let mut platform_session = client.ca_login(&request)?;
    let mut report = CaLoginReport {
        user: platform_session.user.clone(),
        expires_at: platform_session.expires_at.clone(),
        ca_lock_id: key.ca_lock_id.clone(),
        binding_id: platform_session.binding_id,
        session_file: None,
        token: None,
    };
    if args.print_token {
        report.token = Some(platform_session.token.clone());
    } else {
        let stored = StoredSession {
            platform: client.origin().to_string(),
            account: platform_session.user.account.clone(),
            name: platform_session.user.name.clone(),
            organization: platform_session.user.organization.clone(),
            kind: "ca".into(),
            expires_at: platform_session.expires_at.clone(),
            token: platform_session.token.clone(),
        };
        report.session_file = Some(save_session(ctx.profile(), &stored)?.display().to_string());
    }
    zeroize::Zeroize::zeroize(&mut platform_session.token);
    ctx.emit(&report)
}
