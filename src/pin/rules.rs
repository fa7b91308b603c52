//! Rules for a new PIN, checked before anything reaches the key: its length limits, not the
//! old PIN again, not one of the PINs everybody tries first.

use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::t;

/// PINs that keys ship with or people choose first; a key with one is as good as unlocked.
const WELL_KNOWN: &[&str] = &[
    "0000",
    "1111",
    "1234",
    "4321",
    "000000",
    "111111",
    "123123",
    "123321",
    "112233",
    "121212",
    "123456",
    "654321",
    "666666",
    "888888",
    "999999",
    "00000000",
    "11111111",
    "12341234",
    "12345678",
    "87654321",
    "88888888",
    "123456789",
    "1234567890",
];

/// Whether `pin` is a PIN that keys ship with or people try first: the list above, one digit
/// repeated, or a run of consecutive digits.
pub fn is_well_known(pin: &str) -> bool {
    if WELL_KNOWN.iter().any(|w| bool::from(w.as_bytes().ct_eq(pin.as_bytes()))) {
        return true;
    }
    let digits: Vec<u8> = pin.bytes().collect();
    if digits.len() < 4 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let same = digits.windows(2).all(|w| w[0] == w[1]);
    let up = digits.windows(2).all(|w| w[1] == w[0] + 1);
    let down = digits.windows(2).all(|w| w[0] == w[1] + 1);
    same || up || down
}

/// Both entries of a new PIN are the same, compared in constant time.
pub fn confirmed(first: &Secret, second: &Secret) -> Result<()> {
    if bool::from(first.expose().as_bytes().ct_eq(second.expose().as_bytes())) {
        Ok(())
    } else {
        Err(Error::PinRejected { reason: t!("pin-rule-mismatch") })
    }
}

/// Checks a new PIN against the key's limits (in bytes, as PKCS#11 counts) and the rules.
pub fn check_new(new: &Secret, old: Option<&Secret>, min: usize, max: usize) -> Result<()> {
    let len = new.expose().len();
    // Modules that do not know their limits say 0 (and some ~0) for them.
    let min = if min == 0 { 4 } else { min };
    let max = if max == 0 || max > 255 { 255 } else { max };
    if len < min || len > max {
        return Err(Error::PinRejected {
            reason: t!(
                "pin-rule-length",
                min = (min as u64),
                max = (max as u64),
                len = (len as u64)
            ),
        });
    }
    if old.is_some_and(|o| bool::from(o.expose().as_bytes().ct_eq(new.expose().as_bytes()))) {
        return Err(Error::PinRejected { reason: t!("pin-rule-same") });
    }
    if is_well_known(new.expose()) {
        return Err(Error::PinRejected { reason: t!("pin-rule-well-known") });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_pins() {
        for pin in ["123456", "12345678", "000000", "111111", "88888888", "7777", "234567", "98765"]
        {
            assert!(is_well_known(pin), "{pin}");
        }
        for pin in ["135790", "20240613", "a23456", "12", "314159"] {
            assert!(!is_well_known(pin), "{pin}");
        }
    }

    #[test]
    fn new_pin_rules() {
        let s = |v: &str| Secret::new(v.into());
        assert!(check_new(&s("314159"), Some(&s("271828")), 6, 16).is_ok());
        assert!(check_new(&s("31415"), None, 6, 16).is_err(), "too short");
        assert!(check_new(&s("31415926535897932"), None, 6, 16).is_err(), "too long");
        assert!(check_new(&s("314159"), Some(&s("314159")), 6, 16).is_err(), "the same");
        assert!(check_new(&s("123456"), None, 6, 16).is_err(), "well known");
        assert!(check_new(&s("3141"), None, 0, 0).is_ok(), "0 means unknown limits");
        assert!(confirmed(&s("314159"), &s("314158")).is_err());
        assert!(confirmed(&s("314159"), &s("314159")).is_ok());
    }
}
