//! Tells `zca --version` the commit it was built from, the cargo features and the target.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "unknown".into());
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty());
    let commit = if dirty && commit != "unknown" { format!("{commit}-modified") } else { commit };
    let mut features: Vec<String> = std::env::vars()
        .filter_map(|(k, _)| {
            k.strip_prefix("CARGO_FEATURE_").map(|f| f.to_lowercase().replace('_', "-"))
        })
        .filter(|f| f != "default")
        .collect();
    features.sort();
    let features = if features.is_empty() { "none".to_string() } else { features.join(", ") };
    println!("cargo:rustc-env=ZCA_COMMIT={commit}");
    println!("cargo:rustc-env=ZCA_FEATURES={features}");
    println!("cargo:rustc-env=ZCA_TARGET={}", std::env::var("TARGET").unwrap_or_default());
    for git in [".git/HEAD", ".git/index"] {
        if std::path::Path::new(git).exists() {
            println!("cargo:rerun-if-changed={git}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
