//! Challenges sealed with the server's key instead of stored: the id carries its purpose, its
//! expiry and 16 random bytes, and a MAC over them, the origin and (for a bind) the session
//! that asked; the nonce is derived from the id. Issuing one writes nothing, so that anyone may
//! ask for login challenges at any rate without filling the database; only a challenge that is
//! used is recorded (by `service`, until it expires), which makes it single-use.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::hmac;
use zca_contract::Purpose;

const VERSION: u8 = 1;
const RANDOM_LEN: usize = 16;
const TAG_LEN: usize = 32;
/// Version, purpose, expiry (big-endian seconds), random part.
const HEAD_LEN: usize = 1 + 1 + 8 + RANDOM_LEN;

/// The server's key for challenges (32 bytes from the database, see `db::challenge_key`).
#[derive(Clone)]
pub struct ChallengeKey(hmac::Key);

impl ChallengeKey {
    pub fn new(bytes: &[u8]) -> ChallengeKey {
        ChallengeKey(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }
}

impl ChallengeKey {
    /// The CSRF token of a web session: a MAC of the session's token hash, so that it needs no
    /// storage and no page of another site can know it.
    pub fn csrf_token(&self, session_hash: &[u8]) -> String {
        let mut ctx = hmac::Context::with_key(&self.0);
        ctx.update(b"zca-platform csrf\0");
        ctx.update(session_hash);
        URL_SAFE_NO_PAD.encode(ctx.sign())
    }

    /// A token for the login forms, before there is a session: a random nonce and its MAC
    /// under the server's key, so that a cookie planted by someone else (a sibling site, a
    /// network that rewrites plain HTTP) cannot be a valid one.
    pub fn new_login_csrf(&self) -> String {
        let nonce = URL_SAFE_NO_PAD.encode(zca_crypto::random::bytes::<18>());
        format!("{nonce}.{}", self.login_mac(&nonce))
    }

    /// Whether `token` is one `new_login_csrf` made.
    pub fn login_csrf_valid(&self, token: &str) -> bool {
        use subtle::ConstantTimeEq;
        let Some((nonce, mac)) = token.split_once('.') else { return false };
        bool::from(mac.as_bytes().ct_eq(self.login_mac(nonce).as_bytes()))
    }

    fn login_mac(&self, nonce: &str) -> String {
        let mut ctx = hmac::Context::with_key(&self.0);
        ctx.update(b"zca-platform login csrf\0");
        ctx.update(nonce.as_bytes());
        URL_SAFE_NO_PAD.encode(&ctx.sign().as_ref()[..16])
    }
}

impl std::fmt::Debug for ChallengeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChallengeKey(…)")
    }
}

/// A challenge as the client receives it.
pub struct Sealed {
    pub id: String,
    pub nonce: String,
}

/// A challenge that came back intact, unexpired, for its purpose and its session.
#[derive(Debug)]
pub struct Opened {
    pub nonce: String,
    /// Records it as used.
    pub random: [u8; RANDOM_LEN],
    pub expires: i64,
}

fn purpose_byte(purpose: Purpose) -> u8 {
    match purpose {
        Purpose::Login => 1,
        Purpose::Bind => 2,
    }
}

/// What a challenge's MAC covers: its head, the origin clients sign for, the asking session.
fn sealed_data(head: &[u8], origin: &str, session_hash: Option<&[u8]>) -> Vec<u8> {
    let mut data = b"zca-platform challenge\0".to_vec();
    data.extend_from_slice(head);
    for part in [origin.as_bytes(), session_hash.unwrap_or_default()] {
        data.extend_from_slice(&(part.len() as u64).to_be_bytes());
        data.extend_from_slice(part);
    }
    data
}

fn nonce_of(key: &ChallengeKey, id: &[u8]) -> String {
    let mut ctx = hmac::Context::with_key(&key.0);
    ctx.update(b"zca-platform nonce\0");
    ctx.update(id);
    URL_SAFE_NO_PAD.encode(ctx.sign())
}

pub fn seal(
    key: &ChallengeKey,
    purpose: Purpose,
    expires: i64,
    origin: &str,
    session_hash: Option<&[u8]>,
) -> Sealed {
    let mut id = Vec::with_capacity(HEAD_LEN + TAG_LEN);
    id.push(VERSION);
    id.push(purpose_byte(purpose));
    id.extend_from_slice(&expires.to_be_bytes());
    id.extend_from_slice(&zca_crypto::random::bytes::<RANDOM_LEN>());
    let mac = hmac::sign(&key.0, &sealed_data(&id, origin, session_hash));
    id.extend_from_slice(mac.as_ref());
    Sealed { nonce: nonce_of(key, &id), id: URL_SAFE_NO_PAD.encode(&id) }
}

/// The challenge behind `id`, if this server sealed it for `purpose`, `origin` and
/// `session_hash`, and it has not expired at `now`. Says nothing about whether it was used.
pub fn open(
    key: &ChallengeKey,
    id: &str,
    purpose: Purpose,
    origin: &str,
    session_hash: Option<&[u8]>,
    now: i64,
) -> Option<Opened> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok().filter(|b| b.len() == HEAD_LEN + TAG_LEN)?;
    let (head, mac) = bytes.split_at(HEAD_LEN);
    if head[0] != VERSION || head[1] != purpose_byte(purpose) {
        return None;
    }
    // Compared in constant time.
    hmac::verify(&key.0, &sealed_data(head, origin, session_hash), mac).ok()?;
    let expires = i64::from_be_bytes(head[2..10].try_into().ok()?);
    if expires < now {
        return None;
    }
    Some(Opened { nonce: nonce_of(key, &bytes), random: head[10..].try_into().ok()?, expires })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://127.0.0.1:8443";

    fn key() -> ChallengeKey {
        ChallengeKey::new(&[7; 32])
    }

    #[test]
    fn a_sealed_challenge_opens_once_sealed_and_only_as_sealed() {
        let k = key();
        let s = seal(&k, Purpose::Bind, 1_000, ORIGIN, Some(b"alice"));
        let opened = open(&k, &s.id, Purpose::Bind, ORIGIN, Some(b"alice"), 1_000).unwrap();
        assert_eq!(opened.nonce, s.nonce);
        assert_eq!(opened.expires, 1_000);

        assert!(open(&k, &s.id, Purpose::Bind, ORIGIN, Some(b"alice"), 1_001).is_none(), "expired");
        assert!(open(&k, &s.id, Purpose::Login, ORIGIN, Some(b"alice"), 0).is_none(), "purpose");
        assert!(open(&k, &s.id, Purpose::Bind, ORIGIN, Some(b"bob"), 0).is_none(), "session");
        assert!(open(&k, &s.id, Purpose::Bind, ORIGIN, None, 0).is_none(), "no session");
        assert!(open(&k, &s.id, Purpose::Bind, "https://x", Some(b"alice"), 0).is_none());
        let other = ChallengeKey::new(&[8; 32]);
        assert!(open(&other, &s.id, Purpose::Bind, ORIGIN, Some(b"alice"), 0).is_none(), "key");
    }

    #[test]
    fn any_changed_byte_of_the_id_is_refused() {
        let k = key();
        let s = seal(&k, Purpose::Login, 1_000, ORIGIN, None);
        let bytes = URL_SAFE_NO_PAD.decode(&s.id).unwrap();
        for i in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[i] ^= 0x01;
            let id = URL_SAFE_NO_PAD.encode(&changed);
            assert!(open(&k, &id, Purpose::Login, ORIGIN, None, 0).is_none(), "byte {i}");
        }
        for id in ["", "nope", &s.id[1..], &format!("{}A", s.id)] {
            assert!(open(&k, id, Purpose::Login, ORIGIN, None, 0).is_none(), "{id:?}");
        }
    }

    #[test]
    fn two_challenges_differ() {
        let k = key();
        let a = seal(&k, Purpose::Login, 1_000, ORIGIN, None);
        let b = seal(&k, Purpose::Login, 1_000, ORIGIN, None);
        assert_ne!(a.id, b.id);
        assert_ne!(a.nonce, b.nonce);
    }
}
