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

/// What the command answers when the server calls it: `confirm` reads a line from stdin.
fn answers() -> Methods {
    Methods::new().method("confirm", |call: Call| async move {
        let (question,): (String,) = call.params()?;
        eprint!("{question} ");
        let mut line = String::new();
        BufReader::new(tokio::io::stdin())
            .read_line(&mut line)
            .await
            .map_err(|e| ErrorObject::new(1, format!("could not read an answer: {e}")))?;
        Ok::<_, ErrorObject>(line.trim().to_owned())
    })
}
