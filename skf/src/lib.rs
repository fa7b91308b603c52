//! The C interface of GM/T 0016-2012 "智能密码钥匙密码应用接口规范" (SKF) as far as zca uses it:
//! types, structures (packed to one byte, as the standard's header declares them), function
//! signatures and result codes. Written from the standard; no behaviour lives here.

#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_void};

pub type ULONG = u32;
pub type BOOL = i32;
pub type HANDLE = *mut c_void;
pub type DEVHANDLE = HANDLE;
pub type HAPPLICATION = HANDLE;
pub type HCONTAINER = HANDLE;
pub type LPSTR = *mut c_char;

pub const TRUE: BOOL = 1;
pub const FALSE: BOOL = 0;

pub const ADMIN_TYPE: ULONG = 0;
pub const USER_TYPE: ULONG = 1;

/// SKF_GetContainerType.
pub const CONTAINER_EMPTY: ULONG = 0;
pub const CONTAINER_RSA: ULONG = 1;
pub const CONTAINER_ECC: ULONG = 2;

/// SKF_WaitForDevEvent.
pub const DEV_EVENT_INSERTED: ULONG = 1;
pub const DEV_EVENT_REMOVED: ULONG = 2;

pub const ECC_MAX_COORDINATE_LEN: usize = 64;
pub const MAX_RSA_MODULUS_LEN: usize = 256;
pub const MAX_RSA_EXPONENT_LEN: usize = 4;

#[repr(C, packed)]
#[derive(Clone, Copy, Default)]
pub struct VERSION {
    pub major: u8,
    pub minor: u8,
}

#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct DEVINFO {
    pub Version: VERSION,
    pub Manufacturer: [u8; 64],
    pub Issuer: [u8; 64],
    pub Label: [u8; 32],
    pub SerialNumber: [u8; 32],
    pub HWVersion: VERSION,
    pub FirmwareVersion: VERSION,
    pub AlgSymCap: ULONG,
    pub AlgAsymCap: ULONG,
    pub AlgHashCap: ULONG,
    pub DevAuthAlgId: ULONG,
    pub TotalSpace: ULONG,
    pub FreeSpace: ULONG,
    pub MaxECCBufferSize: ULONG,
    pub MaxBufferSize: ULONG,
    pub Reserved: [u8; 64],
}

impl Default for DEVINFO {
    fn default() -> DEVINFO {
        // SAFETY: every field is an integer or a byte array, for which zero is a value.
        unsafe { std::mem::zeroed() }
    }
}

#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct ECCPUBLICKEYBLOB {
    pub BitLen: ULONG,
    pub XCoordinate: [u8; ECC_MAX_COORDINATE_LEN],
    pub YCoordinate: [u8; ECC_MAX_COORDINATE_LEN],
}

/// r and s right-aligned in 64 bytes each: a 256-bit value fills the last 32.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct ECCSIGNATUREBLOB {
    pub r: [u8; ECC_MAX_COORDINATE_LEN],
    pub s: [u8; ECC_MAX_COORDINATE_LEN],
}

impl Default for ECCSIGNATUREBLOB {
    fn default() -> ECCSIGNATUREBLOB {
        ECCSIGNATUREBLOB { r: [0; ECC_MAX_COORDINATE_LEN], s: [0; ECC_MAX_COORDINATE_LEN] }
    }
}

#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct RSAPUBLICKEYBLOB {
    pub AlgID: ULONG,
    pub BitLen: ULONG,
    pub Modulus: [u8; MAX_RSA_MODULUS_LEN],
    pub PublicExponent: [u8; MAX_RSA_EXPONENT_LEN],
}

pub type SKF_WaitForDevEvent = unsafe extern "C" fn(LPSTR, *mut ULONG, *mut ULONG) -> ULONG;
pub type SKF_CancelWaitForDevEvent = unsafe extern "C" fn() -> ULONG;
pub type SKF_EnumDev = unsafe extern "C" fn(BOOL, LPSTR, *mut ULONG) -> ULONG;
pub type SKF_ConnectDev = unsafe extern "C" fn(LPSTR, *mut DEVHANDLE) -> ULONG;
pub type SKF_DisConnectDev = unsafe extern "C" fn(DEVHANDLE) -> ULONG;
pub type SKF_GetDevInfo = unsafe extern "C" fn(DEVHANDLE, *mut DEVINFO) -> ULONG;
pub type SKF_EnumApplication = unsafe extern "C" fn(DEVHANDLE, LPSTR, *mut ULONG) -> ULONG;
pub type SKF_OpenApplication = unsafe extern "C" fn(DEVHANDLE, LPSTR, *mut HAPPLICATION) -> ULONG;
pub type SKF_CloseApplication = unsafe extern "C" fn(HAPPLICATION) -> ULONG;
pub type SKF_GetPINInfo =
    unsafe extern "C" fn(HAPPLICATION, ULONG, *mut ULONG, *mut ULONG, *mut BOOL) -> ULONG;
pub type SKF_VerifyPIN = unsafe extern "C" fn(HAPPLICATION, ULONG, LPSTR, *mut ULONG) -> ULONG;
pub type SKF_ChangePIN =
    unsafe extern "C" fn(HAPPLICATION, ULONG, LPSTR, LPSTR, *mut ULONG) -> ULONG;
pub type SKF_UnblockPIN = unsafe extern "C" fn(HAPPLICATION, LPSTR, LPSTR, *mut ULONG) -> ULONG;
pub type SKF_ClearSecureState = unsafe extern "C" fn(HAPPLICATION) -> ULONG;
pub type SKF_EnumContainer = unsafe extern "C" fn(HAPPLICATION, LPSTR, *mut ULONG) -> ULONG;
pub type SKF_OpenContainer = unsafe extern "C" fn(HAPPLICATION, LPSTR, *mut HCONTAINER) -> ULONG;
pub type SKF_CloseContainer = unsafe extern "C" fn(HCONTAINER) -> ULONG;
pub type SKF_GetContainerType = unsafe extern "C" fn(HCONTAINER, *mut ULONG) -> ULONG;
pub type SKF_ExportCertificate =
    unsafe extern "C" fn(HCONTAINER, BOOL, *mut u8, *mut ULONG) -> ULONG;
pub type SKF_ExportPublicKey = unsafe extern "C" fn(HCONTAINER, BOOL, *mut u8, *mut ULONG) -> ULONG;
pub type SKF_ECCSignData =
    unsafe extern "C" fn(HCONTAINER, *mut u8, ULONG, *mut ECCSIGNATUREBLOB) -> ULONG;
pub type SKF_RSASignData =
    unsafe extern "C" fn(HCONTAINER, *mut u8, ULONG, *mut u8, *mut ULONG) -> ULONG;
pub type SKF_GenRandom = unsafe extern "C" fn(DEVHANDLE, *mut u8, ULONG) -> ULONG;

/// Result codes (SAR_*), with the standard's names.
pub const SAR_OK: ULONG = 0;
pub const SAR_FAIL: ULONG = 0x0A00_0001;
pub const SAR_UNKNOWNERR: ULONG = 0x0A00_0002;
pub const SAR_NOTSUPPORTYETERR: ULONG = 0x0A00_0003;
pub const SAR_INVALIDHANDLEERR: ULONG = 0x0A00_0005;
pub const SAR_INVALIDPARAMERR: ULONG = 0x0A00_0006;
pub const SAR_TIMEOUTERR: ULONG = 0x0A00_000F;
pub const SAR_INDATALENERR: ULONG = 0x0A00_0010;
pub const SAR_KEYNOTFOUNTERR: ULONG = 0x0A00_001B;
pub const SAR_CERTNOTFOUNTERR: ULONG = 0x0A00_001C;
pub const SAR_BUFFER_TOO_SMALL: ULONG = 0x0A00_0020;
pub const SAR_NOT_EVENTERR: ULONG = 0x0A00_0022;
pub const SAR_DEVICE_REMOVED: ULONG = 0x0A00_0023;
pub const SAR_PIN_INCORRECT: ULONG = 0x0A00_0024;
pub const SAR_PIN_LOCKED: ULONG = 0x0A00_0025;
pub const SAR_PIN_INVALID: ULONG = 0x0A00_0026;
pub const SAR_PIN_LEN_RANGE: ULONG = 0x0A00_0027;
pub const SAR_USER_ALREADY_LOGGED_IN: ULONG = 0x0A00_0028;
pub const SAR_USER_TYPE_INVALID: ULONG = 0x0A00_002A;
pub const SAR_APPLICATION_NAME_INVALID: ULONG = 0x0A00_002B;
pub const SAR_USER_NOT_LOGGED_IN: ULONG = 0x0A00_002D;
pub const SAR_APPLICATION_NOT_EXISTS: ULONG = 0x0A00_002E;

/// `SAR_PIN_INCORRECT` for a code the standard names, the number in hex otherwise.
pub fn sar_name(code: ULONG) -> String {
    let name = match code {
        SAR_OK => "SAR_OK",
        SAR_FAIL => "SAR_FAIL",
        SAR_UNKNOWNERR => "SAR_UNKNOWNERR",
        SAR_NOTSUPPORTYETERR => "SAR_NOTSUPPORTYETERR",
        SAR_INVALIDHANDLEERR => "SAR_INVALIDHANDLEERR",
        SAR_INVALIDPARAMERR => "SAR_INVALIDPARAMERR",
        SAR_TIMEOUTERR => "SAR_TIMEOUTERR",
        SAR_INDATALENERR => "SAR_INDATALENERR",
        SAR_KEYNOTFOUNTERR => "SAR_KEYNOTFOUNTERR",
        SAR_CERTNOTFOUNTERR => "SAR_CERTNOTFOUNTERR",
        SAR_BUFFER_TOO_SMALL => "SAR_BUFFER_TOO_SMALL",
        SAR_NOT_EVENTERR => "SAR_NOT_EVENTERR",
        SAR_DEVICE_REMOVED => "SAR_DEVICE_REMOVED",
        SAR_PIN_INCORRECT => "SAR_PIN_INCORRECT",
        SAR_PIN_LOCKED => "SAR_PIN_LOCKED",
        SAR_PIN_INVALID => "SAR_PIN_INVALID",
        SAR_PIN_LEN_RANGE => "SAR_PIN_LEN_RANGE",
        SAR_USER_ALREADY_LOGGED_IN => "SAR_USER_ALREADY_LOGGED_IN",
        SAR_USER_TYPE_INVALID => "SAR_USER_TYPE_INVALID",
        SAR_APPLICATION_NAME_INVALID => "SAR_APPLICATION_NAME_INVALID",
        SAR_USER_NOT_LOGGED_IN => "SAR_USER_NOT_LOGGED_IN",
        SAR_APPLICATION_NOT_EXISTS => "SAR_APPLICATION_NOT_EXISTS",
        other => return format!("{other:#010x}"),
    };
    name.to_string()
}

/// The names in an SKF name list: strings each ended by NUL, the list by one more NUL.
pub fn read_name_list(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == 0)
        .take_while(|name| !name.is_empty())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect()
}

/// An SKF name list of `names`.
pub fn write_name_list<S: AsRef<str>>(names: &[S]) -> Vec<u8> {
    let mut out = Vec::new();
    for name in names {
        out.extend_from_slice(name.as_ref().as_bytes());
        out.push(0);
    }
    out.push(0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structures_have_the_standards_sizes() {
        assert_eq!(std::mem::size_of::<DEVINFO>(), 294);
        assert_eq!(std::mem::size_of::<ECCPUBLICKEYBLOB>(), 132);
        assert_eq!(std::mem::size_of::<ECCSIGNATUREBLOB>(), 128);
        assert_eq!(std::mem::size_of::<RSAPUBLICKEYBLOB>(), 268);
    }

    #[test]
    fn name_lists_round_trip() {
        let list = write_name_list(&["dev one", "二"]);
        assert_eq!(read_name_list(&list), vec!["dev one", "二"]);
        assert!(read_name_list(&write_name_list::<&str>(&[])).is_empty());
        assert!(read_name_list(&[]).is_empty());
    }
}
