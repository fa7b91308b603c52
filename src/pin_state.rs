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

    pub fn label(self) -> String {
        match self {
            PinState::Ok => t!("pin-ok"),
            PinState::CountLow => t!("pin-count-low"),
            PinState::FinalTry => t!("pin-final-try"),
            PinState::Locked => t!("pin-locked"),
        }
    }
}
