//! Certificate facts: what zca shows of a certificate, including SM2 keys and SM3withSM2
//! signatures (x509-parser has no names for the Chinese OIDs, hence the small tables below).

use ::time::OffsetDateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};
use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::prelude::*;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::AttributeTypeAndValue;

/// The key algorithm of a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    Rsa,
    Ec,
    Sm2,
    Other,
}

#[derive(Clone, Debug, Serialize)]
pub struct KeyInfo {
    pub kind: KeyKind,
    pub bits: Option<u32>,
    /// For EC keys: `P-256`, `P-384`, `P-521`, `SM2`, or the curve's OID.
    pub curve: Option<String>,
}

impl KeyInfo {
    /// `RSA-2048`, `EC P-256`, `SM2`.
    pub fn display(&self) -> String {
        match (self.kind, self.bits, &self.curve) {
            (KeyKind::Rsa, Some(bits), _) => format!("RSA-{bits}"),
            (KeyKind::Sm2, _, _) => "SM2".to_string(),
            (KeyKind::Ec, _, Some(curve)) => format!("EC {curve}"),
            (KeyKind::Ec, _, None) => "EC".to_string(),
            _ => "?".to_string(),
        }
    }
}

/// The public key's raw material, to match a certificate with a private key on the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKeyMaterial {
    /// RSA modulus without leading zero bytes.
    RsaModulus(Vec<u8>),
    /// Uncompressed EC point (04 || x || y).
    EcPoint(Vec<u8>),
    None,
}

#[derive(Clone, Debug, Serialize)]
pub struct CertFacts {
    pub subject: String,
    pub common_name: Option<String>,
    pub organization: Option<String>,
    pub issuer: String,
    pub issuer_common_name: Option<String>,
    /// Uppercase hex, no leading zero bytes.
    pub serial: String,
    #[serde(with = "::time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    #[serde(with = "::time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    pub key: KeyInfo,
    pub signature_algorithm: String,
    pub key_usage: Vec<&'static str>,
    /// Lowercase hex SHA-256 of the DER.
    pub sha256: String,
    #[serde(skip)]
    pub public_key: PublicKeyMaterial,
    /// The contract's algorithm for this key (RSA, P-256, SM2), if it has one.
    #[serde(skip)]
    pub algorithm: Option<zca_contract::Algorithm>,
}

use zca_contract::oid::SM2 as OID_SM2_CURVE;

impl CertFacts {
    pub fn parse(der: &[u8]) -> Result<CertFacts, String> {
        let (rest, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
        if !rest.is_empty() {
            return Err(format!("{} trailing bytes after the certificate", rest.len()));
        }
        let tbs = &cert.tbs_certificate;
        let (key, public_key) = key_info(cert.public_key());
        let algorithm = contract_algorithm(cert.public_key());
        Ok(CertFacts {
            subject: dn_string(tbs.subject()),
            common_name: first_value(tbs.subject().iter_common_name()),
            organization: first_value(tbs.subject().iter_organization()),
            issuer: dn_string(tbs.issuer()),
            issuer_common_name: first_value(tbs.issuer().iter_common_name()),
            serial: zca_contract::serial_hex(tbs.raw_serial()),
            not_before: tbs.validity().not_before.to_datetime(),
            not_after: tbs.validity().not_after.to_datetime(),
            key,
            signature_algorithm: signature_name(&cert.signature_algorithm.algorithm.to_id_string()),
            key_usage: key_usage(&cert),
            sha256: sha256_hex(der),
            public_key,
            algorithm,
        })
    }

    /// Days left as people count them: calendar days from today to the day it expires, in the
    /// time zone of `now` (0 on its last day, negative once expired). Whole 24-hour periods
    /// would call a 30-day certificate issued a minute ago "29 days".
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        calendar_days(now, self.not_after)
    }

    /// The certificate's name as the platform shows it: CN, and O in brackets when there is one.
    pub fn display_name(&self) -> String {
        match (&self.common_name, &self.organization) {
            (Some(cn), Some(o)) if cn != o => format!("{cn} ({o})"),
            (Some(cn), _) => cn.clone(),
            (None, Some(o)) => o.clone(),
            (None, None) => self.subject.clone(),
        }
    }
}

/// Calendar days from `now`'s day to `then`'s day, both in `now`'s time zone.
fn calendar_days(now: OffsetDateTime, then: OffsetDateTime) -> i64 {
    (then.to_offset(now.offset()).date() - now.date()).whole_days()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn first_value<'a>(mut it: impl Iterator<Item = &'a AttributeTypeAndValue<'a>>) -> Option<String> {
    it.next().map(attr_text)
}

/// `C=CN, O=某某单位, CN=张三` in the certificate's own order.
pub(crate) fn dn_string(name: &X509Name<'_>) -> String {
    name.iter_attributes()
        .map(|attr| {
            format!("{}={}", attr_short_name(&attr.attr_type().to_id_string()), attr_text(attr))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn attr_short_name(oid: &str) -> String {
    match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.42" => "GN",
        "2.5.4.97" => "organizationIdentifier",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        other => return other.to_string(),
    }
    .to_string()
}

/// An attribute's text: UTF-8 family as is, BMPString (UCS-2, used by some Chinese CAs) decoded,
/// anything else as `#hex` the way RFC 4514 writes unknown values.
pub(crate) fn attr_text(attr: &AttributeTypeAndValue<'_>) -> String {
    if let Ok(s) = attr.as_str() {
        return s.to_string();
    }
    let value = attr.attr_value();
    let data: &[u8] = value.data;
    match value.tag() {
        Tag::BmpString if data.len().is_multiple_of(2) => {
            let units: Vec<u16> =
                data.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        Tag::T61String | Tag::VisibleString => String::from_utf8_lossy(data).into_owned(),
        _ => format!("#{}", hex::encode(data)),
    }
}

/// The key's algorithm OID and, for EC keys, its curve's.
fn key_oids(spki: &SubjectPublicKeyInfo<'_>) -> (String, Option<String>) {
    let curve =
        spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| o.to_id_string());
    (spki.algorithm.algorithm.to_id_string(), curve)
}

pub(crate) fn contract_algorithm(
    spki: &SubjectPublicKeyInfo<'_>,
) -> Option<zca_contract::Algorithm> {
    let (alg, curve) = key_oids(spki);
    zca_contract::Algorithm::for_key(&alg, curve.as_deref())
}

fn key_info(spki: &SubjectPublicKeyInfo<'_>) -> (KeyInfo, PublicKeyMaterial) {
    let (alg, curve_oid) = key_oids(spki);
    let is_sm2 = alg == OID_SM2_CURVE || curve_oid.as_deref() == Some(OID_SM2_CURVE);
    let parsed = spki.parsed();
    match parsed {
        Ok(PublicKey::RSA(rsa)) => {
            let modulus = trim_zeros(rsa.modulus).to_vec();
            let info =
                KeyInfo { kind: KeyKind::Rsa, bits: Some(rsa.key_size() as u32), curve: None };
            (info, PublicKeyMaterial::RsaModulus(modulus))
        }
        _ if is_sm2 => {
            let info =
                KeyInfo { kind: KeyKind::Sm2, bits: Some(256), curve: Some("SM2".to_string()) };
            (info, PublicKeyMaterial::EcPoint(spki.subject_public_key.data.to_vec()))
        }
        Ok(PublicKey::EC(point)) => {
            let curve = curve_oid.map(|oid| curve_name(&oid));
            let bits = curve.as_deref().and_then(curve_bits).or(Some(point.key_size() as u32));
            let info = KeyInfo { kind: KeyKind::Ec, bits, curve };
            (info, PublicKeyMaterial::EcPoint(spki.subject_public_key.data.to_vec()))
        }
        _ => (KeyInfo { kind: KeyKind::Other, bits: None, curve: None }, PublicKeyMaterial::None),
    }
}

/// Big-endian bytes without their leading zeros (an RSA modulus as modules and certificates
/// differ in how they pad it).
pub(crate) fn trim_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        "1.3.132.0.10" => "secp256k1",
        OID_SM2_CURVE => "SM2",
        other => return other.to_string(),
    }
    .to_string()
}

fn curve_bits(name: &str) -> Option<u32> {
    match name {
        "P-256" | "secp256k1" | "SM2" => Some(256),
        "P-384" => Some(384),
        "P-521" => Some(521),
        _ => None,
    }
}

pub(crate) fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.4" => "MD5withRSA",
        "1.2.840.113549.1.1.5" => "SHA1withRSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.1.11" => "SHA256withRSA",
        "1.2.840.113549.1.1.12" => "SHA384withRSA",
        "1.2.840.113549.1.1.13" => "SHA512withRSA",
        "1.2.840.10045.4.1" => "SHA1withECDSA",
        "1.2.840.10045.4.3.2" => "SHA256withECDSA",
        "1.2.840.10045.4.3.3" => "SHA384withECDSA",
        "1.2.840.10045.4.3.4" => "SHA512withECDSA",
        "1.2.156.10197.1.501" => "SM3withSM2",
        "1.3.101.112" => "Ed25519",
        other => return other.to_string(),
    }
    .to_string()
}

fn key_usage(cert: &X509Certificate<'_>) -> Vec<&'static str> {
    let Ok(Some(ext)) = cert.key_usage() else {
        return Vec::new();
    };
    let ku = ext.value;
    [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_counts_calendar_days_in_the_local_zone() {
        use ::time::macros::datetime;
        use ::time::Duration;
        let now = datetime!(2026-12-01 09:30:00 +8);
        // Issued now for 30 days: 30, not 29.
        assert_eq!(calendar_days(now, now + Duration::days(30)), 30);
        // 23:00 tonight (local) is its last day: 0; 01:00 tomorrow (local) is 1.
        assert_eq!(calendar_days(now, datetime!(2026-12-01 15:00:00 UTC)), 0);
        assert_eq!(calendar_days(now, datetime!(2026-12-01 17:00:00 UTC)), 1);
        // The same instant is still today in UTC.
        let utc = now.to_offset(::time::UtcOffset::UTC);
        assert_eq!(calendar_days(utc, datetime!(2026-12-01 17:00:00 UTC)), 0);
        assert_eq!(calendar_days(now, now - Duration::days(1)), -1);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(CertFacts::parse(b"not a certificate").is_err());
        assert!(CertFacts::parse(&[0x30, 0x82, 0xff, 0xff]).is_err());
        assert!(CertFacts::parse(&[]).is_err());
    }
}
