//! zca-platform's request bodies: JSON into the contract's types, then the certificate inside.
#![no_main]

use zca_contract::{BindRequest, CaLogin, ChallengeRequest, PasswordLogin};

libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    let _ = serde_json::from_slice::<PasswordLogin>(body);
    let _ = serde_json::from_slice::<ChallengeRequest>(body);
    let _ = serde_json::from_slice::<BindRequest>(body);
    if let Ok(login) = serde_json::from_slice::<CaLogin>(body) {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        if let Ok(der) = engine.decode(login.certificate.trim()) {
            if let Ok((_, cert)) = x509_parser::parse_x509_certificate(&der) {
                let _ = zca_platform::pki::certificate_info(&cert, &der);
                let _ = zca_platform::pki::key_algorithm(cert.public_key());
            }
        }
    }
});
