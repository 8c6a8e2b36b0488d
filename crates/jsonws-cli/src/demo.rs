//! The demo service of the design: one method or event for each part of jsonws.
//!
//! Written with `#[jsonws::service]`: each method's params, defaults, result type and
//! description come from its Rust signature and doc comment.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonws::schema::Binary;
use jsonws::service::{BuildError, EmitError, Emitter};
use jsonws::{ErrorObject, Peer, RawJson, Service, Type};
use serde_json::json;

/// A primary colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Type)]
pub(crate) enum Color {
    /// Red.
    Red,
    /// Green.
    Green,
    /// Blue.
    Blue,
}

/// A point on a plane, with a label.
#[derive(Debug, Clone, PartialEq, Type)]
pub(crate) struct Point {
    /// Across.
    x: i64,
    /// Up.
    y: i64,
    /// Shown next to the point.
    #[jsonws(default = "pt")]
    label: String,
}

/// What `tick` carries.
#[derive(Debug, Type)]
pub(crate) struct Tick {
    /// Counts from 1 since the server started.
    seq: i64,
    /// When the tick was sent.
    at: DateTime<Utc>,
}

/// What `chat.message` carries.
#[derive(Debug, Type)]
pub(crate) struct ChatMessage {
    /// What was said.
    text: String,
    /// When it was said.
    at: DateTime<Utc>,
}

/// The demo's events: `chat.send` emits `chat.message`, a task emits `tick`.
#[derive(Debug, jsonws::Events)]
pub(crate) enum DemoEvent {
    /// Sent every second.
    Tick(Tick),
    /// Sent when someone calls chat.send.
    #[jsonws(name = "chat.message")]
    ChatMessage(ChatMessage),
}

/// The largest `types.bytes` answers: enough to try binary data, small enough that a batch
/// of them cannot make the server build a huge reply (over the message limit, entries become
/// errors anyway).
const MAX_BYTES: i64 = 64 * 1024;

/// The demo's methods.
pub(crate) struct Demo;

#[jsonws::service(events = DemoEvent)]
impl Demo {
    /// Adds two integers.
    async fn sum(&self, a: i64, b: i64) -> Result<i64, ErrorObject> {
        a.checked_add(b)
            .ok_or_else(|| ErrorObject::invalid_params("a + b does not fit in a 64-bit integer"))
    }

    /// Returns its argument unchanged: the exact JSON text it was sent.
    async fn echo(&self, value: RawJson) -> RawJson {
        value
    }

    /// Always fails, with application error 4000 and data: what a handler's own error looks like.
    #[jsonws(errors(4000 = "This method always fails."))]
    async fn fail(&self) -> Result<(), ErrorObject> {
        Err(ErrorObject::new(4000, "this method always fails")
            .with_data(json!({ "reason": "demonstration", "retry": false })))
    }

    /// Raises `base` to the power `exp`.
    #[jsonws(namespace = "math")]
    async fn pow(
        &self,
        base: f64,
        #[jsonws(default = 2, description = "The exponent.")] exp: i64,
    ) -> Result<f64, ErrorObject> {
        finite(base.powf(exp as f64))
    }

    /// Returns the point, with its default label filled in.
    #[jsonws(namespace = "types")]
    async fn point(&self, p: Point) -> Point {
        p
    }

    /// Returns the colour (send it by name or by value; it comes back by name).
    #[jsonws(namespace = "types")]
    async fn color(&self, c: Color) -> Color {
        c
    }

    /// Returns `n` bytes: 0, 1, 2, … (wrapping at 256), base64 on the wire.
    #[jsonws(namespace = "types")]
    async fn bytes(&self, n: i64) -> Result<Binary, ErrorObject> {
        if !(0..=MAX_BYTES).contains(&n) {
            return Err(ErrorObject::invalid_params(format!(
                "n must be between 0 and {MAX_BYTES}"
            )));
        }
        Ok(Binary((0..n).map(|i| (i % 256) as u8).collect()))
    }

    /// The server's current time.
    #[jsonws(namespace = "types")]
    async fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    /// The host of a URL.
    #[jsonws(namespace = "types")]
    async fn host(&self, u: url::Url) -> String {
        u.host_str().unwrap_or_default().to_owned()
    }

    /// Returns the date it was given, normalized to UTC with milliseconds.
    #[jsonws(namespace = "types", name = "echoDate")]
    async fn echo_date(&self, value: DateTime<Utc>) -> DateTime<Utc> {
        value
    }

    /// Returns the bytes it was given.
    #[jsonws(namespace = "types", name = "echoBinary")]
    async fn echo_binary(&self, value: Binary) -> Binary {
        value
    }

    /// Returns the boolean it was given.
    #[jsonws(namespace = "types", name = "echoBool")]
    async fn echo_bool(&self, value: bool) -> bool {
        value
    }

    /// Adds up a list of numbers.
    #[jsonws(namespace = "types")]
    async fn total(&self, values: Vec<f64>) -> Result<f64, ErrorObject> {
        // A fold from +0.0: `Iterator::sum` of no floats is -0.0.
        finite(values.iter().fold(0.0, |sum, v| sum + v))
    }

    /// Says something to everyone subscribed to `chat.message`.
    #[jsonws(namespace = "chat")]
    async fn send(&self, events: Emitter<DemoEvent>, text: String) -> Result<(), ErrorObject> {
        events
            .emit(DemoEvent::ChatMessage(ChatMessage {
                text,
                at: Utc::now(),
            }))
            .map_err(|e| {
                tracing::error!(error = %e, "chat.send could not emit");
                ErrorObject::from(e)
            })?;
        Ok(())
    }

    /// Asks the calling client `confirm(question)` and returns its answer: the server calling
    /// its client, over WebSocket.
    async fn ask(&self, peer: Peer, question: String) -> Result<String, ErrorObject> {
        // An answer that is not a string fails the call with a message naming it.
        Ok(peer.call("confirm", (question,)).await?)
    }
}

/// A result JSON can carry: NaN and ±∞ are the application error 4001, not `null`.
fn finite(n: f64) -> Result<f64, ErrorObject> {
    if n.is_finite() {
        Ok(n)
    } else {
        Err(
            ErrorObject::new(4001, "the result is not a finite number").with_data(json!({
                "result": n.to_string()
            })),
        )
    }
}

/// Builds the demo service, version 1.0.0.
pub(crate) fn service() -> Result<Service, BuildError> {
    Service::builder("demo", "1.0.0")
        .description("The jsonws demo: typed methods, a server → client call, and events.")
        .define_all(Demo)
        .build()
}

/// Emits `tick` every second for as long as the service lives.
pub(crate) fn start_ticking(service: &Service) {
    let events = service.emitter::<DemoEvent>();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(1));
        interval.tick().await;
        for seq in 1.. {
            interval.tick().await;
            // Each instance has its own clock: ticks stay off the backplane.
            match events.emit_local(DemoEvent::Tick(Tick {
                seq,
                at: Utc::now(),
            })) {
                Ok(_) => {}
                // The service is gone: nobody is left to tick for.
                Err(EmitError::NotServing(_)) => break,
                Err(e) => tracing::error!(error = %e, "tick could not emit"),
            }
        }
    });
}
