//! `zca detect --watch`: key insertion and removal as events. zca takes stock again as soon as
//! a module's C_WaitForSlotEvent reports a change, and at the latest every half second: many
//! modules lack the call (SoftHSM) and PC/SC modules find a newly plugged USB key's reader only
//! when their slots are listed.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{CmdResult, Context, Failure};
use crate::cli::detect::DetectArgs;
use crate::error::Error;
use crate::t;

const POLL: Duration = Duration::from_millis(500);

#[derive(Serialize)]
struct Event<'a> {
    schema_version: u32,
    event: &'static str,
    ca_lock_id: &'a str,
    label: &'a str,
    time: String,
}

pub fn run(ctx: &Context, args: &DetectArgs) -> CmdResult {
    take_back_ctrl_c();
    let mut inv = ctx.inventory();
    if inv.modules.iter().all(|m| !m.loaded) {
        return Err(inv.require_key().err().unwrap_or(Error::DriverMissing).into());
    }
    let deadline = args.timeout.map(|s| Instant::now() + Duration::from_secs(s));
    let mut present: BTreeMap<String, String> = BTreeMap::new();
    let mut first = true;
    let (tx, events) = std::sync::mpsc::channel();
    inv.forward_slot_events(&tx);
    loop {
        let now: BTreeMap<String, String> =
            inv.keys.iter().map(|k| (k.ca_lock_id.clone(), k.label.clone())).collect();
        for (id, label) in now.iter().filter(|(id, _)| !present.contains_key(*id)) {
            emit(ctx, if first { "present" } else { "inserted" }, id, label)?;
        }
        for (id, label) in present.iter().filter(|(id, _)| !now.contains_key(*id)) {
            emit(ctx, "removed", id, label)?;
        }
        if args.until_present && !now.is_empty() {
            return Ok(());
        }
        present = now;
        first = false;
        if deadline.is_some_and(|d| Instant::now() >= d) {
            // Only a wait for a key fails when time runs out; a plain watch just ends.
            return if args.until_present { Err(Error::TokenMissing.into()) } else { Ok(()) };
        }
        let _ = events.recv_timeout(POLL);
        inv.refresh();
    }
}

fn emit(ctx: &Context, event: &'static str, ca_lock_id: &str, label: &str) -> Result<(), Failure> {
    let time = crate::output::local_time(time::OffsetDateTime::now_utc());
    let mut out = io::stdout().lock();
    if ctx.out.json {
        let now = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or(time::OffsetDateTime::now_utc());
        let time = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        let e = Event { schema_version: 1, event, ca_lock_id, label, time };
        serde_json::to_writer(&mut out, &e).map_err(io::Error::other)?;
        writeln!(out)?;
    } else {
        let what = match event {
            "removed" => t!("watch-removed"),
            "inserted" => t!("watch-inserted"),
            _ => t!("watch-present"),
        };
        writeln!(out, "{time}  {what}  {ca_lock_id}  {label}")?;
    }
    out.flush()?;
    Ok(())
}

/// A watch runs until Ctrl-C, but a shell starts its background jobs (`nohup … &`, a script's
/// `&`) with SIGINT ignored, and an ignored signal stays ignored across exec: the watch takes
/// the default action back, so that SIGINT ends it (130 to the shell) however it was started.
fn take_back_ctrl_c() {
    // SAFETY: resets one signal's disposition to the default; no handler is installed.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
    }
}
