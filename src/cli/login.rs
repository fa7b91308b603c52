use clap::Args;

use super::platform::{KeyChoice, PinArgs};
use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("login-about"), long_about = t!("login-long-about"), after_long_help = t!("login-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct LoginArgs {
    #[command(flatten)]
    pub choice: KeyChoice,
    #[command(flatten)]
    pub pin: PinArgs,
    #[arg(long, help = t!("arg-print-token"))]
    pub print_token: bool,
}
