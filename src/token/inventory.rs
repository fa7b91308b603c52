//! Loading PKCS#11 modules and taking stock of their slots and keys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::{Attribute, ObjectClass};
use cryptoki::session::Session;
use cryptoki::slot::{Slot, TokenInfo};
use serde::Serialize;

use super::discover::{Candidate, ModuleSource};
use super::quirks::ModuleQuirks;
use super::raw::{decode_text, RawModule};
use super::skf::{self, SkfDevice, SkfLibrary, SkfPlace};
use super::watchdog;
use crate::error::{Error, Result};
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
    ctx: Option<Pkcs11>,
    #[serde(skip)]
    pub(crate) raw: Option<RawModule>,
}

fn pin_state_of(info: &TokenInfo) -> PinState {
    PinState::from_flags(
        info.user_pin_locked(),
        info.user_pin_final_try(),
        info.user_pin_count_low(),
    )
}

fn so_pin_state_of(info: &TokenInfo) -> PinState {
    PinState::from_flags(info.so_pin_locked(), info.so_pin_final_try(), info.so_pin_count_low())
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
    slot: Option<Slot>,
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

/// Every module, slot and key this run can see.
pub struct Inventory {
    pub modules: Vec<Module>,
    pub skf_libraries: Vec<SkfLibrary>,
    pub slots: Vec<SlotEntry>,
    pub keys: Vec<Key>,
    /// Entries of the config file, before the built-in quirks table.
    pub quirks: Vec<ModuleQuirks>,
}

/// C_Finalize ends what the modules hold for zca, sessions included: listing leaves its
/// sessions to it rather than close each one (see `keep_open`).
impl Drop for Inventory {
    fn drop(&mut self) {
        for module in &mut self.modules {
            if let Some(ctx) = module.ctx.take() {
                let _ = ctx.finalize();
            }
        }
    }
}

/// A session that C_Finalize will close when the inventory goes: one C_CloseSession less per
/// key, which on a USB key is a round trip.
pub(crate) fn keep_open(session: Session) {
    std::mem::forget(session);
}

impl Inventory {
    /// Loads every candidate, PKCS#11 modules and SKF libraries, and lists their keys; a
    /// library that fails is recorded, never fatal.
    pub fn scan(candidates: Vec<Candidate>, skf_candidates: Vec<Candidate>) -> Inventory {
        let mut inv = Inventory {
            modules: Vec::new(),
            skf_libraries: Vec::new(),
            slots: Vec::new(),
            keys: Vec::new(),
            quirks: Vec::new(),
        };
        for candidate in candidates {
            inv.modules.push(load(candidate));
            inv.list_slots_of(inv.modules.len() - 1);
        }
        for candidate in skf_candidates {
            inv.skf_libraries.push(skf::load(candidate));
            inv.list_skf_devices_of(inv.skf_libraries.len() - 1);
        }
        inv
    }

    /// Adds the devices of an SKF library: a key already seen through PKCS#11 (the same CA锁ID)
    /// gains the SKF interface and its tries; the others are keys of their own.
    fn list_skf_devices_of(&mut self, index: usize) {
        let Some(api) = self.skf_libraries[index].api.clone() else { return };
        let devices = match skf::devices(&api) {
            Ok(devices) => devices,
            Err(e) => {
                self.skf_libraries[index].error = Some(LoadFailure::DeviceListFailed(e.message()));
                return;
            }
        };
        let path = self.skf_libraries[index].path.clone();
        for device in devices {
            let device = match device {
                Ok(d) => d,
                Err(e) => {
                    self.slots.push(SlotEntry {
                        module: path.clone(),
                        id: 0,
                        description: String::new(),
                        token_present: true,
                        token_initialized: false,
                        ca_lock_id: None,
                        slot: None,
                        error: Some(e),
                    });
                    continue;
                }
            };
            let place =
                SkfPlace { library: index, device: device.name.clone(), app: device.app.clone() };
            match self.keys.iter_mut().find(|k| k.ca_lock_id == device.serial) {
                Some(key) if key.skf.is_none() => key.add_skf(&device, place, &path),
                Some(_) => {}
                None => self.keys.push(Key::from_skf(&device, place, &path)),
            }
        }
    }

    /// Takes stock again after keys may have come or gone (for `detect --watch`). Listing the
    /// slots is what makes PC/SC modules look for new readers; a module that sees tokens only
    /// at C_Initialize (SoftHSM reads its token folder then) is loaded afresh first.
    pub fn refresh(&mut self) {
        self.refresh_except(&|_| false);
    }

    /// `refresh`, but modules for which `busy` is true are not loaded afresh: a login on one of
    /// their keys would end with it.
    pub fn refresh_except(&mut self, busy: &dyn Fn(&Path) -> bool) {
        self.reload_modules_except(busy);
        self.slots.clear();
        self.keys.clear();
        for index in 0..self.modules.len() {
            self.list_slots_of(index);
        }
        for index in 0..self.skf_libraries.len() {
            self.list_skf_devices_of(index);
        }
    }

    fn reload_modules_except(&mut self, busy: &dyn Fn(&Path) -> bool) {
        for index in 0..self.modules.len() {
            let old = &mut self.modules[index];
            if !sees_tokens_only_at_initialize(&old.path) || busy(&old.path) {
                continue;
            }
            let Some(ctx) = old.ctx.take() else { continue };
            // cryptoki does not finalize on drop, and C_Initialize needs it.
            let _ = ctx.finalize();
            let candidate = Candidate {
                path: old.path.clone(),
                source: old.source,
                vendor: old.vendor.clone(),
            };
            self.modules[index] = load(candidate);
        }
    }

    fn list_slots_of(&mut self, index: usize) {
        let Some(ctx) = self.modules[index].ctx.clone() else { return };
        let path = self.modules[index].path.clone();
        let _watch = watchdog::guard("C_GetSlotList", watchdog::limit());
        if let Err(rv) = self.scan_slots(&ctx, index, &path) {
            self.modules[index].error = Some(LoadFailure::SlotListFailed(rv));
        }
    }

    /// One thread per module that blocks in C_WaitForSlotEvent and sends on `events` whenever a
    /// slot changes, so that a watcher hears of a key at once rather than at its next poll. A
    /// module without the call (or that answers at once without an event) ends its thread.
    pub fn forward_slot_events(&self, events: &std::sync::mpsc::Sender<()>) {
        for module in self.modules.iter().filter(|m| !sees_tokens_only_at_initialize(&m.path)) {
            let Some(ctx) = module.ctx.clone() else { continue };
            let events = events.clone();
            std::thread::spawn(move || {
                while ctx.wait_for_slot_event().is_ok() && events.send(()).is_ok() {
                    // A module that reports events in a loop must not make this one spin.
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            });
        }
        for api in self.skf_libraries.iter().filter_map(|l| l.api.clone()) {
            let events = events.clone();
            std::thread::spawn(move || {
                while api.wait_for_device_event() && events.send(()).is_ok() {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            });
        }
    }

    fn scan_slots(&mut self, ctx: &Pkcs11, index: usize, path: &Path) -> Result<(), String> {
        // All slots, not only "with token": some modules answer the latter empty while a token
        // is present. C_GetTokenInfo says both whether a token is there and what it is, so
        // C_GetSlotInfo is left to `describe_slots` (one round trip less per slot).
        let quick =
            self.modules.get(index).and_then(|m| m.raw.as_ref()).and_then(|r| r.slot_list());
        let slots = match quick {
            Some(ids) => ids.into_iter().filter_map(|id| Slot::try_from(id).ok()).collect(),
            None => ctx.get_all_slots().map_err(|e| ck_name(&e))?,
        };
        let mut by_serial: BTreeMap<String, usize> = BTreeMap::new();
        for slot in slots {
            let mut entry = SlotEntry {
                module: path.to_path_buf(),
                id: slot.id(),
                description: String::new(),
                token_present: true,
                token_initialized: false,
                ca_lock_id: None,
                slot: Some(slot),
                error: None,
            };
            let token = match ctx.get_token_info(slot) {
                Ok(info) => Some(info),
                Err(CkError::Pkcs11(RvError::TokenNotPresent | RvError::TokenNotRecognized, _)) => {
                    entry.token_present = false;
                    None
                }
                Err(e) => {
                    entry.error = Some(pkcs11_error(path, &e));
                    None
                }
            };
            if let Some(info) = token.filter(|i| i.token_initialized()) {
                let serial = info.serial_number().trim().to_string();
                entry.token_initialized = true;
                entry.ca_lock_id = Some(serial.clone());
                match by_serial.get(&serial) {
                    Some(&k) => self.keys[k].slots.push(slot.id()),
                    None => {
                        by_serial.insert(serial.clone(), self.keys.len());
                        let raw = self.modules.get(index).and_then(|m| m.raw.as_ref());
                        let key =
                            key_from_info(&info, serial, path.to_path_buf(), index, slot, raw);
                        self.keys.push(key);
                    }
                }
            }
            self.slots.push(entry);
        }
        Ok(())
    }

    /// Reads the readers' names (C_GetSlotInfo), which only `detect` shows.
    pub fn describe_slots(&mut self) {
        for entry in &mut self.slots {
            let module = self.modules.iter().find(|m| m.path == entry.module);
            let Some(ctx) = module.and_then(|m| m.ctx.as_ref()) else { continue };
            if let Some(info) = entry.slot.and_then(|s| ctx.get_slot_info(s).ok()) {
                entry.description = info.slot_description().trim().to_string();
            }
        }
    }

    /// Whether the key sits in a hardware slot (a reader, a USB key) rather than a software
    /// token, as the slot's CKF_HW_SLOT flag says. SKF libraries drive USB keys.
    pub fn is_hardware(&self, key: &Key) -> bool {
        match self.p11(key) {
            Ok((ctx, slot)) => ctx.get_slot_info(slot).is_ok_and(|i| i.hardware_slot()),
            Err(_) => key.skf.is_some(),
        }
    }

    /// The key's PKCS#11 module and slot; an error for a key only SKF reaches.
    pub(crate) fn p11(&self, key: &Key) -> Result<(&Pkcs11, Slot)> {
        let place = key.p11.ok_or_else(|| Error::Internal {
            detail: format!("key {} has no PKCS#11 interface", key.ca_lock_id),
        })?;
        let ctx = self.modules[place.module].ctx.as_ref().expect("keys come from loaded modules");
        Ok((ctx, place.slot))
    }

    /// The key's application behind its SKF library, opened.
    pub(crate) fn open_skf(&self, key: &Key) -> Result<Option<skf::Opened>> {
        let Some(place) = &key.skf else { return Ok(None) };
        let api = self.skf_libraries[place.library]
            .api
            .as_ref()
            .expect("keys come from loaded libraries");
        skf::open(api, place).map(Some)
    }

    /// The keys to work on: all, or the one `--token` names. Fails when there is none.
    pub fn select(&self, selector: Option<&str>) -> Result<Vec<&Key>> {
        self.require_key()?;
        let keys: Vec<&Key> = match selector {
            Some(s) => self.keys.iter().filter(|k| k.matches(s)).collect(),
            None => self.keys.iter().collect(),
        };
        if keys.is_empty() {
            return Err(Error::TokenNotFound { selector: selector.unwrap_or_default().into() });
        }
        Ok(keys)
    }

    /// `driver_missing` / `driver_unusable` / `token_missing`, or fine.
    pub fn require_key(&self) -> Result<()> {
        if !self.keys.is_empty() {
            return Ok(());
        }
        if self.modules.is_empty() && self.skf_libraries.is_empty() {
            return Err(Error::DriverMissing);
        }
        // A library that loaded but could not list its slots or devices is no more use than one
        // that did not.
        let libraries = self
            .modules
            .iter()
            .map(|m| (&m.path, m.loaded, &m.error))
            .chain(self.skf_libraries.iter().map(|l| (&l.path, l.loaded, &l.error)));
        let failures: Vec<(PathBuf, String)> = libraries
            .filter(|(_, loaded, error)| !loaded || error.is_some())
            .map(|(path, _, e)| (path.clone(), e.as_ref().map(|e| e.message()).unwrap_or_default()))
            .collect();
        if failures.len() == self.modules.len() + self.skf_libraries.len() {
            return Err(Error::DriverUnusable { failures });
        }
        // A key that is there but cannot be read says more than "no key".
        if let Some(slot) = self.slots.iter().find(|s| s.error.is_some()) {
            return Err(slot.error.clone().expect("found by its error"));
        }
        Err(Error::TokenMissing)
    }

    /// A read-only session on the key's first slot.
    pub fn open_session(&self, key: &Key) -> Result<Session> {
        let (ctx, slot) = self.p11(key)?;
        let _watch = watchdog::guard("C_OpenSession", watchdog::limit());
        ctx.open_ro_session(slot).map_err(|e| pkcs11_error(&key.module, &e))
    }

    /// The key's PIN state now, read again from the token.
    pub fn pin_state(&self, key: &Key) -> Result<PinState> {
        Ok(self.pin_flags(key)?.user)
    }

    /// The PIN's state as the key says it now (not as it was when zca started): from the tries
    /// SKF counts where the key has that interface, else from the PKCS#11 flags.
    pub fn pin_flags(&self, key: &Key) -> Result<PinFlags> {
        if let Some(opened) = self.open_skf(key)? {
            return opened.app.pin_flags();
        }
        let (ctx, slot) = self.p11(key)?;
        let _watch = watchdog::guard("C_GetTokenInfo", watchdog::limit());
        let info = ctx.get_token_info(slot).map_err(|e| pkcs11_error(&key.module, &e))?;
        Ok(PinFlags {
            user: pin_state_of(&info),
            so: so_pin_state_of(&info),
            to_be_changed: info.user_pin_to_be_changed(),
            user_tries: None,
            so_tries: None,
        })
    }

    pub(crate) fn raw_module(&self, key: &Key) -> Option<&RawModule> {
        self.modules[key.p11?.module].raw.as_ref()
    }

    /// What the key's module does its own way.
    pub fn quirks_for(&self, key: &Key) -> ModuleQuirks {
        let Some(place) = key.p11 else { return super::quirks::for_module(&self.quirks, "", "") };
        let module = &self.modules[place.module];
        let file = module.path.file_name().and_then(|f| f.to_str()).unwrap_or_default();
        let manufacturer = module.library.as_ref().map(|l| l.manufacturer.as_str()).unwrap_or("");
        super::quirks::for_module(&self.quirks, file, manufacturer)
    }

    /// Whether the key's slot offers `mechanism` for signing (C_GetMechanismInfo: vendor
    /// mechanisms are missing from cryptoki's mechanism list).
    pub fn can_sign_with(&self, key: &Key, mechanism: u64) -> bool {
        let Ok((ctx, slot)) = self.p11(key) else { return false };
        let Ok(kind) = cryptoki::mechanism::MechanismType::new_vendor_defined(mechanism as _)
        else {
            return false;
        };
        ctx.get_mechanism_info(slot, kind).is_ok_and(|i| i.sign())
    }

    /// A read-write session, which changing a PIN needs.
    pub fn open_rw_session(&self, key: &Key) -> Result<Session> {
        let (ctx, slot) = self.p11(key)?;
        let _watch = watchdog::guard("C_OpenSession", watchdog::limit());
        ctx.open_rw_session(slot).map_err(|e| pkcs11_error(&key.module, &e))
    }

    /// Number of certificates visible without login.
    pub fn count_certificates(&self, key: &Key) -> Result<usize> {
        if key.p11.is_none() {
            return Ok(self
                .open_skf(key)?
                .map_or(Ok(Vec::new()), |o| skf::certificates(&o.app))?
                .len());
        }
        let session = self.open_session(key)?;
        let _watch = watchdog::guard("C_FindObjects", watchdog::limit());
        // One C_FindObjects for up to 1024 certificates where cryptoki would ask 10 at a time.
        let quick = self.raw_module(key).map(|r| {
            r.find_objects(session.handle(), Some(cryptoki_sys::CKO_CERTIFICATE), 1024, false)
        });
        let found = match quick {
            Some(Ok((handles, _))) => handles.len(),
            _ => session
                .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
                .map_err(|e| pkcs11_error(&key.module, &e))?
                .len(),
        };
        keep_open(session);
        Ok(found)
    }
}

/// The label as text; one that is not UTF-8 is read again as bytes and decoded (see `raw`).
fn token_label(info: &TokenInfo, raw: Option<&RawModule>, slot: Slot) -> String {
    let lossy = info.label().trim();
    if !lossy.contains(char::REPLACEMENT_CHARACTER) {
        return lossy.to_string();
    }
    raw.and_then(|r| r.token_label(slot.id() as _))
        .map(|bytes| decode_text(&bytes))
        .unwrap_or_else(|| lossy.to_string())
}

fn key_from_info(
    info: &TokenInfo,
    serial: String,
    module: PathBuf,
    index: usize,
    slot: Slot,
    raw: Option<&RawModule>,
) -> Key {
    Key {
        ca_lock_id: serial,
        label: token_label(info, raw, slot),
        manufacturer: info.manufacturer_id().trim().to_string(),
        model: info.model().trim().to_string(),
        hardware_version: info.hardware_version().to_string(),
        firmware_version: info.firmware_version().to_string(),
        login_required: info.login_required(),
        protected_auth_path: info.protected_authentication_path(),
        pin_state: pin_state_of(info),
        so_pin_state: so_pin_state_of(info),
        pin_to_be_changed: info.user_pin_to_be_changed(),
        min_pin_length: info.min_pin_length(),
        max_pin_length: info.max_pin_length(),
        pin_tries: None,
        so_pin_tries: None,
        module,
        slots: vec![slot.id()],
        interfaces: vec![Interface::Pkcs11],
        skf_library: None,
        storage: storage_of(info),
        p11: Some(P11Place { module: index, slot }),
        skf: None,
    }
}

/// Public and private memory together, where the module tells both (most say "unavailable").
fn storage_of(info: &TokenInfo) -> Option<Storage> {
    let total = info.total_public_memory()? as u64 + info.total_private_memory()? as u64;
    let free = info.free_public_memory()? as u64 + info.free_private_memory()? as u64;
    Some(Storage { total, free })
}

/// SKF does not tell a PIN's length limits; these are the ones the standard's vendors keep.
const SKF_PIN_LENGTHS: (usize, usize) = (6, 16);

impl Key {
    fn from_skf(device: &SkfDevice, place: SkfPlace, library: &Path) -> Key {
        Key {
            ca_lock_id: device.serial.clone(),
            label: device.label.clone(),
            manufacturer: device.manufacturer.clone(),
            model: String::new(),
            hardware_version: device.hardware_version.clone(),
            firmware_version: device.firmware_version.clone(),
            login_required: true,
            protected_auth_path: false,
            pin_state: device.user.state(),
            pin_to_be_changed: device.default_pin,
            so_pin_state: device.admin.map_or(PinState::Ok, PinTries::state),
            min_pin_length: SKF_PIN_LENGTHS.0,
            max_pin_length: SKF_PIN_LENGTHS.1,
            pin_tries: Some(device.user),
            so_pin_tries: device.admin,
            module: library.to_path_buf(),
            slots: Vec::new(),
            interfaces: vec![Interface::Skf],
            skf_library: Some(library.to_path_buf()),
            storage: Some(device.storage),
            p11: None,
            skf: Some(place),
        }
    }

    /// The same key reached through SKF too: its counts of tries make the PIN state exact.
    fn add_skf(&mut self, device: &SkfDevice, place: SkfPlace, library: &Path) {
        self.pin_tries = Some(device.user);
        self.so_pin_tries = device.admin;
        self.pin_state = device.user.state();
        if let Some(admin) = device.admin {
            self.so_pin_state = admin.state();
        }
        self.interfaces.push(Interface::Skf);
        self.skf_library = Some(library.to_path_buf());
        self.storage = self.storage.or(Some(device.storage));
        self.skf = Some(place);
    }
}

fn sees_tokens_only_at_initialize(path: &Path) -> bool {
    path.file_name()
        .and_then(|f| f.to_str())
        .and_then(super::vendors::vendor_of_file)
        .is_some_and(|v| v.tokens_at_initialize)
}

fn load(candidate: Candidate) -> Module {
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
