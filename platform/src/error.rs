//! API errors: an HTTP status, a stable code from the contract, and a message for people in
//! Chinese or English (chosen per request from Accept-Language by `localize_errors`).

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use zca_contract::{code, ErrorBody, ErrorDetail};

/// The code of a state-changing request from a page without the right CSRF token (the pages
/// answer it; the API has no such requests).
pub const CSRF_REFUSED: &str = "csrf_refused";

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    /// Seconds, for 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> ApiError {
        ApiError { status, code, retry_after: None }
    }

    pub fn invalid_request() -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code::INVALID_REQUEST)
    }
    pub fn unauthenticated() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, code::UNAUTHENTICATED)
    }
    pub fn challenge_invalid() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, code::CHALLENGE_INVALID)
    }
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code::NOT_FOUND)
    }
    pub fn internal() -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> ApiError {
        match err.downcast::<ApiError>() {
            Ok(api) => api,
            Err(err) => {
                tracing::error!(error = %format!("{err:#}"), "internal error");
                ApiError::internal()
            }
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)
    }
}

impl std::error::Error for ApiError {}

/// Marks a response as an API error so that the language middleware can localize it.
#[derive(Clone, Copy)]
struct ErrorCode(&'static str);

impl ApiError {
    /// The response with its message in Chinese or English.
    pub fn response_in(self, chinese: bool) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: message(self.code, chinese).to_string(),
            },
        };
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp.extensions_mut().insert(ErrorCode(self.code));
        resp
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.response_in(false)
    }
}

/// Whether the client prefers Chinese: the first language of Accept-Language decides.
pub fn wants_chinese(accept_language: Option<&HeaderValue>) -> bool {
    accept_language
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|first| first.trim().to_ascii_lowercase().starts_with("zh"))
}

/// Rewrites error bodies in Chinese for clients that ask for it.
pub async fn localize_errors(req: Request, next: Next) -> Response {
    let chinese = wants_chinese(req.headers().get(header::ACCEPT_LANGUAGE));
    let mut resp = next.run(req).await;
    if let (true, Some(ErrorCode(code))) = (chinese, resp.extensions().get::<ErrorCode>().copied())
    {
        let body = ErrorBody {
            error: ErrorDetail { code: code.to_string(), message: message(code, true).to_string() },
        };
        let (mut parts, _) = resp.into_parts();
        let json = serde_json::to_vec(&body).unwrap_or_default();
        parts.headers.remove(header::CONTENT_LENGTH);
        resp = Response::from_parts(parts, axum::body::Body::from(json));
    }
    resp
}

pub fn message(code: &str, chinese: bool) -> &'static str {
    let (en, zh) = match code {
        code::INVALID_REQUEST => ("The request is malformed.", "请求格式不正确。"),
        code::PAYLOAD_TOO_LARGE => {
            ("The request body is larger than 1 MiB.", "请求内容超过 1 MiB。")
        }
        code::INVALID_CREDENTIALS => ("Wrong account or password.", "账号或密码错误。"),
        code::TOO_MANY_ATTEMPTS => (
            "Too many failed logins for this account; try again later.",
            "该账号登录失败次数过多, 请稍后再试。",
        ),
        code::UNAUTHENTICATED => {
            ("Not logged in, or the session has ended.", "未登录或会话已失效。")
        }
        code::CHALLENGE_INVALID => (
            "The challenge is unknown, used or expired; ask for a new one.",
            "挑战码无效、已使用或已过期, 请重新获取。",
        ),
        code::SIGNATURE_INVALID => ("The signature does not verify.", "签名验证失败。"),
        code::UNSUPPORTED_ALGORITHM => (
            "The signature algorithm does not fit the certificate's key.",
            "签名算法与证书密钥不匹配。",
        ),
        code::CERTIFICATE_UNTRUSTED => (
            "The certificate is not issued by a CA this platform trusts.",
            "证书不是由本平台信任的 CA 签发的。",
        ),
        code::CERTIFICATE_EXPIRED => ("The certificate has expired.", "证书已过期。"),
        code::CERTIFICATE_NOT_YET_VALID => ("The certificate is not valid yet.", "证书尚未生效。"),
        code::CERTIFICATE_KEY_USAGE => {
            ("The certificate does not allow digital signatures.", "证书的密钥用法不允许数字签名。")
        }
        code::CA_LOCK_BOUND_TO_OTHER_USER => (
            "This CA key or certificate is already bound to another user.",
            "该 CA 锁或证书已绑定到其他用户。",
        ),
        code::CERTIFICATE_NOT_BOUND => {
            ("This certificate is not bound to any account.", "该证书未绑定任何账号。")
        }
        code::NOT_FOUND => ("Not found.", "未找到。"),
        code::CERTIFICATE_REVOKED => ("The certificate has been revoked.", "证书已被吊销。"),
        CSRF_REFUSED => {
            ("This page has expired; reload it and try again.", "页面已过期，请刷新后重试。")
        }
        _ => ("Internal error.", "内部错误。"),
    };
    if chinese {
        zh
    } else {
        en
    }
}
