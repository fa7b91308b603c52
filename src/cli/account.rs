use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("account-about"), subcommand_help_heading = h!("heading-commands"))]
pub struct AccountArgs {
    #[command(subcommand)]
    pub action: AccountAction,
}

#[derive(Debug, Subcommand)]
pub enum AccountAction {
    Login(AccountLoginArgs),
}

#[derive(Debug, Args)]
#[command(about = h!("account-login-about"), long_about = h!("account-login-long-about"), after_long_help = h!("account-login-examples"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct AccountLoginArgs {
    #[arg(long, env = "ZCA_ACCOUNT", value_name = "ACCOUNT", help = h!("arg-account"))]
    pub account: Option<String>,
    #[arg(long, help = h!("arg-password-stdin"), conflicts_with = "password_file")]
    pub password_stdin: bool,
    #[arg(long, value_name = "FILE", help = h!("arg-password-file"))]
    pub password_file: Option<PathBuf>,
    #[arg(long, help = h!("arg-print-token"))]
    pub print_token: bool,
}
