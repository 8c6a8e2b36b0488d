//! The conversion matrix of DESIGN §3: for each built-in, what is accepted (and what the
//! handler and the wire see), and what is refused. Each row runs through both paths — the
//! schema-driven `convert_in` and the `Type` impl of the matching Rust type — which must agree.

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::*;

fn raw(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_owned()).unwrap()
}

fn dynamic(ty: &str, input: &str) -> Result<Value, ConvertError> {
    convert_in(&TypeRef::decl(ty), &raw(input), &Types::new())
}

/// The wire form a typed path produces for `input`, or its error.
fn typed<T: Type>(input: &str) -> Result<Value, ConvertError> {
    T::from_json(&raw(input)).map(|v| {
        let mut out = Vec::new();
        v.write_json(&mut out);
        serde_json::from_slice(&out).unwrap()
    })
}

fn accepts(ty: &str, typed_result: Result<Value, ConvertError>, input: &str, expected: Value) {
    assert_eq!(
        dynamic(ty, input).as_ref(),
        Ok(&expected),
        "{ty} should accept {input}"
    );
    assert_eq!(
        typed_result.as_ref(),
        Ok(&expected),
        "typed {ty} should accept {input}"
    );
}

fn refuses(ty: &str, typed_result: Result<Value, ConvertError>, input: &str) {
    let err = dynamic(ty, input).expect_err(&format!("{ty} should refuse {input}"));
    assert!(
        err.expected.starts_with(TypeRef::decl(ty).type_name()),
        "{err}"
    );
    let typed_err = typed_result.expect_err(&format!("typed {ty} should refuse {input}"));
    assert_eq!(err.got, typed_err.got, "both paths describe {input} alike");
}

macro_rules! matrix {
    ($ty:literal as $rust:ty { accept: [$($input:literal => $out:expr),* $(,)?] refuse: [$($bad:literal),* $(,)?] }) => {{
        $( accepts($ty, typed::<$rust>($input), $input, json!($out)); )*
        $( refuses($ty, typed::<$rust>($bad), $bad); )*
    }};
}

#[test]
fn int() {
    matrix!("int" as i64 {
        accept: ["3" => 3, "-3" => -3, "3.7" => 3, "-3.7" => -3, "0" => 0, "-0" => 0, "1e3" => 1000,
                 "9223372036854775807" => i64::MAX, "-9223372036854775808" => i64::MIN, "1.0" => 1]
        refuse: ["\"12\"", "\"abc\"", "true", "null", "[]", "{}", "1e21", "9223372036854775808", "-1e400", "1e400"]
    });
    let err = dynamic("int", "\"12abc\"").unwrap_err();
    assert_eq!(
        (err.expected.as_str(), err.got.as_str()),
        ("int", "string \"12abc\"")
    );
}

#[test]
fn int_aliases_and_narrow_rust_types() {
    assert_eq!(dynamic("integer", "2.5").unwrap(), 2);
    assert_eq!(typed::<u8>("255").unwrap(), 255);
    let err = typed::<u8>("256").unwrap_err();
    assert!(err.expected.contains("u8"), "{err}");
    assert!(typed::<u32>("-1").is_err());
}

#[test]
fn number() {
    matrix!("number" as f64 {
        accept: ["1.5" => 1.5, "-2" => -2.0, "1e3" => 1000.0, "0" => 0.0]
        refuse: ["\"1.5\"", "\"abc\"", "true", "null", "1e400", "[1]"]
    });
    assert_eq!(dynamic("float", "2").unwrap(), 2.0);
    assert_eq!(dynamic("double", "2").unwrap(), 2.0);
}

#[test]
fn date() {
    matrix!("date" as DateTime<Utc> {
        accept: [
            "\"2013-12-14T11:00:53.379Z\"" => "2013-12-14T11:00:53.379Z",
            "\"2013-12-14T12:00:53+01:00\"" => "2013-12-14T11:00:53.000Z",
            "\"2013-12-14T11:00:53.379123Z\"" => "2013-12-14T11:00:53.379Z",
            "1387018853379" => "2013-12-14T11:00:53.379Z",
            "0" => "1970-01-01T00:00:00.000Z",
            "-1000" => "1969-12-31T23:59:59.000Z",
        ]
        refuse: ["\"garbage\"", "\"2013-12-14\"", "\"1387018853379\"", "true", "null", "{}", "1e300"]
    });
    assert_eq!(dynamic("time", "0").unwrap(), "1970-01-01T00:00:00.000Z");
}

#[test]
fn bool() {
    matrix!("bool" as bool {
        accept: ["true" => true, "false" => false]
        refuse: ["\"true\"", "\"FALSE\"", "1", "0", "null", "{}", "[]", "\"\""]
    });
    assert_eq!(dynamic("boolean", "true").unwrap(), true);
}

#[test]
fn string() {
    matrix!("string" as String {
        accept: ["\"abc\"" => "abc", "\"\"" => "", "\"123\"" => "123", "\"F\\u00fc\\u00dfe\"" => "Füße"]
        refuse: ["5", "true", "null", "{}", "[\"a\"]"]
    });
}

#[test]
fn object() {
    matrix!("object" as Map<String, Value> {
        accept: ["{}" => json!({}), "{\"a\":[1,{\"b\":null}]}" => json!({"a": [1, {"b": null}]})]
        refuse: ["[]", "\"{}\"", "1", "null", "true"]
    });
    assert_eq!(dynamic("json", "{}").unwrap(), json!({}));
}

#[test]
fn any() {
    matrix!("any" as Value {
        accept: ["null" => Value::Null, "1.5" => 1.5, "\"s\"" => "s", "[1,{}]" => json!([1, {}]), "true" => true]
        refuse: []
    });
    assert_eq!(dynamic("*", "[]").unwrap(), json!([]));
}

#[test]
fn url() {
    matrix!("url" as url::Url {
        accept: ["\"https://example.com/a?b=1\"" => "https://example.com/a?b=1", "\"HTTP://Example.COM\"" => "http://example.com/"]
        refuse: ["\"/relative/path\"", "\"example.com\"", "\"\"", "5", "null"]
    });
}

#[test]
fn binary() {
    matrix!("binary" as Binary {
        accept: ["\"AAEC\"" => "AAEC", "\"\"" => "", "\"aGVsbG8=\"" => "aGVsbG8="]
        refuse: ["\"not base64!\"", "\"aGVsbG8\"", "[0,1]", "5", "null"]
    });
    assert_eq!(dynamic("buffer", "\"AAEC\"").unwrap(), "AAEC");
    assert_eq!(
        Binary::from_json(&raw("\"AAEC\"")).unwrap().0,
        vec![0, 1, 2]
    );
}

#[test]
fn error_is_output_only() {
    let err = dynamic("error", r#"{"message":"x"}"#).unwrap_err();
    assert!(err.expected.contains("output"), "{err}");
    let ty = TypeRef::decl("error");
    assert_eq!(
        convert_out(
            &ty,
            &json!({"message": "boom", "stack": "secret"}),
            &Types::new()
        )
        .unwrap(),
        json!({"name": "Error", "message": "boom"})
    );
    assert_eq!(
        convert_out(&ty, &json!("plain"), &Types::new()).unwrap(),
        json!({"name": "Error", "message": "plain"})
    );
}

#[test]
fn arrays_convert_each_element_and_say_which_failed() {
    accepts(
        "[int]",
        typed::<Vec<i64>>("[1, 2.5, -3.9]"),
        "[1, 2.5, -3.9]",
        json!([1, 2, -3]),
    );
    let err = dynamic("[int]", "[1, \"x\"]").unwrap_err();
    assert_eq!(err.path_text(), "[1]");
    assert_eq!(
        typed::<Vec<i64>>("[1, \"x\"]").unwrap_err().path_text(),
        "[1]"
    );
    assert!(dynamic("[int]", "5").is_err());
    assert!(typed::<Vec<i64>>("5").is_err());
}

#[test]
fn option_reads_null_as_none() {
    assert_eq!(typed::<Option<i64>>("null").unwrap(), Value::Null);
    assert_eq!(typed::<Option<i64>>("2.5").unwrap(), 2);
    assert!(<Option<i64>>::is_optional());
}

fn demo_types() -> Types {
    let mut types = Types::new();
    types
        .insert(TypeDef::Enum(EnumDef {
            name: "Color".into(),
            description: String::new(),
            members: vec![("Red".into(), 0), ("Green".into(), 1), ("Blue".into(), 5)],
        }))
        .unwrap();
    types
        .insert(TypeDef::Struct(StructDef {
            name: "Point".into(),
            description: String::new(),
            fields: vec![
                FieldDef {
                    name: "x".into(),
                    ty: TypeRef::decl("int"),
                    required: true,
                    default: None,
                    description: String::new(),
                },
                FieldDef {
                    name: "y".into(),
                    ty: TypeRef::decl("int"),
                    required: true,
                    default: None,
                    description: String::new(),
                },
                FieldDef {
                    name: "label".into(),
                    ty: TypeRef::decl("string"),
                    required: false,
                    default: Some(json!("pt")),
                    description: String::new(),
                },
                FieldDef {
                    name: "color".into(),
                    ty: TypeRef::decl("Color"),
                    required: false,
                    default: None,
                    description: String::new(),
                },
                FieldDef {
                    name: "next".into(),
                    ty: TypeRef::decl("[Point]"),
                    required: false,
                    default: None,
                    description: String::new(),
                },
            ],
        }))
        .unwrap();
    types
}

#[test]
fn enums_take_a_name_or_a_value_and_give_the_name() {
    let types = demo_types();
    let color = TypeRef::decl("Color");
    assert_eq!(
        convert_in(&color, &raw("\"Blue\""), &types).unwrap(),
        "Blue"
    );
    assert_eq!(convert_in(&color, &raw("5"), &types).unwrap(), "Blue");
    assert_eq!(convert_out(&color, &json!(1), &types).unwrap(), "Green");
    // A value is read as an `int` is: fractions truncate toward zero.
    for green in ["1.0", "1.5", "1e0"] {
        assert_eq!(
            convert_in(&color, &raw(green), &types).unwrap(),
            "Green",
            "{green}"
        );
    }
    for bad in ["\"blue\"", "2", "null", "-0.5e1", "true"] {
        let err = convert_in(&color, &raw(bad), &types).unwrap_err();
        assert_eq!(err.expected, "Color (one of Red, Green, Blue)", "{bad}");
    }
}

#[test]
fn structs_fill_defaults_ignore_unknown_fields_and_nest() {
    let types = demo_types();
    let point = TypeRef::decl("Point");
    let input = r#"{"x": 1.9, "y": -2, "extra": true, "next": [{"x": 3, "y": 4, "color": 5}]}"#;
    assert_eq!(
        convert_in(&point, &raw(input), &types).unwrap(),
        json!({"x": 1, "y": -2, "label": "pt", "next": [{"x": 3, "y": 4, "label": "pt", "color": "Blue"}]})
    );
    let err = convert_in(
        &point,
        &raw(r#"{"x": 1, "next": [{"x": 1, "y": "no"}]}"#),
        &types,
    )
    .unwrap_err();
    assert_eq!(
        err.path_text(),
        "y",
        "the first problem: the outer y is missing"
    );
    let err = convert_in(
        &point,
        &raw(r#"{"x": 1, "y": 2, "next": [{"x": 1, "y": "no"}]}"#),
        &types,
    )
    .unwrap_err();
    assert_eq!(err.path_text(), "next[0].y");
    assert_eq!(
        (err.expected.as_str(), err.got.as_str()),
        ("int", "string \"no\"")
    );
    assert!(convert_in(&point, &raw("[1,2]"), &types).is_err());
}

#[test]
fn unknown_references_are_found() {
    let mut types = Types::new();
    types
        .insert(TypeDef::Struct(StructDef {
            name: "A".into(),
            description: String::new(),
            fields: vec![FieldDef {
                name: "b".into(),
                ty: TypeRef::decl("B"),
                required: true,
                default: None,
                description: String::new(),
            }],
        }))
        .unwrap();
    assert_eq!(types.first_unknown_reference(), Some(("A", "B")));
}
