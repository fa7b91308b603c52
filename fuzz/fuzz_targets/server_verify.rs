//! zca-platform's chain and signature checks with any certificate, message and signature:
//! [2-byte certificate length][certificate][1-byte signature length][signature][message].
#![no_main]

use zca_contract::Algorithm;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((len, rest)) = data.split_first_chunk::<2>() else { return };
    let len = usize::from(u16::from_be_bytes(*len)).min(rest.len());
    let (der, rest) = rest.split_at(len);
    let Some((&sig_len, rest)) = rest.split_first() else { return };
    let (sig, msg) = rest.split_at(usize::from(sig_len).min(rest.len()));
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else { return };
    // The certificate as its own trust anchor takes the self-signed path through the chain code.
    let now = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    let _ = zca_platform::pki::check_certificate(&cert, &[der.to_vec()], now);
    for alg in [Algorithm::RsaPkcs1Sha256, Algorithm::EcdsaP256Sha256, Algorithm::Sm2Sm3] {
        let _ = zca_platform::pki::verify(alg, cert.public_key(), msg, sig);
    }
});
