//! Bindings of CA keys to accounts, under the platform's rule: one CA key, and one
//! certificate, belong to one user.

use axum::http::StatusCode;
use x509_parser::prelude::{FromDer, X509Certificate};
use zca_contract::{
    code, BindRequest, Binding, BindingStatus, CertificateInfo, Purpose, CA_LOCK_ID_MAX,
};

use super::challenges::{open_challenge, spend_challenge};
use super::proof::{audit_sha256, confirm_standing, present, Presented, Proof};
use super::sessions::{end_sessions_of_bindings, EndedBinding};
use super::{audit, write, AuditEvent, Caller, Config};
use crate::challenge;
use crate::clock::{now, rfc3339_unix};
use crate::db::{params, Db, DbError, Row};
use crate::error::ApiError;
use crate::pki;

const BINDING_COLUMNS: &str =
    "b.id, b.ca_lock_id, b.subject, b.common_name, b.organization, b.issuer, b.serial,
     b.not_before, b.not_after, b.not_after_unix, b.cert_sha256, b.created_by, b.created_at";

fn binding_from_row(r: &Row) -> Result<Binding, DbError> {
    let not_after_unix: i64 = r.get(9)?;
    Ok(Binding {
        id: r.get(0)?,
        status: if not_after_unix < now() { BindingStatus::Expired } else { BindingStatus::Active },
        ca_lock_id: r.get(1)?,
        certificate: CertificateInfo {
            subject: r.get(2)?,
            common_name: r.get(3)?,
            organization: r.get(4)?,
            issuer: r.get(5)?,
            serial: r.get(6)?,
            not_before: r.get(7)?,
            not_after: r.get(8)?,
            sha256: r.get(10)?,
        },
        created_by: r.get(11)?,
        created_at: rfc3339_unix(r.get(12)?),
    })
}

pub fn bindings(db: &mut Db, caller: &Caller) -> Result<Vec<Binding>, ApiError> {
    let rows = db.query(
        &format!("SELECT {BINDING_COLUMNS} FROM bindings b WHERE b.user_id = ?1 ORDER BY b.id"),
        params![caller.user_id],
    )?;
    Ok(rows.iter().map(binding_from_row).collect::<Result<_, _>>()?)
}

fn binding_by_id(db: &mut Db, id: i64) -> Result<Binding, ApiError> {
    let row = db.query_one(
        &format!("SELECT {BINDING_COLUMNS} FROM bindings b WHERE b.id = ?1"),
        params![id],
    )?;
    Ok(binding_from_row(&row)?)
}

/// A CA锁ID as the contract has it: at most 16 characters, trailing spaces removed, printable.
fn valid_ca_lock_id(raw: &str) -> Option<&str> {
    let id = raw.trim_end_matches(' ');
    let ok =
        !id.is_empty() && id.chars().count() <= CA_LOCK_ID_MAX && !id.chars().any(char::is_control);
    ok.then_some(id)
}

/// A bind as far as it goes without the database (see `CaLoginAttempt`).
pub struct BindAttempt {
    opened: Result<challenge::Opened, ApiError>,
    presented: Result<(String, Presented), ApiError>,
    /// For the audit row, also when the request is refused: the CA锁ID as given, the
    /// certificate's SHA-256.
    ca_lock_id: String,
    sha256: Option<String>,
}

/// Opens the bind's challenge (issued to this caller's session) and checks its CA锁ID and
/// signature.
pub fn prepare_bind(cfg: &Config, caller: &Caller, req: &BindRequest) -> BindAttempt {
    let opened = open_challenge(cfg, &req.challenge_id, Purpose::Bind, Some(caller));
    let presented = opened.as_ref().map_err(Clone::clone).and_then(|challenge| {
        let ca_lock_id =
            valid_ca_lock_id(&req.ca_lock_id).ok_or_else(ApiError::invalid_request)?.to_string();
        let proof = Proof {
            challenge_id: &req.challenge_id,
            certificate: &req.certificate,
            algorithm: &req.algorithm,
            signature: &req.signature,
        };
        let presented = present(cfg, Purpose::Bind, challenge, &proof, &ca_lock_id)?;
        Ok((ca_lock_id, presented))
    });
    let sha256 =
        audit_sha256(&presented.as_ref().map(|(_, p)| p).map_err(Clone::clone), &req.certificate);
    BindAttempt { opened, presented, ca_lock_id: req.ca_lock_id.clone(), sha256 }
}

/// Binds. Returns whether a binding was made (201) or this user already had exactly it (200).
pub fn bind(
    db: &mut Db,
    cfg: &Config,
    caller: &Caller,
    attempt: BindAttempt,
    remote: Option<&str>,
) -> Result<(bool, Binding), ApiError> {
    let BindAttempt { opened, presented, ca_lock_id: given_id, sha256: sha } = attempt;
    // One write: the challenge spent, the binding made and the attempt audited together.
    write(db, |tx| {
        let result = opened.and_then(|c| spend_challenge(tx, &c)).and(presented).and_then(
            |(ca_lock_id, presented)| {
                confirm_standing(tx, cfg, &presented)?;
                record_binding(tx, caller, &ca_lock_id, &presented.der, &presented.sha256)
            },
        );
        let result_code = match &result {
            Ok((true, _)) => "ok",
            Ok((false, _)) => "already_bound",
            Err(e) => e.code,
        };
        audit(
            tx,
            &AuditEvent {
                event: "bind",
                account: Some(&caller.account),
                ca_lock_id: Some(&given_id),
                cert_sha256: sha.as_deref(),
                result: result_code,
                remote,
            },
        )?;
        Ok(result)
    })?
}

/// Writes the binding in the caller's transaction, under the platform's rule: one CA key,
/// and one certificate, belong to one user. Binds of the same lock or certificate take turns
/// (on every instance), so that each sees what the one before it wrote; the database's UNIQUE
/// constraints stand behind that.
fn record_binding(
    tx: &mut Db,
    caller: &Caller,
    ca_lock_id: &str,
    der: &[u8],
    sha256: &str,
) -> Result<(bool, Binding), ApiError> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|_| ApiError::invalid_request())?;
    let info = pki::certificate_info(&cert, der);
    let not_after_unix = cert.validity().not_after.timestamp();
    tx.lock(&format!("ca_lock {ca_lock_id}"))?;
    tx.lock(&format!("certificate {sha256}"))?;
    let existing: Vec<(i64, i64, String, String)> = tx
        .query(
            "SELECT id, user_id, ca_lock_id, cert_sha256 FROM bindings WHERE ca_lock_id = ?1 OR cert_sha256 = ?2",
            params![ca_lock_id, sha256],
        )?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .collect::<Result<_, DbError>>()?;
    let conflict = || ApiError::new(StatusCode::CONFLICT, code::CA_LOCK_BOUND_TO_OTHER_USER);
    if existing.iter().any(|(_, user, _, _)| *user != caller.user_id) {
        return Err(conflict());
    }
    if let Some((id, _, _, _)) =
        existing.iter().find(|(_, _, lock, sha)| *lock == ca_lock_id && *sha == sha256)
    {
        let binding = binding_by_id(tx, *id)?;
        return Ok((false, binding));
    }
    // This user's own CA key with a renewed certificate: the binding follows the key.
    let renewed = existing.iter().find(|(_, _, lock, _)| *lock == ca_lock_id).map(|(id, ..)| *id);
    if existing.iter().any(|(_, _, lock, _)| *lock != ca_lock_id) {
        // The certificate is bound to another of this user's CA keys: one certificate lives on
        // one key.
        return Err(ApiError::invalid_request());
    }
    let now = now();
    let id = match renewed {
        Some(id) => {
            tx.execute(
                "UPDATE bindings SET cert_sha256 = ?1, certificate = ?2, subject = ?3, common_name = ?4,
                 organization = ?5, issuer = ?6, serial = ?7, not_before = ?8, not_after = ?9,
                 not_after_unix = ?10, created_by = ?11, created_at = ?12 WHERE id = ?13",
                params![sha256, der, info.subject, info.common_name, info.organization, info.issuer, info.serial, info.not_before, info.not_after, not_after_unix, caller.account, now, id],
            )
            .map_err(constraint_or_db)?;
            id
        }
        None => tx
            .query_one(
                "INSERT INTO bindings (user_id, ca_lock_id, cert_sha256, certificate, subject, common_name,
                 organization, issuer, serial, not_before, not_after, not_after_unix, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id",
                params![caller.user_id, ca_lock_id, sha256, der, info.subject, info.common_name, info.organization, info.issuer, info.serial, info.not_before, info.not_after, not_after_unix, caller.account, now],
            )
            .map_err(constraint_or_db)?
            .get(0)?,
    };
    Ok((true, binding_by_id(tx, id)?))
}

/// A unique constraint that fires is another user's binding that won a race.
fn constraint_or_db(err: DbError) -> ApiError {
    if err.is_unique_violation() {
        ApiError::new(StatusCode::CONFLICT, code::CA_LOCK_BOUND_TO_OTHER_USER)
    } else {
        err.into()
    }
}

/// Removes the caller's binding, ends the sessions its CA logins opened, and audits both, in
/// one write.
pub fn unbind(db: &mut Db, caller: &Caller, id: i64, remote: Option<&str>) -> Result<(), ApiError> {
    write(db, |tx| {
        let removed: Option<(String, String)> = tx
            .query_opt(
                "DELETE FROM bindings WHERE id = ?1 AND user_id = ?2 RETURNING ca_lock_id, cert_sha256",
                params![id, caller.user_id],
            )?
            .map(|r| Ok::<_, DbError>((r.get(0)?, r.get(1)?)))
            .transpose()?;
        // A CA login of this certificate in flight finishes first; its session ends below.
        if let Some((_, sha)) = &removed {
            tx.lock(&format!("certificate {sha}"))?;
        }
        let (lock, sha) = match &removed {
            Some((l, s)) => (Some(l.as_str()), Some(s.as_str())),
            None => (None, None),
        };
        audit(
            tx,
            &AuditEvent {
                event: "unbind",
                account: Some(&caller.account),
                ca_lock_id: lock,
                cert_sha256: sha,
                result: if removed.is_some() { "ok" } else { code::NOT_FOUND },
                remote,
            },
        )?;
        let Some((ca_lock_id, cert_sha256)) = removed else {
            return Ok(Err(ApiError::not_found()));
        };
        let ended = EndedBinding { id, ca_lock_id, cert_sha256 };
        end_sessions_of_bindings(tx, &[ended], "binding_removed", remote)?;
        Ok(Ok(()))
    })?
}
