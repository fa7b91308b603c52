//! No relayed signatures. A CA login or bind on a zca platform is the key's signature over
//! `zca/1\n<purpose>\n<origin>\n…` (the contract's signed bytes), and the platform checks that
//! the origin line is its own. A page logged in to the bridge could otherwise have the key sign
//! those bytes for another platform's challenge and log its user in there. So the bridge signs
//! such bytes, by any function, only when their origin line is the page's own origin, and signs
//! no other version of the contract's messages at all (it cannot know their rules).

/// The prefix of every message of the contract, whatever its version.
const CONTRACT: &[u8] = b"zca/";

/// `Ok` when `data` may be signed for a page of `origin`; else why not.
pub fn check(data: &[u8], origin: &str) -> Result<(), String> {
    if !data.starts_with(CONTRACT) {
        return Ok(());
    }
    let mut lines = data.split(|b| *b == b'\n');
    let version = lines.next().unwrap_or_default();
    if version != b"zca/1" {
        return Err(format!(
            "refused to sign a platform message of another version ({})",
            super::printable(&String::from_utf8_lossy(version))
        ));
    }
    let _purpose = lines.next();
    let theirs = lines.next().unwrap_or_default();
    if theirs == origin.as_bytes() {
        return Ok(());
    }
    Err(format!(
        "refused to sign a platform message for {} on a page of {origin}: a relayed login",
        super::printable(&String::from_utf8_lossy(theirs))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_messages_are_signed_for_their_own_origin_only() {
        let origin = "https://zcy.example.gov.cn";
        let mine =
            zca_contract::signed_bytes(zca_contract::Purpose::Login, origin, "c1", "n1", "ab", "");
        assert!(check(&mine, origin).is_ok());
        let theirs = zca_contract::signed_bytes(
            zca_contract::Purpose::Login,
            "https://other-platform.example",
            "c1",
            "n1",
            "ab",
            "",
        );
        assert!(check(&theirs, origin).unwrap_err().contains("other-platform"));
        assert!(check(b"zca/2\nlogin\nhttps://zcy.example.gov.cn", origin).is_err());
        assert!(check(b"zca/1", origin).is_err(), "no origin line is no origin");
        assert!(check(b"hello", origin).is_ok());
        assert!(check(b"", origin).is_ok());
    }
}
