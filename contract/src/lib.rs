//! The platform API contract, version 1 (`docs/platform-api.md`): the JSON wire types, the stable
//! error codes and the exact bytes a key signs. Shared by zca and zca-platform; an independent
//! client (curl and openssl) is tested against the server to keep both honest.

use serde::{Deserialize, Serialize};

pub const BASE_PATH: &str = "/api/v1";
/// The ID SM2 signatures use when the contract says nothing else.
pub const SM2_DEFAULT_ID: &str = "1234567812345678";
/// Longest CA锁ID: CK_TOKEN_INFO's serialNumber is 16 characters.
pub const CA_LOCK_ID_MAX: usize = 16;
/// Longest request body the server reads.
pub const MAX_BODY: usize = 1 << 20;

/// What a signature proves: a CA login, or possession of the key for a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Login,
    Bind,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Login => "login",
            Purpose::Bind => "bind",
        }
    }
}

/// Signature algorithms of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Algorithm {
    #[serde(rename = "rsa-pkcs1-sha256")]
    RsaPkcs1Sha256,
    #[serde(rename = "ecdsa-p256-sha256")]
    EcdsaP256Sha256,
    #[serde(rename = "sm2-sm3")]
    Sm2Sm3,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::RsaPkcs1Sha256 => "rsa-pkcs1-sha256",
            Algorithm::EcdsaP256Sha256 => "ecdsa-p256-sha256",
            Algorithm::Sm2Sm3 => "sm2-sm3",
        }
    }

    pub fn parse(s: &str) -> Option<Algorithm> {
        [Algorithm::RsaPkcs1Sha256, Algorithm::EcdsaP256Sha256, Algorithm::Sm2Sm3]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    /// The algorithm a certificate's key signs with, from its SubjectPublicKeyInfo's algorithm
    /// OID and (for EC keys) curve OID; `None` for a key the contract has no algorithm for. SM2
    /// keys come either as id-ecPublicKey with the SM2 curve or with the SM2 OID itself.
    pub fn for_key(key_algorithm_oid: &str, curve_oid: Option<&str>) -> Option<Algorithm> {
        match (key_algorithm_oid, curve_oid) {
            (oid::RSA_ENCRYPTION, _) => Some(Algorithm::RsaPkcs1Sha256),
            (oid::SM2, _) | (oid::EC_PUBLIC_KEY, Some(oid::SM2)) => Some(Algorithm::Sm2Sm3),
            (oid::EC_PUBLIC_KEY, Some(oid::P256)) => Some(Algorithm::EcdsaP256Sha256),
            _ => None,
        }
    }
}

/// Object identifiers of the keys the contract's algorithms use.
pub mod oid {
    pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
    pub const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
    pub const P256: &str = "1.2.840.10045.3.1.7";
    /// The SM2 curve (GM/T 0006), also used as a key algorithm.
    pub const SM2: &str = "1.2.156.10197.1.301";
}

/// A certificate serial as the contract writes it: uppercase hex of the DER integer's bytes,
/// without the leading zero bytes of its sign (one zero stays for a serial of zero).
pub fn serial_hex(der_integer: &[u8]) -> String {
    let start =
        der_integer.iter().position(|b| *b != 0).unwrap_or(der_integer.len().saturating_sub(1));
    der_integer[start..].iter().map(|b| format!("{b:02X}")).collect()
}

/// The bytes a key signs: lines joined by `\n`, no final newline.
pub fn signed_bytes(
    purpose: Purpose,
    origin: &str,
    challenge_id: &str,
    nonce: &str,
    cert_sha256_hex: &str,
    ca_lock_id: &str,
) -> Vec<u8> {
    let ca_lock_id = match purpose {
        Purpose::Bind => ca_lock_id,
        Purpose::Login => "",
    };
    ["zca/1", purpose.as_str(), origin, challenge_id, nonce, cert_sha256_hex, ca_lock_id]
        .join("\n")
        .into_bytes()
}

/// Stable error codes.
pub mod code {
    pub const INVALID_REQUEST: &str = "invalid_request";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
    pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";
    pub const UNAUTHENTICATED: &str = "unauthenticated";
    pub const CHALLENGE_INVALID: &str = "challenge_invalid";
    pub const SIGNATURE_INVALID: &str = "signature_invalid";
    pub const UNSUPPORTED_ALGORITHM: &str = "unsupported_algorithm";
    pub const CERTIFICATE_UNTRUSTED: &str = "certificate_untrusted";
    pub const CERTIFICATE_EXPIRED: &str = "certificate_expired";
    pub const CERTIFICATE_NOT_YET_VALID: &str = "certificate_not_yet_valid";
    pub const CERTIFICATE_KEY_USAGE: &str = "certificate_key_usage";
    pub const CA_LOCK_BOUND_TO_OTHER_USER: &str = "ca_lock_bound_to_other_user";
    pub const CERTIFICATE_NOT_BOUND: &str = "certificate_not_bound";
    pub const NOT_FOUND: &str = "not_found";
    /// Added in contract 1.1: the platform's operator revoked the certificate.
    pub const CERTIFICATE_REVOKED: &str = "certificate_revoked";
    pub const INTERNAL: &str = "internal_error";
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub time: String,
}

/// `GET /ready`: whether the instance can serve (its database answers).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ready {
    /// `ready` or `unavailable`.
    pub status: String,
    /// Why not, when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasswordLogin {
    pub account: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub account: String,
    pub name: String,
    pub organization: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub expires_at: String,
    pub user: User,
    /// Only for CA login: the binding whose certificate logged in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_id: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChallengeRequest {
    pub purpose: Purpose,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Challenge {
    pub challenge_id: String,
    pub nonce: String,
    pub origin: String,
    pub expires_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CaLogin {
    pub challenge_id: String,
    /// Certificate DER, standard base64.
    pub certificate: String,
    pub algorithm: String,
    /// Signature, standard base64.
    pub signature: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BindRequest {
    pub challenge_id: String,
    pub ca_lock_id: String,
    pub certificate: String,
    pub algorithm: String,
    pub signature: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BindingStatus {
    Active,
    Expired,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    pub subject: String,
    pub common_name: String,
    pub organization: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub id: i64,
    pub status: BindingStatus,
    pub certificate: CertificateInfo,
    pub ca_lock_id: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Bindings {
    pub bindings: Vec<Binding>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Driver {
    pub id: i64,
    pub name: String,
    pub vendor: String,
    pub version: String,
    pub os: String,
    pub arch: String,
    pub issuers: Vec<String>,
    pub module_names: Vec<String>,
    pub url: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Drivers {
    pub drivers: Vec<Driver>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_bytes_are_the_contract_lines() {
        let b = signed_bytes(
            Purpose::Bind,
            "https://127.0.0.1:8443",
            "c1",
            "n1",
            "ab",
            "3301000045102205",
        );
        assert_eq!(b, b"zca/1\nbind\nhttps://127.0.0.1:8443\nc1\nn1\nab\n3301000045102205");
        let l = signed_bytes(Purpose::Login, "https://h", "c", "n", "ff", "ignored");
        assert_eq!(l, b"zca/1\nlogin\nhttps://h\nc\nn\nff\n");
    }

    proptest::proptest! {
        /// Fields without a line break (the platform refuses any other) come back out of the
        /// bytes unchanged: two different proofs never sign the same bytes.
        #[test]
        fn signed_bytes_split_back_into_their_fields(
            bind in proptest::bool::ANY,
            origin in "[^\n]{0,40}",
            id in "[^\n]{0,40}",
            nonce in "[^\n]{0,40}",
            sha in "[0-9a-f]{64}",
            lock in "[^\n]{0,20}",
        ) {
            let purpose = if bind { Purpose::Bind } else { Purpose::Login };
            let bytes = signed_bytes(purpose, &origin, &id, &nonce, &sha, &lock);
            let text = String::from_utf8(bytes).unwrap();
            let fields: Vec<&str> = text.split('\n').collect();
            let lock = if bind { lock.as_str() } else { "" };
            proptest::prop_assert_eq!(
                fields,
                vec!["zca/1", purpose.as_str(), &origin, &id, &nonce, &sha, lock]
            );
        }
    }

    #[test]
    fn serials_and_key_algorithms() {
        assert_eq!(serial_hex(&[0x00, 0x8f, 0x01]), "8F01");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[0x12, 0x00]), "1200");
        assert_eq!(Algorithm::for_key(oid::EC_PUBLIC_KEY, Some(oid::SM2)), Some(Algorithm::Sm2Sm3));
        assert_eq!(Algorithm::for_key(oid::EC_PUBLIC_KEY, Some("1.3.132.0.34")), None);
    }

    #[test]
    fn algorithm_names() {
        for a in [Algorithm::RsaPkcs1Sha256, Algorithm::EcdsaP256Sha256, Algorithm::Sm2Sm3] {
            assert_eq!(Algorithm::parse(a.as_str()), Some(a));
        }
        assert_eq!(Algorithm::parse("rsa"), None);
    }
}
