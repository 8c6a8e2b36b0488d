//! `metadata::json` and `metadata::openrpc` on a service that declares one of everything,
//! compared with the snapshots in tests/fixtures/metadata/. Run with `UPDATE_SNAPSHOTS=1` to
//! rewrite them after an intended change, then read the diff.

use std::path::PathBuf;

use jsonws::Service;
use jsonws::metadata;
use jsonws::schema::{EnumDef, FieldDef, StructDef, TypeDef, TypeRef};
use jsonws::service::{Method, ParamDef};
use serde_json::{Value, json};

fn field(
    name: &str,
    ty: &str,
    required: bool,
    default: Option<Value>,
    description: &str,
) -> FieldDef {
    FieldDef {
        name: name.into(),
        ty: TypeRef::decl(ty),
        required,
        default,
        description: description.into(),
    }
}

fn described(name: &str, ty: &str, description: &str) -> ParamDef {
    ParamDef {
        description: description.into(),
        ..ParamDef::new(name, TypeRef::decl(ty))
    }
}

/// One of everything: an enum, structs with optional, defaulted, array and recursive fields,
/// a group, namespaces, typed and untyped events, every built-in, params with defaults, an
/// optional param and a method without a result. Methods have no handlers: metadata does not
/// need them.
fn atlas() -> Service {
    let color = EnumDef {
        name: "Color".into(),
        description: "A primary colour.".into(),
        members: vec![("Red".into(), 0), ("Green".into(), 1), ("Blue".into(), 5)],
    };
    let point = StructDef {
        name: "Point".into(),
        description: "A 2D point.".into(),
        fields: vec![
            field("x", "int", true, None, ""),
            field("y", "int", true, None, ""),
            field(
                "label",
                "string",
                false,
                Some(json!("pt")),
                "Shown next to the point.",
            ),
        ],
    };
    let tree = StructDef {
        name: "Tree".into(),
        description: "A labelled tree of points.".into(),
        fields: vec![
            field("label", "string", true, None, "The node's name."),
            field("weight", "number", false, Some(json!(1.5)), ""),
            // A default given by value shows as the member's name.
            field(
                "color",
                "Color",
                false,
                Some(json!(5)),
                "The colour to draw it in.",
            ),
            field("origin", "Point", false, None, "Where the node is drawn."),
            field("note", "string", false, None, ""),
            field("tags", "[string]", true, None, ""),
            field("children", "[Tree]", false, Some(json!([])), "Subtrees."),
        ],
    };
    Service::builder("atlas", "1.2.3")
        .description("Everything a service can declare, for the metadata snapshots.")
        .type_def(TypeDef::Enum(color))
        .group("Geometry", "Points and trees.", |geometry| {
            geometry
                .type_def(TypeDef::Struct(point))
                .type_def(TypeDef::Struct(tree))
                .namespace("geo", |geo| {
                    geo.method(
                        Method::new("centroid")
                            .description("The centre of some points.")
                            .param("points", "[Point]")
                            .returns("Point"),
                    )
                    .event("moved", Some("Point"), "A point moved.")
                })
        })
        .method(
            Method::new("sum")
                .description("Adds two integers.")
                .param("a", "int")
                .param("b", "int")
                .returns("int"),
        )
        .method(Method::new("reset").description("Forgets everything; answers null."))
        .method(
            Method::new("inspect")
                .description("Takes every built-in type.")
                .param("any", "any")
                .param("int", "int")
                .param("number", "number")
                .param("date", "date")
                .param("bool", "bool")
                .param("object", "object")
                .param("string", "string")
                .param("url", "url")
                .param("binary", "binary")
                .returns("error"),
        )
        .method(
            Method::new("paint")
                .param("tree", "Tree")
                .param_default("color", "Color", 1)
                .param_default("at", "date", 0)
                .param_optional("note", "string")
                .returns("[Color]"),
        )
        .namespace("math", |math| {
            math.method(
                Method::new("pow")
                    .param_def(described("base", "number", "The base."))
                    .param_def(ParamDef {
                        default: Some(json!(2)),
                        ..described("exp", "int", "The exponent.")
                    })
                    .returns("number"),
            )
        })
        .event("tick", Some("date"), "Every second.")
        .event("heartbeat", None, "")
        .namespace("alerts", |alerts| {
            alerts.event("raised", Some("[string]"), "Something needs attention.")
        })
        .build()
        .expect("the atlas service is valid")
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/metadata")
        .join(name)
}

/// Compares `actual` with the snapshot `name` as JSON values; with `UPDATE_SNAPSHOTS=1`,
/// rewrites the snapshot instead.
fn assert_snapshot(name: &str, actual: &Value) {
    let path = fixture(name);
    let text = serde_json::to_string_pretty(actual).expect("a Value serializes") + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("a fixture has a parent"))
            .expect("create the fixture dir");
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reading {}: {e}\nrun with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    let expected_value: Value = serde_json::from_str(&expected)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    if expected_value != *actual {
        let expected_text =
            serde_json::to_string_pretty(&expected_value).expect("a Value serializes") + "\n";
        panic!(
            "{name} differs from its snapshot {}\n(- snapshot, + now; run with UPDATE_SNAPSHOTS=1 to accept)\n{}",
            path.display(),
            line_diff(&expected_text, &text)
        );
    }
}

/// The changed lines of `new` against `old`, with two lines of context, from a longest common
/// subsequence of lines (the snapshots are a few hundred lines).
fn line_diff(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        ops[k.saturating_sub(2)..(k + 3).min(ops.len())]
            .iter()
            .any(|(op, _)| *op != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (op, line)) in ops.iter().enumerate() {
        if near_change(k) {
            out.push_str(&format!("{op} {line}\n"));
            skipped = false;
        } else if !skipped {
            out.push_str("  ...\n");
            skipped = true;
        }
    }
    out
}

// json-ws findings §2.9: the `?json` shape.
#[test]
fn json_matches_snapshot() {
    assert_snapshot("json.json", &metadata::json(&atlas()));
}

#[test]
fn openrpc_matches_snapshot() {
    assert_snapshot("openrpc.json", &metadata::openrpc(&atlas()));
}

#[test]
fn json_edge_cases() {
    let meta = metadata::json(&atlas());
    // A method without a result has no `returns` at all, as in json-ws.
    let reset = meta["methods"]["reset"].as_object().unwrap();
    assert!(
        !reset.contains_key("returns") && !reset.contains_key("returnsArray"),
        "{reset:?}"
    );
    assert_eq!(meta["methods"]["paint"]["returns"], "Color");
    assert_eq!(meta["methods"]["paint"]["returnsArray"], true);
    // An event without data.
    assert_eq!(
        meta["events"]["heartbeat"],
        json!({"name": "heartbeat", "description": "", "type": null, "isArray": false})
    );
    // `optional` only where true; `default` only where given, converted to its type.
    let paint = &meta["methods"]["paint"]["params"];
    assert_eq!(paint[1]["default"], "Green");
    assert_eq!(paint[2]["default"], "1970-01-01T00:00:00.000Z");
    assert_eq!(paint[3]["optional"], true);
    assert!(paint[0].get("optional").is_none() && paint[0].get("default").is_none());
    // Ungrouped items land in `Default`: types, then events, then methods.
    assert_eq!(
        meta["groups"]["Default"]["items"],
        json!([
            "type:Color",
            "event:tick",
            "event:heartbeat",
            "event:alerts.raised",
            "method:sum",
            "method:reset",
            "method:inspect",
            "method:paint",
            "method:math.pow"
        ])
    );
}

#[test]
fn empty_service_has_no_default_group_or_components() {
    let service = Service::builder("empty", "0.1.0").build().unwrap();
    let meta = metadata::json(&service);
    assert_eq!(
        meta,
        json!({"name": "empty", "description": "", "version": "0.1.0",
               "groups": {}, "types": {}, "events": {}, "methods": {}})
    );
    assert_eq!(
        metadata::openrpc(&service),
        json!({"openrpc": "1.3.2", "info": {"title": "empty", "version": "0.1.0"}, "methods": []})
    );
}

#[test]
fn openrpc_refs_resolve() {
    let doc = metadata::openrpc(&atlas());
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(
        refs.len() >= 5,
        "expected $refs for Point, Tree and Color, got {refs:?}"
    );
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "$ref {r} does not resolve"
        );
    }
}

fn collect_refs(value: &Value, refs: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                refs.push(r.clone());
            }
            map.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}
