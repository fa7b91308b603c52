//! One file per subcommand: gather through the library, build one report, print it.

pub mod account;
pub mod bind;
pub mod bindings;
pub mod bridge;
pub mod certs;
pub mod config;
pub mod detect;
pub mod doctor;
pub mod drivers;
mod key;
pub mod login;
pub mod logout;
pub mod pin;
mod session;
pub mod status;
pub mod unbind;
mod watch;

use std::io;

use crate::api::{Client, ClientOptions};
use crate::config::{Settings, Source};
use crate::error::Error;
use crate::output::{Output, Report};
use crate::token::{candidates, Inventory, ModuleSource, SearchPaths};

/// What every command gets: the effective settings and how to print.
pub struct Context {
    pub settings: Settings,
    pub out: Output,
    /// Never prompt: `--no-input`, or stdin is not a terminal.
    pub no_input: bool,
    pub verbose: u8,
    pub search: SearchPaths,
    pub connect_timeout: std::time::Duration,
    pub timeout: std::time::Duration,
}

/// How a command ended when it did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Not printed yet: the caller prints it.
    Error(Error),
    /// Already printed together with the report; exit with this code.
    Reported(u8),
    /// Writing the output failed (a closed pipe among others).
    Output(io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Error(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Output(e)
    }
}

pub type CmdResult = Result<(), Failure>;

impl Context {
    /// Loads the named modules, or the discovered ones, and lists their keys.
    pub fn inventory(&self) -> Inventory {
        let candidates = candidates(named_modules(&self.settings), &self.search);
        if candidates.is_empty() {
            self.debug(&format!(
                "no PKCS#11 module named or found under {}",
                self.search.root.display()
            ));
        }
        let mut inv = Inventory::scan(candidates);
        inv.quirks = self.settings.module_quirks.clone();
        for m in &inv.modules {
            let outcome = m.error.as_ref().map(|e| e.message()).unwrap_or_else(|| "loaded".into());
            self.debug(&format!("module {} ({:?}): {outcome}", m.path.display(), m.source));
        }
        self.debug(&format!("{} slot(s), {} key(s)", inv.slots.len(), inv.keys.len()));
        inv
    }

    /// The platform client for the configured URL and CA file.
    pub fn client(&self) -> Result<Client, Error> {
        let url = self.settings.platform.as_ref().ok_or(Error::NoPlatform)?;
        let ca_file = self.settings.ca_file.as_ref().map(|c| c.value.as_path());
        self.client_for(&url.value, ca_file)
    }

    /// A client for `url` trusting `ca_file`, with this run's timeouts and language.
    pub fn client_for(
        &self,
        url: &str,
        ca_file: Option<&std::path::Path>,
    ) -> Result<Client, Error> {
        let client = Client::new(&ClientOptions {
            url,
            ca_file,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            lang: self.settings.lang.value,
        })?;
        self.debug(&format!("platform {} (origin {})", client.base_url(), client.origin()));
        Ok(client)
    }

    pub fn profile(&self) -> &str {
        &self.settings.profile.value
    }

    /// A line for `--verbose`, on stderr. Never given a secret.
    pub fn debug(&self, line: &str) {
        if self.verbose > 0 {
            eprintln!("zca: {line}");
        }
    }

    pub fn emit<R: Report>(&self, report: &R) -> CmdResult {
        self.out.emit(report, None)?;
        Ok(())
    }

    /// Prints the report and the error that ends the command, as one document under `--json`.
    pub fn emit_failing<R: Report>(&self, report: &R, error: Error) -> CmdResult {
        self.out.emit(report, Some(&error))?;
        Err(Failure::Reported(error.exit_code()))
    }
}

/// The modules named by flag, environment or profile, which are then used alone.
pub fn named_modules(settings: &Settings) -> Option<(&[std::path::PathBuf], ModuleSource)> {
    settings.modules.as_ref().map(|m| {
        let source = match m.source {
            Source::Env(_) => ModuleSource::Env,
            Source::Profile(_) => ModuleSource::Profile,
            _ => ModuleSource::Flag,
        };
        (m.value.as_slice(), source)
    })
}

/// An RFC 3339 time from the platform in local time, as the tables show times.
pub fn local_rfc3339(text: &str) -> String {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(crate::output::local_time)
        .unwrap_or_else(|_| text.to_string())
}
