//! The server's TLS identity: the operator's certificate and key, or a local CA and a server
//! certificate for localhost, 127.0.0.1 and ::1 made on first start and kept in DATA/tls.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

pub struct Identity {
    pub config: Arc<rustls::ServerConfig>,
    /// The CA certificate clients pass as `--ca-file`, when zca-platform made its own.
    pub ca_file: Option<PathBuf>,
}

pub fn identity(data_dir: &Path, cert: Option<&Path>, key: Option<&Path>) -> Result<Identity> {
    let (cert, key, ca_file) = match (cert, key) {
        (Some(c), Some(k)) => (c.to_path_buf(), k.to_path_buf(), None),
        (None, None) => {
            let dir = data_dir.join("tls");
            let (c, k, ca) = (dir.join("server.pem"), dir.join("server.key"), dir.join("ca.pem"));
            if !(c.exists() && k.exists() && ca.exists()) {
                make_local_identity(&dir)?;
            }
            (c, k, Some(ca))
        }
        _ => bail!("--tls-cert and --tls-key go together"),
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&read(&cert)?)
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading certificates from {}", cert.display()))?;
    if certs.is_empty() {
        bail!("{} holds no certificate", cert.display());
    }
    let key: PrivateKeyDer<'static> = PrivateKeyDer::from_pem_slice(&read(&key)?)
        .with_context(|| format!("reading the private key from {}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the TLS certificate and key do not fit together")?;
    Ok(Identity { config: Arc::new(config), ca_file })
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn make_local_identity(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name.push(DnType::CommonName, "zca-platform local CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key)?;

    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut leaf =
        CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into(), "::1".into()])?;
    leaf.distinguished_name.push(DnType::CommonName, "zca-platform");
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf.signed_by(&key, &Issuer::from_params(&ca, &ca_key))?;

    write(&dir.join("ca.pem"), ca_cert.pem().as_bytes(), 0o644)?;
    write(
        &dir.join("server.pem"),
        format!("{}{}", leaf_cert.pem(), ca_cert.pem()).as_bytes(),
        0o644,
    )?;
    write(&dir.join("server.key"), key.serialize_pem().as_bytes(), 0o600)?;
    Ok(())
}

fn write(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
