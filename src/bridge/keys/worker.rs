//! The thread that owns one group of drivers: it makes every call into them, keeps which
//! connection logged in to which key, and looks for keys inserted and removed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{lock, CertEntry, Drivers, Failure, Job, KeyEvent, Listeners, Log};
use crate::bridge::cms::{self, Scheme};
use crate::bridge::pins::{PageAnswers, Prospect};
use crate::pin::{PinGuard, PinUse};
use crate::token::{
    Candidate, CertObject, HeldLogin, Inventory, Key, KeySession, PinState, RsaHash,
};

/// What a group's thread is given when it starts.
pub(super) struct Setup {
    pub drivers: Drivers,
    pub modules: Vec<Candidate>,
    pub skf: Vec<Candidate>,
    pub idle: Duration,
    pub log: Log,
    pub listeners: Listeners,
    pub timings: bool,
    pub certs: Arc<Mutex<Vec<CertEntry>>>,
    pub busy_since: Arc<Mutex<Option<Instant>>>,
}

/// A key logged in for some connections, and when each last used it.
struct Login {
    /// Keeps the token's login: on PKCS#11 it ends when the process's last session on the
    /// token closes.
    session: Box<dyn HeldLogin>,
    module: PathBuf,
    conns: HashMap<u64, Instant>,
}

pub struct Worker {
    setup: Setup,
    inv: Inventory,
    certs: Vec<(CertEntry, CertObject)>,
    keys_seen: HashSet<String>,
    logins: HashMap<String, Login>,
}

/// The facts of a key a page may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceInfo {
    Label,
    Model,
    Serial,
    Manufacturer,
    HardwareVersion,
    FirmwareVersion,
    TotalSpace,
    FreeSpace,
    /// Of the certificate's key: SM2, RSA or ECC.
    Algorithm,
    AdminPinRetries,
    UserPinRetries,
    HardOrSoft,
    /// USBKey or SoftToken.
    Kind,
    /// The driver library's file name.
    Driver,
}

/// A certificate's ID as the real service forms it, `<container>/<CA锁ID>`: the SKF
/// container, else the PKCS#11 object's label, else its CKA_ID; made unique on its key (the
/// object's CKA_ID, then its fingerprint, are added where two share a name), with no `/` of its
/// own (pages split the ID there).
fn cert_id(key: &Key, c: &CertObject, taken: &mut HashSet<String>) -> String {
    let usable = |name: &str| !name.is_empty() && !name.contains('/');
    let sha = c.facts.as_ref().map_or("", |f| &f.sha256[..8]);
    let candidates = [
        c.container.clone().unwrap_or_default(),
        c.object_label.clone(),
        c.id.clone(),
        format!("{}.{}", c.object_label.replace('/', "_"), c.id),
        format!("{}.{sha}", c.id),
    ];
    let name = candidates
        .into_iter()
        .find(|n| usable(n) && !taken.contains(n))
        .unwrap_or_else(|| format!("cert.{sha}.{}", taken.len()));
    taken.insert(name.clone());
    format!("{name}/{}", key.ca_lock_id)
}

/// A final try refused names its key, for the hint in the log.
fn final_try(e: crate::Error, lock: &str) -> Failure {
    match e {
        crate::Error::PinFinalTryRefused => Failure::FinalTry(lock.to_string()),
        other => Failure::Key(other),
    }
}

/// How often the keys are looked at for insertion and removal.
const TICK: Duration = Duration::from_millis(700);

impl Worker {
    pub(super) fn new(setup: Setup) -> Worker {
        let inv = setup.drivers.scan(setup.modules.clone(), setup.skf.clone());
        let mut w = Worker {
            setup,
            inv,
            certs: Vec::new(),
            keys_seen: HashSet::new(),
            logins: HashMap::new(),
        };
        w.keys_seen = w.inv.keys.iter().map(|k| k.ca_lock_id.clone()).collect();
        w.list();
        w
    }

    fn log(&self, line: &str) {
        (self.setup.log)(line);
    }

    pub(super) fn run(mut self, jobs: Receiver<Job>) {
        let mut last_look = Instant::now();
        loop {
            match jobs.recv_timeout(TICK) {
                Ok(job) => self.busy(|w| job(w)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if last_look.elapsed() >= TICK {
                self.busy(|w| {
                    w.look_for_changes();
                    w.end_idle_logins();
                });
                last_look = Instant::now();
            }
        }
    }

    /// Runs `work` with the group marked busy, so that callers can tell a stuck driver.
    fn busy(&mut self, work: impl FnOnce(&mut Worker)) {
        *lock(&self.setup.busy_since) = Some(Instant::now());
        work(self);
        *lock(&self.setup.busy_since) = None;
    }

    fn entry(&self, cert_id: &str) -> Result<&(CertEntry, CertObject), Failure> {
        self.certs.iter().find(|(e, _)| e.cert_id == cert_id).ok_or(Failure::NoSuchCertificate)
    }

    fn key(&self, ca_lock_id: &str) -> Result<Key, Failure> {
        self.inv
            .keys
            .iter()
            .find(|k| k.ca_lock_id == ca_lock_id)
            .cloned()
            .ok_or(Failure::NoSuchCertificate)
    }

    fn lock_of(&self, cert_id: &str) -> Result<String, Failure> {
        Ok(self.entry(cert_id)?.0.ca_lock_id.clone())
    }

    /// Lists the certificates of every key, as pages see them: the signing certificates, each
    /// with the holder's encryption certificate on the same key when there is one.
    fn list(&mut self) {
        let now = crate::output::now_local();
        let mut certs = Vec::new();
        for key in &self.inv.keys {
            let all = match crate::token::list_certificates(&self.inv, key, now) {
                Ok(all) => all,
                Err(e) => {
                    (self.setup.log)(&format!("key {}: {}", key.ca_lock_id, e.message()));
                    continue;
                }
            };
            let mut taken = HashSet::new();
            for c in all.iter().filter(|c| c.can_sign()) {
                let f = c.facts.as_ref().expect("signing certificates have facts");
                let cert_id = cert_id(key, c, &mut taken);
                let exchange = all.iter().find(|x| {
                    x.is_encryption_only()
                        && x.facts.as_ref().is_some_and(|xf| xf.subject == f.subject)
                });
                certs.push((
                    CertEntry {
                        cert_id,
                        name: f.common_name.clone().unwrap_or_else(|| f.display_name()),
                        der: c.der.clone(),
                        exchange_der: exchange.map(|x| x.der.clone()),
                        ca_lock_id: key.ca_lock_id.clone(),
                        algorithm: f.algorithm,
                    },
                    c.clone(),
                ));
            }
        }
        *lock(&self.setup.certs) = certs.iter().map(|(e, _)| e.clone()).collect();
        self.certs = certs;
    }

    /// Keys inserted or removed since the last look: the list is made again, logins of keys
    /// that went are dropped, and every connection is told.
    fn look_for_changes(&mut self) {
        let busy: HashSet<PathBuf> = self.logins.values().map(|l| l.module.clone()).collect();
        self.inv.refresh_except(&|path: &Path| busy.contains(path));
        let now: HashSet<String> = self.inv.keys.iter().map(|k| k.ca_lock_id.clone()).collect();
        if now == self.keys_seen {
            return;
        }
        for gone in self.keys_seen.difference(&now) {
            if self.logins.remove(gone).is_some() {
                self.log(&format!("key {gone} removed: its login ended"));
            }
        }
        let mut listed: Vec<&String> = now.iter().collect();
        listed.sort();
        let listed: Vec<&str> = listed.into_iter().map(String::as_str).collect();
        self.log(&format!("keys now: {}", listed.join(", ")));
        self.keys_seen = now;
        self.list();
        for tx in lock(&self.setup.listeners).values() {
            let _ = tx.send(KeyEvent::UsbKeyChange);
        }
    }

    fn end_idle_logins(&mut self) {
        let idle = self.setup.idle;
        let stale: Vec<(u64, String)> = self
            .logins
            .iter()
            .flat_map(|(lock, l)| {
                l.conns.iter().filter(|(_, t)| t.elapsed() > idle).map(|(c, _)| (*c, lock.clone()))
            })
            .collect();
        for (conn, lock) in stale {
            self.log(&format!("login of key {lock} ended after {} s idle", idle.as_secs()));
            self.leave(conn, &lock);
        }
    }

    /// The connection's login to the key ends; the token's login when no connection is left.
    fn leave(&mut self, conn: u64, lock: &str) -> bool {
        let Some(login) = self.logins.get_mut(lock) else { return false };
        let was = login.conns.remove(&conn).is_some();
        if login.conns.is_empty() {
            let login = self.logins.remove(lock).expect("found above");
            self.end_token_login(lock, login);
        }
        was
    }

    /// Ends the token's login, its answer checked: a driver that keeps it is said in the log,
    /// and the next PIN check on the key refuses rather than take the kept login for a PIN.
    fn end_token_login(&self, lock: &str, login: Login) {
        if let Err(e) = login.session.logout() {
            self.log(&format!("key {lock}: {}", e.message()));
        }
    }

    /// What a PIN dialog needs to know before it asks.
    pub fn prospect(&self, cert_id: &str) -> Result<Prospect, Failure> {
        let (entry, _) = self.entry(cert_id)?;
        let key = self.key(&entry.ca_lock_id)?;
        let flags = self.inv.pin_flags(&key)?;
        Ok(Prospect {
            ca_lock_id: key.ca_lock_id.clone(),
            label: key.label.clone(),
            certificate: entry.name.clone(),
            state: flags.user,
            tries: flags.user_tries,
            pad: key.protected_auth_path,
        })
    }

    pub fn login(
        &mut self,
        guard: &PinGuard,
        conn: u64,
        cert_id: &str,
        mut answers: PageAnswers,
    ) -> Result<(), Failure> {
        let lock = self.lock_of(cert_id)?;
        let key = self.key(&lock)?;
        // Before other connections' logins are ended for this one.
        guard.check_pause(&lock)?;
        // The token may be logged in for other connections: out first, so that this
        // connection's PIN is the one checked. They log in again themselves.
        if let Some(held) = self.logins.remove(&lock) {
            self.end_token_login(&lock, held);
        }
        let session = KeySession::open(&self.inv, &key)?;
        guard.present(&session, PinUse::Login, &mut answers).map_err(|e| final_try(e, &lock))?;
        let mut conns = HashMap::new();
        conns.insert(conn, Instant::now());
        let module = key.module.clone();
        self.logins.insert(lock, Login { session: session.into_login(), module, conns });
        Ok(())
    }

    pub fn change_pin(
        &mut self,
        guard: &PinGuard,
        conn: u64,
        cert_id: &str,
        mut answers: PageAnswers,
    ) -> Result<(), Failure> {
        if !self.is_login(conn, cert_id) {
            return Err(Failure::NotLoggedIn);
        }
        let key = self.key(&self.lock_of(cert_id)?)?;
        let session = KeySession::open_rw(&self.inv, &key)?;
        guard
            .present(&session, PinUse::Change, &mut answers)
            .map_err(|e| final_try(e, &key.ca_lock_id))
    }

    pub fn logout(&mut self, conn: u64, cert_id: &str) -> bool {
        self.lock_of(cert_id).is_ok_and(|lock| self.leave(conn, &lock))
    }

    pub fn is_login(&self, conn: u64, cert_id: &str) -> bool {
        self.lock_of(cert_id).is_ok_and(|lock| {
            self.logins.get(&lock).is_some_and(|login| login.conns.contains_key(&conn))
        })
    }

    /// SKF counts the tries left. PKCS#11 says no number, only its flags: 0 locked, 1 the
    /// final try, and 2 — at least two are left — otherwise.
    pub fn retry_count(&self, cert_id: &str) -> Option<i64> {
        let key = self.key(&self.lock_of(cert_id).ok()?).ok()?;
        let flags = self.inv.pin_flags(&key).ok()?;
        if let Some(tries) = flags.user_tries {
            return Some(tries.left.into());
        }
        Some(match flags.user {
            PinState::Locked => 0,
            PinState::FinalTry => 1,
            PinState::CountLow | PinState::Ok => 2,
        })
    }

    /// The certificate's signer, after checking that this connection logged in to its key.
    fn signer(&mut self, conn: u64, cert_id: &str) -> Result<(CertObject, Key), Failure> {
        let (entry, object) = self.entry(cert_id)?.clone();
        let login = self.logins.get_mut(&entry.ca_lock_id).ok_or(Failure::NotLoggedIn)?;
        let last = login.conns.get_mut(&conn).ok_or(Failure::NotLoggedIn)?;
        *last = Instant::now();
        let key = self.key(&entry.ca_lock_id)?;
        Ok((object, key))
    }

    pub fn sign(
        &mut self,
        conn: u64,
        cert_id: &str,
        rsa_hash: RsaHash,
        data: &[u8],
    ) -> Result<(Vec<u8>, Scheme), Failure> {
        let (object, key) = self.signer(conn, cert_id)?;
        let session = KeySession::open(&self.inv, &key)?;
        let signer = session.signer_for(&object)?;
        let scheme = Scheme { algorithm: signer.algorithm, rsa_hash };
        let started = Instant::now();
        let signature = session.sign_with(&signer, rsa_hash, data)?;
        if self.setup.timings {
            let ms = started.elapsed().as_secs_f64() * 1e3;
            self.log(&format!("[{conn}] signed on key {} in {ms:.3} ms", key.ca_lock_id));
        }
        Ok((signature, scheme))
    }

    pub fn sign_message(
        &mut self,
        conn: u64,
        cert_id: &str,
        rsa_hash: RsaHash,
        data: &[u8],
        attached: bool,
    ) -> Result<Vec<u8>, Failure> {
        let (object, _) = self.signer(conn, cert_id)?;
        let algorithm = object.facts.as_ref().and_then(|f| f.algorithm).ok_or_else(|| {
            Failure::Key(crate::Error::UnsupportedKey { what: object.object_label.clone() })
        })?;
        let scheme = Scheme { algorithm, rsa_hash };
        let attributes = cms::signed_attributes(scheme, data, time::OffsetDateTime::now_utc());
        let (signature, _) = self.sign(conn, cert_id, rsa_hash, &attributes)?;
        cms::signed_data(scheme, &object.der, data, attached, &attributes, &signature).ok_or_else(
            || {
                Failure::Key(crate::Error::Internal {
                    detail: "the certificate does not parse".into(),
                })
            },
        )
    }

    /// A fact of the certificate's key, asked by the real service's number (GetDeviceInfo)
    /// or by GM/T 0006's (SOF_GetDeviceInfo).
    pub fn device_info(&self, cert_id: &str, what: DeviceInfo) -> Option<String> {
        let (entry, _) = self.entry(cert_id).ok()?;
        let key = self.key(&entry.ca_lock_id).ok()?;
        let hardware = || self.inv.is_hardware(&key);
        let known = |text: &str| Some(text.to_string()).filter(|t| !t.is_empty());
        match what {
            DeviceInfo::Label => known(&key.label),
            DeviceInfo::Model => known(&key.model),
            DeviceInfo::Serial => known(&key.ca_lock_id),
            DeviceInfo::Manufacturer => known(&key.manufacturer),
            DeviceInfo::HardwareVersion => known(&key.hardware_version),
            DeviceInfo::FirmwareVersion => known(&key.firmware_version),
            DeviceInfo::TotalSpace => key.storage.map(|s| s.total.to_string()),
            DeviceInfo::FreeSpace => key.storage.map(|s| s.free.to_string()),
            DeviceInfo::Algorithm => entry.algorithm.map(|a| {
                match a {
                    zca_contract::Algorithm::Sm2Sm3 => "SM2",
                    zca_contract::Algorithm::RsaPkcs1Sha256 => "RSA",
                    zca_contract::Algorithm::EcdsaP256Sha256 => "ECC",
                }
                .to_string()
            }),
            // PKCS#11 tells no counts; SKF does.
            DeviceInfo::AdminPinRetries => key.so_pin_tries.map(|t| t.max.to_string()),
            DeviceInfo::UserPinRetries => key.pin_tries.map(|t| t.max.to_string()),
            DeviceInfo::HardOrSoft => Some(if hardware() { "HARD" } else { "SOFT" }.into()),
            DeviceInfo::Kind => Some(if hardware() { "USBKey" } else { "SoftToken" }.into()),
            DeviceInfo::Driver => key.module.file_name().map(|f| f.to_string_lossy().into_owned()),
        }
    }

    /// The connection is gone: its logins end.
    pub fn closed(&mut self, conn: u64) {
        let locks: Vec<String> = self.logins.keys().cloned().collect();
        for lock in locks {
            self.leave(conn, &lock);
        }
    }
}
