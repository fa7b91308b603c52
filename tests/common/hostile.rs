//! A hostile "platform" for tests: real TLS on 127.0.0.1 with a certificate the test chooses,
//! answering every request with bytes the test chooses (or nothing at all), and counting what
//! it was sent.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tempfile::TempDir;

pub enum Answer {
    /// These bytes, then the connection is closed.
    Bytes(Vec<u8>),
    /// Nothing, ever (the connection stays open).
    Silence,
    /// The answer of the first entry whose path the request line names (the connection closed
    /// without an answer when none does).
    ByPath(Vec<(&'static str, Answer)>),
}

impl Answer {
    fn for_request<'a>(&'a self, head: &str) -> Option<&'a Answer> {
        match self {
            Answer::ByPath(routes) => {
                let line = head.lines().next().unwrap_or_default();
                let path = line.split_whitespace().nth(1).unwrap_or_default();
                routes.iter().find(|(p, _)| path == *p).and_then(|(_, a)| a.for_request(head))
            }
            other => Some(other),
        }
    }
}

pub struct Hostile {
    pub origin: String,
    pub ca_file: PathBuf,
    pub requests: Arc<AtomicUsize>,
    /// The request heads received, for checking what a client forwarded.
    pub heads: Arc<Mutex<Vec<String>>>,
    _dir: TempDir,
}

impl Hostile {
    /// A server whose certificate names `names` (so "other.example" makes a wrong-name one).
    pub fn start(names: &[&str], answer: Answer) -> Hostile {
        let dir = tempfile::tempdir().unwrap();
        let ca_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let cert =
            params.signed_by(&key, &rcgen::Issuer::from_params(&ca_params, &ca_key)).unwrap();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca_cert.pem()).unwrap();

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("https://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(answer);
        let (count, seen) = (requests.clone(), heads.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (config, answer, count, seen) =
                    (config.clone(), answer.clone(), count.clone(), seen.clone());
                std::thread::spawn(move || {
                    let Ok(conn) = rustls::ServerConnection::new(config) else { return };
                    let mut tls = rustls::StreamOwned::new(conn, stream);
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match tls.read(&mut byte) {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    let head = String::from_utf8_lossy(&head).into_owned();
                    seen.lock().unwrap().push(head.clone());
                    match answer.for_request(&head) {
                        None | Some(Answer::ByPath(_)) => {}
                        Some(Answer::Bytes(bytes)) => {
                            let _ = tls.write_all(bytes);
                            let _ = tls.flush();
                            tls.conn.send_close_notify();
                            let _ = tls.flush();
                        }
                        Some(Answer::Silence) => {
                            std::thread::sleep(std::time::Duration::from_secs(60))
                        }
                    }
                });
            }
        });
        Hostile { origin, ca_file, requests, heads, _dir: dir }
    }

    /// An HTTP/1.1 answer with these headers and body.
    pub fn answer(status: &str, headers: &[&str], body: &[u8]) -> Answer {
        let mut bytes = format!("HTTP/1.1 {status}\r\n").into_bytes();
        for h in headers {
            bytes.extend_from_slice(format!("{h}\r\n").as_bytes());
        }
        bytes.extend_from_slice(b"Connection: close\r\n\r\n");
        bytes.extend_from_slice(body);
        Answer::Bytes(bytes)
    }
}
