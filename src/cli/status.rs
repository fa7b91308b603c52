use clap::Args;

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("status-about"), long_about = h!("status-long-about"))]
pub struct StatusArgs {}
