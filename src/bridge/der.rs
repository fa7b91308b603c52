//! Just enough DER to write and read PKCS#7/CMS SignedData (RFC 5652): tag, length, value.
//! Reading is bounds-checked throughout: any input gives a value or `None`, never a panic.

pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;
pub const INTEGER: u8 = 0x02;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const UTC_TIME: u8 = 0x17;
/// `[0]` constructed (explicit tagging, and IMPLICIT SET OF for signed attributes).
pub const CONTEXT_0: u8 = 0xa0;

/// One DER element: tag, length, content.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A constructed element of the concatenated `parts`.
pub fn cons(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

/// An OBJECT IDENTIFIER from its dotted text (a constant of this program: valid by design).
pub fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().expect("a valid OID")).collect();
    let mut body = Vec::new();
    let first = arcs[0] * 40 + arcs[1];
    for &arc in std::iter::once(&first).chain(&arcs[2..]) {
        let mut chunk = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            chunk.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        chunk.reverse();
        body.extend(chunk);
    }
    tlv(OID, &body)
}

/// A non-negative INTEGER from big-endian bytes (a leading zero added when the top bit is set).
pub fn unsigned_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len().saturating_sub(1));
    let mut value = bytes[start.min(bytes.len())..].to_vec();
    if value.is_empty() {
        value.push(0);
    }
    if value[0] & 0x80 != 0 {
        value.insert(0, 0);
    }
    tlv(INTEGER, &value)
}

/// AlgorithmIdentifier with no parameters, or NULL parameters (as RSA and digests have).
pub fn algorithm(dotted: &str, null_params: bool) -> Vec<u8> {
    if null_params {
        cons(SEQUENCE, &[&oid(dotted), &[NULL, 0]])
    } else {
        cons(SEQUENCE, &[&oid(dotted)])
    }
}

/// One element read from the front of `input`: (tag, content, the whole element, the rest).
pub struct Element<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub raw: &'a [u8],
}

pub fn read(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    let header = input.len() - rest.len();
    let element = Element { tag, content: &rest[..len], raw: &input[..header + len] };
    Some((element, &rest[len..]))
}

/// The elements of a constructed element's content, in order.
pub fn children(content: &[u8]) -> Option<Vec<Element<'_>>> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (element, next) = read(rest)?;
        out.push(element);
        rest = next;
    }
    Some(out)
}

/// The dotted text of an OBJECT IDENTIFIER's content.
pub fn oid_text(content: &[u8]) -> Option<String> {
    let mut subids = Vec::new();
    let mut value = 0u64;
    for &b in content {
        value = value.checked_mul(128)?.checked_add(u64::from(b & 0x7f))?;
        if b & 0x80 == 0 {
            subids.push(value);
            value = 0;
        }
    }
    let (&first, rest) = subids.split_first()?;
    // The first subidentifier holds two arcs: 40 × the first (0, 1 or 2) + the second.
    let top = (first / 40).min(2);
    let arcs = [top, first - top * 40].into_iter().chain(rest.iter().copied());
    Some(arcs.map(|a| a.to_string()).collect::<Vec<_>>().join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_and_lengths_round_trip() {
        for dotted in ["1.2.840.113549.1.7.2", "1.2.156.10197.1.401", "2.5.4.3", "2.999.1"] {
            let encoded = oid(dotted);
            let (e, rest) = read(&encoded).unwrap();
            assert!(rest.is_empty());
            assert_eq!(oid_text(e.content).unwrap(), dotted);
        }
        let long = tlv(OCTET_STRING, &[7u8; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(read(&long).unwrap().0.content.len(), 300);
        assert_eq!(unsigned_integer(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(unsigned_integer(&[0, 0, 5]), vec![0x02, 0x01, 0x05]);
    }

    #[test]
    fn truncated_input_is_none() {
        assert!(read(&[0x30]).is_none());
        assert!(read(&[0x30, 0x05, 1, 2]).is_none());
        assert!(read(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_none());
        assert!(children(&[0x02, 0x01]).is_none());
    }
}
