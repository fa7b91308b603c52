//! Checking signatures the way pages ask the CA client service to: with the key of a
//! certificate, RSA (PKCS#1 v1.5 over SHA-1, SHA-256 or SM3), ECDSA P-256 over SHA-256, and SM2
//! with SM3 and the default ID. Any input gives true or false, never a panic.

use sha2::Digest;
use x509_parser::prelude::{FromDer, X509Certificate};
use zca_contract::{Algorithm, SM2_DEFAULT_ID};

use crate::token::RsaHash;

/// Whether `sig` is a signature over `msg` by the key of the certificate `cert_der`; RSA keys
/// are checked with `rsa_hash`.
pub fn verify(cert_der: &[u8], rsa_hash: RsaHash, msg: &[u8], sig: &[u8]) -> bool {
    let Ok((_, cert)) = X509Certificate::from_der(cert_der) else { return false };
    let spki = cert.public_key();
    let key = &spki.subject_public_key.data;
    match crate::x509::contract_algorithm(spki) {
        Some(Algorithm::RsaPkcs1Sha256) => verify_rsa(key, rsa_hash, &hash(rsa_hash, msg), sig),
        Some(Algorithm::EcdsaP256Sha256) => {
            use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_ASN1};
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, key).verify(msg, sig).is_ok()
        }
        Some(Algorithm::Sm2Sm3) => verify_sm2(key, msg, sig),
        None => false,
    }
}

/// The digest of `msg` with an RSA signature's hash.
pub fn hash(rsa_hash: RsaHash, msg: &[u8]) -> Vec<u8> {
    match rsa_hash {
        RsaHash::Sha1 => sha1_digest(msg),
        RsaHash::Sha256 => sha2::Sha256::digest(msg).to_vec(),
        RsaHash::Sm3 => <sm3::Sm3 as sm3::Digest>::digest(msg).to_vec(),
    }
}

fn sha1_digest(msg: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, msg).as_ref().to_vec()
}

/// PKCS#1 v1.5 with the DigestInfo of `rsa_hash` over an already computed `digest`.
pub fn verify_rsa(pkcs1_key: &[u8], rsa_hash: RsaHash, digest: &[u8], sig: &[u8]) -> bool {
    use rsa::pkcs1::DecodeRsaPublicKey;
    let Ok(key) = rsa::PublicKey::from_pkcs1_der(pkcs1_key) else { return false };
    let prefix: &[u8] = match rsa_hash {
        RsaHash::Sha1 => &[
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ],
        RsaHash::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        RsaHash::Sm3 => &[
            0x30, 0x30, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11,
            0x05, 0x00, 0x04, 0x20,
        ],
    };
    let scheme =
        rsa::pkcs1v15::Pkcs1v15Sign { hash_len: Some(digest.len()), prefix: prefix.into() };
    key.verify(scheme, digest, sig).is_ok()
}

/// SM2 with SM3 and the default signer ID, DER signature.
pub fn verify_sm2(point: &[u8], msg: &[u8], sig_der: &[u8]) -> bool {
    use sm2::dsa::signature::Verifier;
    let Ok(key) = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DEFAULT_ID, point) else {
        return false;
    };
    let Ok(sig) = sm2::dsa::Signature::from_der(sig_der) else { return false };
    key.verify(msg, &sig).is_ok()
}
