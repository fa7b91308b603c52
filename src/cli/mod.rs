//! The command line: clap definitions, every help text localized. One file per subcommand.

pub mod account;
pub mod bind;
pub mod bindings;
pub mod bridge;
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
use std::sync::atomic::{AtomicBool, Ordering};

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
    about = h!("about"),
    long_about = h!("long-about"),
    after_help = h!("after-help"),
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_required = true,
    arg_required_else_help = true,
    subcommand_help_heading = h!("heading-commands"),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[arg(short = 'V', long, action = ArgAction::Version, help = h!("arg-version"), help_heading = h!("heading-global"))]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

/// Options that concern the whole run: valid before or after the subcommand.
#[derive(Debug, Args)]
#[command(next_help_heading = h!("heading-global"))]
pub struct GlobalArgs {
    #[arg(long, global = true, env = "ZCA_PROFILE", value_name = "NAME", help = h!("arg-profile"))]
    pub profile: Option<String>,
    #[arg(long, global = true, env = "ZCA_CONFIG", value_name = "FILE", help = h!("arg-config"))]
    pub config: Option<PathBuf>,
    #[arg(long, global = true, env = "ZCA_LANG", value_name = "zh|en", value_parser = parse_lang, help = h!("arg-lang"))]
    pub lang: Option<Lang>,
    #[arg(long, global = true, help = h!("arg-json"))]
    pub json: bool,
    #[arg(long, global = true, env = "ZCA_NO_INPUT", value_parser = clap::builder::BoolishValueParser::new(), help = h!("arg-no-input"))]
    pub no_input: bool,
    #[arg(short, long, global = true, action = ArgAction::Count, help = h!("arg-verbose"))]
    pub verbose: u8,
    #[arg(
        long = "module",
        global = true,
        env = "ZCA_PKCS11_MODULE",
        value_delimiter = ':',
        value_name = "PATH",
        help = h!("arg-module")
    )]
    pub modules: Vec<PathBuf>,
    #[arg(
        long = "skf",
        global = true,
        env = "ZCA_SKF_LIBRARY",
        value_delimiter = ':',
        value_name = "LIB",
        help = h!("arg-skf")
    )]
    pub skf_libraries: Vec<PathBuf>,
    #[arg(long, global = true, env = "ZCA_PLATFORM", value_name = "URL", help = h!("arg-platform"))]
    pub platform: Option<String>,
    #[arg(long, global = true, env = "ZCA_CA_FILE", value_name = "PEM", help = h!("arg-ca-file"))]
    pub ca_file: Option<PathBuf>,
    #[arg(long, global = true, env = "ZCA_CONNECT_TIMEOUT", value_name = "SECS", default_value_t = 10, value_parser = seconds_up_to::<600>, help = h!("arg-connect-timeout"))]
    pub connect_timeout: u64,
    #[arg(long, global = true, env = "ZCA_TIMEOUT", value_name = "SECS", default_value_t = 30, value_parser = seconds_up_to::<3600>, help = h!("arg-timeout"))]
    pub timeout: u64,
    #[arg(short = 'h', long, global = true, action = ArgAction::Help, help = h!("arg-help"))]
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
    Bridge(bridge::BridgeArgs),
    Config(config::ConfigArgs),
}

/// Whole seconds from 1 to `MAX`, refused in the user's language.
fn seconds_up_to<const MAX: u64>(value: &str) -> Result<u64, String> {
    value
        .trim()
        .parse()
        .ok()
        .filter(|s| (1..=MAX).contains(s))
        .ok_or_else(|| t!("err-seconds", max = MAX))
}

fn parse_lang(value: &str) -> Result<Lang, String> {
    Lang::from_tag(value).ok_or_else(|| t!("err-bad-lang", value = value))
}

/// The whole command tree in the current language, as parsed, documented and completed.
pub fn command() -> clap::Command {
    if help_texts() {
        localize(Cli::command())
    } else {
        Cli::command()
    }
}

/// Whether `command()` carries its help texts. Looking up every text in the chosen language is
/// most of what parsing the arguments costs, and a run that is not asked for help, and makes no
/// usage error, never shows one: `main` parses without them first and builds them only when
/// clap is about to show something (`with_help_texts`).
static HELP_TEXTS: AtomicBool = AtomicBool::new(true);

pub fn help_texts() -> bool {
    HELP_TEXTS.load(Ordering::Relaxed)
}

pub fn without_help_texts() {
    HELP_TEXTS.store(false, Ordering::Relaxed);
}

pub fn with_help_texts() {
    HELP_TEXTS.store(true, Ordering::Relaxed);
}

/// A help text in the chosen language, or nothing while help texts are off (`help_texts`).
macro_rules! h {
    ($id:literal) => {
        if $crate::cli::help_texts() {
            $crate::t!($id)
        } else {
            String::new()
        }
    };
}
pub(crate) use h;

/// clap's own words ("Usage:") are English; zca's template says them in the user's language.
/// Environment values are never shown in help: they may be secrets, and the generated man pages
/// must not depend on the environment they were generated in.
fn localize(cmd: clap::Command) -> clap::Command {
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        t!("heading-usage")
    );
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    let mut cmd = cmd.help_template(template).mut_args(|a| localize_env(localize_default(a)));
    for name in names {
        cmd = cmd.mut_subcommand(name, localize);
    }
    cmd
}

/// clap writes "[env: ZCA_PROFILE]" in English; zca writes it in the user's language, and never
/// the variable's value (it may be a secret).
fn localize_env(arg: clap::Arg) -> clap::Arg {
    let Some(env) = arg.get_env().map(|e| e.to_string_lossy().into_owned()) else {
        return arg;
    };
    if arg.is_hide_env_set() {
        return arg;
    }
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let help = format!("{help} [{}: {env}]", t!("help-env"));
    arg.hide_env(true).help(help)
}

/// clap's placeholders in a usage line ("[OPTIONS]", "<COMMAND>") in the user's language.
pub fn localize_usage(text: &str) -> String {
    let heading = t!("heading-usage");
    text.lines()
        .map(|line| {
            if line.contains(heading.as_str()) {
                line.replace("[OPTIONS]", &t!("usage-word-options"))
                    .replace("<COMMAND>", &t!("usage-word-command"))
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

/// clap writes "[default: 30]" in English; zca writes it in the user's language.
fn localize_default(arg: clap::Arg) -> clap::Arg {
    let defaults: Vec<String> =
        arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if defaults.is_empty() || arg.is_hide_default_value_set() {
        return arg;
    }
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let help = format!("{help} [{}: {}]", t!("help-default"), defaults.join(", "));
    arg.hide_default_value(true).help(help)
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

/// What is wrong with a command line and what to do, in the user's language: clap's own
/// messages are English only, so its errors are told again from their kind and context.
pub fn usage_error(e: &clap::Error, args: &[OsString]) -> crate::error::Error {
    use clap::error::ErrorKind;
    let path = command_path(e).join(" ");
    let mut hint = match e.kind() {
        ErrorKind::InvalidSubcommand => t!("hint-unknown-command", command = path.as_str()),
        _ => t!("hint-command-help", command = path.as_str()),
    };
    let mut detail = usage_detail(e);
    if let Some((env, value)) = from_environment(e, args) {
        let reason = std::error::Error::source(e).map(ToString::to_string).unwrap_or_default();
        let arg = invalid_arg(e).unwrap_or_default();
        detail = t!(
            "usage-bad-env-value",
            env = env.as_str(),
            value = value,
            arg = arg,
            reason = reason
        );
        hint = t!("hint-env-value", env = env);
    }
    crate::error::Error::CommandLine { detail, hint }
}

fn invalid_arg(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The variable and its value when a refused value came from the environment (`ZCA_LANG=fr`),
/// not from the command line: the message then names the variable, which the user did set.
fn from_environment(e: &clap::Error, args: &[OsString]) -> Option<(String, String)> {
    use clap::error::ErrorKind;
    if !matches!(e.kind(), ErrorKind::ValueValidation | ErrorKind::InvalidValue) {
        return None;
    }
    let long = invalid_arg(e)?.split_whitespace().next()?.trim_start_matches("--").to_string();
    let typed = args.iter().skip(1).take_while(|a| *a != "--").any(|a| {
        let a = a.to_string_lossy();
        a == format!("--{long}") || a.starts_with(&format!("--{long}="))
    });
    if typed {
        return None;
    }
    let cmd = Cli::command();
    let env = std::iter::once(&cmd)
        .chain(cmd.get_subcommands())
        .flat_map(|c| c.get_arguments())
        .find(|a| a.get_long() == Some(long.as_str()))?
        .get_env()?
        .to_string_lossy()
        .into_owned();
    let value = std::env::var(&env).ok()?;
    Some((env, value))
}

fn usage_detail(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(v)) => {
            Some(v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
        }
        _ => None,
    };
    let arg = || get(ContextKind::InvalidArg).unwrap_or_default();
    let value = || get(ContextKind::InvalidValue).unwrap_or_default();
    let mut text = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            t!(
                "usage-unknown-command",
                name = get(ContextKind::InvalidSubcommand).unwrap_or_default()
            )
        }
        ErrorKind::UnknownArgument => t!("usage-unknown-argument", name = arg()),
        ErrorKind::InvalidValue => {
            let mut text = t!("usage-invalid-value", value = value(), arg = arg());
            if let Some(values) = get(ContextKind::ValidValue) {
                text = format!("{text}; {}", t!("usage-possible-values", values = values));
            }
            text
        }
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(e).map(ToString::to_string).unwrap_or_default();
            t!("usage-bad-value", value = value(), arg = arg(), reason = reason)
        }
        ErrorKind::MissingRequiredArgument => t!("usage-missing-required", args = arg()),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            t!("usage-missing-command", command = command_path(e).join(" "))
        }
        ErrorKind::ArgumentConflict => match get(ContextKind::PriorArg) {
            // clap says "cannot be used multiple times" as a conflict with itself.
            Some(other) if other != arg() => t!("usage-conflict", arg = arg(), other = other),
            _ => t!("usage-once", arg = arg()),
        },
        ErrorKind::NoEquals | ErrorKind::TooFewValues if !arg().is_empty() => {
            t!("usage-missing-value", arg = arg())
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            t!("usage-value-count", arg = arg())
        }
        _ => {
            let clap_text = e.render().to_string();
            let first = clap_text.lines().next().unwrap_or_default();
            t!("usage-other", detail = first.trim_start_matches("error: "))
        }
    };
    let suggestion =
        [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg].into_iter().find_map(get);
    if let Some(s) = suggestion {
        text = format!("{text}; {}", t!("usage-did-you-mean", suggestion = s));
    }
    text
}

/// The usage line of the command a usage error is about, with the heading in the user's
/// language.
pub fn usage_line(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(s)) => {
            let text = s.to_string();
            let line = text.trim().trim_start_matches("Usage:").trim().to_string();
            Some(localize_usage(&format!("{} {line}", t!("heading-usage"))))
        }
        _ => None,
    }
}

/// The help of the command a "missing subcommand" error is about (`zca`, `zca pin`), localized:
/// what `zca pin -h` prints.
pub fn help_for(e: &clap::Error) -> String {
    let mut args = command_path(e);
    args.push("-h".into());
    match command().try_get_matches_from(&args) {
        Err(help) => help.render().to_string(),
        Ok(_) => command().render_help().to_string(),
    }
}

/// `["zca", "pin"]`: the subcommands named in the error's usage line, in order.
fn command_path(e: &clap::Error) -> Vec<String> {
    let usage = usage_line(e).unwrap_or_default();
    let mut path = vec!["zca".to_string()];
    let mut cmd = command();
    for word in usage.split_whitespace() {
        if let Some(sub) = cmd.find_subcommand(word).cloned() {
            path.push(word.to_string());
            cmd = sub;
        }
    }
    path
}
