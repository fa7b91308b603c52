//! zca: CA USB keys (CA 锁) for the government procurement platform.
//!
//! The library knows nothing of the terminal: [`token`] talks PKCS#11, [`x509`] reads
//! certificates, [`config`] resolves settings, and [`output`] renders reports that the thin
//! [`commands`] build.

pub mod i18n;

pub mod api;
pub mod bridge;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod output;
pub mod pin;
pub mod pin_state;
pub mod prompt;
pub mod secret;
pub mod timing;
pub mod token;
pub mod x509;

pub use error::{Error, Result};
