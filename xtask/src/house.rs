//! The house rules of the source, checked: no import circle between modules of a crate, and no
//! source file over `MAX_LINES` outside tests, the testkit and the bench.
//!
//! A module is a file. An edge A → B is a path in A (a `use` or an expression, outside its
//! `#[cfg(test)]` part and its comments) that names B, through `crate::`, `super::`, `self::` or
//! a child's name, following `pub use` re-exports to where an item lives. A module naming its
//! own ancestor or descendant is containment, not an edge. Between crates Cargo forbids
//! circles already.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const MAX_LINES: usize = 500;

/// The crates' source folders, relative to the repository root.
pub const CRATE_SOURCES: [&str; 8] = [
    "src",
    "platform/src",
    "crypto/src",
    "contract/src",
    "skf/src",
    "xtask/src",
    "bench/src",
    "testkit/src",
];

/// Source folders held to MAX_LINES (the testkit and the bench are tools, not the product).
pub const SIZED_SOURCES: [&str; 6] =
    ["src", "platform/src", "crypto/src", "contract/src", "skf/src", "xtask/src"];

type ModPath = Vec<String>;

struct Crate {
    /// Each module's source, tests and comments taken out.
    modules: BTreeMap<ModPath, String>,
    /// `pub use` re-exports: (module, name) → (module it is written in, the path).
    reexports: BTreeMap<(ModPath, String), (ModPath, Vec<String>)>,
}

/// Every import circle in the crate under `dir`, each as its modules' names (`a::b`).
pub fn circles(dir: &Path) -> Vec<Vec<String>> {
    let krate = read_crate(dir);
    let edges = edges(&krate);
    strongly_connected(&krate.modules.keys().cloned().collect::<Vec<_>>(), &edges)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut names: Vec<String> = c.iter().map(display).collect();
            names.sort();
            names
        })
        .collect()
}

/// Source files over MAX_LINES under `dir`, with their line counts.
pub fn oversized(dir: &Path) -> Vec<(PathBuf, usize)> {
    let mut out = Vec::new();
    for file in rust_files(dir) {
        let lines = std::fs::read_to_string(&file).map_or(0, |t| t.lines().count());
        if lines > MAX_LINES {
            out.push((file, lines));
        }
    }
    out
}

fn display(m: &ModPath) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `a/b/mod.rs` and `a/b.rs` are `a::b`; `lib.rs` (or `main.rs` of a crate without one) is the
/// root. Binaries beside a library (`main.rs`, `bin/`) are crates of their own: left out.
fn module_path(dir: &Path, file: &Path, has_lib: bool) -> Option<ModPath> {
    let rel = file.strip_prefix(dir).ok()?.with_extension("");
    let mut parts: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.first().is_some_and(|p| p == "bin") || (has_lib && parts == ["main"]) {
        return None;
    }
    if parts.last().is_some_and(|l| l == "mod" || l == "lib" || l == "main") {
        parts.pop();
    }
    Some(parts)
}

fn read_crate(dir: &Path) -> Crate {
    let has_lib = dir.join("lib.rs").exists();
    let mut modules = BTreeMap::new();
    for file in rust_files(dir) {
        let Some(path) = module_path(dir, &file, has_lib) else { continue };
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        modules.insert(path, without_comments(without_tests(&text)));
    }
    let mut reexports = BTreeMap::new();
    for (module, text) in &modules {
        for tree in use_trees(text, true) {
            for path in expand(&tree) {
                let segments = segments(&path);
                if let Some(name) = segments.last() {
                    reexports.insert((module.clone(), name.clone()), (module.clone(), segments));
                }
            }
        }
    }
    Crate { modules, reexports }
}

/// The text before the first `#[cfg(test)]`: unit tests sit at a file's end here.
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

/// Line comments out (doc comments name paths that are not imports); string literals are left,
/// which is harmless: a path in a string does not look like `crate::x` often, and then only adds
/// an edge.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The trees of `use` declarations (`pub use` only, when `public`).
fn use_trees(text: &str, public: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("use ") {
        let before = &rest[..i];
        let at_word = before.chars().last().is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let after = &rest[i + 4..];
        let Some(end) = after.find(';') else { break };
        if at_word {
            let line_start = before.rfind('\n').map_or(0, |n| n + 1);
            let prefix = before[line_start..].trim();
            let is_pub = prefix.starts_with("pub");
            let is_decl = prefix.is_empty() || is_pub;
            if is_decl && (!public || is_pub) {
                out.push(after[..end].split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
        rest = &after[end..];
    }
    out
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e` (aliases dropped).
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_string()];
    };
    let prefix = &tree[..open];
    let close = tree.rfind('}').unwrap_or(tree.len());
    let body = &tree[open + 1..close];
    let (mut parts, mut depth, mut current) = (Vec::new(), 0, String::new());
    for c in body.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(p).into_iter().map(move |e| format!("{prefix}{e}")))
        .collect()
}

fn segments(path: &str) -> Vec<String> {
    path.split("::").map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// Paths in expressions and types that start at `crate::` or `super::`.
fn anchored_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for anchor in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(anchor).map(|i| i + from) {
            from = i + anchor.len();
            if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
                continue;
            }
            let end = text[i..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(text.len(), |e| i + e);
            out.push(text[i..end].trim_end_matches(':').to_string());
        }
    }
    out
}

fn edges(krate: &Crate) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (module, text) in &krate.modules {
        let mut paths: Vec<String> =
            use_trees(text, false).iter().flat_map(|t| expand(t)).collect();
        paths.extend(anchored_paths(text));
        for path in paths {
            let Some(target) = resolve(krate, module, &segments(&path), 0) else { continue };
            let nested = target.starts_with(module) || module.starts_with(&target);
            if !nested {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    edges
}

/// The module a path leads to: as deep as its segments name modules, through re-exports.
fn resolve(krate: &Crate, from: &ModPath, path: &[String], depth: usize) -> Option<ModPath> {
    let (mut module, rest): (ModPath, &[String]) = match path.first()?.as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (from.clone(), &path[1..]),
        "super" => {
            let mut m = from.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                m.pop();
                rest = &rest[1..];
            }
            (m, rest)
        }
        first => {
            let mut child = from.clone();
            child.push(first.to_string());
            if !krate.modules.contains_key(&child) {
                return None;
            }
            (from.clone(), path)
        }
    };
    for segment in rest {
        let mut child = module.clone();
        child.push(segment.clone());
        if krate.modules.contains_key(&child) {
            module = child;
            continue;
        }
        if depth < 8 {
            if let Some((at, via)) = krate.reexports.get(&(module.clone(), segment.clone())) {
                if via.len() > 1 {
                    if let Some(found) = resolve(krate, at, via, depth + 1) {
                        return Some(found);
                    }
                }
            }
        }
        break;
    }
    Some(module)
}

/// Tarjan's strongly connected components.
fn strongly_connected(
    nodes: &[ModPath],
    edges: &BTreeMap<ModPath, BTreeSet<ModPath>>,
) -> Vec<Vec<ModPath>> {
    struct State<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<ModPath, usize>,
        low: BTreeMap<ModPath, usize>,
        stack: Vec<ModPath>,
        on_stack: BTreeSet<ModPath>,
        next: usize,
        out: Vec<Vec<ModPath>>,
    }
    fn visit(s: &mut State<'_>, v: &ModPath) {
        s.index.insert(v.clone(), s.next);
        s.low.insert(v.clone(), s.next);
        s.next += 1;
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        let targets: Vec<ModPath> = s.edges.get(v).into_iter().flatten().cloned().collect();
        for w in targets {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let low = s.low[v].min(s.low[&w]);
                s.low.insert(v.clone(), low);
            } else if s.on_stack.contains(&w) {
                let low = s.low[v].min(s.index[&w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = &w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            s.out.push(component);
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in nodes {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_of(files: &[(&str, &str)]) -> tempfile_free::Dir {
        tempfile_free::Dir::with(files)
    }

    /// A temporary folder without the tempfile crate (xtask keeps its dependencies few).
    mod tempfile_free {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn with(files: &[(&str, &str)]) -> Dir {
                let n = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos();
                let dir =
                    std::env::temp_dir().join(format!("xtask-house-{}-{n}", std::process::id()));
                for (path, text) in files {
                    let file = dir.join(path);
                    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                    std::fs::write(file, text).unwrap();
                }
                Dir(dir)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn a_circle_through_a_reexport_is_found_and_containment_is_not_one() {
        let dir = crate_of(&[
            ("lib.rs", "mod a;\nmod b;\nmod c;\npub use b::Thing;\n"),
            ("a.rs", "use crate::Thing;\n"),
            ("b.rs", "pub struct Thing;\nfn f() { crate::c::g() }\n"),
            (
                "c/mod.rs",
                "mod inner;\n/// crate::a::never — a comment\npub fn g() { super::a::h() }\n",
            ),
            ("c/inner.rs", "use super::g; // the parent: containment\n"),
        ]);
        let found = circles(&dir.0);
        assert_eq!(found, vec![vec!["a".to_string(), "b".into(), "c".into()]]);
    }

    #[test]
    fn tests_and_comments_make_no_edges() {
        let dir = crate_of(&[
            ("lib.rs", "mod a;\nmod b;\n"),
            ("a.rs", "use crate::b::x;\n"),
            ("b.rs", "pub fn x() {} // crate::a::y\n#[cfg(test)]\nmod tests { use crate::a; }\n"),
        ]);
        assert!(circles(&dir.0).is_empty());
    }
}
