//! A real PostgreSQL for zca-platform's tests and benchmark: Debian's server in a temporary
//! cluster, started as an unprivileged user (nobody, when run as root, as CI does), on 127.0.0.1
//! and a free port, with TLS for whoever asks, and stopped and removed when the process that
//! started it ends. Each user of it makes databases of its own.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Cluster {
    pub port: u16,
    bin: PathBuf,
    /// The cluster's folder (its data in `data`, its log in `log`).
    dir: PathBuf,
    /// The CA of the server's TLS certificate (for 127.0.0.1).
    pub ca_file: PathBuf,
    /// The server's stdin: when the test process ends it closes, and the wrapper stops the
    /// server and removes the cluster.
    _lifeline: Mutex<std::process::ChildStdin>,
    _child: Mutex<Child>,
}

/// The directory of Debian's PostgreSQL programs (the newest), or of `initdb` on the PATH.
pub fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("postgres").exists() && b.join("initdb").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().or_else(|| {
        std::env::var_os("PATH")?
            .to_str()?
            .split(':')
            .map(PathBuf::from)
            .find(|d| d.join("initdb").exists() && d.join("postgres").exists())
    })
}

fn as_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

/// A command run as nobody when we are root (PostgreSQL refuses to run as root).
fn unprivileged(program: &Path) -> Command {
    if as_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A CA and a server certificate for 127.0.0.1 signed by it, made with OpenSSL: the cluster
/// speaks TLS to whoever asks (`sslmode=require`) and plain TCP to the rest.
fn make_tls_identity(dir: &Path) {
    let script = r#"
        set -e
        cd "$1"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -keyout ca.key -out ca.pem -subj "/CN=zca test PostgreSQL CA" 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
            -extfile ext -out server.crt 2>/dev/null
        chmod 600 server.key
    "#;
    let ok = Command::new("sh").args(["-c", script, "tls"]).arg(dir).status().unwrap();
    assert!(ok.success(), "openssl made the cluster's TLS identity");
}

impl Cluster {
    /// Starts a cluster. `fsync` off for tests (nothing here must survive a power cut); on for
    /// figures that stand for a real server.
    pub fn start(fsync: bool) -> Cluster {
        let bin = bin_dir().expect(
            "PostgreSQL's server programs (Debian package postgresql): run scripts/setup as root",
        );
        let dir = tempfile::Builder::new().prefix("zca-pg-").tempdir().unwrap().keep();
        make_tls_identity(&dir);
        if as_root() {
            let ok = Command::new("chown").args(["-R", "nobody:nogroup"]).arg(&dir).status();
            assert!(ok.unwrap().success(), "chown of the cluster's folder");
        }
        let data = dir.join("data");
        let out = unprivileged(&bin.join("initdb"))
            .args(["-U", "zca", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .expect("initdb runs");
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let port = free_port();
        // The wrapper waits for its stdin to close (the test process ended), then stops the
        // server and removes the cluster.
        let script = r#"
            "$1/postgres" -D "$2/data" -k "$2" -p "$3" -c listen_addresses=127.0.0.1 \
                -c fsync="$4" -c max_connections=300 -c shared_buffers=128MB \
                -c ssl=on -c ssl_cert_file="$2/server.crt" -c ssl_key_file="$2/server.key" \
                >"$2/log" 2>&1 &
            server=$!
            read -r _ || true
            # Whichever server runs now (a test may have stopped and started it again).
            "$1/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null 2>&1
            kill -INT "$server" 2>/dev/null
            wait "$server"
            rm -rf "$2"
        "#;
        let fsync = if fsync { "on" } else { "off" };
        let mut child = unprivileged(Path::new("/bin/sh"))
            .args(["-c", script, "pg-wrapper"])
            .arg(&bin)
            .arg(&dir)
            .arg(port.to_string())
            .arg(fsync)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the PostgreSQL wrapper starts");
        let lifeline = child.stdin.take().unwrap();
        let cluster = Cluster {
            port,
            bin: bin.clone(),
            dir: dir.clone(),
            ca_file: dir.join("ca.pem"),
            _lifeline: Mutex::new(lifeline),
            _child: Mutex::new(child),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not start: {}",
                std::fs::read_to_string(dir.join("log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        cluster
    }

    /// Stops the server (as an operator or a crash would), keeping its data.
    pub fn stop(&self) {
        let out = unprivileged(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "fast", "-w", "stop"])
            .output()
            .expect("pg_ctl runs");
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Starts the server again on its data and port, as `start` did.
    pub fn start_again(&self) {
        let options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 \
             -c ssl=on -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key -k {dir}",
            port = self.port,
            dir = self.dir.display(),
        );
        let out = unprivileged(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-w", "-o", &options, "start"])
            .output()
            .expect("pg_ctl runs");
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://zca@127.0.0.1:{}/{database}", self.port)
    }

    /// A new, empty database; its URL.
    pub fn new_database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            // The server may still be starting up after its port opened.
            let out = Command::new(self.bin.join("createdb"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "zca", &name])
                .output()
                .expect("createdb runs");
            if out.status.success() {
                return self.url(&name);
            }
            assert!(
                Instant::now() < deadline,
                "createdb: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
