//! Keys reached through an SKF library (GM/T 0016 智能密码钥匙密码应用接口), the interface Chinese
//! vendors ship first: devices hold applications, applications hold a user and an admin PIN and
//! containers, containers hold a signing and an encryption key pair with their certificates.
//! Unlike PKCS#11, SKF says how many PIN tries are left.
//!
//! Every call runs under the watchdog, and every length a library hands back is checked against
//! the buffer zca gave it: a vendor library is C code zca cannot vouch for.

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::Arc;

use serde::Serialize;
use zca_skf::*;
use zeroize::Zeroizing;

use super::discover::{Candidate, ModuleSource};
use super::inventory::{LoadFailure, PinFlags};
use super::watchdog;
use crate::error::{Error, Result};
use crate::pin_state::{PinState, PinTries};
use crate::secret::Secret;

/// Name lists and certificates longer than this are a library's garbage, not data.
const MAX_REPLY: u32 = 1 << 20;

/// One SKF library and what became of loading it.
#[derive(Serialize)]
pub struct SkfLibrary {
    pub path: PathBuf,
    pub source: ModuleSource,
    pub vendor: Option<String>,
    pub loaded: bool,
    pub error: Option<LoadFailure>,
    #[serde(skip)]
    pub(crate) api: Option<Arc<Api>>,
}

/// The library's functions. The ones every key needs are required; a library without the
/// optional ones still lists keys and certificates.
pub(crate) struct Api {
    path: PathBuf,
    enum_dev: SKF_EnumDev,
    connect_dev: SKF_ConnectDev,
    disconnect_dev: SKF_DisConnectDev,
    get_dev_info: SKF_GetDevInfo,
    enum_application: SKF_EnumApplication,
    open_application: SKF_OpenApplication,
    close_application: SKF_CloseApplication,
    get_pin_info: SKF_GetPINInfo,
    verify_pin: SKF_VerifyPIN,
    enum_container: SKF_EnumContainer,
    open_container: SKF_OpenContainer,
    close_container: SKF_CloseContainer,
    export_certificate: SKF_ExportCertificate,
    change_pin: Option<SKF_ChangePIN>,
    unblock_pin: Option<SKF_UnblockPIN>,
    clear_secure_state: Option<SKF_ClearSecureState>,
    ecc_sign_data: Option<SKF_ECCSignData>,
    rsa_sign_data: Option<SKF_RSASignData>,
    get_container_type: Option<SKF_GetContainerType>,
    wait_for_dev_event: Option<SKF_WaitForDevEvent>,
    // Kept last: the function pointers above point into it.
    _library: libloading::Library,
}

pub fn load(candidate: Candidate) -> SkfLibrary {
    let mut library = SkfLibrary {
        path: candidate.path,
        source: candidate.source,
        vendor: candidate.vendor,
        loaded: false,
        error: None,
        api: None,
    };
    if !library.path.exists() {
        library.error = Some(LoadFailure::FileMissing);
        return library;
    }
    let _watch = watchdog::guard("dlopen", watchdog::limit());
    match Api::load(&library.path) {
        Ok(api) => {
            library.api = Some(Arc::new(api));
            library.loaded = true;
        }
        Err(failure) => library.error = Some(failure),
    }
    library
}

impl Api {
    fn load(path: &Path) -> std::result::Result<Api, LoadFailure> {
        // SAFETY: loading a library runs its constructors; that is what naming it asks for.
        let lib = unsafe { libloading::Library::new(path) }
            .map_err(|e| LoadFailure::NotSkf(e.to_string()))?;
        fn required<T: Copy>(
            lib: &libloading::Library,
            name: &str,
        ) -> std::result::Result<T, LoadFailure> {
            // SAFETY: the caller names the symbol's type from the standard.
            unsafe { lib.get::<T>(name.as_bytes()) }
                .map(|s| *s)
                .map_err(|_| LoadFailure::NotSkf(format!("{name} missing")))
        }
        fn optional<T: Copy>(lib: &libloading::Library, name: &str) -> Option<T> {
            // SAFETY: as above.
            unsafe { lib.get::<T>(name.as_bytes()) }.ok().map(|s| *s)
        }
        Ok(Api {
            path: path.to_path_buf(),
            enum_dev: required(&lib, "SKF_EnumDev")?,
            connect_dev: required(&lib, "SKF_ConnectDev")?,
            disconnect_dev: required(&lib, "SKF_DisConnectDev")?,
            get_dev_info: required(&lib, "SKF_GetDevInfo")?,
            enum_application: required(&lib, "SKF_EnumApplication")?,
            open_application: required(&lib, "SKF_OpenApplication")?,
            close_application: required(&lib, "SKF_CloseApplication")?,
            get_pin_info: required(&lib, "SKF_GetPINInfo")?,
            verify_pin: required(&lib, "SKF_VerifyPIN")?,
            enum_container: required(&lib, "SKF_EnumContainer")?,
            open_container: required(&lib, "SKF_OpenContainer")?,
            close_container: required(&lib, "SKF_CloseContainer")?,
            export_certificate: required(&lib, "SKF_ExportCertificate")?,
            change_pin: optional(&lib, "SKF_ChangePIN"),
            unblock_pin: optional(&lib, "SKF_UnblockPIN"),
            clear_secure_state: optional(&lib, "SKF_ClearSecureState"),
            ecc_sign_data: optional(&lib, "SKF_ECCSignData"),
            rsa_sign_data: optional(&lib, "SKF_RSASignData"),
            get_container_type: optional(&lib, "SKF_GetContainerType"),
            wait_for_dev_event: optional(&lib, "SKF_WaitForDevEvent"),
            _library: lib,
        })
    }

    fn error(&self, function: &str, code: ULONG) -> Error {
        match code {
            SAR_DEVICE_REMOVED => Error::TokenRemoved { function: function.into() },
            _ => Error::Skf {
                library: self.path.clone(),
                function: function.into(),
                code: sar_name(code),
            },
        }
    }

    fn check(&self, function: &str, code: ULONG) -> Result<()> {
        match code {
            SAR_OK => Ok(()),
            code => Err(self.error(function, code)),
        }
    }

    fn garbage(&self, function: &str, what: &str) -> Error {
        Error::Skf { library: self.path.clone(), function: function.into(), code: what.into() }
    }

    /// Bytes the SKF way: ask the size, then fill a buffer of it, checking what comes back.
    fn read_bytes(
        &self,
        function: &'static str,
        call: impl Fn(*mut u8, *mut ULONG) -> ULONG,
    ) -> Result<Vec<u8>> {
        let _watch = watchdog::guard(function, watchdog::limit());
        let mut size: ULONG = 0;
        self.check(function, call(ptr::null_mut(), &mut size))?;
        if size > MAX_REPLY {
            return Err(self.garbage(function, &format!("a size of {size} bytes")));
        }
        let mut buf = vec![0u8; size as usize];
        let mut len = size;
        self.check(function, call(buf.as_mut_ptr(), &mut len))?;
        if len > size {
            return Err(self.garbage(function, &format!("{len} bytes in a {size}-byte buffer")));
        }
        buf.truncate(len as usize);
        Ok(buf)
    }

    /// The handle of what a call opens by name (a device, an application, a container).
    fn open_by_name(
        &self,
        function: &'static str,
        name: &str,
        call: impl FnOnce(LPSTR, *mut HANDLE) -> ULONG,
    ) -> Result<HANDLE> {
        let name =
            CString::new(name).map_err(|_| self.garbage(function, "a name with a NUL byte"))?;
        let mut handle: HANDLE = ptr::null_mut();
        let _watch = watchdog::guard(function, watchdog::limit());
        self.check(function, call(name.as_ptr().cast_mut(), &mut handle))?;
        Ok(handle)
    }

    /// A name list (names ended by NUL, the list by one more), refused when unterminated.
    fn read_names(
        &self,
        function: &'static str,
        call: impl Fn(*mut u8, *mut ULONG) -> ULONG,
    ) -> Result<Vec<String>> {
        let bytes = self.read_bytes(function, call)?;
        let terminated = bytes.is_empty() || bytes == [0] || bytes.ends_with(&[0, 0]);
        if !terminated {
            return Err(self.garbage(function, "a name list without its terminator"));
        }
        Ok(read_name_list(&bytes))
    }

    fn device_names(&self) -> Result<Vec<String>> {
        // SAFETY: the buffer and its size come from `read_bytes`.
        self.read_names("SKF_EnumDev", |buf, len| unsafe { (self.enum_dev)(TRUE, buf.cast(), len) })
    }

    /// Blocks until a device is inserted or removed (SKF_WaitForDevEvent); false when the
    /// library has no such call or it failed, so that the caller stops waiting on it.
    pub(crate) fn wait_for_device_event(&self) -> bool {
        let Some(wait) = self.wait_for_dev_event else { return false };
        let mut name = [0u8; 256];
        let (mut len, mut event) = (name.len() as ULONG, 0);
        // SAFETY: a 256-byte buffer with its size, and a place for the event. Not watched: it
        // waits for a person by design.
        let code = unsafe { wait(name.as_mut_ptr().cast(), &mut len, &mut event) };
        code == SAR_OK
    }
}

/// A key as its SKF library describes it.
#[derive(Clone, Debug)]
pub(crate) struct SkfDevice {
    pub name: String,
    pub serial: String,
    pub label: String,
    pub manufacturer: String,
    pub hardware_version: String,
    pub firmware_version: String,
    /// The application zca works in: the first that holds a container.
    pub app: String,
    pub user: PinTries,
    pub admin: Option<PinTries>,
    pub default_pin: bool,
    pub storage: super::inventory::Storage,
}

/// Where a key sits behind an SKF library.
#[derive(Clone, Debug)]
pub(crate) struct SkfPlace {
    pub library: usize,
    pub device: String,
    pub app: String,
}

/// The devices the library sees now, each described, or the error that kept it from it.
pub(crate) fn devices(api: &Arc<Api>) -> Result<Vec<Result<SkfDevice>>> {
    Ok(api.device_names()?.into_iter().map(|name| describe(api, name)).collect())
}

fn text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    super::raw::decode_text(&bytes[..end]).trim().to_string()
}

fn describe(api: &Arc<Api>, name: String) -> Result<SkfDevice> {
    let dev = Device::connect(api, &name)?;
    let mut info = DEVINFO::default();
    {
        let _watch = watchdog::guard("SKF_GetDevInfo", watchdog::limit());
        // SAFETY: `info` is a DEVINFO the library fills.
        api.check("SKF_GetDevInfo", unsafe { (api.get_dev_info)(dev.handle, &mut info) })?;
    }
    let mut chosen: Option<(String, Application)> = None;
    for app in dev.applications()? {
        let opened = dev.open(&app)?;
        let holds_containers = !opened.containers()?.is_empty();
        if holds_containers || chosen.is_none() {
            chosen = Some((app, opened));
        }
        if holds_containers {
            break;
        }
    }
    let (app, opened) =
        chosen.ok_or_else(|| api.garbage("SKF_EnumApplication", "no application"))?;
    let (user, default_pin) = opened.pin_info(USER_TYPE)?;
    let admin = opened.pin_info(ADMIN_TYPE).ok().map(|(tries, _)| tries);
    let version = |v: VERSION| format!("{}.{}", v.major, v.minor);
    Ok(SkfDevice {
        serial: text(&{ info.SerialNumber }),
        label: text(&{ info.Label }),
        manufacturer: text(&{ info.Manufacturer }),
        hardware_version: version(info.HWVersion),
        firmware_version: version(info.FirmwareVersion),
        name,
        app,
        user,
        admin,
        default_pin,
        storage: super::inventory::Storage {
            total: u64::from(info.TotalSpace),
            free: u64::from(info.FreeSpace),
        },
    })
}

/// A connected device; disconnected when dropped.
pub(crate) struct Device {
    api: Arc<Api>,
    handle: DEVHANDLE,
}

// SAFETY: the handle is an opaque value the library gave; calls on it are serialized by the
// owner (one Device is used by one thread at a time).
unsafe impl Send for Device {}

impl Drop for Device {
    fn drop(&mut self) {
        // SAFETY: the handle came from SKF_ConnectDev and is dropped once.
        unsafe { (self.api.disconnect_dev)(self.handle) };
    }
}

impl Device {
    pub fn connect(api: &Arc<Api>, name: &str) -> Result<Device> {
        // SAFETY: a NUL-terminated name and a place for the handle.
        let handle = api.open_by_name("SKF_ConnectDev", name, |name, handle| unsafe {
            (api.connect_dev)(name, handle)
        })?;
        Ok(Device { api: api.clone(), handle })
    }

    fn applications(&self) -> Result<Vec<String>> {
        let api = &self.api;
        // SAFETY: the buffer and its size come from `read_bytes`.
        api.read_names("SKF_EnumApplication", |buf, len| unsafe {
            (api.enum_application)(self.handle, buf.cast(), len)
        })
    }

    /// Opens an application; the connection to the device goes with it.
    pub fn open(&self, app: &str) -> Result<Application> {
        let api = &self.api;
        // SAFETY: the device's handle, a NUL-terminated name and a place for the handle.
        let handle = api.open_by_name("SKF_OpenApplication", app, |name, handle| unsafe {
            (api.open_application)(self.handle, name, handle)
        })?;
        Ok(Application { api: api.clone(), handle })
    }
}

/// An open application: where PINs are verified and containers live.
pub(crate) struct Application {
    api: Arc<Api>,
    handle: HAPPLICATION,
}

// SAFETY: as for Device.
unsafe impl Send for Application {}

impl Drop for Application {
    fn drop(&mut self) {
        // SAFETY: the handle came from SKF_OpenApplication and is dropped once.
        unsafe { (self.api.close_application)(self.handle) };
    }
}

/// The result of presenting a PIN: accepted, or refused with the tries the key has left.
pub(crate) enum PinOutcome {
    Accepted,
    Incorrect { left: u32 },
    Locked,
    LengthRefused(String),
}

/// The PIN as the C string SKF wants, wiped when dropped.
fn c_pin(pin: &Secret) -> Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(pin.expose().len() + 1));
    bytes.extend_from_slice(pin.expose().as_bytes());
    if bytes.contains(&0) {
        return Err(Error::PinRejected { reason: crate::t!("pin-reason-nul") });
    }
    bytes.push(0);
    Ok(bytes)
}

impl Application {
    /// The PIN's state from the tries the key counts; a PIN still at the factory value is one
    /// to change.
    pub fn pin_flags(&self) -> Result<PinFlags> {
        let (user, default_pin) = self.pin_info(USER_TYPE)?;
        let so = self.pin_info(ADMIN_TYPE).ok().map(|(tries, _)| tries);
        Ok(PinFlags {
            user: user.state(),
            so: so.map_or(PinState::Ok, PinTries::state),
            to_be_changed: default_pin,
            user_tries: Some(user),
            so_tries: so,
        })
    }

    /// Tries left, the maximum, and whether the PIN is still the factory one.
    pub fn pin_info(&self, kind: ULONG) -> Result<(PinTries, bool)> {
        let (mut max, mut left, mut default) = (0, 0, FALSE);
        let _watch = watchdog::guard("SKF_GetPINInfo", watchdog::limit());
        // SAFETY: three places for the answers.
        let code = unsafe {
            (self.api.get_pin_info)(self.handle, kind, &mut max, &mut left, &mut default)
        };
        self.api.check("SKF_GetPINInfo", code)?;
        if left > max || max == 0 || max > 255 {
            let what = format!("{left} tries left of {max}");
            return Err(self.api.garbage("SKF_GetPINInfo", &what));
        }
        Ok((PinTries { left, max }, default != FALSE))
    }

    fn outcome(&self, function: &str, code: ULONG, left: ULONG) -> Result<PinOutcome> {
        match code {
            SAR_OK => Ok(PinOutcome::Accepted),
            SAR_PIN_INCORRECT if left == 0 => Ok(PinOutcome::Locked),
            SAR_PIN_INCORRECT => Ok(PinOutcome::Incorrect { left }),
            SAR_PIN_LOCKED => Ok(PinOutcome::Locked),
            SAR_PIN_LEN_RANGE | SAR_PIN_INVALID => Ok(PinOutcome::LengthRefused(sar_name(code))),
            code => Err(self.api.error(function, code)),
        }
    }

    pub fn verify_pin(
        &self,
        kind: ULONG,
        pin: &Secret,
        limit: std::time::Duration,
    ) -> Result<PinOutcome> {
        let pin = c_pin(pin)?;
        let mut left: ULONG = 0;
        let _watch = watchdog::guard("SKF_VerifyPIN", limit);
        // SAFETY: a NUL-terminated PIN and a place for the count.
        let code = unsafe {
            (self.api.verify_pin)(self.handle, kind, pin.as_ptr().cast_mut().cast(), &mut left)
        };
        self.outcome("SKF_VerifyPIN", code, left)
    }

    /// None when the library has no SKF_ChangePIN.
    pub fn change_pin(
        &self,
        kind: ULONG,
        old: &Secret,
        new: &Secret,
        limit: std::time::Duration,
    ) -> Result<Option<PinOutcome>> {
        let Some(change) = self.api.change_pin else { return Ok(None) };
        let (old, new) = (c_pin(old)?, c_pin(new)?);
        let mut left: ULONG = 0;
        let _watch = watchdog::guard("SKF_ChangePIN", limit);
        // SAFETY: NUL-terminated PINs and a place for the count.
        let code = unsafe {
            change(
                self.handle,
                kind,
                old.as_ptr().cast_mut().cast(),
                new.as_ptr().cast_mut().cast(),
                &mut left,
            )
        };
        self.outcome("SKF_ChangePIN", code, left).map(Some)
    }

    /// None when the library has no SKF_UnblockPIN.
    pub fn unblock_pin(
        &self,
        admin: &Secret,
        new: &Secret,
        limit: std::time::Duration,
    ) -> Result<Option<PinOutcome>> {
        let Some(unblock) = self.api.unblock_pin else { return Ok(None) };
        let (admin, new) = (c_pin(admin)?, c_pin(new)?);
        let mut left: ULONG = 0;
        let _watch = watchdog::guard("SKF_UnblockPIN", limit);
        // SAFETY: NUL-terminated PINs and a place for the count.
        let code = unsafe {
            unblock(
                self.handle,
                admin.as_ptr().cast_mut().cast(),
                new.as_ptr().cast_mut().cast(),
                &mut left,
            )
        };
        self.outcome("SKF_UnblockPIN", code, left).map(Some)
    }

    /// Ends the application's login: SKF_ClearSecureState, whose answer is checked. A library
    /// without the call ends it when the application is closed.
    pub fn clear_secure_state(&self) -> Result<()> {
        let Some(clear) = self.api.clear_secure_state else { return Ok(()) };
        let _watch = watchdog::guard("SKF_ClearSecureState", watchdog::limit());
        // SAFETY: the open application's handle.
        let code = unsafe { clear(self.handle) };
        self.api.check("SKF_ClearSecureState", code)
    }

    pub fn containers(&self) -> Result<Vec<String>> {
        let api = &self.api;
        // SAFETY: the buffer and its size come from `read_bytes`.
        api.read_names("SKF_EnumContainer", |buf, len| unsafe {
            (api.enum_container)(self.handle, buf.cast(), len)
        })
    }

    pub fn open_container(&self, name: &str) -> Result<ContainerHandle> {
        let api = &self.api;
        // SAFETY: the application's handle, a NUL-terminated name and a place for the handle.
        let handle = api.open_by_name("SKF_OpenContainer", name, |name, handle| unsafe {
            (api.open_container)(self.handle, name, handle)
        })?;
        Ok(ContainerHandle { api: api.clone(), handle })
    }
}

pub(crate) struct ContainerHandle {
    api: Arc<Api>,
    handle: HCONTAINER,
}

impl Drop for ContainerHandle {
    fn drop(&mut self) {
        // SAFETY: the handle came from SKF_OpenContainer and is dropped once.
        unsafe { (self.api.close_container)(self.handle) };
    }
}

impl ContainerHandle {
    /// RSA, ECC (SM2), or unknown where the library does not say.
    pub fn kind(&self) -> Option<ULONG> {
        let get = self.api.get_container_type?;
        let mut kind = 0;
        let _watch = watchdog::guard("SKF_GetContainerType", watchdog::limit());
        // SAFETY: a place for the answer.
        (unsafe { get(self.handle, &mut kind) } == SAR_OK).then_some(kind)
    }

    /// The signing (`sign`) or encryption certificate's DER; None when the container has none.
    pub fn certificate(&self, sign: bool) -> Result<Option<Vec<u8>>> {
        let api = &self.api;
        let flag = if sign { TRUE } else { FALSE };
        // SAFETY: the buffer and its size come from `read_bytes`.
        match api.read_bytes("SKF_ExportCertificate", |buf, len| unsafe {
            (api.export_certificate)(self.handle, flag, buf, len)
        }) {
            Ok(der) if der.is_empty() => Ok(None),
            Ok(der) => Ok(Some(der)),
            Err(Error::Skf { code, .. })
                if code == sar_name(SAR_CERTNOTFOUNTERR)
                    || code == sar_name(SAR_KEYNOTFOUNTERR) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// An SM2 signature (r ‖ s, 32 bytes each) of the digest e = SM3(Z ‖ M).
    pub fn ecc_sign(&self, digest: &[u8; 32]) -> Result<[u8; 64]> {
        let api = &self.api;
        let sign = api.ecc_sign_data.ok_or_else(|| api.garbage("SKF_ECCSignData", "missing"))?;
        let mut blob = ECCSIGNATUREBLOB::default();
        let mut input = *digest;
        let _watch = watchdog::guard("SKF_ECCSignData", watchdog::limit());
        // SAFETY: 32 bytes in, a signature blob out.
        api.check("SKF_ECCSignData", unsafe {
            sign(self.handle, input.as_mut_ptr(), 32, &mut blob)
        })?;
        let (r, s) = ({ blob.r }, { blob.s });
        // A 256-bit value sits right-aligned in its 64 bytes; anything in front is garbage.
        if r[..32].iter().chain(&s[..32]).any(|b| *b != 0) {
            return Err(api.garbage("SKF_ECCSignData", "an r or s wider than 256 bits"));
        }
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&r[32..]);
        out[32..].copy_from_slice(&s[32..]);
        Ok(out)
    }

    /// An RSA PKCS#1 v1.5 signature of a DigestInfo.
    pub fn rsa_sign(&self, digest_info: &[u8]) -> Result<Vec<u8>> {
        let api = &self.api;
        let sign = api.rsa_sign_data.ok_or_else(|| api.garbage("SKF_RSASignData", "missing"))?;
        let mut input = digest_info.to_vec();
        let mut out = vec![0u8; 512];
        let mut len = out.len() as ULONG;
        let _watch = watchdog::guard("SKF_RSASignData", watchdog::limit());
        // SAFETY: the input, and a 512-byte buffer with its size.
        api.check("SKF_RSASignData", unsafe {
            sign(self.handle, input.as_mut_ptr(), input.len() as ULONG, out.as_mut_ptr(), &mut len)
        })?;
        if len as usize > out.len() {
            return Err(
                api.garbage("SKF_RSASignData", &format!("{len} bytes in a 512-byte buffer"))
            );
        }
        out.truncate(len as usize);
        Ok(out)
    }
}

/// A certificate found in a container.
pub(crate) struct ContainerCert {
    pub container: String,
    pub sign: bool,
    pub der: Vec<u8>,
}

/// Every certificate in the application's containers: the signing one first in each.
pub(crate) fn certificates(app: &Application) -> Result<Vec<ContainerCert>> {
    let mut out = Vec::new();
    for name in app.containers()? {
        let container = app.open_container(&name)?;
        if container.kind() == Some(CONTAINER_EMPTY) {
            continue;
        }
        for sign in [true, false] {
            if let Some(der) = container.certificate(sign)? {
                out.push(ContainerCert { container: name.clone(), sign, der });
            }
        }
    }
    Ok(out)
}

/// The key's application, open, with the connection to its device. Fields drop in order: the
/// application is closed before the device is disconnected.
pub(crate) struct Opened {
    pub app: Application,
    _device: Device,
}

/// Connects to the device and opens the key's application.
pub(crate) fn open(api: &Arc<Api>, place: &SkfPlace) -> Result<Opened> {
    let device = Device::connect(api, &place.device)?;
    let app = device.open(&place.app)?;
    Ok(Opened { app, _device: device })
}
