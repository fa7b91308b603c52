//! Arguments shared by the commands that talk to the platform and sign with a key.

use std::path::PathBuf;

use clap::Args;

use crate::cli::h;

/// Which key and certificate to use, when there is more than one.
#[derive(Debug, Args, Clone, Default)]
pub struct KeyChoice {
    #[arg(long, value_name = "SERIAL|LABEL", help = h!("arg-choose-token"))]
    pub token: Option<String>,
    #[arg(long, value_name = "SHA256", help = h!("arg-choose-cert"))]
    pub cert: Option<String>,
}

/// Where the PIN comes from (never the command line).
#[derive(Debug, Args, Clone, Default)]
pub struct PinArgs {
    #[arg(long, help = h!("arg-pin-stdin"), conflicts_with = "pin_file")]
    pub pin_stdin: bool,
    #[arg(long, value_name = "FILE", help = h!("arg-pin-file"))]
    pub pin_file: Option<PathBuf>,
    #[arg(long, help = h!("arg-allow-final-try"))]
    pub allow_final_try: bool,
}
