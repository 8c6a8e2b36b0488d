//! The demo service at the edges of its types, as a client on the wire sees it: answers that
//! JSON can carry, the date range, exact `any`, and replies bounded by the message limit.

mod support;

use serde_json::{Value, json};
use support::{Demo, post};

fn call(demo: &Demo, method: &str, params: &str) -> Value {
    let (status, body) = post(
        demo.http_url(),
        &format!(r#"{{"jsonrpc":"2.0","method":"{method}","params":{params},"id":1}}"#),
    );
    assert_eq!(status, 200, "{method} {params}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{method} {params}: {e}: {body}"))
}

#[test]
fn numbers_that_json_cannot_carry_are_errors_never_null() {
    let demo = Demo::start();
    for (method, params) in [
        ("math.pow", "[2, 1024]"),
        ("math.pow", "[0, -1]"),
        ("types.total", "[[1e308, 1e308]]"),
    ] {
        let reply = call(&demo, method, params);
        assert_eq!(reply["error"]["code"], 4001, "{method} {params}: {reply}");
        assert!(reply.get("result").is_none(), "{method} {params}: {reply}");
    }
    let (_, body) = post(
        demo.http_url(),
        r#"{"jsonrpc":"2.0","method":"types.total","params":[[]],"id":1}"#,
    );
    assert!(
        body.contains(r#""result":0.0"#),
        "the sum of nothing is 0, not -0: {body}"
    );
    assert_eq!(call(&demo, "math.pow", "[2, 10]")["result"], 1024.0);
}

#[test]
fn echo_answers_the_exact_json_it_was_sent() {
    let demo = Demo::start();
    for value in [
        "123456789012345678901234567890",
        "-0",
        "1E2",
        "1e400",
        r#""\ud800""#,
    ] {
        let (status, body) = post(
            demo.http_url(),
            &format!(r#"{{"jsonrpc":"2.0","method":"echo","params":[{value}],"id":1}}"#),
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body,
            format!(r#"{{"jsonrpc":"2.0","result":{value},"id":1}}"#)
        );
    }
}

#[test]
fn dates_stay_in_the_range_that_can_be_written() {
    let demo = Demo::start();
    for bad in ["[253402300800000]", r#"["2016-12-31T12:30:60Z"]"#] {
        let reply = call(&demo, "types.echoDate", bad);
        assert_eq!(reply["error"]["code"], -32602, "{bad}: {reply}");
    }
    assert_eq!(
        call(&demo, "types.echoDate", "[253402300799999]")["result"],
        "9999-12-31T23:59:59.999Z"
    );
    assert_eq!(
        call(&demo, "types.echoDate", r#"["2016-12-31T23:59:60Z"]"#)["result"],
        "2016-12-31T23:59:60.000Z"
    );
}

#[test]
fn an_enum_value_is_read_as_an_int_is() {
    let demo = Demo::start();
    for value in ["1", "1.0", "1.9"] {
        assert_eq!(
            call(&demo, "types.color", &format!("[{value}]"))["result"],
            "Green"
        );
    }
}

#[test]
fn a_batch_of_large_results_is_answered_within_the_message_limit() {
    let demo = Demo::start();
    // The demo caps `types.bytes`…
    let reply = call(&demo, "types.bytes", "[1048576]");
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    // …and a batch of its largest answers (87 MiB of base64) stays within 10 MiB.
    let calls: Vec<String> = (0..1000)
        .map(|id| {
            format!(r#"{{"jsonrpc":"2.0","method":"types.bytes","params":[65536],"id":{id}}}"#)
        })
        .collect();
    let (status, body) = post(demo.http_url(), &format!("[{}]", calls.join(",")));
    assert_eq!(status, 200);
    assert!(
        body.len() <= 10 * 1024 * 1024,
        "a reply of {} bytes",
        body.len()
    );
    let replies: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(replies.len(), 1000, "every call answered");
    let results = replies.iter().filter(|r| r.get("result").is_some()).count();
    assert!(results > 50, "results while they fit: {results}");
    for reply in replies.iter().filter(|r| r.get("error").is_some()) {
        assert_eq!(reply["error"]["code"], json!(-32003), "{reply}");
    }
}
