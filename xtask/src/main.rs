use std::path::Path;

fn main() -> std::process::ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    match std::env::args().nth(1).as_deref() {
        Some("gen") => match xtask::write_all(root) {
            Ok(files) => {
                for f in files {
                    println!("wrote {}", f.display());
                }
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("xtask gen: {e}");
                std::process::ExitCode::FAILURE
            }
        },
        Some("house") => {
            let mut ok = true;
            for dir in xtask::house::CRATE_SOURCES {
                for circle in xtask::house::circles(&root.join(dir)) {
                    println!("{dir}: import circle among {}", circle.join(", "));
                    ok = false;
                }
            }
            for dir in xtask::house::SIZED_SOURCES {
                for (file, lines) in xtask::house::oversized(&root.join(dir)) {
                    let limit = xtask::house::MAX_LINES;
                    println!("{}: {lines} lines (at most {limit})", file.display());
                    ok = false;
                }
            }
            if ok {
                std::process::ExitCode::SUCCESS
            } else {
                std::process::ExitCode::FAILURE
            }
        }
        _ => {
            eprintln!("usage: cargo xtask gen     (regenerates completions/ and man/)");
            eprintln!("       cargo xtask house   (import circles, files over 500 lines)");
            std::process::ExitCode::from(2)
        }
    }
}
