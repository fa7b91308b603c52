//! The mToken functions a login-and-sign page calls, with the fields its script sends and the
//! fields it reads back (every answer holds `rtn`, 0 or an SKF error code). Devices are named
//! by their CA锁ID; a device's containers are the first part of the certificates' IDs, so that
//! `containerName` and `deviceName` together name a certificate as the CA client protocol's
//! certID does.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

use super::body::Fields;
use crate::bridge::keys::{code, CertEntry, DeviceInfo, Failure, Keys, Log};
use crate::bridge::{certinfo, cms, printable, sof, verify};
use crate::token::RsaHash;

/// What the service says it is.
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The signer ID of SM2 signatures (GM/T 0009's default), the only one served.
const SM2_DEFAULT_ID: &str = zca_contract::SM2_DEFAULT_ID;
/// SOF_SetDigestMethod's numbers.
const SGD_SM3: i64 = 1;
const SGD_SHA1: i64 = 2;
const SGD_SHA256: i64 = 4;
/// keySpec: the signing key and certificate (0 is the encryption pair; no other).
const KEY_SPEC_SIGN: i64 = 1;
/// Largest SOF_GenRandom.
const MAX_RANDOM: i64 = 4096;

/// A page origin's state between its calls.
#[derive(Clone, Debug)]
pub struct PageState {
    /// The origin's identity for its login to a key.
    conn: u64,
    digest: i64,
    user_id: String,
    last_error: u32,
    /// The certificate of the last SOF_GetCertInfo, which the demo page then asks again with
    /// an empty one.
    last_cert: Option<String>,
}

impl PageState {
    pub fn new(conn: u64) -> PageState {
        PageState {
            conn,
            digest: 0,
            user_id: SM2_DEFAULT_ID.into(),
            last_error: code::OK,
            last_cert: None,
        }
    }
}

pub struct Context<'a> {
    pub origin: &'a str,
    /// The origin's PINs are asked on the desktop, never taken from the page.
    pub desktop_pins: bool,
    pub keys: &'a Keys,
    pub log: &'a Log,
}

impl Context<'_> {
    fn log(&self, line: &str) {
        (self.log)(&format!("[mToken {}] {line}", self.origin));
    }
}

/// The answer to a body that is no request.
pub fn invalid() -> Value {
    json!({ "rtn": code::SAR_INVALIDPARAMERR })
}

/// An answer: `rtn` and the data fields.
struct Answer {
    rtn: u32,
    data: Map<String, Value>,
}

impl Answer {
    fn ok() -> Answer {
        Answer { rtn: code::OK, data: Map::new() }
    }

    fn with(key: &str, value: impl Into<Value>) -> Answer {
        let mut a = Answer::ok();
        a.data.insert(key.into(), value.into());
        a
    }

    fn failed(rtn: u32) -> Answer {
        Answer { rtn, data: Map::new() }
    }
}

/// Answers one call and keeps its outcome as the page's last error.
pub fn call(cx: &Context<'_>, page: &mut PageState, fields: &mut Fields) -> Value {
    let function = fields.text("function").unwrap_or_default();
    let answer = if function == "SOF_GetLastError" {
        let e = page.last_error;
        Answer { rtn: e, data: [("errorCode".to_string(), Value::from(e))].into_iter().collect() }
    } else {
        let answer = dispatch(cx, page, &function, fields);
        page.last_error = answer.rtn;
        answer
    };
    let mut object = answer.data;
    object.insert("rtn".into(), Value::from(answer.rtn));
    Value::Object(object)
}

fn dispatch(cx: &Context<'_>, page: &mut PageState, function: &str, f: &mut Fields) -> Answer {
    let device = f.text("deviceName").unwrap_or_default();
    match function {
        "SOF_GetVersion" => Answer::with("version", VERSION),
        "SOF_LoadLibrary" => load_library(cx, f),
        "SOF_EnumDevice" => Answer::with("array", devices(cx.keys).join("||")),
        "SOF_GetDeviceInstance" | "SOF_CheckExists" => {
            let found = devices(cx.keys).contains(&device);
            match function {
                "SOF_CheckExists" => Answer::with("isExist", u8::from(found)),
                _ if found => Answer::ok(),
                _ => Answer::failed(code::SAR_DEVICE_REMOVED),
            }
        }
        "SOF_ReleaseDeviceInstance" => Answer::ok(),
        "SOF_GetHardwareType" => Answer::with("type", 1),
        "SOF_GetUserList" => {
            let entries: Vec<String> = certs_of(cx.keys, &device)
                .iter()
                .map(|c| format!("{}||{}", c.name, c.container()))
                .collect();
            Answer::with("array", entries.join("&&&"))
        }
        "SOF_ExportUserCert" => match certificate(cx, &device, f) {
            Ok((entry, sign)) => {
                let der = if sign { Some(entry.der) } else { entry.exchange_der };
                match der {
                    Some(der) => Answer::with("cert", STANDARD.encode(der)),
                    None => Answer::failed(code::SAR_CERTNOTFOUNTERR),
                }
            }
            Err(rtn) => Answer::failed(rtn),
        },
        "SOF_GetDeviceInfo" => {
            let what = f.number("type").and_then(sof::device_info);
            let first = certs_of(cx.keys, &device).into_iter().next();
            match (what, first) {
                (Some(what), Some(c)) => match cx.keys.device_info(&c.cert_id, what) {
                    Some(info) => Answer::with("info", info),
                    None => Answer::failed(code::SAR_NOTSUPPORTYETERR),
                },
                (None, _) => Answer::failed(code::SAR_NOTSUPPORTYETERR),
                (_, None) => Answer::failed(code::SAR_DEVICE_REMOVED),
            }
        }
        "SOF_GetCertInfo" => cert_info(page, f),
        "SOF_GetCertInfoByOid" => {
            let cert = f.text("base64EncodeCert").unwrap_or_default();
            let oid = f.text("oid").unwrap_or_default();
            match certinfo::cert_info_by_oid(&cert, &oid) {
                Some(info) => Answer::with("info", info),
                None => Answer::failed(code::SAR_INVALIDPARAMERR),
            }
        }
        "SOF_Login" => login(cx, page, &device, f),
        "SOF_LogOut" => {
            for c in certs_of(cx.keys, &device) {
                cx.keys.logout(page.conn, &c.cert_id);
            }
            Answer::ok()
        }
        "SOF_IsVerifyPIN" => {
            let logged_in = certs_of(cx.keys, &device)
                .first()
                .is_some_and(|c| cx.keys.is_login(page.conn, &c.cert_id));
            Answer::failed(if logged_in { code::OK } else { code::SAR_USER_NOT_LOGGED_IN })
        }
        "SOF_GetPinRetryCount" => {
            let first = certs_of(cx.keys, &device).into_iter().next();
            let left = first.as_ref().and_then(|c| cx.keys.retry_count(&c.cert_id));
            let max = first.as_ref().and_then(|c| {
                cx.keys.device_info(&c.cert_id, DeviceInfo::UserPinRetries)?.parse::<i64>().ok()
            });
            match left {
                Some(left) => {
                    let mut a = Answer::with("retryCount", left);
                    a.data.insert("maxRetryCount".into(), max.unwrap_or(left).into());
                    a
                }
                None => Answer::failed(code::SAR_DEVICE_REMOVED),
            }
        }
        "SOF_ChangePassWd" => change_pin(cx, page, &device, f),
        "SOF_SetDigestMethod" => match f.number("digestMethod") {
            Some(m @ (SGD_SM3 | SGD_SHA1 | SGD_SHA256)) => {
                page.digest = m;
                Answer::ok()
            }
            _ => Answer::failed(code::SAR_NOTSUPPORTYETERR),
        },
        "SOF_SetUserID" => {
            page.user_id = f.text("userID").filter(|id| !id.is_empty()).unwrap_or_default();
            Answer::ok()
        }
        "SOF_SignDataEx" | "SOF_SignData" => sign(cx, page, &device, f),
        "SOF_VerifySignedDataEx" | "SOF_VerifySignedData" => verify_signed(cx, page, f),
        "SOF_SignDataToPKCS7" => sign_pkcs7(cx, page, &device, f),
        "SOF_VerifyDataToPKCS7" => {
            let pkcs7 = f.text("pkcs7").and_then(|p| STANDARD.decode(p.trim()).ok());
            let original = f.text("original").and_then(|o| STANDARD.decode(o.trim()).ok());
            let detached = f.number("detached") == Some(1);
            let valid = pkcs7.is_some_and(|der| {
                cms::verify_signed_data(&der, original.as_deref().filter(|_| detached))
            });
            Answer::failed(if valid { code::OK } else { code::SAR_FAIL })
        }
        "SOF_GenRandom" => match f.number("inDataLen").filter(|n| (1..=MAX_RANDOM).contains(n)) {
            Some(n) => {
                let mut bytes = vec![0u8; n as usize];
                zca_crypto::random::fill(&mut bytes);
                Answer::with("outData", STANDARD.encode(bytes))
            }
            None => Answer::failed(code::SAR_INVALIDPARAMERR),
        },
        other => {
            cx.log(&format!("unknown function {}", printable(other)));
            Answer::failed(code::SAR_NOTSUPPORTYETERR)
        }
    }
}

/// The page names its vendor's libraries (GM3000, K7, …); zca serves every key it sees
/// whatever was named, and says in the log which driver the page asked for.
fn load_library(cx: &Context<'_>, f: &Fields) -> Answer {
    let name = f.text("linuxSOName").unwrap_or_default();
    let vendor = crate::token::vendors::vendor_of_file(&name).map_or_else(
        || "a library zca does not know".to_string(),
        |v| format!("{} {}", v.vendor, v.product),
    );
    cx.log(&format!("SOF_LoadLibrary {} ({vendor}): serving every key zca sees", printable(&name)));
    Answer::ok()
}

/// The devices that hold certificates, by CA锁ID.
fn devices(keys: &Keys) -> Vec<String> {
    keys.devices().into_iter().map(|(id, _)| id).collect()
}

fn certs_of(keys: &Keys, device: &str) -> Vec<CertEntry> {
    keys.user_list().into_iter().filter(|c| c.ca_lock_id == device).collect()
}

/// The certificate a call names by container and key spec; whether it is the signing one.
fn certificate(cx: &Context<'_>, device: &str, f: &Fields) -> Result<(CertEntry, bool), u32> {
    let container = f.text("containerName").unwrap_or_default();
    let sign = match f.number("keySpec").or_else(|| f.number("KeySpec")) {
        None | Some(KEY_SPEC_SIGN) => true,
        Some(0) => false,
        Some(_) => return Err(code::SAR_INVALIDPARAMERR),
    };
    certs_of(cx.keys, device)
        .into_iter()
        .find(|c| c.container() == container)
        .map(|c| (c, sign))
        .ok_or(code::SAR_CERTNOTFOUNTERR)
}

fn cert_info(page: &mut PageState, f: &Fields) -> Answer {
    let given = f.text("base64EncodeCert").filter(|c| !c.trim().is_empty());
    if let Some(cert) = &given {
        page.last_cert = Some(cert.clone());
    }
    let cert = given.or_else(|| page.last_cert.clone()).unwrap_or_default();
    match f.number("type").and_then(|t| certinfo::cert_info_sgd(&cert, t)) {
        Some(info) => Answer::with("info", info),
        None => Answer::failed(code::SAR_INVALIDPARAMERR),
    }
}

/// The answer for a failure from the keys, said in the log.
fn refused(cx: &Context<'_>, what: &str, failure: Failure) -> Answer {
    cx.log(&format!("{what}: refused: {}", failure.reason()));
    Answer::failed(failure.code())
}

fn login(cx: &Context<'_>, page: &PageState, device: &str, f: &mut Fields) -> Answer {
    let Some(first) = certs_of(cx.keys, device).into_iter().next() else {
        return Answer::failed(code::SAR_DEVICE_REMOVED);
    };
    let pin = f.secret("passWd").unwrap_or_else(|| crate::secret::Secret::new(String::new()));
    let what = format!("SOF_Login {}", printable(device));
    match cx.keys.login(page.conn, cx.origin, &first.cert_id, pin, cx.desktop_pins) {
        Ok(()) => {
            cx.log(&format!("{what}: logged in"));
            Answer::ok()
        }
        Err(failure) => refused(cx, &what, failure),
    }
}

fn change_pin(cx: &Context<'_>, page: &PageState, device: &str, f: &mut Fields) -> Answer {
    let Some(first) = certs_of(cx.keys, device).into_iter().next() else {
        return Answer::failed(code::SAR_DEVICE_REMOVED);
    };
    let (Some(old), Some(new)) = (f.secret("oldUpin"), f.secret("newUpin")) else {
        return Answer::failed(code::SAR_INVALIDPARAMERR);
    };
    let what = format!("SOF_ChangePassWd {}", printable(device));
    match cx.keys.change_pin(page.conn, &first.cert_id, old, new) {
        Ok(()) => {
            cx.log(&format!("{what}: changed"));
            Answer::ok()
        }
        Err(failure) => refused(cx, &what, failure),
    }
}

/// The hash of RSA signatures under the page's digest method (SM2 keys always sign
/// SM3withSM2, P-256 keys ECDSA with SHA-256).
fn rsa_hash(page: &PageState) -> RsaHash {
    match page.digest {
        SGD_SM3 => RsaHash::Sm3,
        SGD_SHA1 => RsaHash::Sha1,
        _ => RsaHash::Sha256,
    }
}

/// The data of a sign call (base64; `inDataLen` is the page's text length, not trusted), and
/// the signing certificate it names; the SM2 signer ID must be the default one.
fn to_sign(
    cx: &Context<'_>,
    page: &PageState,
    device: &str,
    f: &Fields,
) -> Result<(CertEntry, Vec<u8>), Answer> {
    let (entry, sign) = certificate(cx, device, f).map_err(Answer::failed)?;
    if !sign {
        cx.log("refused to sign with an encryption key (keySpec 0)");
        return Err(Answer::failed(code::SAR_INVALIDPARAMERR));
    }
    if entry.algorithm == Some(zca_contract::Algorithm::Sm2Sm3) && page.user_id != SM2_DEFAULT_ID {
        cx.log(&format!(
            "refused an SM2 signature with the signer ID {}: zca signs with the default ID {SM2_DEFAULT_ID}",
            printable(&page.user_id)
        ));
        return Err(Answer::failed(code::SAR_NOTSUPPORTYETERR));
    }
    let data = f.text("inData").and_then(|d| STANDARD.decode(d.trim()).ok());
    let data = data.ok_or_else(|| Answer::failed(code::SAR_INVALIDPARAMERR))?;
    Ok((entry, data))
}

fn sign(cx: &Context<'_>, page: &PageState, device: &str, f: &Fields) -> Answer {
    let (entry, data) = match to_sign(cx, page, device, f) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    match cx.keys.sign(page.conn, cx.origin, &entry.cert_id, rsa_hash(page), data) {
        Ok(signature) => Answer::with("signed", STANDARD.encode(signature)),
        Err(failure) => refused(cx, &format!("sign with {}", printable(&entry.cert_id)), failure),
    }
}

fn sign_pkcs7(cx: &Context<'_>, page: &PageState, device: &str, f: &Fields) -> Answer {
    let (entry, data) = match to_sign(cx, page, device, f) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let attached = f.number("detached") != Some(1);
    let hash = rsa_hash(page);
    match cx.keys.sign_message(page.conn, cx.origin, &entry.cert_id, hash, data, attached) {
        Ok(der) => Answer::with("pkcs7", STANDARD.encode(der)),
        Err(failure) => {
            refused(cx, &format!("SOF_SignDataToPKCS7 with {}", printable(&entry.cert_id)), failure)
        }
    }
}

fn verify_signed(cx: &Context<'_>, page: &PageState, f: &Fields) -> Answer {
    let decode = |key: &str| f.text(key).and_then(|v| STANDARD.decode(v.trim()).ok());
    let (Some(cert), Some(data), Some(signature)) =
        (decode("base64EncodeCert"), decode("inData"), decode("signedValue"))
    else {
        return Answer::failed(code::SAR_INVALIDPARAMERR);
    };
    let mut page = page.clone();
    if let Some(m) = f.number("digestMethod") {
        page.digest = m;
    }
    if verify::verify(&cert, rsa_hash(&page), &data, &signature) {
        Answer::ok()
    } else {
        cx.log("a signature did not verify");
        Answer::failed(code::SAR_FAIL)
    }
}
