//! The one error type of zca. Every variant has a stable `code` (for JSON and scripts), an exit
//! code, and a message and a hint in the user's language.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::pin_state::PinState;

mod messages;

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

#[derive(Clone, Debug)]
pub enum Error {
    /// A command line that clap accepted but that makes no sense (bad combination, bad value).
    Usage {
        detail: String,
    },
    /// A command line clap refused, with the help that fits it (which command's --help, or the
    /// variable to correct).
    CommandLine {
        detail: String,
        hint: String,
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
    /// The key went away during an operation: pulled out, or its session died with it.
    TokenRemoved {
        function: String,
    },
    /// The key answered with a hardware failure.
    TokenDeviceError {
        module: PathBuf,
        function: String,
        rv: String,
    },
    /// A call into the driver did not return within the time limit.
    TokenTimeout {
        operation: String,
        seconds: u64,
    },
    /// A PKCS#11 call failed in a way the user cannot fix by retyping something.
    Pkcs11 {
        module: PathBuf,
        function: String,
        rv: String,
    },
    /// An SKF (GM/T 0016) call failed, or the library answered what the standard does not allow.
    Skf {
        library: PathBuf,
        function: String,
        code: String,
    },
    Io {
        path: PathBuf,
        detail: String,
    },
    Cancelled,
    Internal {
        detail: String,
    },
    /// No platform URL in flags, environment or profile.
    NoPlatform,
    /// The platform URL is not an https:// URL.
    BadPlatformUrl {
        url: String,
    },
    /// Could not reach the platform: refused, DNS, timeout.
    Network {
        url: String,
        detail: String,
    },
    /// TLS failed: unknown issuer, wrong name, expired certificate.
    Tls {
        url: String,
        detail: String,
    },
    /// The platform answered something that is not the contract.
    BadResponse {
        url: String,
        detail: String,
    },
    /// A challenge for another origin than the configured platform.
    OriginMismatch {
        expected: String,
        got: String,
    },
    /// The platform refused, with one of the contract's codes.
    Platform {
        code: String,
        message: String,
    },
    /// No session: not logged in, or it expired.
    NotLoggedIn,
    /// The saved session was issued by another platform than the configured one: its token is
    /// not sent here.
    SessionOtherPlatform {
        session_platform: String,
        configured: String,
    },
    /// A PIN or password that is there but empty or blank (an empty file, `ZCA_PIN=`).
    EmptySecret {
        what: String,
        source: String,
    },
    /// An SKF container's encryption certificate was chosen to sign: its key only decrypts.
    EncryptionCertificate {
        sha256: String,
    },
    /// A wrong PIN; `state` is what the key says afterwards, `tries_left` where it counts them.
    PinIncorrect {
        state: PinState,
        tries_left: Option<u32>,
    },
    /// The module answered CKR_GENERAL_ERROR to the PIN (Feitian ePass2003 does for a wrong PIN).
    PinMaybeIncorrect,
    PinLocked,
    /// The key is at its final PIN try and the user did not agree to spend it.
    PinFinalTryRefused,
    /// The pause after a wrong PIN still runs: nothing was sent to the key.
    PinWait {
        millis: u64,
    },
    /// The driver answered that the user was logged in already and did not end that login
    /// when asked: the PIN given could not be checked, so it is not taken as right.
    LoginKept {
        module: PathBuf,
    },
    /// zca refused a new PIN before sending it: length, same as before, well known, mismatch.
    PinRejected {
        reason: String,
    },
    /// The key refused the new PIN (CKR_PIN_LEN_RANGE, CKR_PIN_INVALID).
    NewPinRefusedByKey {
        rv: String,
    },
    SoPinIncorrect {
        state: PinState,
    },
    SoPinLocked,
    SoPinFinalTryRefused,
    /// The module cannot set the user PIN with the SO PIN (OpenSC's OpenPGP cards).
    UnlockUnsupported {
        module: PathBuf,
    },
    /// The module cannot change the PIN (CKR_FUNCTION_NOT_SUPPORTED).
    PinChangeUnsupported {
        module: PathBuf,
    },
    /// No SM2 signing mechanism of the module's quirks entry is offered by the key.
    Sm2MechanismMissing {
        module: PathBuf,
        entry: String,
        tried: String,
    },
    /// The certificate has no private key on the key.
    PrivateKeyMissing {
        sha256: String,
    },
    /// The key's algorithm cannot sign for the contract (yet).
    UnsupportedKey {
        what: String,
    },
    /// The bridge cannot listen on its port (another CA client service has it).
    BridgePort {
        port: u16,
        detail: String,
    },
    /// A program zca runs is not installed.
    ToolMissing {
        tool: String,
        package: String,
    },
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Usage { .. } | Error::CommandLine { .. } => "usage",
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
            Error::TokenRemoved { .. } => "token_removed",
            Error::TokenDeviceError { .. } => "token_device_error",
            Error::TokenTimeout { .. } => "token_timeout",
            Error::Pkcs11 { .. } => "pkcs11_error",
            Error::Skf { .. } => "skf_error",
            Error::EncryptionCertificate { .. } => "encryption_certificate",
            Error::Io { .. } => "io_error",
            Error::Cancelled => "cancelled",
            Error::Internal { .. } => "internal",
            Error::NoPlatform => "platform_not_configured",
            Error::BadPlatformUrl { .. } => "platform_url_invalid",
            Error::Network { .. } => "network",
            Error::Tls { .. } => "tls",
            Error::BadResponse { .. } => "bad_response",
            Error::OriginMismatch { .. } => "origin_mismatch",
            Error::Platform { .. } => "platform_refused",
            Error::NotLoggedIn => "not_logged_in",
            Error::SessionOtherPlatform { .. } => "session_other_platform",
            Error::EmptySecret { .. } => "empty_secret",
            Error::PinIncorrect { .. } => "pin_incorrect",
            Error::PinMaybeIncorrect => "pin_maybe_incorrect",
            Error::PinLocked => "pin_locked",
            Error::PinFinalTryRefused => "pin_final_try_refused",
            Error::PinWait { .. } => "pin_wait",
            Error::LoginKept { .. } => "pin_not_checked",
            Error::PinRejected { .. } => "pin_rejected",
            Error::Sm2MechanismMissing { .. } => "sm2_mechanism_missing",
            Error::NewPinRefusedByKey { .. } => "new_pin_refused_by_key",
            Error::SoPinIncorrect { .. } => "so_pin_incorrect",
            Error::SoPinLocked => "so_pin_locked",
            Error::SoPinFinalTryRefused => "so_pin_final_try_refused",
            Error::UnlockUnsupported { .. } => "unlock_unsupported",
            Error::PinChangeUnsupported { .. } => "pin_change_unsupported",
            Error::PrivateKeyMissing { .. } => "private_key_missing",
            Error::UnsupportedKey { .. } => "unsupported_key",
            Error::BridgePort { .. } => "bridge_port_in_use",
            Error::ToolMissing { .. } => "tool_missing",
        }
    }

    /// The platform's own code, for scripts that need it (`platform_refused` errors).
    pub fn platform_code(&self) -> Option<&str> {
        match self {
            Error::Platform { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The key said the PIN was wrong (or may have been): the PIN guard's pause follows.
    pub fn is_wrong_pin(&self) -> bool {
        matches!(
            self,
            Error::PinIncorrect { .. } | Error::PinMaybeIncorrect | Error::SoPinIncorrect { .. }
        )
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage { .. }
            | Error::CommandLine { .. }
            | Error::MissingInput { .. }
            | Error::EmptySecret { .. }
            | Error::Config { .. }
            | Error::UnknownProfile { .. }
            | Error::NoPlatform
            | Error::BadPlatformUrl { .. } => exit::USAGE,
            Error::DriverMissing
            | Error::DriverUnusable { .. }
            | Error::TokenMissing
            | Error::TokenNotFound { .. }
            | Error::TokenRemoved { .. }
            | Error::TokenDeviceError { .. }
            | Error::TokenTimeout { .. }
            | Error::PrivateKeyMissing { .. } => exit::NO_DRIVER_OR_KEY,
            Error::PinIncorrect { .. }
            | Error::PinMaybeIncorrect
            | Error::PinLocked
            | Error::PinFinalTryRefused
            | Error::PinWait { .. }
            | Error::PinRejected { .. }
            | Error::NewPinRefusedByKey { .. }
            | Error::SoPinIncorrect { .. }
            | Error::SoPinLocked
            | Error::SoPinFinalTryRefused => exit::PIN,
            Error::UnlockUnsupported { .. }
            | Error::PinChangeUnsupported { .. }
            | Error::Sm2MechanismMissing { .. } => exit::FAILURE,
            Error::Platform { .. } | Error::NotLoggedIn | Error::SessionOtherPlatform { .. } => {
                exit::PLATFORM
            }
            Error::Network { .. }
            | Error::Tls { .. }
            | Error::BadResponse { .. }
            | Error::OriginMismatch { .. } => exit::NETWORK,
            Error::CertificatesExpiring { .. } => exit::EXPIRING,
            Error::Cancelled => exit::CANCELLED,
            Error::CertificateNotFound { .. }
            | Error::CertificateAmbiguous { .. }
            | Error::Pkcs11 { .. }
            | Error::Skf { .. }
            | Error::LoginKept { .. }
            | Error::EncryptionCertificate { .. }
            | Error::Io { .. }
            | Error::Internal { .. }
            | Error::UnsupportedKey { .. }
            | Error::BridgePort { .. }
            | Error::ToolMissing { .. } => exit::FAILURE,
        }
    }

    /// The JSON form of the error, printed on stdout under `--json`.
    pub fn to_json(&self) -> ErrorJson {
        ErrorJson {
            code: self.code(),
            message: self.message(),
            hint: self.hint(),
            exit_code: self.exit_code(),
            platform_code: self.platform_code().map(str::to_string),
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
    /// The platform's code when the platform refused (`code` is then `platform_refused`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_code: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
