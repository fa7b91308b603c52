use clap::Args;

use super::platform::{KeyChoice, PinArgs};
use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("login-about"), long_about = h!("login-long-about"), after_long_help = h!("login-examples"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct LoginArgs {
    #[command(flatten)]
    pub choice: KeyChoice,
    #[command(flatten)]
    pub pin: PinArgs,
    #[arg(long, help = h!("arg-print-token"))]
    pub print_token: bool,
}
