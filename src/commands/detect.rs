use std::io;

use serde::Serialize;

use super::{CmdResult, Context};
use crate::cli::detect::DetectArgs;
use crate::output::{yes_no, Column, Human, Report};
use crate::t;
use crate::token::discover::ModuleSource;
use crate::token::inventory::{LoadFailure, Module, SlotEntry};
use crate::token::skf::SkfLibrary;
use crate::token::{Interface, Key};

#[derive(Serialize)]
struct DetectReport<'a> {
    modules: &'a [Module],
    skf_libraries: &'a [SkfLibrary],
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
    let report = DetectReport {
        modules: &inv.modules,
        skf_libraries: &inv.skf_libraries,
        slots: &inv.slots,
        keys,
    };
    match inv.require_key() {
        Ok(()) => ctx.emit(&report),
        Err(e) => ctx.emit_failing(&report, e),
    }
}

pub fn source_label(source: ModuleSource, skf: bool) -> String {
    match source {
        ModuleSource::Flag if skf => "--skf".into(),
        ModuleSource::Env if skf => "ZCA_SKF_LIBRARY".into(),
        ModuleSource::Flag => t!("source-module-flag"),
        ModuleSource::Env => t!("source-module-env"),
        ModuleSource::Profile => t!("source-module-profile"),
        ModuleSource::P11Kit => t!("source-module-p11kit"),
        ModuleSource::VendorTable => t!("source-module-table"),
    }
}

impl Report for DetectReport<'_> {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        if self.modules.is_empty() && self.skf_libraries.is_empty() {
            return Ok(());
        }
        if !self.modules.is_empty() {
            self.render_modules(out)?;
        }
        if !self.skf_libraries.is_empty() {
            let mut table = out.grid(vec![
                Column::whole(t!("col-library")),
                Column::text(t!("col-source")).optional(2),
                Column::text(t!("col-vendor")).optional(1),
                Column::text(t!("col-status")),
            ]);
            for l in self.skf_libraries {
                table.add_row(vec![
                    l.path.display().to_string(),
                    source_label(l.source, true),
                    l.vendor.clone().unwrap_or_default(),
                    status_of(l.error.as_ref(), None),
                ]);
            }
            writeln!(out.stdout, "{}", t!("title-skf-libraries"))?;
            out.print_table(&table)?;
        }
        self.render_keys(out)
    }
}

/// ✓ with what the library says of itself, or ✗ with why it could not be used.
fn status_of(error: Option<&LoadFailure>, description: Option<String>) -> String {
    match (error, description) {
        (Some(e), _) => format!("✗ {}", e.message()),
        (None, Some(d)) => format!("✓ {d}"),
        (None, None) => "✓".to_string(),
    }
}

impl DetectReport<'_> {
    fn render_modules(&self, out: &mut Human<'_>) -> io::Result<()> {
        let mut table = out.grid(vec![
            Column::whole(t!("col-module")),
            Column::text(t!("col-source")).optional(2),
            Column::text(t!("col-vendor")).optional(1),
            Column::text(t!("col-status")),
        ]);
        for m in self.modules {
            let description = m
                .library
                .as_ref()
                .map(|lib| format!("{} {} ({})", lib.description, lib.version, lib.manufacturer));
            table.add_row(vec![
                m.path.display().to_string(),
                source_label(m.source, false),
                m.vendor.clone().unwrap_or_default(),
                status_of(m.error.as_ref(), description),
            ]);
        }
        writeln!(out.stdout, "{}", t!("title-modules"))?;
        out.print_table(&table)
    }

    fn render_keys(&self, out: &mut Human<'_>) -> io::Result<()> {
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
                table.add_row(vec![
                    key.ca_lock_id.clone(),
                    key.label.clone(),
                    key.manufacturer.clone(),
                    key.model.clone(),
                    format!("{} / {}", key.hardware_version, key.firmware_version),
                    key.pin_state.label_with(key.pin_tries),
                    yes_no(Some(key.protected_auth_path)),
                    k.certificates.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
                    reached_through(key),
                ]);
            }
            writeln!(out.stdout, "\n{}", t!("title-keys"))?;
            out.print_table(&table)?;
        }
        Ok(())
    }
}

/// The library and slots of each interface that reaches the key.
fn reached_through(key: &Key) -> String {
    let mut ways = Vec::new();
    if key.interfaces.contains(&Interface::Pkcs11) {
        let slots = key.slots.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        ways.push(format!("{} [{slots}]", file_name(&key.module)));
    }
    if let Some(library) = &key.skf_library {
        ways.push(format!("{} (SKF)", file_name(library)));
    }
    ways.join(" + ")
}

pub fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
}
