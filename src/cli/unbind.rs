use clap::Args;

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("unbind-about"), long_about = t!("unbind-long-about"), after_long_help = t!("unbind-examples"))]
#[command(next_help_heading = t!("heading-options"))]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "ca_lock", "cert"])))]
pub struct UnbindArgs {
    #[arg(value_name = "ID", help = t!("arg-binding-id"))]
    pub id: Option<i64>,
    #[arg(long, value_name = "CA_LOCK_ID", help = t!("arg-unbind-ca-lock"))]
    pub ca_lock: Option<String>,
    #[arg(long, value_name = "SHA256", help = t!("arg-unbind-cert"))]
    pub cert: Option<String>,
    #[arg(short, long, help = t!("arg-yes"))]
    pub yes: bool,
}
