use clap::Args;

use super::platform::{KeyChoice, PinArgs};
use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("bind-about"), long_about = h!("bind-long-about"), after_long_help = h!("bind-examples"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct BindArgs {
    #[command(flatten)]
    pub choice: KeyChoice,
    #[command(flatten)]
    pub pin: PinArgs,
    #[arg(short, long, help = h!("arg-yes"))]
    pub yes: bool,
}
