use clap::Args;

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("status-about"), long_about = t!("status-long-about"))]
pub struct StatusArgs {}
