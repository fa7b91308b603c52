use clap::{Args, Subcommand};

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("bridge-about"), long_about = h!("bridge-long-about"), after_long_help = h!("bridge-examples"))]
#[command(args_conflicts_with_subcommands = true, subcommand_help_heading = h!("heading-commands"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct BridgeArgs {
    #[command(subcommand)]
    pub action: Option<BridgeAction>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The defaults of `--idle`, `--max-connections` and `--close-idle`.
pub const IDLE_DEFAULT: u64 = 600;
pub const MAX_CONNECTIONS_DEFAULT: u64 = 64;
pub const CLOSE_IDLE_DEFAULT: u64 = 60;

/// How `zca bridge` serves (in the foreground, or as the service `install` sets up).
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    #[arg(long, value_name = "PORT", default_value_t = crate::bridge::WS_PORT, help = h!("arg-bridge-ws-port"))]
    pub ws_port: u16,
    #[arg(long, value_name = "PORT", default_value_t = crate::bridge::WSS_PORT, help = h!("arg-bridge-wss-port"))]
    pub wss_port: u16,
    #[arg(long, help = h!("arg-bridge-no-wss"))]
    pub no_wss: bool,
    #[arg(long, value_name = "PORT", default_value_t = crate::bridge::MTOKEN_PORT, help = h!("arg-bridge-mtoken-port"))]
    pub mtoken_port: u16,
    #[arg(long, value_name = "PORT", default_value_t = crate::bridge::MTOKEN_HTTPS_PORT, help = h!("arg-bridge-mtoken-https-port"))]
    pub mtoken_https_port: u16,
    #[arg(long, value_name = "SECS", default_value_t = IDLE_DEFAULT, value_parser = clap::value_parser!(u64).range(10..=86400), help = h!("arg-bridge-idle"))]
    pub idle: u64,
    #[arg(long, value_name = "N", default_value_t = MAX_CONNECTIONS_DEFAULT, value_parser = clap::value_parser!(u64).range(1..=1024), help = h!("arg-bridge-max-connections"))]
    pub max_connections: u64,
    #[arg(long, value_name = "SECS", default_value_t = CLOSE_IDLE_DEFAULT, value_parser = clap::value_parser!(u64).range(5..=3600), help = h!("arg-bridge-close-idle"))]
    pub close_idle: u64,
    #[arg(long, value_name = "PROGRAM", help = h!("arg-bridge-pinentry"))]
    pub pinentry: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BridgeAction {
    #[command(about = h!("bridge-allow-about"))]
    Allow(AllowArgs),
    #[command(about = h!("bridge-deny-about"))]
    Deny(OriginArg),
    #[command(about = h!("bridge-origins-about"))]
    Origins,
    #[command(about = h!("bridge-trust-about"), long_about = h!("bridge-trust-long-about"))]
    Trust,
    #[command(about = h!("bridge-untrust-about"))]
    Untrust,
    #[command(about = h!("bridge-install-about"), long_about = h!("bridge-install-long-about"))]
    Install(ServeArgs),
    #[command(about = h!("bridge-uninstall-about"))]
    Uninstall,
    #[command(about = h!("bridge-status-about"))]
    Status,
    #[command(about = h!("bridge-allow-final-try-about"), long_about = h!("bridge-allow-final-try-long-about"))]
    AllowFinalTry(FinalTryArgs),
}

#[derive(Debug, Args)]
pub struct AllowArgs {
    #[arg(value_name = "ORIGIN", help = h!("arg-bridge-origin"))]
    pub origin: String,
    #[arg(long, help = h!("arg-bridge-insecure-origin"))]
    pub insecure_origin: bool,
    #[arg(long, help = h!("arg-bridge-pin-from-desktop"))]
    pub pin_from_desktop: bool,
}

#[derive(Debug, Args)]
pub struct OriginArg {
    #[arg(value_name = "ORIGIN", help = h!("arg-bridge-origin"))]
    pub origin: String,
}

#[derive(Debug, Args)]
pub struct FinalTryArgs {
    #[arg(value_name = "CA_LOCK_ID", help = h!("arg-bridge-final-try-key"))]
    pub ca_lock_id: String,
    #[arg(long, value_name = "MINUTES", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=60), help = h!("arg-bridge-final-try-minutes"))]
    pub minutes: u64,
}
