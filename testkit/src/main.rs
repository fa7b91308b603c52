//! Test fixtures the usual tools cannot make: `put-cert` writes a certificate object whose
//! CKA_VALUE is any bytes (pkcs11-tool and p11tool parse it first and refuse), so zca's tests
//! can check that an unreadable certificate is listed with its error; `put-key` writes a key
//! pair whose private key is visible without login (pkcs11-tool always makes it private);
//! `sm2-keygen` generates an SM2 key pair with a vendor-defined mechanism, which pkcs11-tool
//! cannot ask for. `skf-device`, `skf-cert` and `skf-insert` make and change the devices of the
//! soft SKF library (`zca-skf-soft`), which keeps them in a file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Parser;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::vendor_defined::VendorDefinedMechanism;
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, CertificateType, KeyType, ObjectClass};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use zca_skf_soft::store::{App, Container, Device, KeyPair, Store};

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
    /// Put a P-256 key pair (from PKCS#8 DER) as objects visible without login.
    PutKey {
        #[arg(long)]
        module: PathBuf,
        #[arg(long)]
        serial: String,
        #[arg(long, default_value = "TESTKIT_PIN")]
        pin_env: String,
        #[arg(long)]
        id: String,
        #[arg(long)]
        label: String,
        /// PKCS#8 DER of the private key.
        pkcs8: PathBuf,
        /// SubjectPublicKeyInfo DER of the same key.
        spki: PathBuf,
    },
    /// Generate an SM2 key pair on the token with a vendor mechanism; prints the public point
    /// (04 || x || y) in hex.
    Sm2Keygen {
        #[arg(long)]
        module: PathBuf,
        #[arg(long)]
        serial: String,
        #[arg(long, default_value = "TESTKIT_PIN")]
        pin_env: String,
        #[arg(long)]
        id: String,
        #[arg(long)]
        label: String,
        /// The module's key-pair generation mechanism, e.g. 0x80008001.
        #[arg(long, value_parser = parse_number)]
        mechanism: u64,
    },
    /// Add a device to the soft SKF library's store: one application with user PIN 123456 and
    /// admin PIN 12345678, one container with SM2 signing and encryption key pairs. Prints the
    /// two public points (04 || x || y) in hex, signing first, one per line.
    SkfDevice {
        #[arg(long)]
        store: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long)]
        serial: String,
        #[arg(long, default_value = "zca SKF key")]
        label: String,
        #[arg(long, default_value = "ZCA")]
        app: String,
        #[arg(long, default_value = "zca-container")]
        container: String,
        #[arg(long, default_value_t = 6)]
        user_tries: u32,
        #[arg(long, default_value_t = 10)]
        admin_tries: u32,
    },
    /// Put a certificate (DER) in a container, as its signing or its encryption certificate.
    SkfCert {
        #[arg(long)]
        store: PathBuf,
        #[arg(long)]
        device: String,
        #[arg(long, default_value = "zca-container")]
        container: String,
        #[arg(long, value_parser = ["sign", "enc"])]
        usage: String,
        cert: PathBuf,
    },
    /// Insert (`--present true`) or pull out (`--present false`) a device.
    SkfInsert {
        #[arg(long)]
        store: PathBuf,
        #[arg(long)]
        device: String,
        #[arg(long, action = clap::ArgAction::Set)]
        present: bool,
    },
}

fn parse_number(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|e| e.to_string())
}

fn main() -> Result<()> {
    match Cli::parse() {
        Cli::PutCert { module, serial, pin_env, id, label, value } => {
            let session = open(&module, &serial, &pin_env)?;
            session.create_object(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::CertificateType(CertificateType::X_509),
                Attribute::Token(true),
                Attribute::Private(false),
                Attribute::Subject(vec![0x30, 0x00]),
                Attribute::Id(hex::decode(&id)?),
                Attribute::Label(label.into_bytes()),
                Attribute::Value(std::fs::read(&value)?),
            ])?;
        }
        Cli::PutKey { module, serial, pin_env, id, label, pkcs8, spki } => {
            let session = open(&module, &serial, &pin_env)?;
            let (scalar, point) = p256_parts(&std::fs::read(pkcs8)?, &std::fs::read(spki)?)?;
            // DER of the OID prime256v1.
            let params = vec![0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
            let id = hex::decode(&id)?;
            session.create_object(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::KeyType(KeyType::EC),
                Attribute::Token(true),
                Attribute::Private(false),
                Attribute::Sign(true),
                Attribute::EcParams(params.clone()),
                Attribute::Value(scalar),
                Attribute::Id(id.clone()),
                Attribute::Label(label.clone().into_bytes()),
            ])?;
            let mut wrapped = vec![0x04, point.len() as u8];
            wrapped.extend_from_slice(&point);
            session.create_object(&[
                Attribute::Class(ObjectClass::PUBLIC_KEY),
                Attribute::KeyType(KeyType::EC),
                Attribute::Token(true),
                Attribute::Private(false),
                Attribute::Verify(true),
                Attribute::EcParams(params),
                Attribute::EcPoint(wrapped),
                Attribute::Id(id),
                Attribute::Label(label.into_bytes()),
            ])?;
        }
        Cli::Sm2Keygen { module, serial, pin_env, id, label, mechanism } => {
            let session = open(&module, &serial, &pin_env)?;
            let mechanism = MechanismType::new_vendor_defined(mechanism as _)?;
            let id = hex::decode(&id)?;
            let (public, _) = session.generate_key_pair(
                &Mechanism::VendorDefined(VendorDefinedMechanism::new::<()>(mechanism, None)),
                &[Attribute::Id(id.clone()), Attribute::Label(label.clone().into_bytes())],
                &[Attribute::Id(id), Attribute::Label(label.into_bytes())],
            )?;
            let point = session.get_attributes(public, &[AttributeType::EcPoint])?;
            let Some(Attribute::EcPoint(point)) = point.into_iter().next() else {
                bail!("the public key has no CKA_EC_POINT")
            };
            // Unwrap the DER OCTET STRING (04 41 ...) around the 65-byte point.
            println!("{}", hex::encode(&point[point.len() - 65..]));
        }
        Cli::SkfDevice { store, name, serial, label, app, container, user_tries, admin_tries } => {
            let mut devices = Store::load(&store)?;
            let (sign, enc) = (KeyPair::generate(), KeyPair::generate());
            for pair in [&sign, &enc] {
                println!("{}", hex::encode(pair.point().context("a fresh key has a point")?));
            }
            devices.devices.retain(|d| d.name != name);
            devices.devices.push(Device {
                name,
                serial,
                label,
                manufacturer: "zca soft SKF".into(),
                present: true,
                apps: vec![App {
                    name: app,
                    user_pin: "123456".into(),
                    admin_pin: "12345678".into(),
                    user_max: user_tries,
                    user_left: user_tries,
                    admin_max: admin_tries,
                    admin_left: admin_tries,
                    containers: vec![Container {
                        name: container,
                        sign: Some(sign),
                        enc: Some(enc),
                    }],
                }],
            });
            devices.save(&store)?;
        }
        Cli::SkfCert { store, device, container, usage, cert } => {
            let mut devices = Store::load(&store)?;
            let der = hex::encode(std::fs::read(cert)?);
            let found = devices
                .device_mut(&device)
                .and_then(|d| d.apps.iter_mut().find_map(|a| a.container_mut(&container)))
                .context("no such device and container")?;
            let pair = if usage == "sign" { &mut found.sign } else { &mut found.enc };
            pair.as_mut().context("the container has no such key pair")?.cert = der;
            devices.save(&store)?;
        }
        Cli::SkfInsert { store, device, present } => {
            let mut devices = Store::load(&store)?;
            devices.device_mut(&device).context("no such device")?.present = present;
            devices.save(&store)?;
        }
    }
    Ok(())
}

/// The private scalar (from the ECPrivateKey inside PKCS#8: version 1, then a 32-byte OCTET
/// STRING) and the uncompressed point (the last 65 bytes of the SPKI's BIT STRING).
fn p256_parts(pkcs8: &[u8], spki: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let marker = [0x02, 0x01, 0x01, 0x04, 0x20];
    let at =
        pkcs8.windows(marker.len()).position(|w| w == marker).context("not a P-256 PKCS#8 key")?;
    let scalar = pkcs8[at + marker.len()..at + marker.len() + 32].to_vec();
    if spki.len() < 65 || spki[spki.len() - 65] != 0x04 {
        bail!("not a P-256 SubjectPublicKeyInfo");
    }
    Ok((scalar, spki[spki.len() - 65..].to_vec()))
}

fn open(module: &Path, serial: &str, pin_env: &str) -> Result<Session> {
    let pkcs11 = Pkcs11::new(module).with_context(|| format!("loading {}", module.display()))?;
    pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))?;
    let slot = pkcs11
        .get_slots_with_initialized_token()?
        .into_iter()
        .find(|s| pkcs11.get_token_info(*s).is_ok_and(|i| i.serial_number().trim() == serial));
    let Some(slot) = slot else { bail!("no token with serial {serial}") };
    let session = pkcs11.open_rw_session(slot)?;
    let pin = std::env::var(pin_env).with_context(|| format!("{pin_env} is not set"))?;
    session.login(UserType::User, Some(&AuthPin::new(pin.into())))?;
    Ok(session)
}
