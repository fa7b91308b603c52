//! The token layer: PKCS#11 modules, slots, keys and their objects. Nothing here prints or
//! prompts.

pub mod discover;
pub mod inventory;
pub mod objects;
pub mod quirks;
pub mod raw;
pub mod signing;
pub mod sm2;
pub mod vendors;
pub mod watchdog;

pub use discover::{candidates, Candidate, ModuleSource, SearchPaths};
pub use inventory::{Inventory, Key, PinFlags, PinState};
pub use objects::{list_certificates, CertObject, PrivateKeyPresence};
pub use signing::{KeySession, RsaHash, Signer};
