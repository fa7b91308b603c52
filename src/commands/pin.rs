//! `zca pin status | change | unlock`: the PIN of the key, seen and changed the way the key's
//! vendor tool would, without ever spending a last try unasked.

use std::io;

use serde::Serialize;

use super::{CmdResult, Context};
use crate::cli::pin::{PinAction, PinArgs, PinChangeArgs, PinStatusArgs, PinUnlockArgs};
use crate::error::{Error, Result};
use crate::output::{yes_no, Column, Human, Report};
use crate::secret::{
    from_environment, prompt_secret, read_secret, read_stdin_lines, Secret, SecretSources,
};
use crate::t;
use crate::token::{Key, KeySession, PinState, PinTries};

pub fn run(ctx: &Context, args: &PinArgs) -> CmdResult {
    match &args.action {
        PinAction::Status(a) => status(ctx, a),
        PinAction::Change(a) => change(ctx, a),
        PinAction::Unlock(a) => unlock(ctx, a),
    }
}

#[derive(Serialize)]
struct StatusReport {
    keys: Vec<KeyPin>,
    /// Whether every key counts its tries (SKF does; PKCS#11 has only the flags).
    tries_left_known: bool,
}

#[derive(Serialize)]
struct KeyPin {
    ca_lock_id: String,
    label: String,
    pin_state: PinState,
    pin_to_be_changed: bool,
    /// Tries left and the maximum, where the key counts them (SKF).
    pin_tries: Option<PinTries>,
    so_pin_state: PinState,
    so_pin_tries: Option<PinTries>,
    min_pin_length: usize,
    max_pin_length: usize,
    pin_pad: bool,
}

fn status(ctx: &Context, args: &PinStatusArgs) -> CmdResult {
    let inv = ctx.inventory();
    let mut keys = Vec::new();
    for key in inv.select(args.token.as_deref())? {
        let flags = inv.pin_flags(key)?;
        keys.push(KeyPin {
            ca_lock_id: key.ca_lock_id.clone(),
            label: key.label.clone(),
            pin_state: flags.user,
            pin_to_be_changed: flags.to_be_changed,
            pin_tries: flags.user_tries,
            so_pin_state: flags.so,
            so_pin_tries: flags.so_tries,
            min_pin_length: key.min_pin_length,
            max_pin_length: key.max_pin_length,
            pin_pad: key.protected_auth_path,
        });
    }
    let tries_left_known = keys.iter().all(|k| k.pin_tries.is_some());
    ctx.emit(&StatusReport { keys, tries_left_known })
}

impl Report for StatusReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        let mut table = out.grid(vec![
            Column::whole(t!("col-ca-lock-id")),
            Column::text(t!("col-label")),
            Column::text(t!("col-user-pin")),
            Column::text(t!("col-so-pin")),
            Column::whole(t!("col-pin-length")).optional(2),
            Column::whole(t!("col-pin-pad")).optional(1),
        ]);
        for k in &self.keys {
            let mut user = k.pin_state.label_with(k.pin_tries);
            if k.pin_to_be_changed {
                user = format!("{user}, {}", t!("pin-must-change"));
            }
            table.add_row(vec![
                k.ca_lock_id.clone(),
                k.label.clone(),
                user,
                k.so_pin_state.label_with(k.so_pin_tries),
                format!("{}–{}", k.min_pin_length, k.max_pin_length),
                yes_no(Some(k.pin_pad)),
            ]);
        }
        out.print_table(&table)?;
        if self.tries_left_known {
            return Ok(());
        }
        out.note(&t!("note-no-tries-count"))
    }
}

#[derive(Serialize)]
struct PinChanged {
    ca_lock_id: String,
    /// "changed" or "unlocked".
    action: &'static str,
}

impl Report for PinChanged {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        let id = self.ca_lock_id.as_str();
        let text = match self.action {
            "unlocked" => t!("pin-unlocked", ca_lock_id = id),
            _ => t!("pin-changed", ca_lock_id = id),
        };
        out.note(&text)
    }
}

fn change(ctx: &Context, args: &PinChangeArgs) -> CmdResult {
    let inv = ctx.inventory();
    let key = super::key::choose_key(ctx, &inv, args.token.as_deref())?;
    let session = KeySession::open_rw(&inv, key)?;
    let state = session.pin_flags()?.user;
    guard_last_try(ctx, state, args.allow_final_try, Error::PinLocked, || {
        (Error::PinFinalTryRefused, t!("prompt-final-try", ca_lock_id = key.ca_lock_id.as_str()))
    })?;
    let (old, new) = pin_and_new_pin(
        ctx,
        key,
        Authorizing {
            stdin: args.pin_stdin,
            stdin_what: t!("what-pin-and-new-pin"),
            sources: SecretSources {
                what: t!("what-pin"),
                stdin: false,
                file: args.pin_file.as_deref(),
                env: "ZCA_PIN",
                flags: "--pin-stdin, --pin-file FILE",
            },
            prompt: t!("prompt-current-pin", ca_lock_id = key.ca_lock_id.as_str()),
            new_pin_flags: "--pin-stdin (2 lines), --new-pin-file FILE",
        },
        args.new_pin_file.as_deref(),
    )?;
    crate::pin::check_new(&new, Some(&old), key.min_pin_length, key.max_pin_length)?;
    session.change_pin(&old, &new)?;
    ctx.emit(&PinChanged { ca_lock_id: key.ca_lock_id.clone(), action: "changed" })
}

fn unlock(ctx: &Context, args: &PinUnlockArgs) -> CmdResult {
    let inv = ctx.inventory();
    let key = super::key::choose_key(ctx, &inv, args.token.as_deref())?;
    let session = KeySession::open_rw(&inv, key)?;
    let state = session.pin_flags()?.so;
    guard_last_try(ctx, state, args.allow_final_try, Error::SoPinLocked, || {
        (
            Error::SoPinFinalTryRefused,
            t!("prompt-so-final-try", ca_lock_id = key.ca_lock_id.as_str()),
        )
    })?;
    let (so, new) = pin_and_new_pin(
        ctx,
        key,
        Authorizing {
            stdin: args.so_pin_stdin,
            stdin_what: t!("what-so-pin-and-new-pin"),
            sources: SecretSources {
                what: t!("what-so-pin"),
                stdin: false,
                file: args.so_pin_file.as_deref(),
                env: "ZCA_SO_PIN",
                flags: "--so-pin-stdin, --so-pin-file FILE",
            },
            prompt: t!("prompt-so-pin", ca_lock_id = key.ca_lock_id.as_str()),
            new_pin_flags: "--so-pin-stdin (2 lines), --new-pin-file FILE",
        },
        args.new_pin_file.as_deref(),
    )?;
    crate::pin::check_new(&new, None, key.min_pin_length, key.max_pin_length)?;
    session.unlock(&so, &new)?;
    ctx.emit(&PinChanged { ca_lock_id: key.ca_lock_id.clone(), action: "unlocked" })
}

/// Refuses a locked PIN, and a final try unless allowed by flag or at the prompt.
fn guard_last_try(
    ctx: &Context,
    state: PinState,
    allowed: bool,
    locked: Error,
    final_try: impl FnOnce() -> (Error, String),
) -> Result<()> {
    match state {
        PinState::Locked => Err(locked),
        PinState::FinalTry if !allowed => {
            let (refused, prompt) = final_try();
            if ctx.no_input || !crate::prompt::confirm(&prompt, false)? {
                return Err(refused);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The PIN that allows a change (the user's or the SO's) and where it may come from.
struct Authorizing<'a> {
    /// Both PINs as two lines of stdin.
    stdin: bool,
    stdin_what: String,
    sources: SecretSources<'a>,
    prompt: String,
    new_pin_flags: &'static str,
}

/// The authorizing PIN and the new PIN, from two lines of stdin or each from its own sources.
fn pin_and_new_pin(
    ctx: &Context,
    key: &Key,
    auth: Authorizing<'_>,
    new_pin_file: Option<&std::path::Path>,
) -> Result<(Secret, Secret)> {
    if auth.stdin {
        let mut lines = read_stdin_lines(2, &auth.stdin_what)?;
        let new = lines.pop().expect("two lines");
        return Ok((lines.pop().expect("two lines"), new));
    }
    let current = read_secret(&auth.sources, ctx.no_input, &auth.prompt)?;
    Ok((current, new_pin(ctx, key, new_pin_file, auth.new_pin_flags)?))
}

/// The new PIN: from a file, ZCA_NEW_PIN, or typed twice at the prompt.
fn new_pin(
    ctx: &Context,
    key: &Key,
    file: Option<&std::path::Path>,
    flags: &'static str,
) -> Result<Secret> {
    let sources =
        SecretSources { what: t!("what-new-pin"), stdin: false, file, env: "ZCA_NEW_PIN", flags };
    if file.is_some() || from_environment("ZCA_NEW_PIN").is_some() || ctx.no_input {
        return read_secret(&sources, ctx.no_input, "");
    }
    let limits = (key.min_pin_length as u64, key.max_pin_length as u64);
    let what = t!("what-new-pin");
    let first = prompt_secret(&t!("prompt-new-pin", min = limits.0, max = limits.1), &what)?;
    let second = prompt_secret(&t!("prompt-new-pin-again"), &what)?;
    crate::pin::confirmed(&first, &second)?;
    Ok(first)
}
