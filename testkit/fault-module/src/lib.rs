//! A PKCS#11 module for tests. It loads a real module (`ZCA_FAULT_TARGET`, default SoftHSM2),
//! forwards every call to it, and injects the faults that `ZCA_FAULTS` names, so that zca can be
//! tested against what USB keys do in the field: a key pulled out in the middle of an
//! operation, a device error, a driver that stops answering, a label in GBK, PIN flags.
//!
//! `ZCA_FAULTS` is a list of rules separated by `;`:
//!
//! | rule | effect |
//! |---|---|
//! | `fail:C_Sign=CKR_DEVICE_REMOVED` | every call of C_Sign answers that code |
//! | `fail:C_FindObjects=CKR_DEVICE_ERROR@2` | the first 2 calls pass, the later ones fail |
//! | `slow:C_GetSlotList=3000` | each call waits 3000 ms first |
//! | `stall:C_Sign=5000` | the first call waits 5000 ms first (a driver that stalls once) |
//! | `fail:C_Logout=0x0` | C_Logout answers OK without logging out: the module keeps the login |
//! | `map:C_Login:CKR_PIN_INCORRECT=CKR_GENERAL_ERROR` | the real module's answer is replaced |
//! | `label=某某的锁` | C_GetTokenInfo's label is this text encoded in GBK |
//! | `flags=final_try,locked,count_low,to_be_changed` | C_GetTokenInfo adds these PIN flags |
//! | `flags=pin_pad` | the token has a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH): C_Login must get no PIN, and logs in with `ZCA_FAULT_PAD_PIN` as if typed on the pad; a PIN sent anyway is CKR_ARGUMENTS_BAD |
//!
//! With `ZCA_FAULT_CALLS=FILE`, C_Finalize writes how many times each function was called to
//! FILE, one `C_Name count` per line: the call budget's evidence.
//!
//! Codes are CKR_ names or numbers (`0x32`). A rule that does not parse makes every call fail
//! with CKR_GENERAL_ERROR, so that a typo in a test cannot pass silently.

#![allow(non_snake_case, clippy::missing_safety_doc)]

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use cryptoki_sys::*;

const DEFAULT_TARGETS: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
];

#[derive(Debug, PartialEq)]
enum Rule {
    Fail { function: String, rv: CK_RV, after: u64 },
    Slow { function: String, millis: u64 },
    Stall { function: String, millis: u64 },
    Map { function: String, from: CK_RV, to: CK_RV },
    Label(String),
    Flags(CK_FLAGS),
}

fn rv_of(text: &str) -> Result<CK_RV, String> {
    let known: &[(&str, CK_RV)] = &[
        ("CKR_GENERAL_ERROR", CKR_GENERAL_ERROR),
        ("CKR_FUNCTION_FAILED", CKR_FUNCTION_FAILED),
        ("CKR_DEVICE_ERROR", CKR_DEVICE_ERROR),
        ("CKR_DEVICE_MEMORY", CKR_DEVICE_MEMORY),
        ("CKR_DEVICE_REMOVED", CKR_DEVICE_REMOVED),
        ("CKR_TOKEN_NOT_PRESENT", CKR_TOKEN_NOT_PRESENT),
        ("CKR_TOKEN_NOT_RECOGNIZED", CKR_TOKEN_NOT_RECOGNIZED),
        ("CKR_SESSION_HANDLE_INVALID", CKR_SESSION_HANDLE_INVALID),
        ("CKR_SESSION_CLOSED", CKR_SESSION_CLOSED),
        ("CKR_PIN_INCORRECT", CKR_PIN_INCORRECT),
        ("CKR_PIN_LOCKED", CKR_PIN_LOCKED),
        ("CKR_FUNCTION_NOT_SUPPORTED", CKR_FUNCTION_NOT_SUPPORTED),
        ("CKR_MECHANISM_INVALID", CKR_MECHANISM_INVALID),
        ("CKR_CRYPTOKI_NOT_INITIALIZED", CKR_CRYPTOKI_NOT_INITIALIZED),
    ];
    if let Some((_, rv)) = known.iter().find(|(name, _)| *name == text) {
        return Ok(*rv);
    }
    text.strip_prefix("0x")
        .and_then(|hex| CK_RV::from_str_radix(hex, 16).ok())
        .ok_or_else(|| format!("unknown return code {text}"))
}

fn parse_rule(text: &str) -> Result<Rule, String> {
    let (head, value) = text.split_once('=').ok_or_else(|| format!("no '=' in {text}"))?;
    let rule = match head.split(':').collect::<Vec<_>>()[..] {
        ["fail", function] => {
            let (code, after) = value.split_once('@').unwrap_or((value, "0"));
            let after = after.parse().map_err(|_| format!("bad count in {text}"))?;
            Rule::Fail { function: function.into(), rv: rv_of(code)?, after }
        }
        ["slow", function] => Rule::Slow {
            function: function.into(),
            millis: value.parse().map_err(|_| format!("bad milliseconds in {text}"))?,
        },
        ["stall", function] => Rule::Stall {
            function: function.into(),
            millis: value.parse().map_err(|_| format!("bad milliseconds in {text}"))?,
        },
        ["map", function, from] => {
            Rule::Map { function: function.into(), from: rv_of(from)?, to: rv_of(value)? }
        }
        ["label"] => Rule::Label(value.into()),
        ["flags"] => {
            let mut flags = 0;
            for name in value.split(',') {
                flags |= match name {
                    "final_try" => CKF_USER_PIN_FINAL_TRY,
                    "locked" => CKF_USER_PIN_LOCKED,
                    "count_low" => CKF_USER_PIN_COUNT_LOW,
                    "to_be_changed" => CKF_USER_PIN_TO_BE_CHANGED,
                    "so_final_try" => CKF_SO_PIN_FINAL_TRY,
                    "so_locked" => CKF_SO_PIN_LOCKED,
                    "pin_pad" => CKF_PROTECTED_AUTHENTICATION_PATH,
                    other => return Err(format!("unknown flag {other}")),
                };
            }
            Rule::Flags(flags)
        }
        _ => return Err(format!("unknown rule {text}")),
    };
    Ok(rule)
}

fn parse_rules(spec: &str) -> Result<Vec<Rule>, String> {
    spec.split(';').map(str::trim).filter(|r| !r.is_empty()).map(parse_rule).collect()
}

struct State {
    real: CK_FUNCTION_LIST,
    ours: CK_FUNCTION_LIST,
    /// `Err` when ZCA_FAULTS does not parse or the target does not load.
    rules: Result<Vec<Rule>, String>,
    calls: Mutex<HashMap<&'static str, u64>>,
}

static STATE: OnceLock<State> = OnceLock::new();

fn load_target() -> Result<CK_FUNCTION_LIST, String> {
    let path = std::env::var("ZCA_FAULT_TARGET").ok().or_else(|| {
        DEFAULT_TARGETS.iter().find(|p| std::path::Path::new(p).exists()).map(|p| p.to_string())
    });
    let path = path.ok_or("no target module: set ZCA_FAULT_TARGET")?;
    unsafe {
        let lib = libloading::Library::new(&path).map_err(|e| e.to_string())?;
        let get: libloading::Symbol<unsafe extern "C" fn(*mut *mut CK_FUNCTION_LIST) -> CK_RV> =
            lib.get(b"C_GetFunctionList").map_err(|e| e.to_string())?;
        let mut list = std::ptr::null_mut();
        let rv = get(&mut list);
        if rv != CKR_OK || list.is_null() {
            return Err(format!("{path}: C_GetFunctionList answered {rv:#x}"));
        }
        let real = *list;
        // The target stays loaded for the life of the process, as its functions are ours.
        std::mem::forget(lib);
        Ok(real)
    }
}

fn state() -> &'static State {
    STATE.get_or_init(|| {
        let loaded = load_target();
        let rules = match (&loaded, std::env::var("ZCA_FAULTS")) {
            (Err(e), _) => Err(e.clone()),
            (Ok(_), Ok(spec)) => parse_rules(&spec),
            (Ok(_), Err(_)) => Ok(Vec::new()),
        };
        if let Err(e) = &rules {
            eprintln!("zca-fault-module: {e}");
        }
        // With no target every function is ours and answers CKR_GENERAL_ERROR.
        let real = loaded.unwrap_or(unsafe { std::mem::zeroed() });
        let mut ours = real;
        ours.C_GetFunctionList = Some(C_GetFunctionList);
        ours.C_Initialize = Some(w_initialize);
        ours.C_Finalize = Some(w_finalize);
        ours.C_GetInfo = Some(w_get_info);
        ours.C_GetSlotList = Some(w_get_slot_list);
        ours.C_GetSlotInfo = Some(w_get_slot_info);
        ours.C_GetTokenInfo = Some(w_get_token_info);
        ours.C_GetMechanismInfo = Some(w_get_mechanism_info);
        ours.C_OpenSession = Some(w_open_session);
        ours.C_CloseSession = Some(w_close_session);
        ours.C_GetSessionInfo = Some(w_get_session_info);
        ours.C_Login = Some(w_login);
        ours.C_Logout = Some(w_logout);
        ours.C_InitPIN = Some(w_init_pin);
        ours.C_SetPIN = Some(w_set_pin);
        ours.C_FindObjectsInit = Some(w_find_objects_init);
        ours.C_FindObjects = Some(w_find_objects);
        ours.C_FindObjectsFinal = Some(w_find_objects_final);
        ours.C_GetAttributeValue = Some(w_get_attribute_value);
        ours.C_SignInit = Some(w_sign_init);
        ours.C_Sign = Some(w_sign);
        ours.C_WaitForSlotEvent = Some(w_wait_for_slot_event);
        State { real, ours, rules, calls: Mutex::new(HashMap::new()) }
    })
}

/// What happens before the real call: a wait, and an injected failure if a rule says so.
fn before(function: &'static str) -> Option<CK_RV> {
    let rules = match &state().rules {
        Ok(rules) => rules,
        Err(_) => return Some(CKR_GENERAL_ERROR),
    };
    let count = {
        let mut calls = state().calls.lock().unwrap_or_else(|p| p.into_inner());
        let n = calls.entry(function).or_insert(0);
        *n += 1;
        *n
    };
    for rule in rules {
        match rule {
            Rule::Slow { function: f, millis } if f == function => {
                std::thread::sleep(Duration::from_millis(*millis));
            }
            Rule::Stall { function: f, millis } if f == function && count == 1 => {
                std::thread::sleep(Duration::from_millis(*millis));
            }
            Rule::Fail { function: f, rv, after } if f == function && count > *after => {
                return Some(*rv);
            }
            _ => {}
        }
    }
    None
}

/// What happens to the real module's answer.
fn after(function: &'static str, rv: CK_RV) -> CK_RV {
    let Ok(rules) = &state().rules else { return rv };
    rules
        .iter()
        .find_map(|r| match r {
            Rule::Map { function: f, from, to } if f == function && *from == rv => Some(*to),
            _ => None,
        })
        .unwrap_or(rv)
}

macro_rules! forward {
    ($wrapper:ident, $function:ident ( $($arg:ident : $ty:ty),* )) => {
        unsafe extern "C" fn $wrapper($($arg: $ty),*) -> CK_RV {
            if let Some(rv) = before(stringify!($function)) {
                return rv;
            }
            match state().real.$function {
                Some(real) => after(stringify!($function), real($($arg),*)),
                None => CKR_FUNCTION_NOT_SUPPORTED,
            }
        }
    };
}

forward!(w_initialize, C_Initialize(a: *mut std::ffi::c_void));
forward!(w_get_info, C_GetInfo(a: *mut CK_INFO));

unsafe extern "C" fn w_finalize(reserved: *mut std::ffi::c_void) -> CK_RV {
    before("C_Finalize");
    if let Some(file) = std::env::var_os("ZCA_FAULT_CALLS") {
        let calls = state().calls.lock().unwrap_or_else(|p| p.into_inner());
        let mut lines: Vec<String> = calls.iter().map(|(f, n)| format!("{f} {n}\n")).collect();
        lines.sort();
        let _ = std::fs::write(file, lines.concat());
    }
    match state().real.C_Finalize {
        Some(real) => real(reserved),
        None => CKR_FUNCTION_NOT_SUPPORTED,
    }
}
forward!(w_get_slot_list, C_GetSlotList(a: CK_BBOOL, b: *mut CK_SLOT_ID, c: *mut CK_ULONG));
forward!(w_get_slot_info, C_GetSlotInfo(a: CK_SLOT_ID, b: *mut CK_SLOT_INFO));
forward!(w_get_mechanism_info, C_GetMechanismInfo(a: CK_SLOT_ID, b: CK_MECHANISM_TYPE, c: *mut CK_MECHANISM_INFO));
forward!(w_open_session, C_OpenSession(a: CK_SLOT_ID, b: CK_FLAGS, c: *mut std::ffi::c_void, d: CK_NOTIFY, e: *mut CK_SESSION_HANDLE));
forward!(w_close_session, C_CloseSession(a: CK_SESSION_HANDLE));
forward!(w_get_session_info, C_GetSessionInfo(a: CK_SESSION_HANDLE, b: *mut CK_SESSION_INFO));

/// C_Login; on a token given a PIN pad (`flags=pin_pad`) the PIN comes from the "pad"
/// (`ZCA_FAULT_PAD_PIN`), and one sent by the caller is refused.
unsafe extern "C" fn w_login(
    session: CK_SESSION_HANDLE,
    user: CK_USER_TYPE,
    pin: *mut CK_UTF8CHAR,
    len: CK_ULONG,
) -> CK_RV {
    if let Some(rv) = before("C_Login") {
        return rv;
    }
    let Some(real) = state().real.C_Login else { return CKR_FUNCTION_NOT_SUPPORTED };
    let pad = state()
        .rules
        .iter()
        .flatten()
        .any(|r| matches!(r, Rule::Flags(f) if f & CKF_PROTECTED_AUTHENTICATION_PATH != 0));
    if !pad {
        return after("C_Login", real(session, user, pin, len));
    }
    if !pin.is_null() || len != 0 {
        return CKR_ARGUMENTS_BAD;
    }
    let mut typed = std::env::var("ZCA_FAULT_PAD_PIN").unwrap_or_default().into_bytes();
    let rv = real(session, user, typed.as_mut_ptr(), typed.len() as CK_ULONG);
    after("C_Login", rv)
}
forward!(w_logout, C_Logout(a: CK_SESSION_HANDLE));
forward!(w_init_pin, C_InitPIN(a: CK_SESSION_HANDLE, b: *mut CK_UTF8CHAR, c: CK_ULONG));
forward!(w_set_pin, C_SetPIN(a: CK_SESSION_HANDLE, b: *mut CK_UTF8CHAR, c: CK_ULONG, d: *mut CK_UTF8CHAR, e: CK_ULONG));
forward!(w_find_objects_init, C_FindObjectsInit(a: CK_SESSION_HANDLE, b: *mut CK_ATTRIBUTE, c: CK_ULONG));
forward!(w_find_objects, C_FindObjects(a: CK_SESSION_HANDLE, b: *mut CK_OBJECT_HANDLE, c: CK_ULONG, d: *mut CK_ULONG));
forward!(w_find_objects_final, C_FindObjectsFinal(a: CK_SESSION_HANDLE));
forward!(w_get_attribute_value, C_GetAttributeValue(a: CK_SESSION_HANDLE, b: CK_OBJECT_HANDLE, c: *mut CK_ATTRIBUTE, d: CK_ULONG));
forward!(w_sign_init, C_SignInit(a: CK_SESSION_HANDLE, b: *mut CK_MECHANISM, c: CK_OBJECT_HANDLE));
forward!(w_sign, C_Sign(a: CK_SESSION_HANDLE, b: *mut CK_BYTE, c: CK_ULONG, d: *mut CK_BYTE, e: *mut CK_ULONG));
forward!(w_wait_for_slot_event, C_WaitForSlotEvent(a: CK_FLAGS, b: *mut CK_SLOT_ID, c: *mut std::ffi::c_void));

unsafe extern "C" fn w_get_token_info(slot: CK_SLOT_ID, info: *mut CK_TOKEN_INFO) -> CK_RV {
    if let Some(rv) = before("C_GetTokenInfo") {
        return rv;
    }
    let Some(real) = state().real.C_GetTokenInfo else { return CKR_FUNCTION_NOT_SUPPORTED };
    let rv = after("C_GetTokenInfo", real(slot, info));
    if rv != CKR_OK || info.is_null() {
        return rv;
    }
    let info = &mut *info;
    // Only initialized tokens: SoftHSM's spare slot must stay recognisable as such.
    if info.flags & CKF_TOKEN_INITIALIZED == 0 {
        return rv;
    }
    for rule in state().rules.iter().flatten() {
        match rule {
            Rule::Label(text) => info.label = gbk_label(text),
            Rule::Flags(flags) => info.flags |= flags,
            _ => {}
        }
    }
    rv
}

/// `text` in GBK, blank-padded to the 32 bytes of CK_TOKEN_INFO's label.
fn gbk_label(text: &str) -> [CK_UTF8CHAR; 32] {
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    let mut label = [b' '; 32];
    let n = bytes.len().min(32);
    label[..n].copy_from_slice(&bytes[..n]);
    label
}

#[no_mangle]
pub unsafe extern "C" fn C_GetFunctionList(list: *mut *mut CK_FUNCTION_LIST) -> CK_RV {
    if list.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    // The caller only reads the list; PKCS#11 declares the pointer mutable for history's sake.
    *list = &state().ours as *const CK_FUNCTION_LIST as *mut CK_FUNCTION_LIST;
    CKR_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse() {
        let rules = parse_rules(
            "fail:C_Sign=CKR_DEVICE_REMOVED; fail:C_FindObjects=0x30@2;slow:C_GetSlotList=1500;\
             map:C_Login:CKR_PIN_INCORRECT=CKR_GENERAL_ERROR;label=某某的锁;flags=final_try,locked",
        )
        .unwrap();
        assert_eq!(
            rules,
            [
                Rule::Fail { function: "C_Sign".into(), rv: CKR_DEVICE_REMOVED, after: 0 },
                Rule::Fail { function: "C_FindObjects".into(), rv: CKR_DEVICE_ERROR, after: 2 },
                Rule::Slow { function: "C_GetSlotList".into(), millis: 1500 },
                Rule::Map {
                    function: "C_Login".into(),
                    from: CKR_PIN_INCORRECT,
                    to: CKR_GENERAL_ERROR
                },
                Rule::Label("某某的锁".into()),
                Rule::Flags(CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED),
            ]
        );
    }

    #[test]
    fn typos_are_errors() {
        for bad in ["fail:C_Sign", "fail:C_Sign=CKR_NOPE", "flags=final", "sloow:C_Sign=1", "x=y"] {
            assert!(parse_rules(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn labels_are_gbk_and_padded() {
        let label = gbk_label("某某的锁");
        assert_eq!(&label[..8], &[0xC4, 0xB3, 0xC4, 0xB3, 0xB5, 0xC4, 0xCB, 0xF8]);
        assert!(label[8..].iter().all(|b| *b == b' '));
    }
}
