//! The Rust client that `jsonws gen --lang Rust` writes for the demo service, compiled as
//! the generator writes it: `src/demo_client.rs` is the generator's output byte for byte
//! (`cargo test -p jsonws-cli golden` checks it), and `src/main.rs` runs it against a live
//! `jsonws serve`.

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
pub mod demo_client;
