//! The committed completions and man pages are exactly what the clap definitions generate.

#[test]
fn completions_and_man_pages_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let stale = xtask::stale(root);
    assert!(
        stale.is_empty(),
        "generated files are out of date: {stale:?}\nrun `{}` and commit the result",
        xtask::UPDATE_COMMAND
    );
}
