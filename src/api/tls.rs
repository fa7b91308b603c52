//! How the client trusts the platform: the `--ca-file` first, the system's roots only when a
//! chain leads elsewhere.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::error::{Error, Result};

/// rustls with the ring provider, trusting the `--ca-file` certificates and the system's roots.
/// With a CA file, the system's roots are read only if a chain does not lead to it: reading and
/// parsing them costs a login several milliseconds, and a platform with its own CA never needs
/// them.
pub(super) fn tls_config(ca_file: Option<&Path>) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports TLS 1.2 and 1.3");
    let Some(path) = ca_file else {
        return Ok(builder.with_root_certificates(system_roots()).with_no_client_auth());
    };
    let pem = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&pem).filter_map(|c| c.ok()).collect();
    if certs.is_empty() {
        return Err(Error::Config {
            path: path.into(),
            detail: "no PEM certificate in the --ca-file".into(),
        });
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots.add(cert).map_err(|e| Error::Config { path: path.into(), detail: e.to_string() })?;
    }
    let ca_file = rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| Error::Config { path: path.into(), detail: e.to_string() })?;
    let verifier = CaFileThenSystem { ca_file, system: OnceLock::new(), provider };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// The system's trust roots; unreadable ones are skipped (the platform may need only
/// `--ca-file`).
fn system_roots() -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    roots
}

/// Checks a chain against the `--ca-file` first and, only when it leads elsewhere, against the
/// system's roots, read then: the same trust as one store holding both.
#[derive(Debug)]
struct CaFileThenSystem {
    ca_file: Arc<rustls::client::WebPkiServerVerifier>,
    system: OnceLock<Option<Arc<rustls::client::WebPkiServerVerifier>>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for CaFileThenSystem {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        let verify = |v: &rustls::client::WebPkiServerVerifier| {
            v.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        };
        match verify(&self.ca_file) {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)) => {
                let system = self.system.get_or_init(|| {
                    let roots = Arc::new(system_roots());
                    let builder = rustls::client::WebPkiServerVerifier::builder_with_provider(
                        roots,
                        self.provider.clone(),
                    );
                    builder.build().ok()
                });
                match system {
                    Some(system) => verify(system),
                    None => Err(rustls::CertificateError::UnknownIssuer.into()),
                }
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.ca_file.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.ca_file.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.ca_file.supported_verify_schemes()
    }
}
