//! Certificate objects on a key, with the facts zca shows and whether the private key is there.

use std::path::PathBuf;

use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use serde::Serialize;
use time::OffsetDateTime;

use super::inventory::{pkcs11_error, Inventory, Key};
use super::watchdog;
use crate::error::Result;
use crate::x509::{CertFacts, PublicKeyMaterial};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivateKeyPresence {
    Yes,
    No,
    /// The key hides private objects until the PIN is given.
    Unknown,
}

#[derive(Clone, Debug, Serialize)]
pub struct CertObject {
    pub ca_lock_id: String,
    pub token_label: String,
    pub module: PathBuf,
    pub object_label: String,
    /// CKA_ID in lowercase hex.
    pub id: String,
    /// RFC 7512 URI of the object, as p11tool and pkcs11-tool accept it.
    pub uri: String,
    pub private_key: PrivateKeyPresence,
    /// Set when CKA_VALUE is not a certificate zca can read; the facts below are then absent.
    pub parse_error: Option<String>,
    #[serde(flatten)]
    pub facts: Option<CertFacts>,
    pub days_left: Option<i64>,
    #[serde(skip)]
    pub der: Vec<u8>,
}

impl CertObject {
    pub fn sha256(&self) -> String {
        match &self.facts {
            Some(f) => f.sha256.clone(),
            None => crate::x509::sha256_hex(&self.der),
        }
    }
}

/// The private keys zca can see, with what each says of its public half, to pair them with
/// certificates.
pub(crate) struct VisiblePrivateKeys {
    keys: Vec<(ObjectHandle, KeyMaterial)>,
}

/// Every certificate object on `key`, ordered by CKA_ID and label.
pub fn list_certificates(
    inv: &Inventory,
    key: &Key,
    now: OffsetDateTime,
) -> Result<Vec<CertObject>> {
    let session = inv.open_session(key)?;
    let _watch = watchdog::guard("C_FindObjects", watchdog::limit());
    let ck = |e: cryptoki::error::Error| pkcs11_error(&key.module, &e);
    let handles =
        session.find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)]).map_err(ck)?;
    let private = visible_private_keys(&session).map_err(ck)?;
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        let attrs = session
            .get_attributes(
                handle,
                &[AttributeType::Label, AttributeType::Id, AttributeType::Value],
            )
            .map_err(ck)?;
        let (mut label, mut id, mut der) = (String::new(), Vec::new(), Vec::new());
        for attr in attrs {
            match attr {
                Attribute::Label(l) => label = super::label::decode(&l),
                Attribute::Id(i) => id = i,
                Attribute::Value(v) => der = v,
                _ => {}
            }
        }
        let (facts, parse_error) = match CertFacts::parse(&der) {
            Ok(f) => (Some(f), None),
            Err(e) => (None, Some(e)),
        };
        let private_key = match &facts {
            Some(f) => private.presence(&id, &f.public_key, key.login_required),
            None => private.presence(&id, &PublicKeyMaterial::None, key.login_required),
        };
        out.push(CertObject {
            uri: object_uri(key, &id, &label),
            ca_lock_id: key.ca_lock_id.clone(),
            token_label: key.label.clone(),
            module: key.module.clone(),
            object_label: label,
            id: hex::encode(&id),
            private_key,
            parse_error,
            days_left: facts.as_ref().map(|f| f.days_left(now)),
            facts,
            der,
        });
    }
    // Modules return objects in no stable order (SoftHSM: file order); people and scripts
    // want the same listing every time.
    out.sort_by(|a, b| (&a.id, &a.object_label, &a.der).cmp(&(&b.id, &b.object_label, &b.der)));
    Ok(out)
}

/// The private keys and their public material. EC private keys rarely carry CKA_EC_POINT, so
/// the point of a public key object with the same CKA_ID stands in for it.
pub(crate) fn visible_private_keys(
    session: &Session,
) -> cryptoki::error::Result<VisiblePrivateKeys> {
    let private = session.find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])?;
    let mut keys = VisiblePrivateKeys { keys: Vec::with_capacity(private.len()) };
    if private.is_empty() {
        return Ok(keys);
    }
    let wanted = [AttributeType::Id, AttributeType::Modulus, AttributeType::EcPoint];
    for handle in private {
        keys.keys.push((handle, KeyMaterial::from(session.get_attributes(handle, &wanted)?)));
    }
    if keys.keys.iter().any(|(_, m)| m.modulus.is_none() && m.point.is_none()) {
        for handle in session.find_objects(&[Attribute::Class(ObjectClass::PUBLIC_KEY)])? {
            let public = KeyMaterial::from(session.get_attributes(handle, &wanted)?);
            for (_, m) in keys.keys.iter_mut() {
                if m.point.is_none()
                    && m.modulus.is_none()
                    && public.id.is_some()
                    && m.id == public.id
                {
                    m.point.clone_from(&public.point);
                    m.modulus.clone_from(&public.modulus);
                }
            }
        }
    }
    Ok(keys)
}

/// What a key object says of itself, as far as the module lets zca see.
struct KeyMaterial {
    id: Option<Vec<u8>>,
    modulus: Option<Vec<u8>>,
    point: Option<Vec<u8>>,
}

impl From<Vec<Attribute>> for KeyMaterial {
    fn from(attrs: Vec<Attribute>) -> KeyMaterial {
        let mut m = KeyMaterial { id: None, modulus: None, point: None };
        for attr in attrs {
            match attr {
                Attribute::Id(v) => m.id = Some(v),
                Attribute::Modulus(v) => m.modulus = Some(trim_zeros(&v).to_vec()),
                Attribute::EcPoint(v) => m.point = Some(v),
                _ => {}
            }
        }
        m
    }
}

impl VisiblePrivateKeys {
    /// The private key of a certificate: by CKA_ID first, else by public key.
    pub(crate) fn find(&self, id: &[u8], public: &PublicKeyMaterial) -> Option<ObjectHandle> {
        let by_id = self.keys.iter().find(|(_, m)| !id.is_empty() && m.id.as_deref() == Some(id));
        let by_key = || {
            self.keys.iter().find(|(_, m)| match public {
                PublicKeyMaterial::RsaModulus(want) => m.modulus.as_ref() == Some(want),
                PublicKeyMaterial::EcPoint(want) => m.point.as_deref().is_some_and(|k| {
                    k == want.as_slice() || unwrap_octet_string(k) == Some(want.as_slice())
                }),
                PublicKeyMaterial::None => false,
            })
        };
        by_id.or_else(by_key).map(|(h, _)| *h)
    }

    /// Found, not found, or "unknown" when the key may be hiding it until login.
    fn presence(
        &self,
        id: &[u8],
        public: &PublicKeyMaterial,
        login_required: bool,
    ) -> PrivateKeyPresence {
        if self.find(id, public).is_some() {
            PrivateKeyPresence::Yes
        } else if login_required {
            PrivateKeyPresence::Unknown
        } else {
            PrivateKeyPresence::No
        }
    }
}

fn trim_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// CKA_EC_POINT is a DER OCTET STRING in most modules (SoftHSM), a bare point in a few.
pub fn unwrap_octet_string(bytes: &[u8]) -> Option<&[u8]> {
    let (&tag, rest) = bytes.split_first()?;
    if tag != 0x04 {
        return None;
    }
    let (&len, rest) = rest.split_first()?;
    let (len, rest) = match len {
        n if n < 0x80 => (n as usize, rest),
        0x81 => (*rest.first()? as usize, &rest[1..]),
        _ => return None,
    };
    (rest.len() == len).then_some(rest)
}

/// `pkcs11:serial=…;token=…;id=%01;object=…;type=cert` (RFC 7512).
fn object_uri(key: &Key, id: &[u8], label: &str) -> String {
    let id: String = id.iter().map(|b| format!("%{b:02x}")).collect();
    format!(
        "pkcs11:serial={};token={};id={id};object={};type=cert",
        pct(&key.ca_lock_id),
        pct(&key.label),
        pct(label)
    )
}

fn pct(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_point_unwrapping() {
        let point = [0x04u8; 65];
        let mut wrapped = vec![0x04, 65];
        wrapped.extend_from_slice(&point);
        assert_eq!(unwrap_octet_string(&wrapped), Some(&point[..]));
        assert_eq!(unwrap_octet_string(&point), None);
        assert_eq!(unwrap_octet_string(&[]), None);
    }

    #[test]
    fn uri_escapes_non_ascii() {
        assert_eq!(pct("张 a"), "%E5%BC%A0%20a");
    }
}
