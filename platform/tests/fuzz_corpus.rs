//! The fuzz corpora of zca-platform's targets (../fuzz/corpus/server_request, server_verify)
//! replayed through the same code as the targets, as part of the normal suite.

use std::path::Path;

use base64::Engine;
use zca_contract::{Algorithm, BindRequest, CaLogin, ChallengeRequest, PasswordLogin};

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(target);
    let inputs: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert!(!inputs.is_empty(), "{} is empty", dir.display());
    inputs
}

#[test]
fn request_bodies_from_every_corpus_input() {
    for body in corpus("server_request") {
        let _ = serde_json::from_slice::<PasswordLogin>(&body);
        let _ = serde_json::from_slice::<ChallengeRequest>(&body);
        let _ = serde_json::from_slice::<BindRequest>(&body);
        if let Ok(login) = serde_json::from_slice::<CaLogin>(&body) {
            let engine = base64::engine::general_purpose::STANDARD;
            if let Ok(der) = engine.decode(login.certificate.trim()) {
                if let Ok((_, cert)) = x509_parser::parse_x509_certificate(&der) {
                    let _ = zca_platform::pki::certificate_info(&cert, &der);
                    let _ = zca_platform::pki::key_algorithm(cert.public_key());
                }
            }
        }
    }
}

#[test]
fn chain_and_signature_checks_from_every_corpus_input() {
    for data in corpus("server_verify") {
        let Some((len, rest)) = data.split_first_chunk::<2>() else { continue };
        let len = usize::from(u16::from_be_bytes(*len)).min(rest.len());
        let (der, rest) = rest.split_at(len);
        let Some((&sig_len, rest)) = rest.split_first() else { continue };
        let (sig, msg) = rest.split_at(usize::from(sig_len).min(rest.len()));
        let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else { continue };
        let now = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        let _ = zca_platform::pki::check_certificate(&cert, &[der.to_vec()], now);
        for alg in [Algorithm::RsaPkcs1Sha256, Algorithm::EcdsaP256Sha256, Algorithm::Sm2Sm3] {
            let _ = zca_platform::pki::verify(alg, cert.public_key(), msg, sig);
        }
    }
}
