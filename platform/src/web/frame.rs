//! What every page is drawn in and how it fails: the frame around a page (language, CSRF
//! token, the CA client service's addresses, the user), rendering, redirects, and errors as
//! pages or as the script's JSON, in the page's language.

use askama::Template;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use zca_contract::User;

use super::texts::{self, Texts};
use crate::error::{message, ApiError};
use crate::state::AppState;

/// What every page shows around its own part; each page's template struct derefs to it.
pub struct Frame {
    pub t: &'static Texts,
    pub csrf: String,
    pub bridge: String,
    pub user: Option<User>,
}

/// Gives a page's template the frame's fields (`t`, `csrf`, `bridge`, `user`).
macro_rules! framed {
    ($($page:ty),*) => {$(
        impl std::ops::Deref for $page {
            type Target = $crate::web::frame::Frame;
            fn deref(&self) -> &Self::Target {
                &self.frame
            }
        }
    )*};
}
pub(crate) use framed;

pub fn language(headers: &HeaderMap) -> &'static Texts {
    texts::for_request(headers.get(header::ACCEPT_LANGUAGE))
}

/// The CA client service's addresses, for the pages' script (`data-bridge`).
pub fn bridge(state: &AppState) -> String {
    serde_json::to_string(&state.cfg.bridge_urls).unwrap_or_else(|_| "[]".into())
}

pub fn chinese(t: &Texts) -> bool {
    t.lang.starts_with("zh")
}

/// A failure of the script's JSON calls, in the page's language.
pub fn json_failed(t: &'static Texts) -> impl Fn(ApiError) -> Response {
    move |e| e.response_in(chinese(t))
}

pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_str(to).expect("a path"))])
        .into_response()
}

pub fn render(page: impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page");
            ApiError::internal().into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    frame: Frame,
    message: &'static str,
}
framed!(ErrorPage);

/// A page's failure, shown as a page in the page's language.
pub struct PageError(pub ApiError, pub &'static Texts);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError(e, t) = self;
        let message = message(e.code, chinese(t));
        let frame = Frame { t, csrf: String::new(), bridge: "[]".into(), user: None };
        let mut resp = render(ErrorPage { frame, message });
        *resp.status_mut() = e.status;
        resp
    }
}
