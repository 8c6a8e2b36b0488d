//! The reserved `rpc.*` methods a peer answers itself.

use crate::handler::{Context, Transport};
use crate::protocol::{ErrorObject, Request, code};

/// The answer to a reserved method no handler took, or `None` when the name is not reserved.
///
/// `rpc.on` and `rpc.off` take the event names as params. With no events declared every
/// name is unknown, so the call fails with -32602 naming it; over HTTP there is no connection to
/// deliver events on.
pub(crate) fn answer(request: &Request, context: &Context) -> Option<ErrorObject> {
    let method = request.method();
    if method != "rpc.on" && method != "rpc.off" {
        return None;
    }
    if context.transport() == Transport::Http {
        return Some(ErrorObject::server(
            code::UNSUPPORTED,
            format!("{method} needs a WebSocket connection: plain HTTP cannot deliver events"),
        ));
    }
    let names: Result<Vec<String>, _> = match request.params() {
        Some(raw) => raw.deserialize(),
        None => {
            return Some(ErrorObject::invalid_params(format_args!(
                "{method} takes the event names as params, for example [\"tick\"]"
            )));
        }
    };
    Some(match names {
        Err(e) => {
            ErrorObject::invalid_params(format_args!("{method} takes an array of event names: {e}"))
        }
        Ok(names) if names.is_empty() => {
            ErrorObject::invalid_params(format_args!("{method} needs at least one event name"))
        }
        Ok(names) => ErrorObject::invalid_params(format_args!("unknown event `{}`", names[0]))
            .with_data(serde_json::json!({ "param": "events", "unknown": names })),
    })
}
