//! The generated Rust client renews its subscriptions after a reconnect: it receives a tick,
//! prints SUBSCRIBED, and then (tests/codegen/run.sh restarts the server on the same port
//! meanwhile) must receive a tick of the new server (its seq starts again from 1).
//!
//! Usage: `reconnect URL`.

use std::io::Write;
use std::time::Duration;

use jsonws_codegen_rust::demo_client::DemoClient;

async fn run(url: &str) -> Result<String, String> {
    let c = DemoClient::new(url).map_err(|e| e.to_string())?;
    let mut ticks = c.on_tick().await.map_err(|e| e.to_string())?;
    let first = tokio::time::timeout(Duration::from_secs(10), ticks.recv())
        .await
        .map_err(|_| "no first tick".to_owned())?
        .ok_or("the stream ended")?
        .map_err(|e| e.to_string())?;
    println!("SUBSCRIBED");
    let _ = std::io::stdout().flush();
    let mut last = first.seq;
    let wait = async {
        while let Some(t) = ticks.recv().await {
            let t = t.map_err(|e| e.to_string())?;
            if t.seq < last {
                return Ok(format!("seq {last} before, {} after the restart", t.seq));
            }
            last = t.seq;
        }
        Err("the stream ended".to_owned())
    };
    let outcome = tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .map_err(|_| format!("no tick from the restarted server within 30 s (last seq {last})"))?;
    c.close();
    outcome
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: reconnect URL");
        return std::process::ExitCode::from(2);
    };
    match run(&url).await {
        Ok(how) => {
            println!("rust reconnect: ok ({how})");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            println!("rust reconnect: FAILED: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
