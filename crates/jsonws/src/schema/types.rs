use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// A built-in type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Builtin {
    /// Any JSON value.
    Any,
    /// A 64-bit integer; numbers are truncated toward zero.
    Int,
    /// A 64-bit float.
    Number,
    /// A UTC date-time.
    Date,
    /// `true` or `false`.
    Bool,
    /// A JSON object.
    Object,
    /// A string.
    String,
    /// An absolute URL.
    Url,
    /// Bytes, as base64 on the wire.
    Binary,
    /// An error, `{"name","message"}`; output only.
    Error,
}

impl Builtin {
    /// Every built-in, in the order the docs list them.
    pub const ALL: [Builtin; 10] = [
        Builtin::Any,
        Builtin::Int,
        Builtin::Number,
        Builtin::Date,
        Builtin::Bool,
        Builtin::Object,
        Builtin::String,
        Builtin::Url,
        Builtin::Binary,
        Builtin::Error,
    ];

    /// The canonical name (`int`, not `integer`).
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Any => "any",
            Builtin::Int => "int",
            Builtin::Number => "number",
            Builtin::Date => "date",
            Builtin::Bool => "bool",
            Builtin::Object => "object",
            Builtin::String => "string",
            Builtin::Url => "url",
            Builtin::Binary => "binary",
            Builtin::Error => "error",
        }
    }

    /// Looks a name or alias up: `*`, `integer`, `float`, `double`, `time`, `boolean`,
    /// `json` and `buffer` are aliases.
    ///
    /// ```
    /// use jsonws::schema::Builtin;
    /// assert_eq!(Builtin::parse("integer"), Some(Builtin::Int));
    /// assert_eq!(Builtin::parse("Point"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Builtin> {
        Some(match name {
            "any" | "*" => Builtin::Any,
            "int" | "integer" => Builtin::Int,
            "number" | "float" | "double" => Builtin::Number,
            "date" | "time" => Builtin::Date,
            "bool" | "boolean" => Builtin::Bool,
            "object" | "json" => Builtin::Object,
            "string" => Builtin::String,
            "url" => Builtin::Url,
            "binary" | "buffer" => Builtin::Binary,
            "error" => Builtin::Error,
            _ => return None,
        })
    }
}

/// The name of a type: a built-in or a user type (enum or struct) of the service.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeName {
    /// A built-in type.
    Builtin(Builtin),
    /// An enum or struct declared in the service.
    Named(String),
}

/// A reference to a type, as params, fields, returns and events use it: a type name and
/// whether it is an array of that type.
///
/// ```
/// use jsonws::schema::TypeRef;
/// let t = TypeRef::parse("integer").array();
/// assert_eq!(t.to_string(), "[int]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeRef {
    /// The element type.
    pub name: TypeName,
    /// Whether the value is an array of `name`.
    pub is_array: bool,
}

impl TypeRef {
    /// A built-in type.
    pub const fn builtin(builtin: Builtin) -> TypeRef {
        TypeRef {
            name: TypeName::Builtin(builtin),
            is_array: false,
        }
    }

    /// A built-in by name or alias, or else a user type of that name.
    pub fn parse(name: &str) -> TypeRef {
        match Builtin::parse(name) {
            Some(b) => TypeRef::builtin(b),
            None => TypeRef {
                name: TypeName::Named(name.to_owned()),
                is_array: false,
            },
        }
    }

    /// A type as descriptions write it: `int`, `Point`, or `[int]` for an array.
    ///
    /// ```
    /// use jsonws::schema::TypeRef;
    /// assert!(TypeRef::decl("[Point]").is_array);
    /// assert_eq!(TypeRef::decl(" integer ").to_string(), "int");
    /// ```
    pub fn decl(text: &str) -> TypeRef {
        let text = text.trim();
        match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            Some(inner) => TypeRef::parse(inner.trim()).array(),
            None => TypeRef::parse(text),
        }
    }

    /// The array of this type.
    #[must_use]
    pub fn array(mut self) -> TypeRef {
        self.is_array = true;
        self
    }

    /// The element type's name (`int`, `Point`).
    pub fn type_name(&self) -> &str {
        match &self.name {
            TypeName::Builtin(b) => b.name(),
            TypeName::Named(n) => n,
        }
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_array {
            write!(f, "[{}]", self.type_name())
        } else {
            f.write_str(self.type_name())
        }
    }
}

/// An enum: members by name, each with a numeric value.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The enum's name.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Members in declared order, with their values.
    pub members: Vec<(String, i64)>,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// The field name.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Whether input must have it (fields with a default never must).
    pub required: bool,
    /// The value taken when input lacks the field.
    pub default: Option<Value>,
    /// What it means.
    pub description: String,
}

/// A struct: named fields.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// The struct's name.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Fields in declared order.
    pub fields: Vec<FieldDef>,
}

/// A user type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// An enum.
    Enum(EnumDef),
    /// A struct.
    Struct(StructDef),
}

impl TypeDef {
    /// The type's name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Enum(e) => &e.name,
            TypeDef::Struct(s) => &s.name,
        }
    }

    /// The type's description.
    pub fn description(&self) -> &str {
        match self {
            TypeDef::Enum(e) => &e.description,
            TypeDef::Struct(s) => &s.description,
        }
    }

    /// How this type's values differ from `other`'s, descriptions aside: `None` when the two
    /// accept and produce the same data (the same fields with the same types, requiredness and
    /// defaults, or the same members with the same values, in any order).
    pub fn difference(&self, other: &TypeDef) -> Option<String> {
        fn members(e: &EnumDef) -> String {
            let mut members: Vec<String> = e
                .members
                .iter()
                .map(|(n, v)| format!("{n} = {v}"))
                .collect();
            members.sort();
            members.join(", ")
        }
        fn fields(s: &StructDef) -> String {
            let mut fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| {
                    let optional = if f.required { "" } else { "?" };
                    let default = f
                        .default
                        .as_ref()
                        .map(|d| format!(" = {d}"))
                        .unwrap_or_default();
                    format!("{}{optional}: {}{default}", f.name, f.ty)
                })
                .collect();
            fields.sort();
            fields.join(", ")
        }
        let (mine, theirs) = match (self, other) {
            (TypeDef::Enum(a), TypeDef::Enum(b)) => (members(a), members(b)),
            (TypeDef::Struct(a), TypeDef::Struct(b)) => (fields(a), fields(b)),
            (TypeDef::Enum(_), TypeDef::Struct(_)) => return Some("an enum, not a struct".into()),
            (TypeDef::Struct(_), TypeDef::Enum(_)) => return Some("a struct, not an enum".into()),
        };
        (mine != theirs).then(|| format!("{{{mine}}} instead of {{{theirs}}}"))
    }
}

/// The user types of a service, by name.
#[derive(Debug, Clone, Default)]
pub struct Types {
    defs: BTreeMap<String, TypeDef>,
    /// The types a Rust [`Type`](super::Type) has described (checked against any definition
    /// that was there first).
    rust: std::collections::BTreeSet<String>,
    /// Rust types that differ from the definition already there, one problem each.
    conflicts: Vec<String>,
}

impl PartialEq for Types {
    fn eq(&self, other: &Types) -> bool {
        self.defs == other.defs
    }
}

impl Types {
    /// No types.
    pub fn new() -> Self {
        Types::default()
    }

    /// The type called `name`.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.defs.get(name)
    }

    /// Whether a type called `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.defs.contains_key(name)
    }

    /// Adds a type. Returns the earlier definition if the name was taken (and keeps it).
    pub fn insert(&mut self, def: TypeDef) -> Result<(), &TypeDef> {
        let name = def.name().to_owned();
        if self.defs.contains_key(&name) {
            return Err(&self.defs[&name]);
        }
        self.defs.insert(name, def);
        Ok(())
    }

    /// Every type, by name.
    pub fn iter(&self) -> impl Iterator<Item = &TypeDef> {
        self.defs.values()
    }

    /// How many types there are.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// The first reference to a type that does not exist, as (referring type, missing name).
    pub fn first_unknown_reference(&self) -> Option<(&str, &str)> {
        self.defs.values().find_map(|def| match def {
            TypeDef::Struct(s) => s.fields.iter().find_map(|f| match &f.ty.name {
                TypeName::Named(n) if !self.defs.contains_key(n) => {
                    Some((s.name.as_str(), n.as_str()))
                }
                _ => None,
            }),
            TypeDef::Enum(_) => None,
        })
    }
}

impl Types {
    /// Adds or replaces a definition. Derived [`Type`](super::Type) impls use it to register a
    /// placeholder before their fields, so recursive types terminate.
    #[doc(hidden)]
    pub fn define(&mut self, def: TypeDef) {
        self.rust.insert(def.name().to_owned());
        self.defs.insert(def.name().to_owned(), def);
    }

    /// Whether a derived [`Type`](super::Type) should compare itself with the definition of
    /// `name` already here (one it did not make, such as an imported one): true once.
    #[doc(hidden)]
    pub fn needs_check(&mut self, name: &str) -> bool {
        self.defs.contains_key(name) && self.rust.insert(name.to_owned())
    }

    /// Compares the Rust type's definition with the one already here, recording a conflict.
    #[doc(hidden)]
    pub fn check(&mut self, def: &TypeDef) {
        let Some(existing) = self.defs.get(def.name()) else {
            return;
        };
        if let Some(difference) = def.difference(existing) {
            self.conflicts.push(format!(
                "type `{}`: the Rust type has {difference} of the definition already declared \
                 (imported?); make them agree, or rename one",
                def.name()
            ));
        }
    }

    /// The conflicts recorded by [`check`](Types::check), taken out.
    pub(crate) fn take_conflicts(&mut self) -> Vec<String> {
        std::mem::take(&mut self.conflicts)
    }
}
