//! Certificate authorities for tests, made with rcgen: self-signed P-256 or RSA CAs,
//! intermediates with path length constraints, and certificates for any public key with the
//! validity, usages and names a test chooses. One for zca's tests, zca-platform's and the bench.

use std::process::Command;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, PublicKeyData,
};
use time::{Duration, OffsetDateTime};

/// A CA: `C=CN, O=测试 CA 中心, CN=<name>`.
pub struct TestCa {
    key: KeyPair,
    params: CertificateParams,
    pub der: Vec<u8>,
}

/// What a certificate says: names, validity, usages, and whether it claims to be a CA's.
#[derive(Clone, Debug)]
pub struct CertSpec {
    pub cn: String,
    pub org: Option<String>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub key_usage: Vec<KeyUsagePurpose>,
    pub extended_key_usage: Vec<ExtendedKeyUsagePurpose>,
    /// A CA certificate presented as a client's.
    pub is_ca: bool,
}

impl CertSpec {
    /// Valid since yesterday for a year, for signing (digitalSignature, nonRepudiation).
    pub fn valid(cn: &str) -> CertSpec {
        let now = OffsetDateTime::now_utc();
        CertSpec {
            cn: cn.to_string(),
            org: None,
            not_before: now - Duration::days(1),
            not_after: now + Duration::days(365),
            key_usage: vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment],
            extended_key_usage: Vec::new(),
            is_ca: false,
        }
    }

    pub fn org(mut self, org: &str) -> CertSpec {
        self.org = Some(org.to_string());
        self
    }

    /// For encryption only: keyEncipherment, no signature.
    pub fn encryption_only(mut self) -> CertSpec {
        self.key_usage = vec![KeyUsagePurpose::KeyEncipherment];
        self
    }
}

impl TestCa {
    /// A self-signed P-256 CA without a path length constraint.
    pub fn new(name: &str) -> TestCa {
        TestCa::with_key(name, p256_pair(), None)
    }

    /// A self-signed CA with this key (an RSA one from `rsa_pair`, say) and path length
    /// constraint (`None`: unconstrained).
    pub fn with_key(name: &str, key: KeyPair, path_len: Option<u8>) -> TestCa {
        let params = ca_params(name, path_len);
        let der = params.self_signed(&key).expect("a self-signed CA").der().to_vec();
        TestCa { key, params, der }
    }

    pub fn rsa(name: &str) -> TestCa {
        TestCa::with_key(name, rsa_pair(), None)
    }

    /// A P-256 CA under this one, with this path length constraint.
    pub fn intermediate(&self, name: &str, path_len: Option<u8>) -> TestCa {
        let key = p256_pair();
        let params = ca_params(name, path_len);
        let der = params.signed_by(&key, &self.issuer()).expect("an intermediate").der().to_vec();
        TestCa { key, params, der }
    }

    fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }

    /// A certificate for `public` (a key pair, or a SubjectPublicKeyInfo) signed by this CA.
    pub fn issue_for(&self, public: &impl PublicKeyData, spec: &CertSpec) -> Vec<u8> {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "CN");
        if let Some(org) = &spec.org {
            dn.push(DnType::OrganizationName, DnValue::Utf8String(org.clone()));
        }
        dn.push(DnType::CommonName, DnValue::Utf8String(spec.cn.clone()));
        params.distinguished_name = dn;
        params.not_before = spec.not_before;
        params.not_after = spec.not_after;
        params.key_usages = spec.key_usage.clone();
        params.extended_key_usages = spec.extended_key_usage.clone();
        if spec.is_ca {
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        }
        params.signed_by(public, &self.issuer()).expect("a certificate").der().to_vec()
    }

    /// A certificate for a public key given as SubjectPublicKeyInfo DER (from a token).
    pub fn issue(&self, spki_der: &[u8], spec: &CertSpec) -> Vec<u8> {
        let public = rcgen::SubjectPublicKeyInfo::from_der(spki_der).expect("an SPKI");
        self.issue_for(&public, spec)
    }
}

fn ca_params(name: &str, path_len: Option<u8>) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "CN");
    dn.push(DnType::OrganizationName, DnValue::Utf8String("测试 CA 中心".into()));
    dn.push(DnType::CommonName, DnValue::Utf8String(name.into()));
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(match path_len {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

pub fn p256_pair() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("a P-256 key")
}

/// A P-256 key pair made outside any token, for imports: (PKCS#8 DER, SubjectPublicKeyInfo DER).
pub fn software_key() -> (Vec<u8>, Vec<u8>) {
    let key = p256_pair();
    (key.serialize_der(), key.subject_public_key_info())
}

/// An RSA-2048 key pair, made by OpenSSL (rcgen cannot make RSA keys); its PKCS#8 DER is
/// `serialize_der()`.
pub fn rsa_pair() -> KeyPair {
    let out = Command::new("openssl")
        .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "openssl genpkey: {}", String::from_utf8_lossy(&out.stderr));
    let pem = String::from_utf8(out.stdout).expect("PEM is text");
    KeyPair::from_pem_and_sign_algo(&pem, &rcgen::PKCS_RSA_SHA256).expect("a PKCS#8 RSA key")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_names_its_issuers() {
        let root = TestCa::new("Root");
        let mid = root.intermediate("Mid", Some(0));
        let leaf = mid.issue_for(&p256_pair(), &CertSpec::valid("张三").org("某单位"));
        let (_, cert) = x509_parser::parse_x509_certificate(&leaf).unwrap();
        assert_eq!(cert.issuer().to_string(), "C=CN, O=测试 CA 中心, CN=Mid");
        assert_eq!(cert.subject().to_string(), "C=CN, O=某单位, CN=张三");
    }
}
