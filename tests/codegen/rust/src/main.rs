//! The generated Rust client against a live `jsonws serve`: every call of the demo, typed.
//!
//! Usage: `jsonws-codegen-rust URL` (tests/codegen/run.sh); prints `rust client: ok`.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use jsonws::{CallError, ErrorObject};
use jsonws_codegen_rust::demo_client::{Color, DemoClient, Point};

const WAIT: Duration = Duration::from_secs(10);

fn check(cond: bool, what: String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what) }
}

async fn run(url: &str) -> Result<(), String> {
    let e = |e: CallError| e.to_string();
    let c = DemoClient::new(url).map_err(e)?;
    check(c.sum(1, 2).await.map_err(e)? == 3, "sum(1, 2)".into())?;
    let pow3 = c.math().pow(3.0, None).await.map_err(e)?;
    check(
        pow3 == 9.0,
        format!("math.pow(3) with the default exp: {pow3}"),
    )?;
    let pow10 = c.math().pow(2.0, Some(10)).await.map_err(e)?;
    check(pow10 == 1024.0, format!("math.pow(2, 10): {pow10}"))?;
    let p = Point {
        x: 1,
        y: 2,
        label: None,
    };
    let back = c.types().point(&p).await.map_err(e)?;
    check(
        back.x == 1 && back.y == 2 && back.label.as_deref() == Some("pt"),
        format!("types.point: {back:?}"),
    )?;
    let color = c.types().color(Color::Green).await.map_err(e)?;
    check(color == Color::Green, format!("types.color: {color:?}"))?;
    let when = Utc
        .with_ymd_and_hms(2013, 12, 14, 11, 0, 53)
        .single()
        .ok_or("a date")?
        + chrono::Duration::milliseconds(379);
    let date = c.types().echo_date(when).await.map_err(e)?;
    check(date == when, format!("types.echoDate: {date}"))?;
    let bytes = vec![0u8, 1, 2, 127, 128, 254, 255];
    let echoed = c.types().echo_binary(&bytes).await.map_err(e)?;
    check(echoed == bytes, format!("types.echoBinary: {echoed:?}"))?;
    let total = c.types().total(&[1.5, 2.5, 3.0]).await.map_err(e)?;
    check(total == 7.0, format!("types.total: {total}"))?;
    match c.fail().await {
        Err(CallError::Rpc(err)) => check(
            err.code == 4000
                && err.data.as_ref().and_then(|d| d.get("reason")) == Some(&"demonstration".into()),
            format!("fail(): {err:?}"),
        )?,
        other => return Err(format!("fail() must be an error reply, got {other:?}")),
    }

    let mut ticks = c.on_tick().await.map_err(e)?;
    let tick = tokio::time::timeout(WAIT, ticks.recv())
        .await
        .map_err(|_| "no tick within 10 s".to_owned())?
        .ok_or("the tick stream ended")?
        .map_err(|err| format!("tick: {err}"))?;
    check(tick.seq > 0, format!("tick: {tick:?}"))?;
    // Exposed while the WebSocket is already open: looked up per call.
    c.expose("confirm", |params: serde_json::Value| async move {
        let question = params[0].as_str().unwrap_or_default().to_owned();
        Ok::<_, ErrorObject>(format!("yes to {question}"))
    });
    let answer = tokio::time::timeout(WAIT, c.ask("Proceed?"))
        .await
        .map_err(|_| "ask: no answer within 10 s".to_owned())?
        .map_err(e)?;
    check(answer == "yes to Proceed?", format!("ask: {answer}"))?;

    let text = "héllo wörld ✓ 日本語 🎉 \"quotes\" </script>";
    let mut messages = c.on_chat_message().await.map_err(e)?;
    c.chat().send(text).await.map_err(e)?;
    let message = tokio::time::timeout(WAIT, messages.recv())
        .await
        .map_err(|_| "no chat.message within 10 s".to_owned())?
        .ok_or("the chat.message stream ended")?
        .map_err(|err| format!("chat.message: {err}"))?;
    check(message.text == text, format!("chat.message: {message:?}"))?;
    c.close();
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: jsonws-codegen-rust URL");
        return std::process::ExitCode::from(2);
    };
    match run(&url).await {
        Ok(()) => {
            println!("rust client: ok");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            println!("rust client: FAILED: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
