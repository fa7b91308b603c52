//! Sessions: opened with a random token (only its SHA-256 is stored), the caller behind a
//! token, and ended — by logout, or with the binding or the trust they were opened with.

use sha2::{Digest, Sha256};
use zca_contract::{Session, User};

use super::{audit, write, AuditEvent, Caller, Config};
use crate::clock::{now, rfc3339_unix};
use crate::db::{params, Db};
use crate::error::ApiError;

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn user_by_id(db: &mut Db, id: i64) -> Result<User, ApiError> {
    let r =
        db.query_one("SELECT account, name, organization FROM users WHERE id = ?1", params![id])?;
    Ok(User { account: r.get(0)?, name: r.get(1)?, organization: r.get(2)? })
}

pub(super) fn create_session(
    db: &mut Db,
    cfg: &Config,
    user_id: i64,
    kind: &str,
    binding_id: Option<i64>,
) -> Result<Session, ApiError> {
    let token = zca_crypto::random::token();
    let now = now();
    let expires = now + cfg.session_ttl;
    db.execute(
        "INSERT INTO sessions (token_hash, user_id, kind, binding_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![token_hash(&token), user_id, kind, binding_id, now, expires],
    )?;
    Ok(Session {
        token,
        expires_at: rfc3339_unix(expires),
        user: user_by_id(db, user_id)?,
        binding_id,
    })
}

/// The caller behind a bearer token: a session that exists, is not revoked or expired, of an
/// account that is not disabled.
pub fn authenticate(db: &mut Db, token: &str) -> Result<Caller, ApiError> {
    let hash = token_hash(token);
    let r = db
        .query_opt(
            "SELECT u.id, u.account FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2 AND u.disabled = 0",
            params![hash, now()],
        )?
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(Caller { user_id: r.get(0)?, account: r.get(1)?, token_hash: hash })
}

/// How the caller's session was opened (`password` or `ca`) and when it expires (RFC 3339).
pub fn session_facts(db: &mut Db, caller: &Caller) -> Result<(String, String), ApiError> {
    let r = db.query_one(
        "SELECT kind, expires_at FROM sessions WHERE token_hash = ?1",
        params![caller.token_hash],
    )?;
    Ok((r.get(0)?, rfc3339_unix(r.get(1)?)))
}

pub fn me(db: &mut Db, caller: &Caller) -> Result<User, ApiError> {
    user_by_id(db, caller.user_id)
}

pub fn logout(db: &mut Db, caller: &Caller) -> Result<(), ApiError> {
    write(db, |tx| {
        tx.execute(
            "UPDATE sessions SET revoked_at = ?1 WHERE token_hash = ?2",
            params![now(), caller.token_hash],
        )?;
        Ok(())
    })
}

/// A binding whose CA sessions end: its id, CA锁ID and certificate's SHA-256 (for the audit).
pub struct EndedBinding {
    pub id: i64,
    pub ca_lock_id: String,
    pub cert_sha256: String,
}

/// Ends the CA sessions that these bindings opened, one audit row each, in the caller's
/// transaction: a session lives no longer than the binding (or the trust) it was opened with.
pub fn end_sessions_of_bindings(
    tx: &mut Db,
    bindings: &[EndedBinding],
    why: &str,
    remote: Option<&str>,
) -> Result<usize, ApiError> {
    let mut ended = 0;
    for b in bindings {
        let accounts: Vec<String> = tx
            .query(
                "UPDATE sessions SET revoked_at = ?1
                 WHERE binding_id = ?2 AND revoked_at IS NULL AND expires_at > ?1
                 RETURNING (SELECT account FROM users WHERE users.id = sessions.user_id)",
                params![now(), b.id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect::<Result<_, _>>()?;
        for account in &accounts {
            let event = AuditEvent {
                event: "session_ended",
                account: Some(account),
                ca_lock_id: Some(&b.ca_lock_id),
                cert_sha256: Some(&b.cert_sha256),
                result: why,
                remote,
            };
            audit(tx, &event)?;
        }
        ended += accounts.len();
    }
    Ok(ended)
}
