//! Certificate facts from whatever bytes a token's CKA_VALUE holds.
#![no_main]

libfuzzer_sys::fuzz_target!(|der: &[u8]| {
    if let Ok(facts) = zca::x509::CertFacts::parse(der) {
        let _ = facts.display_name();
        let _ = facts.key.display();
        let _ = facts.days_left(time::OffsetDateTime::UNIX_EPOCH);
    }
});
