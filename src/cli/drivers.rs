use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("drivers-about"), long_about = t!("drivers-long-about"), after_long_help = t!("drivers-examples"))]
#[command(args_conflicts_with_subcommands = true, subcommand_help_heading = t!("heading-commands"))]
pub struct DriversArgs {
    #[command(subcommand)]
    pub action: Option<DriversAction>,
}

#[derive(Debug, Subcommand)]
pub enum DriversAction {
    Download(DownloadArgs),
}

#[derive(Debug, Args)]
#[command(about = t!("drivers-download-about"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct DownloadArgs {
    #[arg(value_name = "ID", help = t!("arg-driver-id"))]
    pub id: i64,
    #[arg(short, long, value_name = "DIR", default_value = ".", help = t!("arg-download-dir"))]
    pub output: PathBuf,
}
