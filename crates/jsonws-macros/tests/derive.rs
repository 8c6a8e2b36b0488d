//! `#[derive(jsonws::Type)]`: the schema it registers, and how it reads and writes JSON.

use jsonws::schema::{
    Builtin, ConvertError, EnumDef, FieldDef, StructDef, Type, TypeDef, TypeName, TypeRef, Types,
};
use serde_json::json;
use serde_json::value::RawValue;

/// A point on the plane.
#[derive(jsonws::Type, Debug, PartialEq)]
struct Point {
    x: i64,
    y: i64,
    /// Shown beside the point.
    #[jsonws(default = "pt")]
    label: String,
}

/// One thing on the list,
/// maybe made of parts.
#[derive(jsonws::Type, Debug, PartialEq)]
struct Item {
    /// How many.
    count: i64,
    #[jsonws(rename = "displayName", description = "What people see.")]
    name: String,
    #[jsonws(default = -1.5)]
    weight: f64,
    #[jsonws(default = true)]
    visible: bool,
    #[jsonws(default_json = "[1, 2]")]
    sizes: Vec<i64>,
    note: Option<String>,
    at: Point,
    points: Vec<Point>,
    /// Items inside this one.
    parts: Option<Vec<Item>>,
}

#[derive(jsonws::Type, Debug, PartialEq, Clone, Copy)]
#[jsonws(description = "A colour.")]
enum Color {
    Red = 5,
    Green,
    #[jsonws(rename = "blue")]
    Blue = -2,
}

/// Members numbered by attribute.
#[derive(jsonws::Type, Debug, PartialEq)]
#[jsonws(rename = "Level")]
enum Severity {
    Low,
    #[jsonws(value = 10)]
    High,
    /// Numbered as Rust numbers it: 2.
    Mid,
}

fn raw(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_owned()).unwrap()
}

fn read<T: Type>(text: &str) -> Result<T, ConvertError> {
    T::from_json(&raw(text))
}

fn write<T: Type>(value: &T) -> String {
    let mut out = Vec::new();
    value.write_json(&mut out);
    String::from_utf8(out).unwrap()
}

fn named(name: &str) -> TypeRef {
    TypeRef {
        name: TypeName::Named(name.to_owned()),
        is_array: false,
    }
}

fn field(
    name: &str,
    ty: TypeRef,
    required: bool,
    default: Option<serde_json::Value>,
    description: &str,
) -> FieldDef {
    FieldDef {
        name: name.to_owned(),
        ty,
        required,
        default,
        description: description.to_owned(),
    }
}

#[test]
fn struct_type_ref_registers_every_type_it_uses() {
    let mut types = Types::new();
    assert_eq!(Item::type_ref(&mut types), named("Item"));
    assert_eq!(types.len(), 2);
    let int = TypeRef::builtin(Builtin::Int);
    assert_eq!(
        types.get("Item"),
        Some(&TypeDef::Struct(StructDef {
            name: "Item".into(),
            description: "One thing on the list,\nmaybe made of parts.".into(),
            fields: vec![
                field("count", int.clone(), true, None, "How many."),
                field(
                    "displayName",
                    TypeRef::builtin(Builtin::String),
                    true,
                    None,
                    "What people see."
                ),
                field(
                    "weight",
                    TypeRef::builtin(Builtin::Number),
                    false,
                    Some(json!(-1.5)),
                    ""
                ),
                field(
                    "visible",
                    TypeRef::builtin(Builtin::Bool),
                    false,
                    Some(json!(true)),
                    ""
                ),
                field("sizes", int.clone().array(), false, Some(json!([1, 2])), ""),
                field("note", TypeRef::builtin(Builtin::String), false, None, ""),
                field("at", named("Point"), true, None, ""),
                field("points", named("Point").array(), true, None, ""),
                field(
                    "parts",
                    named("Item").array(),
                    false,
                    None,
                    "Items inside this one."
                ),
            ],
        }))
    );
    assert_eq!(
        types.get("Point"),
        Some(&TypeDef::Struct(StructDef {
            name: "Point".into(),
            description: "A point on the plane.".into(),
            fields: vec![
                field("x", int.clone(), true, None, ""),
                field("y", int, true, None, ""),
                field(
                    "label",
                    TypeRef::builtin(Builtin::String),
                    false,
                    Some(json!("pt")),
                    "Shown beside the point."
                ),
            ],
        }))
    );
    assert_eq!(types.first_unknown_reference(), None);
    // A second call finds the type and changes nothing.
    let before = types.clone();
    assert_eq!(Item::type_ref(&mut types), named("Item"));
    assert_eq!(types, before);
}

#[test]
fn struct_reads_with_truncation_defaults_and_unknown_members() {
    let item: Item = read(
        r#"{"count": 3.9, "displayName": "box", "extra": [1, {"deep": true}], "at": {"x": -2.7, "y": 0},
            "points": [], "parts": [{"count": 1, "displayName": "lid", "at": {"x": 1, "y": 2, "label": "p"},
            "points": [{"x": 5, "y": 6}], "note": null}]}"#,
    )
    .unwrap();
    assert_eq!(
        item,
        Item {
            count: 3,
            name: "box".into(),
            weight: -1.5,
            visible: true,
            sizes: vec![1, 2],
            note: None,
            at: Point {
                x: -2,
                y: 0,
                label: "pt".into()
            },
            points: vec![],
            parts: Some(vec![Item {
                count: 1,
                name: "lid".into(),
                weight: -1.5,
                visible: true,
                sizes: vec![1, 2],
                note: None,
                at: Point {
                    x: 1,
                    y: 2,
                    label: "p".into()
                },
                points: vec![Point {
                    x: 5,
                    y: 6,
                    label: "pt".into()
                }],
                parts: None,
            }]),
        }
    );
}

#[test]
fn struct_errors_carry_the_path_and_what_was_expected() {
    let e = read::<Item>(
        r#"{"count": 1, "displayName": "a", "at": {"x": 1, "y": 2}, "points": [{"x": 1, "y": 2}, {"x": "one", "y": 2}]}"#,
    )
    .unwrap_err();
    assert_eq!(e.path_text(), "points[1].x");
    assert_eq!(e.expected, "int");
    assert_eq!(e.got, r#"string "one""#);

    let e = read::<Item>(r#"{"count": 1, "displayName": "a", "points": []}"#).unwrap_err();
    assert_eq!(e.path_text(), "at");
    assert_eq!(e.expected, "Point");
    assert_eq!(e.got, "nothing (the field is required)");

    let e = read::<Item>(
        r#"{"count": 1, "displayName": "a", "at": {"x": 1, "y": 2}, "points": [], "parts": [{"count": true}]}"#,
    )
    .unwrap_err();
    assert_eq!(e.path_text(), "parts[0].count");
    assert_eq!(e.expected, "int");

    let e = read::<Point>("[1, 2]").unwrap_err();
    assert_eq!(e.path_text(), "");
    assert_eq!(e.expected, "Point (an object)");
}

#[test]
fn struct_writes_fields_in_order_and_leaves_out_none() {
    let point = Point {
        x: 1,
        y: -2,
        label: "a \"b\"".into(),
    };
    assert_eq!(write(&point), r#"{"x":1,"y":-2,"label":"a \"b\""}"#);
    let item = Item {
        count: 2,
        name: "box".into(),
        weight: 0.5,
        visible: false,
        sizes: vec![],
        note: None,
        at: Point {
            x: 0,
            y: 0,
            label: "o".into(),
        },
        points: vec![point],
        parts: Some(vec![]),
    };
    assert_eq!(
        write(&item),
        r#"{"count":2,"displayName":"box","weight":0.5,"visible":false,"sizes":[],"at":{"x":0,"y":0,"label":"o"},"points":[{"x":1,"y":-2,"label":"a \"b\""}],"parts":[]}"#
    );
    let last_none = Item {
        note: Some("n".into()),
        parts: None,
        ..item
    };
    assert!(write(&last_none).ends_with(
        r#""note":"n","at":{"x":0,"y":0,"label":"o"},"points":[{"x":1,"y":-2,"label":"a \"b\""}]}"#
    ));
}

/// Only optional fields: the separators stay right whichever are left out.
#[derive(jsonws::Type, Debug, PartialEq)]
struct Sparse {
    a: Option<i64>,
    b: Option<i64>,
    c: Option<i64>,
}

#[test]
fn optional_fields_left_out_keep_valid_json() {
    assert_eq!(
        write(&Sparse {
            a: None,
            b: None,
            c: None
        }),
        "{}"
    );
    assert_eq!(
        write(&Sparse {
            a: None,
            b: Some(2),
            c: None
        }),
        r#"{"b":2}"#
    );
    assert_eq!(
        write(&Sparse {
            a: Some(1),
            b: None,
            c: Some(3)
        }),
        r#"{"a":1,"c":3}"#
    );
    assert_eq!(
        read::<Sparse>("{}").unwrap(),
        Sparse {
            a: None,
            b: None,
            c: None
        }
    );
}

#[test]
fn enum_registers_members_with_their_values() {
    let mut types = Types::new();
    assert_eq!(Color::type_ref(&mut types), named("Color"));
    assert_eq!(
        types.get("Color"),
        Some(&TypeDef::Enum(EnumDef {
            name: "Color".into(),
            description: "A colour.".into(),
            members: vec![("Red".into(), 5), ("Green".into(), 6), ("blue".into(), -2)],
        }))
    );
    assert_eq!(Severity::type_ref(&mut types), named("Level"));
    assert_eq!(
        types.get("Level"),
        Some(&TypeDef::Enum(EnumDef {
            name: "Level".into(),
            description: "Members numbered by attribute.".into(),
            members: vec![("Low".into(), 0), ("High".into(), 10), ("Mid".into(), 2)],
        }))
    );
}

#[test]
fn enum_reads_by_name_or_value_and_writes_the_name() {
    assert_eq!(read::<Color>(r#""Red""#).unwrap(), Color::Red);
    assert_eq!(read::<Color>("6").unwrap(), Color::Green);
    assert_eq!(read::<Color>(r#""blue""#).unwrap(), Color::Blue);
    assert_eq!(read::<Color>("-2").unwrap(), Color::Blue);
    assert_eq!(read::<Severity>("10").unwrap(), Severity::High);
    assert_eq!(read::<Severity>("2").unwrap(), Severity::Mid);
    assert!(read::<Severity>("1").is_err());
    assert_eq!(write(&Color::Green), r#""Green""#);
    assert_eq!(write(&Color::Blue), r#""blue""#);
    assert_eq!(write(&vec![Color::Red, Color::Blue]), r#"["Red","blue"]"#);

    for bad in [r#""Blue""#, "0", "true"] {
        let e = read::<Color>(bad).unwrap_err();
        assert_eq!(e.expected, "Color (one of Red, Green, blue)", "input {bad}");
    }
    let e = read::<Color>(r#""Blue""#).unwrap_err();
    assert_eq!(e.got, r#"string "Blue""#);
}

#[test]
fn enum_inside_a_struct_reports_its_path() {
    #[derive(jsonws::Type, Debug, PartialEq)]
    struct Swatch {
        colors: Vec<Color>,
    }
    assert_eq!(
        read::<Swatch>(r#"{"colors": ["Red", 6]}"#).unwrap(),
        Swatch {
            colors: vec![Color::Red, Color::Green]
        }
    );
    assert_eq!(
        read::<Swatch>(r#"{"colors": ["Red", 7]}"#)
            .unwrap_err()
            .path_text(),
        "colors[1]"
    );
}

const BASE: isize = 7;

/// Discriminants only the compiler knows.
#[derive(jsonws::Type, Debug, PartialEq)]
enum Computed {
    First = BASE,
    Second,
}

#[test]
fn enum_values_from_constant_discriminants() {
    let mut types = Types::new();
    Computed::type_ref(&mut types);
    let Some(TypeDef::Enum(def)) = types.get("Computed") else {
        panic!("no enum Computed")
    };
    assert_eq!(
        def.members,
        [("First".to_owned(), 7), ("Second".to_owned(), 8)]
    );
    assert_eq!(read::<Computed>("8").unwrap(), Computed::Second);
}
