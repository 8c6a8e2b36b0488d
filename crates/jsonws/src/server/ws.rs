//! The WebSocket upgrade: checks, limits, then a peer per connection.

use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::Server;
use crate::peer::{self, open};

pub(super) async fn get(State(server): State<Server>, request: Request) -> Response {
    if !wants_upgrade(request.headers()) {
        return (
            StatusCode::OK,
            "This is a JSON-RPC 2.0 endpoint: POST a request with `Content-Type: application/json`, \
             or open a WebSocket here.\n",
        )
            .into_response();
    }
    upgrade(server, request).await
}

/// Answers a WebSocket upgrade with a peer serving `server`'s methods.
pub(super) async fn upgrade(server: Server, mut request: Request) -> Response {
    if request.version() != axum::http::Version::HTTP_11 {
        return (
            StatusCode::BAD_REQUEST,
            "a WebSocket upgrade needs HTTP/1.1\n",
        )
            .into_response();
    }
    let headers = request.headers();
    if headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_none_or(|v| v != "13")
    {
        return (
            StatusCode::BAD_REQUEST,
            "`Sec-WebSocket-Version` must be 13\n",
        )
            .into_response();
    }
    let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY) else {
        return (
            StatusCode::BAD_REQUEST,
            "`Sec-WebSocket-Key` header is missing\n",
        )
            .into_response();
    };
    let accept = derive_accept_key(key.as_bytes());
    if server.is_shutting_down() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down\n",
        )
            .into_response();
    }
    let Some(slot) = ConnectionSlot::take(&server) else {
        let limit = server.config.max_connections;
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the server holds its limit of {limit} connections; try again later\n"),
        )
            .into_response();
    };
    let Some(on_upgrade) = request.extensions_mut().remove::<OnUpgrade>() else {
        return (
            StatusCode::BAD_REQUEST,
            "this connection cannot be upgraded to a WebSocket\n",
        )
            .into_response();
    };
    let (parts, _body) = request.into_parts();
    let tasks = server.state.tasks.clone();
    tasks.spawn(async move {
        let _slot = slot;
        let upgraded = match on_upgrade.await {
            Ok(upgraded) => upgraded,
            Err(e) => {
                tracing::debug!(error = %e, "WebSocket upgrade failed");
                return;
            }
        };
        let socket = WebSocketStream::from_raw_socket(
            TokioIo::new(upgraded),
            Role::Server,
            Some(server.config.websocket()),
        )
        .await;
        let setup = peer::connection_setup(
            &server.methods,
            &server.config,
            Some(server.state.shutdown.clone()),
        );
        let (_peer, task) = open(socket, setup, |peer| {
            super::http::connection_context(&parts, crate::handler::Transport::WebSocket, peer)
        });
        task.await;
    });
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(accept) = HeaderValue::from_str(&accept) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    response
}

pub(super) fn wants_upgrade(headers: &HeaderMap) -> bool {
    let has = |name, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str().is_ok_and(|v| {
                v.split(',')
                    .any(|part| part.trim().eq_ignore_ascii_case(token))
            })
        })
    };
    has(header::CONNECTION, "upgrade") && has(header::UPGRADE, "websocket")
}

/// One of the server's connection places, given back on drop.
pub(super) struct ConnectionSlot(Server);

impl ConnectionSlot {
    pub(super) fn take(server: &Server) -> Option<Self> {
        let limit = server.config.max_connections;
        server
            .state
            .connections
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .ok()
            .map(|_| ConnectionSlot(server.clone()))
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.state.connections.fetch_sub(1, Ordering::AcqRel);
    }
}
