//! What zca (its CA client service) and zca-platform both need of cryptography, written once:
//! signature verification (`verify`), random tokens (`random`), and the local CA that gives a
//! loopback service its TLS identity (`local_ca`).

pub mod local_ca;
pub mod random;
pub mod verify;

pub use verify::*;
