//! zca against a hostile platform: each bad answer is a clear error with the right exit code,
//! in time, without a panic, and nothing is sent where it should not go.

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::hostile::{Answer, Hostile};
use common::*;

const LOCAL: &[&str] = &["localhost", "127.0.0.1"];

fn zca_at(hsm: &Hsm, h: &Hostile) -> std::process::Command {
    let mut cmd = hsm.zca();
    cmd.env("ZCA_PLATFORM", &h.origin).env("ZCA_CA_FILE", &h.ca_file);
    cmd
}

/// `zca drivers --json` against the server: (exit code, error code, message).
fn drivers(hsm: &Hsm, h: &Hostile, extra: &[&str]) -> (i32, String, String) {
    let (code, out, err) =
        run(zca_at(hsm, h).args(extra).args(["--lang", "en", "drivers", "--json"]));
    assert!(!err.contains("panicked"), "{err}");
    let doc = json(&out);
    let e = &doc["error"];
    (code, e["code"].as_str().unwrap_or("").into(), e["message"].as_str().unwrap_or("").into())
}

#[test]
fn broken_answers_are_bad_responses() {
    let hsm = Hsm::new();
    let json_type = "Content-Type: application/json";
    for (what, answer) in [
        (
            "truncated JSON",
            Hostile::answer("200 OK", &[json_type, "Content-Length: 40"], b"{\"drivers\": ["),
        ),
        (
            "HTML",
            Hostile::answer("200 OK", &["Content-Type: text/html"], b"<html>login first</html>"),
        ),
        (
            "an error without the contract",
            Hostile::answer("500 Oops", &["Content-Type: text/plain"], b"oops"),
        ),
    ] {
        let h = Hostile::start(LOCAL, answer);
        let (code, error, message) = drivers(&hsm, &h, &[]);
        assert_eq!((code, error.as_str()), (6, "bad_response"), "{what}: {message}");
        assert!(message.contains(&h.origin), "names the URL: {message}");
    }
}

#[test]
fn an_answer_over_10_mb_is_refused_with_or_without_a_length() {
    let hsm = Hsm::new();
    let big = vec![b' '; 11 * 1024 * 1024];
    let with_length = Hostile::answer(
        "200 OK",
        &["Content-Type: application/json", &format!("Content-Length: {}", big.len())],
        &big,
    );
    let without = Hostile::answer("200 OK", &["Content-Type: application/json"], &big);
    for answer in [with_length, without] {
        let h = Hostile::start(LOCAL, answer);
        let (code, error, message) = drivers(&hsm, &h, &[]);
        assert_eq!((code, error.as_str()), (6, "bad_response"), "{message}");
        assert!(message.contains("larger than"), "{message}");
    }
}

#[test]
fn a_platform_that_never_answers_times_out() {
    let hsm = Hsm::new();
    let h = Hostile::start(LOCAL, Answer::Silence);
    let start = Instant::now();
    let (code, error, _) = drivers(&hsm, &h, &["--timeout", "2"]);
    assert_eq!((code, error.as_str()), (6, "network"));
    assert!(start.elapsed() < Duration::from_secs(10), "gave up in {:?}", start.elapsed());
}

#[test]
fn a_redirect_is_not_followed_and_the_token_goes_nowhere_else() {
    let hsm = Hsm::new();
    let elsewhere = Hostile::start(LOCAL, Hostile::answer("200 OK", &[], b"{}"));
    let h = Hostile::start(
        LOCAL,
        Hostile::answer("302 Found", &[&format!("Location: {}/api/v1/me", elsewhere.origin)], b""),
    );
    let (code, out, err) =
        run(zca_at(&hsm, &h).args(["status", "--json"]).env("ZCA_TOKEN", "secret-session-token"));
    assert_eq!(code, 6, "{out}{err}");
    assert_eq!(json(&out)["error"]["code"], "bad_response");
    assert_eq!(h.requests.load(Ordering::SeqCst), 1);
    assert_eq!(elsewhere.requests.load(Ordering::SeqCst), 0, "nothing followed the redirect");
}

#[test]
fn plain_http_and_a_certificate_for_another_name_are_refused() {
    let hsm = Hsm::new();
    let h = Hostile::start(LOCAL, Hostile::answer("200 OK", &[], b"{}"));
    let plain = h.origin.replace("https://", "http://");
    let (code, out, _) = run(hsm.zca().env("ZCA_PLATFORM", &plain).args(["drivers", "--json"]));
    assert_eq!(code, 2, "{out}");
    assert_eq!(json(&out)["error"]["code"], "platform_url_invalid");
    assert_eq!(h.requests.load(Ordering::SeqCst), 0, "no plain-text request was sent");

    let other = Hostile::start(&["other.example"], Hostile::answer("200 OK", &[], b"{}"));
    let (code, error, message) = drivers(&hsm, &other, &[]);
    assert_eq!((code, error.as_str()), (6, "tls"), "{message}");
    assert_eq!(other.requests.load(Ordering::SeqCst), 0);
}
