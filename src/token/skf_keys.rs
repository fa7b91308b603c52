//! The keys an SKF library reaches, merged with those PKCS#11 modules reach: the same CA锁ID
//! is one key with both interfaces, whose PIN state SKF's counts of tries make exact.

use std::path::Path;

use super::inventory::Inventory;
use super::key::{Interface, Key, LoadFailure, SkfPlace, SlotEntry};
use super::skf::{self, SkfDevice};
use crate::pin_state::{PinState, PinTries};

impl Inventory {
    /// Adds the devices of an SKF library: a key already seen through PKCS#11 (the same CA锁ID)
    /// gains the SKF interface and its tries; the others are keys of their own.
    pub(super) fn list_skf_devices_of(&mut self, index: usize) {
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
