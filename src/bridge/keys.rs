//! The keys, as the CA client service sees them: one thread owns the PKCS#11 modules and makes
//! every call into them (vendor drivers are often not thread-safe), and keeps which connection
//! logged in to which key.
//!
//! A token has one login state per process, so the per-connection login is kept here: a
//! connection may sign with a key only after its own SOF_Login with the right PIN; a second
//! connection's SOF_Login logs the key out and in again, so that its PIN is really checked. The
//! login ends with SOF_Logout, the connection, the key's removal, or `idle` without a call.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zca_contract::Algorithm;

use super::cms::{self, Scheme};
use crate::secret::Secret;
use crate::token::{
    list_certificates, CertObject, CertUsage, HeldLogin, Inventory, Key, KeySession, PinState,
    RsaHash,
};

/// One certificate as pages see it.
#[derive(Clone, Debug)]
pub struct CertEntry {
    /// CA锁ID and CKA_ID: stable across restarts and re-insertion (never a slot number).
    pub cert_id: String,
    /// The subject's CN (what pages list).
    pub name: String,
    pub der: Vec<u8>,
    /// The encryption certificate of the same holder on the same key, if there is one.
    pub exchange_der: Option<Vec<u8>>,
    pub ca_lock_id: String,
    pub algorithm: Option<Algorithm>,
}

/// Why a login was not tried or failed; said in the log, the page gets "false".
#[derive(Debug, PartialEq, Eq)]
pub enum LoginRefusal {
    NoSuchCertificate,
    Locked,
    /// The final try, without the user's consent (`zca bridge allow-final-try`).
    FinalTry,
    /// Too soon after a failed attempt.
    RateLimited(Duration),
    Incorrect(PinState),
    Failed(String),
}

/// What the thread that owns the keys is asked to do. Each job carries where to answer.
enum Job {
    List(SyncSender<Vec<CertEntry>>),
    Login {
        conn: u64,
        cert_id: String,
        pin: Secret,
        reply: SyncSender<Result<(), LoginRefusal>>,
    },
    Logout {
        conn: u64,
        cert_id: String,
        reply: SyncSender<bool>,
    },
    IsLogin {
        conn: u64,
        cert_id: String,
        reply: SyncSender<bool>,
    },
    RetryCount {
        cert_id: String,
        reply: SyncSender<Option<i64>>,
    },
    ChangePin {
        cert_id: String,
        old: Secret,
        new: Secret,
        reply: SyncSender<Result<(), String>>,
    },
    Sign {
        conn: u64,
        cert_id: String,
        rsa_hash: RsaHash,
        data: Vec<u8>,
        reply: SyncSender<Signed>,
    },
    SignMessage {
        conn: u64,
        cert_id: String,
        rsa_hash: RsaHash,
        data: Vec<u8>,
        attached: bool,
        reply: SyncSender<Signed>,
    },
    DeviceInfo {
        cert_id: String,
        kind: i64,
        reply: SyncSender<Option<String>>,
    },
    Closed {
        conn: u64,
    },
}

type Signed = Result<Vec<u8>, String>;

/// What the keys tell connections without being asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyEvent {
    /// A key was inserted or removed.
    UsbKeyChange,
}

/// The connections to tell of key events.
pub type Listeners = Arc<Mutex<HashMap<u64, Sender<KeyEvent>>>>;

pub struct KeysOptions {
    /// Makes the inventory (run on the keys' own thread).
    pub inventory: Box<dyn Fn() -> Inventory + Send>,
    /// A login ends after this long without a call from its connection.
    pub idle: Duration,
    /// Where the user's consent to spend a final PIN try is left (`zca bridge allow-final-try`).
    pub consent_dir: PathBuf,
    /// Log lines (never a PIN).
    pub log: Arc<dyn Fn(&str) + Send + Sync>,
    pub listeners: Listeners,
    /// Log the time each signature took on the key (`zca -v bridge`).
    pub timings: bool,
}

/// A handle to the keys' thread; cheap to clone, one per connection.
#[derive(Clone)]
pub struct Keys {
    jobs: Sender<Job>,
    /// How long a caller waits for an answer: the driver watchdog's limit and some.
    wait: Duration,
}

impl Keys {
    pub fn start(opts: KeysOptions) -> Keys {
        let (jobs, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("zca-bridge-keys".into())
            .spawn(move || Worker::new(opts).run(rx))
            .expect("a thread for the keys");
        Keys { jobs, wait: crate::token::watchdog::limit() + Duration::from_secs(5) }
    }

    fn ask<T>(&self, make: impl FnOnce(SyncSender<T>) -> Job) -> Option<T> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.jobs.send(make(tx)).ok()?;
        rx.recv_timeout(self.wait).ok()
    }

    pub fn user_list(&self) -> Vec<CertEntry> {
        self.ask(Job::List).unwrap_or_default()
    }

    pub fn cert(&self, cert_id: &str) -> Option<CertEntry> {
        self.user_list().into_iter().find(|c| c.cert_id == cert_id)
    }

    pub fn login(&self, conn: u64, cert_id: &str, pin: Secret) -> Result<(), LoginRefusal> {
        let cert_id = cert_id.to_string();
        self.ask(|reply| Job::Login { conn, cert_id, pin, reply })
            .unwrap_or_else(|| Err(LoginRefusal::Failed("the keys did not answer".into())))
    }

    pub fn logout(&self, conn: u64, cert_id: &str) -> bool {
        let cert_id = cert_id.to_string();
        self.ask(|reply| Job::Logout { conn, cert_id, reply }).unwrap_or(false)
    }

    pub fn is_login(&self, conn: u64, cert_id: &str) -> bool {
        let cert_id = cert_id.to_string();
        self.ask(|reply| Job::IsLogin { conn, cert_id, reply }).unwrap_or(false)
    }

    pub fn retry_count(&self, cert_id: &str) -> Option<i64> {
        let cert_id = cert_id.to_string();
        self.ask(|reply| Job::RetryCount { cert_id, reply }).flatten()
    }

    pub fn change_pin(&self, cert_id: &str, old: Secret, new: Secret) -> Result<(), String> {
        let cert_id = cert_id.to_string();
        self.ask(|reply| Job::ChangePin { cert_id, old, new, reply })
            .unwrap_or_else(|| Err("the keys did not answer".into()))
    }

    pub fn sign(&self, conn: u64, cert_id: &str, rsa_hash: RsaHash, data: Vec<u8>) -> Signed {
        let cert_id = cert_id.to_string();
        self.ask(|reply| Job::Sign { conn, cert_id, rsa_hash, data, reply })
            .unwrap_or_else(|| Err("the keys did not answer".into()))
    }

    pub fn sign_message(
        &self,
        conn: u64,
        cert_id: &str,
        rsa_hash: RsaHash,
        data: Vec<u8>,
        attached: bool,
    ) -> Signed {
        let cert_id = cert_id.to_string();
        self.ask(|reply| Job::SignMessage { conn, cert_id, rsa_hash, data, attached, reply })
            .unwrap_or_else(|| Err("the keys did not answer".into()))
    }

    pub fn device_info(&self, cert_id: &str, kind: i64) -> Option<String> {
        let cert_id = cert_id.to_string();
        self.ask(|reply| Job::DeviceInfo { cert_id, kind, reply }).flatten()
    }

    /// The connection is gone: its logins end.
    pub fn closed(&self, conn: u64) {
        let _ = self.jobs.send(Job::Closed { conn });
    }
}

/// A key logged in for some connections, and when each last used it.
struct Login {
    /// Keeps the token's login: on PKCS#11 it ends when the process's last session on the
    /// token closes.
    session: Box<dyn HeldLogin>,
    module: PathBuf,
    conns: HashMap<u64, Instant>,
}

/// Failed logins of a key: after each, a longer wait before the next is tried.
#[derive(Default)]
struct Attempts {
    failures: u32,
    next: Option<Instant>,
}

struct Worker {
    opts: KeysOptions,
    inv: Inventory,
    certs: Vec<(CertEntry, CertObject)>,
    keys_seen: HashSet<String>,
    logins: HashMap<String, Login>,
    attempts: HashMap<String, Attempts>,
}

/// How often the keys are looked at for insertion and removal.
const TICK: Duration = Duration::from_millis(700);

impl Worker {
    fn new(opts: KeysOptions) -> Worker {
        let inv = (opts.inventory)();
        let mut w = Worker {
            opts,
            inv,
            certs: Vec::new(),
            keys_seen: HashSet::new(),
            logins: HashMap::new(),
            attempts: HashMap::new(),
        };
        w.keys_seen = w.inv.keys.iter().map(|k| k.ca_lock_id.clone()).collect();
        w.list();
        w
    }

    fn log(&self, line: &str) {
        (self.opts.log)(line);
    }

    fn run(mut self, jobs: Receiver<Job>) {
        let mut last_look = Instant::now();
        loop {
            match jobs.recv_timeout(TICK) {
                Ok(job) => self.handle(job),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if last_look.elapsed() >= TICK {
                self.look_for_changes();
                self.end_idle_logins();
                last_look = Instant::now();
            }
        }
    }

    fn handle(&mut self, job: Job) {
        match job {
            Job::List(reply) => {
                let _ = reply.send(self.certs.iter().map(|(e, _)| e.clone()).collect());
            }
            Job::Login { conn, cert_id, pin, reply } => {
                let _ = reply.send(self.login(conn, &cert_id, &pin));
            }
            Job::Logout { conn, cert_id, reply } => {
                let ok = self.entry(&cert_id).map(|(e, _)| e.ca_lock_id.clone());
                let done = ok.is_some_and(|lock| self.leave(conn, &lock));
                let _ = reply.send(done);
            }
            Job::IsLogin { conn, cert_id, reply } => {
                let lock = self.entry(&cert_id).map(|(e, _)| e.ca_lock_id.clone());
                let yes = lock.is_some_and(|l| {
                    self.logins.get(&l).is_some_and(|login| login.conns.contains_key(&conn))
                });
                let _ = reply.send(yes);
            }
            Job::RetryCount { cert_id, reply } => {
                let _ = reply.send(self.retry_count(&cert_id));
            }
            Job::ChangePin { cert_id, old, new, reply } => {
                let _ = reply.send(self.change_pin(&cert_id, &old, &new));
            }
            Job::Sign { conn, cert_id, rsa_hash, data, reply } => {
                let _ = reply.send(self.sign(conn, &cert_id, rsa_hash, &data).map(|(s, _)| s));
            }
            Job::SignMessage { conn, cert_id, rsa_hash, data, attached, reply } => {
                let _ = reply.send(self.sign_message(conn, &cert_id, rsa_hash, &data, attached));
            }
            Job::DeviceInfo { cert_id, kind, reply } => {
                let _ = reply.send(self.device_info(&cert_id, kind));
            }
            Job::Closed { conn } => {
                let locks: Vec<String> = self.logins.keys().cloned().collect();
                for lock in locks {
                    self.leave(conn, &lock);
                }
            }
        }
    }

    fn entry(&self, cert_id: &str) -> Option<&(CertEntry, CertObject)> {
        self.certs.iter().find(|(e, _)| e.cert_id == cert_id)
    }

    fn key(&self, ca_lock_id: &str) -> Option<&Key> {
        self.inv.keys.iter().find(|k| k.ca_lock_id == ca_lock_id)
    }

    /// Lists the certificates of every key, as pages see them: signing certificates, each with
    /// the holder's encryption certificate on the same key when there is one.
    fn list(&mut self) {
        let now = crate::output::now_local();
        let mut certs = Vec::new();
        for key in &self.inv.keys {
            let objects = match list_certificates(&self.inv, key, now) {
                Ok(o) => o,
                Err(e) => {
                    (self.opts.log)(&format!("key {}: {}", key.ca_lock_id, e.message()));
                    continue;
                }
            };
            let usable = |c: &&CertObject| {
                c.facts.is_some() && c.private_key != crate::token::PrivateKeyPresence::No
            };
            let signing: Vec<&CertObject> =
                objects.iter().filter(usable).filter(|c| !is_encryption_only(c)).collect();
            let mut seen = HashSet::new();
            for c in &signing {
                let f = c.facts.as_ref().expect("usable certificates have facts");
                let mut cert_id = format!("{}:{}", key.ca_lock_id, c.id);
                if !seen.insert(cert_id.clone()) {
                    cert_id = format!("{cert_id}:{}", &f.sha256[..8]);
                }
                let exchange = objects.iter().find(|x| {
                    is_encryption_only(x)
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
                    (*c).clone(),
                ));
            }
        }
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
        self.log(&format!("keys now: {}", sorted(&now).join(", ")));
        self.keys_seen = now;
        self.list();
        let listeners = self.opts.listeners.lock().unwrap_or_else(|p| p.into_inner());
        for tx in listeners.values() {
            let _ = tx.send(KeyEvent::UsbKeyChange);
        }
    }

    fn end_idle_logins(&mut self) {
        let idle = self.opts.idle;
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
            login.session.logout();
        }
        was
    }

    fn login(&mut self, conn: u64, cert_id: &str, pin: &Secret) -> Result<(), LoginRefusal> {
        let lock = self.entry(cert_id).ok_or(LoginRefusal::NoSuchCertificate)?.0.ca_lock_id.clone();
        let attempts = self.attempts.entry(lock.clone()).or_default();
        if let Some(next) = attempts.next.filter(|n| *n > Instant::now()) {
            return Err(LoginRefusal::RateLimited(next - Instant::now()));
        }
        let key = self.key(&lock).ok_or(LoginRefusal::NoSuchCertificate)?.clone();
        match self.inv.pin_state(&key).map_err(|e| LoginRefusal::Failed(e.message()))? {
            PinState::Locked => return Err(LoginRefusal::Locked),
            PinState::FinalTry if !take_consent(&self.opts.consent_dir, &lock) => {
                return Err(LoginRefusal::FinalTry)
            }
            _ => {}
        }
        // The token may be logged in for another connection: out and in again, so that this
        // connection's PIN is the one checked.
        if let Some(login) = self.logins.remove(&lock) {
            login.session.logout();
            self.logins.insert(lock.clone(), Login { conns: HashMap::new(), ..login });
        }
        let session =
            KeySession::open(&self.inv, &key).map_err(|e| LoginRefusal::Failed(e.message()))?;
        let attempts = self.attempts.entry(lock.clone()).or_default();
        match session.login(pin) {
            Ok(()) => {
                *attempts = Attempts::default();
                let previous = self.logins.remove(&lock);
                let mut conns = previous.map(|l| l.conns).unwrap_or_default();
                conns.insert(conn, Instant::now());
                let module = key.module.clone();
                self.logins.insert(lock, Login { session: session.into_login(), module, conns });
                Ok(())
            }
            Err(e) => {
                attempts.failures += 1;
                let wait = Duration::from_secs(1 << attempts.failures.min(5));
                attempts.next = Some(Instant::now() + wait);
                // Logged out above: the other connections' login went with it.
                self.logins.remove(&lock);
                match e {
                    crate::Error::PinIncorrect { state, .. } => Err(LoginRefusal::Incorrect(state)),
                    crate::Error::PinLocked => Err(LoginRefusal::Locked),
                    other => Err(LoginRefusal::Failed(other.message())),
                }
            }
        }
    }

    /// SKF counts the tries left. PKCS#11 says no number, only its flags: 0 locked, 1 the
    /// final try, and 2 — at least two are left — otherwise.
    fn retry_count(&self, cert_id: &str) -> Option<i64> {
        let lock = &self.entry(cert_id)?.0.ca_lock_id;
        let key = self.key(lock)?;
        let flags = self.inv.pin_flags(key).ok()?;
        if let Some(tries) = flags.user_tries {
            return Some(tries.left.into());
        }
        Some(match flags.user {
            PinState::Locked => 0,
            PinState::FinalTry => 1,
            PinState::CountLow | PinState::Ok => 2,
        })
    }

    fn change_pin(&mut self, cert_id: &str, old: &Secret, new: &Secret) -> Result<(), String> {
        let lock = self.entry(cert_id).ok_or("no such certificate")?.0.ca_lock_id.clone();
        let key = self.key(&lock).ok_or("the key is gone")?.clone();
        match self.inv.pin_state(&key).map_err(|e| e.message())? {
            PinState::Locked => return Err("the PIN is locked".into()),
            PinState::FinalTry if !take_consent(&self.opts.consent_dir, &lock) => {
                return Err("the key is at its final PIN try (zca bridge allow-final-try)".into())
            }
            _ => {}
        }
        crate::pin::check_new(new, Some(old), key.min_pin_length, key.max_pin_length)
            .map_err(|e| e.message())?;
        let session = KeySession::open_rw(&self.inv, &key).map_err(|e| e.message())?;
        session.change_pin(old, new).map_err(|e| e.message())
    }

    /// The certificate's signer, after checking that this connection logged in to its key.
    fn signer(&mut self, conn: u64, cert_id: &str) -> Result<(CertObject, Key), String> {
        let (entry, object) = self.entry(cert_id).ok_or("no such certificate")?.clone();
        let login = self.logins.get_mut(&entry.ca_lock_id).ok_or("not logged in (SOF_Login)")?;
        let last = login.conns.get_mut(&conn).ok_or("not logged in (SOF_Login)")?;
        *last = Instant::now();
        let key = self.key(&entry.ca_lock_id).ok_or("the key is gone")?.clone();
        Ok((object, key))
    }

    fn sign(
        &mut self,
        conn: u64,
        cert_id: &str,
        rsa_hash: RsaHash,
        data: &[u8],
    ) -> Result<(Vec<u8>, Scheme), String> {
        let (object, key) = self.signer(conn, cert_id)?;
        let session = KeySession::open(&self.inv, &key).map_err(|e| e.message())?;
        let signer = session.signer_for(&object).map_err(|e| e.message())?;
        let scheme = Scheme { algorithm: signer.algorithm, rsa_hash };
        let started = Instant::now();
        let signature = session.sign_with(&signer, rsa_hash, data).map_err(|e| e.message())?;
        if self.opts.timings {
            let ms = started.elapsed().as_secs_f64() * 1e3;
            self.log(&format!("[{conn}] signed on key {} in {ms:.3} ms", key.ca_lock_id));
        }
        Ok((signature, scheme))
    }

    fn sign_message(
        &mut self,
        conn: u64,
        cert_id: &str,
        rsa_hash: RsaHash,
        data: &[u8],
        attached: bool,
    ) -> Signed {
        let (object, _) = self.signer(conn, cert_id)?;
        let algorithm = object.facts.as_ref().and_then(|f| f.algorithm).ok_or("unsupported key")?;
        let scheme = Scheme { algorithm, rsa_hash };
        let attributes = cms::signed_attributes(scheme, data, time::OffsetDateTime::now_utc());
        let (signature, _) = self.sign(conn, cert_id, rsa_hash, &attributes)?;
        cms::signed_data(scheme, &object.der, data, attached, &attributes, &signature)
            .ok_or_else(|| "the certificate does not parse".into())
    }

    /// GetDeviceInfo: the key's facts by the numbers the pages use (7: HARD or SOFT).
    fn device_info(&self, cert_id: &str, kind: i64) -> Option<String> {
        let key = self.key(&self.entry(cert_id)?.0.ca_lock_id)?;
        let hardware = || self.inv.is_hardware(key);
        Some(match kind {
            1 => if hardware() { "USBKey" } else { "SoftToken" }.to_string(),
            2 => key.model.clone(),
            3 => key.label.clone(),
            4 => key.manufacturer.clone(),
            5 => key.hardware_version.clone(),
            6 => key.firmware_version.clone(),
            7 => if hardware() { "HARD" } else { "SOFT" }.to_string(),
            8 => key.ca_lock_id.clone(),
            _ => return None,
        })
    }
}

/// A certificate for encryption only: keyUsage without digitalSignature or nonRepudiation.
/// An SKF container says which certificate is for encryption; elsewhere the key usage does.
fn is_encryption_only(c: &CertObject) -> bool {
    if let Some(usage) = c.usage {
        return usage == CertUsage::Encryption;
    }
    c.facts.as_ref().is_some_and(|f| {
        !f.key_usage.is_empty()
            && !f.key_usage.iter().any(|u| *u == "digitalSignature" || *u == "nonRepudiation")
    })
}

fn sorted(set: &HashSet<String>) -> Vec<String> {
    let mut v: Vec<String> = set.iter().cloned().collect();
    v.sort();
    v
}

/// The user's consent to spend the final try on key `lock`: a file `zca bridge allow-final-try`
/// left, holding its expiry (Unix seconds); used once.
fn take_consent(dir: &Path, lock: &str) -> bool {
    let path = consent_path(dir, lock);
    let until = std::fs::read_to_string(&path).ok().and_then(|t| t.trim().parse::<i64>().ok());
    let _ = std::fs::remove_file(&path);
    until.is_some_and(|u| u >= time::OffsetDateTime::now_utc().unix_timestamp())
}

/// Where the consent for key `lock` is left.
pub fn consent_path(dir: &Path, lock: &str) -> PathBuf {
    let safe: String =
        lock.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    dir.join(format!("final-try-{safe}"))
}
