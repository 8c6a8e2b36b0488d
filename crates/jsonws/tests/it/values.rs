//! Values at the edges of their types, on the typed path: results that have no JSON form are
//! errors (never `null`), dates stay in the range they can be written in, leap seconds only
//! where RFC 3339 has them, and `any` passes through exactly as it was sent.

use chrono::{DateTime, TimeZone, Utc};
use jsonws::server::Registry;
use jsonws::{ErrorObject, RawJson, Service};
use serde_json::{Value, json};

use crate::registry::serve;
use crate::util::post;

struct Edges;

#[jsonws::service(name = "edges", version = "1.0.0")]
impl Edges {
    /// Divides: 1/0 is infinite, 0/0 is NaN.
    async fn divide(&self, a: f64, b: f64) -> f64 {
        a / b
    }

    /// Numbers, one of which may be infinite.
    async fn numbers(&self, last: f64) -> Vec<f64> {
        vec![1.0, last]
    }

    /// The date `years` years after the year 0.
    async fn year(&self, years: i32) -> Result<DateTime<Utc>, ErrorObject> {
        Utc.with_ymd_and_hms(years, 1, 1, 0, 0, 0)
            .single()
            .ok_or_else(|| ErrorObject::invalid_params("no such year"))
    }

    /// Returns the date it was given.
    async fn date(&self, d: DateTime<Utc>) -> DateTime<Utc> {
        d
    }

    /// Returns its argument as it came.
    async fn echo(&self, value: RawJson) -> RawJson {
        value
    }
}

async fn call(base: &str, body: &str) -> Value {
    let (status, text) = post(
        &format!("{base}/edges/1.0.0"),
        body.as_bytes().to_vec(),
        "application/json",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn served() -> String {
    let service: Service = Edges.into_service().unwrap();
    serve(Registry::new().service(service)).await.base
}

fn request(method: &str, params: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","method":"{method}","params":{params},"id":1}}"#)
}

#[tokio::test]
async fn a_result_that_is_not_a_finite_number_is_an_internal_error_not_null() {
    let base = served().await;
    for params in ["[1, 0]", "[-1, 0]", "[0, 0]"] {
        let reply = call(&base, &request("divide", params)).await;
        assert_eq!(reply["error"]["code"], -32603, "{params}: {reply}");
        assert!(reply.get("result").is_none(), "{params}: {reply}");
    }
    let reply = call(&base, &request("numbers", "[1e308]")).await;
    assert_eq!(reply["result"], json!([1.0, 1e308]));
    // Inside an array too: 1e308 * 10 overflows.
    let reply = call(&base, &request("divide", "[1e308, 0.1]")).await;
    assert_eq!(reply["error"]["code"], -32603, "{reply}");
    // Batches answer the other entries.
    let batch = format!(
        "[{},{}]",
        request("divide", "[1, 0]"),
        request("divide", "[1, 2]").replace(r#""id":1"#, r#""id":2"#)
    );
    let replies = call(&base, &batch).await;
    let by_id = |id: i64| {
        replies
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id(1)["error"]["code"], -32603);
    assert_eq!(by_id(2)["result"], 0.5);
}

#[tokio::test]
async fn dates_are_read_and_written_in_the_years_0000_to_9999() {
    let base = served().await;
    assert_eq!(
        call(&base, &request("year", "[9999]")).await["result"],
        "9999-01-01T00:00:00.000Z"
    );
    assert_eq!(
        call(&base, &request("year", "[0]")).await["result"],
        "0000-01-01T00:00:00.000Z"
    );
    // A date the server could not read back is not written.
    for years in ["[10000]", "[-1]"] {
        let reply = call(&base, &request("year", years)).await;
        assert_eq!(reply["error"]["code"], -32603, "{years}: {reply}");
    }
    // Input: the same range, as a string or as epoch milliseconds.
    let last_ms = Utc
        .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .unwrap()
        .timestamp_millis()
        + 999;
    assert_eq!(
        call(&base, &request("date", &format!("[{last_ms}]"))).await["result"],
        "9999-12-31T23:59:59.999Z"
    );
    for bad in [
        format!("[{}]", last_ms + 1),
        "[253402300800000]".into(),
        r#"["+10000-01-01T00:00:00Z"]"#.into(),
        r#"["-0001-01-01T00:00:00Z"]"#.into(),
    ] {
        let reply = call(&base, &request("date", &bad)).await;
        assert_eq!(reply["error"]["code"], -32602, "{bad}: {reply}");
    }
}

#[tokio::test]
async fn a_leap_second_is_accepted_only_at_23_59_60_utc() {
    let base = served().await;
    for good in [
        r#"["2016-12-31T23:59:60Z"]"#,
        r#"["2017-01-01T00:59:60+01:00"]"#,
    ] {
        let reply = call(&base, &request("date", good)).await;
        assert!(
            reply["result"].as_str().unwrap().contains("23:59:60"),
            "{good}: {reply}"
        );
    }
    for bad in [r#"["2016-12-31T12:30:60Z"]"#, r#"["2016-12-31T23:58:60Z"]"#] {
        let reply = call(&base, &request("date", bad)).await;
        assert_eq!(reply["error"]["code"], -32602, "{bad}: {reply}");
        assert!(
            reply["error"]["data"]["expected"]
                .as_str()
                .unwrap()
                .contains("leap"),
            "{reply}"
        );
    }
}

#[tokio::test]
async fn any_passes_through_as_the_exact_text_it_arrived_as() {
    let base = served().await;
    for value in [
        "123456789012345678901234567890",
        "-0",
        "1E2",
        "1e400",
        r#""\ud800""#,
        r#"{"b":1,"a":[1.50,"\u00e9"]}"#,
    ] {
        let (status, text) = post(
            &format!("{base}/edges/1.0.0"),
            request("echo", &format!("[{value}]")).into_bytes(),
            "application/json",
        )
        .await;
        assert_eq!(status, 200, "{text}");
        assert_eq!(
            text,
            format!(r#"{{"jsonrpc":"2.0","result":{value},"id":1}}"#)
        );
    }
}
