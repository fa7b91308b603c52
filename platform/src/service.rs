//! What the platform does, on one database connection: the rules of the contract. The HTTP
//! layer (`api.rs`) only extracts requests and calls these.

use std::path::PathBuf;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use axum::http::StatusCode;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};
use zca_contract::{
    code, signed_bytes, Algorithm, BindRequest, Binding, BindingStatus, CaLogin, CertificateInfo,
    Challenge, Driver, PasswordLogin, Purpose, Session, User, CA_LOCK_ID_MAX,
};

use crate::challenge::{self, ChallengeKey};
use crate::error::ApiError;
use crate::pki::{self, CertificateProblem, SignatureError};

/// Failed password logins allowed per account within `LOCKOUT_WINDOW` seconds.
pub const LOCKOUT_FAILURES: i64 = 5;
pub const LOCKOUT_WINDOW: i64 = 15 * 60;
/// The contract's upper bound for a challenge's life.
pub const MAX_CHALLENGE_TTL: i64 = 120;

#[derive(Clone, Debug)]
pub struct Config {
    /// `https://host:port` as clients reach the server: part of every signed message.
    pub origin: String,
    pub session_ttl: i64,
    pub challenge_ttl: i64,
    pub challenge_key: ChallengeKey,
    pub data_dir: PathBuf,
}

/// The caller of an authenticated request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i64,
    pub account: String,
    pub token_hash: Vec<u8>,
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn rfc3339(unix: i64) -> String {
    pki::rfc3339(OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}

fn random_b64(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source works");
    URL_SAFE_NO_PAD.encode(buf)
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn db(err: rusqlite::Error) -> ApiError {
    tracing::error!(error = %err, "database error");
    ApiError::internal()
}

/// Runs `f` in one IMMEDIATE transaction, committed when `f` returns `Ok`. This process's
/// writers first take their turn (`db::writer_turn`), so that they wait in line instead of
/// napping in SQLite's busy handler, which under load gives some requests a long wait.
fn write<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction<'_>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let _turn = crate::db::writer_turn();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    let value = f(&tx)?;
    tx.commit().map_err(db)?;
    Ok(value)
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

pub fn audit(conn: &Connection, e: &AuditEvent<'_>) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO audit (time, event, account, ca_lock_id, cert_sha256, result, remote)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![now(), e.event, e.account, e.ca_lock_id, e.cert_sha256, e.result, e.remote],
    )
    .map_err(db)?;
    Ok(())
}

// ---------------------------------------------------------------- accounts and sessions

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?
        .to_string())
}

/// Compared against when the account does not exist, so that both cases take the same time.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("not the password of anyone").expect("argon2 works"));

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn user_by_id(conn: &Connection, id: i64) -> Result<User, ApiError> {
    conn.query_row("SELECT account, name, organization FROM users WHERE id = ?1", [id], |r| {
        Ok(User { account: r.get(0)?, name: r.get(1)?, organization: r.get(2)? })
    })
    .map_err(db)
}

fn create_session(
    conn: &Connection,
    cfg: &Config,
    user_id: i64,
    kind: &str,
    binding_id: Option<i64>,
) -> Result<Session, ApiError> {
    let token = random_b64(32);
    let now = now();
    let expires = now + cfg.session_ttl;
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, kind, binding_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![token_hash(&token), user_id, kind, binding_id, now, expires],
    )
    .map_err(db)?;
    Ok(Session {
        token,
        expires_at: rfc3339(expires),
        user: user_by_id(conn, user_id)?,
        binding_id,
    })
}

/// Password login with lockout: the attempt is recorded as a failure before the password is
/// checked, so that concurrent guesses can never exceed the limit; a success clears them.
pub fn password_login(
    conn: &mut Connection,
    cfg: &Config,
    req: &PasswordLogin,
    remote: Option<&str>,
) -> Result<Session, ApiError> {
    let account = req.account.trim();
    if account.is_empty() || account.len() > 128 {
        return Err(ApiError::invalid_request());
    }
    let now = now();
    let event = |result| AuditEvent {
        event: "password_login",
        account: Some(account),
        ca_lock_id: None,
        cert_sha256: None,
        result,
        remote,
    };
    let attempt = write(conn, |tx| {
        let (count, oldest): (i64, Option<i64>) = tx
            .query_row(
                "SELECT count(*), min(time) FROM login_failures WHERE account = ?1 AND time > ?2",
                params![account, now - LOCKOUT_WINDOW],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(db)?;
        if count >= LOCKOUT_FAILURES {
            audit(tx, &event(code::TOO_MANY_ATTEMPTS))?;
            return Ok(Err((oldest.unwrap_or(now) + LOCKOUT_WINDOW - now).max(1) as u64));
        }
        tx.execute(
            "INSERT INTO login_failures (account, time) VALUES (?1, ?2)",
            params![account, now],
        )
        .map_err(db)?;
        let user: Option<(i64, String, bool)> = tx
            .query_row(
                "SELECT id, password_hash, disabled FROM users WHERE account = ?1",
                [account],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(db)?;
        Ok(Ok(user))
    })?;
    let user = match attempt {
        Ok(user) => user,
        Err(retry) => {
            let mut err = ApiError::new(StatusCode::TOO_MANY_REQUESTS, code::TOO_MANY_ATTEMPTS);
            err.retry_after = Some(retry);
            return Err(err);
        }
    };

    // The slow part, outside the write lock.
    let ok = match &user {
        Some((_, hash, disabled)) => password_matches(&req.password, hash) && !disabled,
        None => {
            password_matches(&req.password, &DUMMY_HASH);
            false
        }
    };
    match (ok, user) {
        (true, Some((user_id, _, _))) => write(conn, |tx| {
            tx.execute("DELETE FROM login_failures WHERE account = ?1", [account]).map_err(db)?;
            audit(tx, &event("ok"))?;
            create_session(tx, cfg, user_id, "password", None)
        }),
        _ => {
            write(conn, |tx| audit(tx, &event(code::INVALID_CREDENTIALS)))?;
            Err(ApiError::new(StatusCode::UNAUTHORIZED, code::INVALID_CREDENTIALS))
        }
    }
}

/// The caller behind a bearer token: a session that exists, is not revoked or expired, of an
/// account that is not disabled.
pub fn authenticate(conn: &Connection, token: &str) -> Result<Caller, ApiError> {
    let hash = token_hash(token);
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT u.id, u.account FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2 AND u.disabled = 0",
            params![hash, now()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(db)?;
    let (user_id, account) = found.ok_or_else(ApiError::unauthenticated)?;
    Ok(Caller { user_id, account, token_hash: hash })
}

pub fn me(conn: &Connection, caller: &Caller) -> Result<User, ApiError> {
    user_by_id(conn, caller.user_id)
}

pub fn logout(conn: &mut Connection, caller: &Caller) -> Result<(), ApiError> {
    write(conn, |tx| {
        tx.execute(
            "UPDATE sessions SET revoked_at = ?1 WHERE token_hash = ?2",
            params![now(), caller.token_hash],
        )
        .map_err(db)
    })?;
    Ok(())
}

// ---------------------------------------------------------------- challenges

/// A new challenge; nothing is written (see `challenge`).
pub fn new_challenge(
    cfg: &Config,
    purpose: Purpose,
    caller: Option<&Caller>,
) -> Result<Challenge, ApiError> {
    let session_hash = match (purpose, caller) {
        (Purpose::Bind, Some(c)) => Some(c.token_hash.as_slice()),
        (Purpose::Bind, None) => return Err(ApiError::unauthenticated()),
        (Purpose::Login, _) => None,
    };
    let expires = now() + cfg.challenge_ttl.clamp(1, MAX_CHALLENGE_TTL);
    let sealed = challenge::seal(&cfg.challenge_key, purpose, expires, &cfg.origin, session_hash);
    Ok(Challenge {
        challenge_id: sealed.id,
        nonce: sealed.nonce,
        origin: cfg.origin.clone(),
        expires_at: rfc3339(expires),
    })
}

/// The challenge of a request, if this server issued it for this purpose (and, for a bind, to
/// this session) and it has not expired. Whether it was used already, `spend_challenge` says.
fn open_challenge(
    cfg: &Config,
    id: &str,
    purpose: Purpose,
    caller: Option<&Caller>,
) -> Result<challenge::Opened, ApiError> {
    let session_hash = caller.map(|c| c.token_hash.as_slice());
    challenge::open(&cfg.challenge_key, id, purpose, &cfg.origin, session_hash, now())
        .ok_or_else(ApiError::challenge_invalid)
}

/// Records the challenge as used, inside the transaction that acts on its proof: of two
/// requests with one challenge only one gets it, and a refused attempt cannot be retried.
fn spend_challenge(tx: &Connection, opened: &challenge::Opened) -> Result<(), ApiError> {
    if opened.expires < now() {
        return Err(ApiError::challenge_invalid());
    }
    let inserted = tx
        .prepare_cached(
            "INSERT INTO spent_challenges (id, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )
        .and_then(|mut stmt| stmt.execute(params![opened.random, opened.expires]))
        .map_err(db)?;
    if inserted == 1 {
        Ok(())
    } else {
        Err(ApiError::challenge_invalid())
    }
}

/// Removes what can no longer be used: the record of expired challenges, sessions that expired
/// or were ended, and failed password logins older than the lockout window (the audit table
/// keeps the history). Run now and then by the server, so that no request pays for it.
pub fn sweep(conn: &mut Connection) -> Result<usize, ApiError> {
    let now = now();
    write(conn, |tx| {
        let mut removed =
            tx.execute("DELETE FROM spent_challenges WHERE expires_at < ?1", [now]).map_err(db)?;
        removed += tx
            .execute("DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at IS NOT NULL", [now])
            .map_err(db)?;
        removed += tx
            .execute("DELETE FROM login_failures WHERE time < ?1", [now - LOCKOUT_WINDOW])
            .map_err(db)?;
        Ok(removed)
    })
}

// ---------------------------------------------------------------- certificates and signatures

fn trusted_cas(conn: &Connection) -> Result<Vec<Vec<u8>>, ApiError> {
    let mut stmt = conn.prepare_cached("SELECT der FROM trust").map_err(db)?;
    let rows = stmt.query_map([], |r| r.get(0)).map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

/// What a client presents to prove it holds a key: the fields shared by CA login and bind.
struct Proof<'a> {
    challenge_id: &'a str,
    certificate: &'a str,
    algorithm: &'a str,
    signature: &'a str,
}

/// The presented certificate, checked against trust, validity and key usage, with the
/// signature over the contract's bytes verified. Returns its DER and SHA-256.
fn check_proof(
    conn: &Connection,
    cfg: &Config,
    purpose: Purpose,
    challenge: &challenge::Opened,
    proof: &Proof<'_>,
    ca_lock_id: &str,
) -> Result<(Vec<u8>, String), ApiError> {
    let der = STANDARD.decode(proof.certificate.trim()).map_err(|_| ApiError::invalid_request())?;
    let signature =
        STANDARD.decode(proof.signature.trim()).map_err(|_| ApiError::invalid_request())?;
    let (rest, cert) = X509Certificate::from_der(&der).map_err(|_| ApiError::invalid_request())?;
    if !rest.is_empty() {
        return Err(ApiError::invalid_request());
    }
    let sha256 = pki::sha256_hex(&der);
    pki::check_certificate(&cert, &trusted_cas(conn)?, OffsetDateTime::now_utc()).map_err(|p| {
        let (status, c) = match p {
            CertificateProblem::Untrusted => (StatusCode::FORBIDDEN, code::CERTIFICATE_UNTRUSTED),
            CertificateProblem::Expired => (StatusCode::FORBIDDEN, code::CERTIFICATE_EXPIRED),
            CertificateProblem::NotYetValid => {
                (StatusCode::FORBIDDEN, code::CERTIFICATE_NOT_YET_VALID)
            }
            CertificateProblem::KeyUsage => (StatusCode::FORBIDDEN, code::CERTIFICATE_KEY_USAGE),
        };
        ApiError::new(status, c)
    })?;
    let algorithm = Algorithm::parse(proof.algorithm)
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, code::UNSUPPORTED_ALGORITHM))?;
    let msg = signed_bytes(
        purpose,
        &cfg.origin,
        proof.challenge_id,
        &challenge.nonce,
        &sha256,
        ca_lock_id,
    );
    pki::verify(algorithm, cert.public_key(), &msg, &signature).map_err(|e| match e {
        SignatureError::Unsupported => {
            ApiError::new(StatusCode::BAD_REQUEST, code::UNSUPPORTED_ALGORITHM)
        }
        SignatureError::Invalid => ApiError::new(StatusCode::UNAUTHORIZED, code::SIGNATURE_INVALID),
    })?;
    Ok((der, sha256))
}

/// The fields of a presented certificate we can name in the audit log even when it is refused.
fn cert_sha256_of(certificate_b64: &str) -> Option<String> {
    STANDARD.decode(certificate_b64.trim()).ok().map(|der| pki::sha256_hex(&der))
}

// ---------------------------------------------------------------- CA login

pub fn ca_login(
    conn: &mut Connection,
    cfg: &Config,
    req: &CaLogin,
    remote: Option<&str>,
) -> Result<Session, ApiError> {
    let proof = Proof {
        challenge_id: &req.challenge_id,
        certificate: &req.certificate,
        algorithm: &req.algorithm,
        signature: &req.signature,
    };
    let opened = open_challenge(cfg, &req.challenge_id, Purpose::Login, None);
    let checked = opened
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|challenge| check_proof(conn, cfg, Purpose::Login, challenge, &proof, ""));
    let sha = cert_sha256_of(&req.certificate);
    // One write: the challenge spent, the session opened and the attempt audited together.
    let result = write(conn, |tx| {
        let result = opened
            .and_then(|challenge| spend_challenge(tx, &challenge))
            .and(checked)
            .and_then(|(_, sha256)| open_ca_session(tx, cfg, &sha256));
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

/// A session for the account the certificate is bound to, with the binding's CA锁ID.
fn open_ca_session(
    conn: &Connection,
    cfg: &Config,
    cert_sha256: &str,
) -> Result<(Session, String), ApiError> {
    let binding: Option<(i64, i64, String)> = conn
        .prepare_cached(
            "SELECT b.id, b.user_id, b.ca_lock_id FROM bindings b JOIN users u ON u.id = b.user_id
             WHERE b.cert_sha256 = ?1 AND u.disabled = 0",
        )
        .and_then(|mut stmt| {
            stmt.query_row([cert_sha256], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()
        })
        .map_err(db)?;
    let (binding_id, user_id, ca_lock_id) =
        binding.ok_or_else(|| ApiError::new(StatusCode::FORBIDDEN, code::CERTIFICATE_NOT_BOUND))?;
    let session = create_session(conn, cfg, user_id, "ca", Some(binding_id))?;
    Ok((session, ca_lock_id))
}

// ---------------------------------------------------------------- bindings

const BINDING_COLUMNS: &str =
    "b.id, b.ca_lock_id, b.subject, b.common_name, b.organization, b.issuer, b.serial,
     b.not_before, b.not_after, b.not_after_unix, b.cert_sha256, b.created_by, b.created_at";

fn binding_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Binding> {
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
        created_at: rfc3339(r.get(12)?),
    })
}

pub fn bindings(conn: &Connection, caller: &Caller) -> Result<Vec<Binding>, ApiError> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {BINDING_COLUMNS} FROM bindings b WHERE b.user_id = ?1 ORDER BY b.id"
        ))
        .map_err(db)?;
    let rows = stmt.query_map([caller.user_id], binding_from_row).map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

fn binding_by_id(conn: &Connection, id: i64) -> Result<Binding, ApiError> {
    conn.query_row(
        &format!("SELECT {BINDING_COLUMNS} FROM bindings b WHERE b.id = ?1"),
        [id],
        binding_from_row,
    )
    .map_err(db)
}

/// A CA锁ID as the contract has it: at most 16 characters, trailing spaces removed, printable.
fn valid_ca_lock_id(raw: &str) -> Option<&str> {
    let id = raw.trim_end_matches(' ');
    let ok =
        !id.is_empty() && id.chars().count() <= CA_LOCK_ID_MAX && !id.chars().any(char::is_control);
    ok.then_some(id)
}

/// Binds. Returns whether a binding was made (201) or this user already had exactly it (200).
pub fn bind(
    conn: &mut Connection,
    cfg: &Config,
    caller: &Caller,
    req: &BindRequest,
    remote: Option<&str>,
) -> Result<(bool, Binding), ApiError> {
    let opened = open_challenge(cfg, &req.challenge_id, Purpose::Bind, Some(caller));
    let checked = opened
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|challenge| check_bind_proof(conn, cfg, challenge, req));
    let sha = cert_sha256_of(&req.certificate);
    // One write: the challenge spent, the binding made and the attempt audited together.
    write(conn, |tx| {
        let result = opened.and_then(|c| spend_challenge(tx, &c)).and(checked).and_then(
            |(ca_lock_id, der, sha256)| record_binding(tx, caller, &ca_lock_id, &der, &sha256),
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
                ca_lock_id: Some(&req.ca_lock_id),
                cert_sha256: sha.as_deref(),
                result: result_code,
                remote,
            },
        )?;
        Ok(result)
    })?
}

/// The bind request's CA锁ID and proof, checked: the CA锁ID, the certificate's DER and SHA-256.
fn check_bind_proof(
    conn: &Connection,
    cfg: &Config,
    challenge: &challenge::Opened,
    req: &BindRequest,
) -> Result<(String, Vec<u8>, String), ApiError> {
    let ca_lock_id =
        valid_ca_lock_id(&req.ca_lock_id).ok_or_else(ApiError::invalid_request)?.to_string();
    let proof = Proof {
        challenge_id: &req.challenge_id,
        certificate: &req.certificate,
        algorithm: &req.algorithm,
        signature: &req.signature,
    };
    let (der, sha256) = check_proof(conn, cfg, Purpose::Bind, challenge, &proof, &ca_lock_id)?;
    Ok((ca_lock_id, der, sha256))
}

/// Writes the binding in the caller's transaction, under the platform's rule: one CA lock,
/// and one certificate, belong to one user.
fn record_binding(
    tx: &Connection,
    caller: &Caller,
    ca_lock_id: &str,
    der: &[u8],
    sha256: &str,
) -> Result<(bool, Binding), ApiError> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|_| ApiError::invalid_request())?;
    let info = pki::certificate_info(&cert, der);
    let not_after_unix = cert.validity().not_after.timestamp();
    let existing: Vec<(i64, i64, String, String)> = {
        let mut stmt = tx
            .prepare("SELECT id, user_id, ca_lock_id, cert_sha256 FROM bindings WHERE ca_lock_id = ?1 OR cert_sha256 = ?2")
            .map_err(db)?;
        let rows = stmt
            .query_map(params![ca_lock_id, sha256], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)?
    };
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
    // This user's own CA lock with a renewed certificate: the binding follows the key.
    let renewed = existing.iter().find(|(_, _, lock, _)| *lock == ca_lock_id).map(|(id, ..)| *id);
    if existing.iter().any(|(_, _, lock, _)| *lock != ca_lock_id) {
        // The certificate is bound to another of this user's CA locks: one certificate lives on
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
        None => {
            tx.execute(
                "INSERT INTO bindings (user_id, ca_lock_id, cert_sha256, certificate, subject, common_name,
                 organization, issuer, serial, not_before, not_after, not_after_unix, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![caller.user_id, ca_lock_id, sha256, der, info.subject, info.common_name, info.organization, info.issuer, info.serial, info.not_before, info.not_after, not_after_unix, caller.account, now],
            )
            .map_err(constraint_or_db)?;
            tx.last_insert_rowid()
        }
    };
    Ok((true, binding_by_id(tx, id)?))
}

/// A unique constraint that fires is another user's binding that won a race.
fn constraint_or_db(err: rusqlite::Error) -> ApiError {
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            ApiError::new(StatusCode::CONFLICT, code::CA_LOCK_BOUND_TO_OTHER_USER)
        }
        _ => db(err),
    }
}

/// Removes the caller's binding and audits it, in one write.
pub fn unbind(
    conn: &mut Connection,
    caller: &Caller,
    id: i64,
    remote: Option<&str>,
) -> Result<(), ApiError> {
    write(conn, |tx| {
        let removed: Option<(String, String)> = tx
            .query_row(
                "DELETE FROM bindings WHERE id = ?1 AND user_id = ?2 RETURNING ca_lock_id, cert_sha256",
                params![id, caller.user_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db)?;
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
        Ok(removed.map(|_| ()).ok_or_else(ApiError::not_found))
    })?
}

// ---------------------------------------------------------------- drivers

pub fn drivers(conn: &Connection, origin: &str) -> Result<Vec<Driver>, ApiError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, name, vendor, version, os, arch, issuers, module_names, file_name, sha256, size FROM drivers ORDER BY id")
        .map_err(db)?;
    let rows = stmt
        .query_map([], |r| {
            let id: i64 = r.get(0)?;
            let file_name: String = r.get(8)?;
            let list = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
            Ok(Driver {
                id,
                name: r.get(1)?,
                vendor: r.get(2)?,
                version: r.get(3)?,
                os: r.get(4)?,
                arch: r.get(5)?,
                issuers: list(r.get(6)?),
                module_names: list(r.get(7)?),
                url: format!("{origin}/downloads/drivers/{id}/{}", percent_encode(&file_name)),
                sha256: r.get(9)?,
                size: r.get::<_, i64>(10)? as u64,
            })
        })
        .map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

/// The stored file of a driver, if `name` is its file name.
pub fn driver_file(
    conn: &Connection,
    data_dir: &std::path::Path,
    id: i64,
    name: &str,
) -> Result<PathBuf, ApiError> {
    let file_name: Option<String> = conn
        .query_row("SELECT file_name FROM drivers WHERE id = ?1", [id], |r| r.get(0))
        .optional()
        .map_err(db)?;
    match file_name {
        Some(f) if f == name => Ok(crate::admin::driver_path(data_dir, id, &f)),
        _ => Err(ApiError::not_found()),
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_removes_only_what_can_no_longer_be_used() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open(dir.path()).unwrap();
        let (past, future) = (now() - 1, now() + 100);
        conn.execute_batch(&format!(
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
        assert_eq!(sweep(&mut conn).unwrap(), 4);
        let left = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(left("SELECT count(*) FROM spent_challenges WHERE id = x'0b'"), 1);
        assert_eq!(left("SELECT count(*) FROM sessions WHERE token_hash = x'03'"), 1);
        assert_eq!(left("SELECT count(*) FROM login_failures"), 1);
        assert_eq!(sweep(&mut conn).unwrap(), 0);
    }
}
