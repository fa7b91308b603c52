//! What the benchmark measures against: SoftHSM2 tokens in a temporary folder, a zca-platform
//! process on 127.0.0.1 with its own data, and a key bound to an account for `zca login`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tempfile::TempDir;
pub use zca_test_ca::TestCa;
use zca_test_ca::{p256_pair, CertSpec};

use crate::{must, path_str, softhsm, spy, Bins};

pub const PIN: &str = "123456";
pub const PASSWORD: &str = "bench password";

/// SoftHSM2 tokens `b1`, `b2`, ... each with an EC key pair and a certificate.
pub struct Tokens {
    dir: TempDir,
    count: usize,
    module: PathBuf,
    cert: PathBuf,
}

impl Tokens {
    pub fn new() -> Result<Tokens> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("tokens"))?;
        std::fs::write(
            dir.path().join("softhsm2.conf"),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.path().join("tokens").display()
            ),
        )?;
        let ca = TestCa::new("Bench listing CA");
        let cert = dir.path().join("cert.der");
        std::fs::write(&cert, ca.issue_for(&p256_pair(), &CertSpec::valid("listing")))?;
        Ok(Tokens { module: softhsm()?, cert, dir, count: 0 })
    }

    fn conf(&self) -> PathBuf {
        self.dir.path().join("softhsm2.conf")
    }

    fn tool(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("SOFTHSM2_CONF", self.conf());
        cmd
    }

    pub fn grow_to(&mut self, n: usize) -> Result<()> {
        while self.count < n {
            self.count += 1;
            let label = format!("b{}", self.count);
            must(
                self.tool("softhsm2-util")
                    .args(["--init-token", "--free", "--label", &label])
                    .args(["--pin", PIN, "--so-pin", "12345678"]),
            )?;
            let p11 = |args: &[&str]| -> Result<()> {
                must(
                    self.tool("pkcs11-tool")
                        .arg("--module")
                        .arg(&self.module)
                        .args(["--token-label", &label, "--login", "--pin", PIN])
                        .args(args),
                )
                .map(drop)
            };
            p11(&["--keypairgen", "--key-type", "EC:prime256v1", "--id", "01", "--label", "key"])?;
            p11(&["--write-object", &path_str(&self.cert), "--type", "cert", "--id", "01"])?;
        }
        Ok(())
    }

    /// One token (`b1`) holding a key pair and `n` certificates, as a CA's key that keeps a
    /// chain and its predecessors does.
    pub fn one_with_certificates(n: usize) -> Result<Tokens> {
        let mut tokens = Tokens::new()?;
        tokens.grow_to(1)?;
        for i in 2..=n {
            let id = format!("{i:04x}");
            must(
                tokens
                    .tool("pkcs11-tool")
                    .arg("--module")
                    .arg(&tokens.module)
                    .args(["--token-label", "b1", "--login", "--pin", PIN])
                    .args(["--write-object", &path_str(&tokens.cert), "--type", "cert"])
                    .args(["--id", &id, "--label", &format!("cert {i}")]),
            )?;
        }
        Ok(tokens)
    }

    /// Gives the first token's key a certificate of its own from `ca` (the listing certificate
    /// belongs to another key), so that it can sign.
    pub fn certify_first(&self, ca: &TestCa) -> Result<()> {
        let public = self.dir.path().join("pub.der");
        let p11 = |args: &[&str]| {
            must(
                self.tool("pkcs11-tool")
                    .arg("--module")
                    .arg(&self.module)
                    .args(["--token-label", "b1"])
                    .args(args),
            )
        };
        p11(&["--read-object", "--type", "pubkey", "--id", "01", "-o", &path_str(&public)])?;
        let spki = rcgen::SubjectPublicKeyInfo::from_der(&std::fs::read(&public)?)?;
        let cert = self.dir.path().join("own.der");
        std::fs::write(&cert, ca.issue_for(&spki, &CertSpec::valid("bench signer")))?;
        p11(&["--login", "--pin", PIN, "--delete-object", "--type", "cert", "--id", "01"])?;
        p11(&[
            "--login",
            "--pin",
            PIN,
            "--write-object",
            &path_str(&cert),
            "--type",
            "cert",
            "--id",
            "01",
        ])
        .map(drop)
    }

    /// zca on these tokens alone, in a private home.
    pub fn zca(&self, zca: &Path) -> Command {
        let mut cmd = self.tool(&path_str(zca));
        cmd.env("ZCA_PKCS11_MODULE", &self.module)
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("LANG", "C.UTF-8");
        cmd
    }

    /// The peer's way to the same information: `pkcs11-tool -O`, once per key.
    pub fn pkcs11_tool_commands(&self, module: &Path) -> Vec<Command> {
        (1..=self.count)
            .map(|i| {
                let mut cmd = self.tool("pkcs11-tool");
                cmd.arg("--module").arg(module).args(["--token-label", &format!("b{i}"), "-O"]);
                cmd
            })
            .collect()
    }

    pub fn pkcs11_tool_loop(&self) -> Result<f64> {
        let start = Instant::now();
        for mut cmd in self.pkcs11_tool_commands(&self.module) {
            must(&mut cmd)?;
        }
        Ok(start.elapsed().as_secs_f64() * 1e3)
    }

    pub fn p11tool(&self) -> Command {
        let mut cmd = self.tool("p11tool");
        cmd.arg(format!("--provider={}", self.module.display()))
            .args(["--list-all-certs", "pkcs11:"]);
        cmd
    }

    /// PKCS#11 calls the commands make, counted by OpenSC's pkcs11-spy in front of SoftHSM.
    pub fn spy_calls(&self, commands: impl Fn(&Path) -> Vec<Command>) -> Result<usize> {
        let log = self.dir.path().join("spy.log");
        let _ = std::fs::remove_file(&log);
        for mut cmd in commands(&spy()?) {
            cmd.env("PKCS11SPY", &self.module).env("PKCS11SPY_OUTPUT", &log);
            must(&mut cmd)?;
        }
        let text = std::fs::read_to_string(&log).context("pkcs11-spy wrote no log")?;
        Ok(text.lines().filter(|l| is_call(l)).count())
    }
}

/// A call line of pkcs11-spy's log: "123: C_Something".
fn is_call(line: &str) -> bool {
    line.split_once(": C_")
        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// zca-platform as a process on 127.0.0.1 with its own data folder, its log kept; or several
/// instances of it on one PostgreSQL database, as behind a load balancer (one origin).
pub struct Platform {
    pub dir: TempDir,
    pub origin: String,
    /// Each instance's own address.
    pub addrs: Vec<String>,
    /// `postgres://…`, or none for SQLite in the data folder.
    database: Option<String>,
    children: Vec<Child>,
    log: Arc<Mutex<Vec<String>>>,
    bin: PathBuf,
}

impl Platform {
    pub fn start(bin: &Path) -> Result<Platform> {
        Platform::start_on(bin, None, 1)
    }

    pub fn start_on(bin: &Path, database: Option<String>, instances: usize) -> Result<Platform> {
        let mut p = Platform {
            dir: tempfile::tempdir()?,
            origin: String::new(),
            addrs: Vec::new(),
            database,
            children: Vec::new(),
            log: Arc::new(Mutex::new(Vec::new())),
            bin: bin.into(),
        };
        for _ in 0..instances.max(1) {
            p.serve()?;
        }
        p.add_user("bench")?;
        Ok(p)
    }

    /// One more instance; the first sets the origin every other is started with.
    fn serve(&mut self) -> Result<()> {
        let mut cmd = self.command();
        cmd.args(["serve", "--listen", "127.0.0.1:0"]);
        if !self.origin.is_empty() {
            cmd.args(["--origin", &self.origin]);
        }
        let mut child =
            cmd.env("RUST_LOG", "info").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
        let mut lines = std::io::BufReader::new(child.stdout.take().context("stdout")?).lines();
        let first = lines.next().context("zca-platform said nothing")??;
        let addr = first.split_whitespace().nth(3).context("the listening line")?.to_string();
        let sink = self.log.clone();
        let stderr = child.stderr.take().context("stderr")?;
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().expect("log").push(line);
            }
        });
        self.addrs.push(format!("https://{addr}"));
        if self.origin.is_empty() {
            self.origin = format!("https://{addr}");
        }
        self.children.push(child);
        Ok(())
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.env("ZCA_PLATFORM_DATA", self.dir.path());
        if let Some(url) = &self.database {
            cmd.env("ZCA_PLATFORM_DATABASE", url);
        }
        cmd
    }

    /// An account with the password PASSWORD.
    pub fn add_user(&self, account: &str) -> Result<()> {
        self.admin(
            &["user", "add", account, "--name", account, "--org", "Bench", "--password-stdin"],
            Some(PASSWORD),
        )
    }

    /// A driver package of `size` bytes in the catalogue.
    pub fn add_driver(&self, name: &str, os: &str, size: usize) -> Result<()> {
        let file = self.dir.path().join(format!("{name}.deb"));
        std::fs::write(&file, vec![0x5a; size])?;
        self.admin(
            &["driver", "add", &path_str(&file), "--name", name, "--vendor", "Bench Vendor"]
                .into_iter()
                .chain(["--version", "1.0", "--os", os, "--issuer", "Bench CA"])
                .chain(["--module-name", "libbench.so"])
                .collect::<Vec<_>>(),
            None,
        )
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls/ca.pem")
    }

    fn admin(&self, args: &[&str], stdin: Option<&str>) -> Result<()> {
        let mut child = self
            .command()
            .args(args)
            .env("RUST_LOG", "error")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(text) = stdin {
            writeln!(child.stdin.take().context("stdin")?, "{text}")?;
        }
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!("zca-platform {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    }

    pub fn trust(&self, ca_der: &[u8]) -> Result<()> {
        let file = self.dir.path().join(format!("ca-{}.der", ca_der.len()));
        std::fs::write(&file, ca_der)?;
        self.admin(&["trust", "add", &path_str(&file)], None)
    }

    /// How many lines the server has logged so far.
    pub fn log_len(&self) -> usize {
        self.log.lock().expect("log").len()
    }

    /// The server's own time (its `ms=` field) for each `path` request logged after line
    /// `since`, sorted.
    pub fn server_ms(&self, since: usize, path: &str) -> Vec<f64> {
        let needle = format!("path={path} ");
        let log = self.log.lock().expect("log");
        let mut ms: Vec<f64> = log
            .iter()
            .skip(since)
            .filter(|l| l.contains(&needle))
            .filter_map(|l| l.split(" ms=").nth(1)?.split_whitespace().next()?.parse().ok())
            .collect();
        ms.sort_by(f64::total_cmp);
        ms
    }

    /// (requests, TLS connections) logged so far.
    pub fn counts(&self) -> (usize, usize) {
        let log = self.log.lock().expect("log");
        let requests = log.iter().filter(|l| l.contains("request method=")).count();
        let handshakes = log.iter().filter(|l| l.contains("tls connection")).count();
        (requests, handshakes)
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub struct LoginFigures {
    pub requests: usize,
    pub handshakes: usize,
    pub total_ms: f64,
    pub sign_ms: f64,
    pub outside_ms: f64,
    /// Median of each phase `zca -v` reported, in its order, with process start and exit (the
    /// wall time the process took beyond what it measured from `main`).
    pub phases: Vec<(String, f64)>,
}

/// The phases of `zca -v`'s "zca: time  1.23 ms  phase" lines.
fn phases_of(stderr: &str) -> Vec<(String, f64)> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("zca: time "))
        .filter_map(|l| {
            let (ms, phase) = l.trim().split_once(" ms  ")?;
            Some((phase.to_string(), ms.trim().parse().ok()?))
        })
        .collect()
}

/// An EC key on its own SoftHSM2 token, bound to the account `bench`, for `zca login`.
pub struct LoginRig<'a> {
    tokens: Tokens,
    zca: PathBuf,
    platform: &'a Platform,
}

impl<'a> LoginRig<'a> {
    pub fn new(bins: &Bins, platform: &'a Platform) -> Result<LoginRig<'a>> {
        let mut tokens = Tokens::new()?;
        tokens.grow_to(1)?;
        let ca = TestCa::new("Bench login CA");
        platform.trust(&ca.der)?;
        tokens.certify_first(&ca)?;
        let rig = LoginRig { tokens, zca: bins.zca.clone(), platform };
        must(
            rig.zca()
                .args(["account", "login", "--account", "bench"])
                .env("ZCA_PASSWORD", PASSWORD),
        )?;
        must(rig.zca().args(["bind", "--yes"]).env("ZCA_PIN", PIN))?;
        Ok(rig)
    }

    fn zca(&self) -> Command {
        let mut cmd = self.tokens.zca(&self.zca);
        cmd.env("ZCA_PLATFORM", &self.platform.origin)
            .env("ZCA_CA_FILE", self.platform.ca_file())
            .env("XDG_STATE_HOME", self.tokens.dir.path().join("state"))
            .env("ZCA_NO_INPUT", "1");
        cmd
    }

    /// Median figures of `runs` CA logins.
    pub fn measure(&self, runs: usize) -> Result<LoginFigures> {
        let mut totals = Vec::new();
        let mut signs = Vec::new();
        let mut runs_phases: Vec<Vec<(String, f64)>> = Vec::new();
        let (mut requests, mut handshakes) = (0, 0);
        for _ in 0..runs {
            let before = self.platform.counts();
            let start = Instant::now();
            let out = self.zca().args(["-v", "login"]).env("ZCA_PIN", PIN).output()?;
            let total = start.elapsed().as_secs_f64() * 1e3;
            if !out.status.success() {
                bail!("zca login: {}", String::from_utf8_lossy(&out.stderr));
            }
            let stderr = String::from_utf8_lossy(&out.stderr);
            let mut phases = phases_of(&stderr);
            let sign = phases
                .iter()
                .find(|(p, _)| p == "C_Sign")
                .map(|(_, ms)| *ms)
                .context("zca -v did not say how long C_Sign took")?;
            let in_main = phases.iter().find(|(p, _)| p == "total since main").map(|(_, ms)| *ms);
            let in_main = in_main.context("zca -v did not say its total")?;
            phases.insert(0, ("process start and exit".into(), total - in_main));
            runs_phases.push(phases);
            std::thread::sleep(Duration::from_millis(150));
            let after = self.platform.counts();
            (requests, handshakes) = (after.0 - before.0, after.1 - before.1);
            totals.push(total);
            signs.push(sign);
        }
        totals.sort_by(f64::total_cmp);
        signs.sort_by(f64::total_cmp);
        let (total_ms, sign_ms) = (totals[runs / 2], signs[runs / 2]);
        // Runs report the same phases in the same order; each phase's median across them.
        let phases = runs_phases[0]
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let mut v: Vec<f64> =
                    runs_phases.iter().filter_map(|r| r.get(i).map(|(_, ms)| *ms)).collect();
                v.sort_by(f64::total_cmp);
                (name.clone(), v[v.len() / 2])
            })
            .collect();
        let outside_ms = total_ms - sign_ms;
        Ok(LoginFigures { requests, handshakes, total_ms, sign_ms, outside_ms, phases })
    }
}
