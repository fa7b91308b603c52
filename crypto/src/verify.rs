//! Signature verification for zca's CA client service (pages verify signatures through it) and
//! zca-platform (which verifies every CA login and the certificates' chains): RSA PKCS#1 v1.5,
//! ECDSA P-256 and SM2.
//!
//! ring does RSA and ECDSA: maintained, constant in its checks, and several times faster than
//! the pure-Rust crates, which matters on the platform (a CA login verifies two signatures).
//! ring has no SM3, so RSA over SM3 (a sign method pages may choose) goes through the
//! RustCrypto `rsa` crate, and SM2 through RustCrypto's `sm2`, the one implementation of it.

/// The digest under an RSA PKCS#1 v1.5 signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
    Sm3,
}

/// The smallest RSA key taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaKeys {
    /// 2048 bits and more: what the platform accepts.
    Modern,
    /// 1024 bits and more: old certificates pages may still show (the CA client service's
    /// verify functions).
    Legacy,
}

/// Whether `sig` is an RSA PKCS#1 v1.5 signature over `msg` with `hash`, by the key
/// `pkcs1_key` (a SubjectPublicKeyInfo's key bits: RSAPublicKey).
pub fn verify_rsa(pkcs1_key: &[u8], keys: RsaKeys, hash: Hash, msg: &[u8], sig: &[u8]) -> bool {
    use ring::signature as rs;
    let alg: &dyn rs::VerificationAlgorithm = match (hash, keys) {
        (Hash::Sha1, RsaKeys::Legacy) => &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (Hash::Sha1, RsaKeys::Modern) => &rs::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (Hash::Sha256, RsaKeys::Legacy) => &rs::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        (Hash::Sha256, RsaKeys::Modern) => &rs::RSA_PKCS1_2048_8192_SHA256,
        (Hash::Sha384, _) => &rs::RSA_PKCS1_2048_8192_SHA384,
        (Hash::Sha512, _) => &rs::RSA_PKCS1_2048_8192_SHA512,
        (Hash::Sm3, _) => return verify_rsa_sm3(pkcs1_key, keys, msg, sig),
    };
    rs::UnparsedPublicKey::new(alg, pkcs1_key).verify(msg, sig).is_ok()
}

/// SM3withRSA: PKCS#1 v1.5 with SM3's DigestInfo (OID 1.2.156.10197.1.401).
fn verify_rsa_sm3(pkcs1_key: &[u8], keys: RsaKeys, msg: &[u8], sig: &[u8]) -> bool {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use sm3::Digest;
    const PREFIX: &[u8] = &[
        0x30, 0x30, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11, 0x05,
        0x00, 0x04, 0x20,
    ];
    let Ok(key) = rsa::PublicKey::from_pkcs1_der(pkcs1_key) else { return false };
    let min_bytes = if keys == RsaKeys::Modern { 256 } else { 128 };
    if rsa::traits::PublicKeyParts::size(&key) < min_bytes {
        return false;
    }
    let digest = sm3::Sm3::digest(msg);
    let scheme =
        rsa::pkcs1v15::Pkcs1v15Sign { hash_len: Some(digest.len()), prefix: PREFIX.into() };
    key.verify(scheme, &digest, sig).is_ok()
}

/// Whether `sig_der` (an ECDSA-Sig-Value) is an ECDSA P-256 signature over SHA-256 of `msg` by
/// the uncompressed point `point`.
pub fn verify_p256(point: &[u8], msg: &[u8], sig_der: &[u8]) -> bool {
    use ring::signature as rs;
    rs::UnparsedPublicKey::new(&rs::ECDSA_P256_SHA256_ASN1, point).verify(msg, sig_der).is_ok()
}

/// Whether `sig_der` is an SM2 signature (GM/T 0003, SM3, signer `id`) over `msg` by the point
/// `point`.
pub fn verify_sm2(point: &[u8], id: &str, msg: &[u8], sig_der: &[u8]) -> bool {
    use sm2::dsa::signature::Verifier;
    let Ok(key) = sm2::dsa::VerifyingKey::from_sec1_bytes(id, point) else { return false };
    let Ok(sig) = sm2::dsa::Signature::from_der(sig_der) else { return false };
    key.verify(msg, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p256_signatures_verify_and_garbage_does_not() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let rng = ring::rand::SystemRandom::new();
        let signer = ring::signature::EcdsaKeyPair::from_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            &key.serialize_der(),
            &rng,
        )
        .unwrap();
        let sig = signer.sign(&rng, b"msg").unwrap();
        let point = ring::signature::KeyPair::public_key(&signer).as_ref().to_vec();
        assert!(verify_p256(&point, b"msg", sig.as_ref()));
        assert!(!verify_p256(&point, b"other", sig.as_ref()));
        for garbage in [&b""[..], b"\x30\x00", &[0xff; 80]] {
            assert!(!verify_p256(&point, b"msg", garbage));
            assert!(!verify_rsa(garbage, RsaKeys::Legacy, Hash::Sm3, b"msg", garbage));
            assert!(!verify_rsa(garbage, RsaKeys::Modern, Hash::Sha256, b"msg", garbage));
            assert!(!verify_sm2(garbage, "1234567812345678", b"msg", garbage));
        }
    }
}
