//! SM2 signing of the contract's bytes where the module only signs digests: zca computes
//! e = SM3(Z ‖ M) with Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GM/T 0003.2) for the
//! default ID, as the platform does when it verifies.

use sm3::{Digest, Sm3};

const DEFAULT_ID: &[u8] = zca_contract::SM2_DEFAULT_ID.as_bytes();

/// The curve's a, b and generator (GM/T 0003.5).
const A: [u8; 32] = hex32("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC");
const B: [u8; 32] = hex32("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93");
const GX: [u8; 32] = hex32("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7");
const GY: [u8; 32] = hex32("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0");

const fn hex32(text: &str) -> [u8; 32] {
    let t = text.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(t[2 * i]) << 4 | nibble(t[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'A' + 10,
    }
}

/// e = SM3(Z ‖ M) for the public key `point` (04 ‖ x ‖ y); `None` for a point of another form.
pub fn digest(point: &[u8], message: &[u8]) -> Option<[u8; 32]> {
    if point.len() != 65 || point[0] != 0x04 {
        return None;
    }
    let mut z = Sm3::new();
    z.update(((DEFAULT_ID.len() * 8) as u16).to_be_bytes());
    z.update(DEFAULT_ID);
    for part in [&A[..], &B, &GX, &GY, &point[1..33], &point[33..]] {
        z.update(part);
    }
    let mut e = Sm3::new();
    e.update(z.finalize());
    e.update(message);
    Some(e.finalize().into())
}

#[cfg(test)]
mod tests {
    use sm2::dsa::signature::hazmat::PrehashSigner;
    use sm2::dsa::signature::Verifier;

    #[test]
    fn a_signature_over_our_digest_verifies_as_sm3_with_sm2() {
        let key =
            sm2::dsa::SigningKey::from_slice(zca_contract::SM2_DEFAULT_ID, &[7u8; 32]).unwrap();
        let point = key.verifying_key().to_sec1_bytes();
        let message = b"zca-v1 bytes to sign";
        let e = super::digest(&point, message).unwrap();
        let signature: sm2::dsa::Signature = key.sign_prehash(&e).unwrap();
        assert!(key.verifying_key().verify(message, &signature).is_ok());
        assert!(key.verifying_key().verify(b"other bytes", &signature).is_err());
        assert!(super::digest(&point[1..], message).is_none());
    }
}
