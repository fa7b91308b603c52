use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("drivers-about"), long_about = h!("drivers-long-about"), after_long_help = h!("drivers-examples"))]
#[command(args_conflicts_with_subcommands = true, subcommand_help_heading = h!("heading-commands"))]
pub struct DriversArgs {
    #[command(subcommand)]
    pub action: Option<DriversAction>,
}

#[derive(Debug, Subcommand)]
pub enum DriversAction {
    Download(DownloadArgs),
}

#[derive(Debug, Args)]
#[command(about = h!("drivers-download-about"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct DownloadArgs {
    #[arg(value_name = "ID", help = h!("arg-driver-id"))]
    pub id: i64,
    #[arg(short, long, value_name = "DIR", default_value = ".", help = h!("arg-download-dir"))]
    pub output: PathBuf,
}
