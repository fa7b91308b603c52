//! `zca-testkit put-cert`: writes a certificate object whose CKA_VALUE is any bytes, which
//! pkcs11-tool and p11tool refuse (they parse the certificate first). zca's tests use it to
//! check that an unreadable certificate is listed with its error, never a crash.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Parser;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, CertificateType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;

#[derive(Parser)]
enum Cli {
    /// Put a certificate object with arbitrary CKA_VALUE on the token with this serial.
    PutCert {
        #[arg(long)]
        module: PathBuf,
        #[arg(long)]
        serial: String,
        /// User PIN, read from this environment variable.
        #[arg(long, default_value = "TESTKIT_PIN")]
        pin_env: String,
        #[arg(long)]
        id: String,
        #[arg(long)]
        label: String,
        value: PathBuf,
    },
}

fn main() -> Result<()> {
    let Cli::PutCert {
        module,
        serial,
        pin_env,
        id,
        label,
        value,
    } = Cli::parse();
    let pkcs11 = Pkcs11::new(&module).with_context(|| format!("loading {}", module.display()))?;
    pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))?;
    let slot = pkcs11
        .get_slots_with_initialized_token()?
        .into_iter()
        .find(|s| {
            pkcs11
                .get_token_info(*s)
                .is_ok_and(|i| i.serial_number().trim() == serial)
        });
    let Some(slot) = slot else {
        bail!("no token with serial {serial}")
    };
    let session = pkcs11.open_rw_session(slot)?;
    let pin = std::env::var(&pin_env).with_context(|| format!("{pin_env} is not set"))?;
    session.login(UserType::User, Some(&AuthPin::new(pin.into())))?;
    session.create_object(&[
        Attribute::Class(ObjectClass::CERTIFICATE),
        Attribute::CertificateType(CertificateType::X_509),
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Id(hex::decode(&id)?),
        Attribute::Label(label.into_bytes()),
        Attribute::Value(std::fs::read(&value)?),
    ])?;
    Ok(())
}
