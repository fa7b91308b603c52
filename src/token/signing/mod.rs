//! Logging in to a key and signing with the private key of one of its certificates, through
//! whichever interface reaches the key: a `Connection` is PKCS#11 or SKF, and the commands see
//! only `KeySession`. One connection is kept from login to signature: on PKCS#11, closing the
//! last session logs the user out.

use std::time::Duration;

use cryptoki::object::ObjectHandle;
use zca_contract::Algorithm;

use super::inventory::Inventory;
use super::key::{Key, PinFlags, PinState};
use super::objects::CertObject;
use super::quirks::SignatureFormat;
use super::watchdog;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// How long a person may take to type the PIN on a key's own PIN pad.
const PIN_PAD_LIMIT: Duration = Duration::from_secs(120);

/// What an open connection to a key does, whichever interface it goes through.
trait Connection {
    /// The user's PIN (`None`: typed on the key's own PIN pad); one attempt, a wrong PIN
    /// reported with the key's state afterwards. A login the key already holds is ended first,
    /// so that the PIN given is always checked.
    fn login(&self, pin: Option<&Secret>, limit: Duration) -> Result<()>;
    /// The user's PIN from `old` to `new`; a wrong `old` costs a try.
    fn change_pin(&self, old: &Secret, new: &Secret, limit: Duration) -> Result<()>;
    /// A new user PIN set with the SO (admin) PIN, which also clears a lock.
    fn unlock(&self, so_pin: &Secret, new: &Secret, limit: Duration) -> Result<()>;
    fn signer_for(&self, cert: &CertObject) -> Result<Signer>;
    fn sign_with(&self, signer: &Signer, rsa_hash: RsaHash, msg: &[u8]) -> Result<Vec<u8>>;
    fn logout(&self) -> Result<()>;
    /// The PIN's state as the key says it now, over this connection where it can tell.
    fn pin_flags(&self) -> Result<PinFlags>;
    fn into_login(self: Box<Self>) -> Box<dyn HeldLogin>;
}

/// A login kept open by a caller (the CA client service) after the session that made it.
pub trait HeldLogin: Send {
    /// Ends the login; an error when the key may still hold it.
    fn logout(&self) -> Result<()>;
}

/// A connection to one key, logged in or about to be.
pub struct KeySession<'a> {
    key: &'a Key,
    conn: Box<dyn Connection + 'a>,
}

impl<'a> KeySession<'a> {
    /// Through PKCS#11 where the key has it, else through SKF.
    pub fn open(inv: &'a Inventory, key: &'a Key) -> Result<KeySession<'a>> {
        Self::open_with(inv, key, false)
    }

    /// A read-write session, for changing PINs.
    pub fn open_rw(inv: &'a Inventory, key: &'a Key) -> Result<KeySession<'a>> {
        Self::open_with(inv, key, true)
    }

    fn open_with(inv: &'a Inventory, key: &'a Key, rw: bool) -> Result<KeySession<'a>> {
        let conn: Box<dyn Connection + 'a> = if key.p11.is_some() {
            let session = if rw { inv.open_rw_session(key)? } else { inv.open_session(key)? };
            Box::new(Pkcs11Connection { inv, key, session })
        } else {
            let opened = inv.open_skf(key)?.ok_or_else(|| Error::Internal {
                detail: format!("key {} has no interface", key.ca_lock_id),
            })?;
            Box::new(SkfConnection { key, opened })
        };
        Ok(KeySession { key, conn })
    }

    /// The PIN state as the key says it now (not as it was when zca started).
    pub fn pin_state(&self) -> Result<PinState> {
        Ok(self.conn.pin_flags()?.user)
    }

    /// The PIN flags (and tries, where the key counts them) as the key says them now.
    pub fn pin_flags(&self) -> Result<PinFlags> {
        self.conn.pin_flags()
    }

    pub(crate) fn change_pin(&self, old: &Secret, new: &Secret) -> Result<()> {
        self.conn.change_pin(old, new, self.pin_limit())
    }

    pub(crate) fn unlock(&self, so_pin: &Secret, new: &Secret) -> Result<()> {
        self.conn.unlock(so_pin, new, self.pin_limit())
    }

    /// Typing on the key's own PIN pad takes a person longer than a driver call.
    fn pin_limit(&self) -> Duration {
        if self.key.protected_auth_path {
            watchdog::limit().max(PIN_PAD_LIMIT)
        } else {
            watchdog::limit()
        }
    }

    /// The key this session is on.
    pub fn key(&self) -> &'a Key {
        self.key
    }

    /// Logs in as the user, with `pin` or, for `None`, on the key's own PIN pad. A wrong PIN
    /// is reported with the key's state afterwards; nothing is retried. Call it through the
    /// PIN guard (`crate::pin::PinGuard`), never directly.
    pub(crate) fn login(&self, pin: Option<&Secret>) -> Result<()> {
        self.conn.login(pin, self.pin_limit())
    }

    /// The contract's algorithm for this certificate's key, and the private key to use.
    pub fn signer_for(&self, cert: &CertObject) -> Result<Signer> {
        self.conn.signer_for(cert)
    }

    /// A signature in the contract's format: PKCS#1 v1.5 with SHA-256 for RSA, DER
    /// ECDSA-Sig-Value for EC, DER SM2 with SM3 and the default ID.
    pub fn sign(&self, signer: &Signer, msg: &[u8]) -> Result<Vec<u8>> {
        self.sign_with(signer, RsaHash::Sha256, msg)
    }

    /// A signature over `msg`, the hash for RSA keys chosen by the caller (the CA client
    /// service's sign methods); EC keys sign with SHA-256 and SM2 keys with SM3, whatever it is.
    pub fn sign_with(&self, signer: &Signer, rsa_hash: RsaHash, msg: &[u8]) -> Result<Vec<u8>> {
        self.conn.sign_with(signer, rsa_hash, msg)
    }

    /// Ends the login on the key. On PKCS#11 other sessions of this process lose it too: the
    /// token has one login state per application.
    pub fn logout(&self) -> Result<()> {
        self.conn.logout()
    }

    /// The login itself, kept by a caller that must keep it: on PKCS#11 it ends when the
    /// application's last session on the token closes.
    pub fn into_login(self) -> Box<dyn HeldLogin> {
        self.conn.into_login()
    }
}

/// The state after a wrong PIN, read again from the key.
fn incorrect(flags: Option<PinFlags>) -> Error {
    Error::PinIncorrect {
        state: flags.map_or(PinState::Ok, |f| f.user),
        tries_left: flags.and_then(|f| f.user_tries).map(|t| t.left),
    }
}

mod encoding;
mod via_pkcs11;
mod via_skf;

use via_pkcs11::Pkcs11Connection;
use via_skf::SkfConnection;

/// The parsed facts and the contract's algorithm of a certificate zca can sign with.
fn signing_facts(cert: &CertObject) -> Result<(&crate::x509::CertFacts, Algorithm)> {
    let facts = cert.facts.as_ref().ok_or_else(|| Error::UnsupportedKey {
        what: cert.parse_error.clone().unwrap_or_default(),
    })?;
    let algorithm =
        facts.algorithm.ok_or_else(|| Error::UnsupportedKey { what: facts.key.display() })?;
    Ok((facts, algorithm))
}

fn sm2_digest(point: &[u8], msg: &[u8]) -> Result<[u8; 32]> {
    super::sm2::digest(point, msg).ok_or_else(|| Error::UnsupportedKey { what: "SM2".into() })
}

/// The hash of an RSA signature (PKCS#1 v1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaHash {
    Sha1,
    Sha256,
    Sm3,
}

pub struct Signer {
    pub algorithm: Algorithm,
    key: SignerKey,
}

/// The private key: a PKCS#11 object, or an SKF container's signing key.
enum SignerKey {
    Pkcs11 {
        handle: ObjectHandle,
        sm2: Option<Sm2Plan>,
    },
    /// SM2 keys carry their public point, from which Z is computed.
    Skf {
        container: String,
        point: Option<Vec<u8>>,
    },
}

/// The SM2 mechanism to use, and whether zca computes e = SM3(Z ‖ M) for it.
struct Sm2Plan {
    mechanism: u64,
    zca_hashes: bool,
    format: SignatureFormat,
    point: Vec<u8>,
}
