//! A device connected, its application opened, and what zca does there: PIN checks and
//! changes (with the tries they leave), containers, certificates and signatures.

use std::sync::Arc;

use zca_skf::*;
use zeroize::Zeroizing;

use super::Api;
use crate::error::{Error, Result};
use crate::pin_state::{PinState, PinTries};
use crate::secret::Secret;
use crate::token::key::{PinFlags, SkfPlace, Storage};
use crate::token::watchdog;

/// A key as its SKF library describes it.
#[derive(Clone, Debug)]
pub(crate) struct SkfDevice {
    pub name: String,
    pub serial: String,
    pub label: String,
    pub manufacturer: String,
    pub hardware_version: String,
    pub firmware_version: String,
    /// The application zca works in: the first that holds a container.
    pub app: String,
    pub user: PinTries,
    pub admin: Option<PinTries>,
    pub default_pin: bool,
    pub storage: Storage,
}

/// The devices the library sees now, each described, or the error that kept it from it.
pub(crate) fn devices(api: &Arc<Api>) -> Result<Vec<Result<SkfDevice>>> {
    Ok(api.device_names()?.into_iter().map(|name| describe(api, name)).collect())
}

fn text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    crate::token::raw::decode_text(&bytes[..end]).trim().to_string()
}

fn describe(api: &Arc<Api>, name: String) -> Result<SkfDevice> {
    let dev = Device::connect(api, &name)?;
    let mut info = DEVINFO::default();
    {
        let _watch = watchdog::guard("SKF_GetDevInfo", watchdog::limit());
        // SAFETY: `info` is a DEVINFO the library fills.
        api.check("SKF_GetDevInfo", unsafe { (api.get_dev_info)(dev.handle, &mut info) })?;
    }
    let mut chosen: Option<(String, Application)> = None;
    for app in dev.applications()? {
        let opened = dev.open(&app)?;
        let holds_containers = !opened.containers()?.is_empty();
        if holds_containers || chosen.is_none() {
            chosen = Some((app, opened));
        }
        if holds_containers {
            break;
        }
    }
    let (app, opened) =
        chosen.ok_or_else(|| api.garbage("SKF_EnumApplication", "no application"))?;
    let (user, default_pin) = opened.pin_info(USER_TYPE)?;
    let admin = opened.pin_info(ADMIN_TYPE).ok().map(|(tries, _)| tries);
    let version = |v: VERSION| format!("{}.{}", v.major, v.minor);
    Ok(SkfDevice {
        serial: text(&{ info.SerialNumber }),
        label: text(&{ info.Label }),
        manufacturer: text(&{ info.Manufacturer }),
        hardware_version: version(info.HWVersion),
        firmware_version: version(info.FirmwareVersion),
        name,
        app,
        user,
        admin,
        default_pin,
        storage: Storage { total: u64::from(info.TotalSpace), free: u64::from(info.FreeSpace) },
    })
}

/// A connected device; disconnected when dropped.
pub(crate) struct Device {
    api: Arc<Api>,
    handle: DEVHANDLE,
}

// SAFETY: the handle is an opaque value the library gave; calls on it are serialized by the
// owner (one Device is used by one thread at a time).
unsafe impl Send for Device {}

impl Drop for Device {
    fn drop(&mut self) {
        // SAFETY: the handle came from SKF_ConnectDev and is dropped once.
        unsafe { (self.api.disconnect_dev)(self.handle) };
    }
}

impl Device {
    pub fn connect(api: &Arc<Api>, name: &str) -> Result<Device> {
        // SAFETY: a NUL-terminated name and a place for the handle.
        let handle = api.open_by_name("SKF_ConnectDev", name, |name, handle| unsafe {
            (api.connect_dev)(name, handle)
        })?;
        Ok(Device { api: api.clone(), handle })
    }

    fn applications(&self) -> Result<Vec<String>> {
        let api = &self.api;
        // SAFETY: the buffer and its size come from `read_bytes`.
        api.read_names("SKF_EnumApplication", |buf, len| unsafe {
            (api.enum_application)(self.handle, buf.cast(), len)
        })
    }

    /// Opens an application; the connection to the device goes with it.
    pub fn open(&self, app: &str) -> Result<Application> {
        let api = &self.api;
        // SAFETY: the device's handle, a NUL-terminated name and a place for the handle.
        let handle = api.open_by_name("SKF_OpenApplication", app, |name, handle| unsafe {
            (api.open_application)(self.handle, name, handle)
        })?;
        Ok(Application { api: api.clone(), handle })
    }
}

/// An open application: where PINs are verified and containers live.
pub(crate) struct Application {
    api: Arc<Api>,
    handle: HAPPLICATION,
}

// SAFETY: as for Device.
unsafe impl Send for Application {}

impl Drop for Application {
    fn drop(&mut self) {
        // SAFETY: the handle came from SKF_OpenApplication and is dropped once.
        unsafe { (self.api.close_application)(self.handle) };
    }
}

/// The result of presenting a PIN: accepted, or refused with the tries the key has left.
pub(crate) enum PinOutcome {
    Accepted,
    Incorrect { left: u32 },
    Locked,
    LengthRefused(String),
}

/// The PIN as the C string SKF wants, wiped when dropped.
fn c_pin(pin: &Secret) -> Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(pin.expose().len() + 1));
    bytes.extend_from_slice(pin.expose().as_bytes());
    if bytes.contains(&0) {
        return Err(Error::PinRejected { reason: crate::t!("pin-reason-nul") });
    }
    bytes.push(0);
    Ok(bytes)
}

impl Application {
    /// The PIN's state from the tries the key counts; a PIN still at the factory value is one
    /// to change.
    pub fn pin_flags(&self) -> Result<PinFlags> {
        let (user, default_pin) = self.pin_info(USER_TYPE)?;
        let so = self.pin_info(ADMIN_TYPE).ok().map(|(tries, _)| tries);
        Ok(PinFlags {
            user: user.state(),
            so: so.map_or(PinState::Ok, PinTries::state),
            to_be_changed: default_pin,
            user_tries: Some(user),
            so_tries: so,
        })
    }

    /// Tries left, the maximum, and whether the PIN is still the factory one.
    pub fn pin_info(&self, kind: ULONG) -> Result<(PinTries, bool)> {
        let (mut max, mut left, mut default) = (0, 0, FALSE);
        let _watch = watchdog::guard("SKF_GetPINInfo", watchdog::limit());
        // SAFETY: three places for the answers.
        let code = unsafe {
            (self.api.get_pin_info)(self.handle, kind, &mut max, &mut left, &mut default)
        };
        self.api.check("SKF_GetPINInfo", code)?;
        if left > max || max == 0 || max > 255 {
            let what = format!("{left} tries left of {max}");
            return Err(self.api.garbage("SKF_GetPINInfo", &what));
        }
        Ok((PinTries { left, max }, default != FALSE))
    }

    fn outcome(&self, function: &str, code: ULONG, left: ULONG) -> Result<PinOutcome> {
        match code {
            SAR_OK => Ok(PinOutcome::Accepted),
            SAR_PIN_INCORRECT if left == 0 => Ok(PinOutcome::Locked),
            SAR_PIN_INCORRECT => Ok(PinOutcome::Incorrect { left }),
            SAR_PIN_LOCKED => Ok(PinOutcome::Locked),
            SAR_PIN_LEN_RANGE | SAR_PIN_INVALID => Ok(PinOutcome::LengthRefused(sar_name(code))),
            code => Err(self.api.error(function, code)),
        }
    }

    pub fn verify_pin(
        &self,
        kind: ULONG,
        pin: &Secret,
        limit: std::time::Duration,
    ) -> Result<PinOutcome> {
        let pin = c_pin(pin)?;
        let mut left: ULONG = 0;
        let _watch = watchdog::guard("SKF_VerifyPIN", limit);
        // SAFETY: a NUL-terminated PIN and a place for the count.
        let code = unsafe {
            (self.api.verify_pin)(self.handle, kind, pin.as_ptr().cast_mut().cast(), &mut left)
        };
        self.outcome("SKF_VerifyPIN", code, left)
    }

    /// None when the library has no SKF_ChangePIN.
    pub fn change_pin(
        &self,
        kind: ULONG,
        old: &Secret,
        new: &Secret,
        limit: std::time::Duration,
    ) -> Result<Option<PinOutcome>> {
        let Some(change) = self.api.change_pin else { return Ok(None) };
        let (old, new) = (c_pin(old)?, c_pin(new)?);
        let mut left: ULONG = 0;
        let _watch = watchdog::guard("SKF_ChangePIN", limit);
        // SAFETY: NUL-terminated PINs and a place for the count.
        let code = unsafe {
            change(
                self.handle,
                kind,
                old.as_ptr().cast_mut().cast(),
                new.as_ptr().cast_mut().cast(),
                &mut left,
            )
        };
        self.outcome("SKF_ChangePIN", code, left).map(Some)
    }

    /// None when the library has no SKF_UnblockPIN.
    pub fn unblock_pin(
        &self,
        admin: &Secret,
        new: &Secret,
        limit: std::time::Duration,
    ) -> Result<Option<PinOutcome>> {
        let Some(unblock) = self.api.unblock_pin else { return Ok(None) };
        let (admin, new) = (c_pin(admin)?, c_pin(new)?);
        let mut left: ULONG = 0;
        let _watch = watchdog::guard("SKF_UnblockPIN", limit);
        // SAFETY: NUL-terminated PINs and a place for the count.
        let code = unsafe {
            unblock(
                self.handle,
                admin.as_ptr().cast_mut().cast(),
                new.as_ptr().cast_mut().cast(),
                &mut left,
            )
        };
        self.outcome("SKF_UnblockPIN", code, left).map(Some)
    }

    /// Ends the application's login: SKF_ClearSecureState, whose answer is checked. A library
    /// without the call ends it when the application is closed.
    pub fn clear_secure_state(&self) -> Result<()> {
        let Some(clear) = self.api.clear_secure_state else { return Ok(()) };
        let _watch = watchdog::guard("SKF_ClearSecureState", watchdog::limit());
        // SAFETY: the open application's handle.
        let code = unsafe { clear(self.handle) };
        self.api.check("SKF_ClearSecureState", code)
    }

    pub fn containers(&self) -> Result<Vec<String>> {
        let api = &self.api;
        // SAFETY: the buffer and its size come from `read_bytes`.
        api.read_names("SKF_EnumContainer", |buf, len| unsafe {
            (api.enum_container)(self.handle, buf.cast(), len)
        })
    }

    pub fn open_container(&self, name: &str) -> Result<ContainerHandle> {
        let api = &self.api;
        // SAFETY: the application's handle, a NUL-terminated name and a place for the handle.
        let handle = api.open_by_name("SKF_OpenContainer", name, |name, handle| unsafe {
            (api.open_container)(self.handle, name, handle)
        })?;
        Ok(ContainerHandle { api: api.clone(), handle })
    }
}

pub(crate) struct ContainerHandle {
    api: Arc<Api>,
    handle: HCONTAINER,
}

impl Drop for ContainerHandle {
    fn drop(&mut self) {
        // SAFETY: the handle came from SKF_OpenContainer and is dropped once.
        unsafe { (self.api.close_container)(self.handle) };
    }
}

impl ContainerHandle {
    /// RSA, ECC (SM2), or unknown where the library does not say.
    pub fn kind(&self) -> Option<ULONG> {
        let get = self.api.get_container_type?;
        let mut kind = 0;
        let _watch = watchdog::guard("SKF_GetContainerType", watchdog::limit());
        // SAFETY: a place for the answer.
        (unsafe { get(self.handle, &mut kind) } == SAR_OK).then_some(kind)
    }

    /// The signing (`sign`) or encryption certificate's DER; None when the container has none.
    pub fn certificate(&self, sign: bool) -> Result<Option<Vec<u8>>> {
        let api = &self.api;
        let flag = if sign { TRUE } else { FALSE };
        // SAFETY: the buffer and its size come from `read_bytes`.
        match api.read_bytes("SKF_ExportCertificate", |buf, len| unsafe {
            (api.export_certificate)(self.handle, flag, buf, len)
        }) {
            Ok(der) if der.is_empty() => Ok(None),
            Ok(der) => Ok(Some(der)),
            Err(Error::Skf { code, .. })
                if code == sar_name(SAR_CERTNOTFOUNTERR)
                    || code == sar_name(SAR_KEYNOTFOUNTERR) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// An SM2 signature (r ‖ s, 32 bytes each) of the digest e = SM3(Z ‖ M).
    pub fn ecc_sign(&self, digest: &[u8; 32]) -> Result<[u8; 64]> {
        let api = &self.api;
        let sign = api.ecc_sign_data.ok_or_else(|| api.garbage("SKF_ECCSignData", "missing"))?;
        let mut blob = ECCSIGNATUREBLOB::default();
        let mut input = *digest;
        let _watch = watchdog::guard("SKF_ECCSignData", watchdog::limit());
        // SAFETY: 32 bytes in, a signature blob out.
        api.check("SKF_ECCSignData", unsafe {
            sign(self.handle, input.as_mut_ptr(), 32, &mut blob)
        })?;
        let (r, s) = ({ blob.r }, { blob.s });
        // A 256-bit value sits right-aligned in its 64 bytes; anything in front is garbage.
        if r[..32].iter().chain(&s[..32]).any(|b| *b != 0) {
            return Err(api.garbage("SKF_ECCSignData", "an r or s wider than 256 bits"));
        }
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&r[32..]);
        out[32..].copy_from_slice(&s[32..]);
        Ok(out)
    }

    /// An RSA PKCS#1 v1.5 signature of a DigestInfo.
    pub fn rsa_sign(&self, digest_info: &[u8]) -> Result<Vec<u8>> {
        let api = &self.api;
        let sign = api.rsa_sign_data.ok_or_else(|| api.garbage("SKF_RSASignData", "missing"))?;
        let mut input = digest_info.to_vec();
        let mut out = vec![0u8; 512];
        let mut len = out.len() as ULONG;
        let _watch = watchdog::guard("SKF_RSASignData", watchdog::limit());
        // SAFETY: the input, and a 512-byte buffer with its size.
        api.check("SKF_RSASignData", unsafe {
            sign(self.handle, input.as_mut_ptr(), input.len() as ULONG, out.as_mut_ptr(), &mut len)
        })?;
        if len as usize > out.len() {
            return Err(
                api.garbage("SKF_RSASignData", &format!("{len} bytes in a 512-byte buffer"))
            );
        }
        out.truncate(len as usize);
        Ok(out)
    }
}

/// A certificate found in a container.
pub(crate) struct ContainerCert {
    pub container: String,
    pub sign: bool,
    pub der: Vec<u8>,
}

/// Every certificate in the application's containers: the signing one first in each.
pub(crate) fn certificates(app: &Application) -> Result<Vec<ContainerCert>> {
    let mut out = Vec::new();
    for name in app.containers()? {
        let container = app.open_container(&name)?;
        if container.kind() == Some(CONTAINER_EMPTY) {
            continue;
        }
        for sign in [true, false] {
            if let Some(der) = container.certificate(sign)? {
                out.push(ContainerCert { container: name.clone(), sign, der });
            }
        }
    }
    Ok(out)
}

/// The key's application, open, with the connection to its device. Fields drop in order: the
/// application is closed before the device is disconnected.
pub(crate) struct Opened {
    pub app: Application,
    _device: Device,
}

/// Connects to the device and opens the key's application.
pub(crate) fn open(api: &Arc<Api>, place: &SkfPlace) -> Result<Opened> {
    let device = Device::connect(api, &place.device)?;
    let app = device.open(&place.app)?;
    Ok(Opened { app, _device: device })
}
