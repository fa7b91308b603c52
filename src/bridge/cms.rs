//! PKCS#7 / CMS SignedData (RFC 5652) as SOF_SignMessage makes it and SOF_VerifySignedMessage
//! checks it: one signer identified by issuer and serial, signed attributes (content type,
//! message digest, signing time), the signer's certificate, the content attached or not.
//! SM2 signers use GM/T 0010's algorithm identifiers: SM3 as the digest, SM2 signature
//! (1.2.156.10197.1.301.1); the content types are PKCS#7's, which GM/T 0010 readers and OpenSSL
//! both read. Verification also takes GM/T 0010's own content types.

use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};
use zca_contract::Algorithm;

use super::der::{self, Element};
use super::verify;
use crate::token::RsaHash;

pub const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
pub const DATA: &str = "1.2.840.113549.1.7.1";
const GM_SIGNED_DATA: &str = "1.2.156.10197.6.1.4.2.2";
const GM_DATA: &str = "1.2.156.10197.6.1.4.2.1";
const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
const SHA1: &str = "1.3.14.3.2.26";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SM3: &str = "1.2.156.10197.1.401";
const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const SM2_SIGN: &str = "1.2.156.10197.1.301.1";

/// How a signer signs: its key's algorithm and, for RSA, the hash.
#[derive(Clone, Copy, Debug)]
pub struct Scheme {
    pub algorithm: Algorithm,
    pub rsa_hash: RsaHash,
}

impl Scheme {
    fn digest_oid(&self) -> &'static str {
        match (self.algorithm, self.rsa_hash) {
            (Algorithm::Sm2Sm3, _) => SM3,
            (Algorithm::EcdsaP256Sha256, _) => SHA256,
            (Algorithm::RsaPkcs1Sha256, RsaHash::Sha1) => SHA1,
            (Algorithm::RsaPkcs1Sha256, RsaHash::Sha256) => SHA256,
            (Algorithm::RsaPkcs1Sha256, RsaHash::Sm3) => SM3,
        }
    }

    fn digest(&self, data: &[u8]) -> Vec<u8> {
        let hash = match self.algorithm {
            Algorithm::Sm2Sm3 => RsaHash::Sm3,
            Algorithm::EcdsaP256Sha256 => RsaHash::Sha256,
            Algorithm::RsaPkcs1Sha256 => self.rsa_hash,
        };
        verify::hash(hash, data)
    }

    fn signature_algorithm(&self) -> Vec<u8> {
        match self.algorithm {
            Algorithm::RsaPkcs1Sha256 => der::algorithm(RSA_ENCRYPTION, true),
            Algorithm::EcdsaP256Sha256 => der::algorithm(ECDSA_SHA256, false),
            Algorithm::Sm2Sm3 => der::algorithm(SM2_SIGN, false),
        }
    }
}

/// The signed attributes' DER as a SET (what is signed), for `content` at `now`.
pub fn signed_attributes(scheme: Scheme, content: &[u8], now: OffsetDateTime) -> Vec<u8> {
    let attribute = |oid: &str, value: Vec<u8>| {
        der::cons(der::SEQUENCE, &[&der::oid(oid), &der::tlv(der::SET, &value)])
    };
    let mut attributes = [
        attribute(CONTENT_TYPE, der::oid(DATA)),
        attribute(MESSAGE_DIGEST, der::tlv(der::OCTET_STRING, &scheme.digest(content))),
        attribute(SIGNING_TIME, utc_time(now)),
    ];
    // DER sorts the elements of a SET OF by their encoding.
    attributes.sort();
    der::tlv(der::SET, &attributes.concat())
}

fn utc_time(t: OffsetDateTime) -> Vec<u8> {
    let t = t.to_offset(time::UtcOffset::UTC);
    let text = format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}Z",
        t.year() % 100,
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    der::tlv(der::UTC_TIME, text.as_bytes())
}

/// The whole ContentInfo, given the DER SET of signed attributes and the signature over it.
/// `attached`: the content is inside; else the signature is detached.
pub fn signed_data(
    scheme: Scheme,
    cert_der: &[u8],
    content: &[u8],
    attached: bool,
    attributes_set: &[u8],
    signature: &[u8],
) -> Option<Vec<u8>> {
    let (_, cert) = X509Certificate::from_der(cert_der).ok()?;
    let issuer_and_serial = der::cons(
        der::SEQUENCE,
        &[cert.issuer().as_raw(), &der::tlv(der::INTEGER, cert.tbs_certificate.raw_serial())],
    );
    let digest_algorithm = der::algorithm(scheme.digest_oid(), false);
    // [0] IMPLICIT SET OF Attribute: the SET's tag replaced, its content kept.
    let (set, _) = der::read(attributes_set)?;
    let signed_attrs = der::tlv(der::CONTEXT_0, set.content);
    let signer_info = der::cons(
        der::SEQUENCE,
        &[
            &der::unsigned_integer(&[1]),
            &issuer_and_serial,
            &digest_algorithm,
            &signed_attrs,
            &scheme.signature_algorithm(),
            &der::tlv(der::OCTET_STRING, signature),
        ],
    );
    let econtent = if attached {
        der::tlv(der::CONTEXT_0, &der::tlv(der::OCTET_STRING, content))
    } else {
        Vec::new()
    };
    let encap = der::cons(der::SEQUENCE, &[&der::oid(DATA), &econtent]);
    let signed = der::cons(
        der::SEQUENCE,
        &[
            &der::unsigned_integer(&[1]),
            &der::tlv(der::SET, &digest_algorithm),
            &encap,
            &der::tlv(der::CONTEXT_0, cert_der),
            &der::tlv(der::SET, &signer_info),
        ],
    );
    Some(der::cons(der::SEQUENCE, &[&der::oid(SIGNED_DATA), &der::tlv(der::CONTEXT_0, &signed)]))
}

/// Whether a SignedData verifies: every signer's signature with its certificate (from the
/// SignedData itself), over the content it carries or, when detached, over `detached`.
pub fn verify_signed_data(message: &[u8], detached: Option<&[u8]>) -> bool {
    verify_inner(message, detached).unwrap_or(false)
}

fn verify_inner(message: &[u8], detached: Option<&[u8]>) -> Option<bool> {
    let (info, _) = der::read(message)?;
    let parts = der::children(info.content)?;
    let content_type = der::oid_text(parts.first()?.content)?;
    if content_type != SIGNED_DATA && content_type != GM_SIGNED_DATA {
        return Some(false);
    }
    let (signed, _) = der::read(parts.get(1)?.content)?;
    let fields = der::children(signed.content)?;
    let encap = der::children(fields.get(2)?.content)?;
    let econtent_type = der::oid_text(encap.first()?.content)?;
    if econtent_type != DATA && econtent_type != GM_DATA {
        return Some(false);
    }
    let attached = match encap.get(1) {
        Some(e) => Some(der::read(e.content)?.0.content),
        None => None,
    };
    let content = attached.or(detached)?;
    let certificates: Vec<&[u8]> = fields
        .iter()
        .find(|f| f.tag == der::CONTEXT_0)
        .map(|c| der::children(c.content).map(|cs| cs.iter().map(|c| c.raw).collect()))
        .unwrap_or(Some(Vec::new()))?;
    let signer_infos = der::children(fields.last()?.content)?;
    if signer_infos.is_empty() {
        return Some(false);
    }
    for signer in signer_infos {
        if !verify_signer(&signer, &certificates, content)? {
            return Some(false);
        }
    }
    Some(true)
}

fn verify_signer(signer: &Element<'_>, certificates: &[&[u8]], content: &[u8]) -> Option<bool> {
    let f = der::children(signer.content)?;
    let sid = der::children(f.get(1)?.content)?;
    let (issuer, serial) = (sid.first()?.raw, sid.get(1)?.content);
    let cert_der = certificates.iter().copied().find(|c| {
        X509Certificate::from_der(c).is_ok_and(|(_, cert)| {
            cert.issuer().as_raw() == issuer && cert.tbs_certificate.raw_serial() == serial
        })
    })?;
    let digest_oid = der::oid_text(der::children(f.get(2)?.content)?.first()?.content)?;
    let rsa_hash = match digest_oid.as_str() {
        SHA1 => RsaHash::Sha1,
        SHA256 => RsaHash::Sha256,
        SM3 => RsaHash::Sm3,
        _ => return Some(false),
    };
    let (signed_attrs, rest) = match f.get(3) {
        Some(a) if a.tag == der::CONTEXT_0 => (Some(a), &f[4..]),
        _ => (None, &f[3..]),
    };
    let signature = rest.get(1)?.content;
    let signed_bytes = match signed_attrs {
        Some(attrs) => {
            let digest = verify::hash(rsa_hash, content);
            if message_digest(attrs.content)? != digest {
                return Some(false);
            }
            der::tlv(der::SET, attrs.content)
        }
        None => content.to_vec(),
    };
    Some(verify::verify(cert_der, rsa_hash, &signed_bytes, signature))
}

/// The messageDigest attribute's value.
fn message_digest(attributes: &[u8]) -> Option<Vec<u8>> {
    for attribute in der::children(attributes)? {
        let parts = der::children(attribute.content)?;
        if der::oid_text(parts.first()?.content)? == MESSAGE_DIGEST {
            let values = der::children(parts.get(1)?.content)?;
            return Some(values.first()?.content.to_vec());
        }
    }
    None
}
