//! Typed services built at run time: binding, conversion, defaults and build-time checks.

use jsonws::ErrorObject;
use jsonws::schema::{EnumDef, FieldDef, StructDef, TypeDef, TypeRef};
use jsonws::server::Registry;
use jsonws::service::{Args, Method, Service};
use serde_json::{Value, json};

use crate::registry::serve;
use crate::util::post;

fn point() -> TypeDef {
    let field = |name: &str, ty: &str, default: Option<Value>| FieldDef {
        name: name.into(),
        ty: TypeRef::decl(ty),
        required: default.is_none(),
        default,
        description: String::new(),
    };
    TypeDef::Struct(StructDef {
        name: "Point".into(),
        description: "A point.".into(),
        fields: vec![
            field("x", "int", None),
            field("y", "int", None),
            field("label", "string", Some(json!("pt"))),
        ],
    })
}

fn service() -> Service {
    Service::builder("typed", "1.0.0")
        .type_def(point())
        .type_def(TypeDef::Enum(EnumDef {
            name: "Color".into(),
            description: String::new(),
            members: vec![("Red".into(), 0), ("Green".into(), 1), ("Blue".into(), 2)],
        }))
        .method(
            Method::new("scale")
                .param("v", "number")
                .param_default("scale", "int", 10)
                .returns("number")
                .handler(|args: Args| async move {
                    Ok::<_, ErrorObject>(args.get::<f64>("v")? * args.get::<i64>("scale")? as f64)
                }),
        )
        .method(
            Method::new("point")
                .param("p", "Point")
                .returns("Point")
                .handler(|args: Args| async move { Ok::<_, ErrorObject>(args.value("p").clone()) }),
        )
        .method(
            Method::new("color")
                .param("c", "Color")
                .returns("Color")
                .handler(|args: Args| async move { Ok::<_, ErrorObject>(args.value("c").clone()) }),
        )
        .method(
            Method::new("mislabeled")
                .returns("int")
                .handler(|_: Args| async move { Ok::<_, ErrorObject>("not an int") }),
        )
        .build()
        .unwrap()
}

async fn call(base: &str, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1});
    let (status, text) = post(
        &format!("{base}/typed/1"),
        body.to_string().into_bytes(),
        "application/json",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

// json-ws findings §2.5: defaulted params were moved to the end and handlers got their
// arguments shifted. Here the n-th value is the n-th declared param, always.
#[tokio::test]
async fn defaulted_param_keeps_position() {
    let served = serve(Registry::new().service(service())).await;
    assert_eq!(
        call(&served.base, "scale", json!([5])).await["result"],
        50.0
    );
    assert_eq!(
        call(&served.base, "scale", json!([5, 3])).await["result"],
        15.0
    );
    assert_eq!(
        call(&served.base, "scale", json!({"scale": 3, "v": 5})).await["result"],
        15.0
    );
    assert_eq!(
        call(&served.base, "scale", json!({"v": 5})).await["result"],
        50.0
    );
}

#[tokio::test]
async fn every_mismatch_is_32602_with_param_expected_got() {
    let served = serve(Registry::new().service(service())).await;
    let base = &served.base;
    let cases = [
        (
            json!(["x"]),
            json!({"param": "v", "expected": "number", "got": "string \"x\""}),
        ),
        (
            json!([]),
            json!({"param": "v", "expected": "number", "got": "nothing (the param is required)"}),
        ),
        (
            json!([1, 2, 3]),
            json!({"param": null, "expected": "at most 2 params (v, scale)", "got": "3 params"}),
        ),
        (
            json!({"v": 1, "zoom": 2}),
            json!({"param": "zoom", "expected": "one of v, scale", "got": "an unknown param"}),
        ),
        (
            json!([1, 2.5e300]),
            json!({"param": "scale", "expected": "int (a 64-bit integer)", "got": "number 2.5e+300"}),
        ),
    ];
    for (params, data) in cases {
        let reply = call(base, "scale", params.clone()).await;
        assert_eq!(reply["error"]["code"], -32602, "{params}: {reply}");
        assert_eq!(reply["error"]["data"], data, "{params}");
    }
    let reply = call(base, "point", json!([{"x": 1, "y": "two"}])).await;
    assert_eq!(
        reply["error"]["data"],
        json!({"param": "p", "expected": "int", "got": "string \"two\"", "path": "y"})
    );
}

#[tokio::test]
async fn structs_and_enums_convert_in_and_out() {
    let served = serve(Registry::new().service(service())).await;
    let base = &served.base;
    let reply = call(base, "point", json!([{"x": 1.5, "y": 2, "z": 9}])).await;
    assert_eq!(reply["result"], json!({"x": 1, "y": 2, "label": "pt"}));
    assert_eq!(call(base, "color", json!([2])).await["result"], "Blue");
    assert_eq!(
        call(base, "color", json!(["Green"])).await["result"],
        "Green"
    );
    let reply = call(base, "color", json!(["Purple"])).await;
    assert_eq!(
        reply["error"]["data"]["expected"],
        "Color (one of Red, Green, Blue)"
    );
}

#[tokio::test]
async fn a_result_of_the_wrong_type_is_an_internal_error() {
    let served = serve(Registry::new().service(service())).await;
    let reply = call(&served.base, "mislabeled", json!([])).await;
    assert_eq!(
        reply["error"],
        json!({"code": -32603, "message": "Internal error"})
    );
}

#[test]
fn build_errors_name_what_they_are_about() {
    let err = Service::builder("bad", "1.0")
        .type_def(point())
        .type_def(point())
        .method(
            Method::new("pow")
                .param_default("exp", "int", 2)
                .param("scale", "number"),
        )
        .method(
            Method::new("f")
                .param("x", "Pointt")
                .param_default("y", "int", "two"),
        )
        .method(Method::new("rpc.mine"))
        .event("e", Some("Nope"), "")
        .build()
        .unwrap_err();
    let text = err.to_string();
    for expected in [
        "version `1.0` is not semver",
        "type `Point` is defined twice",
        "method `pow`: `exp` has a default but `scale` after it does not; put defaulted parameters last",
        "method `f`: param `x` has unknown type `Pointt`",
        "method `f`: the default of `y` is not a int",
        "method `rpc.mine`: names starting with `rpc.` are reserved",
        "event `e`: unknown type `Nope`",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn namespaces_prefix_methods_and_events() {
    let service = Service::builder("ns", "1.0.0")
        .namespace("math", |b| {
            b.method(Method::new("pow"))
                .namespace("deep", |b| b.event("tick", None, ""))
        })
        .method(Method::new("top"))
        .build()
        .unwrap();
    let names: Vec<&str> = service.methods().iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["math.pow", "top"]);
    assert_eq!(service.events()[0].name, "math.deep.tick");
}

/// A point, for the macro-and-builder comparison.
#[derive(Debug, jsonws::Type)]
struct Spot {
    x: i64,
    y: i64,
    /// Shown next to it.
    #[jsonws(default = "pt")]
    label: String,
}

struct Calc;

/// The same calculator, declared with the macros…
#[jsonws::service(name = "calc", version = "1.0.0", description = "A calculator.")]
impl Calc {
    /// Adds two integers.
    async fn sum(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    /// Raises base to exp.
    #[jsonws(namespace = "math")]
    async fn pow(
        &self,
        base: f64,
        #[jsonws(default = 2, description = "The exponent.")] exp: i64,
    ) -> f64 {
        base.powf(exp as f64)
    }

    /// Returns the spot.
    async fn spot(&self, s: Spot) -> Spot {
        s
    }

    /// Returns nothing.
    async fn nothing(&self, tags: Vec<String>, note: Option<String>) {
        let _ = (tags, note);
    }
}

/// …and with the builder.
fn calc_by_builder() -> Service {
    let field = |name: &str, ty: &str, default: Option<Value>, description: &str| FieldDef {
        name: name.into(),
        ty: TypeRef::decl(ty),
        required: default.is_none(),
        default,
        description: description.into(),
    };
    let mut exp = jsonws::service::ParamDef::new("exp", TypeRef::decl("int"));
    exp.default = Some(json!(2));
    exp.description = "The exponent.".into();
    let mut note = jsonws::service::ParamDef::new("note", TypeRef::decl("string"));
    note.optional = true;
    let ok = |_: Args| async move { Ok::<_, ErrorObject>(Value::Null) };
    Service::builder("calc", "1.0.0")
        .description("A calculator.")
        .method(
            Method::new("sum")
                .description("Adds two integers.")
                .param("a", "int")
                .param("b", "int")
                .returns("int")
                .handler(ok),
        )
        .method(
            Method::new("math.pow")
                .description("Raises base to exp.")
                .param("base", "number")
                .param_def(exp)
                .returns("number")
                .handler(ok),
        )
        .type_def(TypeDef::Struct(StructDef {
            name: "Spot".into(),
            description: "A point, for the macro-and-builder comparison.".into(),
            fields: vec![
                field("x", "int", None, ""),
                field("y", "int", None, ""),
                field("label", "string", Some(json!("pt")), "Shown next to it."),
            ],
        }))
        .method(
            Method::new("spot")
                .description("Returns the spot.")
                .param("s", "Spot")
                .returns("Spot")
                .handler(ok),
        )
        .method(
            Method::new("nothing")
                .description("Returns nothing.")
                .param("tags", "[string]")
                .param_def(note)
                .handler(ok),
        )
        .build()
        .unwrap()
}

#[test]
fn a_macro_defined_and_a_builder_defined_service_describe_themselves_alike() {
    let by_macro = Calc.into_service().unwrap();
    let by_builder = calc_by_builder();
    assert_eq!(by_macro.methods(), by_builder.methods());
    assert_eq!(by_macro.types(), by_builder.types());
    assert_eq!(
        jsonws::metadata::json(&by_macro),
        jsonws::metadata::json(&by_builder)
    );
    assert_eq!(
        jsonws::metadata::openrpc(&by_macro),
        jsonws::metadata::openrpc(&by_builder)
    );
}

#[tokio::test]
async fn the_macro_service_binds_like_the_builder() {
    let served = serve(Registry::new().service(Calc.into_service().unwrap())).await;
    let url = format!("{}/calc/1", served.base);
    let call = |body: Value| {
        let url = url.clone();
        async move {
            let (_, text) = post(&url, body.to_string().into_bytes(), "application/json").await;
            serde_json::from_str::<Value>(&text).unwrap()
        }
    };
    let reply =
        call(json!({"jsonrpc": "2.0", "method": "math.pow", "params": {"base": 3}, "id": 1})).await;
    assert_eq!(reply["result"], 9.0);
    let reply =
        call(json!({"jsonrpc": "2.0", "method": "spot", "params": [{"x": 1.7, "y": 2}], "id": 2}))
            .await;
    assert_eq!(reply["result"], json!({"x": 1, "y": 2, "label": "pt"}));
    let reply = call(json!({"jsonrpc": "2.0", "method": "sum", "params": [1, "2"], "id": 3})).await;
    assert_eq!(
        reply["error"]["data"],
        json!({"param": "b", "expected": "int", "got": "string \"2\""})
    );
    let reply =
        call(json!({"jsonrpc": "2.0", "method": "nothing", "params": [["a"]], "id": 4})).await;
    assert_eq!(reply["result"], Value::Null);
}
