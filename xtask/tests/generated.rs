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

/// Every page speaks one language: the Chinese pages' headings are Chinese, the English pages'
/// English, and the synopsis shows each option with its value and the global options apart.
#[test]
fn man_pages_speak_their_language_and_show_values() {
    let files = xtask::generate();
    let headings = |page: &str| -> Vec<String> {
        page.lines()
            .filter_map(|l| l.strip_prefix(".SH "))
            .map(|h| h.trim_matches('"').to_string())
            .collect()
    };
    let english = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "GLOBAL OPTIONS", "EXTRA"];
    let mut zh_pages = 0;
    for (path, content) in &files {
        let page = String::from_utf8_lossy(content);
        let path = path.to_string_lossy();
        if path.contains("man/zh_CN/") {
            zh_pages += 1;
            let h = headings(&page);
            for want in ["名称", "概要", "描述", "退出状态"] {
                assert!(h.iter().any(|x| x == want), "{path}: no {want} in {h:?}");
            }
            assert!(!h.iter().any(|x| english.contains(&x.as_str())), "{path}: {h:?}");
        } else if path.contains("man/man1/") {
            let h = headings(&page);
            assert!(h.iter().all(|x| x.is_ascii()), "{path}: {h:?}");
            assert!(!h.iter().any(|x| x == "EXTRA" || x == "Commands"), "{path}: {h:?}");
        }
    }
    assert!(zh_pages > 20, "{zh_pages} Chinese pages");
    let export =
        String::from_utf8_lossy(&files[std::path::Path::new("man/man1/zca-certs-export.1")]);
    let synopsis = export.lines().skip_while(|l| *l != ".SH SYNOPSIS").nth(1).unwrap();
    assert!(synopsis.contains(r"[\fB\-\-sha256\fR \fIHEX\fR]"), "{synopsis}");
    assert!(synopsis.contains(r"[\fB\-o\fR|\fB\-\-output\fR \fIFILE\fR]"), "{synopsis}");
    assert!(synopsis.ends_with(r"[\fIGLOBAL OPTIONS\fR]"), "{synopsis}");
    assert!(!synopsis.contains("--profile") && !synopsis.contains(r"\-\-profile"), "{synopsis}");
}
