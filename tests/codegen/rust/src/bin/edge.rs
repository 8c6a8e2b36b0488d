//! The generated Rust client of the `edge` service (tests/codegen/edge.json): params named
//! `class`, `from`, `base`, `type` (`type_`) and `default`, a method `delete`, a method `close`
//! (`close_`) beside the client's own `close()`, enum members and fields named like keywords,
//! and text that must survive.
//!
//! Usage: `edge URL` (tests/codegen/run.sh); prints `rust edge client: ok`.

use jsonws::CallError;
use jsonws_codegen_rust::edge_client::{EdgeClient, Kind, Record};
use serde_json::json;

const TEXT: &str = "quotes \" ' */ \"\"\" ?> </script> ünïcödé 日本語 🎉 \\ end";

fn check(cond: bool, what: String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what) }
}

async fn run(url: &str) -> Result<(), String> {
    let e = |e: CallError| e.to_string();
    let c = EdgeClient::new(url).map_err(e)?;
    let echoed = c.echo("c", 1, 2.5, "t", None).await.map_err(e)?;
    let expected =
        json!({"class": "c", "from": 1, "base": 2.5, "type": "t", "default": "dflt \"\"\" */ ✓"});
    check(
        serde_json::Value::Object(echoed.clone()) == expected,
        format!("echo: {echoed:?}"),
    )?;
    let given = c.echo("c", 1, 2.5, "t", Some("mine")).await.map_err(e)?;
    check(
        given["default"] == "mine",
        format!("echo with default: {given:?}"),
    )?;
    check(c.delete(41).await.map_err(e)? == 42, "delete(41)".into())?;
    check(c.close_().await.map_err(e)? == "closed", "close_()".into())?;
    check(
        c.kind(Kind::None).await.map_err(e)? == Kind::None,
        "kind(None)".into(),
    )?;
    check(
        c.kind(Kind::Self_).await.map_err(e)? == Kind::Self_,
        "kind(Self)".into(),
    )?;
    check(
        c.text().await.map_err(e)? == TEXT,
        "text() arrives intact".into(),
    )?;
    let painted = c
        .ns()
        .paint(None, None, None, None, None, None)
        .await
        .map_err(e)?;
    let expected = json!({
        "k": "Self", "at": "2013-12-14T11:00:53.379Z", "bin": "AAEC", "u": "http://x.test/",
        "o": {"a": [1, "ü"]}, "r": {"class": "d", "from": 0, "type": "t */ \"\"\" ✓"}
    });
    check(
        serde_json::Value::Object(painted.clone()) == expected,
        format!("ns.paint() sends every default: {painted:?}"),
    )?;
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    let middle = c
        .ns()
        .paint(None, Some(epoch), Some(&[255]), None, None, None)
        .await
        .map_err(e)?;
    check(
        middle["k"] == "Self"
            && middle["at"] == "1970-01-01T00:00:00.000Z"
            && middle["bin"] == "/w==",
        format!("ns.paint(None, Some(epoch), Some(bytes)): {middle:?}"),
    )?;
    let record = Record {
        class: "x".into(),
        from: 2,
        self_: Some(Kind::Class),
        type_: None,
        default: None,
    };
    let back = c.ns().record(&record).await.map_err(e)?;
    check(
        back.class == "x"
            && back.self_ == Some(Kind::Class)
            && back.type_.as_deref() == Some("t */ \"\"\" ✓"),
        format!("ns.record: {back:?}"),
    )?;
    c.close();
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: edge URL");
        return std::process::ExitCode::from(2);
    };
    match run(&url).await {
        Ok(()) => {
            println!("rust edge client: ok");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            println!("rust edge client: FAILED: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
