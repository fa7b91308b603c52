//! The operator's side: accounts, trusted CAs, the driver catalogue and the audit log, used by
//! the `zca-platform` subcommands on the same database the server uses.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::clock::{now, rfc3339, rfc3339_unix};
use crate::db::{params, Db, DbError};
use crate::pki;
use crate::service::{end_untrusted_sessions, hash_password};

#[derive(Debug, Serialize)]
pub struct UserRow {
    pub account: String,
    pub name: String,
    pub organization: String,
    pub disabled: bool,
    pub created_at: String,
    pub bindings: i64,
}

pub fn user_add(db: &mut Db, account: &str, name: &str, org: &str, password: &str) -> Result<()> {
    let account = account.trim();
    if account.is_empty() || account.len() > 128 || account.chars().any(char::is_control) {
        bail!("the account name must be 1 to 128 printable characters");
    }
    if password.chars().count() < 8 {
        bail!("the password must have at least 8 characters");
    }
    let hash = hash_password(password)?;
    db.execute(
        "INSERT INTO users (account, name, organization, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![account, name, org, hash, now()],
    )
    .map_err(|e| {
        if e.is_unique_violation() {
            anyhow::anyhow!("account {account} exists already")
        } else {
            e.into()
        }
    })?;
    Ok(())
}

pub fn user_list(db: &mut Db) -> Result<Vec<UserRow>> {
    let rows = db.query(
        "SELECT u.account, u.name, u.organization, u.disabled, u.created_at,
                (SELECT count(*) FROM bindings b WHERE b.user_id = u.id)
         FROM users u ORDER BY u.id",
        &[],
    )?;
    let user = |r: &crate::db::Row| -> Result<UserRow, DbError> {
        Ok(UserRow {
            account: r.get(0)?,
            name: r.get(1)?,
            organization: r.get(2)?,
            disabled: r.get(3)?,
            created_at: rfc3339_unix(r.get(4)?),
            bindings: r.get(5)?,
        })
    };
    Ok(rows.iter().map(user).collect::<Result<_, _>>()?)
}

/// Disables an account and ends its sessions.
pub fn user_disable(db: &mut Db, account: &str) -> Result<()> {
    db.transaction(|tx| {
        let row = tx.query_opt("SELECT id FROM users WHERE account = ?1", params![account])?;
        let Some(row) = row else { bail!("no account {account}") };
        let id: i64 = row.get(0)?;
        tx.execute("UPDATE users SET disabled = 1 WHERE id = ?1", params![id])?;
        tx.execute(
            "UPDATE sessions SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
            params![now(), id],
        )?;
        Ok(())
    })
}

#[derive(Debug, Serialize)]
pub struct TrustRow {
    pub sha256: String,
    pub subject: String,
    pub not_after: String,
    pub added_at: String,
}

/// Adds every CA certificate of a PEM (or DER) file; returns the added subjects.
pub fn trust_add(db: &mut Db, file: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let ders = certificates_in(&bytes)?;
    if ders.is_empty() {
        bail!("{} holds no certificate", file.display());
    }
    let mut added = Vec::new();
    for der in ders {
        let (_, cert) = X509Certificate::from_der(&der)
            .map_err(|e| anyhow::anyhow!("not a certificate: {e}"))?;
        if !matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca) {
            bail!("{} is not a CA certificate (no basicConstraints CA:TRUE)", cert.subject());
        }
        let subject = cert.subject().to_string();
        db.execute(
            "INSERT INTO trust (sha256, subject, not_after, der, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT DO NOTHING",
            params![pki::sha256_hex(&der), subject, rfc3339(cert.validity().not_after.to_datetime()), der, now()],
        )?;
        added.push(subject);
    }
    Ok(added)
}

/// The certificates of a PEM file (any number), or the one DER certificate a file holds.
fn certificates_in(bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    if !bytes.starts_with(b"-----") {
        return Ok(vec![bytes.to_vec()]);
    }
    CertificateDer::pem_slice_iter(bytes)
        .map(|c| c.map(|c| c.to_vec()))
        .collect::<Result<_, _>>()
        .context("reading PEM")
}

/// The one trusted CA whose SHA-256 starts with `prefix` (8 hex digits at least).
fn trusted_ca(db: &mut Db, prefix: &str) -> Result<(i64, String, Vec<u8>)> {
    let prefix = prefix.trim().to_ascii_lowercase().replace(':', "");
    if prefix.len() < 8 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
        bail!("name the CA by its SHA-256 (at least 8 hex digits), as `trust list` shows it");
    }
    let found: Vec<(i64, String, Vec<u8>)> = db
        .query("SELECT id, subject, der FROM trust WHERE sha256 LIKE ?1 || '%'", params![prefix])?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .collect::<Result<_, DbError>>()?;
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one")),
        0 => bail!("no trusted CA has a SHA-256 starting with {prefix} (see `trust list`)"),
        n => bail!("{n} trusted CAs have a SHA-256 starting with {prefix}: give more digits"),
    }
}

/// Removes a trust anchor; the CA sessions of certificates that no longer chain to a trusted CA
/// end with it. Returns the CA's subject and how many sessions ended.
pub fn trust_remove(db: &mut Db, sha256_prefix: &str) -> Result<(String, usize)> {
    db.transaction(|tx| {
        let (id, subject, _) = trusted_ca(tx, sha256_prefix)?;
        tx.execute("DELETE FROM trust WHERE id = ?1", params![id])?;
        let ended =
            end_untrusted_sessions(tx, "trust_removed").map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((subject, ended))
    })
}

/// What the operator revokes: one certificate by SHA-256, or a serial (of one trusted CA's, or
/// of any issuer's).
pub enum Revocation<'a> {
    Sha256(&'a str),
    Serial { serial: &'a str, issuer_sha256: Option<&'a str> },
}

/// Records a revocation; the CA sessions of the certificates it names end with it. Returns how
/// many sessions ended.
pub fn revoke(db: &mut Db, what: &Revocation<'_>, reason: &str) -> Result<usize> {
    db.transaction(|tx| revoke_in(tx, what, reason))
}

fn revoke_in(tx: &mut Db, what: &Revocation<'_>, reason: &str) -> Result<usize> {
    match what {
        Revocation::Sha256(sha) => {
            let sha = sha.trim().to_ascii_lowercase().replace(':', "");
            if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
                bail!("a certificate's SHA-256 is 64 hex digits");
            }
            tx.execute(
                "INSERT INTO revoked (sha256, reason, revoked_at) VALUES (?1, ?2, ?3)",
                params![sha, reason, now()],
            )?;
        }
        Revocation::Serial { serial, issuer_sha256 } => {
            let hex = serial.trim().replace(':', "");
            let bytes = hex::decode(if hex.len() % 2 == 1 { format!("0{hex}") } else { hex })
                .map_err(|_| anyhow::anyhow!("a serial is hex digits, as `zca certs` shows it"))?;
            let issuer = match issuer_sha256 {
                Some(prefix) => {
                    let (_, _, der) = trusted_ca(tx, prefix)?;
                    let (_, ca) = X509Certificate::from_der(&der)
                        .map_err(|e| anyhow::anyhow!("the trusted CA does not parse: {e}"))?;
                    Some(ca.subject().as_raw().to_vec())
                }
                None => None,
            };
            tx.execute(
                "INSERT INTO revoked (serial, issuer, reason, revoked_at) VALUES (?1, ?2, ?3, ?4)",
                params![zca_contract::serial_hex(&bytes), issuer, reason, now()],
            )?;
        }
    }
    let ended =
        end_untrusted_sessions(tx, "certificate_revoked").map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(ended)
}

#[derive(Debug, Serialize)]
pub struct RevokedRow {
    pub sha256: Option<String>,
    pub serial: Option<String>,
    pub issuer_limited: bool,
    pub reason: String,
    pub revoked_at: String,
}

pub fn revoked_list(db: &mut Db) -> Result<Vec<RevokedRow>> {
    let rows = db.query(
        "SELECT sha256, serial, issuer IS NOT NULL, reason, revoked_at FROM revoked ORDER BY id",
        &[],
    )?;
    let revoked = |r: &crate::db::Row| -> Result<RevokedRow, DbError> {
        Ok(RevokedRow {
            sha256: r.get(0)?,
            serial: r.get(1)?,
            issuer_limited: r.get(2)?,
            reason: r.get(3)?,
            revoked_at: rfc3339_unix(r.get(4)?),
        })
    };
    Ok(rows.iter().map(revoked).collect::<Result<_, _>>()?)
}

pub fn trust_list(db: &mut Db) -> Result<Vec<TrustRow>> {
    let rows =
        db.query("SELECT sha256, subject, not_after, added_at FROM trust ORDER BY id", &[])?;
    let trust = |r: &crate::db::Row| -> Result<TrustRow, DbError> {
        Ok(TrustRow {
            sha256: r.get(0)?,
            subject: r.get(1)?,
            not_after: r.get(2)?,
            added_at: rfc3339_unix(r.get(3)?),
        })
    };
    Ok(rows.iter().map(trust).collect::<Result<_, _>>()?)
}

pub struct NewDriver<'a> {
    pub file: &'a Path,
    pub name: &'a str,
    pub vendor: &'a str,
    pub version: &'a str,
    pub os: &'a str,
    pub arch: &'a str,
    pub issuers: &'a [String],
    pub module_names: &'a [String],
}

/// Lists a driver in the catalogue with its file, kept in the database where every instance
/// reads it.
pub fn driver_add(db: &mut Db, d: &NewDriver<'_>) -> Result<i64> {
    let bytes = std::fs::read(d.file).with_context(|| format!("reading {}", d.file.display()))?;
    let file_name = d
        .file
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.starts_with('.'))
        .context("the driver file needs a plain UTF-8 file name")?
        .to_string();
    let row = db.query_one(
        "INSERT INTO drivers (name, vendor, version, os, arch, issuers, module_names, file_name, sha256, size, added_at, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
        params![
            d.name,
            d.vendor,
            d.version,
            d.os,
            d.arch,
            serde_json::to_string(d.issuers)?,
            serde_json::to_string(d.module_names)?,
            file_name,
            pki::sha256_hex(&bytes),
            bytes.len() as i64,
            now(),
            bytes
        ],
    )?;
    Ok(row.get(0)?)
}

#[derive(Debug, Serialize)]
pub struct AuditRow {
    pub time: String,
    pub event: String,
    pub account: Option<String>,
    pub ca_lock_id: Option<String>,
    pub cert_sha256: Option<String>,
    pub result: String,
    pub remote: Option<String>,
}

pub fn audit_list(db: &mut Db) -> Result<Vec<AuditRow>> {
    let rows = db.query(
        "SELECT time, event, account, ca_lock_id, cert_sha256, result, remote FROM audit ORDER BY id",
        &[],
    )?;
    let audit = |r: &crate::db::Row| -> Result<AuditRow, DbError> {
        Ok(AuditRow {
            time: rfc3339_unix(r.get(0)?),
            event: r.get(1)?,
            account: r.get(2)?,
            ca_lock_id: r.get(3)?,
            cert_sha256: r.get(4)?,
            result: r.get(5)?,
            remote: r.get(6)?,
        })
    };
    Ok(rows.iter().map(audit).collect::<Result<_, _>>()?)
}
