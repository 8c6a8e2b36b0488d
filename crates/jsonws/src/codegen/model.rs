//! The one input every language writer reads, and the readers that produce it from a
//! [`Service`], a `?json` document (ours or json-ws's), a json-ws description file or an
//! OpenRPC 1.x document.

use std::fmt;

use serde_json::{Map, Value};

use crate::Service;
use crate::schema::{EnumDef, FieldDef, StructDef, TypeDef, TypeName, TypeRef, Types};
use crate::service::{EventDef, MethodDef, ParamDef};

/// What a client is generated from: a service's name, version, description, types, methods and
/// events — the same description `?json` and OpenRPC are rendered from.
///
/// ```
/// use jsonws::codegen::Model;
///
/// let meta = serde_json::json!({
///     "name": "calc", "version": "1.0.0", "description": "",
///     "types": {}, "events": {},
///     "methods": {"sum": {"name": "sum", "params": [
///         {"name": "a", "type": "int", "isArray": false},
///         {"name": "b", "type": "int", "isArray": false}], "returns": "int"}}
/// });
/// let model = Model::from_document(&meta, None).unwrap();
/// assert_eq!(model.methods[0].params[1].name, "b");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The service's name (`demo`).
    pub name: String,
    /// Its version (`1.0.0`).
    pub version: String,
    /// What it is for.
    pub description: String,
    /// Its enums and structs.
    pub types: Types,
    /// Its methods, in declared order.
    pub methods: Vec<MethodDef>,
    /// Its events, in declared order.
    pub events: Vec<EventDef>,
}

/// Which of the three document formats a JSON document looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A `?json` metadata document (jsonws's or a json-ws server's).
    Metadata,
    /// An OpenRPC 1.x document.
    OpenRpc,
    /// A json-ws description file.
    Description,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Metadata => "a `?json` metadata document",
            Format::OpenRpc => "an OpenRPC document",
            Format::Description => "a json-ws description file",
        })
    }
}

/// A document that could not be read as a service description: which format it looked like,
/// where (a JSON path such as `$.methods.sum.params[0].type`) and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}: this looks like {format}, but at {path}: {problem}")]
pub struct ReadError {
    /// The file or URL read.
    pub origin: String,
    /// The format it looked like.
    pub format: Format,
    /// Where the problem is, as a JSON path.
    pub path: String,
    /// What is wrong there.
    pub problem: String,
}

impl Model {
    /// The model of a service running in this process. Defaults are taken as `?json` shows
    /// them (converted by their type: a struct's own defaults filled in, dates normalized), so
    /// a client generated here and one generated from the service's `?json` are the same file.
    pub fn from_service(service: &Service) -> Model {
        let known = service.types();
        let canonical = |ty: &TypeRef, d: &Option<Value>| {
            d.as_ref()
                .map(|d| crate::metadata::canonical_default(ty, d, known))
        };
        let mut types = Types::new();
        for def in known.iter() {
            let def = match def {
                TypeDef::Struct(s) => TypeDef::Struct(StructDef {
                    fields: s
                        .fields
                        .iter()
                        .map(|f| FieldDef {
                            default: canonical(&f.ty, &f.default),
                            ..f.clone()
                        })
                        .collect(),
                    ..s.clone()
                }),
                other => other.clone(),
            };
            let _ = types.insert(def);
        }
        let methods = service
            .methods()
            .iter()
            .map(|m| MethodDef {
                params: m
                    .params
                    .iter()
                    .map(|p| ParamDef {
                        default: canonical(&p.ty, &p.default),
                        ..p.clone()
                    })
                    .collect(),
                ..m.clone()
            })
            .collect();
        Model {
            name: service.name().to_owned(),
            version: service.version().to_string(),
            description: service.description().to_owned(),
            types,
            methods,
            events: service.events().to_vec(),
        }
    }

    /// Which format `doc` looks like: an `openrpc` key means OpenRPC; a `name`, a `version`
    /// and an object of `methods` mean `?json` metadata; anything else is taken for a json-ws
    /// description file.
    pub fn sniff(doc: &Value) -> Format {
        let Some(object) = doc.as_object() else {
            return Format::Description;
        };
        if object.contains_key("openrpc") {
            Format::OpenRpc
        } else if object.get("name").is_some_and(Value::is_string)
            && object.get("version").is_some_and(Value::is_string)
        {
            Format::Metadata
        } else {
            Format::Description
        }
    }

    /// Reads a `?json` or OpenRPC document, or a json-ws description file, whichever `doc`
    /// looks like (see [`sniff`](Model::sniff)). A description file has no name or version:
    /// `name` (else `service`) and `1.0.0` are used; its `import`s are resolved relative to
    /// the current directory.
    pub fn from_document(doc: &Value, name: Option<&str>) -> Result<Model, ReadError> {
        Model::read(doc, name, "<document>")
    }

    /// Like [`from_document`](Model::from_document), with `origin` (a file name or URL) named
    /// in errors.
    pub fn read(doc: &Value, name: Option<&str>, origin: &str) -> Result<Model, ReadError> {
        let format = Model::sniff(doc);
        let mut reader = Reader {
            origin,
            format,
            path: vec!["$".to_owned()],
        };
        match format {
            Format::Metadata => reader.metadata(doc),
            Format::OpenRpc => reader.openrpc(doc),
            Format::Description => {
                let name = name.unwrap_or("service");
                let text = doc.to_string();
                match Service::builder(name, "1.0.0")
                    .import_json(&text, origin)
                    .build()
                {
                    Ok(service) => Ok(Model::from_service(&service)),
                    Err(e) => Err(ReadError {
                        origin: origin.to_owned(),
                        format,
                        path: "$".to_owned(),
                        problem: e.problems.join("; "),
                    }),
                }
            }
        }
    }

    /// The namespaces, outermost first, and the method's own name: `math.pow` → (`["math"]`,
    /// `pow`).
    pub(crate) fn split(name: &str) -> (Vec<&str>, &str) {
        let mut parts: Vec<&str> = name.split('.').collect();
        let last = parts.pop().unwrap_or_default();
        (parts, last)
    }
}

struct Reader<'a> {
    origin: &'a str,
    format: Format,
    path: Vec<String>,
}

type Read<T> = Result<T, ReadError>;

impl Reader<'_> {
    fn error<T>(&self, problem: impl Into<String>) -> Read<T> {
        Err(ReadError {
            origin: self.origin.to_owned(),
            format: self.format,
            path: self.path.concat(),
            problem: problem.into(),
        })
    }

    fn with<T>(&mut self, step: String, f: impl FnOnce(&mut Self) -> Read<T>) -> Read<T> {
        self.path.push(step);
        let out = f(self);
        self.path.pop();
        out
    }

    fn key(key: &str) -> String {
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            format!(".{key}")
        } else {
            format!("[{}]", Value::from(key))
        }
    }

    fn object<'v>(&self, value: &'v Value) -> Read<&'v Map<String, Value>> {
        match value.as_object() {
            Some(o) => Ok(o),
            None => self.error(format!("expected an object, found {}", kind(value))),
        }
    }

    fn string(&mut self, object: &Map<String, Value>, key: &str, required: bool) -> Read<String> {
        match object.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            None | Some(Value::Null) if !required => Ok(String::new()),
            None => self.error(format!("`{key}` is missing")),
            Some(other) => self.with(Reader::key(key), |r| {
                r.error(format!("expected a string, found {}", kind(other)))
            }),
        }
    }

    fn flag(&mut self, object: &Map<String, Value>, key: &str) -> Read<bool> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => self.with(Reader::key(key), |r| {
                r.error(format!("expected true or false, found {}", kind(other)))
            }),
        }
    }

    /// A type as `?json` writes it: `"type"` (a name) beside `"isArray"`.
    fn type_ref(&mut self, object: &Map<String, Value>, array_key: &str) -> Read<TypeRef> {
        let name = self.string(object, "type", true)?;
        if name.is_empty() {
            return self.with(".type".into(), |r| r.error("a type name is empty"));
        }
        let ty = TypeRef::decl(&name);
        Ok(if self.flag(object, array_key)? {
            ty.array()
        } else {
            ty
        })
    }

    fn metadata(&mut self, doc: &Value) -> Read<Model> {
        let top = self.object(doc)?;
        let name = self.string(top, "name", true)?;
        let version = self.string(top, "version", true)?;
        let description = self.string(top, "description", false)?;
        let mut types = Types::new();
        if let Some(section) = top.get("types") {
            self.with(".types".into(), |r| {
                for (key, def) in r.object(section)? {
                    let def = r.with(Reader::key(key), |r| r.meta_type(key, def))?;
                    let _ = types.insert(def);
                }
                Ok(())
            })?;
        }
        let mut events = Vec::new();
        if let Some(section) = top.get("events") {
            self.with(".events".into(), |r| {
                for (key, def) in r.object(section)? {
                    events.push(r.with(Reader::key(key), |r| {
                        let o = r.object(def)?;
                        let ty = match o.get("type") {
                            None | Some(Value::Null) => None,
                            Some(_) => Some(r.type_ref(o, "isArray")?),
                        };
                        Ok(EventDef {
                            name: key.clone(),
                            description: r.string(o, "description", false)?,
                            ty,
                        })
                    })?);
                }
                Ok(())
            })?;
        }
        let mut methods = Vec::new();
        if let Some(section) = top.get("methods") {
            self.with(".methods".into(), |r| {
                for (key, def) in r.object(section)? {
                    methods.push(r.with(Reader::key(key), |r| r.meta_method(key, def))?);
                }
                Ok(())
            })?;
        }
        let model = Model {
            name,
            version,
            description,
            types,
            methods,
            events,
        };
        self.check(&model)?;
        Ok(model)
    }

    fn meta_type(&mut self, key: &str, def: &Value) -> Read<TypeDef> {
        let o = self.object(def)?;
        let description = self.string(o, "description", false)?;
        let Some(body) = o.get("struct") else {
            return self.error("`struct` is missing");
        };
        if self.flag(o, "enum")? {
            let members = self.with(".struct".into(), |r| {
                let mut members = Vec::new();
                for (name, value) in r.object(body)? {
                    match value.as_i64() {
                        Some(v) => members.push((name.clone(), v)),
                        None => {
                            return r.with(Reader::key(name), |r| {
                                r.error(format!(
                                    "an enum member's value is an integer, not {}",
                                    kind(value)
                                ))
                            });
                        }
                    }
                }
                members.sort_by_key(|(_, v)| *v);
                Ok(members)
            })?;
            return Ok(TypeDef::Enum(EnumDef {
                name: key.to_owned(),
                description,
                members,
            }));
        }
        let fields = self.with(".struct".into(), |r| {
            let mut fields = Vec::new();
            for (name, field) in r.object(body)? {
                fields.push(r.with(Reader::key(name), |r| {
                    let f = r.object(field)?;
                    let default = f.get("default").cloned();
                    let required = match f.get("required") {
                        None => default.is_none(),
                        Some(_) => r.flag(f, "required")?,
                    };
                    Ok(FieldDef {
                        name: name.clone(),
                        ty: r.type_ref(f, "isArray")?,
                        required,
                        default,
                        description: r.string(f, "description", false)?,
                    })
                })?);
            }
            Ok(fields)
        })?;
        Ok(TypeDef::Struct(StructDef {
            name: key.to_owned(),
            description,
            fields,
        }))
    }

    fn meta_method(&mut self, key: &str, def: &Value) -> Read<MethodDef> {
        let o = self.object(def)?;
        let mut params = Vec::new();
        if let Some(list) = o.get("params") {
            self.with(".params".into(), |r| {
                let Some(list) = list.as_array() else {
                    return r.error(format!("expected an array, found {}", kind(list)));
                };
                for (i, p) in list.iter().enumerate() {
                    params.push(r.with(format!("[{i}]"), |r| {
                        let p = r.object(p)?;
                        let name = r.string(p, "name", true)?;
                        let ty = if p.get("type").is_some_and(|t| !t.is_null()) {
                            r.type_ref(p, "isArray")?
                        } else {
                            TypeRef::parse("any")
                        };
                        Ok(ParamDef {
                            name,
                            ty,
                            default: p.get("default").cloned(),
                            optional: r.flag(p, "optional")?,
                            description: r.string(p, "description", false)?,
                        })
                    })?);
                }
                Ok(())
            })?;
        }
        let returns = match o.get("returns") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) => {
                let ty = TypeRef::decl(t);
                Some(if self.flag(o, "returnsArray")? {
                    ty.array()
                } else {
                    ty
                })
            }
            Some(other) => {
                return self.with(".returns".into(), |r| {
                    r.error(format!("expected a type name, found {}", kind(other)))
                });
            }
        };
        Ok(MethodDef {
            name: key.to_owned(),
            description: self.string(o, "description", false)?,
            params,
            returns,
            errors: declared_errors(o.get("errors")),
        })
    }

    /// Every named type referred to exists; defaulted params come last.
    fn check(&mut self, model: &Model) -> Read<()> {
        let missing = |ty: &TypeRef| match &ty.name {
            TypeName::Named(n) if !model.types.contains(n) => Some(n.clone()),
            _ => None,
        };
        if let Some((owner, name)) = model.types.first_unknown_reference() {
            return self.with(format!(".types{}", Reader::key(owner)), |r| {
                r.error(format!(
                    "refers to the type `{name}`, which is not declared"
                ))
            });
        }
        for m in &model.methods {
            let refs = m.params.iter().map(|p| &p.ty).chain(m.returns.as_ref());
            if let Some(name) = refs.filter_map(missing).next() {
                return self.with(format!(".methods{}", Reader::key(&m.name)), |r| {
                    r.error(format!(
                        "refers to the type `{name}`, which is not declared"
                    ))
                });
            }
        }
        for e in &model.events {
            if let Some(name) = e.ty.as_ref().and_then(missing) {
                return self.with(format!(".events{}", Reader::key(&e.name)), |r| {
                    r.error(format!(
                        "refers to the type `{name}`, which is not declared"
                    ))
                });
            }
        }
        Ok(())
    }

    fn openrpc(&mut self, doc: &Value) -> Read<Model> {
        let top = self.object(doc)?;
        let version = self.string(top, "openrpc", true)?;
        if !version.starts_with("1.") {
            return self.with(".openrpc".into(), |r| {
                r.error(format!("only OpenRPC 1.x is read, this is {version}"))
            });
        }
        let Some(info) = top.get("info") else {
            return self.error("`info` is missing");
        };
        let (name, version, description) = self.with(".info".into(), |r| {
            let info = r.object(info)?;
            Ok((
                r.string(info, "title", true)?,
                r.string(info, "version", true)?,
                r.string(info, "description", false)?,
            ))
        })?;
        let mut types = Types::new();
        if let Some(schemas) = top.get("components").and_then(|c| c.get("schemas")) {
            self.with(".components.schemas".into(), |r| {
                for (key, schema) in r.object(schemas)? {
                    let def = r.with(Reader::key(key), |r| r.schema_type(key, schema))?;
                    let _ = types.insert(def);
                }
                Ok(())
            })?;
        }
        let mut methods = Vec::new();
        let Some(list) = top.get("methods") else {
            return self.error("`methods` is missing");
        };
        self.with(".methods".into(), |r| {
            let Some(list) = list.as_array() else {
                return r.error(format!("expected an array, found {}", kind(list)));
            };
            for (i, m) in list.iter().enumerate() {
                methods.push(r.with(format!("[{i}]"), |r| r.rpc_method(m))?);
            }
            Ok(())
        })?;
        let mut events = Vec::new();
        if let Some(list) = top.get("x-events").and_then(Value::as_array) {
            self.with("[\"x-events\"]".into(), |r| {
                for (i, e) in list.iter().enumerate() {
                    events.push(r.with(format!("[{i}]"), |r| {
                        let e = r.object(e)?;
                        let ty = match e.get("schema") {
                            Some(s) => r.with(".schema".into(), |r| r.schema_ref(s))?,
                            None => None,
                        };
                        Ok(EventDef {
                            name: r.string(e, "name", true)?,
                            description: r.string(e, "description", false)?,
                            ty,
                        })
                    })?);
                }
                Ok(())
            })?;
        }
        let model = Model {
            name,
            version,
            description,
            types,
            methods,
            events,
        };
        self.check(&model)?;
        Ok(model)
    }

    fn rpc_method(&mut self, m: &Value) -> Read<MethodDef> {
        let m = self.object(m)?;
        if m.contains_key("$ref") {
            return self.error("a method given as a `$ref` is not supported; inline it");
        }
        let name = self.string(m, "name", true)?;
        let description = match self.string(m, "description", false)? {
            d if d.is_empty() => self.string(m, "summary", false)?,
            d => d,
        };
        let mut params = Vec::new();
        if let Some(list) = m.get("params") {
            self.with(".params".into(), |r| {
                let Some(list) = list.as_array() else {
                    return r.error(format!("expected an array, found {}", kind(list)));
                };
                for (i, p) in list.iter().enumerate() {
                    params.push(r.with(format!("[{i}]"), |r| {
                        let p = r.object(p)?;
                        let name = r.string(p, "name", true)?;
                        let schema = p.get("schema").cloned().unwrap_or(Value::Null);
                        let ty = r
                            .with(".schema".into(), |r| r.schema_ref(&schema))?
                            .unwrap_or_else(|| TypeRef::parse("any"));
                        let default = schema.get("default").cloned();
                        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
                        Ok(ParamDef {
                            name,
                            ty,
                            optional: !required && default.is_none(),
                            default,
                            description: r.string(p, "description", false)?,
                        })
                    })?);
                }
                Ok(())
            })?;
        }
        let returns = match m.get("result").and_then(|r| r.get("schema")) {
            Some(schema) => self.with(".result.schema".into(), |r| r.schema_ref(schema))?,
            None => None,
        };
        Ok(MethodDef {
            name,
            description,
            params,
            returns,
            errors: declared_errors(m.get("errors")),
        })
    }

    /// The type a JSON Schema stands for; `None` for `{"type":"null"}`.
    fn schema_ref(&mut self, schema: &Value) -> Read<Option<TypeRef>> {
        let Some(s) = schema.as_object() else {
            return match schema {
                Value::Null | Value::Bool(true) => Ok(Some(TypeRef::parse("any"))),
                other => self.error(format!("expected a JSON Schema, found {}", kind(other))),
            };
        };
        if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
            return match reference.strip_prefix("#/components/schemas/") {
                Some(name) => Ok(Some(TypeRef::parse(
                    &name.replace("~1", "/").replace("~0", "~"),
                ))),
                None => self.error(format!(
                    "only references to #/components/schemas/ are supported, not `{reference}`"
                )),
            };
        }
        if let Some(Value::Array(all)) = s.get("allOf")
            && all.len() == 1
        {
            return self.with(".allOf[0]".into(), |r| r.schema_ref(&all[0]));
        }
        let format = s.get("format").and_then(Value::as_str).unwrap_or("");
        let ty = match s.get("type").and_then(Value::as_str) {
            Some("null") => return Ok(None),
            Some("integer") => "int",
            Some("number") => "number",
            Some("boolean") => "bool",
            Some("object") => "object",
            Some("string") if format == "date-time" => "date",
            Some("string") if format == "uri" => "url",
            Some("string")
                if format == "byte" || s.get("contentEncoding").is_some_and(|e| e == "base64") =>
            {
                "binary"
            }
            Some("string") => "string",
            Some("array") => {
                let items = s.get("items").cloned().unwrap_or(Value::Null);
                let inner = self.with(".items".into(), |r| r.schema_ref(&items))?;
                let inner = inner.unwrap_or_else(|| TypeRef::parse("any"));
                if inner.is_array {
                    // Arrays of arrays have no type of their own; they arrive as JSON values.
                    return Ok(Some(TypeRef::parse("any").array()));
                }
                return Ok(Some(inner.array()));
            }
            _ => "any",
        };
        Ok(Some(TypeRef::parse(ty)))
    }

    fn schema_type(&mut self, key: &str, schema: &Value) -> Read<TypeDef> {
        let s = self.object(schema)?;
        let description = self.string(s, "description", false)?;
        if let Some(Value::Array(names)) = s.get("enum") {
            let values = s.get("x-values").and_then(Value::as_object);
            let mut members = Vec::new();
            for (i, n) in names.iter().enumerate() {
                let Some(n) = n.as_str() else {
                    return self.with(format!(".enum[{i}]"), |r| {
                        r.error("only enums of strings are supported")
                    });
                };
                let value = values
                    .and_then(|v| v.get(n))
                    .and_then(Value::as_i64)
                    .unwrap_or(i as i64);
                members.push((n.to_owned(), value));
            }
            return Ok(TypeDef::Enum(EnumDef {
                name: key.to_owned(),
                description,
                members,
            }));
        }
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        if let Some(props) = s.get("properties") {
            self.with(".properties".into(), |r| {
                for (name, prop) in r.object(props)? {
                    let ty = r
                        .with(Reader::key(name), |r| r.schema_ref(prop))?
                        .unwrap_or_else(|| TypeRef::parse("any"));
                    fields.push(FieldDef {
                        name: name.clone(),
                        ty,
                        required: required.contains(&name.as_str()),
                        default: prop.get("default").cloned(),
                        description: prop
                            .get("description")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    });
                }
                Ok(())
            })?;
        } else if s.get("type").and_then(Value::as_str) != Some("object") {
            return self.error(
                "a schema under components.schemas is read as a struct (`properties`) or an enum (`enum`)",
            );
        }
        Ok(TypeDef::Struct(StructDef {
            name: key.to_owned(),
            description,
            fields,
        }))
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The application errors a method declares (`"errors": [{"code", "message"}]`, in `?json` and
/// OpenRPC alike); entries of another shape are not errors the client can name, and are left out.
fn declared_errors(errors: Option<&Value>) -> Vec<crate::service::ErrorDef> {
    errors
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    Some(crate::service::ErrorDef {
                        code: e.get("code")?.as_i64()?,
                        message: e.get("message")?.as_str()?.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}
