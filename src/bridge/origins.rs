//! The web origins the bridge serves: an allow-list kept in `$XDG_CONFIG_HOME/zca/bridge.toml`,
//! edited by `zca bridge allow|deny` and read again by the running bridge when it changes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeFile {
    /// `scheme://host[:port]` of each page allowed to use the keys.
    #[serde(default)]
    pub origins: Vec<String>,
}

/// `$XDG_CONFIG_HOME/zca/bridge.toml`.
pub fn default_path() -> PathBuf {
    crate::config::default_config_path().with_file_name("bridge.toml")
}

pub fn load(path: &Path) -> Result<BridgeFile> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| Error::Config { path: path.into(), detail: e.message().to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BridgeFile::default()),
        Err(e) => Err(Error::io(path, &e)),
    }
}

/// Writes the file through a rename, so that a running bridge never reads half of it.
pub fn save(path: &Path, file: &BridgeFile) -> Result<()> {
    let dir = path.parent().expect("a file in a folder");
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    let text = toml::to_string(file).map_err(|e| Error::Internal { detail: e.to_string() })?;
    let text = format!(
        "# Web origins zca bridge serves; edit with `zca bridge allow|deny ORIGIN`.\n{text}"
    );
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| Error::io(path, &e))
}

/// An origin as browsers send it: `scheme://host[:port]`, lowercase host, no default port, no
/// path. Only http and https pages.
pub fn normalize(text: &str) -> Result<String> {
    let bad = || Error::Usage { detail: crate::t!("err-bad-origin", origin = text) };
    let url = reqwest::Url::parse(text.trim()).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad());
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad());
    }
    Ok(url.origin().ascii_serialization())
}

/// The allow-list as the running bridge consults it: read again when the file changes.
pub struct AllowList {
    path: PathBuf,
    cached: Mutex<(Option<SystemTime>, Vec<String>)>,
}

impl AllowList {
    pub fn new(path: PathBuf) -> AllowList {
        AllowList { path, cached: Mutex::new((None, Vec::new())) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether pages of `origin` may use the bridge. A file that cannot be read allows nothing.
    pub fn allows(&self, origin: &str) -> bool {
        let modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.0 != modified || modified.is_none() {
            let origins = load(&self.path).map(|f| f.origins).unwrap_or_default();
            *cached = (modified, origins);
        }
        cached.1.iter().any(|o| o == origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_written_the_way_browsers_send_them() {
        assert_eq!(
            normalize("https://ZCY.example.GOV.cn:443/").unwrap(),
            "https://zcy.example.gov.cn"
        );
        assert_eq!(normalize("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        for bad in ["zcy.gov.cn", "ftp://h", "https://h/login", "https://h/?a", "file:///x"] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_list_follows_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bridge.toml");
        let list = AllowList::new(path.clone());
        assert!(!list.allows("https://a.example"), "no file allows nothing");
        save(&path, &BridgeFile { origins: vec!["https://a.example".into()] }).unwrap();
        assert!(list.allows("https://a.example"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        save(&path, &BridgeFile { origins: vec![] }).unwrap();
        // Same-second writes may keep the mtime on some file systems; force a new one.
        let later = SystemTime::now() + std::time::Duration::from_secs(2);
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(later).unwrap();
        assert!(!list.allows("https://a.example"));
    }
}
