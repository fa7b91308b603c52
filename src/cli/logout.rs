use clap::Args;

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("logout-about"), long_about = t!("logout-long-about"))]
pub struct LogoutArgs {}
