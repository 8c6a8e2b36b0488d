//! What a service declares: methods, params, events and groups, as plain data that the
//! metadata, the OpenRPC document and the code generators read.

use serde_json::Value;

use crate::schema::TypeRef;

/// A declared method.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodDef {
    /// The full name, namespace included (`math.pow`).
    pub name: String,
    /// What it does.
    pub description: String,
    /// Its params, in declared order.
    pub params: Vec<ParamDef>,
    /// Its result type; `None` when it returns nothing (`null`).
    pub returns: Option<TypeRef>,
    /// The application errors it may answer with, shown in `?json`, OpenRPC and the docs page.
    pub errors: Vec<ErrorDef>,
}

/// An application error a method declares: its code and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDef {
    /// The error code (outside -32768…-32000, which JSON-RPC reserves).
    pub code: i64,
    /// What the error means.
    pub message: String,
}

impl ErrorDef {
    /// An error with `code` meaning `message`.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ErrorDef {
            code,
            message: message.into(),
        }
    }
}

/// A declared param.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDef {
    /// The name, for named params and documentation.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// The value taken when the caller leaves it out.
    pub default: Option<Value>,
    /// Whether the caller may leave it out without a default (an `Option` in Rust).
    pub optional: bool,
    /// What it means.
    pub description: String,
}

impl ParamDef {
    /// A required param.
    pub fn new(name: impl Into<String>, ty: TypeRef) -> Self {
        ParamDef {
            name: name.into(),
            ty,
            default: None,
            optional: false,
            description: String::new(),
        }
    }

    /// Whether the caller must give it.
    pub fn is_required(&self) -> bool {
        self.default.is_none() && !self.optional
    }
}

/// A declared event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDef {
    /// The full name, namespace included (`chat.message`).
    pub name: String,
    /// What it announces.
    pub description: String,
    /// The type of its data; `None` for an event without data.
    pub ty: Option<TypeRef>,
}

/// A documentation group: a heading with a description and the items under it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupDef {
    /// The heading.
    pub name: String,
    /// What the group is about.
    pub description: String,
    /// The items, as `method:name`, `type:Name` or `event:name`.
    pub items: Vec<String>,
}
