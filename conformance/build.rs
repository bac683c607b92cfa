//! Builds the golden files of `snapshots/<release>/` into the binary: every `<case>.snap` of every
//! release directory present, so a directory recorded later (`conformance record`) is picked up
//! without a code change.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time: `env!` would bake in the directory the build script was compiled in, and a
    // target directory copied from another checkout would then read that checkout's files.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../snapshots");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut families: Vec<(String, Vec<(String, String)>)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.path().is_dir() || !name.starts_with("2.4.") {
                continue;
            }
            let mut files = Vec::new();
            for file in std::fs::read_dir(entry.path()).into_iter().flatten().flatten() {
                let file_name = file.file_name().to_string_lossy().into_owned();
                if let Some(case) = file_name.strip_suffix(".snap") {
                    let path = file.path().canonicalize().unwrap_or(file.path());
                    files.push((case.to_owned(), path.display().to_string()));
                }
            }
            files.sort();
            families.push((name, files));
        }
    }
    families.sort();
    let mut out = String::from("/// `(release directory, [(case, file text)])` of `snapshots/`, as built in.\n");
    out.push_str("pub const BUILT_IN: &[(&str, &[(&str, &str)])] = &[\n");
    for (family, files) in &families {
        let _ = writeln!(out, "    ({family:?}, &[");
        for (case, path) in files {
            let _ = writeln!(out, "        ({case:?}, include_str!({path:?})),");
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("golden_files.rs");
    std::fs::write(dest, out).expect("write golden_files.rs");
}
