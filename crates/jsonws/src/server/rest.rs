//! REST-style calls: `GET|POST {service}/{method}?a=1&b=x`, params by name.
//!
//! Query-string values are text; each becomes JSON by its param's declared type before the
//! usual binding and conversion: `?a=1` is the number 1 for an `int`, `?s=123` stays the
//! string "123" for a `string`, `?flag=true` is a bool, repeated keys (`?v=1&v=2`) or a JSON
//! array (`?v=[1,2]`) fill an array param, and structs and `any` take JSON text. A POST may
//! add params in a JSON object body; body members win over query values.
//!
//! The answer is the JSON-RPC response (with `id: null`), with an HTTP status that says how
//! the call went: 200 for a result, 404 for an unknown method, 400 for bad params, 500 for an
//! error the method returned or an internal error, 503 when the server is overloaded or
//! shutting down. A service maps its own application error codes to other statuses with
//! [`ServiceBuilder::rest_status`](crate::ServiceBuilder::rest_status) (404 for "not found").

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::Server;
use super::http::json;
use crate::peer::dispatch::{answer, error_frame, outcome_of};
use crate::protocol::{ErrorObject, Id, Incoming, Message, RawJson, Request as RpcRequest, code};
use crate::schema::{Builtin, TypeDef, TypeName, TypeRef, Types};
use crate::service::Service;

pub(super) async fn call(
    service: &Service,
    server: &Server,
    method: &str,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let def = service.method(method);
    let mut params = Map::new();
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()) {
        match grouped.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value.into_owned()),
            None => grouped.push((key.into_owned(), vec![value.into_owned()])),
        }
    }
    for (key, values) in grouped {
        let ty = def
            .and_then(|d| d.params.iter().find(|p| p.name == key))
            .map(|p| &p.ty);
        params.insert(key, query_value(ty, service.types(), values));
    }
    let bytes = match super::http::read_body(server, &parts, body).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    if !bytes.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice::<Map<String, Value>>(&bytes) {
            Ok(body) => params.extend(body),
            Err(e) => {
                let error = ErrorObject::invalid_params(format_args!(
                    "a REST call's body must be a JSON object of named params: {e}"
                ));
                return json(StatusCode::BAD_REQUEST, error_frame(&Id::null(), &error));
            }
        }
    }
    let Ok(raw) = RawJson::from_serialize(&params) else {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_frame(&Id::null(), &ErrorObject::internal()),
        );
    };
    let context = super::http::request_context(parts);
    let request = RpcRequest::new(Some(Id::null()), method, Some(raw));
    let request = Incoming::Single(Message::Request(request));
    let Some(reply) = answer(
        &server.methods,
        &context,
        request,
        server.config.max_message_size,
    )
    .await
    else {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_frame(&Id::null(), &ErrorObject::internal()),
        );
    };
    let status = match outcome_of(reply.clone()) {
        Ok(_) => StatusCode::OK,
        Err(e) => service
            .inner
            .rest_status
            .get(&e.code)
            .copied()
            .unwrap_or_else(|| status_of(e.code)),
    };
    json(status, reply)
}

fn status_of(code: i64) -> StatusCode {
    match code {
        code::METHOD_NOT_FOUND => StatusCode::NOT_FOUND,
        code::INVALID_PARAMS | code::INVALID_REQUEST | code::PARSE_ERROR | code::UNSUPPORTED => {
            StatusCode::BAD_REQUEST
        }
        code::OVERLOADED | code::SHUTTING_DOWN => StatusCode::SERVICE_UNAVAILABLE,
        code::TIMEOUT => StatusCode::GATEWAY_TIMEOUT,
        code::LIMIT_EXCEEDED => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The JSON for the query values of one param, by its declared type.
fn query_value(ty: Option<&TypeRef>, types: &Types, mut values: Vec<String>) -> Value {
    let Some(ty) = ty else {
        return if values.len() == 1 {
            Value::String(values.remove(0))
        } else {
            values.into()
        };
    };
    let element = TypeRef {
        name: ty.name.clone(),
        is_array: false,
    };
    if ty.is_array {
        if values.len() == 1 && values[0].trim_start().starts_with('[') {
            if let Ok(array) = serde_json::from_str::<Value>(&values[0]) {
                return array;
            }
        }
        return Value::Array(
            values
                .into_iter()
                .map(|v| scalar(&element, types, v))
                .collect(),
        );
    }
    if values.len() > 1 {
        // Several values for one non-array param: let the converter refuse the array.
        return Value::Array(values.into_iter().map(Value::String).collect());
    }
    scalar(&element, types, values.remove(0))
}

fn scalar(ty: &TypeRef, types: &Types, text: String) -> Value {
    let number = || {
        serde_json::from_str::<serde_json::Number>(&text)
            .ok()
            .map(Value::Number)
    };
    let json = || serde_json::from_str::<Value>(&text).ok();
    let converted = match &ty.name {
        TypeName::Builtin(Builtin::Int | Builtin::Number) => number(),
        TypeName::Builtin(Builtin::Bool) => match text.as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        TypeName::Builtin(Builtin::Date) => {
            let digits = text.strip_prefix('-').unwrap_or(&text);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                number()
            } else {
                None
            }
        }
        TypeName::Builtin(Builtin::String | Builtin::Url | Builtin::Binary | Builtin::Error) => {
            None
        }
        TypeName::Builtin(Builtin::Any | Builtin::Object) => json(),
        TypeName::Named(name) => match types.get(name) {
            Some(TypeDef::Enum(_)) => text.parse::<i64>().ok().map(Value::from),
            _ => json(),
        },
    };
    converted.unwrap_or(Value::String(text))
}
