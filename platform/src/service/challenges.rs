//! Challenges: sealed by the server's key when issued (nothing stored), spent once in the
//! transaction that acts on their proof, swept when expired.

use zca_contract::{Challenge, Purpose};

use super::{Caller, Config};
use crate::challenge;
use crate::clock::{now, rfc3339_unix};
use crate::db::{params, Db};
use crate::error::ApiError;

/// The contract's upper bound for a challenge's life.
pub const MAX_CHALLENGE_TTL: i64 = 120;

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
        expires_at: rfc3339_unix(expires),
    })
}

/// The challenge of a request, if this server issued it for this purpose (and, for a bind, to
/// this session) and it has not expired. Whether it was used already, `spend_challenge` says.
pub(super) fn open_challenge(
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
/// requests with one challenge (on any instances) only one gets it, and a refused attempt cannot
/// be retried.
pub(super) fn spend_challenge(tx: &mut Db, opened: &challenge::Opened) -> Result<(), ApiError> {
    if opened.expires < now() {
        return Err(ApiError::challenge_invalid());
    }
    let inserted = tx.execute(
        "INSERT INTO spent_challenges (id, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        params![opened.random, opened.expires],
    )?;
    if inserted == 1 {
        Ok(())
    } else {
        Err(ApiError::challenge_invalid())
    }
}
