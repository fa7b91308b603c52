//! The keys, as the CA client service sees them, whichever protocol the page speaks.
//!
//! Each group of drivers (a PKCS#11 module, an SKF library, or the two of a vendor that reach
//! the same keys) has one thread that owns it and makes every call into it: vendor drivers are
//! often not thread-safe, and a driver that stalls then holds up only its own keys. Callers ask
//! a group one way, `Keys::on`, with a job that runs on its thread; an answer that does not come
//! within the driver time limit is `token_timeout`, and until the stuck call returns, that
//! group's calls fail at once while the other groups keep serving.
//!
//! A token has one login state per process, so the per-connection login is kept here: a
//! connection may sign with a key only after its own SOF_Login with the right PIN; a second
//! connection's SOF_Login logs the key out and in again, so that its PIN is really checked.
//! Every PIN goes through the one `PinGuard` of the service (`crate::pin`).

mod worker;

pub use self::worker::DeviceInfo;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zca_contract::Algorithm;

pub use self::worker::Worker;
use super::pins::{DesktopPins, PageAnswers};
use crate::error::Error;
use crate::pin::PinGuard;
use crate::secret::Secret;
use crate::token::{Candidate, Inventory, RsaHash};

/// One certificate as pages see it.
#[derive(Clone, Debug)]
pub struct CertEntry {
    /// Stable across restarts and re-insertion (never a slot number).
    pub cert_id: String,
    /// The subject's CN (what pages list).
    pub name: String,
    pub der: Vec<u8>,
    /// The encryption certificate of the same holder on the same key, if there is one.
    pub exchange_der: Option<Vec<u8>>,
    pub ca_lock_id: String,
    pub algorithm: Option<Algorithm>,
}

impl CertEntry {
    /// The container part of the ID (`<container>/<CA锁ID>`).
    pub fn container(&self) -> &str {
        self.cert_id.rsplit_once('/').map_or(self.cert_id.as_str(), |(c, _)| c)
    }
}

/// Why a call into the keys did not do what the page asked. Said in the log (a page gets its
/// protocol's failure value).
#[derive(Debug)]
pub enum Failure {
    NoSuchCertificate,
    /// The connection has not logged in to the certificate's key (SOF_Login).
    NotLoggedIn,
    /// The bytes are a platform message for another origin: signing them would log the user
    /// in there (see `super::relay`).
    Relay(String),
    /// The person said no at the desktop's PIN dialog.
    Cancelled,
    /// The key (its CA锁ID) is at its final PIN try, and nobody said yes to spending it.
    FinalTry(String),
    /// What the key, its driver or the PIN guard said.
    Key(Error),
}

/// SKF's (GM/T 0016) and SOF's (GM/T 0020) error codes, as pages read them back
/// (SOF_GetLastError, mToken's `rtn`).
pub mod code {
    pub const OK: u32 = 0;
    pub const SAR_FAIL: u32 = 0x0A00_0001;
    pub const SAR_NOTSUPPORTYETERR: u32 = 0x0A00_0003;
    pub const SAR_INVALIDPARAMERR: u32 = 0x0A00_0006;
    pub const SAR_TIMEOUTERR: u32 = 0x0A00_000F;
    pub const SAR_CERTNOTFOUNTERR: u32 = 0x0A00_001C;
    pub const SAR_DEVICE_REMOVED: u32 = 0x0A00_0023;
    pub const SAR_PIN_INCORRECT: u32 = 0x0A00_0024;
    pub const SAR_PIN_LOCKED: u32 = 0x0A00_0025;
    pub const SAR_PIN_INVALID: u32 = 0x0A00_0026;
    pub const SAR_USER_NOT_LOGGED_IN: u32 = 0x0A00_002D;
    pub const SOR_UNKNOWNERR: u32 = 0x0B00_0001;
    pub const SOR_NOTSUPPORTYETERR: u32 = 0x0B00_0002;
    pub const SOR_INDATAERR: u32 = 0x0B00_0201;
    pub const SOR_CERTNOTFOUNTERR: u32 = 0x0B00_0310;
    pub const SOR_SIGNDATAERR: u32 = 0x0B00_0409;
}

impl Failure {
    /// The error code a page reads back: SKF's codes for what the key said, SOF's for the rest.
    pub fn code(&self) -> u32 {
        match self {
            Failure::NoSuchCertificate => code::SOR_CERTNOTFOUNTERR,
            Failure::NotLoggedIn => code::SAR_USER_NOT_LOGGED_IN,
            Failure::Relay(_) => code::SOR_SIGNDATAERR,
            Failure::Cancelled | Failure::FinalTry(_) => code::SAR_FAIL,
            Failure::Key(e) => match e {
                Error::PinIncorrect { .. } | Error::PinMaybeIncorrect => code::SAR_PIN_INCORRECT,
                Error::PinLocked => code::SAR_PIN_LOCKED,
                Error::PinRejected { .. } | Error::NewPinRefusedByKey { .. } => {
                    code::SAR_PIN_INVALID
                }
                Error::TokenTimeout { .. } => code::SAR_TIMEOUTERR,
                Error::TokenRemoved { .. } | Error::TokenMissing => code::SAR_DEVICE_REMOVED,
                Error::EmptySecret { .. } => code::SAR_INVALIDPARAMERR,
                _ => code::SAR_FAIL,
            },
        }
    }

    /// The log's words for it.
    pub fn reason(&self) -> String {
        match self {
            Failure::NoSuchCertificate => "no such certificate".into(),
            Failure::NotLoggedIn => "not logged in (SOF_Login)".into(),
            Failure::Relay(why) => why.clone(),
            Failure::Cancelled => "cancelled at the desktop's PIN dialog".into(),
            Failure::FinalTry(lock) => format!(
                "the key is at its final PIN try; to allow one attempt: zca bridge allow-final-try {lock}"
            ),
            Failure::Key(e) => e.message(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Key(e)
    }
}

/// What the keys tell connections without being asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyEvent {
    /// A key was inserted or removed.
    UsbKeyChange,
}

/// The connections to tell of key events.
pub type Listeners = Arc<Mutex<HashMap<u64, Sender<KeyEvent>>>>;

pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// The drivers the service may use, as discovery or the user named them.
#[derive(Clone, Default)]
pub struct Drivers {
    pub modules: Vec<Candidate>,
    pub skf: Vec<Candidate>,
    /// Makes an inventory of some of them (settings such as module quirks applied).
    pub scan: Option<Scan>,
}

/// Makes an inventory of some PKCS#11 modules and SKF libraries.
pub type Scan = Arc<dyn Fn(Vec<Candidate>, Vec<Candidate>) -> Inventory + Send + Sync>;

impl Drivers {
    fn scan(&self, modules: Vec<Candidate>, skf: Vec<Candidate>) -> Inventory {
        match &self.scan {
            Some(scan) => scan(modules, skf),
            None => Inventory::scan(modules, skf),
        }
    }
}

pub struct KeysOptions {
    pub drivers: Drivers,
    /// A login ends after this long without a call from its connection.
    pub idle: Duration,
    /// Where the user's consent to spend a final PIN try is left (`zca bridge allow-final-try`).
    pub consent_dir: PathBuf,
    /// Log lines (never a PIN).
    pub log: Log,
    pub listeners: Listeners,
    /// Log the time each signature took on the key (`zca -v bridge`).
    pub timings: bool,
    /// The desktop's PIN dialog, where there is one.
    pub desktop: Option<DesktopPins>,
}

type Job = Box<dyn FnOnce(&mut Worker) + Send>;

/// One group of drivers and the thread that owns them.
struct Group {
    jobs: Sender<Job>,
    /// The group's certificates as its thread last listed them, for answers that need no call.
    certs: Arc<Mutex<Vec<CertEntry>>>,
    /// Since when its thread has been inside a job (or a look at its keys).
    busy_since: Arc<Mutex<Option<Instant>>>,
}

/// A handle to the keys; cheap to clone, one per connection.
#[derive(Clone)]
pub struct Keys {
    groups: Arc<Vec<Group>>,
    guard: Arc<PinGuard>,
    desktop: Option<Arc<DesktopPins>>,
    consent_dir: PathBuf,
    log: Log,
    /// How long a caller waits for a group's answer: the driver time limit and some.
    wait: Duration,
}

impl Keys {
    pub fn start(opts: KeysOptions) -> Keys {
        let guard = Arc::new(PinGuard::new());
        let plan = group_drivers(&opts.drivers);
        let mut groups = Vec::new();
        let (ready_tx, ready) = mpsc::channel();
        for (modules, skf) in plan {
            let (jobs, rx) = mpsc::channel::<Job>();
            let certs = Arc::new(Mutex::new(Vec::new()));
            let busy_since = Arc::new(Mutex::new(None));
            let worker = worker::Setup {
                drivers: opts.drivers.clone(),
                modules,
                skf,
                idle: opts.idle,
                log: opts.log.clone(),
                listeners: opts.listeners.clone(),
                timings: opts.timings,
                certs: certs.clone(),
                busy_since: busy_since.clone(),
            };
            let ready_tx = ready_tx.clone();
            std::thread::Builder::new()
                .name("zca-bridge-keys".into())
                .spawn(move || {
                    let worker = Worker::new(worker);
                    let _ = ready_tx.send(());
                    worker.run(rx)
                })
                .expect("a thread for a group of drivers");
            groups.push(Group { jobs, certs, busy_since });
        }
        // Pages are served once every group has listed its keys (or its driver is stuck: a
        // group that has not listed them by the driver time limit starts out empty).
        let deadline = Instant::now() + crate::token::watchdog::limit();
        for _ in 0..groups.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if ready.recv_timeout(left).is_err() {
                (opts.log)("a driver did not list its keys in time; its keys come when it does");
                break;
            }
        }
        Keys {
            groups: Arc::new(groups),
            guard,
            desktop: opts.desktop.map(Arc::new),
            consent_dir: opts.consent_dir,
            log: opts.log,
            wait: crate::token::watchdog::limit() + Duration::from_secs(2),
        }
    }

    /// Runs `job` on the thread of the group that holds `cert_id`, and waits for its answer.
    fn on<T: Send + 'static>(
        &self,
        cert_id: &str,
        job: impl FnOnce(&mut Worker) -> T + Send + 'static,
    ) -> Result<T, Failure> {
        let group = self
            .groups
            .iter()
            .find(|g| lock(&g.certs).iter().any(|c| c.cert_id == cert_id))
            .ok_or(Failure::NoSuchCertificate)?;
        self.ask(group, job)
    }

    fn ask<T: Send + 'static>(
        &self,
        group: &Group,
        job: impl FnOnce(&mut Worker) -> T + Send + 'static,
    ) -> Result<T, Failure> {
        let limit = crate::token::watchdog::limit();
        let stalled = || {
            Failure::Key(Error::TokenTimeout {
                operation: "a call into the key's driver".into(),
                seconds: limit.as_secs(),
            })
        };
        // A driver stuck in an earlier call: this one would only queue behind it.
        if lock(&group.busy_since).is_some_and(|since| since.elapsed() > limit) {
            return Err(stalled());
        }
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |w| {
            let _ = tx.send(job(w));
        });
        group.jobs.send(job).map_err(|_| stalled())?;
        rx.recv_timeout(self.wait).map_err(|_| stalled())
    }

    /// Every certificate of every key, as the groups last listed them.
    pub fn user_list(&self) -> Vec<CertEntry> {
        self.groups.iter().flat_map(|g| lock(&g.certs).clone()).collect()
    }

    pub fn cert(&self, cert_id: &str) -> Option<CertEntry> {
        self.user_list().into_iter().find(|c| c.cert_id == cert_id)
    }

    /// The keys that hold certificates, by CA锁ID, each with its containers (the first part of
    /// its certificates' IDs), in the order pages list them.
    pub fn devices(&self) -> Vec<(String, Vec<String>)> {
        let mut devices: Vec<(String, Vec<String>)> = Vec::new();
        for c in self.user_list() {
            let container = c.container().to_string();
            match devices.iter_mut().find(|(id, _)| *id == c.ca_lock_id) {
                Some((_, containers)) => containers.push(container),
                None => devices.push((c.ca_lock_id.clone(), vec![container])),
            }
        }
        devices
    }

    /// SOF_Login for connection `conn` of `origin`: the PIN from the page, or from the
    /// desktop's PIN dialog when the origin is set to it or the page sent none. After a wrong
    /// PIN the key's pause is waited out here, on the connection's thread, never on the keys'.
    pub fn login(
        &self,
        conn: u64,
        origin: &str,
        cert_id: &str,
        page_pin: Secret,
        desktop_first: bool,
    ) -> Result<(), Failure> {
        let answers = self.answers(cert_id, origin, page_pin, desktop_first)?;
        self.with_pause(|| {
            let (guard, id, answers) = (self.guard.clone(), cert_id.to_string(), answers.clone());
            self.on(cert_id, move |w| w.login(&guard, conn, &id, answers))?
        })
    }

    /// SOF_ChangePassWd: only for a connection logged in to the certificate's key, and through
    /// the same PIN guard as a login (its pause included).
    pub fn change_pin(
        &self,
        conn: u64,
        cert_id: &str,
        old: Secret,
        new: Secret,
    ) -> Result<(), Failure> {
        let answers = PageAnswers::page(old, Some(new), self.consent_dir.clone());
        self.with_pause(|| {
            let (guard, id, answers) = (self.guard.clone(), cert_id.to_string(), answers.clone());
            self.on(cert_id, move |w| w.change_pin(&guard, conn, &id, answers))?
        })
    }

    /// Runs `attempt`; when the key's pause after a wrong PIN still runs, waits it out (a
    /// person who retypes at once is not told that a right PIN was wrong) and tries once more.
    fn with_pause(&self, attempt: impl Fn() -> Result<(), Failure>) -> Result<(), Failure> {
        match attempt() {
            Err(Failure::Key(Error::PinWait { millis })) => {
                (self.log)(&format!("waiting {millis} ms: the key's pause after a wrong PIN"));
                std::thread::sleep(Duration::from_millis(millis));
                attempt()
            }
            other => other,
        }
    }

    /// Where the PIN and the consent to a final try come from for this login.
    fn answers(
        &self,
        cert_id: &str,
        origin: &str,
        page_pin: Secret,
        desktop_first: bool,
    ) -> Result<PageAnswers, Failure> {
        let desktop = match &self.desktop {
            Some(d) if desktop_first || page_pin.is_blank() => d,
            _ => return Ok(PageAnswers::page(page_pin, None, self.consent_dir.clone())),
        };
        let id = cert_id.to_string();
        let prospect = self.on(cert_id, move |w| w.prospect(&id))??;
        desktop.ask(origin, &prospect).map_err(|e| match e {
            Error::Cancelled => Failure::Cancelled,
            other => Failure::Key(other),
        })
    }

    pub fn logout(&self, conn: u64, cert_id: &str) -> bool {
        let id = cert_id.to_string();
        self.on(cert_id, move |w| w.logout(conn, &id)).unwrap_or(false)
    }

    pub fn is_login(&self, conn: u64, cert_id: &str) -> bool {
        let id = cert_id.to_string();
        self.on(cert_id, move |w| w.is_login(conn, &id)).unwrap_or(false)
    }

    pub fn retry_count(&self, cert_id: &str) -> Option<i64> {
        let id = cert_id.to_string();
        self.on(cert_id, move |w| w.retry_count(&id)).ok().flatten()
    }

    /// A signature over `data`, unless the bytes are a platform message for another origin.
    pub fn sign(
        &self,
        conn: u64,
        origin: &str,
        cert_id: &str,
        rsa_hash: RsaHash,
        data: Vec<u8>,
    ) -> Result<Vec<u8>, Failure> {
        super::relay::check(&data, origin).map_err(Failure::Relay)?;
        let id = cert_id.to_string();
        self.on(cert_id, move |w| w.sign(conn, &id, rsa_hash, &data).map(|(s, _)| s))?
    }

    /// A CMS SignedData over `data`, under the same rule as `sign`.
    pub fn sign_message(
        &self,
        conn: u64,
        origin: &str,
        cert_id: &str,
        rsa_hash: RsaHash,
        data: Vec<u8>,
        attached: bool,
    ) -> Result<Vec<u8>, Failure> {
        super::relay::check(&data, origin).map_err(Failure::Relay)?;
        let id = cert_id.to_string();
        self.on(cert_id, move |w| w.sign_message(conn, &id, rsa_hash, &data, attached))?
    }

    pub fn device_info(&self, cert_id: &str, what: DeviceInfo) -> Option<String> {
        let id = cert_id.to_string();
        self.on(cert_id, move |w| w.device_info(&id, what)).ok().flatten()
    }

    /// The connection is gone: its logins end, on every group.
    pub fn closed(&self, conn: u64) {
        for group in self.groups.iter() {
            let _ = group.jobs.send(Box::new(move |w: &mut Worker| w.closed(conn)));
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The drivers in groups that reach disjoint keys: a key that a PKCS#11 module and an SKF
/// library both reach (the same CA锁ID, one key with both interfaces) puts the two in one
/// group; every other driver is a group of its own. Learnt from one look at all of them.
fn group_drivers(drivers: &Drivers) -> Vec<(Vec<Candidate>, Vec<Candidate>)> {
    let pairs: Vec<(PathBuf, PathBuf)> = {
        let inv = drivers.scan(drivers.modules.clone(), drivers.skf.clone());
        inv.keys
            .iter()
            .filter_map(|k| Some((k.module.clone(), k.skf_library.clone()?)))
            .filter(|(module, skf)| module != skf)
            .collect()
    };
    let mut groups: Vec<(Vec<Candidate>, Vec<Candidate>)> = Vec::new();
    for module in &drivers.modules {
        let partners: Vec<Candidate> = drivers
            .skf
            .iter()
            .filter(|s| pairs.iter().any(|(m, l)| m == &module.path && l == &s.path))
            .cloned()
            .collect();
        groups.push((vec![module.clone()], partners));
    }
    let grouped = |path: &Path| groups.iter().any(|(_, skf)| skf.iter().any(|s| s.path == path));
    let alone: Vec<Candidate> = drivers.skf.iter().filter(|s| !grouped(&s.path)).cloned().collect();
    for skf in alone {
        groups.push((Vec::new(), vec![skf]));
    }
    if groups.is_empty() {
        // No driver: one empty group, so that pages still get their (empty) answers.
        groups.push((Vec::new(), Vec::new()));
    }
    groups
}
