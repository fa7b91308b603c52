//! Every library this run loaded and the keys they reach: loading (`module`, `skf`), the slots
//! (`slots`), SKF's devices merged in (`skf_keys`), then what the commands ask of a key —
//! selecting it, its sessions, its PIN state.

use std::path::{Path, PathBuf};

use cryptoki::context::Pkcs11;
use cryptoki::object::{Attribute, ObjectClass};
use cryptoki::session::Session;
use cryptoki::slot::Slot;

use super::discover::Candidate;
use super::key::{pin_state_of, so_pin_state_of, Key, PinFlags, SlotEntry};
use super::module::{load, pkcs11_error, sees_tokens_only_at_initialize, Module};
use super::quirks::ModuleQuirks;
use super::raw::RawModule;
use super::skf::{self, SkfLibrary};
use super::watchdog;
use crate::error::{Error, Result};
use crate::pin_state::PinState;

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
