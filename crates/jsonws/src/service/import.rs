//! Import of json-ws description files: the types, enums, events and method signatures a
//! service declares, written in JSON and added to a [`ServiceBuilder`].
//!
//! Description files let services share type libraries (one `common.json` imported by many
//! services), and let a json-ws service move over with its files unchanged. The format is
//! documented on [`ServiceBuilder::import_file`].
//!
//! An import runs in three passes, so that references may point forward, be recursive and
//! cross files, and so that every mistake is reported at once with its file and entry:
//!
//! 1. **Load.** The file is parsed (into an order-keeping tree: field, member and method order
//!    are part of a description), then each file it imports, depth first. A file is loaded
//!    once per import, however many files import it; a file that imports itself, directly or
//!    through others, is an error naming the cycle.
//! 2. **Select.** Everything in the imported file is taken; from each imported file, all of it
//!    or what its `list` names; and then, transitively, every type what was taken refers to.
//!    A reference is looked up in the referring file, then in what that file imports, then
//!    among the types declared on the builder before the import.
//! 3. **Declare.** What was selected goes onto the builder, imported files before the files
//!    importing them, each in file order, in its documentation group.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{EventDef, Method, MethodDef, ParamDef, ServiceBuilder};
use crate::schema::{Builtin, EnumDef, FieldDef, StructDef, TypeDef, TypeName, TypeRef, Types};

impl ServiceBuilder {
    /// Declares the types, enums, events and methods of a json-ws description file.
    ///
    /// Imported methods have no handler until one is attached with
    /// [`implement`](ServiceBuilder::implement); until then a call to one is answered with
    /// -32601 "Method not implemented". Mistakes in the file (it cannot be read, it is not
    /// JSON, it refers to a type nobody declares, …) do not stop the builder: each is recorded
    /// with the file and the entry it is about, and [`build`](ServiceBuilder::build) returns
    /// them all.
    ///
    /// # The format
    ///
    /// A JSON object with these keys, each optional:
    ///
    /// | key | value |
    /// |---|---|
    /// | `description` | the service's description (taken only from the file given here, not from the files it imports; it replaces an earlier one, so call [`description`](ServiceBuilder::description) after the import to override it) |
    /// | `import` | a list of files to import, each a path (relative to the importing file's directory) or `{"file": path, "list": ["type:Money", "enum:Unit", "event:items.changed", "method:items.get"]}` to take only those entries, and the types they need. A missing or empty `list` takes everything |
    /// | `enums` | name → `{"description", "struct"}`, where `struct` maps member names to integer values (`{"Draft": 0, "Active": 1}`) or lists names, valued 0, 1, 2, … in order |
    /// | `types` | name → `{"description", "struct"}`, where `struct` maps field names to a type (`"int"`), an array type (`["Item"]` or `"[Item]"`), or `{"type", "required", "default", "description"}`. `required` defaults to `true`; a field with a `default` is optional |
    /// | `events` | name → `{"type", "description"}` (without a `type`, the event carries no data), or a string: the description of an event without data |
    /// | `methods` | name → `{"description", "params": [{"name", "type", "default", "description"}], "returns"}`, or a string: the description of a method without params that returns nothing. A param without a `type` is `any`, and a bare string in `params` is the name of an `any` param |
    /// | anything else | a documentation group of that name, holding a `description` and the same sections (groups nest, each a group of its own) |
    ///
    /// Types are the built-ins of the [schema](crate::schema) (`int`, `string`, `date`, …) or
    /// user types. Every user type a file refers to must be declared in that file, in a file
    /// it imports (listed, when the import has a `list`), or on the builder before the import.
    /// A name may be defined only once across the imported files; a type already declared on
    /// the builder with the same definition (the same file imported twice) is not declared
    /// again. Entries take the keys above and no others, so a misspelt key is reported.
    ///
    /// # Examples
    ///
    /// ```
    /// use jsonws::service::{Args, Service};
    /// use jsonws::ErrorObject;
    ///
    /// let dir = std::env::temp_dir().join(format!("jsonws-import-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(
    ///     dir.join("shapes.json"),
    ///     r#"{ "types": { "Point": { "struct": { "x": "int", "y": "int" } } } }"#,
    /// )
    /// .unwrap();
    /// std::fs::write(
    ///     dir.join("geometry.json"),
    ///     r#"{
    ///         "description": "Plane geometry.",
    ///         "import": ["shapes.json"],
    ///         "methods": {
    ///             "mirror": { "params": [{ "name": "p", "type": "Point" }], "returns": "Point" }
    ///         }
    ///     }"#,
    /// )
    /// .unwrap();
    ///
    /// let service = Service::builder("geometry", "1.0.0")
    ///     .import_file(dir.join("geometry.json"))
    ///     .implement("mirror", |args: Args| async move {
    ///         let p = args.value("p");
    ///         Ok::<_, ErrorObject>(serde_json::json!({ "x": p["y"], "y": p["x"] }))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(service.description(), "Plane geometry.");
    /// assert!(service.types().contains("Point"));
    /// assert_eq!(service.method("mirror").unwrap().returns.as_ref().unwrap().to_string(), "Point");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    ///
    /// A mistake names the file and the entry:
    ///
    /// ```
    /// use jsonws::service::Service;
    ///
    /// let error = Service::builder("shop", "1.0.0")
    ///     .import_file("no/such/shop.json")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(error.problems[0].starts_with("no/such/shop.json: cannot read the file: "));
    /// ```
    pub fn import_file(self, path: impl AsRef<Path>) -> Self {
        let mut session = Session::default();
        let root = session.load_file(path.as_ref());
        self.finish_import(session, root)
    }

    /// Declares the types, enums, events and methods of a json-ws description given as text;
    /// `origin` names it in error messages, and the files it imports are found relative to
    /// the current directory. The format and the rules are those of
    /// [`import_file`](ServiceBuilder::import_file).
    ///
    /// ```
    /// use jsonws::service::Service;
    ///
    /// let service = Service::builder("tree", "1.0.0")
    ///     .import_json(
    ///         r#"{
    ///             "methods": {
    ///                 "walk": { "params": [{ "name": "root", "type": "Node" }], "returns": ["Node"] }
    ///             },
    ///             "types": {
    ///                 "Node": { "struct": {
    ///                     "label": "string",
    ///                     "children": { "type": ["Node"], "required": false }
    ///                 } }
    ///             }
    ///         }"#,
    ///         "tree.json",
    ///     )
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(service.method("walk").unwrap().returns.as_ref().unwrap().to_string(), "[Node]");
    ///
    /// let error = Service::builder("tree", "1.0.0")
    ///     .import_json(r#"{ "types": { "Node": { "struct": { "label": "strin" } } } }"#, "tree.json")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(error.problems[0].starts_with("tree.json: types.Node.struct.label: unknown type `strin`"));
    /// ```
    pub fn import_json(self, text: &str, origin: &str) -> Self {
        let mut session = Session::default();
        let root = session.load_text(text, origin.to_owned(), Path::new(""), None);
        self.finish_import(session, root)
    }

    fn finish_import(mut self, mut session: Session, root: Option<usize>) -> Self {
        if let Some(root) = root {
            let existing = self.__types().clone();
            session.select(root, &existing);
            self = session.declare(self, &existing);
            if let Some(description) = session.files[root].description.take() {
                self = self.description(description);
            }
        }
        for problem in session.problems {
            self.problem(problem);
        }
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Loading: files, imports, cycles.

/// One import: every file it reaches, and what went wrong.
#[derive(Default)]
struct Session {
    files: Vec<File>,
    /// Loaded files by canonical path; `None` for one that failed (reported once).
    by_path: HashMap<PathBuf, Option<usize>>,
    /// The files being loaded, outermost first: a file found here again is a cycle.
    loading: Vec<usize>,
    /// Files in the order they finished loading: each after the files it imports.
    order: Vec<usize>,
    problems: Vec<String>,
}

struct File {
    label: String,
    description: Option<String>,
    decls: Vec<Decl>,
    groups: Vec<Group>,
    imports: Vec<Import>,
    /// One of its imports failed: references it cannot resolve were likely declared there, so
    /// they are not reported a second time.
    broken_import: bool,
    /// Everything in it is selected.
    whole: bool,
}

struct Group {
    name: String,
    description: String,
}

/// An import that loaded: the imported file, and what its list takes (`None`: everything).
struct Import {
    path: String,
    target: usize,
    list: Option<Vec<usize>>,
}

/// An import as written, before its file is loaded.
struct ImportSite {
    path: String,
    file: String,
    list: Vec<(String, String)>,
}

impl Session {
    fn load_file(&mut self, path: &Path) -> Option<usize> {
        let label = path.display().to_string();
        let read = std::fs::canonicalize(path).and_then(|c| Ok((std::fs::read_to_string(path)?, c)));
        match read {
            Ok((text, canonical)) => self.load_text(&text, label, path.parent().unwrap_or(Path::new("")), Some(canonical)),
            Err(error) => {
                self.problems.push(format!("{label}: cannot read the file: {error}"));
                None
            }
        }
    }

    fn load_text(&mut self, text: &str, label: String, dir: &Path, canonical: Option<PathBuf>) -> Option<usize> {
        let doc = match serde_json::from_str::<Json>(text) {
            Ok(Json::Object(entries)) => Ok(entries),
            Ok(other) => Err(format!("{label}: a description file holds a JSON object, not {}", other.kind())),
            Err(error) => Err(syntax_error(&label, &error)),
        };
        let doc = match doc {
            Ok(doc) => doc,
            Err(problem) => {
                self.problems.push(problem);
                if let Some(canonical) = canonical {
                    self.by_path.insert(canonical, None);
                }
                return None;
            }
        };
        let mut parse = Parse { label: &label, problems: &mut self.problems, file: File::new(label.clone()), sites: Vec::new() };
        parse.scope(&doc, "", None);
        let Parse { file, sites, .. } = parse;
        let id = self.files.len();
        self.files.push(file);
        if let Some(canonical) = canonical {
            self.by_path.insert(canonical, Some(id));
        }
        self.loading.push(id);
        for site in sites {
            self.import(id, dir, site);
        }
        self.loading.pop();
        self.order.push(id);
        Some(id)
    }

    fn import(&mut self, from: usize, dir: &Path, site: ImportSite) {
        let path = dir.join(&site.file);
        let from_label = &self.files[from].label;
        let cannot_read = |error: std::io::Error| format!("{from_label}: {}: cannot read `{}`: {error}", site.path, site.file);
        let canonical = match std::fs::canonicalize(&path) {
            Ok(canonical) => canonical,
            Err(error) => {
                let problem = cannot_read(error);
                self.problems.push(problem);
                self.files[from].broken_import = true;
                return;
            }
        };
        let target = match self.by_path.get(&canonical) {
            // It failed earlier, and was reported then.
            Some(None) => None,
            Some(&Some(target)) => match self.loading.iter().position(|&f| f == target) {
                Some(start) => {
                    let chain: Vec<&str> =
                        self.loading[start..].iter().chain([&target]).map(|&f| self.files[f].label.as_str()).collect();
                    let problem = format!(
                        "{from_label}: {}: import cycle {}; a file cannot import itself, directly or through others",
                        site.path,
                        chain.join(" → ")
                    );
                    self.problems.push(problem);
                    None
                }
                None => Some(target),
            },
            None => match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let label = path.display().to_string();
                    let dir = path.parent().unwrap_or(Path::new(""));
                    self.load_text(&text, label, dir, Some(canonical))
                }
                Err(error) => {
                    let problem = cannot_read(error);
                    self.problems.push(problem);
                    self.by_path.insert(canonical, None);
                    None
                }
            },
        };
        let Some(target) = target else {
            self.files[from].broken_import = true;
            return;
        };
        let mut list = Vec::new();
        for (path, entry) in &site.list {
            match self.files[target].find_entry(entry) {
                Ok(decl) => list.push(decl),
                Err(why) => {
                    let problem = format!("{}: {path}: {why}", self.files[from].label);
                    self.problems.push(problem);
                }
            }
        }
        let list = if site.list.is_empty() { None } else { Some(list) };
        self.files[from].imports.push(Import { path: site.path, target, list });
    }
}

fn syntax_error(label: &str, error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&position).unwrap_or(&text);
    format!("{label}: line {}, column {}: not valid JSON: {message}", error.line(), error.column())
}

impl File {
    fn new(label: String) -> Self {
        File {
            label,
            description: None,
            decls: Vec::new(),
            groups: Vec::new(),
            imports: Vec::new(),
            broken_import: false,
            whole: false,
        }
    }

    /// The declaration an import list entry (`type:Money`) names.
    fn find_entry(&self, entry: &str) -> Result<usize, String> {
        let Some((kind, name)) = entry.split_once(':') else {
            return Err(format!(
                "`{entry}` is not a list entry; write \"type:{entry}\", \"enum:{entry}\", \"event:{entry}\" or \"method:{entry}\""
            ));
        };
        let found = self.decls.iter().position(|d| match (&d.item, kind) {
            (Item::Type(def), "type") => def.name() == name,
            (Item::Type(TypeDef::Enum(def)), "enum") => def.name == name,
            (Item::Event(def), "event") => def.name == name,
            (Item::Method(def), "method") => def.name == name,
            _ => false,
        });
        match (found, kind) {
            (Some(decl), _) => Ok(decl),
            (None, "type" | "enum" | "event" | "method") => Err(format!("`{}` has no {kind} `{name}`", self.label)),
            (None, _) => Err(format!("`{entry}`: `{kind}` is not an entry kind; use type, enum, event or method")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing: one file's sections into declarations.

/// A declaration of a file, with the type references it makes.
struct Decl {
    /// Where it is in its file: `types.Item`, `Reports.methods.reports.value`.
    path: String,
    group: Option<usize>,
    item: Item,
    refs: Vec<Ref>,
    selected: bool,
}

enum Item {
    Type(TypeDef),
    Event(EventDef),
    Method(MethodDef),
}

impl Item {
    fn name(&self) -> &str {
        match self {
            Item::Type(def) => def.name(),
            Item::Event(def) => &def.name,
            Item::Method(def) => &def.name,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Item::Type(TypeDef::Struct(_)) => "type",
            Item::Type(TypeDef::Enum(_)) => "enum",
            Item::Event(_) => "event",
            Item::Method(_) => "method",
        }
    }

    /// The type reference at `slot`.
    fn type_at(&mut self, slot: Slot) -> Option<&mut TypeRef> {
        match (self, slot) {
            (Item::Type(TypeDef::Struct(def)), Slot::Field(i)) => def.fields.get_mut(i).map(|f| &mut f.ty),
            (Item::Event(def), Slot::Event) => def.ty.as_mut(),
            (Item::Method(def), Slot::Param(i)) => def.params.get_mut(i).map(|p| &mut p.ty),
            (Item::Method(def), Slot::Returns) => def.returns.as_mut(),
            _ => None,
        }
    }
}

/// A reference to a user type, and where it is.
#[derive(Clone)]
struct Ref {
    path: String,
    name: String,
    slot: Slot,
}

#[derive(Clone, Copy)]
enum Slot {
    Field(usize),
    Param(usize),
    Returns,
    Event,
}

const SECTIONS: &str = "description, import, enums, types, events and methods";

struct Parse<'a> {
    label: &'a str,
    problems: &'a mut Vec<String>,
    file: File,
    sites: Vec<ImportSite>,
}

impl Parse<'_> {
    fn problem(&mut self, path: &str, message: impl fmt::Display) {
        self.problems.push(format!("{}: {path}: {message}", self.label));
    }

    /// The top level of a file, or a group in it.
    fn scope(&mut self, entries: &[(String, Json)], prefix: &str, group: Option<usize>) {
        for (key, value) in self.unique(entries, prefix) {
            let path = join(prefix, key);
            match key {
                "description" => match (value, group) {
                    (Json::String(text), None) => self.file.description = Some(text.clone()),
                    (Json::String(text), Some(g)) => self.file.groups[g].description = text.clone(),
                    _ => self.problem(&path, format!("a description is a string, not {}", value.kind())),
                },
                "import" => self.imports(value, &path),
                "enums" => self.section(value, &path, group, Self::enum_decl),
                "types" => self.section(value, &path, group, Self::struct_decl),
                "events" => self.section(value, &path, group, Self::event_decl),
                "methods" => self.section(value, &path, group, Self::method_decl),
                _ => match value {
                    Json::Object(inner) => {
                        self.file.groups.push(Group { name: key.to_owned(), description: String::new() });
                        let g = self.file.groups.len() - 1;
                        self.scope(inner, &format!("{path}."), Some(g));
                    }
                    _ => self.problem(
                        &path,
                        format!("a key other than {SECTIONS} is a group, and a group is an object, not {}", value.kind()),
                    ),
                },
            }
        }
    }

    /// An object's entries, each key once: a repeated key is reported and its later values
    /// are left out.
    fn unique<'j>(&mut self, entries: &'j [(String, Json)], prefix: &str) -> Vec<(&'j str, &'j Json)> {
        let mut out: Vec<(&str, &Json)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if out.iter().any(|(k, _)| k == key) {
                self.problem(&join(prefix, key), "defined twice in this object; the second one is ignored");
            } else {
                out.push((key, value));
            }
        }
        out
    }

    /// The entries of an object that must have only `allowed` keys.
    fn spec<'j>(&mut self, value: &'j Json, path: &str, what: &str, allowed: &[&str]) -> Option<Spec<'j>> {
        let Json::Object(entries) = value else {
            self.problem(path, format!("{what} is an object, not {}", value.kind()));
            return None;
        };
        let mut spec = Spec(Vec::new());
        for (key, value) in self.unique(entries, &format!("{path}.")) {
            if allowed.contains(&key) {
                spec.0.push((key, value));
            } else {
                self.problem(&join(path, key), format!("unknown key `{key}`; {what} takes {}", allowed.join(", ")));
            }
        }
        Some(spec)
    }

    fn section(
        &mut self,
        value: &Json,
        path: &str,
        group: Option<usize>,
        parse: fn(&mut Self, &str, &Json, &str) -> Option<(Item, Vec<Ref>)>,
    ) {
        let Json::Object(entries) = value else {
            self.problem(path, format!("a section maps names to entries: an object, not {}", value.kind()));
            return;
        };
        for (name, value) in self.unique(entries, &format!("{path}.")) {
            let path = join(path, name);
            if name.trim().is_empty() {
                self.problem(&path, "a name cannot be empty");
                continue;
            }
            if let Some((item, refs)) = parse(self, name, value, &path) {
                self.file.decls.push(Decl { path, group, item, refs, selected: false });
            }
        }
    }

    fn imports(&mut self, value: &Json, path: &str) {
        let items = match value {
            Json::Array(items) => items.iter().collect(),
            single => vec![single],
        };
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("{path}[{i}]");
            match item {
                Json::String(file) => self.sites.push(ImportSite { path, file: file.clone(), list: Vec::new() }),
                Json::Object(_) => {
                    let Some(spec) = self.spec(item, &path, "an import", &["file", "list"]) else { continue };
                    let Some(Json::String(file)) = spec.get("file") else {
                        self.problem(&path, "an import needs a `file`: the path of the file to import");
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
                                format!("a list entry is a string such as \"type:Money\", not {}", other.kind()),
                            ),
                        }
                    }
                    self.sites.push(ImportSite { path, file: file.clone(), list });
                }
                other => self.problem(&path, format!("an import is a file name or {{file, list}}, not {}", other.kind())),
            }
        }
    }

    fn enum_decl(&mut self, name: &str, value: &Json, path: &str) -> Option<(Item, Vec<Ref>)> {
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
                            format!("value of `{member}` must be an integer, not {}", other.describe()),
                        ),
                    }
                }
            }
            Some(Json::Array(names)) => {
                for (i, value) in names.iter().enumerate() {
                    match value {
                        Json::String(member) if members.iter().any(|(m, _)| m == member) => {
                            self.problem(&format!("{struct_path}[{i}]"), format!("`{member}` is listed twice"))
                        }
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
                    format!("an enum's `struct` maps names to values or lists names, not {}", other.kind()),
                );
                return None;
            }
            None => {
                self.problem(path, "an enum needs a `struct`: {\"A\": 0, \"B\": 5} or [\"A\", \"B\"]");
                return None;
            }
        }
        if spec.get("struct").is_some_and(|s| s.is_empty()) {
            self.problem(&struct_path, "an enum needs at least one member");
        }
        for (i, (member, value)) in members.iter().enumerate() {
            if let Some((other, _)) = members[..i].iter().find(|(_, v)| v == value) {
                let problem = format!("`{member}` has the value {value} of `{other}`; give each member its own value");
                self.problem(&struct_path, problem);
            }
        }
        let def = EnumDef { name: name.to_owned(), description, members };
        Some((Item::Type(TypeDef::Enum(def)), Vec::new()))
    }

    fn struct_decl(&mut self, name: &str, value: &Json, path: &str) -> Option<(Item, Vec<Ref>)> {
        let spec = self.spec(value, path, "a type", &["description", "struct"])?;
        let description = self.description(&spec, path);
        let struct_path = format!("{path}.struct");
        let entries = match spec.get("struct") {
            Some(Json::Object(entries)) => entries,
            Some(other) => {
                self.problem(&struct_path, format!("a type's `struct` maps field names to types, not {}", other.kind()));
                return None;
            }
            None => {
                self.problem(path, "a type needs a `struct` mapping field names to types: {\"id\": \"int\"}");
                return None;
            }
        };
        let mut fields = Vec::new();
        let mut refs = Vec::new();
        for (field, value) in self.unique(entries, &format!("{struct_path}.")) {
            let path = join(&struct_path, field);
            let slot = Slot::Field(fields.len());
            let mut def =
                FieldDef { name: field.to_owned(), ty: any(), required: true, default: None, description: String::new() };
            match value {
                Json::String(_) | Json::Array(_) => def.ty = self.type_ref(value, &path, slot, &mut refs),
                Json::Object(_) => {
                    const KEYS: &[&str] = &["type", "required", "default", "description"];
                    let Some(spec) = self.spec(value, &path, "a field", KEYS) else { continue };
                    match spec.get("type") {
                        Some(ty) => def.ty = self.type_ref(ty, &path, slot, &mut refs),
                        None => self.problem(&path, "a field needs a `type`"),
                    }
                    def.description = self.description(&spec, &path);
                    def.default = spec.get("default").map(Json::to_value);
                    match (spec.get("required"), &def.default) {
                        (None, default) => def.required = default.is_none(),
                        (Some(Json::Bool(true)), Some(_)) => self.problem(
                            &path,
                            "a field with a `default` is optional; drop `\"required\": true` or the default",
                        ),
                        (Some(Json::Bool(required)), _) => def.required = *required && def.default.is_none(),
                        (Some(other), _) => {
                            self.problem(&path, format!("`required` is true or false, not {}", other.describe()))
                        }
                    }
                }
                other => {
                    self.problem(
                        &path,
                        format!("a field is a type (\"int\", [\"Item\"]) or {{type, required, default, description}}, not {}", other.kind()),
                    );
                    continue;
                }
            }
            fields.push(def);
        }
        let def = StructDef { name: name.to_owned(), description, fields };
        Some((Item::Type(TypeDef::Struct(def)), refs))
    }

    fn event_decl(&mut self, name: &str, value: &Json, path: &str) -> Option<(Item, Vec<Ref>)> {
        let mut def = EventDef { name: name.to_owned(), description: String::new(), ty: None };
        let mut refs = Vec::new();
        match value {
            // json-ws reads a bare string as the description of an event without data, never
            // as a type: `"items.purged": "Sent after…"`. A typed event is `{"type": "Item"}`.
            Json::String(text) => def.description = text.clone(),
            _ => {
                let spec = self.spec(value, path, "an event", &["type", "description"])?;
                def.description = self.description(&spec, path);
                def.ty = spec.get("type").map(|ty| self.type_ref(ty, path, Slot::Event, &mut refs));
            }
        }
        Some((Item::Event(def), refs))
    }

    fn method_decl(&mut self, name: &str, value: &Json, path: &str) -> Option<(Item, Vec<Ref>)> {
        let mut def = MethodDef { name: name.to_owned(), description: String::new(), params: Vec::new(), returns: None };
        let mut refs = Vec::new();
        if let Json::String(text) = value {
            def.description = text.clone();
            return Some((Item::Method(def), refs));
        }
        let spec = self.spec(value, path, "a method", &["description", "params", "returns"])?;
        def.description = self.description(&spec, path);
        match spec.get("params") {
            None | Some(Json::Null) => {}
            Some(Json::Array(params)) => {
                for (i, param) in params.iter().enumerate() {
                    let path = format!("{path}.params[{i}]");
                    if let Some(param) = self.param(param, &path, Slot::Param(def.params.len()), &mut refs) {
                        def.params.push(param);
                    }
                }
            }
            Some(other) => self.problem(&format!("{path}.params"), format!("`params` is an array, not {}", other.kind())),
        }
        match spec.get("returns") {
            None | Some(Json::Null) => {}
            Some(ty) => def.returns = Some(self.type_ref(ty, &format!("{path}.returns"), Slot::Returns, &mut refs)),
        }
        Some((Item::Method(def), refs))
    }

    fn param(&mut self, value: &Json, path: &str, slot: Slot, refs: &mut Vec<Ref>) -> Option<ParamDef> {
        if let Json::String(name) = value {
            return Some(ParamDef::new(name.clone(), any()));
        }
        let spec = self.spec(value, path, "a param", &["name", "type", "default", "description"])?;
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
        param.description = self.description(&spec, path);
        Some(param)
    }

    fn description(&mut self, spec: &Spec<'_>, path: &str) -> String {
        match spec.get("description") {
            None => String::new(),
            Some(Json::String(text)) => text.clone(),
            Some(other) => {
                self.problem(&format!("{path}.description"), format!("a description is a string, not {}", other.kind()));
                String::new()
            }
        }
    }

    /// A type as written: `"int"`, `"Item"`, `["Item"]` or `"[Item]"`. A user type is
    /// recorded in `refs`; a malformed type is reported and read as `any`.
    fn type_ref(&mut self, value: &Json, path: &str, slot: Slot, refs: &mut Vec<Ref>) -> TypeRef {
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
            TypeName::Named(name) => !name.is_empty() && !name.contains(|c: char| c.is_whitespace() || "[]".contains(c)),
        };
        if !name_ok || (array && ty.is_array) {
            let problem =
                format!("a type is a name (\"int\", \"Item\") or a one-name array ([\"Item\"]), not {}", value.describe());
            self.problem(path, problem);
            return any();
        }
        if array {
            ty = ty.array();
        }
        if let TypeName::Named(name) = &ty.name {
            refs.push(Ref { path: path.to_owned(), name: name.clone(), slot });
        }
        ty
    }
}

/// The keys of an entry, checked against the ones it may have.
struct Spec<'j>(Vec<(&'j str, &'j Json)>);

impl<'j> Spec<'j> {
    fn get(&self, key: &str) -> Option<&'j Json> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('.') { format!("{prefix}{key}") } else { format!("{prefix}.{key}") }
}

fn any() -> TypeRef {
    TypeRef::builtin(Builtin::Any)
}

// ---------------------------------------------------------------------------------------------
// Selecting what the import takes, and resolving type references.

/// Where a type reference leads.
enum Found {
    /// A declaration of an imported file.
    Decl(usize, usize),
    /// A type declared on the builder before the import.
    Builder,
}

impl Session {
    fn select(&mut self, root: usize, existing: &Types) {
        let mut work = VecDeque::new();
        self.take_whole(root, &mut work);
        while let Some((f, d)) = work.pop_front() {
            for r in self.files[f].decls[d].refs.clone() {
                match self.resolve(f, &r.name, existing) {
                    Some(Found::Decl(tf, td)) => self.take(tf, td, &mut work),
                    Some(Found::Builder) => {}
                    None => {
                        let file = &self.files[f];
                        let problem = match self.left_out(f, &r.name) {
                            Some(why) => Some(format!("{}: {}: {why}", file.label, r.path)),
                            None if file.broken_import => None,
                            None => Some(format!(
                                "{}: {}: unknown type `{}`; declare it under `types` or `enums`, or import the file that does",
                                file.label, r.path, r.name
                            )),
                        };
                        self.problems.extend(problem);
                        // Reported here, with the file; read as `any` so that `build()` does
                        // not report it again without one.
                        if let Some(ty) = self.files[f].decls[d].item.type_at(r.slot) {
                            ty.name = TypeName::Builtin(Builtin::Any);
                        }
                    }
                }
            }
        }
    }

    /// Takes all of file `f`, and what it imports.
    fn take_whole(&mut self, f: usize, work: &mut VecDeque<(usize, usize)>) {
        if std::mem::replace(&mut self.files[f].whole, true) {
            return;
        }
        for d in 0..self.files[f].decls.len() {
            self.take(f, d, work);
        }
        for i in 0..self.files[f].imports.len() {
            let target = self.files[f].imports[i].target;
            match self.files[f].imports[i].list.clone() {
                None => self.take_whole(target, work),
                Some(list) => list.into_iter().for_each(|d| self.take(target, d, work)),
            }
        }
    }

    fn take(&mut self, f: usize, d: usize, work: &mut VecDeque<(usize, usize)>) {
        if !std::mem::replace(&mut self.files[f].decls[d].selected, true) {
            work.push_back((f, d));
        }
    }

    /// The type `name` as file `f` sees it: its own, else one it imports, else the builder's.
    fn resolve(&self, f: usize, name: &str, existing: &Types) -> Option<Found> {
        self.find_type(f, name).map(|(tf, td)| Found::Decl(tf, td)).or_else(|| existing.contains(name).then_some(Found::Builder))
    }

    fn find_type(&self, f: usize, name: &str) -> Option<(usize, usize)> {
        let file = &self.files[f];
        let own = file.decls.iter().position(|d| matches!(&d.item, Item::Type(def) if def.name() == name));
        if let Some(d) = own {
            return Some((f, d));
        }
        file.imports.iter().find_map(|import| match &import.list {
            None => self.find_type(import.target, name),
            Some(list) => list
                .iter()
                .find(|&&d| matches!(&self.files[import.target].decls[d].item, Item::Type(def) if def.name() == name))
                .map(|&d| (import.target, d)),
        })
    }

    /// Why `name` is not visible in file `f` although a file it imports has it: the import's
    /// list leaves it out.
    fn left_out(&self, f: usize, name: &str) -> Option<String> {
        let file = &self.files[f];
        file.imports.iter().filter(|i| i.list.is_some()).find_map(|import| {
            let (tf, td) = self.find_type(import.target, name)?;
            let kind = self.files[tf].decls[td].item.kind();
            Some(format!(
                "type `{name}` is in `{}`, but the list of {} leaves it out; add \"{kind}:{name}\" to it",
                self.files[import.target].label, import.path
            ))
        })
    }

    // -----------------------------------------------------------------------------------------
    // Declaring what was selected on the builder.

    fn declare(&mut self, mut builder: ServiceBuilder, existing: &Types) -> ServiceBuilder {
        // (namespace, name) → (file, path) of the first definition
        let mut defined: HashMap<(&str, String), (usize, String)> = HashMap::new();
        for f in self.order.clone() {
            let decls = std::mem::take(&mut self.files[f].decls);
            let label = &self.files[f].label;
            for decl in decls.into_iter().filter(|d| d.selected) {
                let (kind, name) = (decl.item.kind(), decl.item.name().to_owned());
                let namespace = if kind == "enum" { "type" } else { kind };
                if let Some((first, first_path)) = defined.get(&(namespace, name.clone())) {
                    let place = match *first == f {
                        true => first_path.clone(),
                        false => format!("{first_path} in `{}`", self.files[*first].label),
                    };
                    let problem =
                        format!("{label}: {}: {kind} `{name}` is also defined at {place}; rename one of them", decl.path);
                    self.problems.push(problem);
                    continue;
                }
                defined.insert((namespace, name.clone()), (f, decl.path.clone()));
                if let Item::Type(def) = &decl.item {
                    match existing.get(&name) {
                        // Declared by an earlier import of the same file: the same type.
                        Some(earlier) if earlier == def => continue,
                        Some(_) => {
                            let problem = format!(
                                "{label}: {}: {kind} `{name}` is already declared on the service, differently; rename one of them",
                                decl.path
                            );
                            self.problems.push(problem);
                            continue;
                        }
                        None => {}
                    }
                }
                builder = match decl.group.map(|g| &self.files[f].groups[g]) {
                    Some(group) => builder.group(&group.name, group.description.clone(), |b| add(b, decl.item)),
                    None => add(builder, decl.item),
                };
            }
        }
        builder
    }
}

fn add(builder: ServiceBuilder, item: Item) -> ServiceBuilder {
    match item {
        Item::Type(def) => builder.type_def(def),
        Item::Event(def) => {
            let ty = def.ty.map(|t| t.to_string());
            builder.event(&def.name, ty.as_deref(), def.description)
        }
        Item::Method(def) => {
            let mut method = Method::new(def.name).description(def.description);
            for param in def.params {
                method = method.param_def(param);
            }
            if let Some(returns) = def.returns {
                method = method.returns(&returns.to_string());
            }
            builder.method(method)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// An order-keeping JSON tree: serde_json's `Value` sorts object keys (without its
// `preserve_order` feature) and keeps only the last of repeated ones, and both field order
// and repeated names matter in a description.

enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a bool",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// The value, for messages: `string "abc"`, `number 1.5`, `an array`.
    fn describe(&self) -> String {
        match self {
            Json::String(text) if text.chars().count() > 40 => {
                format!("string \"{}…\"", text.chars().take(37).collect::<String>())
            }
            Json::String(text) => format!("string {}", Value::String(text.clone())),
            Json::Number(n) => format!("number {n}"),
            Json::Bool(b) => format!("bool {b}"),
            other => other.kind().to_owned(),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Json::Array(items) => items.is_empty(),
            Json::Object(entries) => entries.is_empty(),
            _ => false,
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_value())).collect()),
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        // JSON text cannot spell a non-finite number, so this is always `Some`.
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}
