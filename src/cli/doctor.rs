use std::path::PathBuf;

use clap::Args;

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("doctor-about"), long_about = h!("doctor-long-about"), after_long_help = h!("doctor-examples"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct DoctorArgs {
    #[arg(long, value_name = "FILE", help = h!("arg-report"))]
    pub report: Option<PathBuf>,
    #[arg(long, help = h!("arg-include-dn"))]
    pub include_dn: bool,
}
