//! Loading a PKCS#11 module (C_Initialize under the watchdog, its library information) and
//! naming its errors as the PKCS#11 documents spell them.

use std::path::{Path, PathBuf};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use serde::Serialize;

use super::discover::{Candidate, ModuleSource};
use super::key::{LibraryInfo, LoadFailure};
use super::raw::RawModule;
use super::watchdog;
use crate::error::Error;

/// One module and what became of loading it.
#[derive(Serialize)]
pub struct Module {
    pub path: PathBuf,
    pub source: ModuleSource,
    pub vendor: Option<String>,
    pub loaded: bool,
    pub error: Option<LoadFailure>,
    pub library: Option<LibraryInfo>,
    #[serde(skip)]
    pub(super) ctx: Option<Pkcs11>,
    #[serde(skip)]
    pub(crate) raw: Option<RawModule>,
}

pub(super) fn sees_tokens_only_at_initialize(path: &Path) -> bool {
    path.file_name()
        .and_then(|f| f.to_str())
        .and_then(super::vendors::vendor_of_file)
        .is_some_and(|v| v.tokens_at_initialize)
}

pub(super) fn load(candidate: Candidate) -> Module {
    let mut module = Module {
        path: candidate.path,
        source: candidate.source,
        vendor: candidate.vendor,
        loaded: false,
        error: None,
        library: None,
        ctx: None,
        raw: None,
    };
    if !module.path.exists() {
        module.error = Some(LoadFailure::FileMissing);
        return module;
    }
    let ctx = match Pkcs11::new(&module.path) {
        Ok(ctx) => ctx,
        Err(CkError::LibraryLoading(e)) => {
            module.error = Some(LoadFailure::NotPkcs11(e.to_string()));
            return module;
        }
        Err(CkError::MissingSymbol(name)) => {
            module.error = Some(LoadFailure::NotPkcs11(format!("{name} missing")));
            return module;
        }
        Err(e) => {
            module.error = Some(LoadFailure::NotPkcs11(ck_name(&e)));
            return module;
        }
    };
    let watch = watchdog::guard("C_Initialize", watchdog::limit());
    let initialized = ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK));
    drop(watch);
    match initialized {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => {
            module.error = Some(LoadFailure::InitializeFailed(ck_name(&e)));
            return module;
        }
    }
    if let Ok(info) = ctx.get_library_info() {
        module.library = Some(LibraryInfo {
            description: info.library_description().trim().to_string(),
            manufacturer: info.manufacturer_id().trim().to_string(),
            version: info.library_version().to_string(),
            cryptoki_version: info.cryptoki_version().to_string(),
        });
    }
    module.loaded = true;
    module.raw = RawModule::load(&module.path);
    module.ctx = Some(ctx);
    module
}

/// `CKR_PIN_INCORRECT` style name of a cryptoki error, as the PKCS#11 documents spell it.
pub fn ck_name(err: &CkError) -> String {
    match err {
        CkError::Pkcs11(rv, _) => rv_name(*rv),
        other => other.to_string(),
    }
}

pub fn rv_name(rv: RvError) -> String {
    let debug = format!("{rv:?}");
    if !debug.chars().all(char::is_alphanumeric) {
        return debug;
    }
    let mut name = String::from("CKR");
    for c in debug.chars() {
        if c.is_uppercase() {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

/// The error for a failed call: the key gone and a hardware fault are told apart from the rest,
/// as the user's next step differs.
pub fn pkcs11_error(module: &std::path::Path, err: &CkError) -> Error {
    let function = match err {
        CkError::Pkcs11(_, f) => format!("C_{f:?}"),
        _ => "-".to_string(),
    };
    let (module, rv) = (module.to_path_buf(), ck_name(err));
    match err {
        CkError::Pkcs11(
            RvError::DeviceRemoved
            | RvError::TokenNotPresent
            | RvError::TokenNotRecognized
            | RvError::SessionHandleInvalid
            | RvError::SessionClosed,
            _,
        ) => Error::TokenRemoved { function },
        CkError::Pkcs11(RvError::DeviceError | RvError::DeviceMemory, _) => {
            Error::TokenDeviceError { module, function, rv }
        }
        _ => Error::Pkcs11 { module, function, rv },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rv_names_follow_the_spec_spelling() {
        assert_eq!(rv_name(RvError::PinIncorrect), "CKR_PIN_INCORRECT");
        assert_eq!(rv_name(RvError::SlotIdInvalid), "CKR_SLOT_ID_INVALID");
        assert_eq!(rv_name(RvError::GeneralError), "CKR_GENERAL_ERROR");
    }
}
