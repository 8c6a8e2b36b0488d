//! Counting calls and their latencies, per connection and merged for the run.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::Window;

/// One connection's (or the whole run's) counts.
pub(crate) struct Stats {
    /// Latencies in microseconds of the calls completed inside the measured window.
    latency_us: Histogram<u64>,
    /// Replies that were wrong, errors, lost, or never came.
    pub(crate) errors: u64,
    /// Why a connection failed, if one did (the first reason).
    pub(crate) failure: Option<String>,
}

impl Stats {
    pub(crate) fn new() -> Self {
        Stats {
            // 1 µs to 60 s at 3 significant digits.
            latency_us: Histogram::new_with_bounds(1, 60_000_000, 3)
                .expect("valid histogram bounds"),
            errors: 0,
            failure: None,
        }
    }

    /// A call completed inside the measured window after `latency`.
    pub(crate) fn record(&mut self, latency: Duration) {
        let us = u64::try_from(latency.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        self.latency_us.saturating_record(us);
    }

    pub(crate) fn fail(&mut self, reason: String) {
        self.failure.get_or_insert(reason);
    }

    pub(crate) fn merge(&mut self, other: Stats) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.latency_us.add(&other.latency_us);
        self.errors += other.errors;
        if let Some(reason) = other.failure {
            self.fail(reason);
        }
    }

    /// The JSON line of a run that measured for `secs` seconds.
    pub(crate) fn report(
        &self,
        mode: &'static str,
        conns: usize,
        inflight: usize,
        secs: f64,
        busy: Busy,
    ) -> String {
        let h = &self.latency_us;
        let calls = h.len();
        let report = Report {
            mode,
            conns,
            inflight,
            secs,
            calls,
            calls_per_sec: (calls as f64 / secs).round() as u64,
            p50_us: h.value_at_quantile(0.50),
            p99_us: h.value_at_quantile(0.99),
            p999_us: h.value_at_quantile(0.999),
            max_us: h.max(),
            errors: self.errors,
            generator_busy: busy.generator,
            server_busy: busy.server,
            cpu_ticks: cpu_ticks("self"),
            failure: self.failure.clone(),
        };
        serde_json::to_string(&report).unwrap_or_else(|e| format!(r#"{{"error":"{e}"}}"#))
    }
}

/// How busy the generator and the server were during the measured window, in cores (1.0 is
/// one core all the time): a side near 1.0 was the bottleneck.
#[derive(Clone, Copy, Default)]
pub(crate) struct Busy {
    generator: f64,
    server: Option<f64>,
}

impl Busy {
    /// Samples the CPU time of this process (and of the server, given its pid) at the start
    /// and the end of `window`.
    pub(crate) async fn measure(window: Window, server_pid: Option<u32>) -> Busy {
        let server = server_pid.map(|pid| pid.to_string());
        let sample = || (cpu_ticks("self"), server.as_deref().map(cpu_ticks));
        tokio::time::sleep_until(window.count_from).await;
        let (own_start, server_start) = sample();
        tokio::time::sleep_until(window.end).await;
        let (own_end, server_end) = sample();
        let secs = (window.end - window.count_from).as_secs_f64();
        let cores = |ticks: u64| (ticks as f64 / TICKS_PER_SEC / secs * 100.0).round() / 100.0;
        Busy {
            generator: cores(own_end.saturating_sub(own_start)),
            server: server_start
                .zip(server_end)
                .map(|(a, b)| cores(b.saturating_sub(a))),
        }
    }
}

/// Linux reports process CPU time in clock ticks of 1/100 s (`USER_HZ`, fixed for the ABI).
const TICKS_PER_SEC: f64 = 100.0;

#[derive(Serialize)]
struct Report {
    mode: &'static str,
    conns: usize,
    inflight: usize,
    secs: f64,
    calls: u64,
    calls_per_sec: u64,
    p50_us: u64,
    p99_us: u64,
    p999_us: u64,
    max_us: u64,
    errors: u64,
    generator_busy: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_busy: Option<f64>,
    /// This process's CPU time so far (user + system, in clock ticks), so the script can tell
    /// whether anything else used the machine during the run.
    cpu_ticks: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
}

/// User plus system CPU time of process `pid` (`"self"` for this one), in clock ticks: fields
/// 14 and 15 of /proc/PID/stat; 0 where that file cannot be read.
fn cpu_ticks(pid: &str) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis
    // start with field 3.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    ticks(14 - 3) + ticks(15 - 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_cpu_time_is_readable() {
        let start = cpu_ticks("self");
        let give_up = std::time::Instant::now() + Duration::from_secs(10);
        // Reading the file is work too: a tick (10 ms) goes by soon.
        while cpu_ticks("self") == start && std::time::Instant::now() < give_up {}
        assert!(cpu_ticks("self") > start);
        assert_eq!(cpu_ticks("0"), 0, "no such process");
    }

    #[test]
    fn the_report_is_one_json_line() {
        let mut stats = Stats::new();
        stats.record(Duration::from_micros(40));
        stats.record(Duration::from_micros(60));
        let line = stats.report("ws", 1, 1, 1.0, Busy::default());
        assert!(!line.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["calls"], 2);
        assert_eq!(value["calls_per_sec"], 2);
        assert_eq!(value["errors"], 0);
        assert!(value["p50_us"].as_u64().unwrap() >= 40);
    }
}
