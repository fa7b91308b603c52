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
        _ => {
            eprintln!("usage: cargo xtask gen   (regenerates completions/ and man/)");
            std::process::ExitCode::from(2)
        }
    }
}
