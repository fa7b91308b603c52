use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("pin-about"), long_about = h!("pin-long-about"), subcommand_help_heading = h!("heading-commands"))]
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
#[command(about = h!("pin-status-about"), long_about = h!("pin-status-long-about"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct PinStatusArgs {
    #[arg(long, value_name = "SERIAL|LABEL", help = h!("arg-token"))]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
#[command(about = h!("pin-change-about"), long_about = h!("pin-change-long-about"), after_long_help = h!("pin-change-examples"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct PinChangeArgs {
    #[arg(long, value_name = "SERIAL|LABEL", help = h!("arg-pin-token"))]
    pub token: Option<String>,
    #[arg(long, help = h!("arg-pin-change-stdin"), conflicts_with_all = ["pin_file", "new_pin_file"])]
    pub pin_stdin: bool,
    #[arg(long, value_name = "FILE", help = h!("arg-pin-file"))]
    pub pin_file: Option<PathBuf>,
    #[arg(long, value_name = "FILE", help = h!("arg-new-pin-file"))]
    pub new_pin_file: Option<PathBuf>,
    #[arg(long, help = h!("arg-allow-final-try"))]
    pub allow_final_try: bool,
}

#[derive(Debug, Args)]
#[command(about = h!("pin-unlock-about"), long_about = h!("pin-unlock-long-about"), after_long_help = h!("pin-unlock-examples"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct PinUnlockArgs {
    #[arg(long, value_name = "SERIAL|LABEL", help = h!("arg-pin-token"))]
    pub token: Option<String>,
    #[arg(long, help = h!("arg-so-pin-stdin"), conflicts_with_all = ["so_pin_file", "new_pin_file"])]
    pub so_pin_stdin: bool,
    #[arg(long, value_name = "FILE", help = h!("arg-so-pin-file"))]
    pub so_pin_file: Option<PathBuf>,
    #[arg(long, value_name = "FILE", help = h!("arg-new-pin-file"))]
    pub new_pin_file: Option<PathBuf>,
    #[arg(long, help = h!("arg-allow-so-final-try"))]
    pub allow_final_try: bool,
}
