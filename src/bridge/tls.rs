//! The identity of `wss://127.0.0.1`: a local CA (`zca_crypto::local_ca`, constrained to the
//! loopback names, its key thrown away) and a server certificate, made on first use.

use std::path::PathBuf;
use std::sync::Arc;

use zca_crypto::local_ca::{self, LocalCa};

use crate::error::{Error, Result};

/// The files of the identity in its folder.
pub struct Identity {
    pub dir: PathBuf,
    ca_name: String,
}

/// The name the CA has in certificate stores (`certutil -n`).
pub const CA_NICKNAME: &str = "zca bridge local CA";

impl Identity {
    pub fn new(dir: PathBuf) -> Identity {
        // The user and host in the name tell one computer's CA from another's in a store.
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let user = std::env::var("USER").unwrap_or_default();
        let ca_name = format!("{CA_NICKNAME} ({}@{})", user, host.trim());
        Identity { dir, ca_name }
    }

    fn local(&self) -> LocalCa<'_> {
        LocalCa { dir: &self.dir, ca_name: &self.ca_name, server_name: "zca bridge" }
    }

    pub fn ca_file(&self) -> PathBuf {
        self.local().ca_file()
    }

    /// Makes the CA and the server certificate unless a good pair is there. Returns whether it
    /// made a new one (which must then be trusted).
    pub fn ensure(&self) -> Result<bool> {
        self.local().ensure().map_err(error)
    }

    /// rustls's server configuration for wss.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>> {
        let local = self.local();
        local_ca::server_config(&local.cert_file(), &local.key_file()).map_err(error)
    }
}

fn error(e: local_ca::Error) -> Error {
    match e {
        local_ca::Error::Io { path, detail } => Error::Io { path, detail },
        local_ca::Error::Bad { path, detail } => Error::Config { path, detail },
        local_ca::Error::Make(detail) => Error::Internal { detail },
    }
}
