use std::path::PathBuf;

use clap::Args;

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("doctor-about"), long_about = t!("doctor-long-about"), after_long_help = t!("doctor-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct DoctorArgs {
    #[arg(long, value_name = "FILE", help = t!("arg-report"))]
    pub report: Option<PathBuf>,
    #[arg(long, help = t!("arg-include-dn"))]
    pub include_dn: bool,
}
