//! Lists the certificates on every key that a PKCS#11 module shows, with the zca library: the
//! same inventory and facts as `zca certs`, for programs of your own.
//!
//!     cargo run --example list_certificates -- /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so

use std::path::PathBuf;

use zca::token::{candidates, list_certificates, Inventory, ModuleSource, SearchPaths};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let module = std::env::args().nth(1).ok_or("usage: list_certificates MODULE")?;
    let named = [PathBuf::from(module)];
    let (modules, skf) =
        candidates(Some((&named, ModuleSource::Flag)), None, &SearchPaths::from_env());
    let inv = Inventory::scan(modules, skf);
    inv.require_key()?;
    let now = time::OffsetDateTime::now_utc();
    for key in &inv.keys {
        for cert in list_certificates(&inv, key, now)? {
            match &cert.facts {
                Some(f) => println!(
                    "{}\t{}\t{}\t{}\t{} days",
                    key.ca_lock_id,
                    f.display_name(),
                    f.key.display(),
                    f.not_after,
                    cert.days_left.unwrap_or_default()
                ),
                None => println!("{}\tunreadable object {}", key.ca_lock_id, cert.id),
            }
        }
    }
    Ok(())
}
