//! The one way a PIN reaches a key, whoever asks: `zca login` and `bind`, `zca pin change` and
//! `unlock`, the bridge's SOF_Login and SOF_ChangePassWd. Every path gets the same protections,
//! in this order:
//!
//! 1. a pause after a wrong PIN: the key takes the next PIN only 2 s later, doubling to 32 s,
//!    per key and shared by everyone who asks through the same guard (the bridge keeps one for
//!    as long as it runs, so a page cannot guess faster by changing the PIN instead);
//! 2. the key's state as the key says it now: a locked PIN is not tried;
//! 3. a final try is spent only with a yes from the person (`PinSource::final_try`);
//! 4. a blank PIN never reaches the key, and a key with a PIN pad gets no PIN at all;
//! 5. exactly one attempt, whose failure says what the key says afterwards.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::t;
use crate::token::{Key, KeySession, PinState, PinTries};

/// Whose PIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinRole {
    User,
    /// The SO (admin) PIN, which unlocks.
    So,
}

/// What a PIN is given for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinUse {
    /// The user's PIN, to sign.
    Login,
    /// The user's PIN, to set a new one.
    Change,
    /// The SO PIN, to set a new user PIN (which also clears a lock).
    Unlock,
}

impl PinUse {
    fn role(self) -> PinRole {
        match self {
            PinUse::Unlock => PinRole::So,
            PinUse::Login | PinUse::Change => PinRole::User,
        }
    }
}

/// Where PINs and the consent to a final try come from: the terminal and the flags for the
/// CLI, the page or the desktop's pinentry for the bridge.
pub trait PinSource {
    /// Yes or no to spending the final try of `role`'s PIN on `key`.
    fn final_try(&mut self, key: &Key, role: PinRole) -> Result<bool>;
    /// The PIN that authorizes the use: the user's, or the SO's to unlock. `tries`: what the
    /// key says is left, where it counts.
    fn pin(&mut self, key: &Key, role: PinRole, tries: Option<PinTries>) -> Result<Secret>;
    /// The new user PIN of a change or an unlock.
    fn new_pin(&mut self, key: &Key) -> Result<Secret>;
    /// The key takes the PIN on its own pad: the person is told to type it there.
    fn on_pad(&mut self, key: &Key);
    /// Where the PINs come from, for the message about a blank one ("--pin-stdin", a page).
    fn origin(&self) -> String;
}

/// A PIN a program already has (library use, scripts): no final try, no PIN pad notice.
pub struct GivenPin {
    pin: Secret,
    new_pin: Option<Secret>,
}

impl GivenPin {
    pub fn new(pin: Secret) -> GivenPin {
        GivenPin { pin, new_pin: None }
    }

    /// With the new PIN of a change or an unlock.
    pub fn with_new(pin: Secret, new_pin: Secret) -> GivenPin {
        GivenPin { pin, new_pin: Some(new_pin) }
    }
}

impl PinSource for GivenPin {
    fn final_try(&mut self, _key: &Key, _role: PinRole) -> Result<bool> {
        Ok(false)
    }

    fn pin(&mut self, _key: &Key, _role: PinRole, _tries: Option<PinTries>) -> Result<Secret> {
        Ok(self.pin.clone())
    }

    fn new_pin(&mut self, _key: &Key) -> Result<Secret> {
        self.new_pin.clone().ok_or_else(|| Error::Internal { detail: "no new PIN given".into() })
    }

    fn on_pad(&mut self, _key: &Key) {}

    fn origin(&self) -> String {
        "the program".into()
    }
}

/// Wrong PINs of one key.
#[derive(Default)]
struct Pause {
    failures: u32,
    until: Option<Instant>,
}

/// The pause after the `failures`-th wrong PIN in a row.
fn pause_after(failures: u32) -> Duration {
    Duration::from_secs(1 << failures.clamp(1, 5))
}

/// The guard. One per process: the CLI makes one per run, the bridge one for its life.
#[derive(Default)]
pub struct PinGuard {
    pauses: Mutex<HashMap<String, Pause>>,
}

impl PinGuard {
    pub fn new() -> PinGuard {
        PinGuard::default()
    }

    /// Gives a PIN to the key for `what`, under every rule above. `Error::PinWait` says how long
    /// the key's pause after a wrong PIN still runs (nothing was sent); the caller may wait and
    /// ask again.
    pub fn present(
        &self,
        session: &KeySession<'_>,
        what: PinUse,
        source: &mut dyn PinSource,
    ) -> Result<()> {
        let key = session.key();
        self.check_pause(&key.ca_lock_id)?;
        let role = what.role();
        let flags = session.pin_flags()?;
        let (state, tries) = match role {
            PinRole::User => (flags.user, flags.user_tries),
            PinRole::So => (flags.so, flags.so_tries),
        };
        match (state, role) {
            (PinState::Locked, PinRole::User) => return Err(Error::PinLocked),
            (PinState::Locked, PinRole::So) => return Err(Error::SoPinLocked),
            (PinState::FinalTry, _) if !source.final_try(key, role)? => {
                return Err(match role {
                    PinRole::User => Error::PinFinalTryRefused,
                    PinRole::So => Error::SoPinFinalTryRefused,
                })
            }
            _ => {}
        }
        let result = if what == PinUse::Login && key.protected_auth_path {
            source.on_pad(key);
            session.login(None)
        } else {
            let pin = source.pin(key, role, tries)?;
            if pin.is_blank() {
                let what = match role {
                    PinRole::User => t!("what-pin"),
                    PinRole::So => t!("what-so-pin"),
                };
                return Err(Error::EmptySecret { what, source: source.origin() });
            }
            match what {
                PinUse::Login => session.login(Some(&pin)),
                PinUse::Change | PinUse::Unlock => {
                    let new = source.new_pin(key)?;
                    if new.is_blank() {
                        return Err(Error::EmptySecret {
                            what: t!("what-new-pin"),
                            source: source.origin(),
                        });
                    }
                    let old = (what == PinUse::Change).then_some(&pin);
                    crate::pin::check_new(&new, old, key.min_pin_length, key.max_pin_length)?;
                    if what == PinUse::Change {
                        session.change_pin(&pin, &new)
                    } else {
                        session.unlock(&pin, &new)
                    }
                }
            }
        };
        self.record(&key.ca_lock_id, &result);
        result
    }

    /// `Error::PinWait` while the key's pause after its last wrong PIN still runs.
    pub fn check_pause(&self, ca_lock_id: &str) -> Result<()> {
        let pauses = self.pauses.lock().unwrap_or_else(|p| p.into_inner());
        let left = pauses
            .get(ca_lock_id)
            .and_then(|p| p.until)
            .and_then(|until| until.checked_duration_since(Instant::now()))
            .filter(|d| !d.is_zero());
        match left {
            // Rounded up: a caller that sleeps this long finds the pause over.
            Some(left) => Err(Error::PinWait { millis: left.as_millis() as u64 + 1 }),
            None => Ok(()),
        }
    }

    fn record(&self, ca_lock_id: &str, result: &Result<()>) {
        let mut pauses = self.pauses.lock().unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(()) => {
                pauses.remove(ca_lock_id);
            }
            Err(e) if e.is_wrong_pin() => {
                let pause = pauses.entry(ca_lock_id.to_string()).or_default();
                pause.failures = pause.failures.saturating_add(1);
                pause.until = Some(Instant::now() + pause_after(pause.failures));
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_from_two_to_thirty_two_seconds() {
        let secs: Vec<u64> = (1..=7).map(|n| pause_after(n).as_secs()).collect();
        assert_eq!(secs, [2, 4, 8, 16, 32, 32, 32]);
    }
}
