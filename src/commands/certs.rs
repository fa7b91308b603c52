use std::io::{self, IsTerminal, Write};
use std::path::Path;

use base64::Engine;
use serde::Serialize;
use time::OffsetDateTime;

use super::{CmdResult, Context};
use crate::cli::certs::{CertsAction, CertsArgs, ExportArgs};
use crate::error::{Error, Result};
use crate::output::{local_time, Column, Human, Report};
use crate::t;
use crate::token::{list_certificates, CertObject, CertUsage, Inventory, PrivateKeyPresence};

#[derive(Serialize)]
struct CertsReport {
    certificates: Vec<CertObject>,
    #[serde(skip)]
    long: bool,
}

pub fn run(ctx: &Context, args: &CertsArgs) -> CmdResult {
    if let Some(CertsAction::Export(export_args)) = &args.action {
        return export(ctx, export_args);
    }
    let inv = ctx.inventory();
    let now = crate::output::now_local();
    let certificates = all_certificates(&inv, args.token.as_deref(), now)?;
    let report = CertsReport { certificates, long: args.long };
    if let Some(days) = args.fail_if_expiring {
        // The days shown in the table: expiring on or before the DAYSth day from today.
        let count = report
            .certificates
            .iter()
            .filter(|c| c.days_left.is_some_and(|d| d <= i64::from(days)))
            .count();
        if count > 0 {
            return ctx.emit_failing(&report, Error::CertificatesExpiring { count, days });
        }
    }
    ctx.emit(&report)
}

fn all_certificates(
    inv: &Inventory,
    token: Option<&str>,
    now: OffsetDateTime,
) -> Result<Vec<CertObject>> {
    let mut certs = Vec::new();
    for key in inv.select(token)? {
        certs.extend(list_certificates(inv, key, now)?);
    }
    Ok(certs)
}

fn usage_label(usage: CertUsage) -> String {
    match usage {
        CertUsage::Signing => t!("usage-signing"),
        CertUsage::Encryption => t!("usage-encryption"),
    }
}

/// The PKCS#11 object's label and CKA_ID, or the SKF container and what it holds this for.
fn object_text(c: &CertObject) -> String {
    match c.usage {
        Some(usage) => format!("{} ({})", c.object_label, usage_label(usage)),
        None => format!("{} ({})", c.object_label, c.id),
    }
}

fn private_key_label(p: PrivateKeyPresence) -> String {
    match p {
        PrivateKeyPresence::Yes => t!("value-yes"),
        PrivateKeyPresence::No => t!("value-no"),
        PrivateKeyPresence::Unknown => t!("private-key-unknown"),
    }
}

impl Report for CertsReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        if self.certificates.is_empty() {
            return out.note(&t!("note-no-certificates"));
        }
        if self.long {
            return self.render_long(out);
        }
        // Narrow terminals keep who, which key and until when; --long has everything.
        let mut table = out.grid(vec![
            Column::whole(t!("col-ca-lock-id")),
            Column::text(t!("col-object")).optional(6),
            Column::text(t!("col-subject")),
            Column::text(t!("col-issuer")).optional(4),
            Column::whole(t!("col-not-after")),
            Column::whole(t!("col-days-left")),
            Column::whole(t!("col-key")).optional(2),
            Column::whole(t!("col-private-key")).optional(3),
            Column::whole("SHA-256").optional(5),
        ]);
        for c in &self.certificates {
            let object = object_text(c);
            let row = match &c.facts {
                Some(f) => vec![
                    c.ca_lock_id.clone(),
                    object,
                    f.display_name(),
                    f.issuer_common_name.clone().unwrap_or_else(|| f.issuer.clone()),
                    local_time(f.not_after),
                    c.days_left.map(|d| d.to_string()).unwrap_or_default(),
                    f.key.display(),
                    private_key_label(c.private_key),
                    f.sha256[..16].to_string(),
                ],
                None => vec![
                    c.ca_lock_id.clone(),
                    object,
                    format!(
                        "✗ {}",
                        t!("cert-unreadable", detail = c.parse_error.clone().unwrap_or_default())
                    ),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    private_key_label(c.private_key),
                    c.sha256()[..16].to_string(),
                ],
            };
            table.add_row(row);
        }
        out.print_table(&table)?;
        let expired =
            self.certificates.iter().filter(|c| c.days_left.is_some_and(|d| d < 0)).count();
        if expired > 0 {
            out.warn(&t!("warn-expired", count = expired))?;
        }
        Ok(())
    }
}

impl CertsReport {
    /// Every fact, one per line: fingerprints and URIs are never broken by a table.
    fn render_long(&self, out: &mut Human<'_>) -> io::Result<()> {
        for (i, c) in self.certificates.iter().enumerate() {
            let mut fields = vec![
                (t!("col-ca-lock-id"), c.ca_lock_id.clone()),
                (t!("col-label"), c.token_label.clone()),
                (t!("col-object"), c.object_label.clone()),
            ];
            match c.usage {
                Some(usage) => fields.push((t!("col-usage"), usage_label(usage))),
                None => fields.push(("CKA_ID".into(), c.id.clone())),
            }
            fields.push(("URI".into(), c.uri.clone()));
            match &c.facts {
                Some(f) => fields.extend([
                    (t!("col-subject"), f.subject.clone()),
                    (t!("col-issuer"), f.issuer.clone()),
                    (t!("col-serial"), f.serial.clone()),
                    (t!("col-not-before"), local_time(f.not_before)),
                    (t!("col-not-after"), local_time(f.not_after)),
                    (t!("col-days-left"), c.days_left.map(|d| d.to_string()).unwrap_or_default()),
                    (t!("col-key"), f.key.display()),
                    (t!("col-signature-algorithm"), f.signature_algorithm.clone()),
                    (t!("col-key-usage"), f.key_usage.join(", ")),
                    ("SHA-256".into(), f.sha256.clone()),
                ]),
                None => fields.push((
                    t!("col-status"),
                    format!(
                        "✗ {}",
                        t!("cert-unreadable", detail = c.parse_error.clone().unwrap_or_default())
                    ),
                )),
            }
            fields.push((t!("col-private-key"), private_key_label(c.private_key)));
            if i > 0 {
                writeln!(out.stdout)?;
            }
            out.fields(&fields)?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct ExportReport {
    sha256: String,
    format: &'static str,
    /// Where it was written; absent when it went to stdout (then `pem` carries it under --json).
    path: Option<String>,
    pem: Option<String>,
}

impl Report for ExportReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        match &self.path {
            Some(path) => out.note(&t!("note-exported", path = path.as_str())),
            None => Ok(()),
        }
    }
}

fn export(ctx: &Context, args: &ExportArgs) -> CmdResult {
    let inv = ctx.inventory();
    let now = crate::output::now_local();
    let certs = all_certificates(&inv, args.token.as_deref(), now)?;
    let cert = find_one(&certs, args)?;
    let format = if args.der { "der" } else { "pem" };
    let bytes = if args.der { cert.der.clone() } else { pem(&cert.der).into_bytes() };
    let mut report = ExportReport { sha256: cert.sha256(), format, path: None, pem: None };
    match &args.output {
        Some(path) => {
            write_file(path, &bytes)?;
            report.path = Some(path.display().to_string());
        }
        None if ctx.out.json => {
            if args.der {
                return Err(Error::Usage { detail: t!("err-der-json") }.into());
            }
            report.pem = Some(pem(&cert.der));
        }
        None => {
            if args.der && io::stdout().is_terminal() {
                return Err(Error::Usage { detail: t!("err-der-terminal") }.into());
            }
            io::stdout().lock().write_all(&bytes)?;
            return Ok(());
        }
    }
    ctx.emit(&report)
}

/// By SHA-256 (whole, or a prefix of at least 8 hex digits that names one certificate), or by
/// `--token` and `--id`.
fn find_one<'a>(certs: &'a [CertObject], args: &ExportArgs) -> Result<&'a CertObject> {
    let (selector, found): (String, Vec<&CertObject>) = match (&args.sha256, &args.id) {
        (Some(sha), _) => {
            let want = sha.trim().to_ascii_lowercase().replace(':', "");
            if want.len() < 8 || !want.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(Error::Usage { detail: t!("err-sha256-prefix") });
            }
            (sha.clone(), certs.iter().filter(|c| c.sha256().starts_with(&want)).collect())
        }
        (None, Some(id)) => {
            let want = id.trim().to_ascii_lowercase().trim_start_matches("0x").replace(':', "");
            (format!("id={id}"), certs.iter().filter(|c| c.id == want).collect())
        }
        (None, None) => return Err(Error::Usage { detail: t!("err-export-selector") }),
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::CertificateNotFound { selector }),
        many => Err(Error::CertificateAmbiguous { selector, count: many.len() }),
    }
}

fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// Writes through a temporary file and a rename, so that a failure never leaves half a file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp =
        dir.join(format!(".{}.zca-tmp", path.file_name().unwrap_or_default().to_string_lossy()));
    std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, &e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_lines_are_64_wide() {
        let text = pem(&[0u8; 100]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"-----BEGIN CERTIFICATE-----"));
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines.last(), Some(&"-----END CERTIFICATE-----"));
    }
}
