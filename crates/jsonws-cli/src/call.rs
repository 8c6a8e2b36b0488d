//! `jsonws call`: one call from the shell.

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use jsonws::client::{HttpClient, WsClient};
use jsonws::{Call, CallError, ErrorObject, Methods};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

pub(crate) async fn run(url: &str, method: &str, params: Option<&str>) -> anyhow::Result<ExitCode> {
    let params: Value = match params {
        None => Value::Null,
        Some(text) => serde_json::from_str(text)
            .with_context(|| format!("params `{text}` are not JSON; write an array like '[1,2]' or an object like '{{\"a\":1}}'"))?,
    };
    if !(params.is_null() || params.is_array() || params.is_object()) {
        bail!("params must be a JSON array or object, e.g. '[{params}]'");
    }
    let result = if url.starts_with("ws://") || url.starts_with("wss://") {
        let client = WsClient::builder().methods(answers()).connect(url).await?;
        client.call::<Value>(method, &params).await
    } else if url.starts_with("http://") {
        HttpClient::new(url)?.call::<Value>(method, &params).await
    } else {
        bail!("URL `{url}` must start with http:// or ws://");
    };
    match result {
        Ok(value) => {
            println!("{}", serde_json::to_string_pretty(&value)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(CallError::Rpc(error)) => {
            eprintln!("jsonws: the server answered with {error}");
            println!("{}", serde_json::to_string_pretty(&error)?);
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

/// What the command answers when the server calls it: any method, with a line read from
/// stdin — JSON when it parses as JSON, otherwise the text as a string (so `confirm` can be
/// answered with a plain `yes`). Notifications from the server are shown and not answered.
fn answers() -> Methods {
    Methods::new().fallback(|call: Call| async move {
        let params = call.raw_params().map_or_else(|| "no params".to_owned(), ToString::to_string);
        if call.id().is_none() {
            eprintln!("jsonws: the server notified `{}` with {params}", call.method());
            return Ok::<_, ErrorObject>(Value::Null);
        }
        eprint!(
            "jsonws: the server calls `{}` with {params}; answer with JSON (or text, for a string): ",
            call.method()
        );
        let mut line = String::new();
        BufReader::new(tokio::io::stdin())
            .read_line(&mut line)
            .await
            .map_err(|e| ErrorObject::new(1, format!("could not read an answer: {e}")))?;
        let line = line.trim();
        Ok(serde_json::from_str(line).unwrap_or_else(|_| Value::String(line.to_owned())))
    })
}
