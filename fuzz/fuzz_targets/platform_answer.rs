//! What zca makes of any status and body a platform (or something posing as one) answers.
#![no_main]

use reqwest::StatusCode;
use zca::api::decode_answer;
use zca_contract::{Bindings, Challenge, Drivers, Health, Session, User};

fn decode<T: serde::de::DeserializeOwned>(status: StatusCode, body: &[u8]) {
    if let Err(e) = decode_answer::<T>(status, StatusCode::OK, body, "https://p.example".into()) {
        let _ = (e.message(), e.hint(), e.exit_code(), e.code());
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((head, body)) = data.split_first_chunk::<2>() else { return };
    let Ok(status) = StatusCode::from_u16(100 + u16::from_be_bytes(*head) % 500) else { return };
    decode::<Session>(status, body);
    decode::<Challenge>(status, body);
    decode::<Bindings>(status, body);
    decode::<Drivers>(status, body);
    decode::<Health>(status, body);
    decode::<User>(status, body);
});
