//! JSON-RPC over HTTP POST: one request or batch per body.

use std::net::SocketAddr;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{ConnectInfo, OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Server;
use crate::Peer;
use crate::handler::{ConnectionId, Context, Transport};
use crate::peer::dispatch::{answer, error_frame};
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
    let bytes = match read_body(server, &parts, body).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    let context = request_context(parts);
    let incoming = protocol::parse(bytes, &server.config.parse_limits());
    let reply = answer(
        &server.methods,
        &context,
        incoming,
        server.config.max_message_size,
    )
    .await;
    match reply {
        Some(body) => json(StatusCode::OK, body),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// Reads a body up to the message size limit and within the body timeout; otherwise the
/// answer to send instead: 413 over the limit (before `100 Continue` is sent, when the
/// declared length is over it already), 408 too slow, 400 a body that is not valid HTTP
/// (a malformed chunk). A compressed body's limit applies to its decompressed bytes.
pub(super) async fn read_body(
    server: &Server,
    parts: &Parts,
    body: Body,
) -> Result<Bytes, Response> {
    let limit = server.config.max_message_size;
    let too_large = || {
        let error = ErrorObject::server(code::LIMIT_EXCEEDED, "Request too large")
            .with_data(format!("the body is over the limit of {limit} bytes"));
        closing(json(
            StatusCode::PAYLOAD_TOO_LARGE,
            error_frame(&Id::null(), &error),
        ))
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64)
        && !parts.headers.contains_key(header::CONTENT_ENCODING)
    {
        return Err(too_large());
    }
    let timeout = server.config.body_timeout;
    match tokio::time::timeout(timeout, to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if is_length_limit(&e) => Err(too_large()),
        Ok(Err(e)) => {
            let error = ErrorObject::new(code::PARSE_ERROR, "Invalid request body")
                .with_data(format!("the HTTP body could not be read: {e}"));
            Err(closing(json(
                StatusCode::BAD_REQUEST,
                error_frame(&Id::null(), &error),
            )))
        }
        Err(_) => {
            let error = ErrorObject::server(code::TIMEOUT, "Request body too slow").with_data(
                format!("the body did not arrive within {}s", timeout.as_secs_f32()),
            );
            Err(closing(json(
                StatusCode::REQUEST_TIMEOUT,
                error_frame(&Id::null(), &error),
            )))
        }
    }
}

/// Whether reading a body failed on the size limit (not on the body itself).
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(error) = source {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// The response, with the connection closed after it: the rest of the body is not read.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// What a handler may know of the HTTP request that reached it.
pub(super) fn request_context(parts: Parts) -> Context {
    let remote = remote_addr(&parts);
    let uri = original_uri(&parts).clone();
    Context::new(
        ConnectionId::next(),
        Transport::Http,
        remote,
        uri,
        parts.headers,
        parts.extensions,
        None,
    )
}

/// The context of a connection that lives on after the request that opened it (a WebSocket's
/// upgrade, Socket.IO's first request), with `peer` to call back. The header values and the URI
/// are slices of hyper's read buffer, which would stay alive with them for the connection's
/// whole life: copied out, an idle connection costs 12 KiB instead of 20 (BENCHMARKS.md).
pub(super) fn connection_context(parts: &Parts, transport: Transport, peer: Peer) -> Context {
    let headers = parts
        .headers
        .iter()
        .filter_map(|(name, value)| {
            let mut copy = HeaderValue::from_bytes(value.as_bytes()).ok()?;
            copy.set_sensitive(value.is_sensitive());
            Some((name.clone(), copy))
        })
        .collect();
    let uri = original_uri(parts);
    let uri: axum::http::Uri = uri.to_string().parse().unwrap_or_else(|_| uri.clone());
    // The extensions too: axum's `OriginalUri` is a slice of the same buffer.
    let mut extensions = parts.extensions.clone();
    if extensions.remove::<OriginalUri>().is_some() {
        extensions.insert(OriginalUri(uri.clone()));
    }
    Context::new(
        peer.id(),
        transport,
        remote_addr(parts),
        uri,
        headers,
        extensions,
        Some(peer),
    )
}

fn remote_addr(parts: &Parts) -> Option<SocketAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// The URI the client sent: nesting strips the mount prefix from `uri`.
fn original_uri(parts: &Parts) -> &axum::http::Uri {
    parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |o| &o.0)
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
