//! One file per subcommand: gather through the library, build one report, print it.

pub mod certs;
pub mod config;
pub mod detect;

use std::io;

use crate::config::Settings;
use crate::error::Error;
use crate::output::{Output, Report};
use crate::token::{candidates, Inventory, SearchPaths};

/// What every command gets: the effective settings and how to print.
pub struct Context {
    pub settings: Settings,
    pub out: Output,
    /// Never prompt: `--no-input`, or stdin is not a terminal.
    pub no_input: bool,
    pub verbose: u8,
    pub search: SearchPaths,
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
        let candidates = candidates(self.settings.modules.as_ref(), &self.search);
        if candidates.is_empty() {
            self.debug(&format!(
                "no PKCS#11 module named or found under {}",
                self.search.root.display()
            ));
        }
        let inv = Inventory::scan(candidates);
        for m in &inv.modules {
            let outcome = m.error.as_ref().map(|e| e.message()).unwrap_or_else(|| "loaded".into());
            self.debug(&format!("module {} ({:?}): {outcome}", m.path.display(), m.source));
        }
        self.debug(&format!("{} slot(s), {} key(s)", inv.slots.len(), inv.keys.len()));
        inv
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
