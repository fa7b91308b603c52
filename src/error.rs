//! The one error type of zca. Every variant has a stable `code` (for JSON and scripts), an exit
//! code, and a message and a hint in the user's language.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::t;

/// Exit codes, documented in README and the man pages.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const NO_DRIVER_OR_KEY: u8 = 3;
    pub const PIN: u8 = 4;
    pub const PLATFORM: u8 = 5;
    pub const NETWORK: u8 = 6;
    pub const EXPIRING: u8 = 7;
    pub const CANCELLED: u8 = 130;
}

#[derive(Debug)]
pub enum Error {
    /// A command line that clap accepted but that makes no sense (bad combination, bad value).
    Usage {
        detail: String,
    },
    /// Input that would have needed a prompt, under `--no-input` or without a terminal.
    MissingInput {
        what: String,
        sources: String,
    },
    Config {
        path: PathBuf,
        detail: String,
    },
    UnknownProfile {
        name: String,
        path: PathBuf,
    },
    /// No PKCS#11 module was found at all.
    DriverMissing,
    /// Modules were found or named, but none of them could be loaded.
    DriverUnusable {
        failures: Vec<(PathBuf, String)>,
    },
    /// Modules loaded, but no initialized key is inserted.
    TokenMissing,
    /// `--token` named a key that is not there.
    TokenNotFound {
        selector: String,
    },
    CertificateNotFound {
        selector: String,
    },
    CertificateAmbiguous {
        selector: String,
        count: usize,
    },
    /// `--fail-if-expiring`: some listed certificate expires within the window.
    CertificatesExpiring {
        count: usize,
        days: u32,
    },
    /// A PKCS#11 call failed in a way the user cannot fix by retyping something.
    Pkcs11 {
        module: PathBuf,
        function: String,
        rv: String,
    },
    Io {
        path: PathBuf,
        detail: String,
    },
    Cancelled,
    Internal {
        detail: String,
    },
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Usage { .. } => "usage",
            Error::MissingInput { .. } => "missing_input",
            Error::Config { .. } => "config_invalid",
            Error::UnknownProfile { .. } => "unknown_profile",
            Error::DriverMissing => "driver_missing",
            Error::DriverUnusable { .. } => "driver_unusable",
            Error::TokenMissing => "token_missing",
            Error::TokenNotFound { .. } => "token_not_found",
            Error::CertificateNotFound { .. } => "certificate_not_found",
            Error::CertificateAmbiguous { .. } => "certificate_ambiguous",
            Error::CertificatesExpiring { .. } => "certificate_expiring",
            Error::Pkcs11 { .. } => "pkcs11_error",
            Error::Io { .. } => "io_error",
            Error::Cancelled => "cancelled",
            Error::Internal { .. } => "internal",
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage { .. }
            | Error::MissingInput { .. }
            | Error::Config { .. }
            | Error::UnknownProfile { .. } => exit::USAGE,
            Error::DriverMissing
            | Error::DriverUnusable { .. }
            | Error::TokenMissing
            | Error::TokenNotFound { .. } => exit::NO_DRIVER_OR_KEY,
            Error::CertificatesExpiring { .. } => exit::EXPIRING,
            Error::Cancelled => exit::CANCELLED,
            Error::CertificateNotFound { .. }
            | Error::CertificateAmbiguous { .. }
            | Error::Pkcs11 { .. }
            | Error::Io { .. }
            | Error::Internal { .. } => exit::FAILURE,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Error::Usage { detail } => t!("err-usage", detail = detail.as_str()),
            Error::MissingInput { what, .. } => t!("err-missing-input", what = what.as_str()),
            Error::Config { path, detail } => {
                t!("err-config", path = path.display().to_string(), detail = detail.as_str())
            }
            Error::UnknownProfile { name, path } => {
                t!("err-unknown-profile", name = name.as_str(), path = path.display().to_string())
            }
            Error::DriverMissing => t!("err-driver-missing"),
            Error::DriverUnusable { failures } => {
                let list = failures
                    .iter()
                    .map(|(path, why)| format!("{}: {why}", path.display()))
                    .collect::<Vec<_>>()
                    .join("; ");
                t!("err-driver-unusable", list = list)
            }
            Error::TokenMissing => t!("err-token-missing"),
            Error::TokenNotFound { selector } => {
                t!("err-token-not-found", selector = selector.as_str())
            }
            Error::CertificateNotFound { selector } => {
                t!("err-cert-not-found", selector = selector.as_str())
            }
            Error::CertificateAmbiguous { selector, count } => {
                t!("err-cert-ambiguous", selector = selector.as_str(), count = (*count as u64))
            }
            Error::CertificatesExpiring { count, days } => {
                t!("err-cert-expiring", count = (*count as u64), days = (*days as u64))
            }
            Error::Pkcs11 { module, function, rv } => t!(
                "err-pkcs11",
                module = module.display().to_string(),
                function = function.as_str(),
                rv = rv.as_str()
            ),
            Error::Io { path, detail } => {
                t!("err-io", path = path.display().to_string(), detail = detail.as_str())
            }
            Error::Cancelled => t!("err-cancelled"),
            Error::Internal { detail } => t!("err-internal", detail = detail.as_str()),
        }
    }

    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::Usage { .. } => t!("hint-usage"),
            Error::MissingInput { sources, .. } => {
                t!("hint-missing-input", sources = sources.as_str())
            }
            Error::Config { .. } => t!("hint-config"),
            Error::UnknownProfile { .. } => t!("hint-unknown-profile"),
            Error::DriverMissing | Error::DriverUnusable { .. } => t!("hint-driver-missing"),
            Error::TokenMissing => t!("hint-token-missing"),
            Error::TokenNotFound { .. } => t!("hint-token-not-found"),
            Error::CertificateNotFound { .. } | Error::CertificateAmbiguous { .. } => {
                t!("hint-cert-not-found")
            }
            Error::CertificatesExpiring { .. } => t!("hint-cert-expiring"),
            Error::Pkcs11 { .. } => t!("hint-pkcs11"),
            Error::Io { .. } | Error::Cancelled => return None,
            Error::Internal { .. } => t!("hint-internal"),
        })
    }

    /// The JSON form of the error, printed on stdout under `--json`.
    pub fn to_json(&self) -> ErrorJson {
        ErrorJson {
            code: self.code(),
            message: self.message(),
            hint: self.hint(),
            exit_code: self.exit_code(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, err: &std::io::Error) -> Error {
        Error::Io { path: path.into(), detail: err.to_string() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

impl From<anyhow::Error> for Error {
    fn from(err: anyhow::Error) -> Error {
        match err.downcast::<Error>() {
            Ok(err) => err,
            Err(err) => Error::Internal { detail: format!("{err:#}") },
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ErrorJson {
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
    pub exit_code: u8,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
