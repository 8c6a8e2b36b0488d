//! A [`Service`](crate::Service) described for machines: json-ws's `?json` metadata and an
//! OpenRPC 1.3 document.
//!
//! Both are rendered from the same [`Service`](crate::Service), so they cannot disagree with
//! each other or with how params are bound. Both are pure functions returning a
//! [`serde_json::Value`]; the server answers `GET …?json` with [`json`] and `GET …?openrpc`
//! (and `rpc.discover`) with [`openrpc`].
//!
//! # `?json`: json-ws's metadata
//!
//! The shape json-ws 3.x serves, so tools written for it keep working:
//!
//! ```json
//! {"name": "calc", "description": "", "version": "1.0.0",
//!  "groups": {"Default": {"name": "Default", "description": "", "items": ["method:math.pow"]}},
//!  "types": {},
//!  "events": {},
//!  "methods": {"math.pow": {"name": "math.pow", "description": "",
//!    "params": [{"name": "base", "type": "number", "isArray": false, "description": ""},
//!               {"name": "exp", "type": "int", "isArray": false, "default": 2, "description": ""}],
//!    "returns": "number", "returnsArray": false}}}
//! ```
//!
//! A struct is `{"name","description","struct":{field:{"name","type","isArray","required",
//! "default"?,"description"}}}` and an enum `{"name","description","enum":true,
//! "struct":{"Red":0,…}}`. Items declared outside any group are listed in a group called
//! `Default`. See [`json`] for the edge cases (a method without a result, an event without
//! data, optional params).
//!
//! # `?openrpc`: OpenRPC 1.3.2
//!
//! An [OpenRPC](https://spec.open-rpc.org/) document: `info` from the service's name, version and
//! description; one method per declared method, its params as content descriptors in declared
//! order (`paramStructure: "either"`, since both positional and named params work); user types
//! under `components.schemas`, referenced with `$ref`. Events and groups have no place in
//! OpenRPC, so they go in the extensions `x-events` and `x-groups`. See [`openrpc`] for how each
//! type maps to JSON Schema.
//!
//! # Example
//!
//! ```
//! use jsonws::Service;
//! use jsonws::service::Method;
//!
//! let service = Service::builder("calc", "1.0.0")
//!     .namespace("math", |math| {
//!         math.method(
//!             Method::new("pow")
//!                 .param("base", "number")
//!                 .param_default("exp", "int", 2)
//!                 .returns("number"),
//!         )
//!     })
//!     .event("tick", Some("date"), "Every second.")
//!     .build()
//!     .unwrap();
//!
//! let meta = jsonws::metadata::json(&service);
//! assert_eq!(meta["methods"]["math.pow"]["params"][1]["default"], 2);
//! let default_group = &meta["groups"]["Default"];
//! assert_eq!(default_group["items"], serde_json::json!(["event:tick", "method:math.pow"]));
//!
//! let doc = jsonws::metadata::openrpc(&service);
//! assert_eq!(doc["openrpc"], "1.3.2");
//! let exp = &doc["methods"][0]["params"][1];
//! assert_eq!(exp["required"], false);
//! assert_eq!(exp["schema"], serde_json::json!({"type": "integer", "default": 2}));
//! assert_eq!(doc["x-events"][0]["schema"]["format"], "date-time");
//! ```

mod json;
mod openrpc;

pub(crate) use json::canonical_default;
pub(crate) use json::groups;
pub use json::json;
pub use openrpc::{OPENRPC_VERSION, openrpc};
