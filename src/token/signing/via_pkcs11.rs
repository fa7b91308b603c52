//! A connection through a PKCS#11 module: one session from login to signature.

use std::path::PathBuf;
use std::time::Duration;

use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::vendor_defined::VendorDefinedMechanism;
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use sha2::{Digest, Sha256};
use zca_contract::Algorithm;

use super::encoding::{digest_info, ecdsa_raw_to_der};
use super::{incorrect, signing_facts, sm2_digest, Connection, HeldLogin, RsaHash, Signer};
use super::{SignerKey, Sm2Plan};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::token::inventory::Inventory;
use crate::token::key::{Key, PinFlags, PinState};
use crate::token::module::{pkcs11_error, rv_name};
use crate::token::objects::{token_objects, CertObject, VisiblePrivateKeys};
use crate::token::quirks::SignatureFormat;
use crate::token::watchdog;
use crate::x509::PublicKeyMaterial;

pub(super) struct Pkcs11Connection<'a> {
    pub(super) inv: &'a Inventory,
    pub(super) key: &'a Key,
    pub(super) session: Session,
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
