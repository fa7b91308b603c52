//! Test fixtures: fresh SoftHSM2 tokens in a temporary directory per test (own SOFTHSM2_CONF),
//! real keys generated on the token, certificates from a test CA, and the zca binary run as a
//! process with its own home.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub const PIN: &str = "123456";
pub const SO_PIN: &str = "12345678";

/// Where Debian puts SoftHSM2's module.
pub fn softhsm_module() -> PathBuf {
    let candidates = [
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/softhsm/libsofthsm2.so",
    ];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("SoftHSM2 is installed (apt-get install softhsm2): .ci/run installs it")
}

pub fn zca_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_zca"))
}

/// A binary of the workspace that `cargo test --workspace` builds (the README's test command),
/// built here only when it is missing or older than its sources, as when one test file of this
/// package runs alone after a change.
pub fn ensure_built(bin: PathBuf, sources: &[&str], cargo_args: &[&str]) -> PathBuf {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let built = std::fs::metadata(&bin).and_then(|m| m.modified()).ok();
    let stale = match built {
        None => true,
        Some(t) => sources.iter().any(|dir| newest_file(&root.join(dir)).is_some_and(|s| s > t)),
    };
    if stale {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-q"])
            .args(cargo_args)
            .current_dir(root)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo build {cargo_args:?} failed");
    }
    bin
}

fn newest_file(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let t =
            if path.is_dir() { newest_file(&path) } else { entry.metadata().ok()?.modified().ok() };
        newest = newest.max(t);
    }
    newest
}

pub fn testkit_bin() -> PathBuf {
    ensure_built(
        zca_bin().with_file_name("zca-testkit"),
        &["testkit/src", "testkit/skf-soft/src"],
        &["-p", "zca-testkit"],
    )
}

pub fn platform_bin() -> PathBuf {
    ensure_built(
        zca_bin().with_file_name("zca-platform"),
        &["platform/src", "platform/static", "platform/templates", "contract/src"],
        &["-p", "zca-platform"],
    )
}

/// The fault-injecting PKCS#11 module (testkit/fault-module), forwarding to SoftHSM2.
pub fn fault_module() -> PathBuf {
    ensure_built(
        zca_bin().with_file_name("libzca_fault_pkcs11.so"),
        &["testkit/fault-module/src"],
        &["-p", "zca-fault-module"],
    )
}

/// `zca` through the fault module, forwarding to this world's SoftHSM, with these faults.
pub fn zca_faulty(hsm: &Hsm, faults: &str) -> Command {
    let mut cmd = hsm.zca();
    cmd.env("ZCA_PKCS11_MODULE", fault_module())
        .env("ZCA_FAULT_TARGET", softhsm_module())
        .env("ZCA_FAULTS", faults);
    cmd
}

/// `zca_faulty` pointed at a platform.
pub fn zca_faulty_on(hsm: &Hsm, p: &PlatformProc, faults: &str) -> Command {
    let mut cmd = zca_faulty(hsm, faults);
    cmd.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
    cmd
}

pub fn example_bin(name: &str) -> PathBuf {
    let bin = zca_bin().parent().unwrap().join("examples").join(name);
    ensure_built(bin, &["examples", "src", "contract/src"], &["--example", name])
}

/// A private SoftHSM2 world: its own token directory, config and home.
pub struct Hsm {
    pub dir: TempDir,
}

impl Hsm {
    pub fn new() -> Hsm {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tokens")).unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        let conf = format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            dir.path().join("tokens").display()
        );
        std::fs::write(dir.path().join("softhsm2.conf"), conf).unwrap();
        Hsm { dir }
    }

    pub fn conf(&self) -> PathBuf {
        self.dir.path().join("softhsm2.conf")
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn tool(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("SOFTHSM2_CONF", self.conf());
        cmd
    }

    fn run(&self, mut cmd: Command) -> Output {
        let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        assert!(
            out.status.success(),
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Initializes a token in the free slot and returns its serial number (the CA锁ID).
    pub fn init_token(&self, label: &str) -> String {
        let before = self.token_dirs();
        let mut cmd = self.tool("softhsm2-util");
        cmd.args(["--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", PIN]);
        self.run(cmd);
        let new = self
            .token_dirs()
            .into_iter()
            .find(|d| !before.contains(d))
            .expect("a new token folder");
        // SoftHSM's serial is the last 16 hex digits of the folder's UUID.
        let hex: String = new.file_name().unwrap().to_string_lossy().replace('-', "");
        hex[hex.len() - 16..].to_string()
    }

    /// The key `serial` pulled out: its token folder removed. SoftHSM's own `--delete-token`
    /// fails when another process (a watching zca) opens the token at that moment and leaves
    /// a lock file behind, so the folder is removed until it stays removed.
    pub fn pull(&self, serial: &str) {
        let dir = self
            .token_dirs()
            .into_iter()
            .find(|d| d.file_name().unwrap().to_string_lossy().replace('-', "").ends_with(serial))
            .unwrap_or_else(|| panic!("no token {serial}"));
        for _ in 0..100 {
            if std::fs::remove_dir_all(&dir).is_ok() && !dir.exists() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("{} could not be removed", dir.display());
    }

    fn token_dirs(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.dir.path().join("tokens"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect()
    }

    /// Gives a token another serial (SoftHSM has no option for it): rewrites the value stored in
    /// its token.object, same length, so that a 16-digit CA锁ID like the field's can be tested.
    pub fn set_serial(&self, old: &str, new: &str) {
        assert_eq!(old.len(), new.len());
        for dir in self.token_dirs() {
            let file = dir.join("token.object");
            let bytes = std::fs::read(&file).unwrap();
            if let Some(pos) = bytes.windows(old.len()).position(|w| w == old.as_bytes()) {
                let mut bytes = bytes;
                bytes[pos..pos + old.len()].copy_from_slice(new.as_bytes());
                std::fs::write(&file, bytes).unwrap();
                return;
            }
        }
        panic!("no token with serial {old}");
    }

    fn pkcs11_tool(&self, serial: &str) -> Command {
        let mut cmd = self.tool("pkcs11-tool");
        cmd.arg("--module").arg(softhsm_module()).args(["--token-label"]);
        cmd.arg(self.label_of(serial));
        cmd
    }

    fn label_of(&self, serial: &str) -> String {
        let mut cmd = self.tool("pkcs11-tool");
        cmd.arg("--module").arg(softhsm_module()).arg("-L");
        let out = String::from_utf8(self.run(cmd).stdout).unwrap();
        let mut label = None;
        for line in out.lines() {
            if let Some(l) = line.split_once("token label        : ") {
                label = Some(l.1.trim().to_string());
            }
            if line.contains("serial num") && line.trim_end().ends_with(serial) {
                return label.expect("label before serial");
            }
        }
        panic!("no token {serial} in {out}");
    }

    /// Generates a key pair on the token (`rsa:2048`, `EC:prime256v1`) and returns the
    /// public key as SubjectPublicKeyInfo DER.
    pub fn keygen(&self, serial: &str, key_type: &str, id: &str, label: &str) -> Vec<u8> {
        let mut cmd = self.pkcs11_tool(serial);
        cmd.args([
            "-l",
            "--pin",
            PIN,
            "--keypairgen",
            "--key-type",
            key_type,
            "--id",
            id,
            "--label",
            label,
        ]);
        self.run(cmd);
        let out = self.path(&format!("pub-{serial}-{id}.der"));
        let mut cmd = self.pkcs11_tool(serial);
        cmd.args(["--read-object", "--type", "pubkey", "--id", id, "-o"]).arg(&out);
        self.run(cmd);
        std::fs::read(out).unwrap()
    }

    /// Imports a P-256 key pair whose private key is visible without the PIN.
    pub fn import_visible_key(
        &self,
        serial: &str,
        pkcs8_der: &[u8],
        spki_der: &[u8],
        id: &str,
        label: &str,
    ) {
        let key = self.path(&format!("key-{serial}-{id}.der"));
        let spki = self.path(&format!("spki-{serial}-{id}.der"));
        std::fs::write(&key, pkcs8_der).unwrap();
        std::fs::write(&spki, spki_der).unwrap();
        let mut cmd = self.tool(testkit_bin().to_str().unwrap());
        cmd.arg("put-key").arg("--module").arg(softhsm_module());
        cmd.args(["--serial", serial, "--id", id, "--label", label]).arg(&key).arg(&spki);
        cmd.env("TESTKIT_PIN", PIN);
        self.run(cmd);
    }

    pub fn write_cert(&self, serial: &str, der: &[u8], id: &str, label: &str) {
        let file = self.path(&format!("cert-{serial}-{id}.der"));
        std::fs::write(&file, der).unwrap();
        let mut cmd = self.pkcs11_tool(serial);
        cmd.args(["-l", "--pin", PIN, "--write-object"]).arg(&file);
        cmd.args(["--type", "cert", "--id", id, "--label", label]);
        self.run(cmd);
    }

    /// A certificate object with any bytes as its value (the usual tools refuse to write one).
    pub fn write_raw_cert(&self, serial: &str, value: &[u8], id: &str, label: &str) {
        let file = self.path(&format!("raw-{serial}-{id}.bin"));
        std::fs::write(&file, value).unwrap();
        let mut cmd = self.tool(testkit_bin().to_str().unwrap());
        cmd.arg("put-cert").arg("--module").arg(softhsm_module());
        cmd.args(["--serial", serial, "--id", id, "--label", label]).arg(&file);
        cmd.env("TESTKIT_PIN", PIN);
        self.run(cmd);
    }

    /// `zca` with this world's tokens, a private home, English, no colour, SoftHSM named alone.
    pub fn zca(&self) -> Command {
        let mut cmd = Command::new(zca_bin());
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("SOFTHSM2_CONF", self.conf())
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_STATE_HOME", self.home().join(".local/state"))
            .env("LANG", "C.UTF-8")
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "1")
            .env("ZCA_PKCS11_MODULE", softhsm_module());
        cmd
    }
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("zca runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[allow(unused_imports)]
pub use zca_test_ca::{software_key, CertSpec, TestCa};

/// An SM2 certificate (SM3withSM2), made with OpenSSL: SoftHSM cannot hold SM2 keys, but can
/// hold the certificate.
pub fn sm2_certificate(dir: &Path, cn: &str) -> Vec<u8> {
    let key = dir.join("sm2.key");
    let cert = dir.join("sm2.der");
    let ok = Command::new("openssl")
        .args(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out"])
        .arg(&key)
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl makes SM2 keys");
    let ok = Command::new("openssl")
        .args([
            "req",
            "-new",
            "-x509",
            "-utf8",
            "-sm3",
            "-sigopt",
            "distid:1234567812345678",
            "-days",
            "365",
        ])
        .args(["-subj", &format!("/C=CN/O=国密测试单位/CN={cn}"), "-key"])
        .arg(&key)
        .args(["-outform", "DER", "-out"])
        .arg(&cert)
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl makes SM3withSM2 certificates");
    std::fs::read(cert).unwrap()
}

/// zca-platform as a process on 127.0.0.1 (ephemeral port), with its own data folder.
pub struct PlatformProc {
    pub dir: TempDir,
    pub origin: String,
    pub child: std::process::Child,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

pub const ACCOUNT_PASSWORD: &str = "a good password";

impl PlatformProc {
    pub fn start() -> PlatformProc {
        PlatformProc::start_with(&[])
    }

    /// Started with more `serve` options.
    pub fn start_with(options: &[&str]) -> PlatformProc {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(platform_bin())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(options)
            .env("ZCA_PLATFORM_DATA", dir.path())
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let addr = first.split_whitespace().nth(3).expect("the listening line").to_string();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = log.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        PlatformProc { dir, origin: format!("https://{addr}"), child, log }
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls/ca.pem")
    }

    fn admin(&self) -> Command {
        let mut cmd = Command::new(platform_bin());
        cmd.env("ZCA_PLATFORM_DATA", self.dir.path()).env("RUST_LOG", "error");
        cmd
    }

    pub fn add_user(&self, account: &str) {
        use std::io::Write;
        let mut child = self
            .admin()
            .args([
                "user",
                "add",
                account,
                "--name",
                &format!("{account} 名"),
                "--org",
                "测试单位",
                "--password-stdin",
            ])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{ACCOUNT_PASSWORD}").unwrap();
        assert!(child.wait().unwrap().success());
    }

    pub fn trust(&self, ca_der: &[u8]) {
        let file = self.dir.path().join("trusted-ca.der");
        std::fs::write(&file, ca_der).unwrap();
        let ok = self
            .admin()
            .args(["trust", "add"])
            .arg(&file)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Adds a driver package with `content` to the catalogue.
    pub fn add_driver(&self, file_name: &str, content: &[u8], issuer: &str, module: &str) {
        let file = self.dir.path().join(file_name);
        std::fs::write(&file, content).unwrap();
        let out = self
            .admin()
            .args(["driver", "add"])
            .arg(&file)
            .args(["--name", "测试驱动", "--vendor", "Test Vendor", "--version", "1.2.3"])
            .args(["--issuer", issuer, "--module-name", module])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// Replaces the file the platform keeps for driver `id` (in its database) behind the
    /// catalogue's back, as a damaged or tampered copy would be.
    pub fn replace_driver_file(&self, id: i64, content: &[u8]) {
        let mut db = zca_platform::db::Database::sqlite_in(self.dir.path()).open().unwrap();
        let sql = "UPDATE drivers SET content = ?1 WHERE id = ?2";
        assert_eq!(db.execute(sql, zca_platform::params![content, id]).unwrap(), 1);
    }

    pub fn audit(&self) -> serde_json::Value {
        let out = self.admin().args(["audit", "--json"]).output().unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// How many requests the server has logged so far.
    pub fn requests(&self) -> usize {
        // The log is written as requests finish; give the last one a moment.
        std::thread::sleep(std::time::Duration::from_millis(100));
        self.log.lock().unwrap().lines().filter(|l| l.contains("request method=")).count()
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for PlatformProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Hsm {
    /// `zca` pointed at a platform, trusting its CA file.
    pub fn zca_on(&self, platform: &PlatformProc) -> Command {
        let mut cmd = self.zca();
        cmd.env("ZCA_PLATFORM", &platform.origin).env("ZCA_CA_FILE", platform.ca_file());
        cmd
    }
}

/// Types a hidden entry at a prompt in a pseudo-terminal. The prompt text shows before the
/// terminal's echo is turned off, and turning it off may flush what was typed already: wait a
/// moment first, as a person would.
pub fn type_secret<S: expectrl::Expect>(s: &mut S, text: &str) {
    std::thread::sleep(std::time::Duration::from_millis(200));
    s.send(format!("{text}\r")).unwrap();
}

/// Runs a command with `input` on stdin; returns (exit code, stdout, stderr).
pub fn run_with_input(cmd: &mut Command, input: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the command runs");
    // The command may exit before it reads (a usage error): that is not the test's failure.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A token with a key of `key_type` and a certificate from `ca`; returns the token's serial.
pub fn key_with_cert(
    hsm: &Hsm,
    ca: &TestCa,
    label: &str,
    key_type: &str,
    spec: &CertSpec,
) -> String {
    let serial = hsm.init_token(label);
    let spki = hsm.keygen(&serial, key_type, "01", "key");
    hsm.write_cert(&serial, &ca.issue(&spki, spec), "01", "cert");
    serial
}

/// Fresh tokens, a test CA, and a platform that trusts it with the accounts alice and bob.
pub fn setup() -> (Hsm, TestCa, PlatformProc) {
    let hsm = Hsm::new();
    let ca = TestCa::new("Platform Test CA");
    let platform = PlatformProc::start();
    platform.trust(&ca.der);
    platform.add_user("alice");
    platform.add_user("bob");
    (hsm, ca, platform)
}

pub fn account_login(hsm: &Hsm, p: &PlatformProc, account: &str) {
    let (code, out, err) = run_with_input(
        hsm.zca_on(p).args(["account", "login", "--account", account, "--password-stdin"]),
        &format!("{ACCOUNT_PASSWORD}\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
}

pub fn pin(cmd: &mut std::process::Command) -> (i32, String, String) {
    run_with_input(cmd.arg("--pin-stdin"), &format!("{PIN}\n"))
}

/// Every file under `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
pub mod bridge;
pub mod browser;
pub mod hostile;
pub mod skf;
pub mod sm2;
pub mod vcard;
pub mod web;
