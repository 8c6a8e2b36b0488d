//! JSON-RPC over HTTP POST: one request or batch per body.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, OriginalUri, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Server;
use crate::handler::{ConnectionId, Context, Transport};
use crate::peer::dispatch::{Dispatch, Dispatcher, error_frame};
use crate::protocol::{self, ErrorObject, Id, code};

pub(super) async fn post(State(server): State<Server>, request: Request) -> Response {
    handle(&server, request).await
}

/// Answers one JSON-RPC POST with `server`'s methods.
pub(super) async fn handle(server: &Server, request: Request) -> Response {
    if !is_json(request.headers().get(header::CONTENT_TYPE)) {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send JSON-RPC with `Content-Type: application/json`\n",
        )
            .into_response();
    }
    let (parts, body) = request.into_parts();
    let limit = server.config.max_message_size;
    let bytes = match to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let error = ErrorObject::server(code::LIMIT_EXCEEDED, "Request too large")
                .with_data(format!("the body is over the limit of {limit} bytes"));
            return json(
                StatusCode::PAYLOAD_TOO_LARGE,
                error_frame(&Id::null(), &error),
            );
        }
    };
    let remote = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    // Nesting strips the mount prefix from `uri`; handlers see the URI the client sent.
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
    let context = Context::new(
        ConnectionId::next(),
        Transport::Http,
        remote,
        uri,
        parts.headers,
        None,
    );
    let dispatcher = Dispatcher {
        methods: &server.methods,
        context: &context,
        pending: None,
        refuse: None,
    };
    let reply = match dispatcher.dispatch(protocol::parse(bytes, &server.config.parse_limits())) {
        Dispatch::Done(reply) => reply,
        Dispatch::Running(fut) => fut.await,
    };
    match reply {
        Some(body) => json(StatusCode::OK, body),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

pub(super) fn json(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `application/json`, with or without parameters such as `charset=utf-8`.
fn is_json(value: Option<&HeaderValue>) -> bool {
    let Some(value) = value.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}
