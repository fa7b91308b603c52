//! The command line: clap definitions, every help text localized. One file per subcommand.

pub mod account;
pub mod bind;
pub mod bindings;
pub mod certs;
pub mod config;
pub mod detect;
pub mod doctor;
pub mod drivers;
pub mod login;
pub mod logout;
pub mod pin;
pub mod platform;
pub mod status;
pub mod unbind;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args, CommandFactory, Parser, Subcommand};

use crate::i18n::Lang;
use crate::t;

/// `zca --version`: what a bug report needs to say which zca it is about.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ncommit: ",
    env!("ZCA_COMMIT"),
    "\nfeatures: ",
    env!("ZCA_FEATURES"),
    "\ntarget: ",
    env!("ZCA_TARGET"),
);

#[derive(Debug, Parser)]
#[command(
    name = "zca",
    version,
    long_version = LONG_VERSION,
    about = t!("about"),
    long_about = t!("long-about"),
    after_help = t!("after-help"),
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_required = true,
    arg_required_else_help = true,
    subcommand_help_heading = t!("heading-commands"),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[arg(short = 'V', long, action = ArgAction::Version, help = t!("arg-version"), help_heading = t!("heading-global"))]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

/// Options that concern the whole run: valid before or after the subcommand.
#[derive(Debug, Args)]
#[command(next_help_heading = t!("heading-global"))]
pub struct GlobalArgs {
    #[arg(long, global = true, env = "ZCA_PROFILE", value_name = "NAME", help = t!("arg-profile"))]
    pub profile: Option<String>,
    #[arg(long, global = true, env = "ZCA_CONFIG", value_name = "FILE", help = t!("arg-config"))]
    pub config: Option<PathBuf>,
    #[arg(long, global = true, env = "ZCA_LANG", value_name = "zh|en", value_parser = parse_lang, help = t!("arg-lang"))]
    pub lang: Option<Lang>,
    #[arg(long, global = true, help = t!("arg-json"))]
    pub json: bool,
    #[arg(long, global = true, env = "ZCA_NO_INPUT", value_parser = clap::builder::BoolishValueParser::new(), help = t!("arg-no-input"))]
    pub no_input: bool,
    #[arg(short, long, global = true, action = ArgAction::Count, help = t!("arg-verbose"))]
    pub verbose: u8,
    #[arg(
        long = "module",
        global = true,
        env = "ZCA_PKCS11_MODULE",
        value_delimiter = ':',
        value_name = "PATH",
        help = t!("arg-module")
    )]
    pub modules: Vec<PathBuf>,
    #[arg(long, global = true, env = "ZCA_PLATFORM", value_name = "URL", help = t!("arg-platform"))]
    pub platform: Option<String>,
    #[arg(long, global = true, env = "ZCA_CA_FILE", value_name = "PEM", help = t!("arg-ca-file"))]
    pub ca_file: Option<PathBuf>,
    #[arg(long, global = true, env = "ZCA_CONNECT_TIMEOUT", value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600), help = t!("arg-connect-timeout"))]
    pub connect_timeout: u64,
    #[arg(long, global = true, env = "ZCA_TIMEOUT", value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600), help = t!("arg-timeout"))]
    pub timeout: u64,
    #[arg(short = 'h', long, global = true, action = ArgAction::Help, help = t!("arg-help"))]
    help: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Detect(detect::DetectArgs),
    Certs(certs::CertsArgs),
    Account(account::AccountArgs),
    Bind(bind::BindArgs),
    Unbind(unbind::UnbindArgs),
    Bindings(bindings::BindingsArgs),
    Login(login::LoginArgs),
    Logout(logout::LogoutArgs),
    Status(status::StatusArgs),
    Doctor(doctor::DoctorArgs),
    Drivers(drivers::DriversArgs),
    Pin(pin::PinArgs),
    Config(config::ConfigArgs),
}

fn parse_lang(value: &str) -> Result<Lang, String> {
    Lang::from_tag(value).ok_or_else(|| t!("err-bad-lang", value = value))
}

/// The whole command tree in the current language, as parsed, documented and completed.
pub fn command() -> clap::Command {
    localize(Cli::command())
}

/// clap's own words ("Usage:") are English; zca's template says them in the user's language.
/// Environment values are never shown in help: they may be secrets, and the generated man pages
/// must not depend on the environment they were generated in.
fn localize(cmd: clap::Command) -> clap::Command {
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        t!("heading-usage")
    );
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    let mut cmd = cmd.help_template(template).mut_args(|a| a.hide_env_values(true));
    for name in names {
        cmd = cmd.mut_subcommand(name, localize);
    }
    cmd
}

/// The language for this run, decided before parsing so that help is localized:
/// `--lang`, then `ZCA_LANG`, then the locale.
pub fn early_lang(args: &[OsString]) -> (Lang, crate::config::Source) {
    use crate::config::Source;
    if let Some(value) = early_value(args, "--lang") {
        if let Some(lang) = Lang::from_tag(&value) {
            return (lang, Source::Flag("--lang".into()));
        }
    }
    if let Some(lang) = std::env::var("ZCA_LANG").ok().and_then(|v| Lang::from_tag(&v)) {
        return (lang, Source::Env("ZCA_LANG".into()));
    }
    let locale_set = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()));
    let lang = Lang::from_locale(|name| std::env::var(name).ok());
    (lang, if locale_set { Source::Locale } else { Source::Default })
}

/// Whether `--json` is on the command line, for errors that happen before parsing finishes.
pub fn early_json(args: &[OsString]) -> bool {
    args.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--json")
}

fn early_value(args: &[OsString], flag: &str) -> Option<String> {
    let mut it = args.iter().skip(1).take_while(|a| *a != "--");
    while let Some(arg) = it.next() {
        let arg = arg.to_string_lossy();
        if arg == flag {
            return it.next().map(|v| v.to_string_lossy().into_owned());
        }
        if let Some(v) = arg.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
            return Some(v.to_string());
        }
    }
    None
}
