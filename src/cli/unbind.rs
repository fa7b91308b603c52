use clap::Args;

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("unbind-about"), long_about = h!("unbind-long-about"), after_long_help = h!("unbind-examples"))]
#[command(next_help_heading = h!("heading-options"))]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "ca_lock", "cert"])))]
pub struct UnbindArgs {
    #[arg(value_name = "ID", help = h!("arg-binding-id"))]
    pub id: Option<i64>,
    #[arg(long, value_name = "CA_LOCK_ID", help = h!("arg-unbind-ca-lock"))]
    pub ca_lock: Option<String>,
    #[arg(long, value_name = "SHA256", help = h!("arg-unbind-cert"))]
    pub cert: Option<String>,
    #[arg(short, long, help = h!("arg-yes"))]
    pub yes: bool,
}
