use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("pin-about"), long_about = t!("pin-long-about"), subcommand_help_heading = t!("heading-commands"))]
pub struct PinArgs {
    #[command(subcommand)]
    pub action: PinAction,
}

#[derive(Debug, Subcommand)]
pub enum PinAction {
    Status(PinStatusArgs),
    Change(PinChangeArgs),
    Unlock(PinUnlockArgs),
}

#[derive(Debug, Args)]
#[command(about = t!("pin-status-about"), long_about = t!("pin-status-long-about"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct PinStatusArgs {
    #[arg(long, value_name = "SERIAL|LABEL", help = t!("arg-token"))]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
#[command(about = t!("pin-change-about"), long_about = t!("pin-change-long-about"), after_long_help = t!("pin-change-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct PinChangeArgs {
    #[arg(long, value_name = "SERIAL|LABEL", help = t!("arg-pin-token"))]
    pub token: Option<String>,
    #[arg(long, help = t!("arg-pin-change-stdin"), conflicts_with_all = ["pin_file", "new_pin_file"])]
    pub pin_stdin: bool,
    #[arg(long, value_name = "FILE", help = t!("arg-pin-file"))]
    pub pin_file: Option<PathBuf>,
    #[arg(long, value_name = "FILE", help = t!("arg-new-pin-file"))]
    pub new_pin_file: Option<PathBuf>,
    #[arg(long, help = t!("arg-allow-final-try"))]
    pub allow_final_try: bool,
}

#[derive(Debug, Args)]
#[command(about = t!("pin-unlock-about"), long_about = t!("pin-unlock-long-about"), after_long_help = t!("pin-unlock-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct PinUnlockArgs {
    #[arg(long, value_name = "SERIAL|LABEL", help = t!("arg-pin-token"))]
    pub token: Option<String>,
    #[arg(long, help = t!("arg-so-pin-stdin"), conflicts_with_all = ["so_pin_file", "new_pin_file"])]
    pub so_pin_stdin: bool,
    #[arg(long, value_name = "FILE", help = t!("arg-so-pin-file"))]
    pub so_pin_file: Option<PathBuf>,
    #[arg(long, value_name = "FILE", help = t!("arg-new-pin-file"))]
    pub new_pin_file: Option<PathBuf>,
    #[arg(long, help = t!("arg-allow-so-final-try"))]
    pub allow_final_try: bool,
}
