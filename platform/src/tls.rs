//! The server's TLS identity: the operator's certificate and key, or a local CA and a server
//! certificate for localhost, 127.0.0.1 and ::1 made on first start and kept in DATA/tls
//! (`zca_crypto::local_ca`: the CA is constrained to those names, its key thrown away).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Result};
use zca_crypto::local_ca::{server_config, LocalCa};

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
            let local = LocalCa {
                dir: &dir,
                ca_name: "zca-platform local CA",
                server_name: "zca-platform",
            };
            local.ensure()?;
            (local.cert_file(), local.key_file(), Some(local.ca_file()))
        }
        _ => bail!("--tls-cert and --tls-key go together"),
    };
    Ok(Identity { config: server_config(&cert, &key)?, ca_file })
}
