use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("certs-about"), long_about = t!("certs-long-about"), after_long_help = t!("certs-examples"))]
#[command(args_conflicts_with_subcommands = true, subcommand_help_heading = t!("heading-commands"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct CertsArgs {
    #[arg(long, value_name = "SERIAL|LABEL", help = t!("arg-token"))]
    pub token: Option<String>,
    #[arg(long, value_name = "DAYS", help = t!("arg-fail-if-expiring"))]
    pub fail_if_expiring: Option<u32>,
    #[arg(short, long, help = t!("arg-long"))]
    pub long: bool,
    #[command(subcommand)]
    pub action: Option<CertsAction>,
}

#[derive(Debug, Subcommand)]
pub enum CertsAction {
    Export(ExportArgs),
}

#[derive(Debug, Args)]
#[command(about = t!("export-about"), after_long_help = t!("export-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct ExportArgs {
    #[arg(long, value_name = "HEX", required_unless_present = "id", help = t!("arg-sha256"))]
    pub sha256: Option<String>,
    #[arg(long, value_name = "SERIAL|LABEL", requires = "id", help = t!("arg-export-token"))]
    pub token: Option<String>,
    #[arg(long, value_name = "HEX", requires = "token", conflicts_with = "sha256", help = t!("arg-id"))]
    pub id: Option<String>,
    #[arg(long, help = t!("arg-der"))]
    pub der: bool,
    #[arg(short, long, value_name = "FILE", help = t!("arg-output"))]
    pub output: Option<PathBuf>,
}
