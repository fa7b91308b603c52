//! The soft SKF library (testkit/skf-soft) with its devices in a temporary file, made and
//! changed with `zca-testkit`.

use std::path::PathBuf;
use std::process::Command;

use tempfile::TempDir;

use super::sm2::Sm2Ca;
use super::{ensure_built, run, testkit_bin, zca_bin, Hsm};

pub const DEVICE: &str = "soft-key-1";
pub const USER_PIN: &str = "123456";
pub const ADMIN_PIN: &str = "12345678";

pub fn skf_library() -> PathBuf {
    ensure_built(
        zca_bin().with_file_name("libzca_skf_soft.so"),
        &["testkit/skf-soft/src", "skf/src"],
        &["-p", "zca-skf-soft"],
    )
}

/// The devices of one soft SKF library.
pub struct SkfDevices {
    pub dir: TempDir,
}

impl SkfDevices {
    pub fn new() -> SkfDevices {
        SkfDevices { dir: tempfile::tempdir().unwrap() }
    }

    pub fn store(&self) -> PathBuf {
        self.dir.path().join("devices.json")
    }

    fn testkit(&self, args: &[&str]) -> String {
        let mut cmd = Command::new(testkit_bin());
        cmd.args(args).arg("--store").arg(self.store());
        let (code, out, err) = run(&mut cmd);
        assert_eq!(code, 0, "zca-testkit {args:?}: {err}");
        out
    }

    /// A device with an SM2 signing and an encryption key pair; their public points.
    pub fn add(&self, name: &str, serial: &str, user_tries: u32) -> (Vec<u8>, Vec<u8>) {
        let tries = user_tries.to_string();
        let args =
            ["skf-device", "--name", name, "--serial", serial, "--user-tries", tries.as_str()];
        let out = self.testkit(&args);
        let mut points = out.lines().map(|l| hex::decode(l.trim()).unwrap());
        (points.next().unwrap(), points.next().unwrap())
    }

    pub fn put_cert(&self, device: &str, usage: &str, der: &[u8]) {
        let file = self.dir.path().join(format!("{device}-{usage}.der"));
        std::fs::write(&file, der).unwrap();
        let file = file.display().to_string();
        self.testkit(&["skf-cert", "--device", device, "--usage", usage, &file]);
    }

    /// A device whose signing and encryption certificates come from `ca` for `cn`; with the
    /// signing key's public point.
    pub fn with_certificates(
        ca: &Sm2Ca,
        serial: &str,
        cn: &str,
        user_tries: u32,
    ) -> (SkfDevices, Vec<u8>) {
        let devices = SkfDevices::new();
        let (sign, enc) = devices.add(DEVICE, serial, user_tries);
        devices.put_cert(DEVICE, "sign", &ca.issue(&sign, cn));
        devices.put_cert(DEVICE, "enc", &ca.issue(&enc, cn));
        (devices, sign)
    }

    pub fn insert(&self, device: &str, present: bool) {
        let present = present.to_string();
        self.testkit(&["skf-insert", "--device", device, "--present", &present]);
    }

    pub fn apply(&self, cmd: &mut Command) {
        cmd.env("ZCA_SKF_LIBRARY", skf_library()).env("ZCA_SKF_STORE", self.store());
    }

    /// `zca` with this library as its only driver (no PKCS#11 module).
    pub fn zca(&self, hsm: &Hsm) -> Command {
        let mut cmd = hsm.zca();
        cmd.env_remove("ZCA_PKCS11_MODULE");
        self.apply(&mut cmd);
        cmd
    }
}
