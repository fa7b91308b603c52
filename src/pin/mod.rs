//! PINs: the one guard every use of a PIN goes through, and the rules for a new one.

pub mod guard;
mod rules;

pub use guard::{GivenPin, PinGuard, PinRole, PinSource, PinUse};
pub use rules::{check_new, confirmed, is_well_known};
