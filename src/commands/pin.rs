//! `zca pin status | change | unlock`: the PIN of the key, seen and changed the way the key's
//! vendor tool would, without ever spending a last try unasked.

use std::io;

use serde::Serialize;

use super::pin_source::TerminalPins;
use super::{CmdResult, Context};
use crate::cli::pin::{PinAction, PinArgs, PinChangeArgs, PinStatusArgs, PinUnlockArgs};
use crate::output::{yes_no, Column, Human, Report};
use crate::pin::{PinGuard, PinUse};
use crate::secret::SecretSources;
use crate::t;
use crate::token::{KeySession, PinState, PinTries};

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
    let mut source = TerminalPins::for_new_pin(
        ctx,
        args.allow_final_try,
        SecretSources {
            what: t!("what-pin"),
            stdin: false,
            file: args.pin_file.as_deref(),
            env: "ZCA_PIN",
            flags: "--pin-stdin, --pin-file FILE",
        },
        args.pin_stdin.then(|| t!("what-pin-and-new-pin")),
        args.new_pin_file.as_deref(),
        "--pin-stdin (2 lines), --new-pin-file FILE",
    );
    PinGuard::new().present(&session, PinUse::Change, &mut source)?;
    ctx.emit(&PinChanged { ca_lock_id: key.ca_lock_id.clone(), action: "changed" })
}

fn unlock(ctx: &Context, args: &PinUnlockArgs) -> CmdResult {
    let inv = ctx.inventory();
    let key = super::key::choose_key(ctx, &inv, args.token.as_deref())?;
    let session = KeySession::open_rw(&inv, key)?;
    let mut source = TerminalPins::for_new_pin(
        ctx,
        args.allow_final_try,
        SecretSources {
            what: t!("what-so-pin"),
            stdin: false,
            file: args.so_pin_file.as_deref(),
            env: "ZCA_SO_PIN",
            flags: "--so-pin-stdin, --so-pin-file FILE",
        },
        args.so_pin_stdin.then(|| t!("what-so-pin-and-new-pin")),
        args.new_pin_file.as_deref(),
        "--so-pin-stdin (2 lines), --new-pin-file FILE",
    );
    PinGuard::new().present(&session, PinUse::Unlock, &mut source)?;
    ctx.emit(&PinChanged { ca_lock_id: key.ca_lock_id.clone(), action: "unlocked" })
}
