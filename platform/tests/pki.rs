//! The platform's certificate checks, called directly: an issuer signature found good once is
//! remembered for exactly those bytes and that issuer key, never for anything else.

mod common;

use common::{CertSpec, IssueKeys, TestCa};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};
use zca_platform::pki::{check_certificate, CertificateProblem};

fn check(der: &[u8], anchor: &TestCa) -> Result<(), CertificateProblem> {
    let (_, cert) = X509Certificate::from_der(der).expect("a certificate");
    check_certificate(&cert, std::slice::from_ref(&anchor.der), OffsetDateTime::now_utc())
}

#[test]
fn a_remembered_issuer_signature_stands_for_those_bytes_and_that_key_only() {
    let ca = TestCa::new("Memo CA");
    let key = ca.p256_key(&CertSpec::valid("memo-subject"));
    assert_eq!(check(&key.cert_der, &ca), Ok(()));
    assert_eq!(check(&key.cert_der, &ca), Ok(()), "the second time, from memory");

    // A CA of the same name with another key did not sign it.
    let same_name = TestCa::new("Memo CA");
    assert_eq!(check(&key.cert_der, &same_name), Err(CertificateProblem::Untrusted));

    // The last byte belongs to the signature; the subject's name to the signed part.
    let mut bad_signature = key.cert_der.clone();
    *bad_signature.last_mut().unwrap() ^= 1;
    assert_eq!(check(&bad_signature, &ca), Err(CertificateProblem::Untrusted));
    let other_subject = {
        let cn = key.cert_der.windows(12).position(|w| w == b"memo-subject").expect("the CN");
        let mut der = key.cert_der.clone();
        der[cn] = b'j';
        der
    };
    assert_eq!(check(&other_subject, &ca), Err(CertificateProblem::Untrusted));
    assert_eq!(check(&key.cert_der, &ca), Ok(()));
}
