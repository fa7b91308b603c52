use std::io;

use serde::Serialize;

use super::session::KeptSession;
use super::{CmdResult, Context};
use crate::cli::account::{AccountAction, AccountArgs, AccountLoginArgs};
use crate::error::Error;
use crate::output::{Human, Report};
use crate::secret::{read_secret, SecretSources};
use crate::t;

#[derive(Serialize)]
struct LoginReport {
    account: String,
    name: String,
    organization: String,
    expires_at: String,
    #[serde(flatten)]
    kept: KeptSession,
}

impl Report for LoginReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        if let Some(printed) = self.kept.print_token(out) {
            return printed;
        }
        writeln!(
            out.stdout,
            "{}",
            t!(
                "account-logged-in",
                name = self.name.as_str(),
                account = self.account.as_str(),
                organization = self.organization.as_str(),
                expires = super::local_rfc3339(&self.expires_at)
            )
        )
    }
}

pub fn run(ctx: &Context, args: &AccountArgs) -> CmdResult {
    match &args.action {
        AccountAction::Login(a) => login(ctx, a),
    }
}

fn login(ctx: &Context, args: &AccountLoginArgs) -> CmdResult {
    let client = ctx.client()?;
    let account = match &args.account {
        Some(a) => a.trim().to_string(),
        None if ctx.no_input => {
            return Err(Error::MissingInput {
                what: t!("what-account"),
                sources: "--account".into(),
            }
            .into())
        }
        None => crate::prompt::text(&t!("prompt-account"))?,
    };
    if account.is_empty() {
        return Err(Error::Usage { detail: t!("err-empty-account") }.into());
    }
    let sources = SecretSources {
        what: t!("what-password"),
        stdin: args.password_stdin,
        file: args.password_file.as_deref(),
        env: "ZCA_PASSWORD",
        flags: "--password-stdin, --password-file FILE",
    };
    let password =
        read_secret(&sources, ctx.no_input, &t!("prompt-password", account = account.as_str()))?;
    let session = client.password_login(&account, &password)?;
    drop(password);
    let report = LoginReport {
        account: session.user.account.clone(),
        name: session.user.name.clone(),
        organization: session.user.organization.clone(),
        expires_at: session.expires_at.clone(),
        kept: ctx.keep_session(&client, session, "password", args.print_token)?,
    };
    ctx.emit(&report)
}
