//! No code: this crate turns on, in every build of the workspace, the dependency features that
//! the tests turn on, so that the demo's build and the tests' build are one (see Cargo.toml).
