//! Labels as the key wrote them. PKCS#11 says UTF-8, but drivers made for Windows first write
//! GBK (a token named 张三的锁 arrives as C5 DD C8 FD ...); cryptoki decodes every text field as
//! UTF-8 and replaces what is not. Such a label is read again as bytes and decoded as GB18030,
//! the superset of GBK.

use std::path::Path;

use cryptoki_sys::{CKR_OK, CK_FUNCTION_LIST, CK_RV, CK_SLOT_ID, CK_TOKEN_INFO};

/// Text from a blank-padded PKCS#11 field: UTF-8 when it is, else GB18030.
pub fn decode(bytes: &[u8]) -> String {
    let end = bytes.iter().rposition(|b| *b != b' ' && *b != 0).map_or(0, |i| i + 1);
    let bytes = &bytes[..end];
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// CK_TOKEN_INFO's label as bytes, from the module already loaded and initialized at `path`
/// (the library is shared: loading it again returns the same one).
pub fn raw_token_label(path: &Path, slot: CK_SLOT_ID) -> Option<[u8; 32]> {
    type GetFunctionList = unsafe extern "C" fn(*mut *mut CK_FUNCTION_LIST) -> CK_RV;
    // SAFETY: the library is a PKCS#11 module cryptoki has loaded and initialized; its function
    // list and CK_TOKEN_INFO are used as the standard defines them.
    unsafe {
        let lib = libloading::Library::new(path).ok()?;
        let get: libloading::Symbol<GetFunctionList> = lib.get(b"C_GetFunctionList").ok()?;
        let mut list = std::ptr::null_mut();
        if get(&mut list) != CKR_OK || list.is_null() {
            return None;
        }
        let get_token_info = (*list).C_GetTokenInfo?;
        let mut info: CK_TOKEN_INFO = std::mem::zeroed();
        (get_token_info(slot, &mut info) == CKR_OK).then_some(info.label)
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn utf8_gbk_and_padding() {
        assert_eq!(decode(b"plain label     "), "plain label");
        assert_eq!(decode("张三的锁  ".as_bytes()), "张三的锁");
        let (gbk, _, _) = encoding_rs::GBK.encode("张三的锁");
        let mut field = gbk.into_owned();
        field.resize(32, b' ');
        assert_eq!(decode(&field), "张三的锁");
        assert_eq!(decode(b"\0\0"), "");
    }
}
