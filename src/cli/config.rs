use clap::{Args, Subcommand};

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("config-about"), subcommand_help_heading = t!("heading-commands"))]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    #[command(about = t!("config-show-about"), long_about = t!("config-show-long-about"))]
    Show,
}
