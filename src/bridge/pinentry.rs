//! A client of pinentry, the desktop's PIN dialog that GnuPG uses (pinentry-gnome3, -qt, -gtk2,
//! -curses, -tty), over its Assuan protocol: one line per command on its stdin, answers on its
//! stdout ("OK", "ERR code text", "D data" with %XX escapes). Each question starts the program
//! afresh and ends it, so that no PIN stays in a long-lived process.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// How long a person may take at the dialog before it is taken down.
const ANSWER_TIME: Duration = Duration::from_secs(120);
/// Longest answer line taken from pinentry.
const MAX_LINE: usize = 4096;

/// The programs tried, in order, when none is named: the desktop ones first.
const KNOWN: &[&str] =
    &["pinentry-gnome3", "pinentry-qt", "pinentry-gtk-2", "pinentry-gtk2", "pinentry"];

pub struct Pinentry {
    program: PathBuf,
}

/// One answer line of pinentry, zeroized when dropped (a "D" line holds the PIN).
type Line = Zeroizing<Vec<u8>>;

impl Pinentry {
    pub fn new(program: PathBuf) -> Pinentry {
        Pinentry { program }
    }

    /// The first desktop pinentry on PATH, where there is a desktop to show it on.
    pub fn find() -> Option<Pinentry> {
        let desktop = ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some());
        if !desktop {
            return None;
        }
        let path = std::env::var_os("PATH")?;
        KNOWN
            .iter()
            .find_map(|name| {
                std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
            })
            .map(Pinentry::new)
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Asks for a PIN. `Error::Cancelled` when the person cancels or does not answer in time.
    pub fn get_pin(&self, title: &str, description: &str, prompt: &str) -> Result<Secret> {
        let mut session = Session::start(&self.program)?;
        session.setup(title, description)?;
        session.command(&format!("SETPROMPT {}", escape(prompt)))?;
        session.send("GETPIN")?;
        let mut pin: Option<Line> = None;
        loop {
            let line = session.line()?;
            if let Some(data) = line.strip_prefix(b"D ") {
                pin = Some(unescape(data));
            } else if line.starts_with(b"OK") {
                break;
            } else if line.starts_with(b"ERR") {
                return Err(Error::Cancelled);
            }
        }
        session.bye();
        let pin = pin.unwrap_or_default();
        let text = std::str::from_utf8(&pin).map_err(|_| Error::Internal {
            detail: "pinentry gave a PIN that is not UTF-8".into(),
        })?;
        Ok(Secret::new(text.to_string()))
    }

    /// Asks a yes-or-no question; no when the person cancels or does not answer in time.
    pub fn confirm(&self, title: &str, description: &str) -> Result<bool> {
        let mut session = Session::start(&self.program)?;
        session.setup(title, description)?;
        session.send("CONFIRM")?;
        loop {
            let line = session.line()?;
            if line.starts_with(b"OK") {
                session.bye();
                return Ok(true);
            }
            if line.starts_with(b"ERR") {
                session.bye();
                return Ok(false);
            }
        }
    }
}

/// A running pinentry and its answers, read on a thread of their own so that a dialog nobody
/// answers ends at `ANSWER_TIME`.
struct Session {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Line>,
}

impl Session {
    fn start(program: &Path) -> Result<Session> {
        let failed = |e: std::io::Error| Error::io(program, &e);
        let mut child = Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(failed)?;
        let stdin = child.stdin.take().expect("piped");
        let mut stdout = child.stdout.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || loop {
            let mut line: Line = Zeroizing::new(Vec::with_capacity(MAX_LINE));
            let mut byte = Zeroizing::new([0u8; 1]);
            loop {
                match stdout.read(&mut *byte) {
                    Ok(1) if byte[0] == b'\n' => break,
                    Ok(1) if line.len() < MAX_LINE => line.push(byte[0]),
                    Ok(1) => {}
                    _ => return,
                }
            }
            if tx.send(line).is_err() {
                return;
            }
        });
        let mut session = Session { child, stdin, lines };
        let greeting = session.line()?;
        if !greeting.starts_with(b"OK") {
            return Err(Error::Internal {
                detail: format!("{} is not a pinentry (no Assuan greeting)", program.display()),
            });
        }
        Ok(session)
    }

    fn setup(&mut self, title: &str, description: &str) -> Result<()> {
        self.command(&format!("SETTIMEOUT {}", ANSWER_TIME.as_secs()))?;
        self.command(&format!("SETTITLE {}", escape(title)))?;
        self.command(&format!("SETDESC {}", escape(description)))
    }

    fn send(&mut self, command: &str) -> Result<()> {
        writeln!(self.stdin, "{command}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| Error::io("<pinentry>", &e))
    }

    /// A command whose answer is OK or ERR; an older pinentry's ERR to an option is no fault.
    fn command(&mut self, command: &str) -> Result<()> {
        self.send(command)?;
        loop {
            let line = self.line()?;
            if line.starts_with(b"OK") || line.starts_with(b"ERR") {
                return Ok(());
            }
        }
    }

    /// The next answer line; comments and status lines are skipped.
    fn line(&mut self) -> Result<Line> {
        loop {
            let line = self.lines.recv_timeout(ANSWER_TIME).map_err(|_| Error::Cancelled)?;
            if !(line.starts_with(b"#") || line.starts_with(b"S ")) {
                return Ok(line);
            }
        }
    }

    fn bye(&mut self) {
        let _ = self.send("BYE");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            std::thread::sleep(Duration::from_millis(20));
            if !matches!(self.child.try_wait(), Ok(Some(_))) {
                let _ = self.child.kill();
            }
        }
        let _ = self.child.wait();
    }
}

/// Assuan's escapes of a parameter: %, CR, LF and other control characters as %XX.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '%' || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape(data: &[u8]) -> Line {
    let mut out = Zeroizing::new(Vec::with_capacity(data.len()));
    let mut i = 0;
    while i < data.len() {
        let hex = || std::str::from_utf8(data.get(i + 1..i + 3)?).ok();
        match (data[i], hex().and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_data_are_escaped_as_assuan_does() {
        assert_eq!(escape("100% sure\nnext"), "100%25 sure%0Anext");
        assert_eq!(escape("网页 https://a.example"), "网页 https://a.example");
        assert_eq!(&*unescape(b"12%2534%0A"), b"12%34\n");
        assert_eq!(&*unescape(b"%zz%4"), b"%zz%4", "a broken escape is kept as it is");
    }
}
