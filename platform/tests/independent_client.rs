//! curl and openssl alone can speak the contract: the shell client in
//! `independent-client.sh` binds and logs in with RSA and EC keys made by OpenSSL.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA and a client key and certificate, all made by OpenSSL.
fn openssl_pki(dir: &Path, key_spec: &[&str]) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "30",
            "-subj",
            "/CN=OpenSSL Test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
    );
    let mut args = vec!["req", "-new", "-newkey"];
    args.extend_from_slice(key_spec);
    args.extend_from_slice(&[
        "-nodes",
        "-keyout",
        "client.key",
        "-out",
        "client.csr",
        "-utf8",
        "-subj",
        "/O=某单位/CN=独立客户端",
    ]);
    openssl(dir, &args);
    std::fs::write(dir.join("ext.cnf"), "keyUsage=critical,digitalSignature\n").unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "client.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
            "-out",
            "client.pem",
        ],
    );
}

async fn run_client(key_spec: &[&str], algorithm: &str) {
    let p = Platform::start().await;
    let dir = tempfile::tempdir().unwrap();
    openssl_pki(dir.path(), key_spec);
    let ca_pem = std::fs::read(dir.path().join("ca.pem")).unwrap();
    std::fs::write(p.data().join("openssl-ca.pem"), &ca_pem).unwrap();
    let ca_file = p.data().join("openssl-ca.pem");
    p.with_db(|db| zca_platform::admin::trust_add(db, &ca_file).unwrap());
    p.add_user("curl-user");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/independent-client.sh");
    let mut child = Command::new("bash")
        .arg(script)
        .arg(&p.origin)
        .arg(p.ca_file())
        .arg("curl-user")
        .arg(dir.path().join("client.key"))
        .arg(dir.path().join("client.pem"))
        .arg(algorithm)
        .arg("3301000045102205")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("ok: curl-user bound 3301000045102205"), "{stdout}");
    let events: Vec<String> =
        p.audit().iter().map(|a| format!("{} {}", a.event, a.result)).collect();
    assert!(
        events.contains(&"bind ok".to_string()) && events.contains(&"ca_login ok".to_string()),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_and_openssl_bind_and_log_in_with_an_ec_key() {
    run_client(&["ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "ecdsa-p256-sha256").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_and_openssl_bind_and_log_in_with_an_rsa_key() {
    run_client(&["rsa:2048"], "rsa-pkcs1-sha256").await;
}
