use bytes::Bytes;
use proptest::prelude::*;

use super::*;

fn parse_str(text: &str) -> Incoming {
    parse(
        Bytes::copy_from_slice(text.as_bytes()),
        &ParseLimits::default(),
    )
}

fn request(text: &str) -> Request {
    match parse_str(text) {
        Incoming::Single(Message::Request(r)) => r,
        other => panic!("not a request: {other:?}"),
    }
}

fn invalid(text: &str) -> (Id, ErrorObject) {
    match parse_str(text) {
        Incoming::Single(Message::Invalid { id, error }) => (id, error),
        other => panic!("not invalid: {other:?}"),
    }
}

#[test]
fn zero_and_empty_string_are_ids_not_notifications() {
    assert_eq!(
        request(r#"{"jsonrpc":"2.0","method":"m","id":0}"#)
            .id()
            .unwrap()
            .as_json(),
        "0"
    );
    assert_eq!(
        request(r#"{"jsonrpc":"2.0","method":"m","id":""}"#)
            .id()
            .unwrap()
            .as_json(),
        r#""""#
    );
    assert!(
        request(r#"{"jsonrpc":"2.0","method":"m","id":null}"#)
            .id()
            .unwrap()
            .is_null()
    );
    assert!(request(r#"{"jsonrpc":"2.0","method":"m"}"#).is_notification());
}

#[test]
fn ids_keep_their_spelling() {
    for id in ["-1.5", "1e3", "1.50", "-0", r#""\u00e9""#] {
        let text = format!(r#"{{"jsonrpc":"2.0","method":"m","id":{id}}}"#);
        assert_eq!(request(&text).id().unwrap().as_json(), id);
    }
}

#[test]
fn params_stay_raw_and_null_params_are_absent() {
    let r = request(r#"{"jsonrpc":"2.0","method":"m","params":{"a": [1, 2]},"id":1}"#);
    assert_eq!(r.params().unwrap().as_str(), r#"{"a": [1, 2]}"#);
    let r = request(r#"{"jsonrpc":"2.0","method":"m","params":null,"id":1}"#);
    assert!(r.params().is_none());
}

#[test]
fn escaped_method_names_are_decoded() {
    assert_eq!(
        request(r#"{"jsonrpc":"2.0","method":"a\u002eb","id":1}"#).method(),
        "a.b"
    );
}

#[test]
fn invalid_requests_say_what_is_wrong() {
    let (id, e) = invalid(r#"{"jsonrpc":"2.0","method":1,"id":7}"#);
    assert_eq!((id.as_json(), e.code), ("7", code::INVALID_REQUEST));
    assert!(e.data.unwrap().as_str().unwrap().contains("`method`"));
    let (id, e) = invalid(r#"{"jsonrpc":"2.0","method":"m","id":{}}"#);
    assert!(id.is_null());
    assert!(e.data.unwrap().as_str().unwrap().contains("an object"));
    let (_, e) = invalid(r#"{"jsonrpc":"2.0","id":1}"#);
    assert!(e.data.unwrap().as_str().unwrap().contains("`method`"));
}

#[test]
fn responses_are_told_from_requests() {
    match parse_str(r#"{"jsonrpc":"2.0","result":[1],"id":3}"#) {
        Incoming::Single(Message::Response(r)) => {
            assert_eq!(r.id.as_u64(), Some(3));
            assert_eq!(r.outcome.unwrap().as_str(), "[1]");
        }
        other => panic!("{other:?}"),
    }
    match parse_str(r#"{"jsonrpc":"2.0","error":{"code":5,"message":"m"},"id":3}"#) {
        Incoming::Single(Message::Response(r)) => assert_eq!(r.outcome.unwrap_err().code, 5),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parse_str(r#"{"jsonrpc":"2.0","result":1,"error":{"code":1,"message":""},"id":3}"#),
        Incoming::Single(Message::BadResponse { .. })
    ));
    assert!(matches!(
        parse_str(r#"{"jsonrpc":"2.0","result":1}"#),
        Incoming::Single(Message::BadResponse { .. })
    ));
}

#[test]
fn batches() {
    assert!(matches!(parse_str("[]"), Incoming::Refused(e) if e.code == code::INVALID_REQUEST));
    match parse_str(r#"[1, {"jsonrpc":"2.0","method":"m"}, [2]]"#) {
        Incoming::Batch(items) => {
            assert_eq!(items.len(), 3);
            assert!(matches!(items[1], Message::Request(_)));
            assert!(matches!(items[2], Message::Invalid { .. }));
        }
        other => panic!("{other:?}"),
    }
    let limits = ParseLimits {
        max_batch: 2,
        ..ParseLimits::default()
    };
    let three = Bytes::from_static(b"[1,2,3]");
    assert!(
        matches!(parse(three, &limits), Incoming::Refused(e) if e.code == code::LIMIT_EXCEEDED)
    );
}

#[test]
fn nesting_is_counted_outside_strings_only() {
    let limits = ParseLimits {
        max_depth: 3,
        ..ParseLimits::default()
    };
    let deep = Bytes::from_static(br#"{"jsonrpc":"2.0","method":"m","params":[[[1]]],"id":1}"#);
    assert!(matches!(parse(deep, &limits), Incoming::Refused(e) if e.code == code::LIMIT_EXCEEDED));
    let strings = Bytes::from_static(
        br#"{"jsonrpc":"2.0","method":"[[[[[[","params":["\"[[[[[{{{{"],"id":1}"#,
    );
    assert!(matches!(
        parse(strings, &limits),
        Incoming::Single(Message::Request(_))
    ));
}

#[test]
fn writers_produce_what_the_parser_reads() {
    let mut buf = Vec::new();
    write::request(
        &mut buf,
        Some(&Id::from("a\"b")),
        "math.\"pow\"",
        Some(b"[2,3]"),
    );
    let r = request(std::str::from_utf8(&buf).unwrap());
    assert_eq!(
        (r.method(), r.id().unwrap().as_json()),
        ("math.\"pow\"", r#""a\"b""#)
    );
    let mut buf = Vec::new();
    write::error(&mut buf, &Id::null(), &ErrorObject::method_not_found("x"));
    let text = String::from_utf8(buf).unwrap();
    assert_eq!(
        text,
        r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":{"method":"x"}},"id":null}"#
    );
}

proptest! {
    #[test]
    fn any_string_or_integer_id_round_trips(s in ".*", n in any::<i64>(), method in "[a-z.]{1,12}") {
        for id in [Id::from(s.as_str()), Id::from(n)] {
            let mut buf = Vec::new();
            write::request(&mut buf, Some(&id), &method, None);
            let r = request(std::str::from_utf8(&buf).unwrap());
            prop_assert_eq!(r.id().unwrap(), &id);
            prop_assert_eq!(r.method(), method.as_str());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse(Bytes::from(bytes), &ParseLimits::default());
    }
}
