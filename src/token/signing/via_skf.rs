//! A connection through an SKF library: the key's application, opened once.

use std::time::Duration;

use zca_contract::Algorithm;

use super::encoding::{digest_info, ecdsa_raw_to_der};
use super::SignerKey;
use super::{incorrect, signing_facts, sm2_digest, Connection, HeldLogin, RsaHash, Signer};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::token::key::{Key, PinFlags, PinState};
use crate::token::objects::{CertObject, CertUsage};
use crate::token::skf::{self, PinOutcome};
use crate::x509::PublicKeyMaterial;

pub(super) struct SkfConnection<'a> {
    pub(super) key: &'a Key,
    pub(super) opened: skf::Opened,
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
