//! The one error type of zca. Every variant has a stable `code` (for JSON and scripts), an exit
//! code, and a message and a hint in the user's language.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::pin_state::PinState;
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

    pub fn message(&self) -> String {
        match self {
            Error::Usage { detail } | Error::CommandLine { detail, .. } => {
                t!("err-usage", detail = detail.as_str())
            }
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
            Error::TokenRemoved { function } => {
                t!("err-token-removed", function = function.as_str())
            }
            Error::TokenDeviceError { module, function, rv } => t!(
                "err-token-device",
                module = module.display().to_string(),
                function = function.as_str(),
                rv = rv.as_str()
            ),
            Error::TokenTimeout { operation, seconds } => {
                t!("err-token-timeout", operation = operation.as_str(), seconds = (*seconds))
            }
            Error::EncryptionCertificate { sha256 } => {
                t!("err-encryption-certificate", sha256 = sha256.as_str())
            }
            Error::Skf { library, function, code } => t!(
                "err-pkcs11",
                module = library.display().to_string(),
                function = function.as_str(),
                rv = code.as_str()
            ),
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
            Error::NoPlatform => t!("err-no-platform"),
            Error::BadPlatformUrl { url } => t!("err-bad-platform-url", url = url.as_str()),
            Error::Network { url, detail } => {
                t!("err-network", url = url.as_str(), detail = detail.as_str())
            }
            Error::Tls { url, detail } => {
                t!("err-tls", url = url.as_str(), detail = detail.as_str())
            }
            Error::BadResponse { url, detail } => {
                t!("err-bad-response", url = url.as_str(), detail = detail.as_str())
            }
            Error::OriginMismatch { expected, got } => {
                t!("err-origin-mismatch", expected = expected.as_str(), got = got.as_str())
            }
            Error::Platform { code, message } => platform_message(code, message),
            Error::NotLoggedIn => t!("err-not-logged-in"),
            Error::SessionOtherPlatform { session_platform, configured } => t!(
                "err-session-other-platform",
                session = session_platform.as_str(),
                configured = configured.as_str()
            ),
            Error::EmptySecret { what, source } => {
                t!("err-empty-secret", what = what.as_str(), source = source.as_str())
            }
            Error::PinIncorrect { state, tries_left } => match (state, tries_left) {
                (PinState::FinalTry, _) => t!("err-pin-incorrect-final"),
                (PinState::Locked, _) => t!("err-pin-incorrect-locked"),
                (_, Some(left)) => t!("err-pin-incorrect-tries", left = (*left)),
                _ => t!("err-pin-incorrect"),
            },
            Error::PinMaybeIncorrect => t!("err-pin-maybe-incorrect"),
            Error::PinLocked => t!("err-pin-locked"),
            Error::PinFinalTryRefused => t!("err-pin-final-try"),
            Error::PinWait { millis } => t!("err-pin-wait", seconds = millis.div_ceil(1000)),
            Error::LoginKept { module } => {
                t!("err-login-kept", module = module.display().to_string())
            }
            Error::PinRejected { reason } => t!("err-pin-rejected", reason = reason.as_str()),
            Error::Sm2MechanismMissing { module, entry, tried } => t!(
                "err-sm2-mechanism-missing",
                module = module.display().to_string(),
                entry = entry.as_str(),
                tried = tried.as_str()
            ),
            Error::NewPinRefusedByKey { rv } => t!("err-new-pin-refused", rv = rv.as_str()),
            Error::SoPinIncorrect { state } => {
                t!("err-so-pin-incorrect", state = state.label())
            }
            Error::SoPinLocked => t!("err-so-pin-locked"),
            Error::SoPinFinalTryRefused => t!("err-so-pin-final-try"),
            Error::UnlockUnsupported { module } => {
                t!("err-unlock-unsupported", module = module.display().to_string())
            }
            Error::PinChangeUnsupported { module } => {
                t!("err-pin-change-unsupported", module = module.display().to_string())
            }
            Error::PrivateKeyMissing { sha256 } => {
                t!("err-private-key-missing", sha256 = sha256.as_str())
            }
            Error::UnsupportedKey { what } => t!("err-unsupported-key", what = what.as_str()),
            Error::BridgePort { port, detail } => {
                t!("err-bridge-port", port = u64::from(*port), detail = detail.as_str())
            }
            Error::ToolMissing { tool, .. } => t!("err-tool-missing", tool = tool.as_str()),
        }
    }

    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::Usage { .. } => t!("hint-usage"),
            Error::CommandLine { hint, .. } => hint.clone(),
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
            Error::TokenRemoved { .. } => t!("hint-token-removed"),
            Error::TokenDeviceError { .. } => t!("hint-token-device"),
            Error::TokenTimeout { .. } => t!("hint-token-timeout"),
            Error::Pkcs11 { .. } | Error::Skf { .. } => t!("hint-pkcs11"),
            Error::EncryptionCertificate { .. } => t!("hint-encryption-certificate"),
            Error::Io { .. } | Error::Cancelled => return None,
            Error::Internal { .. } => t!("hint-internal"),
            Error::NoPlatform => t!("hint-no-platform"),
            Error::BadPlatformUrl { url } => {
                let host = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
                t!("hint-bad-platform-url", https = format!("https://{host}"))
            }
            Error::Network { .. } => t!("hint-network"),
            Error::Tls { .. } => t!("hint-tls"),
            Error::BadResponse { .. } => t!("hint-bad-response"),
            Error::OriginMismatch { .. } => t!("hint-origin-mismatch"),
            Error::Platform { code, .. } => platform_hint(code)?,
            Error::NotLoggedIn => t!("hint-not-logged-in"),
            Error::SessionOtherPlatform { session_platform, .. } => {
                t!("hint-session-other-platform", session = session_platform.as_str())
            }
            Error::EmptySecret { .. } => t!("hint-empty-secret"),
            Error::PinIncorrect { .. } | Error::PinMaybeIncorrect => t!("hint-pin-incorrect"),
            Error::PinLocked => t!("hint-pin-locked"),
            Error::PinFinalTryRefused => t!("hint-pin-final-try"),
            Error::PinWait { .. } => t!("hint-pin-wait"),
            Error::LoginKept { .. } => t!("hint-login-kept"),
            Error::PinRejected { .. } | Error::NewPinRefusedByKey { .. } => {
                t!("hint-pin-rejected")
            }
            Error::SoPinIncorrect { .. } => t!("hint-so-pin-incorrect"),
            Error::SoPinLocked | Error::UnlockUnsupported { .. } => t!("hint-unlock-unsupported"),
            Error::SoPinFinalTryRefused => t!("hint-so-pin-final-try"),
            Error::PinChangeUnsupported { .. } => t!("hint-pin-change-unsupported"),
            Error::Sm2MechanismMissing { module, .. } => t!(
                "hint-sm2-mechanism-missing",
                file = module
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
            Error::PrivateKeyMissing { .. } => t!("hint-private-key-missing"),
            Error::UnsupportedKey { .. } => t!("hint-unsupported-key"),
            Error::BridgePort { .. } => t!("hint-bridge-port"),
            Error::ToolMissing { package, .. } => {
                t!("hint-tool-missing", package = package.as_str())
            }
        })
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

/// The platform's refusal in the user's language: zca's own text for each code of the contract,
/// the platform's text for codes zca does not know.
fn platform_message(code: &str, server_message: &str) -> String {
    use zca_contract::code as c;
    match code {
        c::INVALID_REQUEST => t!("plat-invalid-request"),
        c::PAYLOAD_TOO_LARGE => t!("plat-payload-too-large"),
        c::INVALID_CREDENTIALS => t!("plat-invalid-credentials"),
        c::TOO_MANY_ATTEMPTS => t!("plat-too-many-attempts"),
        c::UNAUTHENTICATED => t!("plat-unauthenticated"),
        c::CHALLENGE_INVALID => t!("plat-challenge-invalid"),
        c::SIGNATURE_INVALID => t!("plat-signature-invalid"),
        c::UNSUPPORTED_ALGORITHM => t!("plat-unsupported-algorithm"),
        c::CERTIFICATE_UNTRUSTED => t!("plat-certificate-untrusted"),
        c::CERTIFICATE_EXPIRED => t!("plat-certificate-expired"),
        c::CERTIFICATE_NOT_YET_VALID => t!("plat-certificate-not-yet-valid"),
        c::CERTIFICATE_KEY_USAGE => t!("plat-certificate-key-usage"),
        c::CA_LOCK_BOUND_TO_OTHER_USER => t!("plat-ca-lock-bound-to-other-user"),
        c::CERTIFICATE_NOT_BOUND => t!("plat-certificate-not-bound"),
        c::NOT_FOUND => t!("plat-not-found"),
        c::INTERNAL => t!("plat-internal"),
        _ => t!("plat-other", code = code, message = server_message),
    }
}

fn platform_hint(code: &str) -> Option<String> {
    use zca_contract::code as c;
    Some(match code {
        c::INVALID_CREDENTIALS => t!("plat-hint-invalid-credentials"),
        c::TOO_MANY_ATTEMPTS => t!("plat-hint-too-many-attempts"),
        c::UNAUTHENTICATED => t!("hint-not-logged-in"),
        c::CHALLENGE_INVALID => t!("plat-hint-challenge-invalid"),
        c::CERTIFICATE_UNTRUSTED | c::CERTIFICATE_KEY_USAGE => t!("plat-hint-certificate"),
        c::CERTIFICATE_EXPIRED | c::CERTIFICATE_NOT_YET_VALID => t!("hint-cert-expiring"),
        c::CA_LOCK_BOUND_TO_OTHER_USER => t!("plat-hint-bound-to-other-user"),
        c::CERTIFICATE_NOT_BOUND => t!("plat-hint-certificate-not-bound"),
        c::NOT_FOUND => t!("plat-hint-not-found"),
        c::INTERNAL => t!("plat-hint-internal"),
        _ => return None,
    })
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
