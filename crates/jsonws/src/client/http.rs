use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::peer::{Batch, CallError, encode_params};
use crate::protocol::{self, ErrorObject, Id, Incoming, Message, ParseLimits, RawJson, write};

/// A JSON-RPC client over HTTP POST, keeping connections alive between calls.
///
/// # Examples
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = jsonws::client::HttpClient::new("http://127.0.0.1:3000/api/demo/1.0.0")?;
/// let sum: i64 = client.call("sum", (1, 2)).await?;
/// assert_eq!(sum, 3);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct HttpClient {
    url: Uri,
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
    next_id: AtomicU64,
}

impl HttpClient {
    /// A client for the service at `url` (`http://…`), with a 30 s timeout per request.
    pub fn new(url: &str) -> Result<Self, CallError> {
        let uri: Uri = url
            .parse()
            .map_err(|e| CallError::Transport(format!("invalid URL `{url}`: {e}")))?;
        if uri.scheme_str() != Some("http") {
            return Err(CallError::Transport(format!(
                "invalid URL `{url}`: the HTTP client speaks `http://` only"
            )));
        }
        let client = Client::builder(TokioExecutor::new()).build_http();
        Ok(HttpClient {
            url: uri,
            client,
            timeout: Duration::from_secs(30),
            next_id: AtomicU64::new(1),
        })
    }

    /// Sets how long one request may take.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Calls `method` and waits for its result.
    pub async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<R, CallError> {
        let params = encode_params(method, &params)?;
        let id = Id::from(self.next_id.fetch_add(1, Ordering::Relaxed));
        let mut body = Vec::with_capacity(64);
        write::request(
            &mut body,
            Some(&id),
            method,
            params.as_ref().map(RawJson::as_bytes),
        );
        let reply = self.post(method, body).await?;
        match reply {
            Some(Incoming::Single(Message::Response(response))) => {
                let raw = response.outcome.map_err(CallError::Rpc)?;
                raw.deserialize().map_err(|source| CallError::Decode {
                    method: method.into(),
                    got: crate::schema::convert::describe_text(&String::from_utf8_lossy(
                        raw.as_bytes(),
                    )),
                    source,
                })
            }
            Some(Incoming::Single(Message::BadResponse { reason, .. })) => {
                Err(CallError::BadReply {
                    method: method.into(),
                    reason,
                })
            }
            Some(Incoming::Refused(error))
            | Some(Incoming::Single(Message::Invalid { error, .. })) => Err(CallError::Rpc(error)),
            other => Err(CallError::Transport(format!(
                "`{method}`: the server's reply is not a response to the call: {other:?}"
            ))),
        }
    }

    /// Sends a notification; the server answers 204 with no body.
    pub async fn notify(&self, method: &str, params: impl Serialize) -> Result<(), CallError> {
        let params = encode_params(method, &params)?;
        let mut body = Vec::with_capacity(64);
        write::request(
            &mut body,
            None,
            method,
            params.as_ref().map(RawJson::as_bytes),
        );
        self.post(method, body).await.map(drop)
    }

    /// Sends a batch in one POST; results come back in the order the calls were added.
    pub async fn batch(
        &self,
        batch: Batch,
    ) -> Result<Vec<Result<RawJson, ErrorObject>>, CallError> {
        let first = batch.first_method();
        let (body, ids) = batch.encode(|| self.next_id.fetch_add(1, Ordering::Relaxed))?;
        let mut responses = match self.post(&first, body).await? {
            Some(Incoming::Batch(messages)) => messages,
            Some(Incoming::Single(message)) => vec![message],
            Some(Incoming::Refused(error)) => return Err(CallError::Rpc(error)),
            None => Vec::new(),
        };
        ids.into_iter()
            .flatten()
            .map(|id| {
                let found = responses
                    .iter()
                    .position(|m| matches!(m, Message::Response(r) if r.id.as_u64() == Some(id)));
                match found.map(|i| responses.swap_remove(i)) {
                    Some(Message::Response(r)) => Ok(r.outcome),
                    _ => Err(CallError::Transport(format!(
                        "the batch reply has no response for id {id}"
                    ))),
                }
            })
            .collect()
    }

    async fn post(&self, method: &str, body: Vec<u8>) -> Result<Option<Incoming>, CallError> {
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| CallError::Transport(e.to_string()))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| CallError::Transport(format!("POST {}: {e}", self.url)))?;
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| CallError::Transport(format!("POST {}: {e}", self.url)))?
                .to_bytes();
            Ok::<_, CallError>((status, body))
        };
        let (status, body) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| CallError::Timeout {
                method: method.into(),
                after: self.timeout,
            })??;
        match status {
            StatusCode::NO_CONTENT => Ok(None),
            StatusCode::OK | StatusCode::PAYLOAD_TOO_LARGE => Ok(Some(protocol::parse(
                body,
                &ParseLimits {
                    max_batch: usize::MAX,
                    max_depth: 128,
                },
            ))),
            status => Err(CallError::Transport(format!(
                "POST {}: HTTP {status}: {}",
                self.url,
                String::from_utf8_lossy(&body).trim()
            ))),
        }
    }
}
