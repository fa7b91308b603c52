use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("certs-about"), long_about = h!("certs-long-about"), after_long_help = h!("certs-examples"))]
#[command(args_conflicts_with_subcommands = true, subcommand_help_heading = h!("heading-commands"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct CertsArgs {
    #[arg(long, value_name = "SERIAL|LABEL", help = h!("arg-token"))]
    pub token: Option<String>,
    #[arg(long, value_name = "DAYS", help = h!("arg-fail-if-expiring"))]
    pub fail_if_expiring: Option<u32>,
    #[arg(short, long, help = h!("arg-long"))]
    pub long: bool,
    #[command(subcommand)]
    pub action: Option<CertsAction>,
}

#[derive(Debug, Subcommand)]
pub enum CertsAction {
    Export(ExportArgs),
}

#[derive(Debug, Args)]
#[command(about = h!("export-about"), after_long_help = h!("export-examples"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct ExportArgs {
    #[arg(long, value_name = "HEX", required_unless_present = "id", help = h!("arg-sha256"))]
    pub sha256: Option<String>,
    #[arg(long, value_name = "SERIAL|LABEL", requires = "id", help = h!("arg-export-token"))]
    pub token: Option<String>,
    #[arg(long, value_name = "HEX", requires = "token", conflicts_with = "sha256", help = h!("arg-id"))]
    pub id: Option<String>,
    #[arg(long, help = h!("arg-der"))]
    pub der: bool,
    #[arg(short, long, value_name = "FILE", help = h!("arg-output"))]
    pub output: Option<PathBuf>,
}
