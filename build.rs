//! Tells `zca --version` the commit it was built from, the cargo features and the target.
//!
//! Only files that change when the commit does are watched (HEAD, the branch's ref, packed
//! refs): git writes its index on every `git status`, and watching it would rebuild zca then.
//! For the same reason there is no "modified" marker: knowing it would mean rebuilding on every
//! change of the index.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok().filter(|o| o.status.success())?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string()).filter(|s| !s.is_empty())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
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
    // `--git-path` knows worktrees and separate git folders.
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    let watched = ["HEAD", "packed-refs"].into_iter().map(str::to_string).chain(branch);
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]).map(PathBuf::from) {
            // A path that does not exist would make cargo run this script every time.
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
