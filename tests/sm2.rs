//! SM2 keys end to end with the soft SM2 module (testkit/sm2-module): the fixture's own
//! signatures checked by OpenSSL, `zca certs`, and bind + CA login against zca-platform (which
//! verifies sm2-sm3 for real) with the module's mechanisms numbered and formatted three ways.

mod common;

use common::sm2::*;
use common::*;

/// Signs `data` with pkcs11-tool (a peer) through the module; returns the signature.
fn peer_sign(token: &Sm2Token, mechanism: &str, data: &[u8]) -> Vec<u8> {
    let input = token.dir.path().join("data");
    let output = token.dir.path().join("sig");
    std::fs::write(&input, data).unwrap();
    let mut cmd = std::process::Command::new("pkcs11-tool");
    token.apply(&mut cmd);
    let ok = cmd
        .arg("--module")
        .arg(sm2_module())
        .args(["--login", "--pin", PIN, "--sign", "--id", "01", "--mechanism", mechanism, "-i"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    std::fs::read(output).unwrap()
}

fn openssl_verifies(token: &Sm2Token, point: &[u8], data: &[u8], der_signature: &[u8]) -> bool {
    let d = token.dir.path();
    std::fs::write(d.join("pub.pem"), sm2_public_pem(point)).unwrap();
    std::fs::write(d.join("data"), data).unwrap();
    std::fs::write(d.join("sig.der"), der_signature).unwrap();
    std::process::Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-inkey"])
        .arg(d.join("pub.pem"))
        .arg("-in")
        .arg(d.join("data"))
        .arg("-sigfile")
        .arg(d.join("sig.der"))
        .args(["-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678"])
        .output()
        .unwrap()
        .status
        .success()
}

/// r ‖ s as a DER ECDSA-Sig-Value, written out here so the test does not lean on zca's own.
fn der_of(raw: &[u8]) -> Vec<u8> {
    let int = |b: &[u8]| {
        let mut v: Vec<u8> = b.iter().copied().skip_while(|x| *x == 0).collect();
        if v.first().is_none_or(|x| x & 0x80 != 0) {
            v.insert(0, 0);
        }
        let mut out = vec![0x02, v.len() as u8];
        out.extend(v);
        out
    };
    let body = [int(&raw[..32]), int(&raw[32..])].concat();
    [vec![0x30, body.len() as u8], body].concat()
}

#[test]
fn the_soft_module_signs_what_openssl_verifies() {
    let data = b"the contract's bytes";
    let raw = Sm2Token::new(&[]);
    let point = raw.keygen();
    let sig = peer_sign(&raw, "0x80008100", data);
    assert_eq!(sig.len(), 64, "r || s");
    assert!(openssl_verifies(&raw, &point, data, &der_of(&sig)));
    assert!(!openssl_verifies(&raw, &point, b"other bytes", &der_of(&sig)));

    let der =
        Sm2Token::new(&[("ZCA_SM2_SIGNATURE", "der"), ("ZCA_SM2_MECH_SM3_SM2", "0x80008123")]);
    let point = der.keygen();
    let sig = peer_sign(&der, "0x80008123", data);
    assert_eq!(sig[0], 0x30, "DER");
    assert!(openssl_verifies(&der, &point, data, &sig));
}

#[test]
fn certs_shows_the_sm2_key_and_certificate() {
    let hsm = Hsm::new();
    let ca = Sm2Ca::new();
    let (token, _) = Sm2Token::with_certificate(&[], &ca, "孙七");
    let (code, out, err) = run(token.zca(&hsm).args(["certs", "--json"]));
    assert_eq!(code, 0, "{err}");
    let cert = &json(&out)["certificates"][0];
    assert_eq!(cert["ca_lock_id"], SERIAL);
    assert_eq!(cert["common_name"], "孙七");
    assert_eq!(cert["key"]["kind"], "sm2", "{out}");
    assert_eq!(cert["signature_algorithm"], "SM3withSM2");
}

#[test]
fn bind_and_ca_login_with_sm2_three_ways() {
    let (hsm, _, p) = setup();
    let ca = Sm2Ca::new();
    p.trust(&ca.der);
    account_login(&hsm, &p, "alice");
    let config = hsm.home().join(".config/zca/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case<'_>; 3] = [
        // No entry: the common numbering (message mechanism 0x80008100), r || s.
        ("common numbering", &[], ""),
        // A module that only signs digests: zca computes Z and e; r || s.
        (
            "digest, raw",
            &[("ZCA_SM2_MECH_SM3_SM2", "none"), ("ZCA_SM2_MECH_SM2", "0x80008200")],
            "[[module]]\nname = \"soft digest\"\nfile_names = [\"libzca_sm2_pkcs11.so\"]\n\
             sm2_digest_mechanism = 0x80008200\nsm2_signature = \"raw\"\n",
        ),
        // Other numbers, found by the library's manufacturer; DER signatures.
        (
            "message, DER",
            &[("ZCA_SM2_MECH_SM3_SM2", "0x80008123"), ("ZCA_SM2_SIGNATURE", "der")],
            "[[module]]\nname = \"soft DER\"\nmanufacturer = \"zca test SM2\"\n\
             sm2_sm3_mechanism = 0x80008123\nsm2_signature = \"der\"\n",
        ),
    ];
    for (case, env, entry) in cases {
        std::fs::write(&config, entry).unwrap();
        let (token, _) = Sm2Token::with_certificate(env, &ca, "孙七");
        let mut bind = token.zca(&hsm);
        bind.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
        let (code, out, err) = pin(bind.args(["bind", "--yes", "--json"]));
        assert_eq!(code, 0, "{case}: {out}{err}");
        let mut login = token.zca(&hsm);
        login.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
        let (code, out, err) = pin(login.args(["login", "--json"]));
        assert_eq!(code, 0, "{case}: the platform verified sm2-sm3: {out}{err}");
        let mut unbind = token.zca(&hsm);
        unbind.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
        let (code, out, err) = run(unbind.args(["unbind", "--ca-lock", SERIAL, "--yes", "--json"]));
        assert_eq!(code, 0, "{case}: {err}");
        // Logged in with the binding it removed: that session ended with it.
        assert_eq!(json(&out)["session_ended"], true, "{case}: {out}");
        account_login(&hsm, &p, "alice");
    }
    let logins = p.audit().as_array().unwrap().iter().filter(|a| a["event"] == "ca_login").count();
    assert_eq!(logins, 3, "{}", p.audit());
}

#[test]
fn a_module_without_a_known_sm2_mechanism_is_named_with_the_setting_to_add() {
    let (hsm, _, p) = setup();
    let ca = Sm2Ca::new();
    p.trust(&ca.der);
    account_login(&hsm, &p, "alice");
    let (token, _) =
        Sm2Token::with_certificate(&[("ZCA_SM2_MECH_SM3_SM2", "0x80009999")], &ca, "孙七");
    let mut bind = token.zca(&hsm);
    bind.env("ZCA_PLATFORM", &p.origin).env("ZCA_CA_FILE", p.ca_file());
    let (code, out, err) = pin(bind.args(["--lang", "en", "bind", "--yes"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("libzca_sm2_pkcs11.so") && err.contains("0x80008100"), "{err}");
    assert!(err.contains("sm2_sm3_mechanism") && err.contains("[[module]]"), "{err}");
}
