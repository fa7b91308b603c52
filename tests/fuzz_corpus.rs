//! The fuzz corpora (fuzz/corpus/, kept minimized by `cargo fuzz cmin`) replayed through the
//! same code as fuzz/fuzz_targets/cert_facts.rs and platform_answer.rs: every input the fuzzer
//! found interesting, and every crash it ever found, stays a test of the normal suite.

use std::path::Path;

use reqwest::StatusCode;
use zca::api::decode_answer;
use zca_contract::{Bindings, Challenge, Drivers, Health, Session, User};

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let inputs: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert!(!inputs.is_empty(), "{} is empty", dir.display());
    inputs
}

#[test]
fn certificate_facts_from_every_corpus_input() {
    let mut parsed = 0;
    for der in corpus("cert_facts") {
        if let Ok(facts) = zca::x509::CertFacts::parse(&der) {
            let _ = (facts.display_name(), facts.key.display());
            parsed += 1;
        }
    }
    assert!(parsed >= 3, "the seed certificates (RSA, EC, SM2) parse");
}

fn decode<T: serde::de::DeserializeOwned>(status: StatusCode, body: &[u8]) {
    if let Err(e) = decode_answer::<T>(status, StatusCode::OK, body, "https://p.example".into()) {
        let _ = (e.message(), e.hint(), e.exit_code());
    }
}

#[test]
fn platform_answers_from_every_corpus_input() {
    for data in corpus("platform_answer") {
        let Some((head, body)) = data.split_first_chunk::<2>() else { continue };
        let Ok(status) = StatusCode::from_u16(100 + u16::from_be_bytes(*head) % 500) else {
            continue;
        };
        decode::<Session>(status, body);
        decode::<Challenge>(status, body);
        decode::<Bindings>(status, body);
        decode::<Drivers>(status, body);
        decode::<Health>(status, body);
        decode::<User>(status, body);
    }
}
