//! Secrets (PIN, password, session token): where they come from, how they are held, and the
//! session file. A secret is never put in argv, printed or logged, and is zeroized when dropped.

use std::fmt;
use std::io::{BufRead, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A secret string: zeroized on drop, redacted in Debug.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(Zeroizing::new(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where a secret may come from, in the order they are tried.
pub struct SecretSources<'a> {
    /// What it is, for messages ("the PIN").
    pub what: String,
    /// `--pin-stdin`: the first line of stdin.
    pub stdin: bool,
    /// `--pin-file FILE`: the first line of the file.
    pub file: Option<&'a Path>,
    /// `ZCA_PIN`.
    pub env: &'static str,
    /// How the flags are spelled, for the error under `--no-input`.
    pub flags: &'static str,
}

/// The line that ends a secret read from stdin or a file: trailing CR/LF removed, nothing else.
fn first_line(reader: &mut dyn BufRead) -> std::io::Result<Secret> {
    let mut line = Zeroizing::new(String::new());
    reader.read_line(&mut line)?;
    let trimmed = line.trim_end_matches(['\r', '\n']).to_string();
    Ok(Secret::new(trimmed))
}

/// Reads the secret from the first source that has it; prompts (hidden) only when allowed.
/// `n` secrets from the first `n` lines of stdin (`zca pin change --pin-stdin`: current, new).
pub fn read_stdin_lines(n: usize, what: &str) -> Result<Vec<Secret>> {
    let mut stdin = std::io::stdin().lock();
    let mut secrets = Vec::with_capacity(n);
    for _ in 0..n {
        let secret = first_line(&mut stdin).map_err(|e| Error::io("<stdin>", &e))?;
        if secret.is_empty() {
            return Err(Error::MissingInput { what: what.into(), sources: "stdin".into() });
        }
        secrets.push(secret);
    }
    Ok(secrets)
}

pub fn read_secret(src: &SecretSources<'_>, no_input: bool, prompt: &str) -> Result<Secret> {
    if src.stdin {
        return first_line(&mut std::io::stdin().lock()).map_err(|e| Error::io("<stdin>", &e));
    }
    if let Some(path) = src.file {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
        return first_line(&mut std::io::BufReader::new(file)).map_err(|e| Error::io(path, &e));
    }
    if let Some(value) = std::env::var_os(src.env) {
        return Ok(Secret::new(value.to_string_lossy().into_owned()));
    }
    if no_input {
        return Err(Error::MissingInput {
            what: src.what.clone(),
            sources: format!("{} or {}", src.flags, src.env),
        });
    }
    crate::prompt::password(prompt)
}

/// A platform session as kept on disk between commands.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredSession {
    pub platform: String,
    pub account: String,
    pub name: String,
    pub organization: String,
    /// `password` or `ca`.
    pub kind: String,
    pub expires_at: String,
    pub token: String,
}

impl fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSession")
            .field("platform", &self.platform)
            .field("account", &self.account)
            .field("kind", &self.kind)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Drop for StoredSession {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.token);
    }
}

/// `$XDG_STATE_HOME/zca/sessions/<profile>.json`.
pub fn session_path(profile: &str) -> PathBuf {
    let base = dirs::state_dir().unwrap_or_else(|| PathBuf::from(".local/state"));
    let safe: String = profile
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    base.join("zca").join("sessions").join(format!("{safe}.json"))
}

pub fn load_session(profile: &str) -> Result<Option<StoredSession>> {
    let path = session_path(profile);
    let text = match std::fs::read(&path) {
        Ok(t) => Zeroizing::new(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, &e)),
    };
    // A damaged file is no session, not a crash: the next login rewrites it.
    Ok(serde_json::from_slice(&text).ok())
}

/// Writes the session file with mode 0600 in a 0700 folder, through a rename so that a crash
/// never leaves half a file.
pub fn save_session(profile: &str, session: &StoredSession) -> Result<PathBuf> {
    let path = session_path(profile);
    let dir = path.parent().expect("a session path has a folder");
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io(dir, &e))?;
    let tmp = path.with_extension("json.tmp");
    let bytes = Zeroizing::new(serde_json::to_vec_pretty(session).expect("a session serializes"));
    let write = || -> std::io::Result<()> {
        let _ = std::fs::remove_file(&tmp);
        let mut f =
            std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(&path, &e)
    })?;
    Ok(path)
}

pub fn remove_session(profile: &str) -> Result<bool> {
    let path = session_path(profile);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(&path, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new("123456".into());
        assert_eq!(format!("{s:?}"), "Secret(***)");
    }

    #[test]
    fn first_line_keeps_spaces_and_drops_the_line_end() {
        let mut input = &b" pin with space \r\nsecond\n"[..];
        assert_eq!(first_line(&mut input).unwrap().expose(), " pin with space ");
    }
}
