//! The body of an mToken request: `json=` and a flat JSON object that the vendor's page script
//! builds by hand, so not always JSON: string values are not escaped (a `"` in a PIN), numbers
//! are whatever the page passed, and a missing argument is the bare word `undefined`. Strict
//! JSON is taken as such; anything else is read by the lenient rules below, bounded, and never
//! panics.

use serde_json::Value;
use zeroize::Zeroize;

use crate::bridge::protocol::whole_number;
use crate::secret::Secret;

/// Most fields a request may have (the widest function has nine).
const MAX_FIELDS: usize = 32;
/// Longest field name.
const MAX_KEY: usize = 64;

/// A request's fields, by name; values zeroized when dropped (they may hold a PIN).
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, Value)>);

impl Fields {
    pub fn text(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A whole number (`protocol::whole_number`).
    pub fn number(&self, key: &str) -> Option<i64> {
        whole_number(self.get(key)?)
    }

    /// A secret (a PIN), moved out of the fields.
    pub fn secret(&mut self, key: &str) -> Option<Secret> {
        let value = self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)?;
        match value {
            Value::String(s) => Some(Secret::new(std::mem::take(s))),
            Value::Number(n) => Some(Secret::new(n.to_string())),
            _ => None,
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Drop for Fields {
    fn drop(&mut self) {
        for (_, value) in &mut self.0 {
            if let Value::String(s) = value {
                s.zeroize();
            }
        }
    }
}

/// The fields of a body `json={…}`; `None` when it is not one.
pub fn parse(body: &[u8]) -> Option<Fields> {
    let text = std::str::from_utf8(body).ok()?;
    let json = text.trim_start().strip_prefix("json=")?.trim();
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(json) {
        if map.len() > MAX_FIELDS || map.values().any(|v| v.is_array() || v.is_object()) {
            return None;
        }
        return Some(Fields(map.into_iter().collect()));
    }
    lenient(json)
}

/// The hand-built object: `{ "key" : value , … }`, where a value is a string ended by the `"`
/// that is followed by `,` and another key or by the closing `}`, or a bare word (a number,
/// `undefined`, `null`, `true`, `false`).
fn lenient(text: &str) -> Option<Fields> {
    let mut rest = text.strip_prefix('{')?.trim_start();
    let mut fields = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return after.trim().is_empty().then_some(Fields(fields));
        }
        if fields.len() == MAX_FIELDS {
            return None;
        }
        let after_quote = rest.strip_prefix('"')?;
        let end = after_quote.find('"')?;
        let key = &after_quote[..end];
        if key.len() > MAX_KEY {
            return None;
        }
        rest = after_quote[end + 1..].trim_start().strip_prefix(':')?.trim_start();
        let (value, after) = if let Some(s) = rest.strip_prefix('"') {
            let end = string_end(s)?;
            (Value::String(unescape(&s[..end])), &s[end + 1..])
        } else {
            let end = rest.find([',', '}'])?;
            (bare(rest[..end].trim()), &rest[end..])
        };
        fields.push((key.to_string(), value));
        rest = after.trim_start();
        if let Some(next) = rest.strip_prefix(',') {
            rest = next.trim_start();
        } else if !rest.starts_with('}') {
            return None;
        }
    }
}

/// Where a hand-built string value ends: the first `"` followed (after blanks) by `}` and the
/// end, or by `,` and the opening `"` of another key.
fn string_end(s: &str) -> Option<usize> {
    s.match_indices('"').map(|(i, _)| i).find(|&i| {
        let after = s[i + 1..].trim_start();
        after.strip_prefix('}').is_some_and(|a| a.trim().is_empty())
            || after.strip_prefix(',').is_some_and(|a| a.trim_start().starts_with('"'))
    })
}

/// A string's text: JSON's escapes where the text is valid JSON string content, else as it is
/// (a DN with a `\,` or a PIN with a `\` the page did not escape).
fn unescape(raw: &str) -> String {
    serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_string())
}

/// A bare value: `undefined` and `null` are null; numbers as numbers; anything else as text.
fn bare(word: &str) -> Value {
    match word {
        "undefined" | "null" | "" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => match word.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(word.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_scripts_hand_built_bodies_are_read() {
        let body = br#"json={"function":"SOF_SignDataEx","deviceName":"3301000045102205","containerName":"UserKey","keySpec":1, "inData":"5Lit+/w==","inDataLen" :4,"mode":undefined}"#;
        let f = parse(body).unwrap();
        assert_eq!(f.text("function").unwrap(), "SOF_SignDataEx");
        assert_eq!(f.text("inData").unwrap(), "5Lit+/w==", "base64 untouched");
        assert_eq!(f.number("keySpec"), Some(1));
        assert_eq!(f.number("inDataLen"), Some(4));
        assert_eq!(f.text("mode"), None, "undefined is absent");
        // A PIN with a quote and a backslash, not escaped by the page.
        let mut f =
            parse(br#"json={"function":"SOF_Login","deviceName":"K1","passWd":"a"b\c"}"#).unwrap();
        assert_eq!(f.secret("passWd").unwrap().expose(), r#"a"b\c"#);
        assert_eq!(f.secret("passWd").unwrap().expose(), "", "moved out");
        // A DN with an escape JSON does not know.
        let f = parse(br#"json={"function":"F","dn":"CN=a\,b"}"#).unwrap();
        assert_eq!(f.text("dn").unwrap(), r"CN=a\,b");
        // Strict JSON is strict JSON.
        let f = parse(br#"json={"function":"F","s":"a\"b"}"#).unwrap();
        assert_eq!(f.text("s").unwrap(), "a\"b");
    }

    #[test]
    fn anything_else_is_no_request_and_never_a_panic() {
        for bad in [
            &b""[..],
            b"json=",
            b"json={",
            b"json=[1,2]",
            b"json={\"a\":[1]}",
            b"function=x",
            b"json={\"a\" 1}",
            b"json={\"a\":\"unterminated",
            b"json={\"a\":1}trailing",
            b"\xff\xfe",
        ] {
            assert!(parse(bad).is_none(), "{}", String::from_utf8_lossy(bad));
        }
        let many: String = (0..40).map(|i| format!("\"k{i}\":{i}")).collect::<Vec<_>>().join(",");
        assert!(parse(format!("json={{{many}}}").as_bytes()).is_none(), "bounded");
    }
}
