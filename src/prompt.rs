//! Questions to the person at the terminal: hidden input, choices and confirmations, all on
//! stderr so that stdout stays the command's result. Callers check `--no-input` first.

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Password, Select};

use crate::error::{Error, Result};
use crate::secret::Secret;

fn map(err: dialoguer::Error) -> Error {
    match err {
        dialoguer::Error::IO(e) if e.kind() == std::io::ErrorKind::Interrupted => Error::Cancelled,
        dialoguer::Error::IO(e) => Error::io("<terminal>", &e),
    }
}

/// Hidden input; the typed text goes straight into a zeroizing buffer.
pub fn password(prompt: &str) -> Result<Secret> {
    Password::with_theme(&ColorfulTheme::default())
        .with_prompt(prompt)
        .allow_empty_password(false)
        .report(false)
        .interact()
        .map(Secret::new)
        .map_err(map)
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
