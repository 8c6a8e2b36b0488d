//! Parsing: one file's sections into declarations.

use super::*;
use crate::service::ErrorDef;

/// A declaration of a file, with the type references it makes.
pub(super) struct Decl {
    /// Where it is in its file: `types.Item`, `Reports.methods.reports.value`.
    pub(super) path: String,
    pub(super) group: Option<usize>,
    pub(super) item: Item,
    pub(super) refs: Vec<Ref>,
    pub(super) selected: bool,
}

impl Decl {
    pub(super) fn declares_type(&self, name: &str) -> bool {
        matches!(&self.item, Item::Type(def) if def.name() == name)
    }
}

pub(super) enum Item {
    Type(TypeDef),
    Event(EventDef),
    Method(MethodDef),
}

impl Item {
    pub(super) fn name(&self) -> &str {
        match self {
            Item::Type(def) => def.name(),
            Item::Event(def) => &def.name,
            Item::Method(def) => &def.name,
        }
    }

    pub(super) fn kind(&self) -> &'static str {
        match self {
            Item::Type(TypeDef::Struct(_)) => "type",
            Item::Type(TypeDef::Enum(_)) => "enum",
            Item::Event(_) => "event",
            Item::Method(_) => "method",
        }
    }

    /// The type reference at `slot`.
    pub(super) fn type_at(&mut self, slot: Slot) -> Option<&mut TypeRef> {
        match (self, slot) {
            (Item::Type(TypeDef::Struct(def)), Slot::Field(i)) => {
                def.fields.get_mut(i).map(|f| &mut f.ty)
            }
            (Item::Event(def), Slot::Event) => def.ty.as_mut(),
            (Item::Method(def), Slot::Param(i)) => def.params.get_mut(i).map(|p| &mut p.ty),
            (Item::Method(def), Slot::Returns) => def.returns.as_mut(),
            _ => None,
        }
    }
}

/// A parsed entry and the user types it refers to.
type Parsed = (Item, Vec<Ref>);

/// A reference to a user type, and where it is.
#[derive(Clone)]
pub(super) struct Ref {
    pub(super) path: String,
    pub(super) name: String,
    pub(super) slot: Slot,
}

#[derive(Clone, Copy)]
pub(super) enum Slot {
    Field(usize),
    Param(usize),
    Returns,
    Event,
}

const GROUPS: &str =
    "a key other than description, import, enums, types, events and methods names a group";

pub(super) struct Parse<'a> {
    pub(super) label: &'a str,
    pub(super) problems: &'a mut Vec<String>,
    pub(super) file: File,
    pub(super) sites: Vec<ImportSite>,
}

impl Parse<'_> {
    pub(super) fn problem(&mut self, path: &str, message: impl fmt::Display) {
        self.problems
            .push(format!("{}: {path}: {message}", self.label));
    }

    /// The top level of a file, or a group in it.
    pub(super) fn scope(&mut self, entries: &[(String, Json)], prefix: &str, group: Option<usize>) {
        for (key, value) in self.unique(entries, prefix) {
            let path = join(prefix, key);
            match key {
                "description" => match (value, group) {
                    (Json::String(text), None) => self.file.description = Some(text.clone()),
                    (Json::String(text), Some(g)) => {
                        self.file.groups[g].description = text.clone();
                    }
                    _ => {
                        let problem = format!("a description is a string, not {}", value.kind());
                        self.problem(&path, problem);
                    }
                },
                "import" => self.imports(value, &path),
                "enums" => self.section(value, &path, group, Self::enum_decl),
                "types" => self.section(value, &path, group, Self::struct_decl),
                "events" => self.section(value, &path, group, Self::event_decl),
                "methods" => self.section(value, &path, group, Self::method_decl),
                _ => match value {
                    Json::Object(inner) => {
                        let name = key.to_owned();
                        let description = String::new();
                        self.file.groups.push(Group { name, description });
                        let g = self.file.groups.len() - 1;
                        self.scope(inner, &format!("{path}."), Some(g));
                    }
                    _ => {
                        let kind = value.kind();
                        let problem = format!("{GROUPS}, and a group is an object, not {kind}");
                        self.problem(&path, problem);
                    }
                },
            }
        }
    }

    /// An object's entries, each key once: a repeated key is reported and its later values
    /// are left out.
    pub(super) fn unique<'j>(
        &mut self,
        entries: &'j [(String, Json)],
        prefix: &str,
    ) -> Vec<(&'j str, &'j Json)> {
        let mut out: Vec<(&str, &Json)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if out.iter().any(|(k, _)| k == key) {
                self.problem(
                    &join(prefix, key),
                    "defined twice in this object; the second one is ignored",
                );
            } else {
                out.push((key, value));
            }
        }
        out
    }

    /// The entries of an object that must have only `allowed` keys.
    pub(super) fn spec<'j>(
        &mut self,
        value: &'j Json,
        path: &str,
        what: &str,
        allowed: &[&str],
    ) -> Option<Spec<'j>> {
        let Json::Object(entries) = value else {
            self.problem(path, format!("{what} is an object, not {}", value.kind()));
            return None;
        };
        let mut spec = Spec(Vec::new());
        for (key, value) in self.unique(entries, &format!("{path}.")) {
            if allowed.contains(&key) {
                spec.0.push((key, value));
            } else {
                self.problem(
                    &join(path, key),
                    format!("unknown key `{key}`; {what} takes {}", allowed.join(", ")),
                );
            }
        }
        Some(spec)
    }

    pub(super) fn section(
        &mut self,
        value: &Json,
        path: &str,
        group: Option<usize>,
        parse: fn(&mut Self, &str, &Json, &str) -> Option<Parsed>,
    ) {
        let Json::Object(entries) = value else {
            self.problem(
                path,
                format!(
                    "a section maps names to entries: an object, not {}",
                    value.kind()
                ),
            );
            return;
        };
        for (name, value) in self.unique(entries, &format!("{path}.")) {
            let path = join(path, name);
            if name.trim().is_empty() {
                self.problem(&path, "a name cannot be empty");
                continue;
            }
            if let Some((item, refs)) = parse(self, name, value, &path) {
                self.file.decls.push(Decl {
                    path,
                    group,
                    item,
                    refs,
                    selected: false,
                });
            }
        }
    }

    pub(super) fn imports(&mut self, value: &Json, path: &str) {
        let items = match value {
            Json::Array(items) => items.iter().collect(),
            single => vec![single],
        };
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("{path}[{i}]");
            match item {
                Json::String(file) => self.sites.push(ImportSite {
                    path,
                    file: file.clone(),
                    list: Vec::new(),
                }),
                Json::Object(_) => {
                    let Some(spec) = self.spec(item, &path, "an import", &["file", "list"]) else {
                        continue;
                    };
                    let Some(Json::String(file)) = spec.get("file") else {
                        self.problem(
                            &path,
                            "an import needs a `file`: the path of the file to import",
                        );
                        continue;
                    };
                    let entries = match spec.get("list") {
                        None => Vec::new(),
                        Some(Json::Array(entries)) => entries.iter().collect(),
                        Some(single) => vec![single],
                    };
                    let mut list = Vec::new();
                    for (j, entry) in entries.into_iter().enumerate() {
                        let entry_path = format!("{path}.list[{j}]");
                        match entry {
                            Json::String(entry) => list.push((entry_path, entry.clone())),
                            other => self.problem(
                                &entry_path,
                                format!(
                                    "a list entry is a string such as \"type:Money\", not {}",
                                    other.kind()
                                ),
                            ),
                        }
                    }
                    self.sites.push(ImportSite {
                        path,
                        file: file.clone(),
                        list,
                    });
                }
                other => self.problem(
                    &path,
                    format!(
                        "an import is a file name or {{file, list}}, not {}",
                        other.kind()
                    ),
                ),
            }
        }
    }

    pub(super) fn enum_decl(&mut self, name: &str, value: &Json, path: &str) -> Option<Parsed> {
        self.check_type_name(name, path)?;
        let spec = self.spec(value, path, "an enum", &["description", "struct"])?;
        let description = self.description(&spec, path);
        let struct_path = format!("{path}.struct");
        let mut members: Vec<(String, i64)> = Vec::new();
        match spec.get("struct") {
            Some(Json::Object(entries)) => {
                for (member, value) in self.unique(entries, &format!("{struct_path}.")) {
                    match value {
                        Json::Number(n) if n.is_i64() || n.is_u64() => match n.as_i64() {
                            Some(v) => members.push((member.to_owned(), v)),
                            None => self.problem(
                                &join(&struct_path, member),
                                format!("value of `{member}` must be a 64-bit integer, not {n}"),
                            ),
                        },
                        other => self.problem(
                            &join(&struct_path, member),
                            format!(
                                "value of `{member}` must be an integer, not {}",
                                other.describe()
                            ),
                        ),
                    }
                }
            }
            Some(Json::Array(names)) => {
                for (i, value) in names.iter().enumerate() {
                    match value {
                        Json::String(member) if members.iter().any(|(m, _)| m == member) => self
                            .problem(
                                &format!("{struct_path}[{i}]"),
                                format!("`{member}` is listed twice"),
                            ),
                        Json::String(member) => members.push((member.clone(), i as i64)),
                        other => self.problem(
                            &format!("{struct_path}[{i}]"),
                            format!("a member name is a string, not {}", other.describe()),
                        ),
                    }
                }
            }
            Some(other) => {
                self.problem(
                    &struct_path,
                    format!(
                        "an enum's `struct` maps names to values or lists names, not {}",
                        other.kind()
                    ),
                );
                return None;
            }
            None => {
                self.problem(
                    path,
                    "an enum needs a `struct`: {\"A\": 0, \"B\": 5} or [\"A\", \"B\"]",
                );
                return None;
            }
        }
        if spec.get("struct").is_some_and(|s| s.is_empty()) {
            self.problem(&struct_path, "an enum needs at least one member");
        }
        for (i, (member, value)) in members.iter().enumerate() {
            if let Some((other, _)) = members[..i].iter().find(|(_, v)| v == value) {
                let problem = format!(
                    "`{member}` has the value {value} of `{other}`; give each member its own value"
                );
                self.problem(&struct_path, problem);
            }
        }
        let def = EnumDef {
            name: name.to_owned(),
            description,
            members,
        };
        Some((Item::Type(TypeDef::Enum(def)), Vec::new()))
    }

    pub(super) fn struct_decl(&mut self, name: &str, value: &Json, path: &str) -> Option<Parsed> {
        self.check_type_name(name, path)?;
        let spec = self.spec(value, path, "a type", &["description", "struct"])?;
        let description = self.description(&spec, path);
        let struct_path = format!("{path}.struct");
        let entries = match spec.get("struct") {
            Some(Json::Object(entries)) => entries,
            Some(other) => {
                self.problem(
                    &struct_path,
                    format!(
                        "a type's `struct` maps field names to types, not {}",
                        other.kind()
                    ),
                );
                return None;
            }
            None => {
                self.problem(
                    path,
                    "a type needs a `struct` mapping field names to types: {\"id\": \"int\"}",
                );
                return None;
            }
        };
        let mut fields = Vec::new();
        let mut refs = Vec::new();
        for (field, value) in self.unique(entries, &format!("{struct_path}.")) {
            let path = join(&struct_path, field);
            let slot = Slot::Field(fields.len());
            let mut def = FieldDef {
                name: field.to_owned(),
                ty: any(),
                required: true,
                default: None,
                description: String::new(),
            };
            match value {
                Json::String(_) | Json::Array(_) => {
                    def.ty = self.type_ref(value, &path, slot, &mut refs)
                }
                Json::Object(_) => {
                    const KEYS: &[&str] = &["type", "required", "default", "description"];
                    let Some(spec) = self.spec(value, &path, "a field", KEYS) else {
                        continue;
                    };
                    match spec.get("type") {
                        Some(ty) => def.ty = self.type_ref(ty, &path, slot, &mut refs),
                        None => self.problem(&path, "a field needs a `type`"),
                    }
                    def.description = self.description(&spec, &path);
                    def.default = spec.get("default").map(Json::to_value);
                    let defaulted = def.default.is_some();
                    match spec.get("required") {
                        None => def.required = !defaulted,
                        Some(Json::Bool(true)) if defaulted => {
                            let problem = "a field with a `default` is optional; \
                                           drop `\"required\": true` or the default";
                            self.problem(&path, problem);
                        }
                        Some(Json::Bool(required)) => def.required = *required && !defaulted,
                        Some(other) => {
                            let problem =
                                format!("`required` is true or false, not {}", other.describe());
                            self.problem(&path, problem);
                        }
                    }
                }
                other => {
                    let problem = format!(
                        "a field is a type (\"int\", [\"Item\"]) or {{type, required, default, description}}, \
                         not {}",
                        other.kind()
                    );
                    self.problem(&path, problem);
                    continue;
                }
            }
            fields.push(def);
        }
        let def = StructDef {
            name: name.to_owned(),
            description,
            fields,
        };
        Some((Item::Type(TypeDef::Struct(def)), refs))
    }

    pub(super) fn event_decl(&mut self, name: &str, value: &Json, path: &str) -> Option<Parsed> {
        let mut def = EventDef {
            name: name.to_owned(),
            description: String::new(),
            ty: None,
        };
        let mut refs = Vec::new();
        match value {
            // json-ws reads a bare string as the description of an event without data, never
            // as a type: `"items.purged": "Sent after…"`. A typed event is `{"type": "Item"}`.
            Json::String(text) => def.description = text.clone(),
            _ => {
                let spec = self.spec(value, path, "an event", &["type", "description"])?;
                def.description = self.description(&spec, path);
                def.ty = match spec.get("type") {
                    None | Some(Json::Null) => None,
                    Some(ty) => Some(self.type_ref(ty, path, Slot::Event, &mut refs)),
                };
            }
        }
        Some((Item::Event(def), refs))
    }

    pub(super) fn method_decl(&mut self, name: &str, value: &Json, path: &str) -> Option<Parsed> {
        let mut def = MethodDef {
            name: name.to_owned(),
            description: String::new(),
            params: Vec::new(),
            returns: None,
            errors: Vec::new(),
        };
        let mut refs = Vec::new();
        if let Json::String(text) = value {
            def.description = text.clone();
            return Some((Item::Method(def), refs));
        }
        let spec = self.spec(
            value,
            path,
            "a method",
            &["description", "params", "returns", "errors"],
        )?;
        def.description = self.description(&spec, path);
        match spec.get("errors") {
            None | Some(Json::Null) => {}
            Some(Json::Array(errors)) => {
                for (i, error) in errors.iter().enumerate() {
                    let path = format!("{path}.errors[{i}]");
                    let Some(error) = self.spec(error, &path, "an error", &["code", "message"])
                    else {
                        continue;
                    };
                    let code = error.get("code").map(Json::to_value);
                    let message = error.get("message").map(Json::to_value);
                    match (code.as_ref().and_then(Value::as_i64), message.as_ref().and_then(Value::as_str)) {
                        (Some(code), Some(message)) => def.errors.push(ErrorDef::new(code, message)),
                        _ => self.problem(&path, "an error is {\"code\": 4004, \"message\": \"…\"}: an integer code and a string"),
                    }
                }
            }
            Some(other) => self.problem(
                &format!("{path}.errors"),
                format!(
                    "`errors` is an array of {{\"code\", \"message\"}}, not {}",
                    other.kind()
                ),
            ),
        }
        match spec.get("params") {
            None | Some(Json::Null) => {}
            Some(Json::Array(params)) => {
                for (i, param) in params.iter().enumerate() {
                    let path = format!("{path}.params[{i}]");
                    if let Some(param) =
                        self.param(param, &path, Slot::Param(def.params.len()), &mut refs)
                    {
                        def.params.push(param);
                    }
                }
            }
            Some(other) => self.problem(
                &format!("{path}.params"),
                format!("`params` is an array, not {}", other.kind()),
            ),
        }
        match spec.get("returns") {
            None | Some(Json::Null) => {}
            Some(ty) => {
                def.returns =
                    Some(self.type_ref(ty, &format!("{path}.returns"), Slot::Returns, &mut refs))
            }
        }
        Some((Item::Method(def), refs))
    }

    pub(super) fn param(
        &mut self,
        value: &Json,
        path: &str,
        slot: Slot,
        refs: &mut Vec<Ref>,
    ) -> Option<ParamDef> {
        if let Json::String(name) = value {
            return Some(ParamDef::new(name.clone(), any()));
        }
        let spec = self.spec(
            value,
            path,
            "a param",
            &["name", "type", "default", "optional", "description"],
        )?;
        let name = match spec.get("name") {
            Some(Json::String(name)) if !name.trim().is_empty() => name.clone(),
            _ => {
                self.problem(path, "a param needs a `name`");
                return None;
            }
        };
        let ty = match spec.get("type") {
            Some(ty) => self.type_ref(ty, path, slot, refs),
            None => any(),
        };
        let mut param = ParamDef::new(name, ty);
        param.default = spec.get("default").map(Json::to_value);
        match spec.get("optional") {
            None | Some(Json::Bool(false)) => {}
            Some(Json::Bool(true)) if param.default.is_some() => self.problem(
                path,
                "a param with a `default` may be left out already; drop `\"optional\": true` or the default",
            ),
            Some(Json::Bool(true)) => param.optional = true,
            Some(other) => self.problem(
                path,
                format!("`optional` is true or false, not {}", other.describe()),
            ),
        }
        param.description = self.description(&spec, path);
        Some(param)
    }

    pub(super) fn check_type_name(&mut self, name: &str, path: &str) -> Option<()> {
        if is_type_name(name) {
            return Some(());
        }
        self.problem(path, "a type's name has no whitespace or brackets");
        None
    }

    pub(super) fn description(&mut self, spec: &Spec<'_>, path: &str) -> String {
        match spec.get("description") {
            None => String::new(),
            Some(Json::String(text)) => text.clone(),
            Some(other) => {
                self.problem(
                    &format!("{path}.description"),
                    format!("a description is a string, not {}", other.kind()),
                );
                String::new()
            }
        }
    }

    /// A type as written: `"int"`, `"Item"`, `["Item"]` or `"[Item]"`. A user type is
    /// recorded in `refs`; a malformed type is reported and read as `any`.
    pub(super) fn type_ref(
        &mut self,
        value: &Json,
        path: &str,
        slot: Slot,
        refs: &mut Vec<Ref>,
    ) -> TypeRef {
        let (text, array) = match value {
            Json::String(text) => (text.as_str(), false),
            Json::Array(items) => match items.as_slice() {
                [Json::String(text)] => (text.as_str(), true),
                _ => ("", true),
            },
            _ => ("", false),
        };
        let mut ty = TypeRef::decl(text);
        let name_ok = match &ty.name {
            TypeName::Builtin(_) => true,
            TypeName::Named(name) => is_type_name(name),
        };
        if !name_ok || (array && ty.is_array) {
            let problem = format!(
                "a type is a name (\"int\", \"Item\") or a one-name array ([\"Item\"]), not {}",
                value.describe()
            );
            self.problem(path, problem);
            return any();
        }
        if array {
            ty = ty.array();
        }
        if let TypeName::Named(name) = &ty.name {
            refs.push(Ref {
                path: path.to_owned(),
                name: name.clone(),
                slot,
            });
        }
        ty
    }
}

/// The keys of an entry, checked against the ones it may have.
pub(super) struct Spec<'j>(pub(super) Vec<(&'j str, &'j Json)>);

impl<'j> Spec<'j> {
    pub(super) fn get(&self, key: &str) -> Option<&'j Json> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

pub(super) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('.') {
        format!("{prefix}{key}")
    } else {
        format!("{prefix}.{key}")
    }
}

/// Whether `name` can be written as a type: not empty, no whitespace, no brackets.
pub(super) fn is_type_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(|c: char| c.is_whitespace() || "[]".contains(c))
}

pub(super) fn any() -> TypeRef {
    TypeRef::builtin(Builtin::Any)
}
