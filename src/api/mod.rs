//! The platform client: HTTPS with rustls (the system's roots plus `--ca-file`, never without
//! verification), one connection for all requests of a command, timeouts, a cap on response
//! size, and every failure mapped to zca's error type. Wire types are the contract's.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use reqwest::blocking::{Client as Http, Response};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use zca_contract::{
    BindRequest, Binding, Bindings, CaLogin, Challenge, ChallengeRequest, Drivers, ErrorBody,
    Health, Purpose, Session, User,
};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::secret::Secret;

mod tls;

use tls::tls_config;

/// Answers larger than this are refused, not read: no platform answer of the contract is near it.
pub const MAX_RESPONSE: u64 = 10 * 1024 * 1024;

pub struct ClientOptions<'a> {
    pub url: &'a str,
    pub ca_file: Option<&'a Path>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub lang: Lang,
}

pub struct Client {
    http: Http,
    /// The API base, ending in `/api/v1/`.
    base: Url,
    origin: String,
}

impl Client {
    pub fn new(opts: &ClientOptions<'_>) -> Result<Client> {
        let url = parse_platform_url(opts.url)?;
        let origin = url.origin().ascii_serialization();
        let base =
            url.join("api/v1/").map_err(|_| Error::BadPlatformUrl { url: opts.url.into() })?;
        let tls = tls_config(opts.ca_file)?;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT_LANGUAGE,
            reqwest::header::HeaderValue::from_static(opts.lang.accept_language()),
        );
        let http = Http::builder()
            .use_preconfigured_tls(tls)
            .https_only(true)
            .user_agent(concat!("zca/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            // A redirect would carry the bearer token elsewhere: the contract has none.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Internal { detail: e.to_string() })?;
        Ok(Client { http, base, origin })
    }

    /// `https://host[:port]`, as the platform must write it into challenges.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    pub fn health(&self) -> Result<(Health, Option<String>)> {
        let resp = self.send(Method::GET, "health", None, None::<&()>)?;
        let date = resp
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|d| d.to_str().ok())
            .map(str::to_string);
        Ok((self.parse(resp, StatusCode::OK)?, date))
    }

    /// The body holding the password is built in a zeroizing buffer that the HTTP client
    /// hands back (and zeroizes) when it has sent it.
    pub fn password_login(&self, account: &str, password: &Secret) -> Result<Session> {
        #[derive(Serialize)]
        struct Body<'a> {
            account: &'a str,
            password: &'a str,
        }
        let body = Body { account, password: password.expose() };
        let mut bytes = Zeroizing::new(Vec::with_capacity(
            64 + account.len() * 6 + 6 * password.expose().len(),
        ));
        serde_json::to_writer(&mut *bytes, &body)
            .map_err(|e| Error::Internal { detail: e.to_string() })?;
        let url = self.base.join("sessions/password").expect("API paths are relative");
        let resp = self
            .http
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(Bytes::from_owner(bytes))
            .send()
            .map_err(|e| transport_error(&url, &e))?;
        self.parse(resp, StatusCode::CREATED)
    }

    /// A challenge, refused unless it names the origin zca was pointed at. The origin kept in
    /// it is that configured one: what was checked is what gets signed.
    pub fn challenge(&self, purpose: Purpose, token: Option<&Secret>) -> Result<Challenge> {
        let mut ch: Challenge = self.call(
            Method::POST,
            "ca/challenges",
            token,
            Some(&ChallengeRequest { purpose }),
            StatusCode::CREATED,
        )?;
        ch.origin = self.checked_origin(&ch.origin)?;
        Ok(ch)
    }

    /// The challenge's origin if it is this client's platform, as the client spells it. A URL
    /// parser forgives what the signed bytes would not (a line break, a trailing path): the
    /// origin that goes into them is always the normalized one.
    fn checked_origin(&self, raw: &str) -> Result<String> {
        let got = Url::parse(raw).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
        if got != self.origin {
            return Err(Error::OriginMismatch { expected: self.origin.clone(), got: raw.into() });
        }
        Ok(got)
    }

    pub fn ca_login(&self, req: &CaLogin) -> Result<Session> {
        self.call(Method::POST, "sessions/ca", None, Some(req), StatusCode::CREATED)
    }

    pub fn logout(&self, token: &Secret) -> Result<()> {
        let resp = self.send(Method::DELETE, "sessions/current", Some(token), None::<&()>)?;
        self.expect_empty(resp)
    }

    pub fn me(&self, token: &Secret) -> Result<User> {
        self.call(Method::GET, "me", Some(token), None::<&()>, StatusCode::OK)
    }

    pub fn bindings(&self, token: &Secret) -> Result<Vec<Binding>> {
        let list: Bindings =
            self.call(Method::GET, "ca/bindings", Some(token), None::<&()>, StatusCode::OK)?;
        Ok(list.bindings)
    }

    /// Returns the binding, and whether it is new (201) or already was (200).
    pub fn bind(&self, token: &Secret, req: &BindRequest) -> Result<(Binding, bool)> {
        let resp = self.send(Method::POST, "ca/bindings", Some(token), Some(req))?;
        let created = resp.status() == StatusCode::CREATED;
        let expected = if created { StatusCode::CREATED } else { StatusCode::OK };
        Ok((self.parse(resp, expected)?, created))
    }

    pub fn unbind(&self, token: &Secret, id: i64) -> Result<()> {
        let resp =
            self.send(Method::DELETE, &format!("ca/bindings/{id}"), Some(token), None::<&()>)?;
        self.expect_empty(resp)
    }

    pub fn drivers(&self) -> Result<Drivers> {
        self.call(Method::GET, "ca/drivers", None, None::<&()>, StatusCode::OK)
    }

    /// A driver file: any https URL the catalogue names, fetched without the session token.
    pub fn download(&self, url: &str) -> Result<Response> {
        let parsed = Url::parse(url).ok().filter(|u| u.scheme() == "https").ok_or_else(|| {
            Error::BadResponse {
                url: url.into(),
                detail: "the catalogue names a URL that is not https".into(),
            }
        })?;
        let resp =
            self.http.get(parsed.clone()).send().map_err(|e| transport_error(&parsed, &e))?;
        if !resp.status().is_success() {
            let status = resp.status();
            let bytes = read_capped(resp, url)?;
            return Err(refusal(status, &bytes, url.into()));
        }
        Ok(resp)
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&Secret>,
        body: Option<&impl Serialize>,
        expected: StatusCode,
    ) -> Result<T> {
        let resp = self.send(method, path, token, body)?;
        self.parse(resp, expected)
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&Secret>,
        body: Option<&impl Serialize>,
    ) -> Result<Response> {
        let url = self.base.join(path).expect("API paths are relative");
        let phase = || format!("{method} {path}, answer's headers");
        let mut req = self.http.request(method.clone(), url.clone());
        if let Some(token) = token {
            req = req.header(reqwest::header::AUTHORIZATION, bearer(token));
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        // The first request of a run also connects: TCP and the TLS handshake.
        crate::timing::measure(phase, || req.send().map_err(|e| transport_error(&url, &e)))
    }

    /// The body as `T` when the status is the expected one; the platform's error otherwise.
    fn parse<T: DeserializeOwned>(&self, resp: Response, expected: StatusCode) -> Result<T> {
        let url = resp.url().to_string();
        let status = resp.status();
        let bytes =
            crate::timing::measure(|| "read the answer's body".into(), || read_capped(resp, &url))?;
        crate::timing::measure(
            || "parse the answer".into(),
            || decode_answer(status, expected, &bytes, url),
        )
    }

    fn expect_empty(&self, resp: Response) -> Result<()> {
        let url = resp.url().to_string();
        let status = resp.status();
        if status == StatusCode::NO_CONTENT {
            return Ok(());
        }
        let bytes = read_capped(resp, &url)?;
        Err(refusal(status, &bytes, url))
    }
}

/// What an answer means, from its status and body alone (the part of talking to the platform
/// that hostile answers reach; fuzzed in fuzz/).
pub fn decode_answer<T: DeserializeOwned>(
    status: StatusCode,
    expected: StatusCode,
    body: &[u8],
    url: String,
) -> Result<T> {
    if status == expected {
        return serde_json::from_slice(body)
            .map_err(|e| Error::BadResponse { url, detail: e.to_string() });
    }
    Err(refusal(status, body, url))
}

/// The platform's error, or a clear word that the answer was not the contract's.
fn refusal(status: StatusCode, body: &[u8], url: String) -> Error {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => Error::Platform { code: e.error.code, message: e.error.message },
        Err(_) => {
            Error::BadResponse { url, detail: format!("HTTP {status} without a contract error") }
        }
    }
}

/// `Bearer <token>` in a zeroizing buffer, marked sensitive (never shown in Debug output).
fn bearer(token: &Secret) -> reqwest::header::HeaderValue {
    let mut text = Zeroizing::new(Vec::with_capacity(7 + token.expose().len()));
    text.extend_from_slice(b"Bearer ");
    text.extend_from_slice(token.expose().as_bytes());
    let mut value = reqwest::header::HeaderValue::from_maybe_shared(Bytes::from_owner(text))
        .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
    value.set_sensitive(true);
    value
}

/// The answer's body, in a zeroizing buffer (answers hold session tokens) sized once from its
/// Content-Length where given, so that growing it leaves no copy behind.
fn read_capped(resp: Response, url: &str) -> Result<Zeroizing<Vec<u8>>> {
    let too_big = || Error::BadResponse {
        url: url.into(),
        detail: format!("the answer is larger than {MAX_RESPONSE} bytes"),
    };
    if resp.content_length().is_some_and(|n| n > MAX_RESPONSE) {
        return Err(too_big());
    }
    let expected = resp.content_length().unwrap_or(16 * 1024) as usize;
    let mut bytes = Zeroizing::new(Vec::with_capacity(expected + 1));
    // The platform was reached and began to answer: a body that breaks off is a bad answer.
    resp.take(MAX_RESPONSE + 1).read_to_end(&mut bytes).map_err(|e| Error::BadResponse {
        url: url.into(),
        detail: format!("the answer broke off: {e}"),
    })?;
    if bytes.len() as u64 > MAX_RESPONSE {
        return Err(too_big());
    }
    Ok(bytes)
}

pub fn parse_platform_url(raw: &str) -> Result<Url> {
    let bad = || Error::BadPlatformUrl { url: raw.into() };
    let mut url = Url::parse(raw.trim()).map_err(|_| bad())?;
    if url.scheme() != "https" || url.host_str().is_none() {
        return Err(bad());
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Connection refused, DNS, timeouts → network; certificate problems → TLS with the --ca-file
/// hint. The chain of sources says which.
fn transport_error(url: &Url, err: &reqwest::Error) -> Error {
    let url = url.origin().ascii_serialization();
    if let Some(tls) = find_rustls_error(err) {
        return Error::Tls { url, detail: tls.to_string() };
    }
    let detail = if err.is_timeout() { "timed out".to_string() } else { innermost(err) };
    Error::Network { url, detail }
}

/// rustls errors travel inside io::Errors (sometimes two deep), whose `source()` skips them.
fn find_rustls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        current = match e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

/// The most specific text in the chain ("Connection refused"), not the outermost wrapper.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut current = err.source();
    while let Some(e) = current {
        let t = e.to_string();
        if !t.is_empty() {
            text = t;
        }
        current = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_urls() {
        assert_eq!(parse_platform_url("https://h:8443").unwrap().as_str(), "https://h:8443/");
        assert_eq!(
            parse_platform_url("https://h/zcy").unwrap().join("api/v1/").unwrap().as_str(),
            "https://h/zcy/api/v1/"
        );
        assert!(parse_platform_url("http://h").is_err(), "plain HTTP is refused");
        assert!(parse_platform_url("h:8443").is_err());
    }

    /// A URL parser drops line breaks and paths that the signed bytes would keep: the origin
    /// signed is the one checked, never the platform's text.
    #[test]
    fn the_origin_signed_is_the_origin_checked() {
        let client = Client::new(&ClientOptions {
            url: "https://127.0.0.1:8443",
            ca_file: None,
            connect_timeout: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
            lang: Lang::En,
        })
        .unwrap();
        for raw in
            ["https://127.0.0.1:8443", "https://127.0.0.1:84\n43", "https://127.0.0.1:8443/x"]
        {
            assert_eq!(client.checked_origin(raw).unwrap(), "https://127.0.0.1:8443", "{raw:?}");
        }
        for raw in ["https://127.0.0.1:8444", "http://127.0.0.1:8443", "not a url"] {
            assert_eq!(client.checked_origin(raw).unwrap_err().code(), "origin_mismatch");
        }
    }
}
