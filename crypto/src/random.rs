//! Random bytes and tokens from the operating system's source.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Fills `buf` with random bytes.
pub fn fill(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the OS random source works");
}

/// `N` random bytes. (A machine without a working random source cannot run either program
/// safely, so its absence is a panic rather than an error to handle.)
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    fill(&mut out);
    out
}

/// A token of 32 random bytes, URL-safe base64 without padding (43 characters).
pub fn token() -> String {
    URL_SAFE_NO_PAD.encode(bytes::<32>())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_43_url_safe_characters_and_differ() {
        let (a, b) = (super::token(), super::token());
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a, b);
    }
}
