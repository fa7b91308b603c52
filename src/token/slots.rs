//! The slots of a PKCS#11 module and the keys in them: one C_GetSlotList, one C_GetTokenInfo
//! per slot, a key seen in several slots (OpenSC makes one per PIN) taken once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cryptoki::context::Pkcs11;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::slot::{Slot, TokenInfo};

use super::inventory::Inventory;
use super::key::{
    pin_state_of, so_pin_state_of, Interface, Key, LoadFailure, P11Place, SlotEntry, Storage,
};
use super::module::{ck_name, pkcs11_error};
use super::raw::{decode_text, RawModule};
use super::watchdog;

impl Inventory {
    pub(super) fn list_slots_of(&mut self, index: usize) {
        let Some(ctx) = self.modules[index].ctx.clone() else { return };
        let path = self.modules[index].path.clone();
        let _watch = watchdog::guard("C_GetSlotList", watchdog::limit());
        if let Err(rv) = self.scan_slots(&ctx, index, &path) {
            self.modules[index].error = Some(LoadFailure::SlotListFailed(rv));
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
