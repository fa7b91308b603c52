//! Three zca-platform processes on one PostgreSQL database, as behind a load balancer (one
//! origin, one TLS identity): a challenge issued by one is spent at another, and only once;
//! 100 simultaneous binds of one lock spread over them make one binding; the lockout counts
//! failures at all of them, however many arrive at once; an unbind at one, or the operator's
//! revocation, ends the sessions that logins at the others open meanwhile; kill -9 of one during
//! a stream of binds loses no acknowledged binding while the others keep serving. And what a
//! deployment on PostgreSQL needs beside: TLS to the database, and moving onto it with
//! `migrate --from`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zca_contract::Purpose;

/// What clients sign: the load balancer's origin, the same for every instance.
const ORIGIN: &str = "https://zcy.test";

struct Instances {
    dir: tempfile::TempDir,
    data: PathBuf,
    url: String,
    children: Vec<Child>,
    /// Each instance's own address (what a load balancer would forward to).
    addrs: Vec<String>,
    /// Made once the first instance made the TLS identity.
    client: Option<reqwest::Client>,
}

impl Instances {
    /// Three instances on a new database, sharing the data folder's TLS identity (the first
    /// makes it), with `accounts` and a trusted CA.
    fn start(accounts: &[&str], ca: &TestCa) -> Instances {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let url = postgres::cluster().new_database();
        let mut me =
            Instances { dir, data, url, children: Vec::new(), addrs: Vec::new(), client: None };
        for account in accounts {
            me.admin(
                &["user", "add", account, "--name", "n", "--org", "o", "--password-stdin"],
                &format!("{PASSWORD}\n"),
            );
        }
        let ca_file = me.dir.path().join("ca.der");
        std::fs::write(&ca_file, &ca.der).unwrap();
        me.admin(&["trust", "add", ca_file.to_str().unwrap()], "");
        for _ in 0..3 {
            me.serve();
        }
        me.client = Some(client_trusting(&me.data.join("tls/ca.pem")));
        me
    }

    fn client(&self) -> &reqwest::Client {
        self.client.as_ref().expect("started")
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zca-platform"));
        cmd.env("ZCA_PLATFORM_DATA", &self.data)
            .env("ZCA_PLATFORM_DATABASE", &self.url)
            .env("RUST_LOG", "error");
        cmd
    }

    fn admin(&self, args: &[&str], stdin: &str) {
        run_admin(self.command(), args, stdin);
    }

    fn serve(&mut self) {
        let mut child = self
            .command()
            .args(["serve", "--listen", "127.0.0.1:0", "--origin", ORIGIN])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let line = BufReader::new(child.stdout.take().unwrap()).lines().next().unwrap().unwrap();
        let addr = line.split_whitespace().nth(3).unwrap().to_string();
        self.addrs.push(format!("https://{addr}"));
        self.children.push(child);
    }

    async fn post(
        &self,
        at: usize,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        let mut req = self.client().post(format!("{}/api/v1{path}", self.addrs[at])).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        match req.send().await {
            Ok(r) => {
                let status = r.status();
                (status, r.json().await.unwrap_or(Value::Null))
            }
            Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Value::Null),
        }
    }

    async fn get(&self, at: usize, path: &str, token: &str) -> (StatusCode, Value) {
        let r = self
            .client()
            .get(format!("{}/api/v1{path}", self.addrs[at]))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn login(&self, at: usize, account: &str) -> String {
        let body = json!({"account": account, "password": PASSWORD});
        let (status, body) = self.post(at, "/sessions/password", None, body).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// A bind of `key` under `ca_lock_id`, its challenge from instance `challenge_at`, sent to
    /// `at`; it must make the binding. Returns the binding.
    async fn bind(
        &self,
        challenge_at: usize,
        at: usize,
        token: &str,
        key: &TestKey,
        ca_lock_id: &str,
    ) -> Value {
        let ch = self.challenge(challenge_at, "bind", Some(token)).await;
        let proof = key.proof(Purpose::Bind, &ch, ca_lock_id);
        let (status, body) = self.post(at, "/ca/bindings", Some(token), proof).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    async fn challenge(&self, at: usize, purpose: &str, token: Option<&str>) -> Value {
        let (status, body) =
            self.post(at, "/ca/challenges", token, json!({ "purpose": purpose })).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    fn kill_9(&mut self, at: usize) {
        let pid = self.children[at].id().to_string();
        assert!(Command::new("kill").args(["-9", &pid]).status().unwrap().success());
        let _ = self.children[at].wait();
    }
}

impl Drop for Instances {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_issued_by_one_instance_is_spent_at_another_and_only_once() {
    let ca = TestCa::new("Instances CA");
    let p = Instances::start(&["alice"], &ca);
    let key = ca.p256_key(&CertSpec::valid("跨实例"));
    // Logged in at 0, bind challenge from 1, bound at 2.
    let token = p.login(0, "alice").await;
    let ch = p.challenge(1, "bind", Some(&token)).await;
    let bind = key.proof(Purpose::Bind, &ch, "3301000045100001");
    let (status, body) = p.post(2, "/ca/bindings", Some(&token), bind.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = p.post(0, "/ca/bindings", Some(&token), bind).await;
    assert_eq!(code(&body), "challenge_invalid", "the same bind challenge again: {status}");

    // A login challenge from 2, spent at 0; the same proof at 1 and at 0 again is refused.
    let ch = p.challenge(2, "login", None).await;
    let login = key.proof(Purpose::Login, &ch, "");
    let (status, body) = p.post(0, "/sessions/ca", None, login.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let session = body["token"].as_str().unwrap().to_string();
    for at in [1, 0] {
        let (status, body) = p.post(at, "/sessions/ca", None, login.clone()).await;
        assert_eq!((status, code(&body)), (StatusCode::UNAUTHORIZED, "challenge_invalid"));
    }
    // The session opened at 0 is good at 1 and 2.
    for at in [1, 2] {
        assert_eq!(p.get(at, "/me", &session).await.0, StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_simultaneous_binds_of_one_lock_over_three_instances_make_one_binding() {
    let ca = TestCa::new("Race CA");
    let accounts: Vec<String> = (0..10).map(|i| format!("user{i}")).collect();
    let names: Vec<&str> = accounts.iter().map(String::as_str).collect();
    let p = Arc::new(Instances::start(&names, &ca));
    let mut tokens = Vec::new();
    for (i, account) in accounts.iter().enumerate() {
        tokens.push(p.login(i % 3, account).await);
    }
    let key = Arc::new(ca.p256_key(&CertSpec::valid("争抢")));
    // Every challenge first, so that the binds themselves start together.
    let mut requests = Vec::new();
    for attempt in 0..100 {
        let token = tokens[attempt % 10].clone();
        let ch = p.challenge((attempt + 1) % 3, "bind", Some(&token)).await;
        requests.push((attempt % 3, token, key.proof(Purpose::Bind, &ch, "3301000045109999")));
    }
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(at, token, body)| {
            let p = p.clone();
            tokio::spawn(async move { p.post(at, "/ca/bindings", Some(&token), body).await })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert!(!status.is_server_error(), "{status} {body}");
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            _ => assert_eq!(code(&body), "ca_lock_bound_to_other_user", "{status} {body}"),
        }
    }
    assert_eq!(created, 1, "exactly one attempt binds");
    let mut bindings = 0;
    for (i, token) in tokens.iter().enumerate() {
        let (_, list) = p.get(i % 3, "/ca/bindings", token).await;
        bindings += list["bindings"].as_array().unwrap_or_else(|| panic!("{list}")).len();
    }
    assert_eq!(bindings, 1, "one binding in all");
}

/// An unbind at one instance while CA logins with that key run at the others: afterwards no
/// session opened with the removed binding works, whichever committed first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_session_outlives_a_binding_removed_while_logins_run_elsewhere() {
    let ca = TestCa::new("Unbind race CA");
    let p = Arc::new(Instances::start(&["alice"], &ca));
    let key = ca.p256_key(&CertSpec::valid("解绑"));
    let token = p.login(0, "alice").await;
    let id = p.bind(0, 0, &token, &key, "3301000045100099").await["id"].as_i64().unwrap();
    let logins = racing_logins(&p, &key, 60, 2).await;
    let unbind = p
        .client()
        .delete(format!("{}/api/v1/ca/bindings/{id}", p.addrs[2]))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(unbind.status(), StatusCode::NO_CONTENT);
    let opened = sessions_opened(logins, "certificate_not_bound").await;
    assert_none_works(&p, &opened).await;
}

/// `n` CA logins with `key`, their challenges from the first `over` instances in turn (each
/// login goes where its challenge came from), sent at once.
async fn racing_logins(
    p: &Arc<Instances>,
    key: &TestKey,
    n: usize,
    over: usize,
) -> Vec<tokio::task::JoinHandle<(StatusCode, Value)>> {
    let mut proofs = Vec::new();
    for i in 0..n {
        let ch = p.challenge(i % over, "login", None).await;
        proofs.push((i % over, key.proof(Purpose::Login, &ch, "")));
    }
    proofs
        .into_iter()
        .map(|(at, body)| {
            let p = p.clone();
            tokio::spawn(async move { p.post(at, "/sessions/ca", None, body).await })
        })
        .collect()
}

/// The sessions the logins opened; every other answer is a refusal for `why`.
async fn sessions_opened(
    logins: Vec<tokio::task::JoinHandle<(StatusCode, Value)>>,
    why: &str,
) -> Vec<String> {
    let mut opened = Vec::new();
    for login in logins {
        let (status, body) = login.await.unwrap();
        match status {
            StatusCode::CREATED => opened.push(body["token"].as_str().unwrap().to_string()),
            _ => assert_eq!(code(&body), why, "{status} {body}"),
        }
    }
    opened
}

async fn assert_none_works(p: &Instances, sessions: &[String]) {
    for (i, session) in sessions.iter().enumerate() {
        let (status, _) = p.get(i % 3, "/me", session).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a session opened in the race works");
    }
}

/// The operator revokes a certificate (`zca-platform revoke`, its own process) while CA logins
/// with it run at every instance: afterwards no session opened with it works, whichever
/// committed first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_session_outlives_a_revocation_made_while_logins_run() {
    let ca = TestCa::new("Revoke race CA");
    let p = Arc::new(Instances::start(&["alice"], &ca));
    let key = ca.p256_key(&CertSpec::valid("吊销"));
    let token = p.login(0, "alice").await;
    p.bind(0, 0, &token, &key, "3301000045100098").await;
    let logins = racing_logins(&p, &key, 90, 3).await;
    let sha = key.sha256();
    let revoker = p.clone();
    tokio::task::spawn_blocking(move || revoker.admin(&["revoke", "--sha256", &sha], ""))
        .await
        .unwrap();
    let opened = sessions_opened(logins, "certificate_revoked").await;
    assert_none_works(&p, &opened).await;
    let ch = p.challenge(1, "login", None).await;
    let (status, body) = p.post(1, "/sessions/ca", None, key.proof(Purpose::Login, &ch, "")).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "certificate_revoked"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lockout_counts_failures_at_every_instance() {
    let ca = TestCa::new("Lockout CA");
    let p = Arc::new(Instances::start(&["victim"], &ca));
    let wrong = json!({"account": "victim", "password": "not the password"});
    // Thirty wrong passwords at once, spread over the three instances: five are checked, the
    // rest refused unchecked.
    let attempts: Vec<_> = (0..30)
        .map(|i| {
            let (p, wrong) = (p.clone(), wrong.clone());
            tokio::spawn(async move { p.post(i % 3, "/sessions/password", None, wrong).await })
        })
        .collect();
    let mut checked = 0;
    for attempt in attempts {
        let (status, body) = attempt.await.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => checked += 1,
            _ => assert_eq!(code(&body), "too_many_attempts", "{status} {body}"),
        }
    }
    assert_eq!(checked, 5, "the limit holds across instances");
    // Now every instance refuses even the right password.
    for at in 0..3 {
        let right = json!({"account": "victim", "password": PASSWORD});
        let (status, body) = p.post(at, "/sessions/password", None, right).await;
        assert_eq!((status, code(&body)), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_one_instance_during_binds_loses_no_acknowledged_binding() {
    let ca = TestCa::new("Crash CA");
    let mut p = Instances::start(&["alice"], &ca);
    let keys: Vec<TestKey> =
        (0..300).map(|i| ca.p256_key(&CertSpec::valid(&format!("k{i}")))).collect();
    let token = p.login(0, "alice").await;

    // Binds at instance 0 one after another; it is killed while they run.
    let pid = p.children[0].id().to_string();
    let killer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        Command::new("kill").args(["-9", &pid]).status().unwrap();
    });
    let mut acknowledged = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let lock = format!("CRASH{i:011}");
        let (status, ch) =
            p.post(0, "/ca/challenges", Some(&token), json!({"purpose": "bind"})).await;
        if status != StatusCode::CREATED {
            break;
        }
        let body = key.proof(Purpose::Bind, &ch, &lock);
        match p.post(0, "/ca/bindings", Some(&token), body).await {
            (StatusCode::CREATED, _) => acknowledged.push(lock),
            _ => break,
        }
    }
    killer.await.unwrap();
    p.kill_9(0);
    assert!(
        acknowledged.len() > 5 && acknowledged.len() < keys.len(),
        "killed mid-stream ({})",
        acknowledged.len()
    );

    // The others serve on, with every acknowledged binding whole.
    let (status, list) = p.get(1, "/ca/bindings", &token).await;
    assert_eq!(status, StatusCode::OK);
    let rows = list["bindings"].as_array().unwrap();
    for lock in &acknowledged {
        let row = rows.iter().find(|b| b["ca_lock_id"] == lock.as_str());
        let row = row.unwrap_or_else(|| panic!("acknowledged {lock} is missing"));
        assert!(row["certificate"]["sha256"].as_str().is_some_and(|s| s.len() == 64));
    }
    assert!(rows.len() <= acknowledged.len() + 1, "at most the one in flight besides");
    let next = keys.last().unwrap();
    p.bind(2, 1, &token, next, "AFTER-THE-CRASH").await;
}

/// `sslmode=require`: TLS, with PostgreSQL's certificate checked against --database-ca; a CA
/// that did not sign it is refused at once, not waited on.
#[test]
fn tls_to_postgres_when_the_url_asks_for_it() {
    let cluster = postgres::cluster();
    let url = format!("{}?sslmode=require", cluster.new_database());
    let database = zca_platform::db::Database::parse(&url, Some(&cluster.ca_file)).unwrap();
    let mut db = database.open().unwrap();
    let tls: bool = db
        .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert!(tls, "the connection is encrypted");

    let other = TestCa::new("Not the database's CA");
    let dir = tempfile::tempdir().unwrap();
    let wrong_ca = dir.path().join("wrong.pem");
    std::fs::write(&wrong_ca, pem("CERTIFICATE", &other.der)).unwrap();
    let mut database = zca_platform::db::Database::parse(&url, Some(&wrong_ca)).unwrap();
    database.wait = Duration::from_secs(20);
    let started = std::time::Instant::now();
    let err = database.open().err().expect("refused").to_string();
    assert!(started.elapsed() < Duration::from_secs(5), "not waited on: {:?}", started.elapsed());
    assert!(err.contains("PostgreSQL") && err.contains("TLS"), "{err}");

    // Nobody answering: a bounded wait, then what is wrong and what to do.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut database =
        zca_platform::db::Database::parse(&format!("postgres://zca@127.0.0.1:{port}/x"), None)
            .unwrap();
    database.wait = Duration::from_secs(1);
    let err = database.open().err().expect("nobody there").to_string();
    assert!(err.contains("did not answer within 1 s") && err.contains("--database"), "{err}");
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> =
        b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

/// A deployment moves: `zca-platform migrate --from` copies accounts, bindings, trust, the
/// challenge key and the rest into an empty PostgreSQL database, where the same key logs in,
/// new rows get new ids, and a second copy into it is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_is_copied_into_postgres_and_serves_on() {
    let ca = TestCa::new("Moving CA");
    let key = ca.p256_key(&CertSpec::valid("搬家"));
    let p = Platform::start().await;
    p.trust(&ca.der);
    p.add_user("alice");
    let token = p.login("alice").await;
    assert_eq!(p.bind(&token, &key, "3301000045100777").await.status, StatusCode::CREATED);
    let source = match test_database_url(p.data()) {
        Some(url) => url,
        None => format!("sqlite:{}", p.data().join("platform.db").display()),
    };
    let audit_rows = p.audit().len();
    let dir = p.stop().await;

    let target = postgres::cluster().new_database();
    let data = dir.path().to_path_buf();
    let migrate = |from: &str| {
        Command::new(env!("CARGO_BIN_EXE_zca-platform"))
            .args(["migrate", "--from", from, "--database", &target])
            .env("ZCA_PLATFORM_DATA", &data)
            .output()
            .unwrap()
    };
    let out = migrate(&source);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{said}");
    assert!(said.contains("bindings: 1 row(s)") && said.contains("users: 1 row(s)"), "{said}");

    let database = zca_platform::db::Database::parse(&target, None).unwrap();
    let p = Platform::start_on(database, 120, dir).await;
    assert_eq!(p.audit().len(), audit_rows);
    let token = p.login("alice").await;
    assert_eq!(p.get("/ca/bindings", Some(&token)).await.body["bindings"][0]["id"], 1);
    assert_eq!(p.ca_login(&key).await.status, StatusCode::CREATED, "the copied binding logs in");
    let second = ca.p256_key(&CertSpec::valid("第二把"));
    let r = p.bind(&token, &second, "3301000045100778").await;
    assert_eq!((r.status, &r.body["id"]), (StatusCode::CREATED, &json!(2)), "ids go on");

    let again = migrate(&source);
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success() && said.contains("not empty"), "{said}");
}
