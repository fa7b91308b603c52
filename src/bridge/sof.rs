//! The SOF functions (GM/T 0020, certificate application service interface) as pages call
//! them over the CA client protocol: argument order and answer format as in the standard and
//! the pages' script; a failure is the page's usual failure value ("" for text, "false", a
//! negative number) and a log line, never an end of the service.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::keys::{code, DeviceInfo, Failure, Keys};
use super::protocol::{answer, Request};
use super::{certinfo, cms, printable, verify};
use crate::token::RsaHash;

/// What this service says it is; pages compare it as text (for example with "2.14").
pub const VERSION: &str = "3.0.0";

/// GM/T 0006 algorithm ids of the sign methods.
pub const SGD_SM3_RSA: i64 = 0x0001_0001;
pub const SGD_SHA1_RSA: i64 = 0x0001_0002;
pub const SGD_SHA256_RSA: i64 = 0x0001_0004;
pub const SGD_SM3_SM2: i64 = 0x0002_0201;

/// The largest SOF_GenRandom a page gets.
const MAX_RANDOM: i64 = 4096;

/// One page's connection: its sign method and the certificate it last logged in with. Which
/// keys it is logged in to, the keys' thread keeps.
pub struct Connection {
    pub id: u64,
    pub origin: String,
    /// The origin's PINs are asked in the desktop's dialog, never taken from the page.
    desktop_pins: bool,
    keys: Keys,
    sign_method: i64,
    last_login: Option<String>,
    /// Logged in to a key since the last SOF_Login (as far as this connection knows), and
    /// when the keys last said so.
    holds_login: bool,
    login_checked: Option<std::time::Instant>,
    /// The last call's failure, for SOF_GetLastError and SOF_GetLastErrMsg (0 after success).
    last_error: (u32, String),
    /// Set by a call that failed for a reason it knows.
    failed: Option<(u32, String)>,
    log: std::sync::Arc<dyn Fn(&str) + Send + Sync>,
}

/// A call's answer: its text, and the kind of value it is (for the failure value).
enum Ret {
    Text(Option<String>),
    Bool(bool),
    Number(Option<i64>),
}

impl Connection {
    pub fn new(
        id: u64,
        origin: String,
        desktop_pins: bool,
        keys: Keys,
        log: std::sync::Arc<dyn Fn(&str) + Send + Sync>,
    ) -> Connection {
        Connection {
            id,
            origin,
            desktop_pins,
            keys,
            sign_method: SGD_SM3_SM2,
            last_login: None,
            holds_login: false,
            login_checked: None,
            last_error: (code::OK, String::new()),
            failed: None,
            log,
        }
    }

    /// Whether the connection logged in to a key and has not logged out (a logged-in page
    /// keeps its slot).
    pub fn logged_in_recently(&self) -> bool {
        self.holds_login
    }

    /// Whether the connection holds a login now, the keys asked at most once a minute (the
    /// login may have ended by itself: idle, key removed).
    pub fn logged_in(&mut self) -> bool {
        let recent = self.login_checked.is_some_and(|t| t.elapsed() < Duration::from_secs(60));
        if self.holds_login && !recent {
            self.login_checked = Some(std::time::Instant::now());
            self.holds_login =
                self.last_login.as_deref().is_some_and(|id| self.keys.is_login(self.id, id));
        }
        self.holds_login
    }

    fn log(&self, line: &str) {
        (self.log)(&format!("[{} {}] {line}", self.id, self.origin));
    }

    /// The answer frame for one request.
    pub fn call(&mut self, mut req: Request) -> String {
        self.failed = None;
        let asks_error = matches!(req.function.as_str(), "SOF_GetLastError" | "SOF_GetLastErrMsg");
        let ret = self.dispatch(&mut req);
        let failed = matches!(ret, Ret::Text(None) | Ret::Bool(false) | Ret::Number(None));
        if !asks_error {
            self.last_error = match (failed, self.failed.take()) {
                (_, Some(known)) => known,
                (true, None) => (code::SOR_UNKNOWNERR, format!("{} failed", req.function)),
                (false, None) => (code::OK, String::new()),
            };
        }
        let text = match ret {
            Ret::Text(Some(t)) => t,
            Ret::Text(None) => String::new(),
            Ret::Bool(b) => b.to_string(),
            Ret::Number(Some(n)) => n.to_string(),
            Ret::Number(None) => "-1".to_string(),
        };
        answer(&req.call_id, &text)
    }

    /// A failure of this call, logged, and kept for SOF_GetLastError.
    fn failure(&mut self, what: &str, failure: &Failure) {
        let reason = failure.reason();
        self.log(&format!("{what}: refused: {reason}"));
        self.failed = Some((failure.code(), reason));
    }

    fn dispatch(&mut self, req: &mut Request) -> Ret {
        let f = req.function.clone();
        let text = |i| req.text(i);
        match f.as_str() {
            "SOF_GetVersion" => Ret::Text(Some(VERSION.to_string())),
            "SOF_GetUserList" => Ret::Text(Some(
                self.keys
                    .user_list()
                    .iter()
                    .map(|c| format!("{}||{}&&&", c.name, c.cert_id))
                    .collect(),
            )),
            "SOF_ExportUserCert" => Ret::Text(
                text(0).and_then(|id| self.keys.cert(&id)).map(|c| STANDARD.encode(c.der)),
            ),
            "SOF_ExportExChangeUserCert" => Ret::Text(text(0).and_then(|id| {
                let c = self.keys.cert(&id)?;
                Some(c.exchange_der.map(|d| STANDARD.encode(d)).unwrap_or_default())
            })),
            "SOF_GetCertInfo" => {
                let kind = req.number(1);
                Ret::Text(text(0).zip(kind).and_then(|(cert, kind)| {
                    let info = certinfo::cert_info(&cert, kind);
                    if info.is_none() {
                        self.log(&format!("SOF_GetCertInfo: no type {kind} or not a certificate"));
                    }
                    info
                }))
            }
            "SOF_GetCertInfoByOid" => Ret::Text(
                text(0).zip(text(1)).and_then(|(c, oid)| certinfo::cert_info_by_oid(&c, &oid)),
            ),
            "SOF_Login" => Ret::Bool(self.login(req)),
            "SOF_Logout" => {
                let done = text(0).is_some_and(|id| self.keys.logout(self.id, &id));
                self.holds_login &= !done;
                Ret::Bool(done)
            }
            "SOF_IsLogin" => Ret::Bool(text(0).is_some_and(|id| self.keys.is_login(self.id, &id))),
            "SOF_GetPinRetryCount" | "SOF_GetRetryCount" => {
                Ret::Number(text(0).and_then(|id| self.keys.retry_count(&id)))
            }
            "SOF_ChangePassWd" => Ret::Bool(self.change_pin(req)),
            "SOF_SetSignMethod" => Ret::Bool(self.set_sign_method(req.number(0))),
            "SOF_GetSignMethod" => Ret::Number(Some(self.sign_method)),
            "SOF_SignData" => Ret::Text(
                text(0).zip(text(1)).and_then(|(id, data)| self.sign(&id, data.into_bytes())),
            ),
            "SOF_SignDataBase64" => Ret::Text(text(0).zip(text(1)).and_then(|(id, data)| {
                let data = STANDARD.decode(data.trim()).ok()?;
                self.sign(&id, data)
            })),
            "SOF_VerifySignedData" => Ret::Bool(self.verify_signed_data(req)),
            "SOF_SignMessage" => Ret::Text(self.sign_message(req)),
            "SOF_VerifySignedMessage" => Ret::Bool(text(0).is_some_and(|message| {
                let Ok(der) = STANDARD.decode(message.trim()) else { return false };
                let detached = text(1).filter(|d| !d.is_empty());
                cms::verify_signed_data(&der, detached.as_deref().map(str::as_bytes))
            })),
            "SOF_GenRandom" => {
                Ret::Text(req.number(0).filter(|n| (1..=MAX_RANDOM).contains(n)).map(|n| {
                    let mut bytes = vec![0u8; n as usize];
                    zca_crypto::random::fill(&mut bytes);
                    STANDARD.encode(bytes)
                }))
            }
            "SOF_ValidateCert" => Ret::Number(Some(validate(&text(0).unwrap_or_default()))),
            "GetDeviceInfo" | "SOF_GetDeviceInfo" => Ret::Text(
                text(0)
                    .zip(req.number(1).and_then(device_info))
                    .and_then(|(id, what)| self.keys.device_info(&id, what)),
            ),
            "SOF_GetLastLoginCertID" => Ret::Text(self.last_login.clone()),
            "GetDeviceCount" => Ret::Number(Some(self.keys.devices().len() as i64)),
            "GetAllDeviceSN" => Ret::Text(Some(
                self.keys.devices().into_iter().map(|(sn, _)| sn).collect::<Vec<_>>().join(";"),
            )),
            "GetDeviceSNByIndex" => Ret::Text(req.number(0).and_then(|i| {
                let i = usize::try_from(i).ok()?;
                self.keys.devices().into_iter().nth(i).map(|(sn, _)| sn)
            })),
            "IsDeviceExist" => Ret::Bool(
                text(0).is_some_and(|sn| self.keys.devices().iter().any(|(id, _)| *id == sn)),
            ),
            "SOF_GetAllContainerName" => Ret::Text(text(0).and_then(|sn| {
                let devices = self.keys.devices();
                let (_, containers) = devices.into_iter().find(|(id, _)| *id == sn)?;
                Some(containers.join("&&&"))
            })),
            "SOF_GetLastError" => Ret::Number(Some(i64::from(self.last_error.0))),
            "SOF_GetLastErrMsg" => Ret::Text(Some(self.last_error.1.clone())),
            "SOF_GetProductVersion" => Ret::Text(Some(PRODUCT_VERSION.to_string())),
            "Base64Encode" => Ret::Text(text(0).map(|t| STANDARD.encode(t.as_bytes()))),
            "Base64Decode" => Ret::Text(
                text(0).and_then(|b64| String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()),
            ),
            other => {
                self.log(&format!("unknown function {}", printable(other)));
                Ret::Text(None)
            }
        }
    }

    fn login(&mut self, req: &mut Request) -> bool {
        let (Some(cert_id), Some(pin)) = (req.text(0), req.secret(1)) else { return false };
        let shown = printable(&cert_id);
        match self.keys.login(self.id, &self.origin, &cert_id, pin, self.desktop_pins) {
            Ok(()) => {
                self.log(&format!("SOF_Login {shown}: logged in"));
                self.last_login = Some(cert_id);
                self.holds_login = true;
                self.login_checked = Some(std::time::Instant::now());
                true
            }
            Err(failure) => {
                self.failure(&format!("SOF_Login {shown}"), &failure);
                false
            }
        }
    }

    /// SOF_ChangePassWd(certID, old, new): only after this connection's own SOF_Login to the
    /// certificate's key, and through the PIN guard like a login (a wrong old PIN pauses both).
    fn change_pin(&mut self, req: &mut Request) -> bool {
        let (Some(cert_id), Some(old), Some(new)) = (req.text(0), req.secret(1), req.secret(2))
        else {
            return false;
        };
        let shown = printable(&cert_id);
        match self.keys.change_pin(self.id, &cert_id, old, new) {
            Ok(()) => {
                self.log(&format!("SOF_ChangePassWd {shown}: changed"));
                true
            }
            Err(failure) => {
                self.failure(&format!("SOF_ChangePassWd {shown}"), &failure);
                false
            }
        }
    }

    fn set_sign_method(&mut self, method: Option<i64>) -> bool {
        match method {
            Some(m @ (SGD_SM3_RSA | SGD_SHA1_RSA | SGD_SHA256_RSA | SGD_SM3_SM2)) => {
                self.sign_method = m;
                true
            }
            other => {
                self.log(&format!("SOF_SetSignMethod: unknown method {other:?}"));
                false
            }
        }
    }

    /// The hash RSA keys sign with under the current method (SM3withSM2 leaves RSA keys at
    /// SHA-256; SM2 keys always sign SM3withSM2, EC keys ECDSA with SHA-256).
    fn rsa_hash(&self) -> RsaHash {
        match self.sign_method {
            SGD_SM3_RSA => RsaHash::Sm3,
            SGD_SHA1_RSA => RsaHash::Sha1,
            _ => RsaHash::Sha256,
        }
    }

    fn sign(&mut self, cert_id: &str, data: Vec<u8>) -> Option<String> {
        match self.keys.sign(self.id, &self.origin, cert_id, self.rsa_hash(), data) {
            Ok(sig) => Some(STANDARD.encode(sig)),
            Err(failure) => {
                self.failure(&format!("sign with {}", printable(cert_id)), &failure);
                None
            }
        }
    }

    fn verify_signed_data(&self, req: &Request) -> bool {
        let (Some(cert), Some(data), Some(sig)) = (req.text(0), req.text(1), req.text(2)) else {
            return false;
        };
        let (Ok(cert), Ok(sig)) = (STANDARD.decode(cert.trim()), STANDARD.decode(sig.trim()))
        else {
            return false;
        };
        verify::verify(&cert, self.rsa_hash(), data.as_bytes(), &sig)
    }

    /// SOF_SignMessage(flag, certID, data): flag 0 carries the content, 1 is detached.
    fn sign_message(&mut self, req: &Request) -> Option<String> {
        let attached = match req.number(0)? {
            0 => true,
            1 => false,
            _ => return None,
        };
        let (cert_id, data) = (req.text(1)?, req.text(2)?);
        let hash = self.rsa_hash();
        let data = data.into_bytes();
        match self.keys.sign_message(self.id, &self.origin, &cert_id, hash, data, attached) {
            Ok(der) => Some(STANDARD.encode(der)),
            Err(failure) => {
                self.failure(&format!("SOF_SignMessage with {}", printable(&cert_id)), &failure);
                None
            }
        }
    }
}

/// What this service says it is, beside SOF_GetVersion: the real service's is
/// `3.7.418.0052`, pages show it.
pub const PRODUCT_VERSION: &str = concat!("zca ", env!("CARGO_PKG_VERSION"));

/// The fact a device-information number asks for: the real service's numbers 1–8
/// (GetDeviceInfo) and GM/T 0006's SGD_DEVICE_* codes (SOF_GetDeviceInfo), in either name.
pub fn device_info(number: i64) -> Option<DeviceInfo> {
    Some(match number {
        1 | 0x203 => DeviceInfo::Label,
        2 | 0x20C => DeviceInfo::TotalSpace,
        3 | 0x208 => DeviceInfo::Serial,
        4 => DeviceInfo::Algorithm,
        5 => DeviceInfo::AdminPinRetries,
        6 => DeviceInfo::UserPinRetries,
        7 => DeviceInfo::HardOrSoft,
        8 => DeviceInfo::Driver,
        0x201 => DeviceInfo::Kind,
        0x202 => DeviceInfo::Model,
        0x204 => DeviceInfo::Manufacturer,
        0x205 => DeviceInfo::HardwareVersion,
        0x206 => DeviceInfo::FirmwareVersion,
        0x20D => DeviceInfo::FreeSpace,
        _ => return None,
    })
}

/// SOF_ValidateCert: 0 within its validity, -1 outside it, -2 not a certificate. Whether the
/// certificate is trusted is the platform's to say: the service has no trust anchors.
fn validate(cert_b64: &str) -> i64 {
    let Ok(der) = STANDARD.decode(cert_b64.trim()) else { return -2 };
    let Ok((_, cert)) = X509Certificate::from_der(&der) else { return -2 };
    if cert.validity().is_valid() {
        0
    } else {
        -1
    }
}
