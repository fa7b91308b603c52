//! A soft SKF library (GM/T 0016), a test fixture for zca: it behaves like a Chinese USB key's
//! SKF library, with its devices in the JSON file `ZCA_SKF_STORE` (see `store`), so that a
//! fresh process sees the devices, certificates and PIN counters an earlier one left.
//!
//! | variable | meaning |
//! |---|---|
//! | `ZCA_SKF_STORE` | the devices' file (required) |
//! | `ZCA_SKF_FAULT` | `error`: every call fails with SAR_FAIL; `garbage`: name lists and certificates come back with lengths longer than the buffer and no terminator; `hang`: SKF_EnumDev never returns |
//!
//! PINs count down a real retry counter kept in the file; at zero the PIN is locked until the
//! admin PIN unblocks it. SKF_ECCSignData signs the 32-byte digest it is given with the
//! container's SM2 signing key; the caller computes e = SM3(Z ‖ M), as the standard has it.

#![allow(non_snake_case, clippy::missing_safety_doc)]

pub mod store;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::CStr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use sm2::dsa::signature::hazmat::PrehashSigner;
use zca_skf::*;

use store::{App, Container, Device, Store};

#[derive(Clone, PartialEq, Eq, Hash)]
enum Place {
    Device(String),
    App(String, String),
    Container(String, String, String),
}

#[derive(Default)]
struct State {
    handles: HashMap<usize, Place>,
    next: usize,
    /// (device, application) where the user PIN was verified.
    logged_in: HashSet<(String, String)>,
    /// The devices present at the last SKF_WaitForDevEvent.
    seen: Option<BTreeSet<String>>,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);
static CANCELLED: AtomicBool = AtomicBool::new(false);

fn fault(kind: &str) -> bool {
    std::env::var("ZCA_SKF_FAULT").is_ok_and(|f| f == kind)
}

fn store_file() -> Result<PathBuf, ULONG> {
    std::env::var_os("ZCA_SKF_STORE").map(PathBuf::from).ok_or(SAR_FAIL)
}

fn load() -> Result<(PathBuf, Store), ULONG> {
    let file = store_file()?;
    let store = Store::load(&file).map_err(|_| SAR_FILEERR)?;
    Ok((file, store))
}

const SAR_FILEERR: ULONG = 0x0A00_0004;

/// Runs `f` on the state and the store, failing every call under the `error` fault.
fn call<F: FnOnce(&mut State, &mut Store, &std::path::Path) -> ULONG>(f: F) -> ULONG {
    if fault("error") {
        return SAR_FAIL;
    }
    let (file, mut store) = match load() {
        Ok(s) => s,
        Err(rv) => return rv,
    };
    let mut guard = STATE.lock().unwrap_or_else(|p| p.into_inner());
    let state = guard.get_or_insert_with(|| State { next: 1, ..State::default() });
    f(state, &mut store, &file)
}

impl State {
    fn add(&mut self, place: Place) -> *mut std::ffi::c_void {
        let handle = self.next;
        self.next += 1;
        self.handles.insert(handle, place);
        handle as *mut std::ffi::c_void
    }

    fn place(&self, handle: HANDLE) -> Option<Place> {
        self.handles.get(&(handle as usize)).cloned()
    }
}

/// The device of a handle, if it is still inserted; a removed device loses its logins.
fn present<'s>(state: &mut State, store: &'s Store, device: &str) -> Result<&'s Device, ULONG> {
    match store.device(device) {
        Some(d) if d.present => Ok(d),
        _ => {
            state.logged_in.retain(|(d, _)| d != device);
            Err(SAR_DEVICE_REMOVED)
        }
    }
}

fn app_of(state: &mut State, store: &Store, handle: HANDLE) -> Result<(String, String), ULONG> {
    match state.place(handle) {
        Some(Place::App(d, a)) => {
            present(state, store, &d)?;
            Ok((d, a))
        }
        _ => Err(SAR_INVALIDHANDLEERR),
    }
}

fn container_of<'s>(
    state: &mut State,
    store: &'s Store,
    handle: HANDLE,
) -> Result<(&'s Container, bool), ULONG> {
    let Some(Place::Container(d, a, c)) = state.place(handle) else {
        return Err(SAR_INVALIDHANDLEERR);
    };
    let device = present(state, store, &d)?;
    let container = device.app(&a).and_then(|app| app.container(&c)).ok_or(SAR_INVALIDHANDLEERR)?;
    Ok((container, state.logged_in.contains(&(d, a))))
}

unsafe fn text(p: LPSTR) -> Option<String> {
    (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned())
}

/// Copies `bytes` out the SKF way: no buffer asks the size, a small one is refused with it.
unsafe fn give(bytes: &[u8], buf: *mut u8, len: *mut ULONG) -> ULONG {
    if len.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    let needed = bytes.len() as ULONG;
    if fault("garbage") {
        // A length past the buffer and contents without their terminator.
        if !buf.is_null() && *len > 0 {
            std::ptr::write_bytes(buf, b'x', *len as usize);
        }
        *len = needed.saturating_add(4096).max(*len + 4096);
        return SAR_OK;
    }
    if buf.is_null() {
        *len = needed;
        return SAR_OK;
    }
    if *len < needed {
        *len = needed;
        return SAR_BUFFER_TOO_SMALL;
    }
    std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf, bytes.len());
    *len = needed;
    SAR_OK
}

fn padded<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0u8; N];
    let bytes = text.as_bytes();
    let n = bytes.len().min(N - 1);
    out[..n].copy_from_slice(&bytes[..n]);
    out
}

// ------------------------------------------------------------------------- devices

#[no_mangle]
pub unsafe extern "C" fn SKF_EnumDev(present: BOOL, names: LPSTR, size: *mut ULONG) -> ULONG {
    if fault("hang") {
        std::thread::sleep(Duration::from_secs(3600));
    }
    call(|_, store, _| {
        let list: Vec<&str> = store
            .devices
            .iter()
            .filter(|d| present == FALSE || d.present)
            .map(|d| d.name.as_str())
            .collect();
        give(&write_name_list(&list), names.cast(), size)
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_ConnectDev(name: LPSTR, dev: *mut DEVHANDLE) -> ULONG {
    let Some(name) = text(name) else { return SAR_INVALIDPARAMERR };
    if dev.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    call(|state, store, _| match present(state, store, &name) {
        Ok(_) => {
            *dev = state.add(Place::Device(name.clone()));
            SAR_OK
        }
        Err(rv) => rv,
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_DisConnectDev(dev: DEVHANDLE) -> ULONG {
    call(|state, _, _| match state.handles.remove(&(dev as usize)) {
        Some(Place::Device(_)) => SAR_OK,
        _ => SAR_INVALIDHANDLEERR,
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_GetDevInfo(dev: DEVHANDLE, info: *mut DEVINFO) -> ULONG {
    if info.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    call(|state, store, _| {
        let Some(Place::Device(name)) = state.place(dev) else { return SAR_INVALIDHANDLEERR };
        let d = match present(state, store, &name) {
            Ok(d) => d,
            Err(rv) => return rv,
        };
        *info = DEVINFO {
            Version: VERSION { major: 1, minor: 0 },
            Manufacturer: padded(&d.manufacturer),
            Issuer: padded("zca test CA"),
            Label: padded(&d.label),
            SerialNumber: padded(&d.serial),
            HWVersion: VERSION { major: 1, minor: 0 },
            FirmwareVersion: VERSION { major: 2, minor: 1 },
            ..DEVINFO::default()
        };
        SAR_OK
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_GenRandom(dev: DEVHANDLE, out: *mut u8, len: ULONG) -> ULONG {
    if out.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    call(|state, store, _| {
        let Some(Place::Device(name)) = state.place(dev) else { return SAR_INVALIDHANDLEERR };
        if let Err(rv) = present(state, store, &name) {
            return rv;
        }
        let buf = std::slice::from_raw_parts_mut(out, len as usize);
        match getrandom::fill(buf) {
            Ok(()) => SAR_OK,
            Err(_) => 0x0A00_0012,
        }
    })
}

/// Blocks until a device is inserted or removed; says which and how.
#[no_mangle]
pub unsafe extern "C" fn SKF_WaitForDevEvent(
    name: LPSTR,
    name_len: *mut ULONG,
    event: *mut ULONG,
) -> ULONG {
    if name_len.is_null() || event.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    CANCELLED.store(false, Ordering::SeqCst);
    loop {
        if CANCELLED.load(Ordering::SeqCst) {
            return SAR_FAIL;
        }
        let mut found = None;
        let rv = call(|state, store, _| {
            let now: BTreeSet<String> =
                store.devices.iter().filter(|d| d.present).map(|d| d.name.clone()).collect();
            let seen = state.seen.get_or_insert_with(|| now.clone());
            if let Some(added) = now.difference(seen).next() {
                found = Some((added.clone(), DEV_EVENT_INSERTED));
            } else if let Some(gone) = seen.difference(&now).next() {
                found = Some((gone.clone(), DEV_EVENT_REMOVED));
            }
            if let Some((device, kind)) = &found {
                if *kind == DEV_EVENT_INSERTED {
                    seen.insert(device.clone());
                } else {
                    seen.remove(device);
                }
            }
            SAR_OK
        });
        if rv != SAR_OK {
            return rv;
        }
        if let Some((device, kind)) = found {
            let mut bytes = device.into_bytes();
            bytes.push(0);
            let rv = give(&bytes, name.cast(), name_len);
            *event = kind;
            return rv;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[no_mangle]
pub unsafe extern "C" fn SKF_CancelWaitForDevEvent() -> ULONG {
    CANCELLED.store(true, Ordering::SeqCst);
    SAR_OK
}

// ------------------------------------------------------------------------- applications

#[no_mangle]
pub unsafe extern "C" fn SKF_EnumApplication(
    dev: DEVHANDLE,
    names: LPSTR,
    size: *mut ULONG,
) -> ULONG {
    call(|state, store, _| {
        let Some(Place::Device(name)) = state.place(dev) else { return SAR_INVALIDHANDLEERR };
        match present(state, store, &name) {
            Ok(d) => {
                let list: Vec<&str> = d.apps.iter().map(|a| a.name.as_str()).collect();
                give(&write_name_list(&list), names.cast(), size)
            }
            Err(rv) => rv,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_OpenApplication(
    dev: DEVHANDLE,
    name: LPSTR,
    app: *mut HAPPLICATION,
) -> ULONG {
    let Some(app_name) = text(name) else { return SAR_INVALIDPARAMERR };
    if app.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    call(|state, store, _| {
        let Some(Place::Device(device)) = state.place(dev) else { return SAR_INVALIDHANDLEERR };
        match present(state, store, &device) {
            Ok(d) if d.app(&app_name).is_some() => {
                *app = state.add(Place::App(device.clone(), app_name.clone()));
                SAR_OK
            }
            Ok(_) => SAR_APPLICATION_NOT_EXISTS,
            Err(rv) => rv,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_CloseApplication(app: HAPPLICATION) -> ULONG {
    call(|state, _, _| match state.handles.remove(&(app as usize)) {
        Some(Place::App(..)) => SAR_OK,
        _ => SAR_INVALIDHANDLEERR,
    })
}

/// The application of `handle` in the store, to change its PINs, and where to write it back.
fn with_app<F: FnOnce(&mut State, &mut App, &(String, String)) -> ULONG>(
    handle: HAPPLICATION,
    f: F,
) -> ULONG {
    call(|state, store, file| {
        let place = match app_of(state, store, handle) {
            Ok(p) => p,
            Err(rv) => return rv,
        };
        let app =
            store.device_mut(&place.0).and_then(|d| d.app_mut(&place.1)).expect("app_of found it");
        let rv = f(state, app, &place);
        if store.save(file).is_err() {
            return 0x0A00_0008;
        }
        rv
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_GetPINInfo(
    app: HAPPLICATION,
    kind: ULONG,
    max: *mut ULONG,
    left: *mut ULONG,
    default: *mut BOOL,
) -> ULONG {
    if max.is_null() || left.is_null() || default.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    with_app(app, |_, a, _| {
        let (m, l, pin, factory) = match kind {
            USER_TYPE => (a.user_max, a.user_left, &a.user_pin, "123456"),
            ADMIN_TYPE => (a.admin_max, a.admin_left, &a.admin_pin, "12345678"),
            _ => return SAR_USER_TYPE_INVALID,
        };
        *max = m;
        *left = l;
        *default = if pin == factory { TRUE } else { FALSE };
        SAR_OK
    })
}

/// Checks `pin` against the counter: a wrong one costs a try, a right one resets them.
fn check_pin(a: &mut App, kind: ULONG, pin: &str, retry: *mut ULONG) -> ULONG {
    let (expected, left, max) = match kind {
        USER_TYPE => (&a.user_pin, &mut a.user_left, a.user_max),
        ADMIN_TYPE => (&a.admin_pin, &mut a.admin_left, a.admin_max),
        _ => return SAR_USER_TYPE_INVALID,
    };
    let rv = if *left == 0 {
        SAR_PIN_LOCKED
    } else if pin != expected {
        *left -= 1;
        if *left == 0 {
            SAR_PIN_LOCKED
        } else {
            SAR_PIN_INCORRECT
        }
    } else {
        *left = max;
        SAR_OK
    };
    if !retry.is_null() {
        // SAFETY: the caller's pointer, checked above.
        unsafe { *retry = *left };
    }
    rv
}

fn pin_length_ok(pin: &str) -> bool {
    (6..=16).contains(&pin.len())
}

#[no_mangle]
pub unsafe extern "C" fn SKF_VerifyPIN(
    app: HAPPLICATION,
    kind: ULONG,
    pin: LPSTR,
    retry: *mut ULONG,
) -> ULONG {
    let Some(pin) = text(pin) else { return SAR_INVALIDPARAMERR };
    with_app(app, |state, a, place| {
        let rv = check_pin(a, kind, &pin, retry);
        if rv == SAR_OK && kind == USER_TYPE {
            state.logged_in.insert(place.clone());
        }
        rv
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_ChangePIN(
    app: HAPPLICATION,
    kind: ULONG,
    old: LPSTR,
    new: LPSTR,
    retry: *mut ULONG,
) -> ULONG {
    let (Some(old), Some(new)) = (text(old), text(new)) else { return SAR_INVALIDPARAMERR };
    with_app(app, |_, a, _| {
        let rv = check_pin(a, kind, &old, retry);
        if rv != SAR_OK {
            return rv;
        }
        if !pin_length_ok(&new) {
            return SAR_PIN_LEN_RANGE;
        }
        match kind {
            USER_TYPE => a.user_pin = new.clone(),
            _ => a.admin_pin = new.clone(),
        }
        SAR_OK
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_UnblockPIN(
    app: HAPPLICATION,
    admin: LPSTR,
    new_user: LPSTR,
    retry: *mut ULONG,
) -> ULONG {
    let (Some(admin), Some(new)) = (text(admin), text(new_user)) else {
        return SAR_INVALIDPARAMERR;
    };
    with_app(app, |_, a, _| {
        let rv = check_pin(a, ADMIN_TYPE, &admin, retry);
        if rv != SAR_OK {
            return rv;
        }
        if !pin_length_ok(&new) {
            return SAR_PIN_LEN_RANGE;
        }
        a.user_pin = new.clone();
        a.user_left = a.user_max;
        SAR_OK
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_ClearSecureState(app: HAPPLICATION) -> ULONG {
    call(|state, store, _| match app_of(state, store, app) {
        Ok(place) => {
            state.logged_in.remove(&place);
            SAR_OK
        }
        Err(rv) => rv,
    })
}

// ------------------------------------------------------------------------- containers

#[no_mangle]
pub unsafe extern "C" fn SKF_EnumContainer(
    app: HAPPLICATION,
    names: LPSTR,
    size: *mut ULONG,
) -> ULONG {
    call(|state, store, _| {
        let (d, a) = match app_of(state, store, app) {
            Ok(p) => p,
            Err(rv) => return rv,
        };
        let app = store.device(&d).and_then(|d| d.app(&a)).expect("app_of found it");
        let list: Vec<&str> = app.containers.iter().map(|c| c.name.as_str()).collect();
        give(&write_name_list(&list), names.cast(), size)
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_OpenContainer(
    app: HAPPLICATION,
    name: LPSTR,
    container: *mut HCONTAINER,
) -> ULONG {
    let Some(name) = text(name) else { return SAR_INVALIDPARAMERR };
    if container.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    call(|state, store, _| {
        let (d, a) = match app_of(state, store, app) {
            Ok(p) => p,
            Err(rv) => return rv,
        };
        let found = store.device(&d).and_then(|d| d.app(&a)).and_then(|a| a.container(&name));
        if found.is_none() {
            return SAR_INVALIDPARAMERR;
        }
        *container = state.add(Place::Container(d, a, name.clone()));
        SAR_OK
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_CloseContainer(container: HCONTAINER) -> ULONG {
    call(|state, _, _| match state.handles.remove(&(container as usize)) {
        Some(Place::Container(..)) => SAR_OK,
        _ => SAR_INVALIDHANDLEERR,
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_GetContainerType(container: HCONTAINER, kind: *mut ULONG) -> ULONG {
    if kind.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    call(|state, store, _| match container_of(state, store, container) {
        Ok((c, _)) => {
            *kind =
                if c.sign.is_some() || c.enc.is_some() { CONTAINER_ECC } else { CONTAINER_EMPTY };
            SAR_OK
        }
        Err(rv) => rv,
    })
}

fn pair(c: &Container, sign: BOOL) -> Option<&store::KeyPair> {
    if sign != FALSE {
        c.sign.as_ref()
    } else {
        c.enc.as_ref()
    }
}

#[no_mangle]
pub unsafe extern "C" fn SKF_ExportCertificate(
    container: HCONTAINER,
    sign: BOOL,
    cert: *mut u8,
    len: *mut ULONG,
) -> ULONG {
    call(|state, store, _| match container_of(state, store, container) {
        Ok((c, _)) => match pair(c, sign).and_then(|p| hex::decode(&p.cert).ok()) {
            Some(der) if !der.is_empty() => give(&der, cert, len),
            _ => SAR_CERTNOTFOUNTERR,
        },
        Err(rv) => rv,
    })
}

#[no_mangle]
pub unsafe extern "C" fn SKF_ExportPublicKey(
    container: HCONTAINER,
    sign: BOOL,
    blob: *mut u8,
    len: *mut ULONG,
) -> ULONG {
    call(|state, store, _| match container_of(state, store, container) {
        Ok((c, _)) => match pair(c, sign).and_then(|p| p.point()) {
            Some(point) => {
                let mut out = ECCPUBLICKEYBLOB {
                    BitLen: 256,
                    XCoordinate: [0; ECC_MAX_COORDINATE_LEN],
                    YCoordinate: [0; ECC_MAX_COORDINATE_LEN],
                };
                out.XCoordinate[32..].copy_from_slice(&point[1..33]);
                out.YCoordinate[32..].copy_from_slice(&point[33..65]);
                let bytes = std::slice::from_raw_parts(
                    (&out as *const ECCPUBLICKEYBLOB).cast::<u8>(),
                    std::mem::size_of::<ECCPUBLICKEYBLOB>(),
                );
                give(bytes, blob, len)
            }
            None => SAR_KEYNOTFOUNTERR,
        },
        Err(rv) => rv,
    })
}

/// Signs the digest e = SM3(Z ‖ M) the caller computed, with the container's signing key.
#[no_mangle]
pub unsafe extern "C" fn SKF_ECCSignData(
    container: HCONTAINER,
    digest: *mut u8,
    len: ULONG,
    signature: *mut ECCSIGNATUREBLOB,
) -> ULONG {
    if digest.is_null() || signature.is_null() {
        return SAR_INVALIDPARAMERR;
    }
    if len != 32 {
        return SAR_INDATALENERR;
    }
    let digest = std::slice::from_raw_parts(digest, 32).to_vec();
    call(|state, store, _| match container_of(state, store, container) {
        Ok((_, false)) => SAR_USER_NOT_LOGGED_IN,
        Ok((c, true)) => {
            let Some(key) = c.sign.as_ref().and_then(|p| p.signing_key()) else {
                return SAR_KEYNOTFOUNTERR;
            };
            let Ok(sig): Result<sm2::dsa::Signature, _> = key.sign_prehash(&digest) else {
                return SAR_FAIL;
            };
            let bytes = sig.to_bytes();
            let mut out = ECCSIGNATUREBLOB::default();
            out.r[32..].copy_from_slice(&bytes[..32]);
            out.s[32..].copy_from_slice(&bytes[32..]);
            *signature = out;
            SAR_OK
        }
        Err(rv) => rv,
    })
}

/// Only ECC containers live here: RSA signing is refused as a library without it would.
#[no_mangle]
pub unsafe extern "C" fn SKF_RSASignData(
    _container: HCONTAINER,
    _data: *mut u8,
    _len: ULONG,
    _signature: *mut u8,
    _signature_len: *mut ULONG,
) -> ULONG {
    SAR_NOTSUPPORTYETERR
}
