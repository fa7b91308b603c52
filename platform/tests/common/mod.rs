//! A real zca-platform on 127.0.0.1 (ephemeral port, real TLS, its own data folder), and keys
//! and certificates made in the test: RSA and P-256 with rcgen, SM2 with OpenSSL.

#![allow(dead_code)]

pub mod postgres;

use rustls::pki_types::pem::PemObject;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tempfile::TempDir;
use zca_contract::{signed_bytes, Purpose};
use zca_platform::db::{Database, Db};
use zca_platform::server::{serve, ServeOptions};

pub const PASSWORD: &str = "correct horse battery";

pub struct Platform {
    pub dir: TempDir,
    pub database: Database,
    pub origin: String,
    pub client: reqwest::Client,
    /// The metrics listener's address, when the platform was started with one.
    pub metrics: Option<std::net::SocketAddr>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Platform {
    pub async fn start() -> Platform {
        Platform::start_with(120, None).await
    }

    /// Starts on 127.0.0.1:0 with its own data folder (or `dir`, to restart on old data).
    pub async fn start_with(challenge_ttl: i64, dir: Option<TempDir>) -> Platform {
        let dir = dir.unwrap_or_else(|| tempfile::tempdir().unwrap());
        let database = test_database(dir.path());
        Platform::start_on(database, challenge_ttl, dir).await
    }

    /// Starts on 127.0.0.1:0 with the data folder `dir` and `database`.
    pub async fn start_on(database: Database, challenge_ttl: i64, dir: TempDir) -> Platform {
        Platform::start_serving(database, challenge_ttl, dir, None).await
    }

    /// Starts with `GET /metrics` on a listener of its own on 127.0.0.1.
    pub async fn start_with_metrics() -> Platform {
        let dir = tempfile::tempdir().unwrap();
        let at = Some("127.0.0.1:0".parse().unwrap());
        Platform::start_serving(test_database(dir.path()), 120, dir, at).await
    }

    async fn start_serving(
        database: Database,
        challenge_ttl: i64,
        dir: TempDir,
        metrics_listen: Option<std::net::SocketAddr>,
    ) -> Platform {
        let opts = ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().to_path_buf(),
            database: database.clone(),
            tls_cert: None,
            tls_key: None,
            origin: None,
            session_ttl: 3600,
            challenge_ttl,
            bridge_urls: zca_platform::server::bridge_urls(Vec::new()).unwrap(),
            metrics_listen,
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(serve(
            opts,
            move |r| {
                let _ =
                    ready_tx.send((r.origin.clone(), r.ca_file.clone().unwrap(), r.metrics_addr));
            },
            async move {
                let _ = rx.await;
            },
        ));
        let (origin, ca_file, metrics) = ready_rx.await.expect("the server starts");
        let client = client_trusting(&ca_file);
        Platform { dir, database, origin, client, metrics, shutdown: Some(tx), task: Some(task) }
    }

    /// Stops the server and hands back its data folder.
    pub async fn stop(mut self) -> TempDir {
        let _ = self.shutdown.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }

    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls/ca.pem")
    }

    /// Runs `f` on a connection to the platform's database, as the operator's commands open
    /// it, on a thread of its own: PostgreSQL's client must not block an async test's thread.
    pub fn with_db<T: Send>(&self, f: impl FnOnce(&mut Db) -> T + Send) -> T {
        std::thread::scope(|s| s.spawn(|| f(&mut self.database.open().unwrap())).join().unwrap())
    }

    pub fn add_user(&self, account: &str) {
        self.with_db(|db| {
            zca_platform::admin::user_add(
                db,
                account,
                &format!("{account} 名"),
                "测试单位",
                PASSWORD,
            )
            .unwrap()
        });
    }

    pub fn trust(&self, ca_der: &[u8]) {
        let file =
            self.dir.path().join(format!("ca-{}.der", zca_platform::pki::sha256_hex(ca_der)));
        std::fs::write(&file, ca_der).unwrap();
        self.with_db(|db| zca_platform::admin::trust_add(db, &file).unwrap());
    }

    pub fn audit(&self) -> Vec<zca_platform::admin::AuditRow> {
        self.with_db(|db| zca_platform::admin::audit_list(db).unwrap())
    }

    /// Everything the database holds, as bytes: to look for what must never be stored.
    pub fn stored_bytes(&self) -> Vec<u8> {
        if self.database.engine() == zca_platform::db::Engine::Sqlite {
            let file = |name: &str| std::fs::read(self.data().join(name)).unwrap_or_default();
            return [file("platform.db"), file("platform.db-wal")].concat();
        }
        self.with_db(Self::every_value)
    }

    fn every_value(db: &mut Db) -> Vec<u8> {
        let tables =
            db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", &[]).unwrap();
        let mut out = Vec::new();
        for t in tables {
            let table: String = t.get(0).unwrap();
            for row in db.query(&format!("SELECT * FROM {table}"), &[]).unwrap() {
                for value in row.into_values() {
                    out.extend(match value {
                        zca_platform::db::Value::Text(t) => t.into_bytes(),
                        zca_platform::db::Value::Blob(b) => b,
                        zca_platform::db::Value::Int(i) => i.to_string().into_bytes(),
                        zca_platform::db::Value::Null => Vec::new(),
                    });
                    out.push(0);
                }
            }
        }
        out
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.origin)
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("the request reaches the server");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply { status, headers, body }
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, token, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(reqwest::Method::DELETE, path, token, None).await
    }

    pub async fn login(&self, account: &str) -> String {
        let r = self
            .post("/sessions/password", None, json!({"account": account, "password": PASSWORD}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        r.body["token"].as_str().unwrap().to_string()
    }

    pub async fn challenge(&self, purpose: &str, token: Option<&str>) -> Value {
        let r = self.post("/ca/challenges", token, json!({ "purpose": purpose })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        r.body
    }

    /// A bind request for `key`, signed over a fresh challenge of this session.
    pub async fn bind_request(&self, token: &str, key: &TestKey, ca_lock_id: &str) -> Value {
        let ch = self.challenge("bind", Some(token)).await;
        key.proof(Purpose::Bind, &ch, ca_lock_id)
    }

    pub async fn bind(&self, token: &str, key: &TestKey, ca_lock_id: &str) -> Reply {
        let body = self.bind_request(token, key, ca_lock_id).await;
        self.post("/ca/bindings", Some(token), body).await
    }

    pub async fn ca_login(&self, key: &TestKey) -> Reply {
        let ch = self.challenge("login", None).await;
        self.post("/sessions/ca", None, key.proof(Purpose::Login, &ch, "")).await
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A platform with a trusted P-256 test CA and `account`, logged in (its session token).
pub async fn with_user(account: &str) -> (Platform, TestCa, String) {
    let p = Platform::start().await;
    let ca = TestCa::new("Test CA");
    p.trust(&ca.der);
    p.add_user(account);
    let token = p.login(account).await;
    (p, ca, token)
}

/// The database a test platform uses: SQLite in its data folder, or, when the run asks for
/// PostgreSQL (`ZCA_TEST_DATABASE=postgres`), a database of its own in the test cluster, named
/// in the data folder so that a restart on the same folder finds the same database.
pub fn test_database(dir: &Path) -> Database {
    match test_database_url(dir) {
        Some(url) => Database::parse(&url, None).unwrap(),
        None => Database::sqlite_in(dir),
    }
}

/// The PostgreSQL URL of the data folder `dir` when the run asks for PostgreSQL.
pub fn test_database_url(dir: &Path) -> Option<String> {
    if !postgres::selected() {
        return None;
    }
    std::fs::create_dir_all(dir).unwrap();
    let named = dir.join("test-database-url");
    Some(std::fs::read_to_string(&named).unwrap_or_else(|_| {
        let url = postgres::cluster().new_database();
        std::fs::write(&named, &url).unwrap();
        url
    }))
}

/// The environment that points a zca-platform process at the test database of `dir`.
pub fn database_env(dir: &Path) -> Vec<(&'static str, String)> {
    test_database_url(dir).map(|url| ("ZCA_PLATFORM_DATABASE", url)).into_iter().collect()
}

/// Runs a zca-platform admin command (`cmd` says where: data folder, database) with `args`
/// and `stdin`; it must succeed.
pub fn run_admin(mut cmd: Command, args: &[&str], stdin: &str) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A client that trusts only the server's own CA, with the ring provider.
pub fn client_trusting(ca_file: &Path) -> reqwest::Client {
    client_from(ca_file, None)
}

/// `client_trusting`, connecting from `local`: another address of the loopback network
/// (127.0.0.2, …), a source of its own to the server.
pub fn client_from(ca_file: &Path, local: Option<std::net::IpAddr>) -> reqwest::Client {
    let pem = std::fs::read(ca_file).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    reqwest::Client::builder().use_preconfigured_tls(tls).local_address(local).build().unwrap()
}

// ---------------------------------------------------------------- keys and certificates

pub enum Signer {
    P256(p256::ecdsa::SigningKey),
    Rsa(rsa::pkcs1v15::SigningKey<sha2::Sha256>),
    /// SM2 signs with OpenSSL: `pkeyutl -rawin -digest sm3 -pkeyopt distid:1234567812345678`.
    Sm2(PathBuf),
}

pub struct TestKey {
    pub cert_der: Vec<u8>,
    pub signer: Signer,
    pub algorithm: &'static str,
}

impl TestKey {
    pub fn sha256(&self) -> String {
        zca_platform::pki::sha256_hex(&self.cert_der)
    }

    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        use p256::ecdsa::signature::Signer as _;
        match &self.signer {
            Signer::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(msg);
                sig.to_der().as_bytes().to_vec()
            }
            Signer::Rsa(k) => {
                use rsa::signature::SignatureEncoding;
                k.sign(msg).to_vec()
            }
            Signer::Sm2(key) => openssl_sm2_sign(key, msg),
        }
    }

    /// The body of a bind or CA login for this challenge, signed as the contract says.
    pub fn proof(&self, purpose: Purpose, challenge: &Value, ca_lock_id: &str) -> Value {
        self.proof_with(purpose, challenge, ca_lock_id, challenge["origin"].as_str().unwrap())
    }

    /// Same, but signed for `origin` whatever the challenge says.
    pub fn proof_with(
        &self,
        purpose: Purpose,
        challenge: &Value,
        ca_lock_id: &str,
        origin: &str,
    ) -> Value {
        let id = challenge["challenge_id"].as_str().unwrap();
        let nonce = challenge["nonce"].as_str().unwrap();
        let msg = signed_bytes(purpose, origin, id, nonce, &self.sha256(), ca_lock_id);
        let mut body = json!({
            "challenge_id": id,
            "certificate": STANDARD.encode(&self.cert_der),
            "algorithm": self.algorithm,
            "signature": STANDARD.encode(self.sign(&msg)),
        });
        if purpose == Purpose::Bind {
            body["ca_lock_id"] = json!(ca_lock_id);
        }
        body
    }
}

pub use zca_test_ca::{p256_pair, rsa_pair, CertSpec, TestCa};

/// Keys with certificates from a test CA, each with what signs with it. Certificates name the
/// organization 杭州市某某单位 unless the spec names one.
pub trait IssueKeys {
    fn p256_key(&self, o: &CertSpec) -> TestKey;
    fn rsa_key(&self, o: &CertSpec) -> TestKey;
}

fn with_org(o: &CertSpec) -> CertSpec {
    let mut o = o.clone();
    o.org.get_or_insert_with(|| "杭州市某某单位".into());
    o
}

impl IssueKeys for TestCa {
    fn p256_key(&self, o: &CertSpec) -> TestKey {
        let key = p256_pair();
        use p256::pkcs8::DecodePrivateKey;
        let signer = p256::ecdsa::SigningKey::from_pkcs8_der(&key.serialize_der()).unwrap();
        TestKey {
            cert_der: self.issue_for(&key, &with_org(o)),
            signer: Signer::P256(signer),
            algorithm: "ecdsa-p256-sha256",
        }
    }

    fn rsa_key(&self, o: &CertSpec) -> TestKey {
        let key = rsa_pair();
        use rsa::pkcs8::DecodePrivateKey;
        let private = rsa::PrivateKey::from_pkcs8_der(&key.serialize_der()).unwrap();
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(private);
        TestKey {
            cert_der: self.issue_for(&key, &with_org(o)),
            signer: Signer::Rsa(signer),
            algorithm: "rsa-pkcs1-sha256",
        }
    }
}

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn openssl_sm2_sign(key: &Path, msg: &[u8]) -> Vec<u8> {
    let dir = key.parent().unwrap();
    let msg_file = dir.join("msg.bin");
    std::fs::write(&msg_file, msg).unwrap();
    let k = key.to_str().unwrap();
    let m = msg_file.to_str().unwrap();
    openssl(&[
        "pkeyutl",
        "-sign",
        "-inkey",
        k,
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
        "-in",
        m,
    ])
}

/// An SM2 CA and a client key with an SM3withSM2 certificate, made with OpenSSL in `dir`.
pub struct Sm2Pki {
    pub ca_der: Vec<u8>,
    pub key: TestKey,
}

pub fn sm2_pki(dir: &Path) -> Sm2Pki {
    let p = |n: &str| dir.join(n).to_str().unwrap().to_string();
    openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:SM2",
        "-out",
        &p("sm2ca.key"),
    ]);
    openssl(&[
        "req",
        "-new",
        "-x509",
        "-utf8",
        "-sm3",
        "-sigopt",
        "distid:1234567812345678",
        "-days",
        "3650",
        "-subj",
        "/O=国密测试 CA/CN=SM2 Root",
        "-key",
        &p("sm2ca.key"),
        "-out",
        &p("sm2ca.pem"),
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:SM2",
        "-out",
        &p("sm2.key"),
    ]);
    openssl(&[
        "req",
        "-new",
        "-utf8",
        "-sm3",
        "-sigopt",
        "distid:1234567812345678",
        "-subj",
        "/O=某单位/CN=国密用户",
        "-key",
        &p("sm2.key"),
        "-out",
        &p("sm2.csr"),
    ]);
    std::fs::write(p("ext.cnf"), "keyUsage=critical,digitalSignature\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-sm3",
        "-sigopt",
        "distid:1234567812345678",
        "-vfyopt",
        "distid:1234567812345678",
        "-in",
        &p("sm2.csr"),
        "-CA",
        &p("sm2ca.pem"),
        "-CAkey",
        &p("sm2ca.key"),
        "-CAcreateserial",
        "-days",
        "365",
        "-extfile",
        &p("ext.cnf"),
        "-out",
        &p("sm2.pem"),
    ]);
    let der = |pem: &str| openssl(&["x509", "-in", &p(pem), "-outform", "DER"]);
    Sm2Pki {
        ca_der: der("sm2ca.pem"),
        key: TestKey {
            cert_der: der("sm2.pem"),
            signer: Signer::Sm2(dir.join("sm2.key")),
            algorithm: "sm2-sm3",
        },
    }
}
