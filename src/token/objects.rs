//! Certificate objects on a key, with the facts zca shows and whether the private key is there.

use std::path::PathBuf;

use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use serde::Serialize;
use time::OffsetDateTime;

use cryptoki::context::Function;
use cryptoki_sys::{CKO_CERTIFICATE, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CK_OBJECT_CLASS};

use super::inventory::{keep_open, Inventory};
use super::key::Key;
use super::module::pkcs11_error;
use super::raw::{decode_text, AttributeBuffers, ObjectAttributes, RawModule};
use super::watchdog;
use crate::error::{Error, Result};
use crate::x509::{CertFacts, PublicKeyMaterial};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivateKeyPresence {
    Yes,
    No,
    /// The key hides private objects until the PIN is given.
    Unknown,
}

/// What an SKF container holds a certificate for: signing, or encryption (whose key only
/// decrypts, so zca never signs with it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertUsage {
    Signing,
    Encryption,
}

#[derive(Clone, Debug, Serialize)]
pub struct CertObject {
    pub ca_lock_id: String,
    pub token_label: String,
    pub module: PathBuf,
    pub object_label: String,
    /// CKA_ID in lowercase hex.
    pub id: String,
    /// RFC 7512 URI of the object, as p11tool and pkcs11-tool accept it; for a certificate
    /// read through SKF, `skf:` with the device's serial and the container.
    pub uri: String,
    /// The SKF container holding it, and whether it is the signing or the encryption one.
    pub container: Option<String>,
    pub usage: Option<CertUsage>,
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

/// The certificates of a key that can sign: readable, with a private key that is (or may be,
/// behind the PIN) on the key, and not for encryption only — an SKF container's encryption
/// certificate, or a key usage without digitalSignature and nonRepudiation. What `bind`,
/// `login` and the bridge offer; one choice for all of them.
pub fn signing_certificates(
    inv: &Inventory,
    key: &Key,
    now: OffsetDateTime,
) -> Result<Vec<CertObject>> {
    let mut certs = list_certificates(inv, key, now)?;
    certs.retain(CertObject::can_sign);
    Ok(certs)
}

impl CertObject {
    /// Readable, its private key on the key (or maybe, behind the PIN), not for encryption only.
    pub fn can_sign(&self) -> bool {
        self.facts.is_some()
            && self.private_key != PrivateKeyPresence::No
            && !self.is_encryption_only()
    }

    /// For encryption only: an SKF container says so; elsewhere the key usage does.
    pub fn is_encryption_only(&self) -> bool {
        if let Some(usage) = self.usage {
            return usage == CertUsage::Encryption;
        }
        self.facts.as_ref().is_some_and(|f| {
            !f.key_usage.is_empty()
                && !f.key_usage.iter().any(|u| *u == "digitalSignature" || *u == "nonRepudiation")
        })
    }
}

/// Every certificate on `key`, ordered by CKA_ID (container) and label: through PKCS#11 where
/// the key has it, else from its SKF containers.
pub fn list_certificates(
    inv: &Inventory,
    key: &Key,
    now: OffsetDateTime,
) -> Result<Vec<CertObject>> {
    if key.p11.is_none() {
        return skf_certificates(inv, key, now);
    }
    let session = inv.open_session(key)?;
    let objects =
        token_objects(inv, key, &session, &[CKO_CERTIFICATE, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY])?;
    keep_open(session);
    let private = VisiblePrivateKeys::of(&objects);
    let mut out = Vec::new();
    for object in objects.into_iter().filter(|o| o.class == Some(CKO_CERTIFICATE)) {
        let id = object.id.unwrap_or_default();
        let label = object.label.as_deref().map(decode_text).unwrap_or_default();
        let der = object.value.unwrap_or_default();
        let (facts, parse_error) = match CertFacts::parse(&der) {
            Ok(f) => (Some(f), None),
            Err(e) => (None, Some(e)),
        };
        let public = facts.as_ref().map_or(&PublicKeyMaterial::None, |f| &f.public_key);
        let private_key = private.presence(&id, public, key.login_required);
        out.push(CertObject {
            uri: object_uri(key, &id, &label),
            container: None,
            usage: None,
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

/// The certificates of an SKF key's containers: each container's key pairs are its own, so
/// the private key is there for every certificate.
fn skf_certificates(inv: &Inventory, key: &Key, now: OffsetDateTime) -> Result<Vec<CertObject>> {
    let Some(opened) = inv.open_skf(key)? else { return Ok(Vec::new()) };
    let mut out: Vec<CertObject> = super::skf::certificates(&opened.app)?
        .into_iter()
        .map(|c| {
            let (facts, parse_error) = match CertFacts::parse(&c.der) {
                Ok(f) => (Some(f), None),
                Err(e) => (None, Some(e)),
            };
            let usage = if c.sign { CertUsage::Signing } else { CertUsage::Encryption };
            let tag = if c.sign { "sign" } else { "enc" };
            CertObject {
                ca_lock_id: key.ca_lock_id.clone(),
                token_label: key.label.clone(),
                module: key.module.clone(),
                object_label: c.container.clone(),
                id: hex::encode(c.container.as_bytes()),
                uri: format!(
                    "skf:serial={};container={};usage={tag}",
                    pct(&key.ca_lock_id),
                    pct(&c.container)
                ),
                container: Some(c.container),
                usage: Some(usage),
                private_key: PrivateKeyPresence::Yes,
                parse_error,
                days_left: facts.as_ref().map(|f| f.days_left(now)),
                facts,
                der: c.der,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.id, a.usage == Some(CertUsage::Encryption))
            .cmp(&(&b.id, b.usage == Some(CertUsage::Encryption)))
    });
    Ok(out)
}

/// One visible object and what zca reads of it.
pub(crate) struct TokenObject {
    handle: ObjectHandle,
    class: Option<u64>,
    id: Option<Vec<u8>>,
    label: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    modulus: Option<Vec<u8>>,
    ec_point: Option<Vec<u8>>,
}

/// A token with this many objects or fewer is read whole: one C_FindObjects finds them all and
/// each is read with one C_GetAttributeValue. A CA key holds a handful (a certificate and its
/// key pair, for signing and for encryption), so this is the common case and costs no more
/// calls than before. A token with more keeps objects of classes zca never reads (trust
/// settings, data objects: one module showed 1,400 objects for 144 certificates); then one
/// search per class zca reads (three searches, nine calls) costs less than reading the others
/// as soon as a dozen of them are there, which past 64 objects they nearly always are.
const FEW_OBJECTS: usize = 64;

/// Handles per C_FindObjects in a search by class; cryptoki asks for 10 at a time.
const BATCH: usize = 1024;

/// Every object of `classes` the session can see, with its attributes, in as few calls as the
/// token allows (every call is a USB round trip; see `FEW_OBJECTS`). A module that refuses the
/// combined request is asked the way cryptoki asks.
pub(crate) fn token_objects(
    inv: &Inventory,
    key: &Key,
    session: &Session,
    classes: &[CK_OBJECT_CLASS],
) -> Result<Vec<TokenObject>> {
    let _watch = watchdog::guard("C_FindObjects", watchdog::limit());
    let ck = |e: cryptoki::error::Error| pkcs11_error(&key.module, &e);
    let raw = inv.raw_module(key);
    let handles: Vec<ObjectHandle> = match raw {
        Some(raw) => object_handles(raw, session.handle(), classes)
            .map_err(|rv| raw_error(&key.module, rv, Function::FindObjects))?
            .into_iter()
            // SAFETY: handles the module just gave for this session.
            .map(|h| unsafe { ObjectHandle::new_from_raw(h) })
            .collect(),
        None => session.find_objects(&[]).map_err(ck)?,
    };
    let mut objects = Vec::new();
    let mut buffers = AttributeBuffers::default();
    for handle in handles {
        let quick =
            raw.map(|r| r.object_attributes(session.handle(), handle.handle(), &mut buffers));
        let a = match quick {
            Some(Ok(a)) => a,
            Some(Err(rv)) => {
                // A key that went away or failed is not asked again the long way.
                match raw_error(&key.module, rv, Function::GetAttributeValue) {
                    e @ (Error::TokenRemoved { .. } | Error::TokenDeviceError { .. }) => {
                        return Err(e)
                    }
                    _ => attributes_the_long_way(session, handle).map_err(ck)?,
                }
            }
            None => attributes_the_long_way(session, handle).map_err(ck)?,
        };
        objects.push(TokenObject {
            handle,
            class: a.class,
            id: a.id,
            label: a.label,
            value: a.value,
            modulus: a.modulus.map(|m| crate::x509::trim_zeros(&m).to_vec()),
            ec_point: a.ec_point,
        });
    }
    objects.retain(|o| o.class.is_some_and(|c| classes.contains(&c)));
    Ok(objects)
}

/// The error for a code a raw call returned (never CKR_OK).
fn raw_error(module: &std::path::Path, rv: cryptoki_sys::CK_RV, function: Function) -> Error {
    match cryptoki::error::Rv::from(rv).into_result(function) {
        Err(e) => pkcs11_error(module, &e),
        Ok(()) => Error::Internal { detail: format!("{function:?} failed with CKR_OK") },
    }
}

/// All objects when there are few, else those of `classes` (see `FEW_OBJECTS`).
fn object_handles(
    raw: &RawModule,
    session: cryptoki_sys::CK_SESSION_HANDLE,
    classes: &[CK_OBJECT_CLASS],
) -> std::result::Result<Vec<cryptoki_sys::CK_OBJECT_HANDLE>, cryptoki_sys::CK_RV> {
    let (first, complete) = raw.find_objects(session, None, FEW_OBJECTS, true)?;
    if complete {
        return Ok(first);
    }
    let mut handles = Vec::new();
    for class in classes {
        handles.extend(raw.find_objects(session, Some(*class), BATCH, false)?.0);
    }
    Ok(handles)
}

fn attributes_the_long_way(
    session: &Session,
    handle: ObjectHandle,
) -> cryptoki::error::Result<ObjectAttributes> {
    let class = session.get_attributes(handle, &[AttributeType::Class])?;
    let class = match class.first() {
        Some(Attribute::Class(c)) => *c,
        _ => return Ok(ObjectAttributes::default()),
    };
    let wanted: &[AttributeType] = if class == ObjectClass::CERTIFICATE {
        &[AttributeType::Id, AttributeType::Label, AttributeType::Value]
    } else {
        &[AttributeType::Id, AttributeType::Modulus, AttributeType::EcPoint]
    };
    let mut a = ObjectAttributes { class: Some(class.into()), ..Default::default() };
    for attr in session.get_attributes(handle, wanted)? {
        match attr {
            Attribute::Id(v) => a.id = Some(v),
            Attribute::Label(v) => a.label = Some(v),
            Attribute::Value(v) => a.value = Some(v),
            Attribute::Modulus(v) => a.modulus = Some(v),
            Attribute::EcPoint(v) => a.ec_point = Some(v),
            _ => {}
        }
    }
    Ok(a)
}

/// The private keys zca can see, with what each says of its public half, to pair them with
/// certificates. EC private keys rarely carry CKA_EC_POINT, so the point of a public key object
/// with the same CKA_ID stands in for it.
pub(crate) struct VisiblePrivateKeys {
    keys: Vec<(ObjectHandle, KeyMaterial)>,
}

/// What a key object says of itself, as far as the module lets zca see.
struct KeyMaterial {
    id: Option<Vec<u8>>,
    modulus: Option<Vec<u8>>,
    point: Option<Vec<u8>>,
}

impl VisiblePrivateKeys {
    pub(crate) fn of(objects: &[TokenObject]) -> VisiblePrivateKeys {
        let material = |o: &TokenObject| KeyMaterial {
            id: o.id.clone(),
            modulus: o.modulus.clone(),
            point: o.ec_point.clone(),
        };
        let public: Vec<KeyMaterial> =
            objects.iter().filter(|o| o.class == Some(CKO_PUBLIC_KEY)).map(material).collect();
        let keys = objects
            .iter()
            .filter(|o| o.class == Some(CKO_PRIVATE_KEY))
            .map(|o| {
                let mut m = material(o);
                if m.point.is_none() && m.modulus.is_none() && m.id.is_some() {
                    if let Some(p) = public.iter().find(|p| p.id == m.id) {
                        m.point.clone_from(&p.point);
                        m.modulus.clone_from(&p.modulus);
                    }
                }
                (o.handle, m)
            })
            .collect();
        VisiblePrivateKeys { keys }
    }

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

/// RFC 7512 escapes all but RFC 3986's unreserved characters in attribute values.
fn pct(text: &str) -> String {
    const VALUE: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(text, VALUE).to_string()
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
