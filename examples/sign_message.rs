//! Signs a file with the key of the first certificate on a token, the way zca signs the
//! platform's challenge: RSA PKCS#1 v1.5 with SHA-256, or DER ECDSA over SHA-256.
//!
//!     ZCA_PIN=123456 cargo run --example sign_message -- MODULE SERIAL MESSAGE SIGNATURE
//!
//! The signature verifies with `openssl dgst -sha256 -verify pub.pem -signature SIGNATURE MESSAGE`.

use std::path::PathBuf;

use zca::token::{candidates, list_certificates, Inventory, KeySession, ModuleSource, SearchPaths};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [module, serial, message, signature] = args.as_slice() else {
        return Err("usage: sign_message MODULE SERIAL MESSAGE SIGNATURE (PIN in ZCA_PIN)".into());
    };
    let named = [PathBuf::from(module)];
    let (modules, skf) =
        candidates(Some((&named, ModuleSource::Flag)), None, &SearchPaths::from_env());
    let inv = Inventory::scan(modules, skf);
    let key = inv.select(Some(serial))?[0];
    let cert = list_certificates(&inv, key, time::OffsetDateTime::now_utc())?
        .into_iter()
        .find(|c| c.facts.is_some())
        .ok_or("no certificate on that key")?;
    let session = KeySession::open(&inv, key)?;
    let pin = zca::secret::from_environment("ZCA_PIN").ok_or("set ZCA_PIN")?;
    // Every PIN goes through the guard: a locked key or a final try is refused, not spent.
    let guard = zca::pin::PinGuard::new();
    guard.present(&session, zca::pin::PinUse::Login, &mut zca::pin::GivenPin::new(pin))?;
    let signer = session.signer_for(&cert)?;
    let sig = session.sign(&signer, &std::fs::read(message)?)?;
    std::fs::write(signature, sig)?;
    println!("signed with {} ({})", cert.object_label, signer.algorithm.as_str());
    Ok(())
}
