//! Certificates and signatures: what the platform checks before it trusts a key.
//! RSA (PKCS#1 v1.5), ECDSA P-256 and SM2 (SM3, default ID) both for the client's signature
//! over the contract's bytes and for the issuer's signature on the certificate.

use std::collections::HashSet;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, SubjectPublicKeyInfo, X509Certificate};
use zca_contract::{serial_hex, Algorithm, CertificateInfo, SM2_DEFAULT_ID};

use crate::clock::rfc3339;

/// The contract's algorithm for a certificate's key (RSA, P-256, SM2), if it has one.
pub fn key_algorithm(spki: &SubjectPublicKeyInfo<'_>) -> Option<Algorithm> {
    let alg = spki.algorithm.algorithm.to_id_string();
    let curve =
        spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| o.to_id_string());
    Algorithm::for_key(&alg, curve.as_deref())
}

/// Why a signature was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum SignatureError {
    /// The algorithm does not fit the certificate's key.
    Unsupported,
    /// The signature does not verify.
    Invalid,
}

/// Verifies `sig` over `msg` with the key of `spki`, by the contract's algorithm.
pub fn verify(
    alg: Algorithm,
    spki: &SubjectPublicKeyInfo<'_>,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), SignatureError> {
    if key_algorithm(spki) != Some(alg) {
        return Err(SignatureError::Unsupported);
    }
    let key = &spki.subject_public_key.data;
    let ok = match alg {
        Algorithm::RsaPkcs1Sha256 => verify_rsa(RsaHash::Sha256, key, msg, sig),
        Algorithm::EcdsaP256Sha256 => verify_p256(key, msg, sig),
        Algorithm::Sm2Sm3 => verify_sm2(key, msg, sig),
    };
    if ok {
        Ok(())
    } else {
        Err(SignatureError::Invalid)
    }
}

#[derive(Clone, Copy)]
enum RsaHash {
    Sha256,
    Sha384,
    Sha512,
}

/// RSA PKCS#1 v1.5 and ECDSA P-256 go through ring: several times faster than the pure-Rust
/// crates, and a CA login verifies two signatures (the certificate's and the client's).
/// `public_key` is the SubjectPublicKeyInfo's key bits (RSAPublicKey for RSA); ring accepts
/// RSA keys of 2048 bits and more only, which the platform wants anyway.
fn verify_rsa(hash: RsaHash, public_key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    use ring::signature as rs;
    let alg = match hash {
        RsaHash::Sha256 => &rs::RSA_PKCS1_2048_8192_SHA256,
        RsaHash::Sha384 => &rs::RSA_PKCS1_2048_8192_SHA384,
        RsaHash::Sha512 => &rs::RSA_PKCS1_2048_8192_SHA512,
    };
    rs::UnparsedPublicKey::new(alg, public_key).verify(msg, sig).is_ok()
}

fn verify_p256(point: &[u8], msg: &[u8], sig_der: &[u8]) -> bool {
    use ring::signature as rs;
    rs::UnparsedPublicKey::new(&rs::ECDSA_P256_SHA256_ASN1, point).verify(msg, sig_der).is_ok()
}

fn verify_sm2(point: &[u8], msg: &[u8], sig_der: &[u8]) -> bool {
    use sm2::dsa::signature::Verifier;
    let Ok(key) = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DEFAULT_ID, point) else {
        return false;
    };
    let Ok(sig) = sm2::dsa::Signature::from_der(sig_der) else { return false };
    key.verify(msg, &sig).is_ok()
}

/// Whether `issuer` signed `child`: names match, the issuer may sign certificates, and its
/// signature over the TBS bytes verifies (SHA-256/384/512 with RSA, ECDSA P-256, SM3withSM2).
pub fn issued_by(child: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> bool {
    if child.issuer().as_raw() != issuer.subject().as_raw() {
        return false;
    }
    let is_ca = matches!(issuer.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
    let may_sign = match issuer.key_usage() {
        Ok(Some(ku)) => ku.value.key_cert_sign(),
        Ok(None) => true,
        Err(_) => false,
    };
    if !is_ca || !may_sign {
        return false;
    }
    let tbs = child.tbs_certificate.as_ref();
    let sig = &child.signature_value.data;
    let spki = issuer.public_key();
    let alg = child.signature_algorithm.algorithm.to_id_string();
    let memo = signature_memo_key(&alg, tbs, sig, spki.raw);
    if CHECKED_SIGNATURES.lock().is_ok_and(|set| set.contains(&memo)) {
        return true;
    }
    let key = &spki.subject_public_key.data;
    let ok = match (alg.as_str(), key_algorithm(spki)) {
        ("1.2.840.113549.1.1.11", Some(Algorithm::RsaPkcs1Sha256)) => {
            verify_rsa(RsaHash::Sha256, key, tbs, sig)
        }
        ("1.2.840.113549.1.1.12", Some(Algorithm::RsaPkcs1Sha256)) => {
            verify_rsa(RsaHash::Sha384, key, tbs, sig)
        }
        ("1.2.840.113549.1.1.13", Some(Algorithm::RsaPkcs1Sha256)) => {
            verify_rsa(RsaHash::Sha512, key, tbs, sig)
        }
        ("1.2.840.10045.4.3.2", Some(Algorithm::EcdsaP256Sha256)) => verify_p256(key, tbs, sig),
        ("1.2.156.10197.1.501", Some(Algorithm::Sm2Sm3)) => verify_sm2(key, tbs, sig),
        _ => false,
    };
    if ok {
        if let Ok(mut set) = CHECKED_SIGNATURES.lock() {
            if set.len() >= CHECKED_SIGNATURES_MAX {
                set.clear();
            }
            set.insert(memo);
        }
    }
    ok
}

/// Issuer signatures already found good. A bound certificate logs in again and again, and the
/// CA's signature on it, a function of these bytes alone, is half of a login's public-key work.
/// Whether the issuer is still trusted, and the validity dates, are checked on every request.
static CHECKED_SIGNATURES: std::sync::LazyLock<std::sync::Mutex<HashSet<[u8; 32]>>> =
    std::sync::LazyLock::new(Default::default);
const CHECKED_SIGNATURES_MAX: usize = 100_000;

fn signature_memo_key(alg: &str, tbs: &[u8], sig: &[u8], issuer_spki: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [alg.as_bytes(), tbs, sig, issuer_spki] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// Why a client certificate is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CertificateProblem {
    Untrusted,
    Expired,
    NotYetValid,
    KeyUsage,
}

/// The certificate must be an end entity's (not a CA's), chain to a trusted CA (directly, or
/// through trusted intermediates within their path length), be inside its validity, allow
/// digitalSignature where keyUsage is present, and client authentication where
/// extendedKeyUsage is present.
pub fn check_certificate(
    cert: &X509Certificate<'_>,
    trusted: &[Vec<u8>],
    now: OffsetDateTime,
) -> Result<(), CertificateProblem> {
    if is_ca(cert) {
        return Err(CertificateProblem::Untrusted);
    }
    let anchors: Vec<X509Certificate<'_>> = trusted
        .iter()
        .filter_map(|der| X509Certificate::from_der(der).ok().map(|(_, c)| c))
        .collect();
    if !chains_to(cert, &anchors, now, 0) {
        return Err(CertificateProblem::Untrusted);
    }
    let validity = cert.validity();
    if now < validity.not_before.to_datetime() {
        return Err(CertificateProblem::NotYetValid);
    }
    if now > validity.not_after.to_datetime() {
        return Err(CertificateProblem::Expired);
    }
    match cert.key_usage() {
        Ok(Some(ku)) if !ku.value.digital_signature() => return Err(CertificateProblem::KeyUsage),
        Err(_) => return Err(CertificateProblem::KeyUsage),
        _ => {}
    }
    match cert.extended_key_usage() {
        Ok(Some(eku)) if !(eku.value.client_auth || eku.value.any) => {
            Err(CertificateProblem::KeyUsage)
        }
        Err(_) => Err(CertificateProblem::KeyUsage),
        _ => Ok(()),
    }
}

fn is_ca(cert: &X509Certificate<'_>) -> bool {
    matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca)
}

/// Whether `cert` chains to one of the anchors. `below` is the number of CA certificates
/// between `cert` and the client's certificate, which the issuer's pathLenConstraint bounds.
fn chains_to(
    cert: &X509Certificate<'_>,
    anchors: &[X509Certificate<'_>],
    now: OffsetDateTime,
    below: u32,
) -> bool {
    if below > 4 {
        return false;
    }
    anchors.iter().any(|ca| {
        let v = ca.validity();
        let ca_valid = v.not_before.to_datetime() <= now && now <= v.not_after.to_datetime();
        let path_len_ok = match ca.basic_constraints() {
            Ok(Some(bc)) => bc.value.path_len_constraint.is_none_or(|n| below <= n),
            _ => false,
        };
        ca_valid
            && path_len_ok
            && issued_by(cert, ca)
            && (is_self_signed(ca) || chains_to(ca, anchors, now, below + 1))
    })
}

fn is_self_signed(cert: &X509Certificate<'_>) -> bool {
    cert.issuer().as_raw() == cert.subject().as_raw()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The certificate as the binding table shows it.
pub fn certificate_info(cert: &X509Certificate<'_>, der: &[u8]) -> CertificateInfo {
    let first = |it: &mut dyn Iterator<Item = &x509_parser::x509::AttributeTypeAndValue<'_>>| {
        it.next().and_then(|a| a.as_str().ok()).unwrap_or_default().to_string()
    };
    CertificateInfo {
        subject: cert.subject().to_string(),
        common_name: first(&mut cert.subject().iter_common_name()),
        organization: first(&mut cert.subject().iter_organization()),
        issuer: cert.issuer().to_string(),
        serial: serial_hex(cert.tbs_certificate.raw_serial()),
        not_before: rfc3339(cert.validity().not_before.to_datetime()),
        not_after: rfc3339(cert.validity().not_after.to_datetime()),
        sha256: sha256_hex(der),
    }
}
