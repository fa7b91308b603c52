//! The zca-platform binary: operator subcommands on a data folder, and `serve` started, used
//! and stopped with SIGTERM as a process.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

fn bin(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zca-platform"));
    cmd.env("ZCA_PLATFORM_DATA", data).env("RUST_LOG", "info").env_remove("XDG_DATA_HOME");
    cmd.envs(common::database_env(data));
    cmd
}

fn run(cmd: &mut Command, stdin: &str) -> (i32, String, String) {
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn operator_subcommands_and_a_served_session_stopped_by_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let (code, _, err) = run(
        bin(&data).args([
            "user",
            "add",
            "alice",
            "--name",
            "张三",
            "--org",
            "某单位",
            "--password-stdin",
        ]),
        "a good password\n",
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        bin(&data).args(["user", "add", "alice", "--name", "x", "--org", "y", "--password-stdin"]),
        "another password\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("exists already"), "{err}");
    let (code, _, err) =
        run(bin(&data).args(["user", "add", "bob", "--name", "x", "--org", "y"]), "");
    assert_ne!(code, 0, "no terminal and no --password-stdin");
    assert!(err.contains("--password-stdin"), "{err}");
    let (code, _, err) = run(
        bin(&data).args(["user", "add", "bob", "--name", "x", "--org", "y", "--password-stdin"]),
        "short\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("at least 8"), "{err}");

    let (code, out, _) = run(bin(&data).args(["user", "list", "--json"]), "");
    assert_eq!(code, 0);
    let users: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(users[0]["account"], "alice");
    assert_eq!(users[0]["name"], "张三");
    assert_eq!(users[0]["disabled"], false);

    // A CA certificate is trusted; a leaf certificate is refused.
    let ca = dir.path().join("ca.pem");
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
        ])
        .arg(dir.path().join("ca.key"))
        .args(["-subj", "/CN=Ops CA", "-addext", "basicConstraints=critical,CA:TRUE", "-out"])
        .arg(&ca)
        .status()
        .unwrap();
    assert!(ok.success());
    let (code, _, err) = run(bin(&data).arg("trust").arg("add").arg(&ca), "");
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(bin(&data).args(["trust", "list"]), "");
    assert_eq!(code, 0);
    assert!(out.contains("CN=Ops CA"), "{out}");
    let (code, _, err) = run(bin(&data).arg("trust").arg("add").arg(dir.path().join("ca.key")), "");
    assert_ne!(code, 0, "{err}");

    // Revocations by serial (of one trusted CA) and by SHA-256; a bad serial is refused.
    let ca_sha = out.split_whitespace().next().unwrap().to_string();
    let (code, _, err) =
        run(bin(&data).args(["revoke", "--serial", "0a:1b", "--issuer", &ca_sha[..10]]), "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 CA session(s) ended"), "{err}");
    let sha = "ab".repeat(32);
    let (code, _, err) = run(bin(&data).args(["revoke", "--sha256", &sha, "--reason", "lost"]), "");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(bin(&data).args(["revoke", "--serial", "xyz"]), "");
    assert_ne!(code, 0);
    assert!(err.contains("hex"), "{err}");
    let (code, _, _) = run(bin(&data).args(["revoke"]), "");
    assert_eq!(code, 2, "one of --sha256 and --serial is required");
    let (code, out, _) = run(bin(&data).args(["revoked", "--json"]), "");
    assert_eq!(code, 0);
    let revoked: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(revoked[0]["serial"], "0A1B");
    assert_eq!(revoked[0]["issuer_limited"], true);
    assert_eq!(revoked[1]["sha256"], sha.as_str());
    assert_eq!(revoked[1]["reason"], "lost");

    // Trust removed, then added back for what follows.
    let (code, _, err) = run(bin(&data).args(["trust", "remove", &ca_sha[..8]]), "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("CN=Ops CA"), "{err}");
    let (code, out, _) = run(bin(&data).args(["trust", "list"]), "");
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, _, err) = run(bin(&data).args(["trust", "remove", &ca_sha[..8]]), "");
    assert_ne!(code, 0);
    assert!(err.contains("no trusted CA"), "{err}");
    let (code, _, err) = run(bin(&data).arg("trust").arg("add").arg(&ca), "");
    assert_eq!(code, 0, "{err}");

    let driver = dir.path().join("vendor-driver.deb");
    std::fs::write(&driver, b"package").unwrap();
    let (code, _, err) = run(
        bin(&data).args(["driver", "add"]).arg(&driver).args([
            "--name",
            "GM3000",
            "--vendor",
            "Longmai",
            "--version",
            "2.1",
            "--issuer",
            "CFCA",
            "--module-name",
            "libgm3000_pkcs11.so",
        ]),
        "",
    );
    assert_eq!(code, 0, "{err}");

    // An origin is written the one way clients write it; one with a path is refused.
    let (code, _, err) =
        run(bin(&data).args(["serve", "--listen", "127.0.0.1:0", "--origin", "https://h/zcy"]), "");
    assert_ne!(code, 0);
    assert!(err.contains("no path"), "{err}");

    // Serve on an ephemeral port; the first line says where.
    let mut server = bin(&data)
        .args(["serve", "--listen", "127.0.0.1:0", "--origin", "https://LOCALHOST:443/"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first.split_whitespace().nth(3).unwrap().to_string();
    assert!(first.ends_with("(origin https://localhost)"), "{first}");
    let second = lines.next().unwrap().unwrap();
    assert!(second.contains("--ca-file") && second.contains("tls/ca.pem"), "{second}");
    let ca_file = data.join("tls/ca.pem");
    let curl = |args: &[&str]| {
        let out = Command::new("curl")
            .args(["-sS", "--cacert"])
            .arg(&ca_file)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let health = curl(&[&format!("https://{addr}/api/v1/health")]);
    assert!(health.contains("\"status\":\"ok\""), "{health}");
    let login = curl(&[
        "-X",
        "POST",
        "-d",
        r#"{"account":"alice","password":"a good password"}"#,
        &format!("https://{addr}/api/v1/sessions/password"),
    ]);
    let token = serde_json::from_str::<serde_json::Value>(&login).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let drivers = curl(&[&format!("https://{addr}/api/v1/ca/drivers")]);
    assert!(
        drivers.contains("libgm3000_pkcs11.so")
            && drivers.contains("https://localhost/downloads/drivers/1/vendor-driver.deb"),
        "{drivers}"
    );
    // Also over TLS 1.2.
    let tls12 = Command::new("curl")
        .args(["-sS", "--tls-max", "1.2", "--cacert"])
        .arg(&ca_file)
        .arg(format!("https://{addr}/api/v1/health"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&tls12.stdout).contains("ok"));
    // Plain HTTP is not spoken.
    let plain = Command::new("curl")
        .args(["-sS", "-m", "5"])
        .arg(format!("http://{addr}/api/v1/health"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\"status\":\"ok\""));

    // Disabling the account ends its sessions at once.
    let (code, _, _) = run(bin(&data).args(["user", "disable", "alice"]), "");
    assert_eq!(code, 0);
    let me = curl(&[
        "-H",
        &format!("Authorization: Bearer {token}"),
        &format!("https://{addr}/api/v1/me"),
    ]);
    assert!(me.contains("unauthenticated"), "{me}");

    // SIGTERM drains: a request whose body is still coming when the signal arrives is
    // answered; a connection opened after it is refused.
    let mut in_flight = Command::new("curl")
        .args(["-sS", "-X", "POST", "-T", "-", "-H", "Content-Type: application/json", "--cacert"])
        .arg(&ca_file)
        .arg(format!("https://{addr}/api/v1/sessions/password"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut body = in_flight.stdin.take().unwrap();
    body.write_all(br#"{"account":"alice","#).unwrap();
    body.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    send_signal(server.id(), 15);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let late = curl(&["-m", "5", &format!("https://{addr}/api/v1/health")]);
    assert!(!late.contains("ok"), "a new connection after SIGTERM: {late}");
    body.write_all(br#""password":"a good password"}"#).unwrap();
    drop(body);
    let answer = in_flight.wait_with_output().unwrap();
    let answer = String::from_utf8_lossy(&answer.stdout);
    assert!(answer.contains("invalid_credentials"), "the request in flight is answered: {answer}");
    let status = server.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
    let mut log = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut log).unwrap();
    assert!(log.contains("shutting down"), "{log}");
    for secret in ["a good password", token.as_str()] {
        assert!(!log.contains(secret), "the log holds a secret");
    }

    let (code, out, _) = run(bin(&data).args(["audit", "--json"]), "");
    assert_eq!(code, 0);
    let audit: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(audit[0]["event"], "password_login");
    assert_eq!(audit[0]["result"], "ok");
    assert_eq!(audit[0]["remote"], "127.0.0.1");
}

fn send_signal(pid: u32, signal: i32) {
    let ok = Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status().unwrap();
    assert!(ok.success());
}
