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
mod pin_source;
mod session;
pub mod status;
pub mod unbind;
mod watch;

use std::io;

use crate::api::{Client, ClientOptions};
use crate::config::{Settings, Source, Sourced};
use crate::error::Error;
use crate::output::{Output, Report};
use crate::token::discover::Named;
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
    /// Loads the named libraries, or the discovered ones, and lists their keys.
    pub fn inventory(&self) -> Inventory {
        let inv = crate::timing::measure(
            || "drivers: load, C_Initialize, slots and keys".into(),
            || scan_inventory(&self.settings, &self.search),
        );
        if inv.modules.is_empty() && inv.skf_libraries.is_empty() {
            self.debug(&format!(
                "no PKCS#11 module or SKF library named or found under {}",
                self.search.root.display()
            ));
        }
        let libraries = inv.modules.iter().map(|m| (&m.path, m.source, &m.error, "module"));
        let skf = inv.skf_libraries.iter().map(|l| (&l.path, l.source, &l.error, "SKF library"));
        for (path, source, error, kind) in libraries.chain(skf) {
            let outcome = error.as_ref().map(|e| e.message()).unwrap_or_else(|| "loaded".into());
            self.debug(&format!("{kind} {} ({source:?}): {outcome}", path.display()));
        }
        self.debug(&format!("{} slot(s), {} key(s)", inv.slots.len(), inv.keys.len()));
        inv
    }

    /// The platform client and the keys, made side by side: reading the system's trust roots
    /// and loading the drivers each take milliseconds, and neither needs the other.
    pub fn client_and_inventory(&self) -> (Result<Client, Error>, Inventory) {
        std::thread::scope(|scope| {
            let client = scope.spawn(|| self.client());
            let inv = self.inventory();
            let client = client.join().unwrap_or_else(|_| {
                Err(Error::Internal { detail: "setting up TLS panicked".into() })
            });
            (client, inv)
        })
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
        let client = crate::timing::measure(
            || "TLS set-up (trust roots)".into(),
            || {
                Client::new(&ClientOptions {
                    url,
                    ca_file,
                    connect_timeout: self.connect_timeout,
                    timeout: self.timeout,
                    lang: self.settings.lang.value,
                })
            },
        )?;
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

/// The keys of the libraries the settings name, or of the ones discovery finds.
pub fn scan_inventory(settings: &Settings, search: &SearchPaths) -> Inventory {
    let (modules, skf) =
        candidates(named(&settings.modules), named(&settings.skf_libraries), search);
    let mut inv = Inventory::scan(modules, skf);
    inv.quirks = settings.module_quirks.clone();
    inv
}

/// The drivers a service (`zca bridge`) serves keys of, as this run names or finds them; their
/// inventories are made with this run's settings (module quirks).
pub fn drivers_for_service(ctx: &Context) -> crate::bridge::keys::Drivers {
    let (modules, skf) =
        candidates(named(&ctx.settings.modules), named(&ctx.settings.skf_libraries), &ctx.search);
    let quirks = ctx.settings.module_quirks.clone();
    crate::bridge::keys::Drivers {
        modules,
        skf,
        scan: Some(std::sync::Arc::new(move |modules, skf| {
            let mut inv = Inventory::scan(modules, skf);
            inv.quirks = quirks.clone();
            inv
        })),
    }
}

/// Libraries named by flag, environment or profile, which are then used alone.
fn named(libraries: &Option<Sourced<Vec<std::path::PathBuf>>>) -> Named<'_> {
    libraries.as_ref().map(|m| {
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
