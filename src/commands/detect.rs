use std::io;

use serde::Serialize;

use super::{CmdResult, Context};
use crate::cli::detect::DetectArgs;
use crate::output::{yes_no, Column, Human, Report};
use crate::t;
use crate::token::discover::ModuleSource;
use crate::token::key::LoadFailure;
use crate::token::key::SlotEntry;
use crate::token::module::Module;
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
        let modules = self.modules.iter().map(|m| {
            let description = m
                .library
                .as_ref()
                .map(|lib| format!("{} {} ({})", lib.description, lib.version, lib.manufacturer));
            (
                &m.path,
                source_label(m.source, false),
                &m.vendor,
                status_of(m.error.as_ref(), description),
            )
        });
        render_libraries(out, &t!("title-modules"), t!("col-module"), modules.collect())?;
        let skf = self.skf_libraries.iter().map(|l| {
            (&l.path, source_label(l.source, true), &l.vendor, status_of(l.error.as_ref(), None))
        });
        render_libraries(out, &t!("title-skf-libraries"), t!("col-library"), skf.collect())?;
        self.render_keys(out)
    }
}

/// One table of drivers of one kind: path, where it was found, vendor, status; none, no table.
fn render_libraries(
    out: &mut Human<'_>,
    title: &str,
    first_column: String,
    rows: Vec<(&std::path::PathBuf, String, &Option<String>, String)>,
) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut table = out.grid(vec![
        Column::whole(first_column),
        Column::text(t!("col-source")).optional(2),
        Column::text(t!("col-vendor")).optional(1),
        Column::text(t!("col-status")),
    ]);
    for (path, source, vendor, status) in rows {
        table.add_row(vec![
            path.display().to_string(),
            source,
            vendor.clone().unwrap_or_default(),
            status,
        ]);
    }
    writeln!(out.stdout, "{title}")?;
    out.print_table(&table)
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
