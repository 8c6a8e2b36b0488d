//! Rust clients as `jsonws gen --lang Rust` writes them, compiled as they are written: each
//! `src/*_client.rs` is the generator's output byte for byte (tests/codegen/run.sh checks it),
//! and `src/main.rs` runs the demo client against a live `jsonws serve`.
//!
//! They are not formatted by rustfmt (the generator writes them), but clippy checks them like
//! the rest of the workspace.
//!
//! - `demo_client.rs`: the demo service (`?proxy=Rust` of `jsonws serve`).
//! - `calc_client.rs`: json-ws 3.3.4's calc service, from its `?json` metadata
//!   (crates/jsonws/tests/fixtures/codegen/json-ws-metadata-calc.json).
//! - `edge_client.rs`: the `edge` service of tests/codegen/edge.json (src/bin/edge-server.rs).
//! - `inventory_client.rs`: the inventory description file
//!   (crates/jsonws/tests/fixtures/import/inventory.json).

#[rustfmt::skip]
pub mod demo_client;

#[rustfmt::skip]
pub mod calc_client;

#[rustfmt::skip]
pub mod inventory_client;

/// The `edge` service of tests/codegen/edge.json (reserved words, hostile descriptions), as
/// `?proxy=Rust` of `edge-server` writes it.
#[rustfmt::skip]
pub mod edge_client;
