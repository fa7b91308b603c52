//! Calls made straight into a module's function list, where cryptoki would make more calls than
//! the job needs or lose information. On a USB key every call is a round trip over USB:
//! reading an object's attributes is one C_GetAttributeValue here (cryptoki asks for the
//! lengths first), and a label that is not UTF-8 is read as bytes (cryptoki replaces them).

use std::path::Path;

use cryptoki_sys::*;

/// A module's function list, next to cryptoki's handle on the same library.
pub struct RawModule {
    list: CK_FUNCTION_LIST,
    _lib: libloading::Library,
}

/// The attributes zca reads from every object, each `None` when the object has none or will
/// not tell (a private key's CKA_VALUE).
#[derive(Debug, Default)]
pub struct ObjectAttributes {
    pub class: Option<CK_OBJECT_CLASS>,
    pub id: Option<Vec<u8>>,
    pub label: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub modulus: Option<Vec<u8>>,
    pub ec_point: Option<Vec<u8>>,
}

/// Buffer sizes for the one call: enough for certificates and keys seen on CA keys. An
/// attribute that does not fit makes the caller fall back to asking lengths first.
const SIZES: [(CK_ATTRIBUTE_TYPE, usize); 6] = [
    (CKA_CLASS, std::mem::size_of::<CK_OBJECT_CLASS>()),
    (CKA_ID, 256),
    (CKA_LABEL, 256),
    (CKA_VALUE, 16 * 1024),
    (CKA_MODULUS, 1024),
    (CKA_EC_POINT, 256),
];

impl RawModule {
    /// The function list of the module at `path`, which cryptoki has loaded (loading it again
    /// returns the same library).
    pub fn load(path: &Path) -> Option<RawModule> {
        type GetFunctionList = unsafe extern "C" fn(*mut *mut CK_FUNCTION_LIST) -> CK_RV;
        // SAFETY: a PKCS#11 module's C_GetFunctionList fills a pointer to its static list.
        unsafe {
            let lib = libloading::Library::new(path).ok()?;
            let get: libloading::Symbol<GetFunctionList> = lib.get(b"C_GetFunctionList").ok()?;
            let mut list = std::ptr::null_mut();
            if get(&mut list) != CKR_OK || list.is_null() {
                return None;
            }
            Some(RawModule { list: *list, _lib: lib })
        }
    }

    /// Every slot's id in one C_GetSlotList (cryptoki asks for the count first); `None` when
    /// there are more than the buffer holds or the module refuses.
    pub fn slot_list(&self) -> Option<Vec<CK_SLOT_ID>> {
        let get = self.list.C_GetSlotList?;
        let mut ids = vec![0 as CK_SLOT_ID; 256];
        let mut count = ids.len() as CK_ULONG;
        // SAFETY: the buffer holds `count` slot ids.
        let rv = unsafe { get(CK_FALSE, ids.as_mut_ptr(), &mut count) };
        (rv == CKR_OK && count as usize <= ids.len()).then(|| {
            ids.truncate(count as usize);
            ids
        })
    }

    /// Handles of the objects that match `template` (a class, or none for all), `batch` per
    /// C_FindObjects where cryptoki asks for 10. With `first_batch_only` the search stops after
    /// one C_FindObjects; the bool says whether that saw every match.
    pub fn find_objects(
        &self,
        session: CK_SESSION_HANDLE,
        class: Option<CK_OBJECT_CLASS>,
        batch: usize,
        first_batch_only: bool,
    ) -> Result<(Vec<CK_OBJECT_HANDLE>, bool), CK_RV> {
        let (init, find, done) = match (
            self.list.C_FindObjectsInit,
            self.list.C_FindObjects,
            self.list.C_FindObjectsFinal,
        ) {
            (Some(i), Some(f), Some(d)) => (i, f, d),
            _ => return Err(CKR_FUNCTION_NOT_SUPPORTED),
        };
        let mut class_value = class.unwrap_or_default();
        let mut template = [CK_ATTRIBUTE {
            type_: CKA_CLASS,
            pValue: (&mut class_value as *mut CK_OBJECT_CLASS).cast(),
            ulValueLen: std::mem::size_of::<CK_OBJECT_CLASS>() as CK_ULONG,
        }];
        let count = if class.is_some() { 1 } else { 0 };
        // SAFETY: the template points at `class_value`, alive for the search.
        let rv = unsafe { init(session, template.as_mut_ptr(), count) };
        if rv != CKR_OK {
            return Err(rv);
        }
        let mut handles = Vec::new();
        let mut complete = false;
        let mut buf = vec![0 as CK_OBJECT_HANDLE; batch];
        let result = loop {
            let mut found: CK_ULONG = 0;
            // SAFETY: the buffer holds `batch` handles.
            let rv = unsafe { find(session, buf.as_mut_ptr(), batch as CK_ULONG, &mut found) };
            if rv != CKR_OK {
                break Err(rv);
            }
            let found = (found as usize).min(batch);
            handles.extend_from_slice(&buf[..found]);
            // Fewer than asked for: the module has no more (no extra call to hear "0").
            if found < batch {
                complete = true;
                break Ok(());
            }
            if first_batch_only {
                break Ok(());
            }
        };
        // SAFETY: ends the search this function began.
        unsafe { done(session) };
        result.map(|()| (handles, complete))
    }

    /// CK_TOKEN_INFO's label as the module wrote it.
    pub fn token_label(&self, slot: CK_SLOT_ID) -> Option<[u8; 32]> {
        let get_token_info = self.list.C_GetTokenInfo?;
        // SAFETY: CK_TOKEN_INFO is plain data the module fills.
        unsafe {
            let mut info: CK_TOKEN_INFO = std::mem::zeroed();
            (get_token_info(slot, &mut info) == CKR_OK).then_some(info.label)
        }
    }

    /// Every attribute zca needs of an object, in one C_GetAttributeValue, into `buffers` (kept
    /// from one object to the next: a token of a hundred certificates would otherwise zero 2 MB
    /// for them). `Err` with the return code when the module refused as a whole or a value did
    /// not fit.
    pub fn object_attributes(
        &self,
        session: CK_SESSION_HANDLE,
        object: CK_OBJECT_HANDLE,
        buffers: &mut AttributeBuffers,
    ) -> Result<ObjectAttributes, CK_RV> {
        let get = self.list.C_GetAttributeValue.ok_or(CKR_FUNCTION_NOT_SUPPORTED)?;
        let mut template: Vec<CK_ATTRIBUTE> = SIZES
            .iter()
            .zip(buffers.0.iter_mut())
            .map(|((kind, _), buf)| CK_ATTRIBUTE {
                type_: *kind,
                pValue: buf.as_mut_ptr().cast(),
                ulValueLen: buf.len() as CK_ULONG,
            })
            .collect();
        // SAFETY: each template entry points at a live buffer of the length it states.
        let rv = unsafe { get(session, object, template.as_mut_ptr(), template.len() as CK_ULONG) };
        if !matches!(rv, CKR_OK | CKR_ATTRIBUTE_SENSITIVE | CKR_ATTRIBUTE_TYPE_INVALID) {
            return Err(rv);
        }
        let mut values = template.iter().zip(&buffers.0).map(|(t, buf)| {
            let len = t.ulValueLen as usize;
            (t.ulValueLen != CK_UNAVAILABLE_INFORMATION && len <= buf.len())
                .then(|| buf[..len].to_vec())
        });
        let mut next = || values.next().flatten();
        let class = next().and_then(|b| Some(CK_OBJECT_CLASS::from_ne_bytes(b.try_into().ok()?)));
        Ok(ObjectAttributes {
            class,
            id: next(),
            label: next(),
            value: next(),
            modulus: next(),
            ec_point: next(),
        })
    }
}

/// The buffers of `RawModule::object_attributes`, one per attribute it asks for.
pub struct AttributeBuffers(Vec<Vec<u8>>);

impl Default for AttributeBuffers {
    fn default() -> AttributeBuffers {
        AttributeBuffers(SIZES.iter().map(|(_, n)| vec![0u8; *n]).collect())
    }
}

/// Text from a blank-padded PKCS#11 field: UTF-8 when it is, else GB18030 (the superset of the
/// GBK that drivers made for Windows write).
pub fn decode_text(bytes: &[u8]) -> String {
    let end = bytes.iter().rposition(|b| *b != b' ' && *b != 0).map_or(0, |i| i + 1);
    let bytes = &bytes[..end];
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::decode_text;

    #[test]
    fn utf8_gbk_and_padding() {
        assert_eq!(decode_text(b"plain label     "), "plain label");
        assert_eq!(decode_text("张三的锁  ".as_bytes()), "张三的锁");
        let (gbk, _, _) = encoding_rs::GBK.encode("张三的锁");
        let mut field = gbk.into_owned();
        field.resize(32, b' ');
        assert_eq!(decode_text(&field), "张三的锁");
        assert_eq!(decode_text(b"\0\0"), "");
    }
}
