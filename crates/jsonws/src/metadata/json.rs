use serde_json::{Map, Value, json};

use crate::Service;
use crate::schema::{TypeDef, TypeRef, Types, convert_in};
use crate::service::{EventDef, GroupDef, MethodDef, ParamDef};

/// The name of the group that holds every item declared outside a group, as in json-ws.
pub(super) const DEFAULT_GROUP: &str = "Default";

/// Renders `service` as json-ws's `?json` metadata.
///
/// The top level is `{"name","description","version","groups","types","events","methods"}`;
/// `groups`, `types`, `events` and `methods` are objects keyed by name. Keys come out sorted
/// (so struct fields and enum members are listed by name, not in declared order); params
/// keep their declared order, since positional calls depend on it.
///
/// Where json-ws leaves room, this is what comes out:
///
/// - **A method without a result** has neither `returns` nor `returnsArray`, exactly as json-ws
///   writes a method defined without `returns` (its `returns` getter is only defined when a type
///   is given, `lib/service/service.js`).
/// - **An event without data** has `"type": null, "isArray": false`, as in json-ws.
/// - **A param that may be left out without a default** (an `Option` in Rust) carries
///   `"optional": true`. json-ws has no such params and no such key; the key is written only
///   when true, so json-ws-shaped params look the same.
/// - **Defaults** (of params and struct fields) are shown converted to their type, the value a
///   handler gets: an enum default given as a number shows as the member's name, a date as
///   `2013-12-14T11:00:53.379Z`. `default` is absent when there is none.
/// - **Groups**: items declared outside any group are listed in the group `Default`
///   (description `""`): its types first, then its events, then its methods. `Default` is
///   left out when it would be empty. json-ws also writes `examples`, `callback` and
///   `permissions`, which describe its Node handlers; they are left out.
///
/// ```
/// use jsonws::Service;
/// use jsonws::service::Method;
///
/// let service = Service::builder("echo", "2.0.1")
///     .method(Method::new("echo").param("x", "any").returns("any"))
///     .event("heartbeat", None, "")
///     .build()
///     .unwrap();
/// let meta = jsonws::metadata::json(&service);
/// assert_eq!(meta["methods"]["echo"]["returns"], "any");
/// assert_eq!(meta["events"]["heartbeat"]["type"], serde_json::Value::Null);
/// ```
pub fn json(service: &Service) -> Value {
    let types = service.types();
    let groups: Map<String, Value> = groups(service)
        .into_iter()
        .map(|g| (g.name.clone(), group(&g)))
        .collect();
    let type_map: Map<String, Value> = types
        .iter()
        .map(|t| (t.name().to_owned(), type_def(t, types)))
        .collect();
    let events: Map<String, Value> = service
        .events()
        .iter()
        .map(|e| (e.name.clone(), event(e)))
        .collect();
    let methods: Map<String, Value> = service
        .methods()
        .iter()
        .map(|m| (m.name.clone(), method(m, types)))
        .collect();
    json!({
        "name": service.name(),
        "description": service.description(),
        "version": service.version().to_string(),
        "groups": groups,
        "types": type_map,
        "events": events,
        "methods": methods,
    })
}

/// A group as both documents write it: `{"name","description","items"}`.
pub(super) fn group(group: &GroupDef) -> Value {
    json!({ "name": group.name, "description": group.description, "items": group.items })
}

/// The declared groups, plus `Default` holding every item no group lists (omitted when
/// empty). A declared group named `Default` receives those items after its own.
pub(crate) fn groups(service: &Service) -> Vec<GroupDef> {
    let grouped = |item: &str| {
        service
            .groups()
            .iter()
            .any(|g| g.items.iter().any(|i| i == item))
    };
    let items = service
        .types()
        .iter()
        .map(|t| format!("type:{}", t.name()))
        .chain(service.events().iter().map(|e| format!("event:{}", e.name)))
        .chain(
            service
                .methods()
                .iter()
                .map(|m| format!("method:{}", m.name)),
        );
    let ungrouped: Vec<String> = items.filter(|item| !grouped(item)).collect();

    let mut groups = service.groups().to_vec();
    if !ungrouped.is_empty() {
        match groups.iter_mut().find(|g| g.name == DEFAULT_GROUP) {
            Some(default) => default.items.extend(ungrouped),
            None => groups.push(GroupDef {
                name: DEFAULT_GROUP.to_owned(),
                description: String::new(),
                items: ungrouped,
            }),
        }
    }
    groups
}

/// A default as the handler gets it: converted by its type. Defaults are checked when the
/// service is built, so the conversion only fails for a description built by hand; the
/// value is then shown as declared.
pub(crate) fn canonical_default(ty: &TypeRef, default: &Value, types: &Types) -> Value {
    serde_json::value::to_raw_value(default)
        .ok()
        .and_then(|raw| convert_in(ty, &raw, types).ok())
        .unwrap_or_else(|| default.clone())
}

fn type_def(def: &TypeDef, types: &Types) -> Value {
    match def {
        TypeDef::Enum(e) => {
            let members: Map<String, Value> = e
                .members
                .iter()
                .map(|(name, value)| (name.clone(), Value::from(*value)))
                .collect();
            json!({ "name": e.name, "description": e.description, "enum": true, "struct": members })
        }
        TypeDef::Struct(s) => {
            let fields: Map<String, Value> = s
                .fields
                .iter()
                .map(|f| {
                    let mut field = json!({
                        "name": f.name,
                        "type": f.ty.type_name(),
                        "isArray": f.ty.is_array,
                        "required": f.required,
                        "description": f.description,
                    });
                    if let Some(default) = &f.default {
                        field["default"] = canonical_default(&f.ty, default, types);
                    }
                    (f.name.clone(), field)
                })
                .collect();
            json!({ "name": s.name, "description": s.description, "struct": fields })
        }
    }
}

fn event(e: &EventDef) -> Value {
    json!({
        "name": e.name,
        "description": e.description,
        "type": e.ty.as_ref().map(TypeRef::type_name),
        "isArray": e.ty.as_ref().is_some_and(|t| t.is_array),
    })
}

fn method(m: &MethodDef, types: &Types) -> Value {
    let params: Vec<Value> = m.params.iter().map(|p| param(p, types)).collect();
    let mut method = json!({ "name": m.name, "description": m.description, "params": params });
    if let Some(returns) = &m.returns {
        method["returns"] = returns.type_name().into();
        method["returnsArray"] = returns.is_array.into();
    }
    if !m.errors.is_empty() {
        method["errors"] = m
            .errors
            .iter()
            .map(|e| json!({ "code": e.code, "message": e.message }))
            .collect::<Vec<_>>()
            .into();
    }
    method
}

fn param(p: &ParamDef, types: &Types) -> Value {
    let mut param = json!({
        "name": p.name,
        "type": p.ty.type_name(),
        "isArray": p.ty.is_array,
        "description": p.description,
    });
    match &p.default {
        Some(default) => param["default"] = canonical_default(&p.ty, default, types),
        None if p.optional => param["optional"] = true.into(),
        None => {}
    }
    param
}
