//! Reconnecting with exponential backoff and jitter.

use std::time::Duration;

/// How a [`WsClient`](super::WsClient) reconnects after losing its connection: the delay
/// starts at `initial`, doubles (`factor`) after each failed attempt up to `max`, and each
/// delay is randomized by ±`jitter` (a fraction) so many clients do not return in lockstep.
///
/// ```
/// use std::time::Duration;
/// use jsonws::client::Reconnect;
///
/// let policy = Reconnect { initial: Duration::from_millis(50), ..Reconnect::default() };
/// assert_eq!(policy.max, Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Reconnect {
    /// The first delay (default 100 ms).
    pub initial: Duration,
    /// The longest delay (default 10 s).
    pub max: Duration,
    /// The growth per failed attempt (default 2).
    pub factor: f64,
    /// The random spread of each delay, as a fraction of it (default 0.2).
    pub jitter: f64,
    /// Gives up after this many failed attempts in a row (default: never).
    pub max_attempts: Option<u32>,
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(10),
            factor: 2.0,
            jitter: 0.2,
            max_attempts: None,
        }
    }
}

impl Reconnect {
    /// The delay before attempt `attempt` (1 for the first).
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        let base = self.initial.as_secs_f64() * self.factor.powi(attempt.saturating_sub(1) as i32);
        let base = base.min(self.max.as_secs_f64());
        let spread = base * self.jitter.clamp(0.0, 1.0) * (2.0 * random_unit() - 1.0);
        Duration::from_secs_f64((base + spread).max(0.0))
    }
}

/// A number in [0, 1): good enough to spread reconnects, with no dependency for it.
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_maximum_within_the_jitter() {
        let policy = Reconnect::default();
        for (attempt, base_ms) in [
            (1, 100.0),
            (2, 200.0),
            (3, 400.0),
            (10, 10_000.0),
            (40, 10_000.0),
        ] {
            for _ in 0..20 {
                let ms = policy.delay(attempt).as_secs_f64() * 1000.0;
                assert!(
                    ms >= base_ms * 0.8 - 1e-6 && ms <= base_ms * 1.2 + 1e-6,
                    "attempt {attempt}: {ms}"
                );
            }
        }
    }
}
