//! Integration tests: a real server on 127.0.0.1:0, driven by raw HTTP and WebSocket clients
//! and by jsonws's own clients.

/// The Rust API: macro events, state, axum fit, extensions, layers, errors, Rust types.
mod api;
/// Hostile and malformed input on one WebSocket connection, which must keep serving.
mod bad_input;
/// Frames pipelined in one write, every one answered.
mod burst;
/// Generated clients: `?proxy=`, the document readers, golden files.
mod codegen;
mod docs;
/// HTTP specifics: status codes, content types, context.
mod http;
/// HTTP connections: timeouts, the connection limit, HTTP/1.1's own rules, compression.
mod http_conn;
/// Ids echoed exactly, on both transports.
mod ids;
/// json-ws description files imported into a service: the model, serving it, and broken files.
mod import;
/// Graceful shutdown and slow consumers.
mod lifecycle;
/// Configured limits: message size, batch size, depth, connections, in-flight calls.
mod limits;
/// `?json` metadata and the OpenRPC document, against snapshots in tests/fixtures/metadata/.
mod metadata;
/// The symmetric peer: server → client calls, errors, timeouts, close.
mod peer;
/// The examples of section 7 of the JSON-RPC 2.0 specification, over HTTP and WebSocket.
mod spec;

/// Events: subscriptions, fan-out, reconnecting clients.
mod events;
/// Many services and versions on one router.
mod registry;
/// REST-style calls.
mod rest;
/// Typed services end to end: the builder and the demo-shaped service.
mod services;
/// Socket.IO through a raw engine.io client: context and limits.
mod socketio;
/// Values at the edges of their types: non-finite numbers, the date range, raw `any`.
mod values;

mod util;
