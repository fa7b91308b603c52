//! The soft SM2 module (testkit/sm2-module) with a token in a temporary file, and an SM2 CA
//! made with OpenSSL that issues certificates for keys generated on that token.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use super::{ensure_built, testkit_bin, zca_bin, Hsm, PIN};

pub const SERIAL: &str = "3301000099990001";
/// The module's default key-pair generation mechanism.
pub const KEYGEN: &str = "0x80008001";

pub fn sm2_module() -> PathBuf {
    ensure_built(
        zca_bin().with_file_name("libzca_sm2_pkcs11.so"),
        &["testkit/sm2-module/src"],
        &["-p", "zca-sm2-module"],
    )
}

/// One token of the soft module; `env` are the module's variables (mechanisms, format).
pub struct Sm2Token {
    pub dir: TempDir,
    pub env: Vec<(String, String)>,
}

impl Sm2Token {
    pub fn new(env: &[(&str, &str)]) -> Sm2Token {
        let mut env: Vec<(String, String)> =
            env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let dir = tempfile::tempdir().unwrap();
        env.push(("ZCA_SM2_TOKEN".into(), dir.path().join("token.json").display().to_string()));
        Sm2Token { dir, env }
    }

    pub fn apply(&self, cmd: &mut Command) {
        cmd.env("ZCA_PKCS11_MODULE", sm2_module());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
    }

    /// `zca` with this token as its only module.
    pub fn zca(&self, hsm: &Hsm) -> Command {
        let mut cmd = hsm.zca();
        self.apply(&mut cmd);
        cmd
    }

    /// A token with a key pair and a certificate for it from `ca`; with the public point.
    pub fn with_certificate(env: &[(&str, &str)], ca: &Sm2Ca, cn: &str) -> (Sm2Token, Vec<u8>) {
        let token = Sm2Token::new(env);
        let point = token.keygen();
        token.put_cert(&ca.issue(&point, cn));
        (token, point)
    }

    /// Generates a key pair with id 01 on the token; returns its public point (04 ‖ x ‖ y).
    pub fn keygen(&self) -> Vec<u8> {
        let mut cmd = Command::new(testkit_bin());
        self.apply(&mut cmd);
        let out = cmd
            .args(["sm2-keygen", "--module"])
            .arg(sm2_module())
            .args(["--serial", SERIAL, "--id", "01", "--label", "sm2 key", "--mechanism", KEYGEN])
            .env("TESTKIT_PIN", PIN)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        hex::decode(String::from_utf8(out.stdout).unwrap().trim()).unwrap()
    }

    pub fn put_cert(&self, der: &[u8]) {
        let file = self.dir.path().join("cert.der");
        std::fs::write(&file, der).unwrap();
        let mut cmd = Command::new(testkit_bin());
        self.apply(&mut cmd);
        let out = cmd
            .args(["put-cert", "--module"])
            .arg(sm2_module())
            .args(["--serial", SERIAL, "--id", "01", "--label", "sm2 cert"])
            .arg(&file)
            .env("TESTKIT_PIN", PIN)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// SubjectPublicKeyInfo PEM of an SM2 point (id-ecPublicKey with the SM2 curve).
pub fn sm2_public_pem(point: &[u8]) -> String {
    use base64::Engine;
    let mut spki = hex::decode("3059301306072a8648ce3d020106082a811ccf5501822d034200").unwrap();
    spki.extend_from_slice(point);
    let b64 = base64::engine::general_purpose::STANDARD.encode(spki);
    format!("-----BEGIN PUBLIC KEY-----\n{b64}\n-----END PUBLIC KEY-----\n")
}

fn openssl(args: &[&str], files: &[&Path]) {
    let mut cmd = Command::new("openssl");
    cmd.args(args);
    for f in files {
        cmd.arg(f);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// An SM2 CA (SM3withSM2, ID 1234567812345678) made by OpenSSL.
pub struct Sm2Ca {
    dir: TempDir,
    pub der: Vec<u8>,
}

impl Sm2Ca {
    pub fn new() -> Sm2Ca {
        let dir = tempfile::tempdir().unwrap();
        let (key, cert) = (dir.path().join("ca.key"), dir.path().join("ca.pem"));
        openssl(
            &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out"],
            &[&key],
        );
        let mut cmd = Command::new("openssl");
        cmd.args(["req", "-new", "-x509", "-utf8", "-sm3", "-sigopt", "distid:1234567812345678"])
            .args(["-days", "30", "-subj", "/C=CN/O=国密测试/CN=SM2 Test CA", "-key"])
            .arg(&key)
            .args(["-addext", "basicConstraints=critical,CA:TRUE"])
            .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out"])
            .arg(&cert);
        assert!(cmd.status().unwrap().success());
        let out = Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&cert)
            .output()
            .unwrap();
        assert!(out.status.success());
        Sm2Ca { der: out.stdout, dir }
    }

    /// A certificate for `point` (a key on a token) with this common name, signed by the CA.
    pub fn issue(&self, point: &[u8], cn: &str) -> Vec<u8> {
        let d = self.dir.path();
        let (pubkey, csr_key, csr, cert) =
            (d.join("leaf.pub"), d.join("csr.key"), d.join("leaf.csr"), d.join("leaf.der"));
        std::fs::write(&pubkey, sm2_public_pem(point)).unwrap();
        std::fs::write(d.join("leaf.ext"), "keyUsage=critical,digitalSignature\n").unwrap();
        openssl(
            &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out"],
            &[&csr_key],
        );
        let ok = Command::new("openssl")
            .args([
                "req",
                "-new",
                "-utf8",
                "-sm3",
                "-subj",
                &format!("/C=CN/O=某某单位/CN={cn}"),
                "-key",
            ])
            .arg(&csr_key)
            .arg("-out")
            .arg(&csr)
            .output()
            .unwrap();
        assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
        let ok = Command::new("openssl")
            .args(["x509", "-req", "-sm3", "-sigopt", "distid:1234567812345678", "-days", "30"])
            .arg("-in")
            .arg(&csr)
            .arg("-CA")
            .arg(d.join("ca.pem"))
            .arg("-CAkey")
            .arg(d.join("ca.key"))
            .arg("-force_pubkey")
            .arg(&pubkey)
            .arg("-extfile")
            .arg(d.join("leaf.ext"))
            .args(["-set_serial", "4660", "-outform", "DER", "-out"])
            .arg(&cert)
            .output()
            .unwrap();
        assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
        std::fs::read(cert).unwrap()
    }
}
