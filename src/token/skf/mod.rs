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

use super::discover::{Candidate, ModuleSource};
use super::key::LoadFailure;
use super::watchdog;
use crate::error::{Error, Result};

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

mod device;

pub(crate) use device::{certificates, devices, open, Opened, PinOutcome, SkfDevice};
