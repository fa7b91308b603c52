//! The token layer: PKCS#11 modules and SKF libraries, slots, keys and their objects. Nothing here prints or
//! prompts.

pub mod discover;
pub mod inventory;
pub mod key;
pub mod module;
pub mod objects;
pub mod quirks;
pub mod raw;
pub mod signing;
pub mod skf;
mod skf_keys;
mod slots;
pub mod sm2;
pub mod vendors;
pub mod watchdog;

pub use discover::{candidates, Candidate, ModuleSource, SearchPaths};
pub use inventory::Inventory;
pub use key::{Interface, Key, PinFlags, PinState, PinTries};
pub use objects::{
    list_certificates, signing_certificates, CertObject, CertUsage, PrivateKeyPresence,
};
pub use signing::{HeldLogin, KeySession, RsaHash, Signer};
