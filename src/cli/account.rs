use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("account-about"), subcommand_help_heading = t!("heading-commands"))]
pub struct AccountArgs {
    #[command(subcommand)]
    pub action: AccountAction,
}

#[derive(Debug, Subcommand)]
pub enum AccountAction {
    Login(AccountLoginArgs),
}

#[derive(Debug, Args)]
#[command(about = t!("account-login-about"), long_about = t!("account-login-long-about"), after_long_help = t!("account-login-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct AccountLoginArgs {
    #[arg(long, env = "ZCA_ACCOUNT", value_name = "ACCOUNT", help = t!("arg-account"))]
    pub account: Option<String>,
    #[arg(long, help = t!("arg-password-stdin"), conflicts_with = "password_file")]
    pub password_stdin: bool,
    #[arg(long, value_name = "FILE", help = t!("arg-password-file"))]
    pub password_file: Option<PathBuf>,
    #[arg(long, help = t!("arg-print-token"))]
    pub print_token: bool,
}
