//! Questions to the person at the terminal: hidden input, choices and confirmations, all on
//! stderr so that stdout stays the command's result. Callers check `--no-input` first.

use std::io::Write;

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Select};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

fn map(err: dialoguer::Error) -> Error {
    match err {
        dialoguer::Error::IO(e) if e.kind() == std::io::ErrorKind::Interrupted => Error::Cancelled,
        dialoguer::Error::IO(e) => Error::io("<terminal>", &e),
    }
}

/// Longest hidden entry; its buffer is allocated once at this size, so that no reallocation
/// leaves a copy of what was typed behind.
const MAX_HIDDEN: usize = 1024;

/// Hidden input on the terminal (stdin), read a byte at a time into one zeroizing buffer.
/// The terminal is put in non-canonical mode without echo or signals for the time of the entry
/// and restored however it ends: Backspace, Ctrl-U (clear), Enter; Ctrl-C or Ctrl-D on an empty
/// line cancel (exit 130).
pub fn password(prompt: &str) -> Result<Zeroizing<String>> {
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "{}: ", console::style(prompt).bold());
    let _ = stderr.flush();
    let raw = RawTerminal::enter(0).map_err(|e| Error::io("<terminal>", &e))?;
    let typed = read_hidden(&raw);
    drop(raw);
    let _ = writeln!(stderr);
    typed.map(into_text)
}

fn read_hidden(raw: &RawTerminal) -> Result<Zeroizing<Vec<u8>>> {
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_HIDDEN));
    loop {
        let byte = raw.read_byte().map_err(|e| Error::io("<terminal>", &e))?;
        match byte {
            None | Some(0x04) if line.is_empty() => return Err(Error::Cancelled),
            None | Some(b'\r' | b'\n' | 0x04) => return Ok(line),
            Some(0x03) => return Err(Error::Cancelled),
            Some(0x7f | 0x08) => {
                // One character, however many bytes of UTF-8 it took.
                while let Some(b) = line.pop() {
                    if b & 0xC0 != 0x80 {
                        break;
                    }
                }
            }
            Some(0x15) => zeroize::Zeroize::zeroize(&mut *line),
            Some(b) if b < 0x20 => {}
            Some(_) if line.len() == MAX_HIDDEN => {
                return Err(Error::Usage { detail: format!("longer than {MAX_HIDDEN} bytes") })
            }
            Some(b) => line.push(b),
        }
    }
}

/// Bytes as text in the same buffer (no copy); bytes that are not UTF-8 are replaced, and the
/// original zeroized.
pub fn into_text(bytes: Zeroizing<Vec<u8>>) -> Zeroizing<String> {
    let mut bytes = bytes;
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Zeroizing::new(text),
        Err(e) => {
            let mut raw = Zeroizing::new(e.into_bytes());
            let text = Zeroizing::new(String::from_utf8_lossy(&raw).into_owned());
            zeroize::Zeroize::zeroize(&mut *raw);
            text
        }
    }
}

/// The terminal without echo, line editing or signals, until dropped.
struct RawTerminal {
    fd: libc::c_int,
    saved: libc::termios,
}

impl RawTerminal {
    fn enter(fd: libc::c_int) -> std::io::Result<RawTerminal> {
        // SAFETY: termios is plain data, filled by tcgetattr before use.
        let mut term: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut term) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let saved = term;
        term.c_lflag &= !(libc::ECHO | libc::ICANON | libc::ISIG | libc::IEXTEN);
        term.c_cc[libc::VMIN] = 1;
        term.c_cc[libc::VTIME] = 0;
        // TCSANOW: what was typed ahead stays to be read.
        if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &term) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(RawTerminal { fd, saved })
    }

    fn read_byte(&self) -> std::io::Result<Option<u8>> {
        let mut byte = 0u8;
        loop {
            // SAFETY: one byte into a valid one-byte buffer.
            let n = unsafe { libc::read(self.fd, (&mut byte as *mut u8).cast(), 1) };
            match n {
                1 => return Ok(Some(byte)),
                0 => return Ok(None),
                _ => {
                    let e = std::io::Error::last_os_error();
                    if e.kind() != std::io::ErrorKind::Interrupted {
                        return Err(e);
                    }
                }
            }
        }
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        // SAFETY: restores the settings read in `enter`.
        unsafe { libc::tcsetattr(self.fd, libc::TCSANOW, &self.saved) };
    }
}

/// Pick one of `items`; `None` when the person presses Esc or q.
pub fn select(prompt: &str, items: &[String]) -> Result<usize> {
    Select::with_theme(&ColorfulTheme::default())
        .with_prompt(prompt)
        .items(items)
        .default(0)
        .interact_opt()
        .map_err(map)?
        .ok_or(Error::Cancelled)
}

pub fn confirm(prompt: &str, default: bool) -> Result<bool> {
    Confirm::with_theme(&ColorfulTheme::default())
        .with_prompt(prompt)
        .default(default)
        .interact()
        .map_err(map)
}

/// Visible text input.
pub fn text(prompt: &str) -> Result<String> {
    dialoguer::Input::<String>::with_theme(&ColorfulTheme::default())
        .with_prompt(prompt)
        .interact_text()
        .map_err(map)
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_keeps_the_buffer_or_replaces_bad_bytes() {
        let t = super::into_text(zeroize::Zeroizing::new("密码 1".as_bytes().to_vec()));
        assert_eq!(t.as_str(), "密码 1");
        let t = super::into_text(zeroize::Zeroizing::new(vec![b'a', 0xff]));
        assert_eq!(t.as_str(), "a\u{fffd}");
    }
}
