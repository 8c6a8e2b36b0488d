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

mod json;
mod metadata;
mod parse;
mod select;

use json::Json;
use parse::{Decl, Item, Parse};

use super::{EventDef, Method, MethodDef, ParamDef, ServiceBuilder};
use crate::schema::{Builtin, EnumDef, FieldDef, StructDef, TypeDef, TypeName, TypeRef, Types};

impl ServiceBuilder {
    /// Declares the types, enums, events and methods of a json-ws description file. (For a
    /// service's own `?json` metadata, use [`import_metadata`](ServiceBuilder::import_metadata).)
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
    /// | `methods` | name → `{"description", "params": [{"name", "type", "default", "optional", "description"}], "returns", "errors": [{"code", "message"}]}`, or a string: the description of a method without params that returns nothing. A param without a `type` is `any`, and a bare string in `params` is the name of an `any` param; `"optional": true` lets the caller leave it out without a default (the handler gets `null`); `errors` declares the application errors the method answers with |
    /// | anything else | a documentation group of that name, holding a `description` and the same sections (groups nest, each a group of its own) |
    ///
    /// Types are the built-ins of the [schema](crate::schema) (`int`, `string`, `date`, …) or
    /// user types. Every user type a file refers to must be declared in that file, in a file
    /// it imports (listed, when the import has a `list`), or on the builder before the import;
    /// references may point forward and be recursive. Entries take the keys above and no
    /// others, so a misspelt key is reported.
    ///
    /// A file is read once per import however many files import it, and what the imports
    /// take from it adds up. Its entries keep the groups it gives them, wherever the `import`
    /// that takes them stands; its top-level entries go where the builder is (inside
    /// [`group`](ServiceBuilder::group) or [`namespace`](ServiceBuilder::namespace), if the
    /// import is). A name may be defined only once across the imported files. Importing a
    /// file again in a later `import_file` is harmless for its types (one with the same
    /// definition as a type already on the builder is not declared again), but its events
    /// and methods would be declared twice, which is an error.
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
        let read =
            std::fs::canonicalize(path).and_then(|c| Ok((std::fs::read_to_string(path)?, c)));
        match read {
            Ok((text, canonical)) => self.load_text(
                &text,
                label,
                path.parent().unwrap_or(Path::new("")),
                Some(canonical),
            ),
            Err(error) => {
                self.problems
                    .push(format!("{label}: cannot read the file: {error}"));
                None
            }
        }
    }

    fn load_text(
        &mut self,
        text: &str,
        label: String,
        dir: &Path,
        canonical: Option<PathBuf>,
    ) -> Option<usize> {
        let doc = match serde_json::from_str::<Json>(text) {
            Ok(Json::Object(entries)) => Ok(entries),
            Ok(other) => Err(format!(
                "{label}: a description file holds a JSON object, not {}",
                other.kind()
            )),
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
        let mut parse = Parse {
            label: &label,
            problems: &mut self.problems,
            file: File::new(label.clone()),
            sites: Vec::new(),
        };
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
        let cannot_read = |error: std::io::Error| {
            format!(
                "{from_label}: {}: cannot read `{}`: {error}",
                site.path, site.file
            )
        };
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
                    let chain: Vec<&str> = self.loading[start..]
                        .iter()
                        .chain([&target])
                        .map(|&f| self.files[f].label.as_str())
                        .collect();
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
        let list = if site.list.is_empty() {
            None
        } else {
            Some(list)
        };
        self.files[from].imports.push(Import {
            path: site.path,
            target,
            list,
        });
    }
}

fn syntax_error(label: &str, error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&position).unwrap_or(&text);
    format!(
        "{label}: line {}, column {}: not valid JSON: {message}",
        error.line(),
        error.column()
    )
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
            (None, "type" | "enum" | "event" | "method") => {
                Err(format!("`{}` has no {kind} `{name}`", self.label))
            }
            (None, _) => Err(format!(
                "`{entry}`: `{kind}` is not an entry kind; use type, enum, event or method"
            )),
        }
    }
}
