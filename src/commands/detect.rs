use std::io;

use serde::Serialize;

use super::{CmdResult, Context};
use crate::cli::detect::DetectArgs;
use crate::output::{yes_no, Column, Human, Report};
use crate::t;
use crate::token::discover::ModuleSource;
use crate::token::inventory::{Module, SlotEntry};
use crate::token::Key;

#[derive(Serialize)]
struct DetectReport<'a> {
    modules: &'a [Module],
    slots: &'a [SlotEntry],
    keys: Vec<KeyReport<'a>>,
}

#[derive(Serialize)]
struct KeyReport<'a> {
    #[serde(flatten)]
    key: &'a Key,
    /// Certificate objects visible without the PIN; absent when they could not be counted.
    certificates: Option<usize>,
}

pub fn run(ctx: &Context, args: &DetectArgs) -> CmdResult {
    if args.watch {
        return super::watch::run(ctx, args);
    }
    let mut inv = ctx.inventory();
    inv.describe_slots();
    let keys = inv
        .keys
        .iter()
        .map(|key| KeyReport { key, certificates: inv.count_certificates(key).ok() })
        .collect();
    let report = DetectReport { modules: &inv.modules, slots: &inv.slots, keys };
    match inv.require_key() {
        Ok(()) => ctx.emit(&report),
        Err(e) => ctx.emit_failing(&report, e),
    }
}

pub fn source_label(source: ModuleSource) -> String {
    match source {
        ModuleSource::Flag => t!("source-module-flag"),
        ModuleSource::Env => t!("source-module-env"),
        ModuleSource::Profile => t!("source-module-profile"),
        ModuleSource::P11Kit => t!("source-module-p11kit"),
        ModuleSource::VendorTable => t!("source-module-table"),
    }
}

impl Report for DetectReport<'_> {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        if self.modules.is_empty() {
            return Ok(());
        }
        let mut table = out.grid(vec![
            Column::whole(t!("col-module")),
            Column::text(t!("col-source")).optional(2),
            Column::text(t!("col-vendor")).optional(1),
            Column::text(t!("col-status")),
        ]);
        for m in self.modules {
            let status = match (&m.error, &m.library) {
                (Some(e), _) => format!("✗ {}", e.message()),
                (None, Some(lib)) => {
                    format!("✓ {} {} ({})", lib.description, lib.version, lib.manufacturer)
                }
                (None, None) => "✓".to_string(),
            };
            table.add_row(vec![
                m.path.display().to_string(),
                source_label(m.source),
                m.vendor.clone().unwrap_or_default(),
                status,
            ]);
        }
        writeln!(out.stdout, "{}", t!("title-modules"))?;
        out.print_table(&table)?;

        if !self.slots.is_empty() {
            let mut table = out.grid(vec![
                Column::whole(t!("col-module")),
                Column::whole(t!("col-slot")),
                Column::text(t!("col-reader")),
                Column::whole(t!("col-ca-lock-id")),
            ]);
            for s in self.slots {
                let key = match (&s.ca_lock_id, s.token_present) {
                    _ if s.error.is_some() => t!("slot-unreadable"),
                    (Some(id), _) => id.clone(),
                    (None, true) => t!("slot-uninitialized"),
                    (None, false) => t!("slot-empty"),
                };
                table.add_row(vec![
                    file_name(&s.module),
                    s.id.to_string(),
                    s.description.clone(),
                    key,
                ]);
            }
            writeln!(out.stdout, "\n{}", t!("title-slots"))?;
            out.print_table(&table)?;
        }

        if !self.keys.is_empty() {
            let mut table = out.grid(vec![
                Column::whole(t!("col-ca-lock-id")),
                Column::text(t!("col-label")),
                Column::text(t!("col-manufacturer")).optional(3),
                Column::text(t!("col-model")).optional(4),
                Column::whole(t!("col-versions")).optional(5),
                Column::text(t!("col-pin")),
                Column::whole(t!("col-pin-pad")).optional(2),
                Column::whole(t!("col-certificates")),
                Column::text(t!("col-slots")).optional(1),
            ]);
            for k in &self.keys {
                let key = k.key;
                let slots = key.slots.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
                table.add_row(vec![
                    key.ca_lock_id.clone(),
                    key.label.clone(),
                    key.manufacturer.clone(),
                    key.model.clone(),
                    format!("{} / {}", key.hardware_version, key.firmware_version),
                    key.pin_state.label(),
                    yes_no(Some(key.protected_auth_path)),
                    k.certificates.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
                    format!("{} [{slots}]", file_name(&key.module)),
                ]);
            }
            writeln!(out.stdout, "\n{}", t!("title-keys"))?;
            out.print_table(&table)?;
        }
        Ok(())
    }
}

pub fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
}
