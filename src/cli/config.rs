use clap::{Args, Subcommand};

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("config-about"), subcommand_help_heading = h!("heading-commands"))]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    #[command(about = h!("config-show-about"), long_about = h!("config-show-long-about"))]
    Show,
}
