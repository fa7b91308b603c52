//! The frames of the CA client protocol the pages speak: a JSON request with `xtx_func_name`,
//! `call_cmd_id` and the arguments (`param`, or `param_1`…`param_N` in older pages), and a JSON
//! answer with the same `call_cmd_id` and `retVal`, always a string.

use serde_json::{Map, Value};
use zeroize::Zeroize;

use crate::secret::Secret;

/// One call from a page.
pub struct Request {
    pub function: String,
    pub call_id: String,
    params: Vec<Value>,
}

impl Request {
    /// A request from a text frame; `None` when it is not one (not JSON, no function name).
    pub fn parse(text: &str) -> Option<Request> {
        let Value::Object(mut map) = serde_json::from_str(text).ok()? else { return None };
        let function = map.get("xtx_func_name")?.as_str()?.to_string();
        let call_id = match map.get("call_cmd_id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let params = match map.remove("param") {
            Some(Value::Array(a)) => a,
            _ => numbered_params(&mut map),
        };
        // What is left (the cookie and URL pages add) is zeroized, not kept.
        scrub(&mut Value::Object(map));
        Some(Request { function, call_id, params })
    }

    /// Argument `i` (from 0) as text: a string as it is, a number in decimal.
    pub fn text(&self, i: usize) -> Option<String> {
        match self.params.get(i)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Argument `i` as a whole number (`whole_number`).
    pub fn number(&self, i: usize) -> Option<i64> {
        whole_number(self.params.get(i)?)
    }

    /// Argument `i` as a secret (a PIN): moved out of the request, the request's copy gone.
    pub fn secret(&mut self, i: usize) -> Option<Secret> {
        match self.params.get_mut(i)? {
            Value::String(s) => Some(Secret::new(std::mem::take(s))),
            Value::Number(n) => Some(Secret::new(n.to_string())),
            _ => None,
        }
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        for p in &mut self.params {
            scrub(p);
        }
    }
}

/// `param_1`…`param_N`, in order, until one is missing.
fn numbered_params(map: &mut Map<String, Value>) -> Vec<Value> {
    (1..=64).map_while(|n| map.remove(&format!("param_{n}"))).collect()
}

/// Overwrites the strings of a value (arguments may hold a PIN, the cookie a session).
fn scrub(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(a) => a.iter_mut().for_each(scrub),
        Value::Object(m) => m.values_mut().for_each(scrub),
        _ => {}
    }
}

/// The answer to a call.
pub fn answer(call_id: &str, ret_val: &str) -> String {
    serde_json::json!({ "call_cmd_id": call_id, "retVal": ret_val }).to_string()
}

/// An answer to a frame that is not a request, saying why (pages ignore it; people reading the
/// traffic do not).
pub fn refusal(reason: &str) -> String {
    serde_json::json!({ "call_cmd_id": "", "retVal": "", "errorMessage": reason }).to_string()
}

/// The event pages listen for: a key was inserted or removed.
pub fn usb_key_change() -> String {
    serde_json::json!({ "call_cmd_id": "onUsbkeyChange", "retVal": "" }).to_string()
}

/// A whole number as pages send one: a JSON number, or decimal or `0x` hexadecimal text.
pub fn whole_number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                Some(hex) => i64::from_str_radix(hex, 16).ok(),
                None => s.parse().ok(),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_with_an_array_or_numbered_params() {
        let r = Request::parse(
            r#"{"xtx_func_name":"SOF_Login","call_cmd_id":"i_7","param":["id",123456],"cookie":"s=1"}"#,
        )
        .unwrap();
        assert_eq!((r.function.as_str(), r.call_id.as_str()), ("SOF_Login", "i_7"));
        assert_eq!(r.text(0).as_deref(), Some("id"));
        assert_eq!(r.number(1), Some(123456));
        let mut r = Request::parse(
            r#"{"xtx_func_name":"SOF_GetCertInfo","call_cmd_id":3,"param_1":"MII","param_2":"0x11"}"#,
        )
        .unwrap();
        assert_eq!(r.call_id, "3");
        assert_eq!(r.number(1), Some(17));
        assert_eq!(r.secret(0).unwrap().expose(), "MII");
        assert_eq!(r.text(0).as_deref(), Some(""), "taken out of the request");
        for bad in ["", "[]", "{}", r#"{"xtx_func_name":7}"#, "not json"] {
            assert!(Request::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn answers_carry_the_call_id() {
        let a: Value = serde_json::from_str(&answer("i_1", "true")).unwrap();
        assert_eq!(a["call_cmd_id"], "i_1");
        assert_eq!(a["retVal"], "true");
    }
}
