//! What an error says to people: its message and its hint, in the user's language, and the
//! platform's refusals in zca's own words.

use super::Error;
use crate::pin_state::PinState;
use crate::t;

impl Error {
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
