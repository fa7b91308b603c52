//! Logging in to a key and signing with the private key of one of its certificates.
//! One session is kept from login to signature: closing the last session logs the user out.

use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::vendor_defined::VendorDefinedMechanism;
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::ObjectHandle;
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use sha2::{Digest, Sha256};
use zca_contract::Algorithm;

use super::inventory::{pkcs11_error, rv_name, Inventory, Key, PinFlags, PinState};
use super::objects::{token_objects, CertObject, VisiblePrivateKeys};
use super::quirks::SignatureFormat;
use super::watchdog;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::x509::PublicKeyMaterial;

/// How long a person may take to type the PIN on a key's own PIN pad.
const PIN_PAD_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// A session on one key, logged in or about to be.
pub struct KeySession<'a> {
    inv: &'a Inventory,
    key: &'a Key,
    session: Session,
}

impl<'a> KeySession<'a> {
    pub fn open(inv: &'a Inventory, key: &'a Key) -> Result<KeySession<'a>> {
        let _watch = watchdog::guard("C_OpenSession", watchdog::limit());
        Ok(KeySession { inv, key, session: inv.open_session(key)? })
    }

    /// A read-write session, for changing PINs.
    pub fn open_rw(inv: &'a Inventory, key: &'a Key) -> Result<KeySession<'a>> {
        Ok(KeySession { inv, key, session: inv.open_rw_session(key)? })
    }

    /// The PIN state as the key says it now (not as it was when zca started).
    pub fn pin_state(&self) -> Result<PinState> {
        self.inv.pin_state(self.key)
    }

    /// The PIN flags as the key says them now.
    pub fn pin_flags(&self) -> Result<PinFlags> {
        self.inv.pin_flags(self.key)
    }

    /// C_SetPIN: the user's PIN from `old` to `new`. One attempt; a wrong `old` costs a try.
    pub fn change_pin(&self, old: &Secret, new: &Secret) -> Result<()> {
        let (old_pin, new_pin) =
            (AuthPin::new(old.expose().into()), AuthPin::new(new.expose().into()));
        let result = {
            let _watch = watchdog::guard("C_SetPIN", self.pin_limit());
            self.session.set_pin(&old_pin, &new_pin)
        };
        match result {
            Ok(()) => Ok(()),
            Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => {
                Err(Error::PinIncorrect { state: self.pin_state().unwrap_or(PinState::Ok) })
            }
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

    /// Logs in as SO and sets a new user PIN with C_InitPIN, which also clears a lock.
    pub fn unlock(&self, so_pin: &Secret, new: &Secret) -> Result<()> {
        let so = AuthPin::new(so_pin.expose().into());
        let login = {
            let _watch = watchdog::guard("C_Login", self.pin_limit());
            self.session.login(UserType::So, Some(&so))
        };
        match login {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
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
        let _ = self.session.logout();
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

    /// Typing on the key's own PIN pad takes a person longer than a driver call.
    fn pin_limit(&self) -> std::time::Duration {
        if self.key.protected_auth_path {
            watchdog::limit().max(PIN_PAD_LIMIT)
        } else {
            watchdog::limit()
        }
    }

    /// C_Login as the user. A wrong PIN is reported with the key's state afterwards; nothing is
    /// retried.
    pub fn login(&self, pin: &Secret) -> Result<()> {
        let auth = AuthPin::new(pin.expose().into());
        let watch = watchdog::guard("C_Login", self.pin_limit());
        let result = self.session.login(UserType::User, Some(&auth));
        drop(watch);
        match result {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
            Err(CkError::Pkcs11(
                RvError::PinIncorrect | RvError::PinLenRange | RvError::PinInvalid,
                _,
            )) => Err(Error::PinIncorrect { state: self.pin_state().unwrap_or(PinState::Ok) }),
            Err(CkError::Pkcs11(RvError::PinLocked, _)) => Err(Error::PinLocked),
            // Some modules (Feitian ePass2003) answer a wrong PIN with CKR_GENERAL_ERROR.
            Err(CkError::Pkcs11(RvError::GeneralError, _)) => Err(Error::PinMaybeIncorrect),
            Err(e) => Err(pkcs11_error(&self.key.module, &e)),
        }
    }

    /// The contract's algorithm for this certificate's key, and the private key to use.
    pub fn signer_for(&self, cert: &CertObject) -> Result<Signer> {
        let facts = cert.facts.as_ref().ok_or_else(|| Error::UnsupportedKey {
            what: cert.parse_error.clone().unwrap_or_default(),
        })?;
        let algorithm =
            facts.algorithm.ok_or_else(|| Error::UnsupportedKey { what: facts.key.display() })?;
        let sm2 = match (algorithm, &facts.public_key) {
            (Algorithm::Sm2Sm3, PublicKeyMaterial::EcPoint(point)) => Some(self.sm2_plan(point)?),
            (Algorithm::Sm2Sm3, _) => {
                return Err(Error::UnsupportedKey { what: facts.key.display() });
            }
            _ => None,
        };
        let id = hex::decode(&cert.id).unwrap_or_default();
        let _watch = watchdog::guard("C_FindObjects", watchdog::limit());
        let keys = VisiblePrivateKeys::of(&token_objects(self.inv, self.key, &self.session)?);
        let handle = keys
            .find(&id, &facts.public_key)
            .ok_or_else(|| Error::PrivateKeyMissing { sha256: facts.sha256.clone() })?;
        Ok(Signer { handle, algorithm, sm2 })
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

    /// A signature in the contract's format: PKCS#1 v1.5 with SHA-256 for RSA, DER
    /// ECDSA-Sig-Value for EC, DER SM2 with SM3 and the default ID.
    pub fn sign(&self, signer: &Signer, msg: &[u8]) -> Result<Vec<u8>> {
        self.sign_with(signer, RsaHash::Sha256, msg)
    }

    /// A signature over `msg`, the hash for RSA keys chosen by the caller (the CA client
    /// service's sign methods); EC keys sign with SHA-256 and SM2 keys with SM3, whatever it is.
    pub fn sign_with(&self, signer: &Signer, rsa_hash: RsaHash, msg: &[u8]) -> Result<Vec<u8>> {
        let ck = |e: CkError| pkcs11_error(&self.key.module, &e);
        let _watch = watchdog::guard("C_Sign", watchdog::limit());
        match signer.algorithm {
            Algorithm::RsaPkcs1Sha256 => match rsa_hash {
                RsaHash::Sha256 => {
                    self.session.sign(&Mechanism::Sha256RsaPkcs, signer.handle, msg).map_err(ck)
                }
                RsaHash::Sha1 => {
                    self.session.sign(&Mechanism::Sha1RsaPkcs, signer.handle, msg).map_err(ck)
                }
                // No module has a mechanism for it: the DigestInfo is made here.
                RsaHash::Sm3 => {
                    let info = sm3_digest_info(msg);
                    self.session.sign(&Mechanism::RsaPkcs, signer.handle, &info).map_err(ck)
                }
            },
            Algorithm::EcdsaP256Sha256 => {
                // CKM_ECDSA signs a digest; PKCS#11 returns r || s, the contract wants DER.
                let digest = Sha256::digest(msg);
                let raw =
                    self.session.sign(&Mechanism::Ecdsa, signer.handle, &digest).map_err(ck)?;
                ecdsa_raw_to_der(&raw).ok_or_else(|| Error::Pkcs11 {
                    module: self.key.module.clone(),
                    function: "C_Sign".into(),
                    rv: format!("a {}-byte ECDSA signature", raw.len()),
                })
            }
            Algorithm::Sm2Sm3 => {
                let plan = signer.sm2.as_ref().expect("SM2 signers have a plan");
                let mechanism = MechanismType::new_vendor_defined(plan.mechanism as _)
                    .map_err(|e| pkcs11_error(&self.key.module, &e))?;
                let mechanism =
                    Mechanism::VendorDefined(VendorDefinedMechanism::new::<()>(mechanism, None));
                let input = if plan.zca_hashes {
                    super::sm2::digest(&plan.point, msg)
                        .ok_or_else(|| Error::UnsupportedKey { what: "SM2".into() })?
                        .to_vec()
                } else {
                    msg.to_vec()
                };
                let signature = self.session.sign(&mechanism, signer.handle, &input).map_err(ck)?;
                self.sm2_der(plan.format, signature)
            }
        }
    }

    /// Ends the login on the key (C_Logout). Other sessions of this process lose it too: the
    /// token has one login state per application.
    pub fn logout(&self) {
        let _watch = watchdog::guard("C_Logout", watchdog::limit());
        let _ = self.session.logout();
    }

    /// The PKCS#11 session itself, kept open by a caller that must keep the login: the login
    /// ends when the application's last session on the token closes.
    pub fn into_session(self) -> Session {
        self.session
    }
}

/// The hash of an RSA signature (PKCS#1 v1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaHash {
    Sha1,
    Sha256,
    Sm3,
}

/// PKCS#1 DigestInfo for SM3 (OID 1.2.156.10197.1.401) over `msg`.
fn sm3_digest_info(msg: &[u8]) -> Vec<u8> {
    const PREFIX: [u8; 18] = [
        0x30, 0x30, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11, 0x05,
        0x00, 0x04, 0x20,
    ];
    let mut info = PREFIX.to_vec();
    info.extend_from_slice(&<sm3::Sm3 as sm3::Digest>::digest(msg));
    info
}

pub struct Signer {
    handle: ObjectHandle,
    pub algorithm: Algorithm,
    sm2: Option<Sm2Plan>,
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
