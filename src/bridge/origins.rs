//! The web origins the bridge serves: an allow-list kept in `$XDG_CONFIG_HOME/zca/bridge.toml`,
//! edited by `zca bridge allow|deny` and read again by the running bridge when it changes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeFile {
    /// `scheme://host[:port]` of each page allowed to use the keys.
    #[serde(default)]
    pub origins: Vec<String>,
    /// `http://` origins of other computers, allowed knowingly (`--insecure-origin`): their
    /// pages travel unencrypted, so anyone on the way can change them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insecure_origins: Vec<String>,
    /// Origins whose PIN the desktop's PIN dialog asks, never the page (`*`: every origin).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pin_from_desktop: Vec<String>,
}

impl BridgeFile {
    /// Every entry a valid origin, written the way browsers send it; an `http` origin of
    /// another computer only with its consent; desktop PINs only for allowed origins.
    pub fn check(&self, path: &Path) -> Result<()> {
        let bad = |detail: String| Error::Config { path: path.into(), detail };
        for origin in self.origins.iter().chain(&self.insecure_origins) {
            match normalize(origin) {
                Ok(o) if o == *origin => {}
                Ok(o) => {
                    return Err(bad(crate::t!(
                        "err-origin-not-normal",
                        origin = origin.as_str(),
                        normal = o
                    )))
                }
                Err(_) => return Err(bad(crate::t!("err-bad-origin", origin = origin.as_str()))),
            }
        }
        for origin in &self.origins {
            if needs_consent(origin) && !self.insecure_origins.contains(origin) {
                return Err(bad(crate::t!("err-insecure-origin", origin = origin.as_str())));
            }
        }
        for origin in &self.pin_from_desktop {
            if origin != "*" && !self.origins.contains(origin) {
                return Err(bad(crate::t!("err-desktop-origin", origin = origin.as_str())));
            }
        }
        Ok(())
    }
}

/// An `http` origin that is not this computer: its pages can be changed on the way.
pub fn needs_consent(origin: &str) -> bool {
    let Some(host) = origin.strip_prefix("http://") else { return false };
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    !matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// `$XDG_CONFIG_HOME/zca/bridge.toml`.
pub fn default_path() -> PathBuf {
    crate::config::default_config_path().with_file_name("bridge.toml")
}

/// The allow-list file, checked entry by entry; no file is an empty list.
pub fn load(path: &Path) -> Result<BridgeFile> {
    let file: BridgeFile = match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| Error::Config { path: path.into(), detail: e.message().to_string() })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BridgeFile::default()),
        Err(e) => return Err(Error::io(path, &e)),
    };
    file.check(path)?;
    Ok(file)
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
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad());
    }
    Ok(url.origin().ascii_serialization())
}

/// The allow-list as the running bridge consults it: read again when the file changes.
pub struct AllowList {
    path: PathBuf,
    cached: Mutex<(Option<SystemTime>, BridgeFile)>,
}

impl AllowList {
    pub fn new(path: PathBuf) -> AllowList {
        AllowList { path, cached: Mutex::new((None, BridgeFile::default())) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file as it is now; one that cannot be read or does not hold allows nothing.
    fn current(&self) -> BridgeFile {
        let modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.0 != modified || modified.is_none() {
            *cached = (modified, load(&self.path).unwrap_or_default());
        }
        cached.1.clone()
    }

    /// Whether pages of `origin` may use the bridge.
    pub fn allows(&self, origin: &str) -> bool {
        self.current().origins.iter().any(|o| o == origin)
    }

    /// Whether `origin`'s PINs are asked on the desktop rather than taken from the page.
    pub fn pins_from_desktop(&self, origin: &str) -> bool {
        self.current().pin_from_desktop.iter().any(|o| o == origin || o == "*")
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
        for bad in ["zcy.gov.cn", "ftp://h", "https://h/login", "https://h/?a", "file:///x", "null"]
        {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entries_are_checked_when_the_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bridge.toml");
        let read = |text: &str| {
            std::fs::write(&path, text).unwrap();
            load(&path)
        };
        assert!(read("origins = [\"https://a.example\", \"http://127.0.0.1:8080\"]\n").is_ok());
        for bad in [
            "origins = [\"null\"]",
            "origins = [\"file:///etc\"]",
            "origins = [\"https://A.example/\"]",
            "origins = [\"http://intranet.example\"]",
            "origins = [\"https://a.example\"]\npin_from_desktop = [\"https://b.example\"]",
        ] {
            let e = read(bad).unwrap_err();
            assert_eq!(e.code(), "config_invalid", "{bad}");
        }
        let consented = "origins = [\"http://intranet.example\"]\ninsecure_origins = [\"http://intranet.example\"]";
        assert!(read(consented).is_ok());
        assert!(!needs_consent("http://localhost:80") && !needs_consent("https://a.example"));
        assert!(needs_consent("http://10.0.0.1:8080"));
    }

    #[test]
    fn the_list_follows_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bridge.toml");
        let list = AllowList::new(path.clone());
        assert!(!list.allows("https://a.example"), "no file allows nothing");
        let file = BridgeFile { origins: vec!["https://a.example".into()], ..Default::default() };
        save(&path, &file).unwrap();
        assert!(list.allows("https://a.example"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        save(&path, &BridgeFile::default()).unwrap();
        // Same-second writes may keep the mtime on some file systems; force a new one.
        let later = SystemTime::now() + std::time::Duration::from_secs(2);
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(later).unwrap();
        assert!(!list.allows("https://a.example"));
    }
}
