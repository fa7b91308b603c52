//! A soft SM2 PKCS#11 module, a test fixture for zca. Chinese USB keys sign with SM2, and each
//! vendor numbers the mechanisms its own way; this module behaves like one such key, with the
//! numbers and the signature format chosen by the test:
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `ZCA_SM2_TOKEN` | JSON file holding the token (made on first use); a fresh process sees what an earlier one stored | required |
//! | `ZCA_SM2_KEY_TYPE` | CKA_KEY_TYPE of SM2 keys | `0x80000004` |
//! | `ZCA_SM2_MECH_SM3_SM2` | mechanism that signs a message, hashing it with Z itself | `0x80008100` |
//! | `ZCA_SM2_MECH_SM2` | mechanism that signs a 32-byte digest e = SM3(Z ‖ M) | none |
//! | `ZCA_SM2_MECH_KEYGEN` | key-pair generation mechanism | `0x80008001` |
//! | `ZCA_SM2_SIGNATURE` | `raw` (r ‖ s, 64 bytes) or `der` | `raw` |
//! | `ZCA_SM2_EXTRA` | objects added to the token, e.g. `certs=150,data=500,trust=400`: copies of its first certificate, data objects, and NSS trust objects (a vendor class), as some vendors' tokens hold | none |
//!
//! A mechanism variable set to `none` removes that mechanism. One slot, one token; user PIN
//! 123456 and SO PIN 12345678 on a new token. Z uses the default ID 1234567812345678. Keys come
//! from C_GenerateKeyPair or C_CreateObject (CKA_VALUE = the 32-byte private scalar),
//! certificates from C_CreateObject.

#![allow(non_snake_case, clippy::missing_safety_doc)]

use std::collections::HashMap;
use std::ffi::c_void;
use std::path::PathBuf;
use std::sync::Mutex;

use cryptoki_sys::*;
use serde::{Deserialize, Serialize};
use sm2::dsa::signature::hazmat::PrehashSigner;
use sm2::dsa::signature::Signer;
use sm2::dsa::SigningKey;

const SLOT: CK_SLOT_ID = 1;
const DIST_ID: &str = "1234567812345678";
/// DER of the SM2 curve's OID 1.2.156.10197.1.301, CKA_EC_PARAMS of SM2 keys.
const SM2_EC_PARAMS: &[u8] = &[0x06, 0x08, 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x82, 0x2D];

#[derive(Serialize, Deserialize)]
struct Token {
    serial: String,
    label: String,
    pin: String,
    so_pin: String,
    next_handle: CK_OBJECT_HANDLE,
    objects: Vec<Object>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Object {
    handle: CK_OBJECT_HANDLE,
    class: CK_OBJECT_CLASS,
    id: String,
    label: String,
    /// The certificate's DER, or the private key's scalar (both hex).
    #[serde(default)]
    value: String,
    /// The public point, 04 ‖ x ‖ y (hex), for key objects.
    #[serde(default)]
    point: String,
}

struct Config {
    file: PathBuf,
    key_type: CK_KEY_TYPE,
    sign_message: Option<CK_MECHANISM_TYPE>,
    sign_digest: Option<CK_MECHANISM_TYPE>,
    keygen: Option<CK_MECHANISM_TYPE>,
    der: bool,
}

#[derive(Default)]
struct Session {
    found: Vec<CK_OBJECT_HANDLE>,
    finding: bool,
    signing: Option<(CK_OBJECT_HANDLE, CK_MECHANISM_TYPE)>,
}

struct Module {
    config: Config,
    token: Token,
    logged_in: bool,
    sessions: HashMap<CK_SESSION_HANDLE, Session>,
    next_session: CK_SESSION_HANDLE,
}

static MODULE: Mutex<Option<Module>> = Mutex::new(None);

fn mechanism_var(name: &str, default: Option<CK_MECHANISM_TYPE>) -> Option<CK_MECHANISM_TYPE> {
    match std::env::var(name) {
        Ok(v) if v == "none" => None,
        Ok(v) => parse_number(&v).or(default),
        Err(_) => default,
    }
}

fn parse_number(text: &str) -> Option<CK_ULONG> {
    match text.strip_prefix("0x") {
        Some(hex) => CK_ULONG::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

fn config() -> Option<Config> {
    Some(Config {
        file: std::env::var_os("ZCA_SM2_TOKEN")?.into(),
        key_type: std::env::var("ZCA_SM2_KEY_TYPE")
            .ok()
            .and_then(|v| parse_number(&v))
            .unwrap_or(0x8000_0004),
        sign_message: mechanism_var("ZCA_SM2_MECH_SM3_SM2", Some(0x8000_8100)),
        sign_digest: mechanism_var("ZCA_SM2_MECH_SM2", None),
        keygen: mechanism_var("ZCA_SM2_MECH_KEYGEN", Some(0x8000_8001)),
        der: std::env::var("ZCA_SM2_SIGNATURE").is_ok_and(|v| v == "der"),
    })
}

fn load_token(config: &Config) -> Option<Token> {
    match std::fs::read(&config.file) {
        Ok(bytes) => serde_json::from_slice(&bytes).ok(),
        Err(_) => Some(Token {
            serial: "3301000099990001".into(),
            label: "SM2 测试锁".into(),
            pin: "123456".into(),
            so_pin: "12345678".into(),
            next_handle: 1,
            objects: Vec::new(),
        }),
    }
}

impl Module {
    fn save(&self) -> CK_RV {
        let json = serde_json::to_vec_pretty(&self.token).expect("the token serializes");
        let tmp = self.config.file.with_extension("tmp");
        match std::fs::write(&tmp, json).and_then(|()| std::fs::rename(&tmp, &self.config.file)) {
            Ok(()) => CKR_OK,
            Err(_) => CKR_DEVICE_ERROR,
        }
    }

    fn visible(&self, o: &Object) -> bool {
        o.class != CKO_PRIVATE_KEY || self.logged_in
    }

    fn object(&self, handle: CK_OBJECT_HANDLE) -> Option<&Object> {
        self.token.objects.iter().find(|o| o.handle == handle && self.visible(o))
    }

    fn add(&mut self, mut object: Object) -> CK_OBJECT_HANDLE {
        object.handle = self.token.next_handle;
        self.token.next_handle += 1;
        let handle = object.handle;
        self.token.objects.push(object);
        handle
    }

    fn mechanisms(&self) -> Vec<CK_MECHANISM_TYPE> {
        [self.config.sign_message, self.config.sign_digest, self.config.keygen]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// Runs `f` on the initialized module.
fn with<F: FnOnce(&mut Module) -> CK_RV>(f: F) -> CK_RV {
    let mut guard = MODULE.lock().unwrap_or_else(|p| p.into_inner());
    match guard.as_mut() {
        Some(m) => f(m),
        None => CKR_CRYPTOKI_NOT_INITIALIZED,
    }
}

fn with_session<F: FnOnce(&mut Module, CK_SESSION_HANDLE) -> CK_RV>(
    session: CK_SESSION_HANDLE,
    f: F,
) -> CK_RV {
    with(
        |m| {
            if m.sessions.contains_key(&session) {
                f(m, session)
            } else {
                CKR_SESSION_HANDLE_INVALID
            }
        },
    )
}

/// A blank-padded fixed-size PKCS#11 text field.
fn padded<const N: usize>(text: &str) -> [u8; N] {
    let mut field = [b' '; N];
    let bytes = text.as_bytes();
    let n = bytes.len().min(N);
    field[..n].copy_from_slice(&bytes[..n]);
    field
}

fn ulong(v: CK_ULONG) -> Vec<u8> {
    v.to_ne_bytes().to_vec()
}

/// An object's attribute; `Err(rv)` when it has none or will not tell.
fn attribute(m: &Module, o: &Object, kind: CK_ATTRIBUTE_TYPE) -> Result<Vec<u8>, CK_RV> {
    let is_key = o.class == CKO_PRIVATE_KEY || o.class == CKO_PUBLIC_KEY;
    let value = match kind {
        CKA_CLASS => ulong(o.class),
        CKA_TOKEN => vec![1],
        CKA_PRIVATE => vec![u8::from(o.class == CKO_PRIVATE_KEY)],
        CKA_ID => hex::decode(&o.id).unwrap_or_default(),
        CKA_LABEL => o.label.as_bytes().to_vec(),
        CKA_VALUE if o.class == CKO_CERTIFICATE => hex::decode(&o.value).unwrap_or_default(),
        CKA_VALUE if o.class == CKO_PRIVATE_KEY => return Err(CKR_ATTRIBUTE_SENSITIVE),
        CKA_CERTIFICATE_TYPE if !is_key => ulong(CKC_X_509),
        CKA_KEY_TYPE if is_key => ulong(m.config.key_type),
        CKA_EC_PARAMS if is_key => SM2_EC_PARAMS.to_vec(),
        CKA_EC_POINT if is_key => {
            // DER OCTET STRING around the uncompressed point, as most modules give it.
            let point = hex::decode(&o.point).unwrap_or_default();
            let mut der = vec![0x04, point.len() as u8];
            der.extend(point);
            der
        }
        CKA_SIGN if is_key => vec![u8::from(o.class == CKO_PRIVATE_KEY)],
        CKA_SENSITIVE | CKA_ALWAYS_SENSITIVE if o.class == CKO_PRIVATE_KEY => vec![1],
        CKA_EXTRACTABLE if o.class == CKO_PRIVATE_KEY => vec![0],
        _ => return Err(CKR_ATTRIBUTE_TYPE_INVALID),
    };
    Ok(value)
}

unsafe fn template<'a>(ptr: CK_ATTRIBUTE_PTR, count: CK_ULONG) -> &'a mut [CK_ATTRIBUTE] {
    if ptr.is_null() || count == 0 {
        &mut []
    } else {
        std::slice::from_raw_parts_mut(ptr, count as usize)
    }
}

unsafe fn attr_bytes(a: &CK_ATTRIBUTE) -> Vec<u8> {
    if a.pValue.is_null() {
        Vec::new()
    } else {
        std::slice::from_raw_parts(a.pValue as *const u8, a.ulValueLen as usize).to_vec()
    }
}

unsafe fn attr_ulong(a: &CK_ATTRIBUTE) -> Option<CK_ULONG> {
    let bytes = attr_bytes(a);
    Some(CK_ULONG::from_ne_bytes(bytes.as_slice().try_into().ok()?))
}

fn new_signing_key() -> SigningKey {
    loop {
        let mut scalar = [0u8; 32];
        getrandom::fill(&mut scalar).expect("the OS gives random bytes");
        if let Ok(key) = SigningKey::from_slice(DIST_ID, &scalar) {
            return key;
        }
    }
}

fn sign(
    m: &Module,
    key: &Object,
    mechanism: CK_MECHANISM_TYPE,
    data: &[u8],
) -> Result<Vec<u8>, CK_RV> {
    let scalar = hex::decode(&key.value).map_err(|_| CKR_KEY_HANDLE_INVALID)?;
    let sk = SigningKey::from_slice(DIST_ID, &scalar).map_err(|_| CKR_KEY_HANDLE_INVALID)?;
    let signature: sm2::dsa::Signature = if Some(mechanism) == m.config.sign_message {
        sk.try_sign(data).map_err(|_| CKR_FUNCTION_FAILED)?
    } else if data.len() == 32 {
        sk.sign_prehash(data).map_err(|_| CKR_FUNCTION_FAILED)?
    } else {
        return Err(CKR_DATA_LEN_RANGE);
    };
    Ok(if m.config.der { signature.to_der().as_bytes().to_vec() } else { signature.to_vec() })
}

// ------------------------------------------------------------------------ the PKCS#11 calls

/// CKO_NSS_TRUST: NSS's trust settings, a vendor-defined class tokens carry beside certificates.
const CKO_NSS_TRUST: CK_OBJECT_CLASS = 0xCE53_4353;

/// Adds the objects `ZCA_SM2_EXTRA` asks for, once (a token that has them keeps them).
fn add_extra_objects(module: &mut Module) -> Result<(), CK_RV> {
    let Ok(spec) = std::env::var("ZCA_SM2_EXTRA") else { return Ok(()) };
    if module.token.objects.iter().any(|o| o.label.starts_with("extra ")) {
        return Ok(());
    }
    let cert = module.token.objects.iter().find(|o| o.class == CKO_CERTIFICATE).cloned();
    for part in spec.split(',') {
        let (kind, count) = part.split_once('=').ok_or(CKR_GENERAL_ERROR)?;
        let count: usize = count.parse().map_err(|_| CKR_GENERAL_ERROR)?;
        let (class, value) = match kind {
            "certs" => (CKO_CERTIFICATE, cert.as_ref().ok_or(CKR_GENERAL_ERROR)?.value.clone()),
            "data" => (CKO_DATA, String::new()),
            "trust" => (CKO_NSS_TRUST, String::new()),
            _ => return Err(CKR_GENERAL_ERROR),
        };
        for i in 0..count {
            module.add(Object {
                handle: 0,
                class,
                id: format!("{:04x}", i + 0x100),
                label: format!("extra {kind} {i}"),
                value: value.clone(),
                point: String::new(),
            });
        }
    }
    Ok(())
}

unsafe extern "C" fn initialize(_args: *mut c_void) -> CK_RV {
    let mut guard = MODULE.lock().unwrap_or_else(|p| p.into_inner());
    if guard.is_some() {
        return CKR_CRYPTOKI_ALREADY_INITIALIZED;
    }
    let Some(config) = config() else { return CKR_GENERAL_ERROR };
    let Some(token) = load_token(&config) else { return CKR_GENERAL_ERROR };
    let mut module =
        Module { config, token, logged_in: false, sessions: HashMap::new(), next_session: 1 };
    if let Err(rv) = add_extra_objects(&mut module) {
        return rv;
    }
    let rv = if module.config.file.exists() { CKR_OK } else { module.save() };
    *guard = Some(module);
    rv
}

unsafe extern "C" fn finalize(_reserved: *mut c_void) -> CK_RV {
    let mut guard = MODULE.lock().unwrap_or_else(|p| p.into_inner());
    match guard.take() {
        Some(_) => CKR_OK,
        None => CKR_CRYPTOKI_NOT_INITIALIZED,
    }
}

unsafe extern "C" fn get_info(info: *mut CK_INFO) -> CK_RV {
    if info.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    *info = CK_INFO {
        cryptokiVersion: CK_VERSION { major: 2, minor: 40 },
        manufacturerID: padded("zca test SM2"),
        flags: 0,
        libraryDescription: padded("zca soft SM2 module"),
        libraryVersion: CK_VERSION { major: 0, minor: 1 },
    };
    CKR_OK
}

unsafe extern "C" fn get_slot_list(
    _present: CK_BBOOL,
    list: *mut CK_SLOT_ID,
    count: *mut CK_ULONG,
) -> CK_RV {
    with(|_| {
        if count.is_null() {
            return CKR_ARGUMENTS_BAD;
        }
        if !list.is_null() {
            if *count < 1 {
                *count = 1;
                return CKR_BUFFER_TOO_SMALL;
            }
            *list = SLOT;
        }
        *count = 1;
        CKR_OK
    })
}

unsafe extern "C" fn get_slot_info(slot: CK_SLOT_ID, info: *mut CK_SLOT_INFO) -> CK_RV {
    with(|_| {
        if slot != SLOT {
            return CKR_SLOT_ID_INVALID;
        }
        *info = CK_SLOT_INFO {
            slotDescription: padded("zca soft SM2 reader"),
            manufacturerID: padded("zca test SM2"),
            flags: CKF_TOKEN_PRESENT | CKF_REMOVABLE_DEVICE,
            hardwareVersion: CK_VERSION { major: 1, minor: 0 },
            firmwareVersion: CK_VERSION { major: 1, minor: 0 },
        };
        CKR_OK
    })
}

unsafe extern "C" fn get_token_info(slot: CK_SLOT_ID, info: *mut CK_TOKEN_INFO) -> CK_RV {
    with(|m| {
        if slot != SLOT {
            return CKR_SLOT_ID_INVALID;
        }
        let unavailable = CK_UNAVAILABLE_INFORMATION;
        *info = CK_TOKEN_INFO {
            label: padded(&m.token.label),
            manufacturerID: padded("zca test SM2"),
            model: padded("soft SM2"),
            serialNumber: padded(&m.token.serial),
            flags: CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_RNG,
            ulMaxSessionCount: unavailable,
            ulSessionCount: m.sessions.len() as CK_ULONG,
            ulMaxRwSessionCount: unavailable,
            ulRwSessionCount: 0,
            ulMaxPinLen: 16,
            ulMinPinLen: 6,
            ulTotalPublicMemory: unavailable,
            ulFreePublicMemory: unavailable,
            ulTotalPrivateMemory: unavailable,
            ulFreePrivateMemory: unavailable,
            hardwareVersion: CK_VERSION { major: 1, minor: 0 },
            firmwareVersion: CK_VERSION { major: 1, minor: 0 },
            utcTime: [b' '; 16],
        };
        CKR_OK
    })
}

unsafe extern "C" fn get_mechanism_list(
    slot: CK_SLOT_ID,
    list: *mut CK_MECHANISM_TYPE,
    count: *mut CK_ULONG,
) -> CK_RV {
    with(|m| {
        if slot != SLOT {
            return CKR_SLOT_ID_INVALID;
        }
        let mechanisms = m.mechanisms();
        if !list.is_null() {
            if (*count as usize) < mechanisms.len() {
                *count = mechanisms.len() as CK_ULONG;
                return CKR_BUFFER_TOO_SMALL;
            }
            std::ptr::copy_nonoverlapping(mechanisms.as_ptr(), list, mechanisms.len());
        }
        *count = mechanisms.len() as CK_ULONG;
        CKR_OK
    })
}

unsafe extern "C" fn get_mechanism_info(
    slot: CK_SLOT_ID,
    kind: CK_MECHANISM_TYPE,
    info: *mut CK_MECHANISM_INFO,
) -> CK_RV {
    with(|m| {
        if slot != SLOT {
            return CKR_SLOT_ID_INVALID;
        }
        let flags = if Some(kind) == m.config.keygen {
            CKF_GENERATE_KEY_PAIR
        } else if Some(kind) == m.config.sign_message || Some(kind) == m.config.sign_digest {
            CKF_SIGN
        } else {
            return CKR_MECHANISM_INVALID;
        };
        *info = CK_MECHANISM_INFO { ulMinKeySize: 256, ulMaxKeySize: 256, flags: flags | CKF_HW };
        CKR_OK
    })
}

unsafe extern "C" fn open_session(
    slot: CK_SLOT_ID,
    flags: CK_FLAGS,
    _app: *mut c_void,
    _notify: CK_NOTIFY,
    handle: *mut CK_SESSION_HANDLE,
) -> CK_RV {
    with(|m| {
        if slot != SLOT {
            return CKR_SLOT_ID_INVALID;
        }
        if flags & CKF_SERIAL_SESSION == 0 {
            return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
        }
        let h = m.next_session;
        m.next_session += 1;
        m.sessions.insert(h, Session::default());
        *handle = h;
        CKR_OK
    })
}

unsafe extern "C" fn close_session(session: CK_SESSION_HANDLE) -> CK_RV {
    with_session(session, |m, s| {
        m.sessions.remove(&s);
        // Closing the last session logs the user out, as the standard says.
        if m.sessions.is_empty() {
            m.logged_in = false;
        }
        CKR_OK
    })
}

unsafe extern "C" fn close_all_sessions(slot: CK_SLOT_ID) -> CK_RV {
    with(|m| {
        if slot != SLOT {
            return CKR_SLOT_ID_INVALID;
        }
        m.sessions.clear();
        m.logged_in = false;
        CKR_OK
    })
}

unsafe extern "C" fn get_session_info(
    session: CK_SESSION_HANDLE,
    info: *mut CK_SESSION_INFO,
) -> CK_RV {
    with_session(session, |m, _| {
        *info = CK_SESSION_INFO {
            slotID: SLOT,
            state: if m.logged_in { CKS_RW_USER_FUNCTIONS } else { CKS_RW_PUBLIC_SESSION },
            flags: CKF_SERIAL_SESSION | CKF_RW_SESSION,
            ulDeviceError: 0,
        };
        CKR_OK
    })
}

unsafe extern "C" fn login(
    session: CK_SESSION_HANDLE,
    user: CK_USER_TYPE,
    pin: *mut CK_UTF8CHAR,
    len: CK_ULONG,
) -> CK_RV {
    with_session(session, |m, _| {
        let given =
            if pin.is_null() { &[][..] } else { std::slice::from_raw_parts(pin, len as usize) };
        let want = if user == CKU_SO { &m.token.so_pin } else { &m.token.pin };
        if m.logged_in {
            return CKR_USER_ALREADY_LOGGED_IN;
        }
        if given != want.as_bytes() {
            return CKR_PIN_INCORRECT;
        }
        m.logged_in = user == CKU_USER;
        CKR_OK
    })
}

unsafe extern "C" fn logout(session: CK_SESSION_HANDLE) -> CK_RV {
    with_session(session, |m, _| {
        if !m.logged_in {
            return CKR_USER_NOT_LOGGED_IN;
        }
        m.logged_in = false;
        CKR_OK
    })
}

unsafe extern "C" fn find_objects_init(
    session: CK_SESSION_HANDLE,
    tpl: CK_ATTRIBUTE_PTR,
    count: CK_ULONG,
) -> CK_RV {
    with_session(session, |m, s| {
        let wanted: Vec<(CK_ATTRIBUTE_TYPE, Vec<u8>)> =
            template(tpl, count).iter().map(|a| (a.type_, attr_bytes(a))).collect();
        let found = m
            .token
            .objects
            .iter()
            .filter(|o| m.visible(o))
            .filter(|o| wanted.iter().all(|(t, v)| attribute(m, o, *t).as_ref() == Ok(v)))
            .map(|o| o.handle)
            .collect();
        let state = m.sessions.get_mut(&s).expect("checked");
        if state.finding {
            return CKR_OPERATION_ACTIVE;
        }
        state.found = found;
        state.finding = true;
        CKR_OK
    })
}

unsafe extern "C" fn find_objects(
    session: CK_SESSION_HANDLE,
    out: *mut CK_OBJECT_HANDLE,
    max: CK_ULONG,
    count: *mut CK_ULONG,
) -> CK_RV {
    with_session(session, |m, s| {
        let state = m.sessions.get_mut(&s).expect("checked");
        if !state.finding {
            return CKR_OPERATION_NOT_INITIALIZED;
        }
        let n = state.found.len().min(max as usize);
        let batch: Vec<CK_OBJECT_HANDLE> = state.found.drain(..n).collect();
        std::ptr::copy_nonoverlapping(batch.as_ptr(), out, n);
        *count = n as CK_ULONG;
        CKR_OK
    })
}

unsafe extern "C" fn find_objects_final(session: CK_SESSION_HANDLE) -> CK_RV {
    with_session(session, |m, s| {
        let state = m.sessions.get_mut(&s).expect("checked");
        state.finding = false;
        state.found.clear();
        CKR_OK
    })
}

unsafe extern "C" fn get_attribute_value(
    session: CK_SESSION_HANDLE,
    handle: CK_OBJECT_HANDLE,
    tpl: CK_ATTRIBUTE_PTR,
    count: CK_ULONG,
) -> CK_RV {
    with_session(session, |m, _| {
        let Some(object) = m.object(handle) else { return CKR_OBJECT_HANDLE_INVALID };
        let mut rv = CKR_OK;
        for a in template(tpl, count) {
            match attribute(m, object, a.type_) {
                Ok(value) if a.pValue.is_null() => a.ulValueLen = value.len() as CK_ULONG,
                Ok(value) if (a.ulValueLen as usize) < value.len() => {
                    a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                    rv = CKR_BUFFER_TOO_SMALL;
                }
                Ok(value) => {
                    std::ptr::copy_nonoverlapping(value.as_ptr(), a.pValue as *mut u8, value.len());
                    a.ulValueLen = value.len() as CK_ULONG;
                }
                Err(e) => {
                    a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                    rv = e;
                }
            }
        }
        rv
    })
}

unsafe extern "C" fn sign_init(
    session: CK_SESSION_HANDLE,
    mechanism: *mut CK_MECHANISM,
    key: CK_OBJECT_HANDLE,
) -> CK_RV {
    with_session(session, |m, s| {
        if !m.logged_in {
            return CKR_USER_NOT_LOGGED_IN;
        }
        let kind = (*mechanism).mechanism;
        if Some(kind) != m.config.sign_message && Some(kind) != m.config.sign_digest {
            return CKR_MECHANISM_INVALID;
        }
        match m.object(key) {
            Some(o) if o.class == CKO_PRIVATE_KEY => {}
            _ => return CKR_KEY_HANDLE_INVALID,
        }
        m.sessions.get_mut(&s).expect("checked").signing = Some((key, kind));
        CKR_OK
    })
}

unsafe extern "C" fn sign_data(
    session: CK_SESSION_HANDLE,
    data: *mut CK_BYTE,
    len: CK_ULONG,
    out: *mut CK_BYTE,
    out_len: *mut CK_ULONG,
) -> CK_RV {
    with_session(session, |m, s| {
        let Some((key, kind)) = m.sessions[&s].signing else {
            return CKR_OPERATION_NOT_INITIALIZED;
        };
        let max = if m.config.der { 72 } else { 64 };
        if out.is_null() {
            *out_len = max;
            return CKR_OK;
        }
        let data = std::slice::from_raw_parts(data, len as usize);
        let object = m.object(key).expect("checked at C_SignInit").clone();
        let result = sign(m, &object, kind, data);
        m.sessions.get_mut(&s).expect("checked").signing = None;
        match result {
            Ok(sig) if (*out_len as usize) < sig.len() => {
                *out_len = sig.len() as CK_ULONG;
                CKR_BUFFER_TOO_SMALL
            }
            Ok(sig) => {
                std::ptr::copy_nonoverlapping(sig.as_ptr(), out, sig.len());
                *out_len = sig.len() as CK_ULONG;
                CKR_OK
            }
            Err(rv) => rv,
        }
    })
}

/// The id and label a template asks for.
unsafe fn id_and_label(tpl: &[CK_ATTRIBUTE]) -> (String, String) {
    let mut id = String::new();
    let mut label = String::new();
    for a in tpl {
        match a.type_ {
            CKA_ID => id = hex::encode(attr_bytes(a)),
            CKA_LABEL => label = String::from_utf8_lossy(&attr_bytes(a)).into_owned(),
            _ => {}
        }
    }
    (id, label)
}

#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn generate_key_pair(
    session: CK_SESSION_HANDLE,
    mechanism: *mut CK_MECHANISM,
    pub_tpl: CK_ATTRIBUTE_PTR,
    pub_count: CK_ULONG,
    priv_tpl: CK_ATTRIBUTE_PTR,
    priv_count: CK_ULONG,
    pub_handle: *mut CK_OBJECT_HANDLE,
    priv_handle: *mut CK_OBJECT_HANDLE,
) -> CK_RV {
    with_session(session, |m, _| {
        if !m.logged_in {
            return CKR_USER_NOT_LOGGED_IN;
        }
        if Some((*mechanism).mechanism) != m.config.keygen {
            return CKR_MECHANISM_INVALID;
        }
        let key = new_signing_key();
        let point = hex::encode(key.verifying_key().to_sec1_bytes());
        let (pub_id, pub_label) = id_and_label(template(pub_tpl, pub_count));
        let (priv_id, priv_label) = id_and_label(template(priv_tpl, priv_count));
        *pub_handle = m.add(Object {
            handle: 0,
            class: CKO_PUBLIC_KEY,
            id: pub_id,
            label: pub_label,
            value: String::new(),
            point: point.clone(),
        });
        *priv_handle = m.add(Object {
            handle: 0,
            class: CKO_PRIVATE_KEY,
            id: priv_id,
            label: priv_label,
            value: hex::encode(key.to_bytes()),
            point,
        });
        m.save()
    })
}

unsafe extern "C" fn create_object(
    session: CK_SESSION_HANDLE,
    tpl: CK_ATTRIBUTE_PTR,
    count: CK_ULONG,
    handle: *mut CK_OBJECT_HANDLE,
) -> CK_RV {
    with_session(session, |m, _| {
        let tpl = template(tpl, count);
        let class = tpl.iter().find(|a| a.type_ == CKA_CLASS).and_then(|a| attr_ulong(a));
        let value = tpl.iter().find(|a| a.type_ == CKA_VALUE).map(|a| attr_bytes(a));
        let (id, label) = id_and_label(tpl);
        let (Some(class), Some(value)) = (class, value) else { return CKR_TEMPLATE_INCOMPLETE };
        let object = match class {
            CKO_CERTIFICATE => Object {
                handle: 0,
                class,
                id,
                label,
                value: hex::encode(value),
                point: String::new(),
            },
            CKO_PRIVATE_KEY => {
                if !m.logged_in {
                    return CKR_USER_NOT_LOGGED_IN;
                }
                let Ok(key) = SigningKey::from_slice(DIST_ID, &value) else {
                    return CKR_ATTRIBUTE_VALUE_INVALID;
                };
                let point = hex::encode(key.verifying_key().to_sec1_bytes());
                Object { handle: 0, class, id, label, value: hex::encode(value), point }
            }
            _ => return CKR_ATTRIBUTE_VALUE_INVALID,
        };
        *handle = m.add(object);
        m.save()
    })
}

fn function_list() -> CK_FUNCTION_LIST {
    // SAFETY: an all-zero list is all `None`: callers see those functions as unsupported.
    let mut list: CK_FUNCTION_LIST = unsafe { std::mem::zeroed() };
    list.version = CK_VERSION { major: 2, minor: 40 };
    list.C_Initialize = Some(initialize);
    list.C_Finalize = Some(finalize);
    list.C_GetInfo = Some(get_info);
    list.C_GetFunctionList = Some(C_GetFunctionList);
    list.C_GetSlotList = Some(get_slot_list);
    list.C_GetSlotInfo = Some(get_slot_info);
    list.C_GetTokenInfo = Some(get_token_info);
    list.C_GetMechanismList = Some(get_mechanism_list);
    list.C_GetMechanismInfo = Some(get_mechanism_info);
    list.C_OpenSession = Some(open_session);
    list.C_CloseSession = Some(close_session);
    list.C_CloseAllSessions = Some(close_all_sessions);
    list.C_GetSessionInfo = Some(get_session_info);
    list.C_Login = Some(login);
    list.C_Logout = Some(logout);
    list.C_FindObjectsInit = Some(find_objects_init);
    list.C_FindObjects = Some(find_objects);
    list.C_FindObjectsFinal = Some(find_objects_final);
    list.C_GetAttributeValue = Some(get_attribute_value);
    list.C_SignInit = Some(sign_init);
    list.C_Sign = Some(sign_data);
    list.C_GenerateKeyPair = Some(generate_key_pair);
    list.C_CreateObject = Some(create_object);
    list
}

#[no_mangle]
pub unsafe extern "C" fn C_GetFunctionList(list: *mut *mut CK_FUNCTION_LIST) -> CK_RV {
    static LIST: std::sync::OnceLock<CK_FUNCTION_LIST> = std::sync::OnceLock::new();
    if list.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    // Read only by the caller; the standard's signature is mutable for history's sake.
    *list = LIST.get_or_init(function_list) as *const CK_FUNCTION_LIST as *mut CK_FUNCTION_LIST;
    CKR_OK
}
