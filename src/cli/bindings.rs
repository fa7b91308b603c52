use clap::Args;

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("bindings-about"), long_about = h!("bindings-long-about"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct BindingsArgs {
    #[arg(long, help = h!("arg-csv"), conflicts_with = "json")]
    pub csv: bool,
}
