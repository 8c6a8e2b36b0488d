use serde_json::{Map, Value, json};

use super::json::{canonical_default, group, groups};
use crate::Service;
use crate::schema::{Builtin, TypeDef, TypeName, TypeRef, Types};
use crate::service::{EventDef, MethodDef, ParamDef};

/// The version of the OpenRPC specification [`openrpc`] writes.
pub const OPENRPC_VERSION: &str = "1.3.2";

/// Renders `service` as an OpenRPC 1.3.2 document.
///
/// - `info`: `title` is the service's name, `version` its version, `description` its
///   description (left out when empty, as are all empty descriptions).
/// - `methods`, in declared order: `name`, `description`, `params` (content descriptors in
///   declared order with `name`, `description`, `required` and `schema`; a default goes in the
///   schema's `default`), `result` (`{"name":"result","schema":…}`, and `{"type":"null"}` for a
///   method without a result, which answers `null`), `paramStructure: "either"`, and `tags`
///   naming the declared groups that list the method. `rpc.discover`, `rpc.on` and `rpc.off`
///   are protocol methods and are not listed.
/// - `components.schemas`: every user type, referenced as `{"$ref":"#/components/schemas/Name"}`.
///   A struct is an object schema with `properties` and `required` (fields that must be
///   present; fields with a default never must); undeclared fields are ignored by the server,
///   so `additionalProperties` is not restricted. An enum is
///   `{"type":"string","enum":[names],"x-values":{name: value}}`: the wire uses the names, and
///   `x-values` keeps the numbers.
/// - `x-events`: `[{name, description, schema}]`, the schema of each event's data
///   (`{"type":"null"}` for an event without data).
/// - `x-groups`: `[{name, description, items}]`, the same groups as [`json`](super::json),
///   `Default` included.
///
/// Types map to JSON Schema (draft 7, which OpenRPC 1.3 uses) by what the wire carries:
///
/// | type | schema |
/// |---|---|
/// | `any` | `{}` |
/// | `int` | `{"type":"integer"}` |
/// | `number` | `{"type":"number"}` |
/// | `date` | `{"type":"string","format":"date-time"}` |
/// | `bool` | `{"type":"boolean"}` |
/// | `object` | `{"type":"object"}` |
/// | `string` | `{"type":"string"}` |
/// | `url` | `{"type":"string","format":"uri"}` |
/// | `binary` | `{"type":"string","contentEncoding":"base64"}` |
/// | `error` | an object with string `name` and `message`, both required |
/// | `[T]` | `{"type":"array","items":T}` |
///
/// Input is more lenient than these schemas say in two places: a `date` may also be given as
/// epoch milliseconds, and an enum by its number. The schemas give the canonical form, the one
/// results use. A description or default beside a `$ref` is wrapped as
/// `{"allOf":[{"$ref":…}],"description":…}`, since draft 7 ignores keywords next to `$ref`.
///
/// ```
/// use jsonws::Service;
/// use jsonws::service::Method;
///
/// let service = Service::builder("files", "1.0.0")
///     .method(Method::new("read").param("path", "url").returns("binary"))
///     .build()
///     .unwrap();
/// let doc = jsonws::metadata::openrpc(&service);
/// let read = &doc["methods"][0];
/// assert_eq!(read["params"][0]["schema"]["format"], "uri");
/// assert_eq!(read["result"]["schema"]["contentEncoding"], "base64");
/// ```
pub fn openrpc(service: &Service) -> Value {
    let types = service.types();
    let groups = groups(service);

    let mut info = Map::new();
    info.insert("title".into(), service.name().into());
    info.insert("version".into(), service.version().to_string().into());
    insert_description(&mut info, service.description());

    let methods: Vec<Value> = service
        .methods()
        .iter()
        .map(|m| {
            let mut method = method(m, types);
            let tags: Vec<Value> = service
                .groups()
                .iter()
                .filter(|g| {
                    g.items
                        .iter()
                        .any(|i| i.strip_prefix("method:") == Some(&m.name))
                })
                .map(|g| {
                    let mut tag = Map::new();
                    tag.insert("name".into(), g.name.clone().into());
                    insert_description(&mut tag, &g.description);
                    Value::Object(tag)
                })
                .collect();
            if !tags.is_empty() {
                method["tags"] = tags.into();
            }
            method
        })
        .collect();

    let mut doc = json!({
        "openrpc": OPENRPC_VERSION,
        "info": info,
        "methods": methods,
    });
    if !types.is_empty() {
        let schemas: Map<String, Value> = types
            .iter()
            .map(|t| (t.name().to_owned(), type_def(t, types)))
            .collect();
        doc["components"] = json!({ "schemas": schemas });
    }
    if !service.events().is_empty() {
        doc["x-events"] = service
            .events()
            .iter()
            .map(event)
            .collect::<Vec<_>>()
            .into();
    }
    if !groups.is_empty() {
        doc["x-groups"] = groups.iter().map(group).collect::<Vec<_>>().into();
    }
    doc
}

fn method(m: &MethodDef, types: &Types) -> Value {
    let params: Vec<Value> = m.params.iter().map(|p| param(p, types)).collect();
    let result = match &m.returns {
        Some(ty) => type_ref(ty),
        None => json!({ "type": "null" }),
    };
    let mut method = Map::new();
    method.insert("name".into(), m.name.clone().into());
    insert_description(&mut method, &m.description);
    method.insert("params".into(), params.into());
    method.insert(
        "result".into(),
        json!({ "name": "result", "schema": result }),
    );
    if !m.errors.is_empty() {
        let errors: Vec<Value> = m
            .errors
            .iter()
            .map(|e| json!({ "code": e.code, "message": e.message }))
            .collect();
        method.insert("errors".into(), errors.into());
    }
    method.insert("paramStructure".into(), "either".into());
    Value::Object(method)
}

fn param(p: &ParamDef, types: &Types) -> Value {
    let default = p
        .default
        .as_ref()
        .map(|d| canonical_default(&p.ty, d, types));
    let mut param = Map::new();
    param.insert("name".into(), p.name.clone().into());
    insert_description(&mut param, &p.description);
    param.insert("required".into(), p.is_required().into());
    param.insert("schema".into(), annotated(type_ref(&p.ty), "", default));
    Value::Object(param)
}

fn event(e: &EventDef) -> Value {
    let schema = match &e.ty {
        Some(ty) => type_ref(ty),
        None => json!({ "type": "null" }),
    };
    let mut event = Map::new();
    event.insert("name".into(), e.name.clone().into());
    insert_description(&mut event, &e.description);
    event.insert("schema".into(), schema);
    Value::Object(event)
}

fn type_def(def: &TypeDef, types: &Types) -> Value {
    let mut schema = Map::new();
    schema.insert("title".into(), def.name().into());
    insert_description(&mut schema, def.description());
    match def {
        TypeDef::Enum(e) => {
            let names: Vec<Value> = e.members.iter().map(|(n, _)| n.clone().into()).collect();
            let values: Map<String, Value> = e
                .members
                .iter()
                .map(|(n, v)| (n.clone(), Value::from(*v)))
                .collect();
            schema.insert("type".into(), "string".into());
            schema.insert("enum".into(), names.into());
            schema.insert("x-values".into(), values.into());
        }
        TypeDef::Struct(s) => {
            let properties: Map<String, Value> = s
                .fields
                .iter()
                .map(|f| {
                    let default = f
                        .default
                        .as_ref()
                        .map(|d| canonical_default(&f.ty, d, types));
                    (
                        f.name.clone(),
                        annotated(type_ref(&f.ty), &f.description, default),
                    )
                })
                .collect();
            let required: Vec<Value> = s
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name.clone().into())
                .collect();
            schema.insert("type".into(), "object".into());
            schema.insert("properties".into(), properties.into());
            if !required.is_empty() {
                schema.insert("required".into(), required.into());
            }
        }
    }
    Value::Object(schema)
}

/// The schema of a type reference: a built-in's schema, a `$ref` to a user type, or an array
/// of either.
fn type_ref(ty: &TypeRef) -> Value {
    let element = match &ty.name {
        TypeName::Builtin(b) => builtin(*b),
        TypeName::Named(name) => json!({ "$ref": schema_ref(name) }),
    };
    if ty.is_array {
        json!({ "type": "array", "items": element })
    } else {
        element
    }
}

fn builtin(b: Builtin) -> Value {
    match b {
        Builtin::Any => json!({}),
        Builtin::Int => json!({ "type": "integer" }),
        Builtin::Number => json!({ "type": "number" }),
        Builtin::Date => json!({ "type": "string", "format": "date-time" }),
        Builtin::Bool => json!({ "type": "boolean" }),
        Builtin::Object => json!({ "type": "object" }),
        Builtin::String => json!({ "type": "string" }),
        Builtin::Url => json!({ "type": "string", "format": "uri" }),
        Builtin::Binary => json!({ "type": "string", "contentEncoding": "base64" }),
        Builtin::Error => json!({
            "type": "object",
            "properties": { "name": { "type": "string" }, "message": { "type": "string" } },
            "required": ["name", "message"],
        }),
    }
}

/// Adds a description and a default to a schema. Draft 7 ignores every keyword beside a
/// `$ref`, so a reference is wrapped in `allOf` first.
fn annotated(schema: Value, description: &str, default: Option<Value>) -> Value {
    if description.is_empty() && default.is_none() {
        return schema;
    }
    let mut schema = match schema {
        Value::Object(map) if !map.contains_key("$ref") => map,
        reference => {
            let mut wrapper = Map::new();
            wrapper.insert("allOf".into(), json!([reference]));
            wrapper
        }
    };
    insert_description(&mut schema, description);
    if let Some(default) = default {
        schema.insert("default".into(), default);
    }
    Value::Object(schema)
}

fn insert_description(object: &mut Map<String, Value>, description: &str) {
    if !description.is_empty() {
        object.insert("description".into(), description.into());
    }
}

/// `#/components/schemas/<name>`, the name escaped as a JSON pointer token (RFC 6901) in a
/// URI fragment (RFC 3986), so any type name resolves.
fn schema_ref(name: &str) -> String {
    let mut out = String::from("#/components/schemas/");
    for byte in name.replace('~', "~0").replace('/', "~1").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
