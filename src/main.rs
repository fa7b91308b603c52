use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};

use clap::parser::ValueSource;
use clap::{ArgMatches, FromArgMatches};

use zca::cli::{self, Cli, Command};
use zca::commands::{self, Context, Failure};
use zca::config::{Overrides, Settings, Source, Sourced};
use zca::error::{exit, Error};
use zca::output::Output;
use zca::token::SearchPaths;
use zca::{i18n, t};

fn main() {
    zca::timing::start();
    // Before anything else, and before any thread: PIN, password and token variables leave the
    // environment for zeroizing buffers.
    zca::secret::take_environment();
    // A panic is a bug in zca, but the user still gets one clean line, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let detail = info.to_string();
        eprintln!("{}", t!("err-internal", detail = detail));
    }));
    let code = std::panic::catch_unwind(run).unwrap_or(exit::FAILURE);
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    // Everything of zca's is closed and flushed by now (the drivers were finalized when the
    // inventory went). What is left are the exit handlers of the libraries the drivers pulled
    // in (OpenSSL's cleanup, for SoftHSM), which only free memory the system takes back
    // anyway: about 2 ms of every run that loaded a driver.
    // SAFETY: ends the process; nothing of zca runs after it.
    unsafe { libc::_exit(i32::from(code)) }
}

fn run() -> u8 {
    zca::output::init_local_offset();
    let args: Vec<OsString> = std::env::args_os().collect();
    let (lang, lang_source) = cli::early_lang(&args);
    i18n::set_lang(lang);
    let json = cli::early_json(&args);

    let parsing = std::time::Instant::now();
    cli::without_help_texts();
    let matches = match cli::command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => return clap_error(&with_help_texts(e, &args), &args, json),
    };
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e, &args, json),
    };
    cli::with_help_texts();
    if let (Command::Detect(args), Some(("detect", sub))) = (&mut cli.command, matches.subcommand())
    {
        args.keep_typed_timeout(sub);
    }
    if cli.global.verbose > 0 {
        zca::timing::enable();
        zca::timing::record("arguments (clap)".into(), parsing.elapsed());
    }
    let out = Output::detect(cli.global.json);
    // A command ends when a driver hangs; the bridge, a service, fails that key's calls and
    // goes on serving the rest (its keys' threads time the calls themselves).
    let service = matches!(&cli.command, Command::Bridge(b) if b.action.is_none());
    zca::token::watchdog::install(move |e| {
        if service {
            eprintln!(
                "{} {}",
                zca::output::local_time(time::OffsetDateTime::now_utc()),
                e.message()
            );
            return zca::token::watchdog::AfterOverrun::KeepRunning;
        }
        let _ = out.error(e);
        zca::token::watchdog::AfterOverrun::Exit
    });
    let resolved = zca::timing::measure(
        || "settings (config file, profile)".into(),
        || Settings::resolve(overrides(&cli, &matches), Sourced::new(lang, lang_source)),
    );
    let settings = match resolved {
        Ok(s) => s,
        Err(e) => return report(&out, Failure::Error(e)),
    };
    let ctx = Context {
        settings,
        out,
        no_input: cli.global.no_input || !io::stdin().is_terminal(),
        verbose: cli.global.verbose,
        search: SearchPaths::from_env(),
        connect_timeout: std::time::Duration::from_secs(cli.global.connect_timeout),
        timeout: std::time::Duration::from_secs(cli.global.timeout),
    };
    let result = match &cli.command {
        Command::Detect(args) => commands::detect::run(&ctx, args),
        Command::Certs(args) => commands::certs::run(&ctx, args),
        Command::Config(args) => commands::config::run(&ctx, args),
        Command::Account(args) => commands::account::run(&ctx, args),
        Command::Bind(args) => commands::bind::run(&ctx, args),
        Command::Unbind(args) => commands::unbind::run(&ctx, args),
        Command::Bindings(args) => commands::bindings::run(&ctx, args),
        Command::Login(args) => commands::login::run(&ctx, args),
        Command::Logout(args) => commands::logout::run(&ctx, args),
        Command::Status(args) => commands::status::run(&ctx, args),
        Command::Doctor(args) => commands::doctor::run(&ctx, args),
        Command::Drivers(args) => commands::drivers::run(&ctx, args),
        Command::Pin(args) => commands::pin::run(&ctx, args),
        Command::Bridge(args) => commands::bridge::run(&ctx, args),
    };
    let code = match result {
        Ok(()) => exit::OK,
        Err(failure) => report(&out, failure),
    };
    if zca::timing::enabled() {
        for line in zca::timing::report() {
            eprintln!("zca: time {line}");
        }
    }
    code
}

fn report(out: &Output, failure: Failure) -> u8 {
    match failure {
        Failure::Reported(code) => code,
        Failure::Error(e) => match out.error(&e) {
            Err(io) if io.kind() == io::ErrorKind::BrokenPipe => e.exit_code(),
            _ => e.exit_code(),
        },
        // `zca certs | head`: the reader has what it wanted; that is not a failure.
        Failure::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Failure::Output(e) => {
            let e = Error::Io { path: "<stdout>".into(), detail: e.to_string() };
            let _ = out.error(&e);
            e.exit_code()
        }
    }
}

/// The same error from the command with its help texts, which clap is about to show.
fn with_help_texts(e: clap::Error, args: &[OsString]) -> clap::Error {
    cli::with_help_texts();
    if e.kind() == clap::error::ErrorKind::DisplayVersion {
        return e;
    }
    cli::command().try_get_matches_from(args).err().unwrap_or(e)
}

/// Help and version as clap prints them (the help is localized through its template); a
/// missing subcommand is the help, however the language was chosen; every other error in the
/// user's language, with the usage line and a hint, or as JSON under `--json`.
fn clap_error(e: &clap::Error, args: &[OsString], json: bool) -> u8 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayVersion => {
            let _ = e.print();
            return e.exit_code() as u8;
        }
        ErrorKind::DisplayHelp => {
            print_help(&mut io::stdout(), e);
            return exit::OK;
        }
        // clap gives the help itself when nothing at all was given, but not when an option or
        // a variable was (`ZCA_LANG=zh zca`): the help either way.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand if !json => {
            print_help(&mut io::stderr(), e);
            return exit::USAGE;
        }
        ErrorKind::MissingSubcommand if !json => {
            let _ = write!(io::stderr(), "{}", cli::localize_usage(&cli::help_for(e)));
            return exit::USAGE;
        }
        _ => {}
    }
    let error = cli::usage_error(e, args);
    let out = Output { json, color: !json && io::stderr().is_terminal(), width: None };
    if json {
        let _ = out.error(&error);
    } else {
        let mut stderr = io::stderr().lock();
        let _ = out.write_error_with(&mut stderr, &error, cli::usage_line(e).as_deref());
    }
    exit::USAGE
}

/// A help text as clap renders it (styled on a terminal), its usage line in the user's language.
fn print_help(w: &mut dyn Write, e: &clap::Error) {
    let styled = e.render();
    let text =
        if io::stdout().is_terminal() { styled.ansi().to_string() } else { styled.to_string() };
    let _ = w.write_all(cli::localize_usage(&text).as_bytes());
}

/// Flags and environment as clap saw them, each with where it came from.
fn overrides(cli: &Cli, m: &ArgMatches) -> Overrides {
    let g = &cli.global;
    let source = |id: &str, flag: &str, env: &str| match m.value_source(id) {
        Some(ValueSource::EnvVariable) => Source::Env(env.into()),
        _ => Source::Flag(flag.into()),
    };
    Overrides {
        config: g
            .config
            .clone()
            .map(|v| Sourced::new(v, source("config", "--config", "ZCA_CONFIG"))),
        profile: g
            .profile
            .clone()
            .map(|v| Sourced::new(v, source("profile", "--profile", "ZCA_PROFILE"))),
        platform: g
            .platform
            .clone()
            .map(|v| Sourced::new(v, source("platform", "--platform", "ZCA_PLATFORM"))),
        ca_file: g
            .ca_file
            .clone()
            .map(|v| Sourced::new(v, source("ca_file", "--ca-file", "ZCA_CA_FILE"))),
        modules: (!g.modules.is_empty()).then(|| {
            let modules = g.modules.iter().filter(|p| !p.as_os_str().is_empty()).cloned().collect();
            Sourced::new(modules, source("modules", "--module", "ZCA_PKCS11_MODULE"))
        }),
        skf_libraries: (!g.skf_libraries.is_empty()).then(|| {
            let libraries =
                g.skf_libraries.iter().filter(|p| !p.as_os_str().is_empty()).cloned().collect();
            Sourced::new(libraries, source("skf_libraries", "--skf", "ZCA_SKF_LIBRARY"))
        }),
    }
}
