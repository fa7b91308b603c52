//! What a key presents to prove itself: a certificate the platform trusts and has not revoked,
//! and a signature over the contract's bytes.

use std::sync::{Arc, Mutex, PoisonError};

use axum::http::StatusCode;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};
use zca_contract::{code, signed_bytes, Algorithm, Purpose};

use super::sessions::EndedBinding;
use super::Config;
use crate::challenge;
use crate::db::{params, Db, DbError};
use crate::error::ApiError;
use crate::pki::{self, CertificateProblem, SignatureError};

/// Taken shared by CA logins and binds while they confirm a certificate's standing, and
/// exclusively by the operator's revocations and removed anchors (`end_untrusted_sessions`):
/// either the login sees the change, or the change sees the login's session.
const TRUST_LOCK: &str = "trust";

fn trusted_cas(db: &mut Db) -> Result<Vec<Vec<u8>>, ApiError> {
    let rows = db.query("SELECT der FROM trust ORDER BY id", &[])?;
    Ok(rows.iter().map(|r| r.get(0)).collect::<Result<_, _>>()?)
}

/// Whether the platform accepts this certificate now: trusted, valid, usable for a client's
/// signature, and not revoked by the operator.
fn standing(db: &mut Db, cert: &X509Certificate<'_>, sha256: &str) -> Result<(), ApiError> {
    check_chain(cert, &trusted_cas(db)?)?;
    not_revoked(db, cert, sha256)
}

/// Trusted (by these CAs), valid, usable for a client's signature.
fn check_chain(cert: &X509Certificate<'_>, trusted: &[Vec<u8>]) -> Result<(), ApiError> {
    pki::check_certificate(cert, trusted, OffsetDateTime::now_utc()).map_err(|p| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            match p {
                CertificateProblem::Untrusted => code::CERTIFICATE_UNTRUSTED,
                CertificateProblem::Expired => code::CERTIFICATE_EXPIRED,
                CertificateProblem::NotYetValid => code::CERTIFICATE_NOT_YET_VALID,
                CertificateProblem::KeyUsage => code::CERTIFICATE_KEY_USAGE,
            },
        )
    })
}

fn not_revoked(db: &mut Db, cert: &X509Certificate<'_>, sha256: &str) -> Result<(), ApiError> {
    let (serial, issuer) = revocation_of(cert);
    not_revoked_by(db, &serial, issuer, sha256)
}

fn not_revoked_by(db: &mut Db, serial: &str, issuer: &[u8], sha256: &str) -> Result<(), ApiError> {
    if is_revoked(db, serial, issuer, sha256)? {
        return Err(ApiError::new(StatusCode::FORBIDDEN, code::CERTIFICATE_REVOKED));
    }
    Ok(())
}

/// Revoked by its SHA-256, or by its serial (from any issuer, or from the issuer named).
fn is_revoked(db: &mut Db, serial: &str, issuer: &[u8], sha256: &str) -> Result<bool, ApiError> {
    let row = db.query_one(
        "SELECT EXISTS (SELECT 1 FROM revoked
         WHERE sha256 = ?1 OR (serial = ?2 AND (issuer IS NULL OR issuer = ?3)))",
        params![sha256, serial, issuer],
    )?;
    Ok(row.get(0)?)
}

/// How a revocation by serial names a certificate: its serial as the contract writes it, and
/// its issuer's name (DER).
fn revocation_of<'a>(cert: &'a X509Certificate<'_>) -> (String, &'a [u8]) {
    (zca_contract::serial_hex(cert.tbs_certificate.raw_serial()), cert.issuer().as_raw())
}

/// After the operator took trust away (an anchor removed, a certificate revoked): ends the CA
/// sessions of every binding whose certificate the platform no longer accepts.
pub fn end_untrusted_sessions(tx: &mut Db, why: &str) -> Result<usize, ApiError> {
    tx.lock(TRUST_LOCK)?;
    let rows: Vec<(EndedBinding, Vec<u8>)> = tx
        .query(
            "SELECT DISTINCT b.id, b.ca_lock_id, b.cert_sha256, b.certificate FROM bindings b
             JOIN sessions s ON s.binding_id = b.id
             WHERE s.revoked_at IS NULL AND s.expires_at > ?1",
            params![crate::clock::now()],
        )?
        .iter()
        .map(|r| {
            let binding =
                EndedBinding { id: r.get(0)?, ca_lock_id: r.get(1)?, cert_sha256: r.get(2)? };
            Ok((binding, r.get(3)?))
        })
        .collect::<Result<_, DbError>>()?;
    let mut untrusted = Vec::new();
    for (binding, der) in rows {
        let accepted = X509Certificate::from_der(&der)
            .map_err(|_| ApiError::internal())
            .and_then(|(_, cert)| standing(tx, &cert, &binding.cert_sha256));
        if accepted.is_err() {
            untrusted.push(binding);
        }
    }
    super::sessions::end_sessions_of_bindings(tx, &untrusted, why, None)
}

/// What a client presents to prove it holds a key: the fields shared by CA login and bind.
pub(super) struct Proof<'a> {
    pub challenge_id: &'a str,
    pub certificate: &'a str,
    pub algorithm: &'a str,
    pub signature: &'a str,
}

/// The trusted CAs as this process last read them: what a proof is checked against before a
/// database connection is taken. Never the last word: the transaction that acts on the proof
/// reads them again (`confirm_standing`), so a CA removed at any instance is never missed.
#[derive(Clone, Default)]
pub struct TrustSeen(Arc<Mutex<Arc<Vec<Vec<u8>>>>>);

impl std::fmt::Debug for TrustSeen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrustSeen({} CAs)", self.get().len())
    }
}

impl TrustSeen {
    fn get(&self) -> Arc<Vec<Vec<u8>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn set(&self, trusted: Arc<Vec<Vec<u8>>>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = trusted;
    }
}

/// A proof as far as it is checked without the database: the certificate's chain (against
/// the trust last seen) and the signature over the contract's bytes. That is a request's CPU,
/// so it is done before a connection is taken; `confirm_standing` gives the verdict.
pub(super) struct Presented {
    pub der: Vec<u8>,
    pub sha256: String,
    /// How a revocation names it (serial, issuer's DER): read once, with the rest.
    serial: String,
    issuer: Vec<u8>,
    checked_against: Arc<Vec<Vec<u8>>>,
    chain: Result<(), ApiError>,
    signature: Result<(), ApiError>,
}

pub(super) fn present(
    cfg: &Config,
    purpose: Purpose,
    challenge: &challenge::Opened,
    proof: &Proof<'_>,
    ca_lock_id: &str,
) -> Result<Presented, ApiError> {
    let der = STANDARD.decode(proof.certificate.trim()).map_err(|_| ApiError::invalid_request())?;
    let signature =
        STANDARD.decode(proof.signature.trim()).map_err(|_| ApiError::invalid_request())?;
    let cert = parse(&der)?;
    let sha256 = pki::sha256_hex(&der);
    let (serial, issuer) = revocation_of(&cert);
    let issuer = issuer.to_vec();
    let checked_against = cfg.trust_seen.get();
    let chain = check_chain(&cert, &checked_against);
    let msg = signed_bytes(
        purpose,
        &cfg.origin,
        proof.challenge_id,
        &challenge.nonce,
        &sha256,
        ca_lock_id,
    );
    let signature = Algorithm::parse(proof.algorithm)
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, code::UNSUPPORTED_ALGORITHM))
        .and_then(|algorithm| {
            pki::verify(algorithm, cert.public_key(), &msg, &signature).map_err(|e| match e {
                SignatureError::Unsupported => {
                    ApiError::new(StatusCode::BAD_REQUEST, code::UNSUPPORTED_ALGORITHM)
                }
                SignatureError::Invalid => {
                    ApiError::new(StatusCode::UNAUTHORIZED, code::SIGNATURE_INVALID)
                }
            })
        });
    Ok(Presented { der, sha256, serial, issuer, checked_against, chain, signature })
}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, ApiError> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        _ => Err(ApiError::invalid_request()),
    }
}

/// Inside the transaction that acts on the proof, under the lock that revocations and removed
/// anchors take (`TRUST_LOCK`): the certificate stands (its chain checked again if the trusted
/// CAs changed since), is not revoked, and made the signature.
pub(super) fn confirm_standing(
    tx: &mut Db,
    cfg: &Config,
    presented: &Presented,
) -> Result<(), ApiError> {
    tx.lock_shared(TRUST_LOCK)?;
    let trusted = trusted_cas(tx)?;
    if trusted == *presented.checked_against {
        presented.chain.clone()?;
    } else {
        // The certificate is read again only when the trust changed under the request.
        let chain = check_chain(&parse(&presented.der)?, &trusted);
        cfg.trust_seen.set(Arc::new(trusted));
        chain?;
    }
    not_revoked_by(tx, &presented.serial, &presented.issuer, &presented.sha256)?;
    presented.signature.clone()
}

/// The certificate's SHA-256 for the audit row: the one `present` computed, or — when the proof
/// was refused before (a spent challenge) — computed here, so that the audit still names it.
pub(super) fn audit_sha256(
    presented: &Result<&Presented, ApiError>,
    certificate_b64: &str,
) -> Option<String> {
    match presented {
        Ok(p) => Some(p.sha256.clone()),
        Err(_) => STANDARD.decode(certificate_b64.trim()).ok().map(|der| pki::sha256_hex(&der)),
    }
}
