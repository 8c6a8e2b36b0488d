//! `jsonws listen`: print events as they arrive.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use futures_util::StreamExt;
use jsonws::client::{ConnectionEvent, Reconnect, WsClient};
use serde_json::Value;

pub(crate) async fn run(
    url: &str,
    events: &[String],
    count: Option<u64>,
) -> anyhow::Result<ExitCode> {
    if !(url.starts_with("ws://") || url.starts_with("wss://")) {
        bail!("events need a WebSocket: the URL must start with ws:// (got `{url}`)");
    }
    let client = WsClient::builder()
        .reconnect(Reconnect::default())
        .connect(url)
        .await?;
    let mut streams = Vec::new();
    for event in events {
        let subscription = client
            .subscribe::<Value>(event)
            .await
            .with_context(|| format!("subscribing to `{event}`"))?;
        let name = event.clone();
        streams.push(subscription.map(move |data| (name.clone(), data)).boxed());
    }
    eprintln!(
        "jsonws: listening to {} on {url} (Ctrl-C to stop)",
        events.join(", ")
    );
    let mut merged = futures_util::stream::select_all(streams);
    let mut connection = client.connection_events();
    let mut seen = 0u64;
    loop {
        tokio::select! {
            item = merged.next() => {
                let Some((event, data)) = item else { break };
                let data = data?;
                let mut out = std::io::stdout().lock();
                writeln!(out, "{event} {}", serde_json::to_string(&data)?)?;
                out.flush()?;
                seen += 1;
                if count.is_some_and(|n| seen >= n) {
                    break;
                }
            }
            change = connection.recv() => match change {
                Ok(ConnectionEvent::Disconnected(reason)) => eprintln!("jsonws: disconnected: {reason}; reconnecting"),
                Ok(ConnectionEvent::Reconnected) => eprintln!("jsonws: reconnected"),
                Ok(ConnectionEvent::GaveUp { attempts }) => bail!("gave up reconnecting after {attempts} attempts"),
                _ => {}
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    Ok(ExitCode::SUCCESS)
}
