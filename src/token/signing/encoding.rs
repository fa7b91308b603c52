//! The bytes a signature is made of and handed over in: PKCS#1 DigestInfo, and DER
//! ECDSA-Sig-Value from the raw `r ‖ s` keys give.

use sha2::{Digest, Sha256};

use super::RsaHash;

/// PKCS#1 DigestInfo of `msg` (RFC 8017 §9.2; SM3's OID is 1.2.156.10197.1.401).
pub(super) fn digest_info(hash: RsaHash, msg: &[u8]) -> Vec<u8> {
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

/// DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` from the raw `r || s` of PKCS#11.
pub(super) fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
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
