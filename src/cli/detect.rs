use clap::Args;

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("detect-about"), long_about = t!("detect-long-about"), after_long_help = t!("detect-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct DetectArgs {
    #[arg(long, help = t!("arg-watch"))]
    pub watch: bool,
    #[arg(long, requires = "watch", help = t!("arg-until-present"))]
    pub until_present: bool,
    #[arg(long, value_name = "SECS", requires = "watch", help = t!("arg-watch-timeout"))]
    pub timeout: Option<u64>,
}
