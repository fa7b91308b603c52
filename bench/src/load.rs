//! zca-platform under load from 64 concurrent clients on loopback: CA logins (challenge, then
//! login, signed with software keys so that the figure is the platform's) with P-256 and
//! RSA-2048 certificates, and binds. Each client keeps its own connection (keep-alive), as a
//! browser plugin or zca session would.

use rustls::pki_types::pem::PemObject;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::Digest;
use zca_contract::{signed_bytes, Purpose};

use crate::setup::{Platform, TestCa, PASSWORD};

pub struct LoadResult {
    pub name: String,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub done: usize,
    pub failed: usize,
    /// The server's own p99 for the challenge and for the request that uses it.
    pub server_p99_ms: (f64, f64),
}

/// Software keys for the clients, signing with ring so that the load generator, which shares
/// the machine's cores with the server, spends as little of them as it can.
#[derive(Clone)]
pub(crate) enum Key {
    P256(Arc<ring::signature::EcdsaKeyPair>),
    Rsa(Arc<ring::signature::RsaKeyPair>),
}

impl Key {
    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        let rng = ring::rand::SystemRandom::new();
        match self {
            Key::P256(k) => k.sign(&rng, msg).expect("ECDSA signs").as_ref().to_vec(),
            Key::Rsa(k) => {
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(&ring::signature::RSA_PKCS1_SHA256, &rng, msg, &mut sig).expect("RSA signs");
                sig
            }
        }
    }

    fn algorithm(&self) -> &'static str {
        match self {
            Key::P256(_) => "ecdsa-p256-sha256",
            Key::Rsa(_) => "rsa-pkcs1-sha256",
        }
    }
}

/// A certificate with its key, and the CA锁ID it is (or will be) bound under.
#[derive(Clone)]
pub(crate) struct Identity {
    cert: Vec<u8>,
    sha256: String,
    key: Key,
    ca_lock_id: String,
}

pub(crate) struct Api {
    pub http: reqwest::Client,
    pub origin: String,
}

impl Api {
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Result<Value> {
        let mut req = self.http.post(format!("{}{path}", self.origin)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await?;
        let status = resp.status();
        let value: Value = resp.json().await?;
        if !status.is_success() {
            bail!("{path}: {status} {value}");
        }
        Ok(value)
    }

    async fn proof(&self, id: &Identity, purpose: Purpose, token: Option<&str>) -> Result<Value> {
        let ch = self.post("/api/v1/ca/challenges", token, json!({ "purpose": purpose })).await?;
        let (cid, nonce, origin) = (
            ch["challenge_id"].as_str().context("challenge_id")?,
            ch["nonce"].as_str().context("nonce")?,
            ch["origin"].as_str().context("origin")?,
        );
        let msg = signed_bytes(purpose, origin, cid, nonce, &id.sha256, &id.ca_lock_id);
        let mut body = json!({
            "challenge_id": cid,
            "certificate": STANDARD.encode(&id.cert),
            "algorithm": id.key.algorithm(),
            "signature": STANDARD.encode(id.key.sign(&msg)),
        });
        if purpose == Purpose::Bind {
            body["ca_lock_id"] = json!(id.ca_lock_id);
        }
        Ok(body)
    }

    pub(crate) async fn ca_login(&self, id: &Identity) -> Result<()> {
        let body = self.proof(id, Purpose::Login, None).await?;
        self.post("/api/v1/sessions/ca", None, body).await.map(drop)
    }

    pub async fn get(&self, path: &str, token: &str) -> Result<Value> {
        let resp =
            self.http.get(format!("{}{path}", self.origin)).bearer_auth(token).send().await?;
        let status = resp.status();
        let value: Value = resp.json().await?;
        if !status.is_success() {
            bail!("{path}: {status} {value}");
        }
        Ok(value)
    }

    pub async fn bind(&self, id: &Identity, token: &str) -> Result<()> {
        let body = self.proof(id, Purpose::Bind, Some(token)).await?;
        self.post("/api/v1/ca/bindings", Some(token), body).await.map(drop)
    }
}

pub(crate) fn client(platform: &Platform) -> Result<reqwest::Client> {
    let pem = std::fs::read(platform.ca_file())?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
        roots.add(cert?)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(reqwest::Client::builder().use_preconfigured_tls(tls).pool_max_idle_per_host(1).build()?)
}

pub(crate) fn identities(
    ca: &TestCa,
    key: &Key,
    public: &impl rcgen::PublicKeyData,
    prefix: &str,
    n: usize,
) -> Result<Vec<Identity>> {
    (0..n)
        .map(|i| {
            let cert =
                ca.issue_for(public, &zca_test_ca::CertSpec::valid(&format!("{prefix} {i}")));
            let sha256 = hex_lower(&sha2::Sha256::digest(&cert));
            Ok(Identity { cert, sha256, key: key.clone(), ca_lock_id: format!("{prefix}{i:010}") })
        })
        .collect()
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn p256_key() -> Result<(Key, rcgen::KeyPair)> {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let alg = &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING;
    let rng = ring::rand::SystemRandom::new();
    let key = ring::signature::EcdsaKeyPair::from_pkcs8(alg, &pair.serialize_der(), &rng)
        .map_err(|e| anyhow::anyhow!("P-256 key: {e}"))?;
    Ok((Key::P256(Arc::new(key)), pair))
}

fn rsa_key() -> Result<(Key, rcgen::KeyPair)> {
    let pem = crate::must(std::process::Command::new("openssl").args([
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
    ]))?;
    let pkcs8 = match rustls::pki_types::PrivateKeyDer::from_pem_slice(&pem)? {
        rustls::pki_types::PrivateKeyDer::Pkcs8(k) => k.secret_pkcs8_der().to_vec(),
        _ => bail!("OpenSSL did not give PKCS#8"),
    };
    let pair = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
        &pkcs8.as_slice().into(),
        &rcgen::PKCS_RSA_SHA256,
    )?;
    let key = ring::signature::RsaKeyPair::from_pkcs8(&pkcs8)
        .map_err(|e| anyhow::anyhow!("RSA key: {e}"))?;
    Ok((Key::Rsa(Arc::new(key)), pair))
}

/// CA logins with P-256 and RSA-2048 and binds; or (`logins_only`) P-256 CA logins alone.
pub fn run(
    platform: &Platform,
    clients: usize,
    duration: Duration,
    logins_only: bool,
) -> Result<Vec<LoadResult>> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let setup = Api { http: client(platform)?, origin: platform.origin.clone() };
        let session = setup
            .post(
                "/api/v1/sessions/password",
                None,
                json!({"account": "bench", "password": PASSWORD}),
            )
            .await?;
        let token = session["token"].as_str().context("token")?.to_string();
        let ca = TestCa::new("Bench load CA");
        platform.trust(&ca.der)?;
        let (p256, p256_pair) = p256_key()?;
        let p256_ids = identities(&ca, &p256, &p256_pair, "LP", clients)?;
        if logins_only {
            for id in &p256_ids {
                setup.bind(id, &token).await?;
            }
            let name = "CA login, ECDSA P-256";
            return Ok(vec![measure(name, platform, clients, duration, p256_ids, None).await?]);
        }
        let (rsa, rsa_pair) = rsa_key()?;
        let rsa_ids = identities(&ca, &rsa, &rsa_pair, "LR", clients)?;
        for id in p256_ids.iter().chain(&rsa_ids) {
            setup.bind(id, &token).await?;
        }
        // Enough fresh certificates for every client to bind without running out.
        let bind_ids = identities(&ca, &p256, &p256_pair, "LB", clients * 150)?;

        let mut results = Vec::new();
        results.push(
            measure("CA login, ECDSA P-256", platform, clients, duration, p256_ids, None).await?,
        );
        results
            .push(measure("CA login, RSA-2048", platform, clients, duration, rsa_ids, None).await?);
        results.push(
            measure("bind (P-256)", platform, clients, duration, bind_ids, Some(token)).await?,
        );
        Ok(results)
    })
}

/// Runs `clients` loops for `duration`: logins with their identity, or binds of fresh ones.
async fn measure(
    name: &str,
    platform: &Platform,
    clients: usize,
    duration: Duration,
    ids: Vec<Identity>,
    bind_token: Option<String>,
) -> Result<LoadResult> {
    eprintln!("bench: {name}, {clients} clients, {} s", duration.as_secs());
    let per_client = ids.len() / clients;
    // One second to connect (TLS handshakes) and warm up, not counted: the figures are the
    // steady state of clients that keep their connection, as zca and browsers do.
    let warm_until = Instant::now() + Duration::from_secs(1);
    let start = warm_until;
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for c in 0..clients {
        // Clients spread over the instances, as a load balancer would.
        let origin = platform.addrs[c % platform.addrs.len()].clone();
        let api = Api { http: client(platform)?, origin };
        let mine: Vec<Identity> = ids[c * per_client..(c + 1) * per_client].to_vec();
        let token = bind_token.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failed = 0usize;
            let mut next = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                let outcome = match &token {
                    None => api.ca_login(&mine[0]).await,
                    Some(token) => {
                        let Some(id) = mine.get(next) else { break };
                        next += 1;
                        api.bind(id, token).await
                    }
                };
                match outcome {
                    _ if t < warm_until => {}
                    Ok(()) => latencies.push(t.elapsed()),
                    Err(_) => failed += 1,
                }
            }
            (latencies, failed)
        }));
    }
    tokio::time::sleep_until(warm_until.into()).await;
    let log_from = platform.log_len();
    let mut latencies = Vec::new();
    let mut failed = 0;
    for task in tasks {
        let (l, f) = task.await?;
        latencies.extend(l);
        failed += f;
    }
    let elapsed = (Instant::now() - start).as_secs_f64();
    let latencies: Vec<f64> = {
        let mut l: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        l.sort_by(f64::total_cmp);
        l
    };
    let pct = |p: f64| percentile(&latencies, p);
    let used = if bind_token.is_some() { "/api/v1/ca/bindings" } else { "/api/v1/sessions/ca" };
    let server_p99_ms = (
        percentile(&platform.server_ms(log_from, "/api/v1/ca/challenges"), 0.99),
        percentile(&platform.server_ms(log_from, used), 0.99),
    );
    Ok(LoadResult {
        name: name.into(),
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        done: latencies.len(),
        failed,
        server_p99_ms,
    })
}

/// The `p` quantile of sorted figures (0 when there are none).
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1)))
        .map_or(0.0, |v| *v)
}
