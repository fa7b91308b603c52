//! The house rules hold in the whole workspace (`cargo xtask house` says where they do not).

use std::path::Path;

use xtask::house;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[test]
fn no_crate_has_an_import_circle() {
    for dir in house::CRATE_SOURCES {
        let circles = house::circles(&root().join(dir));
        assert!(circles.is_empty(), "{dir}: import circles {circles:?}");
    }
}

#[test]
fn no_source_file_is_over_the_limit() {
    for dir in house::SIZED_SOURCES {
        let over = house::oversized(&root().join(dir));
        assert!(over.is_empty(), "{dir}: over {} lines: {over:?}", house::MAX_LINES);
    }
}
