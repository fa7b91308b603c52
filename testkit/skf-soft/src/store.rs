//! The devices of the soft library, kept in a JSON file so that every process (zca, the test,
//! `zca-testkit`) sees the same devices, PIN counters and insertions.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sm2::dsa::SigningKey;

/// The default ID of GM/T 0009, with which Z is computed.
pub const DIST_ID: &str = "1234567812345678";

#[derive(Default, Serialize, Deserialize)]
pub struct Store {
    pub devices: Vec<Device>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Device {
    pub name: String,
    pub serial: String,
    pub label: String,
    pub manufacturer: String,
    pub present: bool,
    pub apps: Vec<App>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct App {
    pub name: String,
    pub user_pin: String,
    pub admin_pin: String,
    pub user_max: u32,
    pub user_left: u32,
    pub admin_max: u32,
    pub admin_left: u32,
    pub containers: Vec<Container>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Container {
    pub name: String,
    pub sign: Option<KeyPair>,
    pub enc: Option<KeyPair>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct KeyPair {
    /// The private scalar, hex.
    pub secret: String,
    /// The certificate's DER, hex; empty until one is put.
    #[serde(default)]
    pub cert: String,
}

impl KeyPair {
    pub fn generate() -> KeyPair {
        loop {
            let mut scalar = [0u8; 32];
            getrandom::fill(&mut scalar).expect("the OS gives random bytes");
            if SigningKey::from_slice(DIST_ID, &scalar).is_ok() {
                return KeyPair { secret: hex::encode(scalar), cert: String::new() };
            }
        }
    }

    pub fn signing_key(&self) -> Option<SigningKey> {
        SigningKey::from_slice(DIST_ID, &hex::decode(&self.secret).ok()?).ok()
    }

    /// The public point, 04 ‖ x ‖ y.
    pub fn point(&self) -> Option<Vec<u8>> {
        let key = self.signing_key()?;
        Some(key.verifying_key().to_sec1_bytes().to_vec())
    }
}

impl Store {
    /// The store in `file`; none yet is an empty store.
    pub fn load(file: &Path) -> std::io::Result<Store> {
        match std::fs::read(file) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Store::default()),
            Err(e) => Err(e),
        }
    }

    /// Written whole and renamed into place, so that a reader never sees half a store.
    pub fn save(&self, file: &Path) -> std::io::Result<()> {
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, serde_json::to_vec_pretty(self).expect("the store serializes"))?;
        std::fs::rename(tmp, file)
    }

    pub fn device(&self, name: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.name == name)
    }

    pub fn device_mut(&mut self, name: &str) -> Option<&mut Device> {
        self.devices.iter_mut().find(|d| d.name == name)
    }
}

impl Device {
    pub fn app(&self, name: &str) -> Option<&App> {
        self.apps.iter().find(|a| a.name == name)
    }

    pub fn app_mut(&mut self, name: &str) -> Option<&mut App> {
        self.apps.iter_mut().find(|a| a.name == name)
    }
}

impl App {
    pub fn container(&self, name: &str) -> Option<&Container> {
        self.containers.iter().find(|c| c.name == name)
    }

    pub fn container_mut(&mut self, name: &str) -> Option<&mut Container> {
        self.containers.iter_mut().find(|c| c.name == name)
    }
}
