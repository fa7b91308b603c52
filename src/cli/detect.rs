use clap::parser::ValueSource;
use clap::{ArgMatches, Args};

use crate::t;

#[derive(Debug, Args)]
#[command(about = t!("detect-about"), long_about = t!("detect-long-about"), after_long_help = t!("detect-examples"))]
#[command(next_help_heading = t!("heading-options"))]
pub struct DetectArgs {
    #[arg(long, help = t!("arg-watch"))]
    pub watch: bool,
    #[arg(long, requires = "watch", help = t!("arg-until-present"))]
    pub until_present: bool,
    #[arg(long, value_name = "SECS", requires = "watch", help = t!("arg-watch-timeout"))]
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
