//! What modules do their own way, as data. SM2 has no standard PKCS#11 numbers: each vendor
//! picks its own key type and mechanisms, returns r ‖ s or DER, and either hashes with Z itself
//! or signs a digest the caller made. An entry says which, for the modules it matches; users add
//! or override entries with `[[module]]` tables in the config file, which come first.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureFormat {
    /// Whichever the signature turns out to be: 64 bytes are r ‖ s, a SEQUENCE is DER.
    #[default]
    Auto,
    Raw,
    Der,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleQuirks {
    /// Who the entry is for, named in messages.
    pub name: String,
    /// Library file names the entry matches, e.g. `libgm3000_pkcs11.so`.
    #[serde(default)]
    pub file_names: Vec<String>,
    /// Or text in the library's C_GetInfo manufacturer.
    pub manufacturer: Option<String>,
    /// CKA_KEY_TYPE of SM2 keys (informative: keys are found by CKA_ID and public key).
    pub sm2_key_type: Option<u64>,
    /// A mechanism that signs the message itself, hashing with Z for the ID 1234567812345678.
    pub sm2_sm3_mechanism: Option<u64>,
    /// A mechanism that signs a digest e = SM3(Z ‖ M), which zca then computes.
    pub sm2_digest_mechanism: Option<u64>,
    #[serde(default)]
    pub sm2_signature: SignatureFormat,
}

impl ModuleQuirks {
    fn matches(&self, file_name: &str, manufacturer: &str) -> bool {
        self.file_names.iter().any(|f| f == file_name)
            || self
                .manufacturer
                .as_deref()
                .is_some_and(|m| !m.is_empty() && manufacturer.contains(m))
    }
}

/// Numbering seen in public sources for several vendors' SM2 support; tried for any module
/// that no entry describes.
fn common_numbering() -> ModuleQuirks {
    ModuleQuirks {
        name: "common vendor numbering".into(),
        file_names: Vec::new(),
        manufacturer: None,
        sm2_key_type: Some(0x8000_0004),
        sm2_sm3_mechanism: Some(0x8000_8100),
        sm2_digest_mechanism: None,
        sm2_signature: SignatureFormat::Auto,
    }
}

/// The entry for a module: the first matching one of `user` (the config file), then the
/// built-in table, else the common numbering.
pub fn for_module(user: &[ModuleQuirks], file_name: &str, manufacturer: &str) -> ModuleQuirks {
    user.iter()
        .chain(builtin().iter())
        .find(|q| q.matches(file_name, manufacturer))
        .cloned()
        .unwrap_or_else(common_numbering)
}

/// Modules whose SM2 numbering is known; empty until a vendor's numbers are confirmed on a
/// real key (public sources disagree between product lines).
fn builtin() -> &'static [ModuleQuirks] {
    &[]
}
