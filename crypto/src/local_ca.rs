//! The TLS identity of a service on this computer alone (zca's CA client service, a
//! zca-platform started without the operator's certificate): a local CA and a server
//! certificate for localhost, 127.0.0.1 and ::1, made on first use, kept in a folder.
//!
//! A CA a browser or client trusts could vouch for any site, so this one cannot: its name
//! constraints permit only the loopback names and addresses, and its private key is thrown
//! away once the server certificate is signed (a new pair is made, and must be trusted again,
//! only when the certificate nears its end).

use std::io::Write;
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

/// How long a server certificate lives; a new one (and CA) is made within its last month.
const LIFETIME: Duration = Duration::days(3650);
const RENEW_BEFORE: Duration = Duration::days(30);

/// What went wrong, with the file it concerns.
#[derive(Debug)]
pub enum Error {
    Io {
        path: PathBuf,
        detail: String,
    },
    /// A certificate or key file that does not hold what it should.
    Bad {
        path: PathBuf,
        detail: String,
    },
    Make(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io { path, detail } => write!(f, "{}: {detail}", path.display()),
            Error::Bad { path, detail } => write!(f, "{}: {detail}", path.display()),
            Error::Make(detail) => write!(f, "making the local CA: {detail}"),
        }
    }
}

impl std::error::Error for Error {}

fn made(e: rcgen::Error) -> Error {
    Error::Make(e.to_string())
}

/// A local identity in `dir`: `ca.pem` (the CA clients trust), `server.pem` (the server's
/// certificate, then the CA's) and `server.key` (mode 0600).
pub struct LocalCa<'a> {
    pub dir: &'a Path,
    /// The CA's common name, as certificate stores show it.
    pub ca_name: &'a str,
    pub server_name: &'a str,
}

impl LocalCa<'_> {
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    pub fn cert_file(&self) -> PathBuf {
        self.dir.join("server.pem")
    }

    pub fn key_file(&self) -> PathBuf {
        self.dir.join("server.key")
    }

    /// Makes the CA and the server certificate unless a good pair is there; whether it made
    /// them (the new CA must then be trusted).
    pub fn ensure(&self) -> Result<bool, Error> {
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

    fn make(&self) -> Result<(), Error> {
        let now = OffsetDateTime::now_utc();
        let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(made)?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(made)?;
        ca.distinguished_name.push(DnType::CommonName, self.ca_name);
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
        let ca_cert = ca.self_signed(&ca_key).map_err(made)?;

        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(made)?;
        let mut leaf = CertificateParams::new(Vec::<String>::new()).map_err(made)?;
        leaf.subject_alt_names = vec![
            SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()),
            SanType::IpAddress(std::net::Ipv6Addr::LOCALHOST.into()),
            SanType::DnsName("localhost".try_into().map_err(made)?),
        ];
        leaf.distinguished_name.push(DnType::CommonName, self.server_name);
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.not_before = now - Duration::days(1);
        leaf.not_after = now + LIFETIME;
        let leaf_cert = leaf.signed_by(&key, &Issuer::from_params(&ca, &ca_key)).map_err(made)?;
        drop(ca_key);

        std::fs::create_dir_all(self.dir)
            .map_err(|e| Error::Io { path: self.dir.into(), detail: e.to_string() })?;
        write(&self.key_file(), key.serialize_pem().as_bytes(), 0o600)?;
        let chain = format!("{}{}", leaf_cert.pem(), ca_cert.pem());
        write(&self.cert_file(), chain.as_bytes(), 0o644)?;
        write(&self.ca_file(), ca_cert.pem().as_bytes(), 0o644)?;
        Ok(())
    }
}

/// Written whole or not at all: a new file beside it, synced, renamed into place.
fn write(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Io { path: path.into(), detail: e.to_string() };
    let fresh = path.with_extension("new");
    let _ = std::fs::remove_file(&fresh);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&fresh)
        .map_err(io)?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(io)?;
    std::fs::rename(&fresh, path).map_err(io)
}

/// rustls's server configuration (TLS 1.3 and 1.2, ring) for a PEM certificate chain and key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, Error> {
    let bad = |path: &Path, detail: String| Error::Bad { path: path.into(), detail };
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| Error::Io { path: path.into(), detail: e.to_string() })
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&read(cert)?)
        .collect::<Result<_, _>>()
        .map_err(|e| bad(cert, e.to_string()))?;
    if certs.is_empty() {
        return Err(bad(cert, "no certificate in the file".into()));
    }
    let private =
        PrivateKeyDer::from_pem_slice(&read(key)?).map_err(|e| bad(key, e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Make(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, private)
        .map_err(|e| bad(cert, format!("the certificate and key do not fit together: {e}")))?;
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_ca_is_made_once_constrained_to_loopback_and_its_key_is_private() {
        let dir = std::env::temp_dir().join(format!("zca-local-ca-{}", std::process::id()));
        let ca = LocalCa { dir: &dir, ca_name: "test local CA", server_name: "test" };
        assert!(ca.ensure().unwrap());
        assert!(!ca.ensure().unwrap(), "kept while it is good");
        let mode = std::fs::metadata(ca.key_file()).unwrap().permissions();
        assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777, 0o600);
        let pem = std::fs::read(ca.ca_file()).unwrap();
        let der = CertificateDer::pem_slice_iter(&pem).next().unwrap().unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
        let constraints = cert.name_constraints().unwrap().unwrap().value;
        assert_eq!(constraints.permitted_subtrees.as_ref().unwrap().len(), 3);
        server_config(&ca.cert_file(), &ca.key_file()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
