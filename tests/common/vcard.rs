//! A virtual OpenPGP smart card behind the real driver stack of USB keys: pcscd, vsmartcard's
//! vpcd reader driver, and OpenSC's PKCS#11 module. `scripts/setup` installs the parts (the
//! tests install nothing); the card itself is `tests/vcard/card.py`, fresh from the factory for
//! every test (user PIN 123456, admin PIN 12345678, three tries each, real retry counters).
//!
//! There is one pcscd and one reader per machine, so one card at a time: `VirtualCard::insert`
//! holds a lock for the test's life.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const ADMIN_PIN: &str = "12345678";
/// Reader 0 of /etc/reader.conf.d/vpcd ("Virtual PCD 00 00").
const VPCD_PORT: &str = "35963";
const PCSCD_SOCKET: &str = "/run/pcscd/pcscd.comm";

static ONE_CARD: Mutex<()> = Mutex::new(());

pub fn opensc_module() -> PathBuf {
    ["/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so", "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("OpenSC's PKCS#11 module is missing: sudo scripts/setup installs it")
}

/// The emulator's python, as `scripts/setup` installed it.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/vcard/venv/bin/python");
        let ok = Command::new(&python).args(["-c", "import jcecard"]).status();
        assert!(
            ok.is_ok_and(|s| s.success()),
            "the card emulator is missing from {}: sudo scripts/setup installs it",
            python.display()
        );
        for (what, path) in [
            ("pcscd", "/usr/sbin/pcscd"),
            ("vsmartcard-vpcd", "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"),
        ] {
            assert!(Path::new(path).exists(), "{what} is missing: sudo scripts/setup installs it");
        }
        python
    })
}

/// Starts pcscd unless one answers on its socket. It exits by itself after 60 s without
/// clients (`--auto-exit`), so nothing is left running after the tests. A socket or pid file
/// left by a pcscd that died is pcscd's to clean up, and it does.
fn ensure_pcscd() {
    if std::os::unix::net::UnixStream::connect(PCSCD_SOCKET).is_ok() {
        return;
    }
    // pcscd puts itself in the background; the command returns once it has.
    let started = Command::new("pcscd")
        .arg("--auto-exit")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("pcscd is missing: sudo scripts/setup installs it");
    assert!(
        started.success(),
        "pcscd did not start: it needs root, or start the system's (sudo systemctl start pcscd.socket)"
    );
    wait_for("pcscd's socket", || std::os::unix::net::UnixStream::connect(PCSCD_SOCKET).is_ok());
}

fn wait_for(what: &str, ready: impl FnMut() -> bool) {
    assert!(wait_until(Duration::from_secs(30), ready), "{what} did not come up in 30 s");
}

fn wait_until(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while !ready() {
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    true
}

/// The emulator, connected to the reader (it says "card inserted" once vpcd took it); `None`
/// when no reader took it within 10 s.
fn start_card(python: &Path, storage: &Path) -> Option<Child> {
    let mut card = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vcard/card.py"))
        .args(["--port", VPCD_PORT, "--parent", &std::process::id().to_string()])
        .args(["--connect-timeout", "10", "--storage"])
        .arg(storage)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the card emulator starts");
    let first = std::io::BufReader::new(card.stdout.take().unwrap()).lines().next();
    if matches!(first, Some(Ok(ref l)) if l == "card inserted") {
        return Some(card);
    }
    remove(&mut card);
    None
}

/// Whether OpenSC sees the card's token through pcscd.
fn token_present() -> bool {
    let out = Command::new("pkcs11-tool").arg("--module").arg(opensc_module()).arg("-L").output();
    out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("OpenPGP card (User PIN)"))
}

/// SIGTERM: the card saves its state and leaves the reader.
fn remove(card: &mut Child) {
    let _ = Command::new("kill").arg(card.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = card.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = card.kill();
    let _ = card.wait();
}

pub struct VirtualCard {
    card: Child,
    _storage: TempDir,
    pub dir: TempDir,
    _lock: MutexGuard<'static, ()>,
}

impl VirtualCard {
    /// A factory-fresh card in the reader, with an RSA-2048 key in each of its three key slots
    /// (1 signature, 2 decryption, 3 authentication).
    pub fn insert() -> VirtualCard {
        let lock = ONE_CARD.lock().unwrap_or_else(|p| p.into_inner());
        let python = python();
        let storage = tempfile::tempdir().unwrap();
        // On a loaded machine the reader can miss a card put in right after pcscd started:
        // take it out and put it in again, as a person would.
        let mut attempt = 0;
        let card = loop {
            attempt += 1;
            // Again each time: a pcscd started with --auto-exit by an earlier run may just
            // have gone, taking the reader with it.
            ensure_pcscd();
            if let Some(mut card) = start_card(python, storage.path()) {
                if wait_until(Duration::from_secs(20), token_present) {
                    break card;
                }
                remove(&mut card);
            }
            assert!(attempt < 3, "the card's token did not come up after {attempt} insertions");
        };
        let vc =
            VirtualCard { card, _storage: storage, dir: tempfile::tempdir().unwrap(), _lock: lock };
        for key in ["1", "2", "3"] {
            let out = Command::new("openpgp-tool")
                .args(["--verify", "CHV3", "--pin", ADMIN_PIN, "--gen-key", key])
                .args(["--key-type", "rsa2048"])
                .output()
                .unwrap();
            assert!(out.status.success(), "key {key}: {}", String::from_utf8_lossy(&out.stderr));
        }
        vc
    }

    pub fn pkcs11_tool(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("pkcs11-tool");
        cmd.arg("--module").arg(opensc_module()).args(args).stderr(Stdio::piped());
        cmd
    }

    /// The authentication key's SubjectPublicKeyInfo (key 3, in slot "User PIN").
    pub fn public_key(&self) -> Vec<u8> {
        let file = self.dir.path().join("pub.der");
        let ok = self
            .pkcs11_tool(&["--read-object", "--type", "pubkey", "--id", "03", "--output-file"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
        std::fs::read(file).unwrap()
    }

    /// Writes the certificate of key 3 (writing needs the admin PIN: it costs no user PIN try).
    pub fn write_cert(&self, der: &[u8]) {
        let file = self.dir.path().join("cert.der");
        std::fs::write(&file, der).unwrap();
        let out = self
            .pkcs11_tool(&["--slot-index", "0", "--login", "--login-type", "so"])
            .args(["--so-pin", ADMIN_PIN, "--type", "cert", "--id", "03", "--write-object"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// One wrong user PIN, typed by the test (not by zca).
    pub fn wrong_pin(&self) {
        let out = self
            .pkcs11_tool(&["--slot-index", "0", "--login", "--pin", "000000", "-O"])
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stderr).contains("CKR_PIN_"), "a wrong PIN counted");
    }

    /// The user PIN's tries left, as the card counts them (OpenSC reads the card's counter).
    pub fn tries_left(&self) -> u32 {
        let out = Command::new("pkcs15-tool").arg("--list-pins").output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.trim().strip_prefix("Tries left").map(str::to_string))
            .and_then(|rest| rest.trim_start_matches([' ', ':']).trim().parse().ok())
            .expect("pkcs15-tool shows the tries left")
    }
}

impl Drop for VirtualCard {
    fn drop(&mut self) {
        remove(&mut self.card);
    }
}
