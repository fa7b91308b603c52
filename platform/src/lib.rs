//! zca-platform: the reference implementation of the zca platform API contract (version 1).
//! HTTPS with rustls, SQLite storage, argon2id passwords, and real certificate-chain and
//! signature checks for RSA, ECDSA P-256 and SM2.

pub mod admin;
pub mod api;
pub mod challenge;
pub mod cli;
pub mod clock;
pub mod db;
pub mod error;
pub mod metrics;
pub mod pki;
pub mod server;
pub mod service;
pub mod state;
pub mod tls;
pub mod web;
