//! `POST /jsonrpc`: Odoo's JSON-RPC 2.0 endpoint for the `common`, `object`
//! and `db` services.

use std::time::Instant;

use bytes::Bytes;
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::{CallSite, Reply};
use crate::error::{
    AccessDeniedError, Error, ProtocolError, ServerError, ServerErrorKind, TransportError,
    TransportErrorKind,
};
use crate::http::Http;

/// The request envelope: `{"jsonrpc": "2.0", "method": "call", "id", "params"}`.
#[derive(Serialize)]
struct Request<'a, A: Serialize> {
    jsonrpc: &'static str,
    method: &'static str,
    id: u64,
    params: Params<'a, A>,
}

#[derive(Serialize)]
struct Params<'a, A: Serialize> {
    service: &'a str,
    method: &'a str,
    args: A,
}

/// The reply envelope. `result` is kept as raw JSON and decoded later into
/// the caller's type; Odoo omits `result` when a method returns `None`.
#[derive(Deserialize)]
struct Envelope<'a> {
    /// Required, so that a JSON object that is not a JSON-RPC reply is
    /// refused rather than read as an empty result.
    #[serde(rename = "jsonrpc")]
    _version: serde::de::IgnoredAny,
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<RpcError>,
}

#[derive(Deserialize)]
pub(crate) struct RpcError {
    #[serde(default)]
    pub(crate) code: i64,
    #[serde(default)]
    pub(crate) message: String,
    #[serde(default)]
    pub(crate) data: Option<RpcErrorData>,
}

#[derive(Deserialize)]
pub(crate) struct RpcErrorData {
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) message: String,
    #[serde(default)]
    pub(crate) arguments: Value,
    #[serde(default)]
    pub(crate) debug: String,
}

/// Send one JSON-RPC call of `service.method(args)` and return its result.
pub(crate) async fn call<A: Serialize>(
    http: &Http,
    service: &str,
    method: &str,
    args: A,
    site: CallSite<'_>,
) -> Result<Reply, Error> {
    let url = http.url("jsonrpc")?;
    let id = http.next_id();
    let body = serde_json::to_vec(&Request {
        jsonrpc: "2.0",
        method: "call",
        id,
        params: Params {
            service,
            method,
            args,
        },
    })
    .map_err(|e| {
        Error::from(TransportError::new(
            TransportErrorKind::Request,
            url.as_str(),
            format!("the arguments cannot be serialised as JSON: {e}"),
        ))
    })?;
    let started = Instant::now();
    let what = site.describe(service, method);
    let outgoing = super::service_request(
        &url,
        "application/json",
        body,
        (service, method),
        site,
        &what,
    );
    let reply = super::exchange(http, &outgoing, site, parse_reply).await;
    tracing::debug!(
        target: "odoo::jsonrpc",
        service,
        method,
        model = site.model.unwrap_or(""),
        model_method = site.method.unwrap_or(""),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = reply.is_ok(),
        "call"
    );
    reply
}

/// Turn an HTTP answer into a result or the right error.
pub(crate) fn parse_reply(
    status: u16,
    body: Bytes,
    url: &str,
    database: &str,
    site: CallSite<'_>,
) -> Result<Reply, Error> {
    let envelope: Envelope<'_> = match serde_json::from_slice(&body) {
        Ok(envelope) => envelope,
        Err(e) => {
            if status != 200 {
                return Err(Error::from(TransportError::status(url, status, &body)));
            }
            return Err(Error::from(ProtocolError::new(
                format!("not a JSON-RPC reply ({e})"),
                &body,
            )));
        }
    };
    if let Some(error) = envelope.error {
        return Err(server_error(error, database, site));
    }
    if status != 200 {
        return Err(Error::from(TransportError::status(url, status, &body)));
    }
    match envelope.result {
        Some(raw) => {
            // The raw value borrows from `body`: keep the bytes, slice them.
            let text = raw.get();
            let start = text.as_ptr() as usize - body.as_ptr() as usize;
            Ok(Reply::from_json(body.slice(start..start + text.len())))
        }
        None => Ok(Reply::from_json(Bytes::from_static(b"null"))),
    }
}

/// Map a JSON-RPC error object to an [`Error`], by the exception's name.
pub(crate) fn server_error(error: RpcError, database: &str, site: CallSite<'_>) -> Error {
    let (name, message, arguments, debug) = match error.data {
        Some(data) => (data.name, data.message, data.arguments, data.debug),
        // Not an Odoo server error object: keep what there is.
        None => (String::new(), error.message, Value::Null, String::new()),
    };
    let name = if name.is_empty() && error.code == 100 {
        "odoo.http.SessionExpiredException".to_owned()
    } else {
        name
    };
    let server = ServerError::new(name, message, site.model, site.method)
        .with_code(error.code)
        .with_arguments(arguments)
        .with_debug(debug);
    if server.kind() == ServerErrorKind::AccessDenied {
        Error::from(AccessDeniedError::new(site.login, database, Some(server)))
    } else {
        Error::from(server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_is_sliced_from_the_body() {
        let body = Bytes::from_static(br#"{"jsonrpc": "2.0", "id": 1, "result": [1, 2]}"#);
        let reply = parse_reply(200, body, "http://x/jsonrpc", "db", CallSite::default()).unwrap();
        assert_eq!(reply.bytes(), b"[1, 2]");
    }

    #[test]
    fn missing_result_is_null() {
        let body = Bytes::from_static(br#"{"jsonrpc": "2.0", "id": 1}"#);
        let reply = parse_reply(200, body, "http://x/jsonrpc", "db", CallSite::default()).unwrap();
        assert_eq!(reply.bytes(), b"null");
    }

    #[test]
    fn object_without_jsonrpc_is_refused() {
        let body = Bytes::from_static(br#"{"status": "ok"}"#);
        let err =
            parse_reply(200, body, "http://x/jsonrpc", "db", CallSite::default()).unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{err:?}");
    }

    #[test]
    fn html_400_is_a_transport_error_with_excerpt() {
        let body = Bytes::from_static(b"Invalid JSON data");
        let err =
            parse_reply(400, body, "http://x/jsonrpc", "db", CallSite::default()).unwrap_err();
        let Error::Transport(t) = err else { panic!() };
        assert_eq!(t.http_status(), Some(400));
        assert_eq!(t.body_excerpt(), Some("Invalid JSON data"));
    }

    #[test]
    fn garbage_200_is_a_protocol_error_showing_what_arrived() {
        let body = Bytes::from_static(b"<html>proxy error</html>");
        let err =
            parse_reply(200, body, "http://x/jsonrpc", "db", CallSite::default()).unwrap_err();
        let Error::Protocol(p) = err else { panic!() };
        assert_eq!(p.excerpt(), "<html>proxy error</html>");
    }
}
