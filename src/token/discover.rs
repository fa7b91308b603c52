//! Where PKCS#11 modules and SKF libraries ("CA 驱动") come from: named by the user, or
//! discovered.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::vendors::{vendor_of_file, Vendor, LIB_FOLDERS, LIB_SUBFOLDERS, VENDORS};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModuleSource {
    /// `--module` or `--skf`
    Flag,
    /// `ZCA_PKCS11_MODULE` or `ZCA_SKF_LIBRARY`
    Env,
    /// the profile's `modules` or `skf_libraries`
    Profile,
    /// a p11-kit `.module` registration
    P11Kit,
    /// zca's table of well-known vendor libraries
    VendorTable,
}

#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    pub path: PathBuf,
    pub source: ModuleSource,
    pub vendor: Option<String>,
}

/// Where discovery looks. `root` prefixes every system path (it is `/` except in tests and
/// when inspecting another system's tree); `home` is the user's home for p11-kit's user folder.
#[derive(Clone, Debug)]
pub struct SearchPaths {
    pub root: PathBuf,
    pub home: Option<PathBuf>,
}

impl SearchPaths {
    pub fn from_env() -> SearchPaths {
        SearchPaths {
            root: std::env::var_os("ZCA_SYSROOT").map(PathBuf::from).unwrap_or_else(|| "/".into()),
            home: dirs::home_dir(),
        }
    }

    fn under_root(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }
}

/// Libraries named by flag, environment or profile, with where the names came from.
pub type Named<'a> = Option<(&'a [PathBuf], ModuleSource)>;

/// The PKCS#11 modules and the SKF libraries to load: the ones named (flag, environment or
/// profile) alone, as pkcs11-tool's `--module` is; discovery of both kinds only when nothing of
/// either kind is named. The same file is listed once.
pub fn candidates(
    modules: Named,
    skf: Named,
    paths: &SearchPaths,
) -> (Vec<Candidate>, Vec<Candidate>) {
    if modules.is_none() && skf.is_none() {
        let mut found = p11kit_modules(paths);
        found.extend(vendor_table(paths, |v| v.file_names));
        return (dedup(found), dedup(vendor_table(paths, |v| v.skf_names)));
    }
    (named_only(modules), named_only(skf))
}

fn named_only(named: Named) -> Vec<Candidate> {
    let Some((named, source)) = named else { return Vec::new() };
    dedup(
        named
            .iter()
            .map(|path| Candidate { path: path.clone(), source, vendor: vendor_name(path) })
            .collect(),
    )
}

fn vendor_name(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    vendor_of_file(file).map(|v| v.vendor.to_string())
}

/// Keeps the first of the candidates that are the same file (symlinks and `..` resolved).
fn dedup(found: Vec<Candidate>) -> Vec<Candidate> {
    let mut seen = HashSet::new();
    found
        .into_iter()
        .filter(|c| seen.insert(std::fs::canonicalize(&c.path).unwrap_or_else(|_| c.path.clone())))
        .collect()
}

/// Modules registered with p11-kit: system folders, then the user's.
fn p11kit_modules(paths: &SearchPaths) -> Vec<Candidate> {
    let mut folders: Vec<PathBuf> = ["/usr/share/p11-kit/modules", "/etc/pkcs11/modules"]
        .iter()
        .map(|f| paths.under_root(f))
        .collect();
    if let Some(home) = &paths.home {
        folders.push(home.join(".config/pkcs11/modules"));
    }
    let mut found = Vec::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "module"))
            .collect();
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            if let Some(module) = parse_p11kit_module(&text) {
                let path = resolve_p11kit_path(&module, paths);
                let vendor = vendor_name(&path);
                found.push(Candidate { path, source: ModuleSource::P11Kit, vendor });
            }
        }
    }
    found
}

/// The `module:` of a p11-kit registration, unless it is not meant for zca: trust-policy
/// modules hold the system's CA list, not keys, and `enable-in`/`disable-in` name programs.
fn parse_p11kit_module(text: &str) -> Option<String> {
    let mut module = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        let names = || value.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty());
        match key {
            "module" => module = Some(value.to_string()),
            "trust-policy" if value == "yes" => return None,
            "disable-in" if names().any(|n| n == "zca") => return None,
            "enable-in" if !names().any(|n| n == "zca") => return None,
            _ => {}
        }
    }
    module
}

/// p11-kit resolves a bare file name against its own module folder.
fn resolve_p11kit_path(module: &str, paths: &SearchPaths) -> PathBuf {
    if module.starts_with('/') {
        return paths.under_root(module);
    }
    LIB_FOLDERS
        .iter()
        .map(|f| paths.under_root(f).join("pkcs11").join(module))
        .find(|p| p.exists())
        .unwrap_or_else(|| paths.under_root(LIB_FOLDERS[0]).join("pkcs11").join(module))
}

/// The libraries of zca's vendor table (`names` picks PKCS#11 or SKF file names) that exist.
fn vendor_table(
    paths: &SearchPaths,
    names: fn(&Vendor) -> &'static [&'static str],
) -> Vec<Candidate> {
    let mut found = Vec::new();
    for vendor in VENDORS {
        let folders = vendor.folders.iter().map(|f| paths.under_root(f)).chain(
            LIB_FOLDERS
                .iter()
                .flat_map(|f| LIB_SUBFOLDERS.iter().map(move |s| paths.under_root(f).join(s))),
        );
        for folder in folders {
            for name in names(vendor) {
                let path = folder.join(name);
                if path.is_file() {
                    found.push(Candidate {
                        path,
                        source: ModuleSource::VendorTable,
                        vendor: Some(vendor.vendor.to_string()),
                    });
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p11kit_registration_rules() {
        assert_eq!(
            parse_p11kit_module("module: opensc-pkcs11.so\n").as_deref(),
            Some("opensc-pkcs11.so")
        );
        assert_eq!(parse_p11kit_module("module: p11-kit-trust.so\ntrust-policy: yes\n"), None);
        assert_eq!(parse_p11kit_module("module: x.so\ndisable-in: firefox zca\n"), None);
        assert_eq!(parse_p11kit_module("module: x.so\nenable-in: firefox\n"), None);
        assert_eq!(parse_p11kit_module("# comment\npriority: 1\n"), None);
    }

    #[test]
    fn discovery_finds_registered_and_table_modules_once() {
        let root = tempfile::tempdir().unwrap();
        let lib = root.path().join("usr/lib/x86_64-linux-gnu");
        std::fs::create_dir_all(lib.join("pkcs11")).unwrap();
        std::fs::create_dir_all(lib.join("softhsm")).unwrap();
        std::fs::write(lib.join("pkcs11/opensc-pkcs11.so"), b"x").unwrap();
        std::fs::write(lib.join("opensc-pkcs11.so"), b"y").unwrap();
        std::fs::write(lib.join("softhsm/libsofthsm2.so"), b"z").unwrap();
        let reg = root.path().join("usr/share/p11-kit/modules");
        std::fs::create_dir_all(&reg).unwrap();
        std::fs::write(reg.join("opensc.module"), "module: opensc-pkcs11.so\n").unwrap();
        std::fs::write(
            reg.join("p11-kit-trust.module"),
            "module: p11-kit-trust.so\ntrust-policy: yes\n",
        )
        .unwrap();
        let gm = root.path().join("opt/lm-gm3000/lib");
        std::fs::create_dir_all(&gm).unwrap();
        std::fs::write(gm.join("libgm3000_pkcs11.so"), b"g").unwrap();

        std::fs::write(gm.join("libgm3000.1.0.so"), b"s").unwrap();

        let paths = SearchPaths { root: root.path().into(), home: None };
        let (found, skf) = candidates(None, None, &paths);
        let summary: Vec<(String, ModuleSource)> = found
            .iter()
            .map(|c| (c.path.strip_prefix(root.path()).unwrap().display().to_string(), c.source))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so".into(), ModuleSource::P11Kit),
                ("usr/lib/x86_64-linux-gnu/opensc-pkcs11.so".into(), ModuleSource::VendorTable),
                (
                    "usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so".into(),
                    ModuleSource::VendorTable
                ),
                ("opt/lm-gm3000/lib/libgm3000_pkcs11.so".into(), ModuleSource::VendorTable),
            ]
        );
        assert_eq!(found[3].vendor.as_deref(), Some("龙脉 Longmai"));
        assert_eq!(skf.len(), 1);
        assert!(skf[0].path.ends_with("opt/lm-gm3000/lib/libgm3000.1.0.so"));
        assert_eq!(skf[0].vendor.as_deref(), Some("龙脉 Longmai"));
    }

    #[test]
    fn named_modules_are_used_alone_and_once() {
        let paths = SearchPaths { root: "/nonexistent-root".into(), home: None };
        let named =
            [PathBuf::from("/a/x.so"), PathBuf::from("/a/../a/x.so"), PathBuf::from("/b.so")];
        let (found, skf) = candidates(Some((&named, ModuleSource::Env)), None, &paths);
        assert_eq!(found.len(), 3, "missing files cannot be resolved, so they stay apart");
        assert!(found.iter().all(|c| c.source == ModuleSource::Env));
        assert!(skf.is_empty(), "naming a PKCS#11 module turns SKF discovery off too");
        let (found, skf) = candidates(None, Some((&named[2..], ModuleSource::Flag)), &paths);
        assert!(found.is_empty());
        assert_eq!(skf.len(), 1);
    }
}
