use std::io;

use serde::Serialize;

use super::{local_rfc3339, CmdResult, Context};
use crate::cli::status::StatusArgs;
use crate::error::Error;
use crate::output::{Column, Human, Report};
use crate::t;

#[derive(Serialize, Default)]
struct StatusReport {
    profile: String,
    platform: Option<String>,
    logged_in: bool,
    account: Option<String>,
    name: Option<String>,
    organization: Option<String>,
    /// `password` or `ca`; absent with ZCA_TOKEN.
    session_kind: Option<String>,
    expires_at: Option<String>,
}

impl Report for StatusReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        let mut table =
            out.grid(vec![Column::text(t!("col-setting")), Column::whole(t!("col-value"))]);
        let unset = t!("value-unset");
        let v = |o: &Option<String>| o.clone().unwrap_or_else(|| unset.clone());
        table.add_row(vec![t!("status-profile"), self.profile.clone()]);
        table.add_row(vec![t!("status-platform"), v(&self.platform)]);
        let who = match (&self.account, &self.name) {
            (Some(a), Some(n)) => format!("{n} ({a})"),
            (Some(a), None) => a.clone(),
            _ => t!("status-not-logged-in"),
        };
        table.add_row(vec![t!("status-account"), who]);
        if let Some(o) = &self.organization {
            table.add_row(vec![t!("status-organization"), o.clone()]);
        }
        if let Some(kind) = &self.session_kind {
            let kind = if kind == "ca" { t!("status-kind-ca") } else { t!("status-kind-password") };
            table.add_row(vec![t!("status-session"), kind]);
        }
        if let Some(e) = &self.expires_at {
            table.add_row(vec![t!("status-expires"), local_rfc3339(e)]);
        }
        out.print_table(&table)
    }
}

pub fn run(ctx: &Context, _args: &StatusArgs) -> CmdResult {
    let mut report = StatusReport {
        profile: ctx.profile().to_string(),
        platform: ctx.settings.platform.as_ref().map(|p| p.value.clone()),
        ..Default::default()
    };
    let outcome = ctx.client().and_then(|client| {
        let (token, stored) = ctx.session_token(&client)?;
        Ok((client.me(&token)?, stored))
    });
    match outcome {
        Ok((user, stored)) => {
            report.logged_in = true;
            report.account = Some(user.account);
            report.name = Some(user.name);
            report.organization = Some(user.organization);
            if let Some(s) = &stored {
                report.session_kind = Some(s.kind.clone());
                report.expires_at = Some(s.expires_at.clone());
            }
            ctx.emit(&report)
        }
        Err(Error::Platform { code, .. }) if code == zca_contract::code::UNAUTHENTICATED => {
            ctx.emit_failing(&report, Error::NotLoggedIn)
        }
        Err(e) => ctx.emit_failing(&report, e),
    }
}
