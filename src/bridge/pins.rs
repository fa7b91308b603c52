//! Where the bridge's PINs come from for the PIN guard: the page (what vendors' services do), or
//! the desktop's own PIN dialog (pinentry), which names the page's origin and the certificate,
//! so that the PIN never passes through the web page. A final try is consented either by
//! `zca bridge allow-final-try` or in that dialog.

use std::path::{Path, PathBuf};

use super::pinentry::Pinentry;
use crate::error::{Error, Result};
use crate::pin::{PinRole, PinSource};
use crate::secret::Secret;
use crate::t;
use crate::token::{Key, PinState, PinTries};

/// Who agreed to spend a final try.
#[derive(Clone)]
enum Consent {
    /// A consent `zca bridge allow-final-try` left in this folder (used once).
    File(PathBuf),
    /// Asked in the desktop's dialog: the person's answer.
    Given(bool),
}

/// The answers a page's call brings to the PIN guard.
#[derive(Clone)]
pub struct PageAnswers {
    pin: Secret,
    new_pin: Option<Secret>,
    consent: Consent,
    from_desktop: bool,
}

impl PageAnswers {
    /// The PIN (and new PIN) the page sent; a final try only with a consent left in `dir`.
    pub fn page(pin: Secret, new_pin: Option<Secret>, dir: PathBuf) -> PageAnswers {
        PageAnswers { pin, new_pin, consent: Consent::File(dir), from_desktop: false }
    }
}

impl PinSource for PageAnswers {
    fn final_try(&mut self, key: &Key, _role: PinRole) -> Result<bool> {
        Ok(match &self.consent {
            Consent::File(dir) => take_consent(dir, &key.ca_lock_id),
            Consent::Given(yes) => *yes,
        })
    }

    fn pin(&mut self, _key: &Key, _role: PinRole, _tries: Option<PinTries>) -> Result<Secret> {
        Ok(self.pin.clone())
    }

    fn new_pin(&mut self, _key: &Key) -> Result<Secret> {
        self.new_pin.clone().ok_or_else(|| Error::Internal { detail: "no new PIN".into() })
    }

    /// The person types the PIN on the key itself; whatever the page sent is not used.
    fn on_pad(&mut self, _key: &Key) {}

    fn origin(&self) -> String {
        if self.from_desktop {
            "pinentry".into()
        } else {
            "the page".into()
        }
    }
}

/// What a PIN dialog needs to know about the key before it asks.
#[derive(Clone, Debug)]
pub struct Prospect {
    pub ca_lock_id: String,
    pub label: String,
    /// The certificate's name as pages list it.
    pub certificate: String,
    pub state: PinState,
    pub tries: Option<PinTries>,
    /// The key has its own PIN pad: no dialog.
    pub pad: bool,
}

/// The desktop's PIN dialog.
pub struct DesktopPins {
    pinentry: Pinentry,
}

impl DesktopPins {
    pub fn new(pinentry: Pinentry) -> DesktopPins {
        DesktopPins { pinentry }
    }

    /// The PIN for a login of `origin`'s page, asked in the desktop's dialog; the final try
    /// consented there too. `Error::Cancelled` when the person says no.
    pub fn ask(&self, origin: &str, key: &Prospect) -> Result<PageAnswers> {
        let mut answers = PageAnswers {
            pin: Secret::new(String::new()),
            new_pin: None,
            consent: Consent::Given(false),
            from_desktop: true,
        };
        // Nothing to ask: the PIN guard refuses a locked key, the key's pad takes the PIN.
        if key.state == PinState::Locked || key.pad {
            return Ok(answers);
        }
        let title = t!("pinentry-title");
        if key.state == PinState::FinalTry {
            let question =
                t!("pinentry-final-try", origin = origin, ca_lock_id = key.ca_lock_id.as_str());
            answers.consent = Consent::Given(self.pinentry.confirm(&title, &question)?);
            if matches!(answers.consent, Consent::Given(false)) {
                return Ok(answers);
            }
        }
        let mut description = t!(
            "pinentry-description",
            origin = origin,
            certificate = key.certificate.as_str(),
            ca_lock_id = key.ca_lock_id.as_str(),
            label = key.label.as_str()
        );
        if let Some(tries) = key.tries {
            let left = t!("pin-tries-left", left = tries.left, max = tries.max);
            description = format!("{description}\n{left}");
        }
        answers.pin = self.pinentry.get_pin(&title, &description, &t!("pinentry-prompt"))?;
        Ok(answers)
    }
}

/// Where the user's consent for key `lock` is left.
pub fn consent_path(dir: &Path, lock: &str) -> PathBuf {
    let safe: String =
        lock.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    dir.join(format!("final-try-{safe}"))
}

/// The user's consent to spend the final try on key `lock`: a file `zca bridge allow-final-try`
/// left, holding its expiry (Unix seconds); used once.
pub fn take_consent(dir: &Path, lock: &str) -> bool {
    let path = consent_path(dir, lock);
    let until = std::fs::read_to_string(&path).ok().and_then(|t| t.trim().parse::<i64>().ok());
    let _ = std::fs::remove_file(&path);
    until.is_some_and(|u| u >= time::OffsetDateTime::now_utc().unix_timestamp())
}
