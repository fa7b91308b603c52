//! Where the CLI's PINs come from for the PIN guard: flags, files, variables, or the terminal;
//! and the person's yes to a final try (`--allow-final-try`, or asked at the terminal).

use std::path::Path;

use super::Context;
use crate::error::Result;
use crate::pin::{PinRole, PinSource};
use crate::secret::SecretSources;
use crate::secret::{from_environment, prompt_secret, read_secret, read_stdin_lines, Secret};
use crate::t;
use crate::token::{Key, PinTries};

/// The PIN that authorizes, and for a change or an unlock the new one.
pub struct TerminalPins<'a> {
    ctx: &'a Context,
    allow_final_try: bool,
    sources: SecretSources<'a>,
    /// Both PINs as two lines of stdin (`--pin-stdin` of `zca pin change`), and what they are.
    stdin_pair: Option<String>,
    new_pin_file: Option<&'a Path>,
    new_pin_flags: &'static str,
    /// The second of the two lines, read with the first.
    pending_new: Option<Secret>,
    /// The user's PIN given was one everybody tries first (worth a warning after the login).
    well_known: bool,
}

impl<'a> TerminalPins<'a> {
    /// The user's PIN for a login: `--pin-stdin`, `--pin-file`, ZCA_PIN, or the prompt.
    pub fn for_login(ctx: &'a Context, pin: &'a crate::cli::platform::PinArgs) -> Self {
        TerminalPins {
            ctx,
            allow_final_try: pin.allow_final_try,
            sources: SecretSources {
                what: t!("what-pin"),
                stdin: pin.pin_stdin,
                file: pin.pin_file.as_deref(),
                env: "ZCA_PIN",
                flags: "--pin-stdin, --pin-file FILE",
            },
            stdin_pair: None,
            new_pin_file: None,
            new_pin_flags: "",
            pending_new: None,
            well_known: false,
        }
    }

    /// The current PIN (user's or SO's) and a new one: two lines of stdin, or each from its
    /// own sources.
    pub fn for_new_pin(
        ctx: &'a Context,
        allow_final_try: bool,
        sources: SecretSources<'a>,
        stdin_pair: Option<String>,
        new_pin_file: Option<&'a Path>,
        new_pin_flags: &'static str,
    ) -> Self {
        TerminalPins {
            ctx,
            allow_final_try,
            sources,
            stdin_pair,
            new_pin_file,
            new_pin_flags,
            pending_new: None,
            well_known: false,
        }
    }
}

impl TerminalPins<'_> {
    /// Whether the user's PIN given was a well-known one (123456, a run of digits, ...).
    pub fn gave_well_known_pin(&self) -> bool {
        self.well_known
    }
}

impl PinSource for TerminalPins<'_> {
    fn final_try(&mut self, key: &Key, role: PinRole) -> Result<bool> {
        if self.allow_final_try {
            return Ok(true);
        }
        if self.ctx.no_input {
            return Ok(false);
        }
        let id = key.ca_lock_id.as_str();
        let question = match role {
            PinRole::User => t!("prompt-final-try", ca_lock_id = id),
            PinRole::So => t!("prompt-so-final-try", ca_lock_id = id),
        };
        crate::prompt::confirm(&question, false)
    }

    fn pin(&mut self, key: &Key, role: PinRole, tries: Option<PinTries>) -> Result<Secret> {
        if let Some(what) = &self.stdin_pair {
            let mut lines = read_stdin_lines(2, what)?;
            self.pending_new = lines.pop();
            return Ok(lines.pop().expect("two lines"));
        }
        let (id, label) = (key.ca_lock_id.as_str(), key.label.as_str());
        let mut prompt = match role {
            PinRole::User if self.new_pin_flags.is_empty() => {
                t!("prompt-pin", label = label, ca_lock_id = id)
            }
            PinRole::User => t!("prompt-current-pin", ca_lock_id = id),
            PinRole::So => t!("prompt-so-pin", ca_lock_id = id),
        };
        // Where the key counts its tries, the person sees them before typing.
        if let Some(tries) = tries {
            let left = t!("pin-tries-left", left = tries.left, max = tries.max);
            self.ctx.debug(&format!("key {id}: {left}"));
            prompt = format!("{prompt} ({left})");
        }
        let pin = read_secret(&self.sources, self.ctx.no_input, &prompt)?;
        self.well_known = role == PinRole::User && crate::pin::is_well_known(pin.expose());
        Ok(pin)
    }

    fn new_pin(&mut self, key: &Key) -> Result<Secret> {
        if let Some(new) = self.pending_new.take() {
            return Ok(new);
        }
        let file = self.new_pin_file;
        let sources = SecretSources {
            what: t!("what-new-pin"),
            stdin: false,
            file,
            env: "ZCA_NEW_PIN",
            flags: self.new_pin_flags,
        };
        if file.is_some() || from_environment("ZCA_NEW_PIN").is_some() || self.ctx.no_input {
            return read_secret(&sources, self.ctx.no_input, "");
        }
        let (min, max) = (key.min_pin_length as u64, key.max_pin_length as u64);
        let what = t!("what-new-pin");
        let first = prompt_secret(&t!("prompt-new-pin", min = min, max = max), &what)?;
        let second = prompt_secret(&t!("prompt-new-pin-again"), &what)?;
        crate::pin::confirmed(&first, &second)?;
        Ok(first)
    }

    fn on_pad(&mut self, key: &Key) {
        self.ctx.out.notice(&t!("note-pin-on-pad", ca_lock_id = key.ca_lock_id.as_str()));
    }

    fn origin(&self) -> String {
        if self.sources.stdin || self.stdin_pair.is_some() {
            t!("source-stdin")
        } else if let Some(file) = self.sources.file {
            file.display().to_string()
        } else {
            self.sources.env.to_string()
        }
    }
}
