//! Certificates and signatures: what the platform checks before it trusts a key.
//! RSA (PKCS#1 v1.5), ECDSA P-256 and SM2 (SM3, default ID) both for the client's signature
//! over the contract's bytes and for the issuer's signature on the certificate.

use std::collections::HashSet;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, SubjectPublicKeyInfo, X509Certificate};
use zca_contract::{serial_hex, Algorithm, CertificateInfo, SM2_DEFAULT_ID};
use zca_crypto::{Hash, RsaKeys};

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
        Algorithm::RsaPkcs1Sha256 => verify_rsa(Hash::Sha256, key, msg, sig),
        Algorithm::EcdsaP256Sha256 => zca_crypto::verify_p256(key, msg, sig),
        Algorithm::Sm2Sm3 => verify_sm2(key, msg, sig),
    };
    if ok {
        Ok(())
    } else {
        Err(SignatureError::Invalid)
    }
}

fn verify_rsa(hash: Hash, public_key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    zca_crypto::verify_rsa(public_key, RsaKeys::Modern, hash, msg, sig)
}

fn verify_sm2(point: &[u8], msg: &[u8], sig_der: &[u8]) -> bool {
    zca_crypto::verify_sm2(point, SM2_DEFAULT_ID, msg, sig_der)
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
            verify_rsa(Hash::Sha256, key, tbs, sig)
        }
        ("1.2.840.113549.1.1.12", Some(Algorithm::RsaPkcs1Sha256)) => {
            verify_rsa(Hash::Sha384, key, tbs, sig)
        }
        ("1.2.840.113549.1.1.13", Some(Algorithm::RsaPkcs1Sha256)) => {
            verify_rsa(Hash::Sha512, key, tbs, sig)
        }
        ("1.2.840.10045.4.3.2", Some(Algorithm::EcdsaP256Sha256)) => {
            zca_crypto::verify_p256(key, tbs, sig)
        }
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
    if is_ca(cert) || !extensions_understood(cert) {
        return Err(CertificateProblem::Untrusted);
    }
    let anchors: Vec<X509Certificate<'_>> = trusted
        .iter()
        .filter_map(|der| X509Certificate::from_der(der).ok().map(|(_, c)| c))
        .collect();
    if !chains_to(cert, &anchors, now, &[cert]) {
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

/// Whether `cert` chains to one of the anchors. `path` is the chain from the client's
/// certificate up to `cert`: the CA certificates in it (all but the first) count against each
/// issuer's pathLenConstraint, and every name in it must be within each issuer's name
/// constraints.
fn chains_to(
    cert: &X509Certificate<'_>,
    anchors: &[X509Certificate<'_>],
    now: OffsetDateTime,
    path: &[&X509Certificate<'_>],
) -> bool {
    let below = path.len() as u32 - 1;
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
        let up: Vec<&X509Certificate<'_>> = path.iter().copied().chain([ca]).collect();
        ca_valid
            && path_len_ok
            && extensions_understood(ca)
            && names_allowed(ca, path)
            && issued_by(cert, ca)
            && (is_self_signed(ca) || chains_to(ca, anchors, now, &up))
    })
}

/// Extensions whose meaning the platform applies. A certificate with a critical extension of
/// any other kind is not used (RFC 5280 §4.2): its issuer meant it to limit the certificate in
/// a way this platform would ignore.
const UNDERSTOOD: &[&str] = &[
    "2.5.29.14", // subjectKeyIdentifier
    "2.5.29.15", // keyUsage
    "2.5.29.17", // subjectAltName (its names meet the issuers' name constraints)
    "2.5.29.19", // basicConstraints
    "2.5.29.30", // nameConstraints
    "2.5.29.35", // authorityKeyIdentifier
    "2.5.29.37", // extKeyUsage
];

fn extensions_understood(cert: &X509Certificate<'_>) -> bool {
    cert.extensions()
        .iter()
        .all(|e| !e.critical || UNDERSTOOD.contains(&e.oid.to_id_string().as_str()))
}

/// Whether the names of every certificate below the CA `ca` lie within its name constraints.
/// A constraint of a kind the platform cannot check (otherName, x400Address, …) refuses all.
fn names_allowed(ca: &X509Certificate<'_>, below: &[&X509Certificate<'_>]) -> bool {
    use x509_parser::extensions::GeneralName;
    let constraints = match ca.name_constraints() {
        Ok(None) => return true,
        Ok(Some(nc)) => nc.value,
        Err(_) => return false,
    };
    let permitted: Vec<&GeneralName<'_>> =
        constraints.permitted_subtrees.iter().flatten().map(|t| &t.base).collect();
    let excluded: Vec<&GeneralName<'_>> =
        constraints.excluded_subtrees.iter().flatten().map(|t| &t.base).collect();
    let checkable = |n: &&GeneralName<'_>| {
        matches!(
            n,
            GeneralName::DirectoryName(_)
                | GeneralName::RFC822Name(_)
                | GeneralName::DNSName(_)
                | GeneralName::URI(_)
                | GeneralName::IPAddress(_)
        )
    };
    if !permitted.iter().chain(&excluded).all(checkable) {
        return false;
    }
    below.iter().all(|cert| {
        names_of(cert).iter().all(|name| {
            let same_kind: Vec<&&GeneralName<'_>> =
                permitted.iter().filter(|p| same_form(p, name)).collect();
            (same_kind.is_empty() || same_kind.iter().any(|p| within(name, p)))
                && !excluded.iter().any(|e| same_form(e, name) && within(name, e))
        })
    })
}

/// A certificate's names that name constraints apply to: its subject (when not empty), the
/// subject's email addresses, and its subjectAltName entries.
fn names_of<'a>(cert: &'a X509Certificate<'a>) -> Vec<x509_parser::extensions::GeneralName<'a>> {
    use x509_parser::extensions::GeneralName;
    let mut names = Vec::new();
    if cert.subject().iter().next().is_some() {
        names.push(GeneralName::DirectoryName(cert.subject().clone()));
    }
    for email in cert.subject().iter_email() {
        if let Ok(text) = email.as_str() {
            names.push(GeneralName::RFC822Name(text));
        }
    }
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        names.extend(san.value.general_names.iter().cloned());
    }
    names
}

fn same_form(
    a: &x509_parser::extensions::GeneralName<'_>,
    b: &x509_parser::extensions::GeneralName<'_>,
) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Whether `name` lies within the subtree `base` (of the same form), as RFC 5280 §4.2.1.10
/// matches them.
fn within(
    name: &x509_parser::extensions::GeneralName<'_>,
    base: &x509_parser::extensions::GeneralName<'_>,
) -> bool {
    use x509_parser::extensions::GeneralName as G;
    match (name, base) {
        (G::DirectoryName(n), G::DirectoryName(b)) => {
            let rdn =
                |r: &x509_parser::x509::RelativeDistinguishedName<'_>| -> Vec<(String, Vec<u8>)> {
                    r.iter()
                        .map(|a| (a.attr_type().to_id_string(), a.attr_value().data.to_vec()))
                        .collect()
                };
            let (n, b): (Vec<_>, Vec<_>) =
                (n.iter().map(rdn).collect(), b.iter().map(rdn).collect());
            n.len() >= b.len() && n[..b.len()] == b[..]
        }
        (G::RFC822Name(n), G::RFC822Name(b)) => {
            let domain = n.rsplit_once('@').map_or(*n, |(_, d)| d);
            if b.contains('@') {
                n.eq_ignore_ascii_case(b)
            } else if b.starts_with('.') {
                ends_with_ignore_case(domain, b)
            } else {
                domain.eq_ignore_ascii_case(b)
            }
        }
        (G::DNSName(n), G::DNSName(b)) => dns_within(n, b),
        (G::URI(n), G::URI(b)) => {
            let host = n.split("://").nth(1).unwrap_or("").split(['/', ':', '?', '#']).next();
            host.is_some_and(|h| {
                if b.starts_with('.') {
                    ends_with_ignore_case(h, b)
                } else {
                    h.eq_ignore_ascii_case(b)
                }
            })
        }
        (G::IPAddress(ip), G::IPAddress(b)) => {
            let half = b.len() / 2;
            ip.len() == half
                && ip.iter().zip(&b[..half]).zip(&b[half..]).all(|((i, a), m)| i & m == a & m)
        }
        _ => false,
    }
}

fn dns_within(name: &str, base: &str) -> bool {
    let base = base.trim_start_matches('.');
    base.is_empty()
        || name.eq_ignore_ascii_case(base)
        || ends_with_ignore_case(name, &format!(".{base}"))
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text.is_char_boundary(text.len() - suffix.len())
        && text[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
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

#[cfg(test)]
mod tests {
    use rcgen::{
        BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue,
        GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose, NameConstraints, SanType,
    };

    use super::*;

    fn name(org: &str, cn: &str) -> DistinguishedName {
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, DnValue::Utf8String(org.into()));
        dn.push(DnType::CommonName, DnValue::Utf8String(cn.into()));
        dn
    }

    struct Ca {
        key: KeyPair,
        params: CertificateParams,
        der: Vec<u8>,
    }

    fn ca(tune: impl FnOnce(&mut CertificateParams)) -> Ca {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = name("测试 CA", "Root");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        tune(&mut params);
        let der = params.self_signed(&key).unwrap().der().to_vec();
        Ca { key, params, der }
    }

    fn leaf(ca: &Ca, org: &str, tune: impl FnOnce(&mut CertificateParams)) -> Vec<u8> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = name(org, "张三");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        tune(&mut params);
        params.signed_by(&key, &Issuer::from_params(&ca.params, &ca.key)).unwrap().der().to_vec()
    }

    fn check(ca: &Ca, leaf: &[u8]) -> Result<(), CertificateProblem> {
        let (_, cert) = X509Certificate::from_der(leaf).unwrap();
        check_certificate(&cert, std::slice::from_ref(&ca.der), OffsetDateTime::now_utc())
    }

    fn unknown(critical: bool) -> CustomExtension {
        let mut ext = CustomExtension::from_oid_content(&[1, 2, 3, 4, 5], vec![0x05, 0x00]);
        ext.set_criticality(critical);
        ext
    }

    #[test]
    fn an_unknown_critical_extension_is_refused_anywhere_in_the_chain() {
        let root = ca(|_| {});
        assert_eq!(check(&root, &leaf(&root, "单位", |_| {})), Ok(()));
        let quiet = leaf(&root, "单位", |p| p.custom_extensions.push(unknown(false)));
        assert_eq!(check(&root, &quiet), Ok(()), "not critical: ignored");
        let loud = leaf(&root, "单位", |p| p.custom_extensions.push(unknown(true)));
        assert_eq!(check(&root, &loud), Err(CertificateProblem::Untrusted));
        let strict_root = ca(|p| p.custom_extensions.push(unknown(true)));
        let under = leaf(&strict_root, "单位", |_| {});
        assert_eq!(check(&strict_root, &under), Err(CertificateProblem::Untrusted));
    }

    #[test]
    fn a_ca_s_name_constraints_bound_its_certificates() {
        let permitted = ca(|p| {
            p.name_constraints = Some(NameConstraints {
                permitted_subtrees: vec![GeneralSubtree::DirectoryName({
                    let mut dn = DistinguishedName::new();
                    dn.push(DnType::OrganizationName, DnValue::Utf8String("杭州市某某单位".into()));
                    dn
                })],
                excluded_subtrees: vec![GeneralSubtree::DnsName("evil.example".into())],
            })
        });
        assert_eq!(check(&permitted, &leaf(&permitted, "杭州市某某单位", |_| {})), Ok(()));
        assert_eq!(
            check(&permitted, &leaf(&permitted, "别的单位", |_| {})),
            Err(CertificateProblem::Untrusted),
            "outside the permitted subtree"
        );
        let excluded = leaf(&permitted, "杭州市某某单位", |p| {
            p.subject_alt_names = vec![SanType::DnsName("www.evil.example".try_into().unwrap())]
        });
        assert_eq!(check(&permitted, &excluded), Err(CertificateProblem::Untrusted));
        let fine = leaf(&permitted, "杭州市某某单位", |p| {
            p.subject_alt_names = vec![SanType::DnsName("www.good.example".try_into().unwrap())]
        });
        assert_eq!(check(&permitted, &fine), Ok(()));
    }

    #[test]
    fn a_name_constraint_of_a_kind_not_understood_refuses_all() {
        // permittedSubtrees [0] { GeneralSubtree { registeredID [8] 1.2.3 } }
        let der = vec![0x30, 0x08, 0xA0, 0x06, 0x30, 0x04, 0x88, 0x02, 0x2A, 0x03];
        let root = ca(|p| {
            let mut ext = CustomExtension::from_oid_content(&[2, 5, 29, 30], der);
            ext.set_criticality(true);
            p.custom_extensions.push(ext);
        });
        assert_eq!(check(&root, &leaf(&root, "单位", |_| {})), Err(CertificateProblem::Untrusted));
    }
}
