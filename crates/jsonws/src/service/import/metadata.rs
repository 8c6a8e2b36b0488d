//! Import of jsonws's own `?json` metadata: it is rewritten into the description-file format
//! and imported as one, so a service's published description can be the start of another
//! (or of a client's copy), and `?json` → import → `?json` gives the same document.

use serde_json::{Map, Value, json};

use crate::service::ServiceBuilder;

impl ServiceBuilder {
    /// Declares what a service's `?json` metadata describes (see
    /// [`metadata::json`](crate::metadata::json)): its types, enums, events, methods (with
    /// their declared errors and optional params) and groups. The name and version are the
    /// builder's own. As with [`import_json`](ServiceBuilder::import_json), mistakes are
    /// reported by [`build`](ServiceBuilder::build), prefixed by `origin`.
    ///
    /// ```
    /// use jsonws::service::{Method, Service};
    ///
    /// let original = Service::builder("calc", "1.0.0")
    ///     .method(Method::new("sum").param("a", "int").param_optional("b", "int").returns("int"))
    ///     .build()
    ///     .unwrap();
    /// let meta = jsonws::metadata::json(&original);
    /// let copy = Service::builder("calc", "1.0.0").import_metadata(&meta, "calc?json").build().unwrap();
    /// assert_eq!(jsonws::metadata::json(&copy), meta);
    /// ```
    pub fn import_metadata(mut self, metadata: &Value, origin: &str) -> Self {
        match description_of(metadata) {
            Ok(description) => self.import_json(&description.to_string(), origin),
            Err(problem) => {
                self.problem(format!("{origin}: {problem}"));
                self
            }
        }
    }
}

/// A type reference in the description format: `"int"` or `["int"]`.
fn type_of(entry: &Value, array_key: &str) -> Value {
    let ty = entry.get("type").cloned().unwrap_or(Value::Null);
    if entry.get(array_key).and_then(Value::as_bool) == Some(true) {
        json!([ty])
    } else {
        ty
    }
}

fn object(meta: &Value, key: &str) -> Result<Map<String, Value>, String> {
    match meta.get(key) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(other) => Err(format!("`{key}` is an object keyed by name, not {other}")),
    }
}

/// Where one declared item goes: its section, name and description-format value.
fn item(kind: &str, name: &str, meta: &Value) -> Result<(&'static str, Value), String> {
    let missing = || format!("the groups list {kind}:{name}, which the metadata does not declare");
    match kind {
        "type" => {
            let def = meta["types"].get(name).ok_or_else(missing)?;
            Ok(type_entry(def))
        }
        "event" => {
            let def = meta["events"].get(name).ok_or_else(missing)?;
            Ok(("events", event_entry(def)))
        }
        "method" => {
            let def = meta["methods"].get(name).ok_or_else(missing)?;
            Ok(("methods", method_entry(def)))
        }
        other => Err(format!(
            "`{other}:{name}` in a group is not a type, event or method"
        )),
    }
}

fn type_entry(def: &Value) -> (&'static str, Value) {
    let description = def.get("description").cloned().unwrap_or_default();
    if def.get("enum").and_then(Value::as_bool) == Some(true) {
        let members = def.get("struct").cloned().unwrap_or_default();
        return (
            "enums",
            json!({ "description": description, "struct": members }),
        );
    }
    let mut fields = Map::new();
    if let Some(Value::Object(struct_)) = def.get("struct") {
        for (name, field) in struct_ {
            let mut out = Map::new();
            out.insert("type".into(), type_of(field, "isArray"));
            if let Some(required) = field.get("required") {
                out.insert("required".into(), required.clone());
            }
            if let Some(default) = field.get("default") {
                out.insert("default".into(), default.clone());
            }
            out.insert(
                "description".into(),
                field.get("description").cloned().unwrap_or_default(),
            );
            fields.insert(name.clone(), Value::Object(out));
        }
    }
    (
        "types",
        json!({ "description": description, "struct": fields }),
    )
}

fn event_entry(def: &Value) -> Value {
    let description = def.get("description").cloned().unwrap_or_default();
    match def.get("type") {
        None | Some(Value::Null) => json!({ "description": description }),
        Some(_) => json!({ "type": type_of(def, "isArray"), "description": description }),
    }
}

fn method_entry(def: &Value) -> Value {
    let mut out = Map::new();
    out.insert(
        "description".into(),
        def.get("description").cloned().unwrap_or_default(),
    );
    let params: Vec<Value> = def
        .get("params")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            let mut param = Map::new();
            param.insert("name".into(), p.get("name").cloned().unwrap_or_default());
            param.insert("type".into(), type_of(p, "isArray"));
            for key in ["default", "optional", "description"] {
                if let Some(value) = p.get(key) {
                    param.insert(key.into(), value.clone());
                }
            }
            Value::Object(param)
        })
        .collect();
    out.insert("params".into(), params.into());
    if let Some(ty) = def.get("returns").filter(|r| !r.is_null()) {
        let returns = if def.get("returnsArray").and_then(Value::as_bool) == Some(true) {
            json!([ty])
        } else {
            ty.clone()
        };
        out.insert("returns".into(), returns);
    }
    if let Some(errors) = def.get("errors") {
        out.insert("errors".into(), errors.clone());
    }
    Value::Object(out)
}

/// Adds `value` under `section.name` of `scope`, keeping the order sections first appear in.
fn put(scope: &mut Map<String, Value>, section: &str, name: &str, value: Value) {
    let entries = scope
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(entries) = entries {
        entries.insert(name.to_owned(), value);
    }
}

/// The description file that declares what `meta` describes.
fn description_of(meta: &Value) -> Result<Value, String> {
    if !meta.is_object() {
        return Err("the metadata is a JSON object (what `?json` answers)".into());
    }
    let groups = object(meta, "groups")?;
    let mut in_group = std::collections::HashSet::new();
    let mut group_scopes = Vec::new();
    for (name, group) in &groups {
        // `?json` lists the items outside any group in a group of this name.
        if name == "Default" {
            continue;
        }
        let mut scope = Map::new();
        scope.insert(
            "description".into(),
            group.get("description").cloned().unwrap_or_default(),
        );
        for entry in group
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let entry = entry.as_str().unwrap_or_default();
            let Some((kind, item_name)) = entry.split_once(':') else {
                return Err(format!("`{entry}` in group `{name}` is not kind:name"));
            };
            let (section, value) = item(kind, item_name, meta)?;
            put(&mut scope, section, item_name, value);
            in_group.insert(entry.to_owned());
        }
        group_scopes.push((name.clone(), scope));
    }
    // Items outside any group, in declared order. Where the first of them was declared before
    // every grouped one of its kind, it goes before the groups, so the order survives.
    let mut before = Map::new();
    let mut after = Map::new();
    before.insert(
        "description".into(),
        meta.get("description").cloned().unwrap_or_default(),
    );
    for (kind, key) in [
        ("type", "types"),
        ("event", "events"),
        ("method", "methods"),
    ] {
        let names: Vec<String> = object(meta, key)?.keys().cloned().collect();
        let first_free = names
            .iter()
            .position(|n| !in_group.contains(&format!("{kind}:{n}")));
        let first_grouped = names
            .iter()
            .position(|n| in_group.contains(&format!("{kind}:{n}")));
        let early = kind == "type" || first_grouped.is_none() || first_free < first_grouped;
        for name in &names {
            if in_group.contains(&format!("{kind}:{name}")) {
                continue;
            }
            let (section, value) = item(kind, name, meta)?;
            put(
                if early { &mut before } else { &mut after },
                section,
                name,
                value,
            );
        }
    }
    let mut out = before;
    for (name, scope) in group_scopes {
        out.insert(name, Value::Object(scope));
    }
    out.extend(after);
    Ok(Value::Object(out))
}
