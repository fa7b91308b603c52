use clap::Args;

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("bindings-about"), long_about = t!("bindings-long-about"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct BindingsArgs {
    #[arg(long, help = t!("arg-csv"), conflicts_with = "json")]
    pub csv: bool,
}
