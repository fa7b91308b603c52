use clap::Args;

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("logout-about"), long_about = h!("logout-long-about"))]
pub struct LogoutArgs {}
