use clap::Args;

use super::platform::{KeyChoice, PinArgs};
use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("bind-about"), long_about = t!("bind-long-about"), after_long_help = t!("bind-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct BindArgs {
    #[command(flatten)]
    pub choice: KeyChoice,
    #[command(flatten)]
    pub pin: PinArgs,
    #[arg(short, long, help = t!("arg-yes"))]
    pub yes: bool,
}
