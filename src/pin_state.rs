//! The state of a key's PIN, as the key tells it. A leaf of its own: the token layer reads it,
//! errors and reports carry it.

use serde::Serialize;

use crate::t;

/// The PIN state the key's flags tell. PKCS#11 gives no count of tries left, only these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PinState {
    Ok,
    CountLow,
    FinalTry,
    Locked,
}

impl PinState {
    pub fn from_flags(locked: bool, final_try: bool, count_low: bool) -> PinState {
        if locked {
            PinState::Locked
        } else if final_try {
            PinState::FinalTry
        } else if count_low {
            PinState::CountLow
        } else {
            PinState::Ok
        }
    }

    /// The label, with the tries left where the key counts them.
    pub fn label_with(self, tries: Option<PinTries>) -> String {
        match tries {
            Some(t) => t!("pin-state-tries", state = self.label(), left = t.left, max = t.max),
            None => self.label(),
        }
    }

    pub fn label(self) -> String {
        match self {
            PinState::Ok => t!("pin-ok"),
            PinState::CountLow => t!("pin-count-low"),
            PinState::FinalTry => t!("pin-final-try"),
            PinState::Locked => t!("pin-locked"),
        }
    }
}

/// The tries a key's PIN has left, and how many it starts with: what SKF tells and PKCS#11
/// does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PinTries {
    pub left: u32,
    pub max: u32,
}

impl PinTries {
    /// The state these counts mean, in the words of the PKCS#11 flags.
    pub fn state(self) -> PinState {
        match self.left {
            0 => PinState::Locked,
            1 => PinState::FinalTry,
            n if n < self.max => PinState::CountLow,
            _ => PinState::Ok,
        }
    }
}
