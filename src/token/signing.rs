//! Logging in to a key and signing with the private key of one of its certificates, through
//! whichever interface reaches the key: a `Connection` is PKCS#11 or SKF, and the commands see
//! only `KeySession`. One connection is kept from login to signature: on PKCS#11, closing the
//! last session logs the user out.

use std::path::PathBuf;
use std::time::Duration;

use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::vendor_defined::VendorDefinedMechanism;
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::ObjectHandle;
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use sha2::{Digest, Sha256};
use zca_contract::Algorithm;

use super::inventory::{pkcs11_error, rv_name, Inventory, Key, PinFlags, PinState};
use super::objects::{token_objects, CertObject, CertUsage, VisiblePrivateKeys};
use super::quirks::SignatureFormat;
use super::skf::{self, PinOutcome};
use super::watchdog;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::x509::PublicKeyMaterial;

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

// ------------------------------------------------------------------------------- PKCS#11

struct Pkcs11Connection<'a> {
    inv: &'a Inventory,
    key: &'a Key,
    session: Session,
}

impl HeldLogin for Session {
    fn logout(&self) -> Result<()> {
        let result = {
            let _watch = watchdog::guard("C_Logout", watchdog::limit());
            Session::logout(self)
        };
        match result {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserNotLoggedIn, _)) => Ok(()),
            Err(_) => Err(Error::LoginKept { module: PathBuf::new() }),
        }
    }
}

impl Connection for Pkcs11Connection<'_> {
    fn change_pin(&self, old: &Secret, new: &Secret, limit: Duration) -> Result<()> {
        let (old_pin, new_pin) =
            (AuthPin::new(old.expose().into()), AuthPin::new(new.expose().into()));
        let result = {
            let _watch = watchdog::guard("C_SetPIN", limit);
            self.session.set_pin(&old_pin, &new_pin)
        };
        match result {
            Ok(()) => Ok(()),
            Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => Err(incorrect(self.pin_flags().ok())),
            Err(CkError::Pkcs11(RvError::PinLocked, _)) => Err(Error::PinLocked),
            Err(CkError::Pkcs11(RvError::GeneralError, _)) => Err(Error::PinMaybeIncorrect),
            Err(CkError::Pkcs11(rv @ (RvError::PinLenRange | RvError::PinInvalid), _)) => {
                Err(Error::NewPinRefusedByKey { rv: rv_name(rv) })
            }
            Err(CkError::Pkcs11(RvError::FunctionNotSupported, _)) => {
                Err(Error::PinChangeUnsupported { module: self.key.module.clone() })
            }
            Err(e) => Err(pkcs11_error(&self.key.module, &e)),
        }
    }

    fn unlock(&self, so_pin: &Secret, new: &Secret, limit: Duration) -> Result<()> {
        let so = AuthPin::new(so_pin.expose().into());
        let login = {
            let _watch = watchdog::guard("C_Login", limit);
            self.session.login(UserType::So, Some(&so))
        };
        let login = match login {
            // A login this process or the driver kept: the SO PIN must still be checked.
            Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
                self.end_kept_login()?;
                let _watch = watchdog::guard("C_Login", limit);
                self.session.login(UserType::So, Some(&so))
            }
            other => other,
        };
        match login {
            Ok(()) => {}
            Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
                return Err(Error::LoginKept { module: self.key.module.clone() })
            }
            Err(CkError::Pkcs11(RvError::PinIncorrect | RvError::PinLenRange, _)) => {
                let state = self.pin_flags().map(|f| f.so).unwrap_or(PinState::Ok);
                return Err(Error::SoPinIncorrect { state });
            }
            Err(CkError::Pkcs11(RvError::PinLocked, _)) => return Err(Error::SoPinLocked),
            Err(CkError::Pkcs11(RvError::FunctionNotSupported | RvError::UserTypeInvalid, _)) => {
                return Err(Error::UnlockUnsupported { module: self.key.module.clone() })
            }
            Err(e) => return Err(pkcs11_error(&self.key.module, &e)),
        }
        let new_pin = AuthPin::new(new.expose().into());
        let result = {
            let _watch = watchdog::guard("C_InitPIN", watchdog::limit());
            self.session.init_pin(&new_pin)
        };
        // The SO's login ends here, or at the latest when this session closes (the last of the
        // process on the token): OpenSC's OpenPGP cards answer C_Logout with an error of their
        // own, which must not hide what C_InitPIN said.
        let _ = self.end_kept_login();
        match result {
            Ok(()) => Ok(()),
            Err(CkError::Pkcs11(rv @ (RvError::PinLenRange | RvError::PinInvalid), _)) => {
                Err(Error::NewPinRefusedByKey { rv: rv_name(rv) })
            }
            Err(CkError::Pkcs11(RvError::FunctionNotSupported, _)) => {
                Err(Error::UnlockUnsupported { module: self.key.module.clone() })
            }
            Err(e) => Err(pkcs11_error(&self.key.module, &e)),
        }
    }

    fn login(&self, pin: Option<&Secret>, limit: Duration) -> Result<()> {
        let auth = pin.map(|p| AuthPin::new(p.expose().into()));
        let attempt = || {
            let _watch = watchdog::guard("C_Login", limit);
            self.session.login(UserType::User, auth.as_ref())
        };
        let result = match attempt() {
            // A login this process or the driver kept: taken as it is, any PIN would pass.
            // It is ended (its answer checked) and the PIN given is checked after all.
            Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
                self.end_kept_login()?;
                attempt()
            }
            other => other,
        };
        match result {
            Ok(()) => Ok(()),
            Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
                Err(Error::LoginKept { module: self.key.module.clone() })
            }
            Err(CkError::Pkcs11(
                RvError::PinIncorrect | RvError::PinLenRange | RvError::PinInvalid,
                _,
            )) => Err(incorrect(self.pin_flags().ok())),
            Err(CkError::Pkcs11(RvError::PinLocked, _)) => Err(Error::PinLocked),
            // Some modules (Feitian ePass2003) answer a wrong PIN with CKR_GENERAL_ERROR.
            Err(CkError::Pkcs11(RvError::GeneralError, _)) => Err(Error::PinMaybeIncorrect),
            Err(e) => Err(pkcs11_error(&self.key.module, &e)),
        }
    }

    fn signer_for(&self, cert: &CertObject) -> Result<Signer> {
        let (facts, algorithm) = signing_facts(cert)?;
        let sm2 = match (algorithm, &facts.public_key) {
            (Algorithm::Sm2Sm3, PublicKeyMaterial::EcPoint(point)) => Some(self.sm2_plan(point)?),
            (Algorithm::Sm2Sm3, _) => {
                return Err(Error::UnsupportedKey { what: facts.key.display() });
            }
            _ => None,
        };
        let id = hex::decode(&cert.id).unwrap_or_default();
        let _watch = watchdog::guard("C_FindObjects", watchdog::limit());
        let classes = [cryptoki_sys::CKO_PRIVATE_KEY, cryptoki_sys::CKO_PUBLIC_KEY];
        let objects = token_objects(self.inv, self.key, &self.session, &classes)?;
        let keys = VisiblePrivateKeys::of(&objects);
        let handle = keys
            .find(&id, &facts.public_key)
            .ok_or_else(|| Error::PrivateKeyMissing { sha256: facts.sha256.clone() })?;
        Ok(Signer { algorithm, key: SignerKey::Pkcs11 { handle, sm2 } })
    }

    fn sign_with(&self, signer: &Signer, rsa_hash: RsaHash, msg: &[u8]) -> Result<Vec<u8>> {
        let SignerKey::Pkcs11 { handle, sm2 } = &signer.key else {
            return Err(Error::Internal { detail: "an SKF signer on a PKCS#11 key".into() });
        };
        let handle = *handle;
        let ck = |e: CkError| pkcs11_error(&self.key.module, &e);
        let _watch = watchdog::guard("C_Sign", watchdog::limit());
        match signer.algorithm {
            Algorithm::RsaPkcs1Sha256 => match rsa_hash {
                RsaHash::Sha256 => {
                    self.session.sign(&Mechanism::Sha256RsaPkcs, handle, msg).map_err(ck)
                }
                RsaHash::Sha1 => {
                    self.session.sign(&Mechanism::Sha1RsaPkcs, handle, msg).map_err(ck)
                }
                // No module has a mechanism for it: the DigestInfo is made here.
                RsaHash::Sm3 => {
                    let info = digest_info(RsaHash::Sm3, msg);
                    self.session.sign(&Mechanism::RsaPkcs, handle, &info).map_err(ck)
                }
            },
            Algorithm::EcdsaP256Sha256 => {
                // CKM_ECDSA signs a digest; PKCS#11 returns r || s, the contract wants DER.
                let digest = Sha256::digest(msg);
                let raw = self.session.sign(&Mechanism::Ecdsa, handle, &digest).map_err(ck)?;
                ecdsa_raw_to_der(&raw).ok_or_else(|| Error::Pkcs11 {
                    module: self.key.module.clone(),
                    function: "C_Sign".into(),
                    rv: format!("a {}-byte ECDSA signature", raw.len()),
                })
            }
            Algorithm::Sm2Sm3 => {
                let plan = sm2.as_ref().expect("SM2 signers have a plan");
                let mechanism = MechanismType::new_vendor_defined(plan.mechanism as _)
                    .map_err(|e| pkcs11_error(&self.key.module, &e))?;
                let mechanism =
                    Mechanism::VendorDefined(VendorDefinedMechanism::new::<()>(mechanism, None));
                let input = if plan.zca_hashes {
                    sm2_digest(&plan.point, msg)?.to_vec()
                } else {
                    msg.to_vec()
                };
                let signature = self.session.sign(&mechanism, handle, &input).map_err(ck)?;
                self.sm2_der(plan.format, signature)
            }
        }
    }

    fn logout(&self) -> Result<()> {
        self.end_kept_login()
    }

    /// PKCS#11 tells only flags; where SKF reaches the same key too, it tells the tries.
    fn pin_flags(&self) -> Result<PinFlags> {
        self.inv.pin_flags(self.key)
    }

    fn into_login(self: Box<Self>) -> Box<dyn HeldLogin> {
        Box::new(self.session)
    }
}

impl Pkcs11Connection<'_> {
    /// C_Logout, its answer checked: a login that does not end is an error naming the module.
    fn end_kept_login(&self) -> Result<()> {
        HeldLogin::logout(&self.session)
            .map_err(|_| Error::LoginKept { module: self.key.module.clone() })
    }
    /// The contract wants DER; modules give r ‖ s or DER, as their entry says or as it looks.
    fn sm2_der(&self, format: SignatureFormat, signature: Vec<u8>) -> Result<Vec<u8>> {
        let raw = match format {
            SignatureFormat::Raw => true,
            SignatureFormat::Der => false,
            SignatureFormat::Auto => signature.len() == 64,
        };
        let der = if raw { ecdsa_raw_to_der(&signature) } else { Some(signature.clone()) };
        der.filter(|d| d.first() == Some(&0x30)).ok_or_else(|| Error::Pkcs11 {
            module: self.key.module.clone(),
            function: "C_Sign".into(),
            rv: format!("a {}-byte SM2 signature", signature.len()),
        })
    }

    /// How this key's module signs SM2: its entry in the quirks table, with each mechanism
    /// probed on the key (the one that hashes with Z first).
    fn sm2_plan(&self, point: &[u8]) -> Result<Sm2Plan> {
        let quirks = self.inv.quirks_for(self.key);
        let plans = [
            quirks.sm2_sm3_mechanism.map(|m| (m, false)),
            quirks.sm2_digest_mechanism.map(|m| (m, true)),
        ];
        for (mechanism, digest) in plans.into_iter().flatten() {
            if self.inv.can_sign_with(self.key, mechanism) {
                let point = point.to_vec();
                let format = quirks.sm2_signature;
                return Ok(Sm2Plan { mechanism, zca_hashes: digest, format, point });
            }
        }
        let tried: Vec<String> = plans.iter().flatten().map(|(m, _)| format!("{m:#x}")).collect();
        Err(Error::Sm2MechanismMissing {
            module: self.key.module.clone(),
            entry: quirks.name,
            tried: tried.join(", "),
        })
    }
}

// ------------------------------------------------------------------------------- SKF

struct SkfConnection<'a> {
    key: &'a Key,
    opened: skf::Opened,
}

impl HeldLogin for skf::Opened {
    fn logout(&self) -> Result<()> {
        self.app.clear_secure_state()
    }
}

impl SkfConnection<'_> {
    /// A wrong PIN's outcome; `locked` where this very try locked it.
    fn refused(&self, outcome: PinOutcome) -> Error {
        match outcome {
            PinOutcome::Accepted => Error::Internal { detail: "an accepted PIN refused".into() },
            PinOutcome::Incorrect { .. } => incorrect(self.pin_flags().ok()),
            PinOutcome::Locked => {
                Error::PinIncorrect { state: PinState::Locked, tries_left: Some(0) }
            }
            PinOutcome::LengthRefused(code) => Error::NewPinRefusedByKey { rv: code },
        }
    }
}

impl Connection for SkfConnection<'_> {
    fn login(&self, pin: Option<&Secret>, limit: Duration) -> Result<()> {
        // SKF keys are not known to have PIN pads here: `protected_auth_path` is off for them.
        let pin =
            pin.ok_or_else(|| Error::Internal { detail: "a PIN pad login through SKF".into() })?;
        match self.opened.app.verify_pin(zca_skf::USER_TYPE, pin, limit)? {
            PinOutcome::Accepted => Ok(()),
            // A PIN of a length the key refuses is a wrong PIN to the person typing it.
            PinOutcome::LengthRefused(_) => Err(incorrect(self.pin_flags().ok())),
            outcome => Err(self.refused(outcome)),
        }
    }

    fn change_pin(&self, old: &Secret, new: &Secret, limit: Duration) -> Result<()> {
        match self.opened.app.change_pin(zca_skf::USER_TYPE, old, new, limit)? {
            None => Err(Error::PinChangeUnsupported { module: self.key.module.clone() }),
            Some(PinOutcome::Accepted) => Ok(()),
            Some(outcome) => Err(self.refused(outcome)),
        }
    }

    fn unlock(&self, so_pin: &Secret, new: &Secret, limit: Duration) -> Result<()> {
        match self.opened.app.unblock_pin(so_pin, new, limit)? {
            None => Err(Error::UnlockUnsupported { module: self.key.module.clone() }),
            Some(PinOutcome::Accepted) => Ok(()),
            Some(PinOutcome::Incorrect { left }) => {
                let max = self.key.so_pin_tries.map_or(left + 1, |t| t.max);
                Err(Error::SoPinIncorrect {
                    state: crate::pin_state::PinTries { left, max }.state(),
                })
            }
            Some(PinOutcome::Locked) => Err(Error::SoPinLocked),
            Some(outcome) => Err(self.refused(outcome)),
        }
    }

    fn signer_for(&self, cert: &CertObject) -> Result<Signer> {
        let (facts, algorithm) = signing_facts(cert)?;
        let container = cert
            .container
            .clone()
            .ok_or_else(|| Error::PrivateKeyMissing { sha256: facts.sha256.clone() })?;
        if cert.usage == Some(CertUsage::Encryption) {
            return Err(Error::EncryptionCertificate { sha256: facts.sha256.clone() });
        }
        let point = match (algorithm, &facts.public_key) {
            (Algorithm::Sm2Sm3, PublicKeyMaterial::EcPoint(point)) => Some(point.clone()),
            (Algorithm::RsaPkcs1Sha256, _) => None,
            _ => return Err(Error::UnsupportedKey { what: facts.key.display() }),
        };
        Ok(Signer { algorithm, key: SignerKey::Skf { container, point } })
    }

    fn sign_with(&self, signer: &Signer, rsa_hash: RsaHash, msg: &[u8]) -> Result<Vec<u8>> {
        let SignerKey::Skf { container, point } = &signer.key else {
            return Err(Error::Internal { detail: "a PKCS#11 signer on an SKF key".into() });
        };
        let container = self.opened.app.open_container(container)?;
        match point {
            Some(point) => {
                let raw = container.ecc_sign(&sm2_digest(point, msg)?)?;
                Ok(ecdsa_raw_to_der(&raw).expect("64 bytes make a DER signature"))
            }
            None => container.rsa_sign(&digest_info(rsa_hash, msg)),
        }
    }

    fn logout(&self) -> Result<()> {
        self.opened.app.clear_secure_state()
    }

    fn pin_flags(&self) -> Result<PinFlags> {
        self.opened.app.pin_flags()
    }

    fn into_login(self: Box<Self>) -> Box<dyn HeldLogin> {
        Box::new(self.opened)
    }
}

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

/// PKCS#1 DigestInfo of `msg` (RFC 8017 §9.2; SM3's OID is 1.2.156.10197.1.401).
fn digest_info(hash: RsaHash, msg: &[u8]) -> Vec<u8> {
    const SHA1: &[u8] =
        &[0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14];
    const SHA256: &[u8] = &[
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    const SM3: &[u8] = &[
        0x30, 0x30, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11, 0x05,
        0x00, 0x04, 0x20,
    ];
    let (prefix, digest) = match hash {
        RsaHash::Sha1 => (SHA1, <sha1::Sha1 as Digest>::digest(msg).to_vec()),
        RsaHash::Sha256 => (SHA256, Sha256::digest(msg).to_vec()),
        RsaHash::Sm3 => (SM3, <sm3::Sm3 as sm3::Digest>::digest(msg).to_vec()),
    };
    [prefix, &digest].concat()
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

/// DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` from the raw `r || s` of PKCS#11.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() > 132 {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let (r, s) = (der_integer(r), der_integer(s));
    let mut out = Vec::with_capacity(r.len() + s.len() + 3);
    out.push(0x30);
    der_length(r.len() + s.len(), &mut out);
    out.extend_from_slice(&r);
    out.extend_from_slice(&s);
    Some(out)
}

/// A positive INTEGER: leading zeros dropped, one added back when the high bit is set.
fn der_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len().saturating_sub(1));
    let mut value = bytes[start..].to_vec();
    if value.is_empty() {
        value.push(0);
    }
    if value[0] & 0x80 != 0 {
        value.insert(0, 0);
    }
    let mut out = vec![0x02];
    der_length(value.len(), &mut out);
    out.extend_from_slice(&value);
    out
}

fn der_length(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.push(0x81);
        out.push(len as u8);
    }
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// Any r ‖ s below the group order becomes a DER ECDSA-Sig-Value that a DER parser reads
        /// back as the same r and s (leading zeros, high bits and all).
        #[test]
        fn raw_signatures_become_der_that_parses_back(
            mut r in proptest::array::uniform32(proptest::num::u8::ANY),
            mut s in proptest::array::uniform32(proptest::num::u8::ANY),
            zeros_r in 0usize..31,
            zeros_s in 0usize..31,
        ) {
            // Below SM2's order (top byte 0xFF...FE...), and not zero.
            r[0] &= 0x7f;
            s[0] &= 0x7f;
            r[..zeros_r].fill(0);
            s[..zeros_s].fill(0);
            r[31] |= 1;
            s[31] |= 1;
            let raw = [r, s].concat();
            let der = super::ecdsa_raw_to_der(&raw).unwrap();
            let parsed = sm2::dsa::Signature::from_der(&der).unwrap();
            let (pr, ps) = (parsed.r_bytes(), parsed.s_bytes());
            proptest::prop_assert_eq!(pr.as_slice(), &r[..]);
            proptest::prop_assert_eq!(ps.as_slice(), &s[..]);
        }
    }

    use super::*;

    #[test]
    fn der_of_raw_signatures() {
        let mut raw = vec![0u8; 64];
        raw[31] = 1; // r = 1
        raw[32] = 0x80; // s has its high bit set
        let der = ecdsa_raw_to_der(&raw).unwrap();
        assert_eq!(&der[..5], &[0x30, 0x26, 0x02, 0x01, 0x01]);
        assert_eq!(&der[5..8], &[0x02, 0x21, 0x00]);
        assert_eq!(der.len(), 2 + 3 + 35);
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_none());
        assert!(ecdsa_raw_to_der(&[]).is_none());
        // P-521: 132 bytes → a long-form length.
        let der = ecdsa_raw_to_der(&[0xff; 132]).unwrap();
        assert_eq!(&der[..3], &[0x30, 0x81, 0x8a]);
    }
}
