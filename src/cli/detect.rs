use clap::parser::ValueSource;
use clap::{ArgMatches, Args};

use crate::cli::h;

#[derive(Debug, Args)]
#[command(about = h!("detect-about"), long_about = h!("detect-long-about"), after_long_help = h!("detect-examples"))]
#[command(next_help_heading = h!("heading-options"))]
pub struct DetectArgs {
    #[arg(long, help = h!("arg-watch"))]
    pub watch: bool,
    #[arg(long, requires = "watch", help = h!("arg-until-present"))]
    pub until_present: bool,
    #[arg(long, value_name = "SECS", requires = "watch", help = h!("arg-watch-timeout"))]
    pub timeout: Option<u64>,
}

impl DetectArgs {
    /// `--timeout` shares its name with the global request timeout, whose default (30 s) and
    /// `ZCA_TIMEOUT` clap hands down to every subcommand: a watch ends only when its own
    /// `--timeout` was typed.
    pub fn keep_typed_timeout(&mut self, matches: &ArgMatches) {
        if matches.value_source("timeout") != Some(ValueSource::CommandLine) {
            self.timeout = None;
        }
    }
}
