//! What every request handler shares: the database pool, the configuration, and the peer's
//! address the server loop puts on each request.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::db::Pool;
use crate::service::Config;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub cfg: Arc<Config>,
}

/// The peer's address, put on each request by the server loop.
#[derive(Clone, Copy, Debug)]
pub struct RemoteAddr(pub SocketAddr);

/// The client's address, for the audit log.
pub fn remote_of(parts: &axum::http::Extensions) -> Option<String> {
    parts.get::<RemoteAddr>().map(|r| r.0.ip().to_string())
}
