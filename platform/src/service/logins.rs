//! Logins: by password (the source's standing, the account's lockout from that source) and by
//! a key's proof (CA login); each opens a session.

use axum::http::StatusCode;
use zca_contract::{code, CaLogin, PasswordLogin, Purpose, Session};

use std::sync::Arc;

use zeroize::Zeroizing;

use super::challenges::{open_challenge, spend_challenge};
use super::passwords::DUMMY_HASH;
use super::proof::{audit_sha256, confirm_standing, present, Presented, Proof};
use super::sessions::create_session;
use super::throttle::Verdict;
use super::{audit, write, AuditEvent, Config};
use crate::challenge;
use crate::clock::now;
use crate::db::{params, Db, Pool};
use crate::error::ApiError;

/// Failed password logins allowed per account and source within `LOCKOUT_WINDOW` seconds.
pub const LOCKOUT_FAILURES: i64 = 5;
pub const LOCKOUT_WINDOW: i64 = 15 * 60;

/// Password login: the source's standing first (a failing source waits, then is refused, see
/// `throttle`), then the account's lockout from this source and the failure recorded in one
/// write (so that concurrent guesses, on any instance, never pass the limit), then the hash
/// compared in the hashing pool — with no database connection held — and the outcome written.
pub async fn password_login(
    pool: &Pool,
    cfg: Arc<Config>,
    req: PasswordLogin,
    source: Option<String>,
) -> Result<Session, ApiError> {
    let result = check_password_login(pool, cfg, req, source).await;
    crate::metrics::login("password", result.as_ref().map(drop).map_err(|e| e.code));
    result
}

async fn check_password_login(
    pool: &Pool,
    cfg: Arc<Config>,
    req: PasswordLogin,
    source: Option<String>,
) -> Result<Session, ApiError> {
    let account = req.account.trim().to_string();
    if account.is_empty() || account.len() > 128 {
        return Err(ApiError::invalid_request());
    }
    let from = source.clone().unwrap_or_default();
    match cfg.throttle.verdict(&from) {
        Verdict::Go => {}
        Verdict::Wait(pause) => tokio::time::sleep(pause).await,
        Verdict::Refuse(retry) => {
            cfg.throttle.hold_refusal().await;
            return Err(too_many(retry));
        }
    }
    let place = cfg.hasher.reserve().map_err(|_| too_many(1))?;
    let (c, a, s) = (cfg.clone(), account.clone(), source.clone());
    let user = pool.run(move |db| Ok(begin_password_login(db, &c, &a, s.as_deref())?)).await?;
    let hash = user.as_ref().map_or_else(|| DUMMY_HASH.clone(), |u| u.hash.clone());
    let matches =
        place.verify(Zeroizing::new(req.password.clone()), hash).await.map_err(|_| too_many(1))?;
    let ok = matches && user.as_ref().is_some_and(|u| !u.disabled);
    let minute = (now() / 60) as u64;
    let audited = ok || cfg.throttle.failed(&from, minute);
    pool.run(move |db| {
        Ok(finish_password_login(
            db,
            &cfg,
            &account,
            source.as_deref(),
            user.filter(|_| ok),
            audited,
        )?)
    })
    .await?
}

fn too_many(retry_after: u64) -> ApiError {
    let mut err = ApiError::new(StatusCode::TOO_MANY_REQUESTS, code::TOO_MANY_ATTEMPTS);
    err.retry_after = Some(retry_after);
    err
}

/// An account's password hash, as the login reads it.
pub struct Account {
    id: i64,
    hash: String,
    disabled: bool,
}

/// The account's lockout from this source, and the attempt recorded as a failure: one write.
/// `None` for an account that does not exist (its hash is compared all the same).
fn begin_password_login(
    db: &mut Db,
    cfg: &Config,
    account: &str,
    source: Option<&str>,
) -> Result<Option<Account>, ApiError> {
    let now = now();
    let from = source.unwrap_or_default();
    let locked = write(db, |tx| {
        tx.lock(&format!("login_failures {account} {from}"))?;
        let r = tx.query_one(
            "SELECT count(*), min(time) FROM login_failures
             WHERE account = ?1 AND source = ?2 AND time > ?3",
            params![account, from, now - LOCKOUT_WINDOW],
        )?;
        let (count, oldest): (i64, Option<i64>) = (r.get(0)?, r.get(1)?);
        if count >= LOCKOUT_FAILURES {
            return Ok(Some((oldest.unwrap_or(now) + LOCKOUT_WINDOW - now).max(1) as u64));
        }
        tx.execute(
            "INSERT INTO login_failures (account, source, time) VALUES (?1, ?2, ?3)",
            params![account, from, now],
        )?;
        Ok(None)
    })?;
    if let Some(retry) = locked {
        // A locked account's further tries are the spray's, not news: the source's count
        // takes them, and one audit row a minute per source says how many there were.
        if cfg.throttle.failed(from, (now / 60) as u64) {
            let event = password_event(account, code::TOO_MANY_ATTEMPTS, source);
            write(db, |tx| audit(tx, &event))?;
        }
        return Err(too_many(retry));
    }
    db.query_opt(
        "SELECT id, password_hash, disabled FROM users WHERE account = ?1",
        params![account],
    )?
    .map(|r| Ok(Account { id: r.get(0)?, hash: r.get(1)?, disabled: r.get(2)? }))
    .transpose()
}

/// The outcome written: for a match, the account's failures from this source cleared and a
/// session opened; for anything else, `invalid_credentials` (audited when `audited`).
fn finish_password_login(
    db: &mut Db,
    cfg: &Config,
    account: &str,
    source: Option<&str>,
    user: Option<Account>,
    audited: bool,
) -> Result<Result<Session, ApiError>, ApiError> {
    let from = source.unwrap_or_default();
    match user {
        Some(user) => write(db, |tx| {
            tx.execute(
                "DELETE FROM login_failures WHERE account = ?1 AND source = ?2",
                params![account, from],
            )?;
            audit(tx, &password_event(account, "ok", source))?;
            create_session(tx, cfg, user.id, "password", None).map(Ok)
        }),
        None => {
            if audited {
                let event = password_event(account, code::INVALID_CREDENTIALS, source);
                write(db, |tx| audit(tx, &event))?;
            }
            Ok(Err(ApiError::new(StatusCode::UNAUTHORIZED, code::INVALID_CREDENTIALS)))
        }
    }
}

fn password_event<'a>(
    account: &'a str,
    result: &'a str,
    remote: Option<&'a str>,
) -> AuditEvent<'a> {
    AuditEvent {
        event: "password_login",
        account: Some(account),
        ca_lock_id: None,
        cert_sha256: None,
        result,
        remote,
    }
}

/// A CA login as far as it goes without the database: its challenge opened and its signature
/// verified, the request's CPU, done before a connection is taken (`ca_login` completes it).
pub struct CaLoginAttempt {
    opened: Result<challenge::Opened, ApiError>,
    presented: Result<Presented, ApiError>,
    /// For the audit row, also when the certificate is refused.
    sha256: Option<String>,
}

pub fn prepare_ca_login(cfg: &Config, req: &CaLogin) -> CaLoginAttempt {
    let proof = Proof {
        challenge_id: &req.challenge_id,
        certificate: &req.certificate,
        algorithm: &req.algorithm,
        signature: &req.signature,
    };
    let opened = open_challenge(cfg, &req.challenge_id, Purpose::Login, None);
    let presented = opened
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|challenge| present(cfg, Purpose::Login, challenge, &proof, ""));
    let sha256 = audit_sha256(&presented.as_ref().map_err(Clone::clone), &req.certificate);
    CaLoginAttempt { opened, presented, sha256 }
}

/// Completes a CA login: the certificate's standing checked, the challenge spent, a session
/// opened for the account the certificate is bound to, the attempt audited.
pub fn ca_login(
    db: &mut Db,
    cfg: &Config,
    attempt: CaLoginAttempt,
    remote: Option<&str>,
) -> Result<Session, ApiError> {
    let result = complete_ca_login(db, cfg, attempt, remote);
    crate::metrics::login("ca", result.as_ref().map(drop).map_err(|e| e.code));
    result
}

fn complete_ca_login(
    db: &mut Db,
    cfg: &Config,
    attempt: CaLoginAttempt,
    remote: Option<&str>,
) -> Result<Session, ApiError> {
    let CaLoginAttempt { opened, presented, sha256: sha } = attempt;
    // One write: the challenge spent, the session opened and the attempt audited together.
    let result = write(db, |tx| {
        let result = opened
            .and_then(|challenge| spend_challenge(tx, &challenge))
            .and(presented)
            .and_then(|presented| {
                confirm_standing(tx, cfg, &presented)?;
                open_ca_session(tx, cfg, &presented.sha256)
            });
        let mut event = AuditEvent {
            event: "ca_login",
            account: None,
            ca_lock_id: None,
            cert_sha256: sha.as_deref(),
            result: "ok",
            remote,
        };
        match &result {
            Ok((session, ca_lock_id)) => {
                event.account = Some(&session.user.account);
                event.ca_lock_id = Some(ca_lock_id);
            }
            Err(e) => event.result = e.code,
        }
        audit(tx, &event)?;
        Ok(result)
    })?;
    result.map(|(session, _)| session)
}

/// A session for the account the certificate is bound to, with the binding's CA锁ID. Takes its
/// turn with an unbind of the certificate (`unbind`), so that a session is never opened for a
/// binding removed at the same moment on another instance.
fn open_ca_session(
    db: &mut Db,
    cfg: &Config,
    cert_sha256: &str,
) -> Result<(Session, String), ApiError> {
    db.lock(&format!("certificate {cert_sha256}"))?;
    let r = db
        .query_opt(
            "SELECT b.id, b.user_id, b.ca_lock_id FROM bindings b JOIN users u ON u.id = b.user_id
             WHERE b.cert_sha256 = ?1 AND u.disabled = 0",
            params![cert_sha256],
        )?
        .ok_or_else(|| ApiError::new(StatusCode::FORBIDDEN, code::CERTIFICATE_NOT_BOUND))?;
    let (binding_id, user_id, ca_lock_id): (i64, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
    let session = create_session(db, cfg, user_id, "ca", Some(binding_id))?;
    Ok((session, ca_lock_id))
}
