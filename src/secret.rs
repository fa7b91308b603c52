//! Secrets (PIN, password, session token): where they come from, how they are held, and the
//! session file. A secret is never put in argv, printed or logged, and the bytes zca holds of it
//! are zeroized when dropped: read without buffers of others (stdin and files a byte at a time,
//! the terminal by `prompt`), taken out of the environment at start-up (see `take_environment`).

use std::collections::HashMap;
use std::fmt;
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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

    /// Empty, or nothing but white space: never a PIN or password anyone meant.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl From<Zeroizing<String>> for Secret {
    fn from(value: Zeroizing<String>) -> Secret {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The variables that may hold a secret. `take_environment` moves them out of the process's
/// environment, so that they are read once and `/proc/<pid>/environ` no longer shows them.
pub const SECRET_VARIABLES: &[&str] =
    &["ZCA_PIN", "ZCA_NEW_PIN", "ZCA_SO_PIN", "ZCA_PASSWORD", "ZCA_TOKEN"];

static FROM_ENVIRONMENT: OnceLock<HashMap<&'static str, Secret>> = OnceLock::new();

/// Takes the secret variables out of the environment: their values into zeroizing buffers, the
/// original bytes overwritten with zeros where they lie (the memory `/proc/<pid>/environ`
/// reads), and the variables removed. Call it first thing in `main`, before any thread exists:
/// no other code reads the environment while it runs.
pub fn take_environment() {
    let mut taken = HashMap::new();
    for &name in SECRET_VARIABLES {
        let Some(value) = std::env::var_os(name) else { continue };
        let value = Zeroizing::new(value.into_encoded_bytes());
        taken.insert(name, Secret::from(crate::prompt::into_text(value)));
        scrub_environment_value(name);
        std::env::remove_var(name);
    }
    let _ = FROM_ENVIRONMENT.set(taken);
}

/// Writes zeros over the value of `name` in the C environment block.
fn scrub_environment_value(name: &str) {
    extern "C" {
        static mut environ: *mut *mut libc::c_char;
    }
    let prefix = format!("{name}=");
    // SAFETY: single-threaded start-up (see `take_environment`); each entry is a NUL-terminated
    // string in writable memory (the initial stack, or libc's heap after setenv), and only the
    // bytes between the '=' and the NUL are written.
    unsafe {
        let mut entry = environ;
        while !entry.is_null() && !(*entry).is_null() {
            let text = std::ffi::CStr::from_ptr(*entry);
            if text.to_bytes().starts_with(prefix.as_bytes()) {
                let value = (*entry).add(prefix.len());
                let len = text.to_bytes().len() - prefix.len();
                std::ptr::write_bytes(value, 0, len);
            }
            entry = entry.add(1);
        }
    }
}

/// A secret variable's value, as `take_environment` found it; else the environment's own (in
/// library use, where nothing took them).
pub fn from_environment(name: &str) -> Option<Secret> {
    match FROM_ENVIRONMENT.get() {
        Some(taken) => taken.get(name).cloned(),
        None => std::env::var(name).ok().map(Secret::new),
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

/// Longest line read as a secret; its buffer is allocated once at this size, so that no
/// reallocation leaves a copy behind.
const MAX_SECRET: usize = 1024;

/// One line of `reader`, a byte at a time (so that nothing past it is consumed, and no buffer
/// but ours sees it), without its CR/LF.
fn read_line(reader: &mut dyn Read, what: &str) -> std::io::Result<Secret> {
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_SECRET));
    let mut byte = Zeroizing::new([0u8; 1]);
    loop {
        match reader.read(&mut *byte) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) if line.len() == MAX_SECRET => {
                return Err(std::io::Error::other(format!(
                    "{what} is longer than {MAX_SECRET} bytes"
                )));
            }
            Ok(_) => line.push(byte[0]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Secret::from(crate::prompt::into_text(line)))
}

/// Standard input without the process's shared buffer (which would keep a copy).
fn raw_stdin() -> std::mem::ManuallyDrop<std::fs::File> {
    use std::os::fd::FromRawFd;
    // SAFETY: fd 0 stays open for the life of the process; ManuallyDrop never closes it.
    std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(0) })
}

/// A secret that is there but empty is a mistake (an empty file, `</dev/null`, `ZCA_PIN=`):
/// refused before it reaches the key, where it would cost a try, or the platform.
fn non_blank(secret: Secret, what: &str, source: &str) -> Result<Secret> {
    if secret.is_blank() {
        return Err(Error::EmptySecret { what: what.into(), source: source.into() });
    }
    Ok(secret)
}

/// `n` secrets from the first `n` lines of stdin (`zca pin change --pin-stdin`: current, new).
pub fn read_stdin_lines(n: usize, what: &str) -> Result<Vec<Secret>> {
    let mut stdin = raw_stdin();
    let mut secrets = Vec::with_capacity(n);
    for _ in 0..n {
        let secret = read_line(&mut *stdin, what).map_err(|e| Error::io("<stdin>", &e))?;
        secrets.push(non_blank(secret, what, &crate::t!("source-stdin"))?);
    }
    Ok(secrets)
}

/// Reads the secret from the first source that has it; prompts (hidden) only when allowed.
/// Whatever the source, an empty or blank value is refused.
pub fn read_secret(src: &SecretSources<'_>, no_input: bool, prompt: &str) -> Result<Secret> {
    if src.stdin {
        let secret =
            read_line(&mut *raw_stdin(), &src.what).map_err(|e| Error::io("<stdin>", &e))?;
        return non_blank(secret, &src.what, &crate::t!("source-stdin"));
    }
    if let Some(path) = src.file {
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
        let secret = read_line(&mut file, &src.what).map_err(|e| Error::io(path, &e))?;
        return non_blank(secret, &src.what, &path.display().to_string());
    }
    if let Some(secret) = from_environment(src.env) {
        return non_blank(secret, &src.what, src.env);
    }
    if no_input {
        return Err(Error::MissingInput {
            what: src.what.clone(),
            sources: format!("{} or {}", src.flags, src.env),
        });
    }
    prompt_secret(prompt, &src.what)
}

/// A secret typed at a hidden prompt, refused when blank.
pub fn prompt_secret(prompt: &str, what: &str) -> Result<Secret> {
    let typed = Secret::from(crate::prompt::password(prompt)?);
    non_blank(typed, what, &crate::t!("source-terminal"))
}

/// A platform session as kept on disk between commands.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredSession {
    /// The origin that issued the session: its token is sent there and nowhere else.
    pub platform: String,
    /// The `--ca-file` the session was opened with, to reach that platform again (logout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    pub account: String,
    pub name: String,
    pub organization: String,
    /// `password` or `ca`.
    pub kind: String,
    /// For a CA session, the binding it was opened with: the session ends with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_id: Option<i64>,
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
        // Not synced: the rename keeps the file whole or leaves the old one, and a session lost
        // to a power cut costs a login, where syncing cost every login a millisecond.
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
    fn a_line_keeps_spaces_drops_the_line_end_and_reads_no_further() {
        let mut input = &b" pin with space \r\nsecond\n"[..];
        assert_eq!(read_line(&mut input, "x").unwrap().expose(), " pin with space ");
        assert_eq!(input, b"second\n", "the next line is left for the next reader");
    }

    #[test]
    fn blank_secrets_are_refused() {
        for blank in ["", " ", "\t "] {
            let e = non_blank(Secret::new(blank.into()), "the PIN", "ZCA_PIN").unwrap_err();
            assert_eq!(e.code(), "empty_secret");
            assert_eq!(e.exit_code(), crate::error::exit::USAGE);
        }
        assert!(non_blank(Secret::new(" 1 ".into()), "the PIN", "ZCA_PIN").is_ok());
    }

    #[test]
    fn overlong_lines_are_an_error() {
        let long = vec![b'7'; MAX_SECRET + 1];
        assert!(read_line(&mut &long[..], "x").is_err());
    }
}
