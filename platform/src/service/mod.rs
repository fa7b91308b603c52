//! What the platform does, on one database connection: the rules of the contract, written once
//! for both databases (see `db`). The HTTP layer (`api.rs`) only extracts requests and calls
//! these; the operator's commands (`admin.rs`) use the same rules where they touch the same
//! things.

mod bindings;
mod challenges;
mod drivers;
mod logins;
mod passwords;
mod proof;
mod sessions;
mod throttle;

use std::path::PathBuf;

pub use bindings::{bind, bindings, prepare_bind, unbind, BindAttempt};
pub use challenges::{new_challenge, MAX_CHALLENGE_TTL};
pub use drivers::{driver_file, driver_path, drivers};
pub use logins::{
    ca_login, password_login, prepare_ca_login, CaLoginAttempt, LOCKOUT_FAILURES, LOCKOUT_WINDOW,
};
pub use passwords::{hash_password, Hasher};
pub use proof::{end_untrusted_sessions, TrustSeen};
pub use sessions::{authenticate, logout, me, session_facts};
pub use throttle::Throttle;

use crate::challenge::ChallengeKey;
use crate::clock::now;
use crate::db::{params, Db, DbError};
use crate::error::ApiError;

#[derive(Clone)]
pub struct Config {
    /// `https://host:port` as clients reach the server: part of every signed message.
    pub origin: String,
    pub session_ttl: i64,
    pub challenge_ttl: i64,
    pub challenge_key: ChallengeKey,
    pub data_dir: PathBuf,
    /// The CA client service's addresses the web pages try (`--bridge`).
    pub bridge_urls: Vec<String>,
    pub trust_seen: TrustSeen,
    /// Password logins' counts per source (a spray), this instance's.
    pub throttle: std::sync::Arc<Throttle>,
    /// The password hashing pool.
    pub hasher: std::sync::Arc<Hasher>,
}

/// The caller of an authenticated request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i64,
    pub account: String,
    pub token_hash: Vec<u8>,
}

impl From<DbError> for ApiError {
    fn from(err: DbError) -> Self {
        tracing::error!(error = %err, "database error");
        ApiError::internal()
    }
}

/// Runs `f` in one write transaction, committed when `f` returns `Ok`.
fn write<T>(db: &mut Db, f: impl FnOnce(&mut Db) -> Result<T, ApiError>) -> Result<T, ApiError> {
    db.transaction(f)
}

/// One line of the audit table. Never given a secret: no password, PIN, token or signature.
pub struct AuditEvent<'a> {
    pub event: &'a str,
    pub account: Option<&'a str>,
    pub ca_lock_id: Option<&'a str>,
    pub cert_sha256: Option<&'a str>,
    pub result: &'a str,
    pub remote: Option<&'a str>,
}

pub fn audit(db: &mut Db, e: &AuditEvent<'_>) -> Result<(), ApiError> {
    db.execute(
        "INSERT INTO audit (time, event, account, ca_lock_id, cert_sha256, result, remote)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![now(), e.event, e.account, e.ca_lock_id, e.cert_sha256, e.result, e.remote],
    )?;
    Ok(())
}

/// Removes what can no longer be used: the record of expired challenges, sessions that expired
/// or were ended, and failed password logins older than the lockout window (the audit table
/// keeps the history). Run now and then by the server, so that no request pays for it.
pub fn sweep(db: &mut Db) -> Result<u64, ApiError> {
    let now = now();
    write(db, |tx| {
        let mut removed =
            tx.execute("DELETE FROM spent_challenges WHERE expires_at < ?1", params![now])?;
        removed += tx.execute(
            "DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at IS NOT NULL",
            params![now],
        )?;
        removed += tx
            .execute("DELETE FROM login_failures WHERE time < ?1", params![now - LOCKOUT_WINDOW])?;
        Ok(removed)
    })
}

/// One audit row per source and minute for the failed password logins left without a row of
/// their own (a spray's), with their count: the audit of a spray stays bounded.
pub fn audit_unaudited(db: &mut Db, throttle: &Throttle) -> Result<(), ApiError> {
    let minute = (now() / 60) as u64;
    let sums = throttle.take_unaudited(minute);
    if sums.is_empty() {
        return Ok(());
    }
    write(db, |tx| {
        for (source, minute, count) in &sums {
            tx.execute(
                "INSERT INTO audit (time, event, account, ca_lock_id, cert_sha256, result, remote, count)
                 VALUES (?1, 'password_login', NULL, NULL, NULL, ?2, ?3, ?4)",
                params![(*minute as i64) * 60 + 59, zca_contract::code::INVALID_CREDENTIALS, source, *count as i64],
            )?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_removes_only_what_can_no_longer_be_used() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = crate::db::Database::sqlite_in(dir.path()).open().unwrap();
        let (past, future) = (now() - 1, now() + 100);
        db.batch(&format!(
            "INSERT INTO users (id, account, name, organization, password_hash, created_at)
                 VALUES (1, 'a', 'A', 'O', 'h', 1);
             INSERT INTO spent_challenges (id, expires_at)
                 VALUES (x'0a', {past}), (x'0b', {future});
             INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at, revoked_at)
                 VALUES (x'01', 1, 'ca', 1, {past}, NULL), (x'02', 1, 'ca', 1, {future}, 5),
                        (x'03', 1, 'ca', 1, {future}, NULL);
             INSERT INTO login_failures (account, time)
                 VALUES ('a', {}), ('a', {past});",
            past - LOCKOUT_WINDOW
        ))
        .unwrap();
        assert_eq!(sweep(&mut db).unwrap(), 4);
        let mut left = |sql: &str| -> i64 { db.query_one(sql, &[]).unwrap().get(0).unwrap() };
        assert_eq!(left("SELECT count(*) FROM spent_challenges WHERE id = x'0b'"), 1);
        assert_eq!(left("SELECT count(*) FROM sessions WHERE token_hash = x'03'"), 1);
        assert_eq!(left("SELECT count(*) FROM login_failures"), 1);
        assert_eq!(sweep(&mut db).unwrap(), 0);
    }
}
