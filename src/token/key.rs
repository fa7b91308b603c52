//! What zca knows of a key and of a library that failed: plain facts, shared by the PKCS#11
//! and SKF sides of the token layer.

use std::path::PathBuf;

use cryptoki::slot::{Slot, TokenInfo};
use serde::Serialize;

use crate::error::Error;
pub use crate::pin_state::{PinState, PinTries};
use crate::t;

/// Why a module could not be used.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum LoadFailure {
    FileMissing,
    NotPkcs11(String),
    NotSkf(String),
    /// The SKF library could not list its devices.
    DeviceListFailed(String),
    InitializeFailed(String),
    SlotListFailed(String),
}

impl LoadFailure {
    pub fn message(&self) -> String {
        match self {
            LoadFailure::FileMissing => t!("load-file-missing"),
            LoadFailure::NotPkcs11(d) => t!("load-not-pkcs11", detail = d.as_str()),
            LoadFailure::NotSkf(d) => t!("load-not-skf", detail = d.as_str()),
            LoadFailure::DeviceListFailed(e) => t!("load-device-list-failed", detail = e.as_str()),
            LoadFailure::InitializeFailed(rv) => t!("load-init-failed", rv = rv.as_str()),
            LoadFailure::SlotListFailed(rv) => t!("load-slot-list-failed", rv = rv.as_str()),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct LibraryInfo {
    pub description: String,
    pub manufacturer: String,
    pub version: String,
    pub cryptoki_version: String,
}

#[derive(Clone, Copy, Debug)]
pub struct PinFlags {
    pub user: PinState,
    pub so: PinState,
    pub to_be_changed: bool,
    /// Where the key counts them (SKF).
    pub user_tries: Option<PinTries>,
    pub so_tries: Option<PinTries>,
}

/// The interfaces through which zca reaches a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interface {
    Pkcs11,
    Skf,
}

/// Where a key sits behind a PKCS#11 module.
#[derive(Clone, Copy, Debug)]
pub(crate) struct P11Place {
    pub module: usize,
    pub slot: Slot,
}

/// One inserted, initialized key. A key that a module shows in several slots (OpenSC makes one
/// slot per PIN) is one key with several slots; a key that both a PKCS#11 module and an SKF
/// library reach (the same CA锁ID) is one key with both interfaces. PKCS#11 then does the work
/// and SKF tells the PIN's tries.
#[derive(Clone, Debug, Serialize)]
pub struct Key {
    /// The token serial number: the platform's CA锁ID.
    pub ca_lock_id: String,
    pub label: String,
    pub manufacturer: String,
    pub model: String,
    pub hardware_version: String,
    pub firmware_version: String,
    pub login_required: bool,
    pub protected_auth_path: bool,
    pub pin_state: PinState,
    pub pin_to_be_changed: bool,
    /// The SO (admin) PIN's state, which `zca pin unlock` spends.
    pub so_pin_state: PinState,
    pub min_pin_length: usize,
    pub max_pin_length: usize,
    /// The PIN's tries left and maximum, where the key tells them (SKF).
    pub pin_tries: Option<PinTries>,
    pub so_pin_tries: Option<PinTries>,
    /// The library zca works through: the PKCS#11 module, else the SKF library.
    pub module: PathBuf,
    pub slots: Vec<u64>,
    pub interfaces: Vec<Interface>,
    pub skf_library: Option<PathBuf>,
    /// The key's storage in bytes, total and free, where its driver tells them.
    #[serde(skip)]
    pub storage: Option<Storage>,
    #[serde(skip)]
    pub(crate) p11: Option<P11Place>,
    #[serde(skip)]
    pub(crate) skf: Option<SkfPlace>,
}

/// A key's storage, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Storage {
    pub total: u64,
    pub free: u64,
}

impl Key {
    /// `--token` matches the CA锁ID or the label, exactly.
    pub fn matches(&self, selector: &str) -> bool {
        self.ca_lock_id == selector || self.label == selector
    }
}

/// Where a key sits behind an SKF library.
#[derive(Clone, Debug)]
pub(crate) struct SkfPlace {
    pub library: usize,
    pub device: String,
    pub app: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SlotEntry {
    pub module: PathBuf,
    pub id: u64,
    pub description: String,
    pub token_present: bool,
    pub token_initialized: bool,
    /// The CA锁ID of the key in this slot.
    pub ca_lock_id: Option<String>,
    #[serde(skip)]
    pub(super) slot: Option<Slot>,
    /// Why the key in this slot could not be read (C_GetTokenInfo failed).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "message_of")]
    pub error: Option<Error>,
}

fn message_of<S: serde::Serializer>(
    e: &Option<Error>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&e.as_ref().map(Error::message).unwrap_or_default())
}

pub(super) fn pin_state_of(info: &TokenInfo) -> PinState {
    PinState::from_flags(
        info.user_pin_locked(),
        info.user_pin_final_try(),
        info.user_pin_count_low(),
    )
}

pub(super) fn so_pin_state_of(info: &TokenInfo) -> PinState {
    PinState::from_flags(info.so_pin_locked(), info.so_pin_final_try(), info.so_pin_count_low())
}
