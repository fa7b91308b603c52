//! The identity of `wss://127.0.0.1`: a local CA and a server certificate for 127.0.0.1, ::1
//! and localhost, made on first use.
//!
//! A CA that the browser trusts could vouch for any site, so this one cannot: its name
//! constraints permit only the loopback names and addresses, and its private key is thrown
//! away once the server certificate is signed (a new pair is made, and must be trusted again,
//! only when that certificate is near its end).

use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DnType, ExtendedKeyUsagePurpose,
    GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose, NameConstraints, SanType,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};

/// The files of the identity in its folder.
pub struct Identity {
    pub dir: PathBuf,
}

/// The name the CA has in certificate stores (`certutil -n`).
pub const CA_NICKNAME: &str = "zca bridge local CA";

/// How long a server certificate lives; a new one (and CA) is made within its last month.
const LIFETIME: Duration = Duration::days(3650);
const RENEW_BEFORE: Duration = Duration::days(30);

impl Identity {
    pub fn new(dir: PathBuf) -> Identity {
        Identity { dir }
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    fn cert_file(&self) -> PathBuf {
        self.dir.join("server.pem")
    }

    fn key_file(&self) -> PathBuf {
        self.dir.join("server.key")
    }

    /// Makes the CA and the server certificate unless a good pair is there. Returns whether it
    /// made a new one (which must then be trusted).
    pub fn ensure(&self) -> Result<bool> {
        if self.current().is_some() {
            return Ok(false);
        }
        self.make()?;
        Ok(true)
    }

    /// The server certificate's expiry, when the files are there and it is not near its end.
    fn current(&self) -> Option<OffsetDateTime> {
        let pem = std::fs::read(self.cert_file()).ok()?;
        std::fs::metadata(self.key_file()).ok()?;
        std::fs::metadata(self.ca_file()).ok()?;
        let der = CertificateDer::pem_slice_iter(&pem).next()?.ok()?;
        let (_, cert) = x509_parser::parse_x509_certificate(&der).ok()?;
        let not_after = cert.validity().not_after.to_datetime();
        (not_after - OffsetDateTime::now_utc() > RENEW_BEFORE).then_some(not_after)
    }

    fn make(&self) -> Result<()> {
        let failed =
            |e: rcgen::Error| Error::Internal { detail: format!("making the local CA: {e}") };
        let now = OffsetDateTime::now_utc();
        let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(failed)?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let user = std::env::var("USER").unwrap_or_default();
        let name = format!("{CA_NICKNAME} ({}@{})", user, host.trim());
        ca.distinguished_name.push(DnType::CommonName, name);
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca.name_constraints = Some(NameConstraints {
            permitted_subtrees: vec![
                GeneralSubtree::DnsName("localhost".into()),
                GeneralSubtree::IpAddress(CidrSubnet::V4([127, 0, 0, 1], [255; 4])),
                GeneralSubtree::IpAddress(CidrSubnet::V6(
                    std::net::Ipv6Addr::LOCALHOST.octets(),
                    [255; 16],
                )),
            ],
            excluded_subtrees: Vec::new(),
        });
        ca.not_before = now - Duration::days(1);
        ca.not_after = now + LIFETIME + Duration::days(1);
        let ca_cert = ca.self_signed(&ca_key).map_err(failed)?;

        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(failed)?;
        let mut leaf = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        leaf.subject_alt_names = vec![
            SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()),
            SanType::IpAddress(std::net::Ipv6Addr::LOCALHOST.into()),
            SanType::DnsName("localhost".try_into().map_err(failed)?),
        ];
        leaf.distinguished_name.push(DnType::CommonName, "zca bridge");
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.not_before = now - Duration::days(1);
        leaf.not_after = now + LIFETIME;
        let leaf_cert = leaf.signed_by(&key, &Issuer::from_params(&ca, &ca_key)).map_err(failed)?;
        drop(ca_key);

        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, &e))?;
        write(&self.key_file(), key.serialize_pem().as_bytes(), 0o600)?;
        write(&self.cert_file(), leaf_cert.pem().as_bytes(), 0o644)?;
        write(&self.ca_file(), ca_cert.pem().as_bytes(), 0o644)?;
        Ok(())
    }

    /// rustls's server configuration for wss.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>> {
        let bad = |what: &Path, detail: String| Error::Config { path: what.into(), detail };
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(self.cert_file())
            .and_then(|i| i.collect::<std::result::Result<_, _>>())
            .map_err(|e| bad(&self.cert_file(), e.to_string()))?;
        let key = PrivateKeyDer::from_pem_file(self.key_file())
            .map_err(|e| bad(&self.key_file(), e.to_string()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Internal { detail: e.to_string() })?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| bad(&self.cert_file(), e.to_string()))?;
        Ok(Arc::new(config))
    }
}

fn write(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let _ = std::fs::remove_file(path);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
        .map_err(|e| Error::io(path, &e))
}
