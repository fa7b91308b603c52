//! SOF_GetCertInfo and SOF_GetCertInfoByOid: a certificate's fields as the pages ask for them.
//!
//! Type numbers are those of the CA client script the pages include (1 version, 2 serial, 3 key
//! kind, 4–10 issuer C/O/OU/ST/CN/L/E, 11/12 validity, 13–19 subject C/O/OU/ST/CN/L/E, 20 public
//! key, 33 subject DN, 34 issuer DN, 35 unique entity ID), and GM/T 0006's where they do not
//! clash with those (0x31–0x36: subject CN/O/OU/E, notBefore, notAfter). Times are
//! YYYYMMDDHHMMSS in UTC; several values of one attribute are joined with `&&&`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use x509_parser::der_parser::asn1_rs::{Any, Tag};
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

use crate::x509::{attr_text, dn_string};

const C: &str = "2.5.4.6";
const O: &str = "2.5.4.10";
const OU: &str = "2.5.4.11";
const ST: &str = "2.5.4.8";
const CN: &str = "2.5.4.3";
const L: &str = "2.5.4.7";
const E: &str = "1.2.840.113549.1.9.1";
const STREET: &str = "2.5.4.9";
const SERIAL_NUMBER: &str = "2.5.4.5";
/// GM/T 0015's identity code of the holder (个人身份标识码 / 统一社会信用代码 in Chinese CAs'
/// certificates).
const IDENTITY_CODE: &str = "1.2.156.10260.4.1.1";

/// The field `kind` of the certificate (base64 DER); `None` when the certificate does not parse
/// or the type is unknown (the page then gets the usual empty answer).
pub fn cert_info(cert_b64: &str, kind: i64) -> Option<String> {
    let der = STANDARD.decode(cert_b64.trim()).ok()?;
    let (_, cert) = X509Certificate::from_der(&der).ok()?;
    let (tbs, issuer, subject) = (&cert.tbs_certificate, issuer_of(&cert), subject_of(&cert));
    Some(match kind {
        1 => version(&cert),
        2 => zca_contract::serial_hex(tbs.raw_serial()),
        3 => key_kind(&cert),
        4 => issuer(C),
        5 => issuer(O),
        6 => issuer(OU),
        7 => issuer(ST),
        8 => issuer(CN),
        9 => issuer(L),
        10 => issuer(E),
        11 | 0x35 => time(tbs.validity.not_before),
        12 | 0x36 => time(tbs.validity.not_after),
        13 => subject(C),
        14 | 0x32 => subject(O),
        15 | 0x33 => subject(OU),
        16 => subject(ST),
        17 | 0x31 => subject(CN),
        18 => subject(L),
        19 | 0x34 => subject(E),
        20 => STANDARD.encode(tbs.subject_pki.raw),
        33 => dn_string(tbs.subject()),
        34 => dn_string(tbs.issuer()),
        35 => unique_id(&cert),
        _ => return None,
    })
}

/// The field `kind` by the SGD_CERT_* numbers of Longmai's mToken pages (GM/T 0006's table):
/// 0x01 version, 0x02 serial, 0x05 issuer, 0x06 notAfter, 0x07 subject, 0x08 public key (DER,
/// base64), 0x09 extensions (DER, base64), 0x10 notBefore, 0x21–0x28 issuer CN/O/OU/C/P/L/S/E,
/// 0x31–0x34 subject CN/O/OU/E, 0x35 days left, 0x36 signature algorithm, 0x37–0x3A subject
/// C/P/L/S, 0x41 CRL distribution points.
pub fn cert_info_sgd(cert_b64: &str, kind: i64) -> Option<String> {
    let der = STANDARD.decode(cert_b64.trim()).ok()?;
    let (_, cert) = X509Certificate::from_der(&der).ok()?;
    let (tbs, issuer, subject) = (&cert.tbs_certificate, issuer_of(&cert), subject_of(&cert));
    Some(match kind {
        0x01 => version(&cert),
        0x02 => zca_contract::serial_hex(tbs.raw_serial()),
        0x05 => dn_string(tbs.issuer()),
        0x06 => time(tbs.validity.not_after),
        0x07 => dn_string(tbs.subject()),
        0x08 => STANDARD.encode(tbs.subject_pki.raw),
        0x09 => STANDARD.encode(extensions_der(&der)?),
        0x10 => time(tbs.validity.not_before),
        0x21 => issuer(CN),
        0x22 => issuer(O),
        0x23 => issuer(OU),
        0x24 => issuer(C),
        0x25 => issuer(ST),
        0x26 => issuer(L),
        0x27 => issuer(STREET),
        0x28 => issuer(E),
        0x31 => subject(CN),
        0x32 => subject(O),
        0x33 => subject(OU),
        0x34 => subject(E),
        0x35 => {
            let left = tbs.validity.not_after.to_datetime() - time::OffsetDateTime::now_utc();
            left.whole_days().max(0).to_string()
        }
        0x36 => crate::x509::signature_name(&cert.signature_algorithm.algorithm.to_id_string()),
        0x37 => subject(C),
        0x38 => subject(ST),
        0x39 => subject(L),
        0x3A => subject(STREET),
        0x41 => crl_points(&cert),
        _ => return None,
    })
}

/// `V3`: a page may send any certificate, and a version field of u32::MAX must not overflow.
fn version(cert: &X509Certificate<'_>) -> String {
    format!("V{}", u64::from(cert.tbs_certificate.version.0) + 1)
}

/// An attribute of the issuer's name, by OID.
fn issuer_of<'a>(cert: &'a X509Certificate<'_>) -> impl Fn(&str) -> String + 'a {
    move |oid| attribute(cert.tbs_certificate.issuer(), oid)
}

fn subject_of<'a>(cert: &'a X509Certificate<'_>) -> impl Fn(&str) -> String + 'a {
    move |oid| attribute(cert.tbs_certificate.subject(), oid)
}

fn time(t: x509_parser::time::ASN1Time) -> String {
    yyyymmddhhmmss(t.to_datetime())
}

/// The DER of the certificate's extensions field (`[3] EXPLICIT Extensions`), as it is.
fn extensions_der(der: &[u8]) -> Option<Vec<u8>> {
    use x509_parser::der_parser::der::parse_der;
    let (_, cert) = parse_der(der).ok()?;
    let tbs = cert.as_sequence().ok()?.first()?;
    let ext = tbs.as_sequence().ok()?.iter().find(|o| o.header.raw_tag() == Some(&[0xA3]))?;
    // EXPLICIT: the content of [3] is the Extensions SEQUENCE, whole.
    Some(ext.as_slice().ok()?.to_vec())
}

/// The URIs of the certificate's CRL distribution points, joined with `&&&`.
fn crl_points(cert: &X509Certificate<'_>) -> String {
    use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
    let mut uris = Vec::new();
    for ext in cert.extensions() {
        if let ParsedExtension::CRLDistributionPoints(points) = ext.parsed_extension() {
            for point in points.iter() {
                if let Some(DistributionPointName::FullName(names)) = &point.distribution_point {
                    for name in names {
                        if let GeneralName::URI(uri) = name {
                            uris.push(uri.to_string());
                        }
                    }
                }
            }
        }
    }
    uris.join("&&&")
}

/// The values of the attribute `oid` in `name`, joined with `&&&`.
fn attribute(name: &X509Name<'_>, oid: &str) -> String {
    name.iter_attributes()
        .filter(|a| a.attr_type().to_id_string() == oid)
        .map(attr_text)
        .collect::<Vec<_>>()
        .join("&&&")
}

fn key_kind(cert: &X509Certificate<'_>) -> String {
    match crate::x509::contract_algorithm(cert.public_key()) {
        Some(zca_contract::Algorithm::RsaPkcs1Sha256) => "RSA",
        Some(zca_contract::Algorithm::Sm2Sm3) => "SM2",
        Some(zca_contract::Algorithm::EcdsaP256Sha256) => "ECC",
        None if cert.public_key().algorithm.algorithm.to_id_string() == "1.2.840.113549.1.1.1" => {
            "RSA"
        }
        None => "",
    }
    .to_string()
}

/// The holder's unique ID: GM/T 0015's identity code extension, else the subject's
/// serialNumber attribute.
fn unique_id(cert: &X509Certificate<'_>) -> String {
    extension_text(cert, IDENTITY_CODE)
        .unwrap_or_else(|| attribute(cert.tbs_certificate.subject(), SERIAL_NUMBER))
}

fn yyyymmddhhmmss(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// SOF_GetCertInfoByOid: the value of the extension `oid` (its text when it holds a string,
/// else base64 of its DER value), or of the subject's attribute `oid`.
pub fn cert_info_by_oid(cert_b64: &str, oid: &str) -> Option<String> {
    let der = STANDARD.decode(cert_b64.trim()).ok()?;
    let (_, cert) = X509Certificate::from_der(&der).ok()?;
    let oid = oid.trim();
    if let Some(text) = extension_text(&cert, oid) {
        return Some(text);
    }
    let value = attribute(cert.tbs_certificate.subject(), oid);
    (!value.is_empty()).then_some(value)
}

/// An extension's value as text when it is a DER string (as Chinese CAs put identity codes),
/// else its DER value in base64.
fn extension_text(cert: &X509Certificate<'_>, oid: &str) -> Option<String> {
    let ext = cert.extensions().iter().find(|e| e.oid.to_id_string() == oid)?;
    let value = ext.value;
    let text = Any::from_der(value).ok().and_then(|(rest, any)| {
        let is_string = matches!(
            any.tag(),
            Tag::Utf8String
                | Tag::PrintableString
                | Tag::Ia5String
                | Tag::VisibleString
                | Tag::BmpString
                | Tag::OctetString
        );
        if !rest.is_empty() || !is_string {
            return None;
        }
        if any.tag() == Tag::BmpString {
            let units: Vec<u16> =
                any.data.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            return Some(String::from_utf16_lossy(&units));
        }
        std::str::from_utf8(any.data).ok().map(str::to_string)
    });
    Some(text.unwrap_or_else(|| STANDARD.encode(value)))
}
