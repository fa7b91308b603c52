use clap::Args;

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("detect-about"), long_about = t!("detect-long-about"), after_long_help = t!("detect-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct DetectArgs {}
