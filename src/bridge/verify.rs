//! Checking signatures the way pages ask the CA client service to: with the key of a
//! certificate, RSA (PKCS#1 v1.5 over SHA-1, SHA-256 or SM3), ECDSA P-256 over SHA-256, and SM2
//! with SM3 and the default ID. Any input gives true or false, never a panic.

use sha2::Digest;
use x509_parser::prelude::{FromDer, X509Certificate};
use zca_contract::{Algorithm, SM2_DEFAULT_ID};
use zca_crypto::{Hash, RsaKeys};

use crate::token::RsaHash;

/// Whether `sig` is a signature over `msg` by the key of the certificate `cert_der`; RSA keys
/// are checked with `rsa_hash` (1024-bit keys too: pages verify old certificates).
pub fn verify(cert_der: &[u8], rsa_hash: RsaHash, msg: &[u8], sig: &[u8]) -> bool {
    let Ok((_, cert)) = X509Certificate::from_der(cert_der) else { return false };
    let spki = cert.public_key();
    let key = &spki.subject_public_key.data;
    match crate::x509::contract_algorithm(spki) {
        Some(Algorithm::RsaPkcs1Sha256) => {
            zca_crypto::verify_rsa(key, RsaKeys::Legacy, hash_of(rsa_hash), msg, sig)
        }
        Some(Algorithm::EcdsaP256Sha256) => zca_crypto::verify_p256(key, msg, sig),
        Some(Algorithm::Sm2Sm3) => zca_crypto::verify_sm2(key, SM2_DEFAULT_ID, msg, sig),
        None => false,
    }
}

fn hash_of(rsa_hash: RsaHash) -> Hash {
    match rsa_hash {
        RsaHash::Sha1 => Hash::Sha1,
        RsaHash::Sha256 => Hash::Sha256,
        RsaHash::Sm3 => Hash::Sm3,
    }
}

/// The digest of `msg` with an RSA signature's hash (CMS's messageDigest).
pub fn hash(rsa_hash: RsaHash, msg: &[u8]) -> Vec<u8> {
    match rsa_hash {
        RsaHash::Sha1 => {
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, msg).as_ref().to_vec()
        }
        RsaHash::Sha256 => sha2::Sha256::digest(msg).to_vec(),
        RsaHash::Sm3 => <sm3::Sm3 as sm3::Digest>::digest(msg).to_vec(),
    }
}
