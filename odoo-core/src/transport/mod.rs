//! How calls travel to Odoo.
//!
//! Every transport turns the same logical call (a service method, or a model
//! method with positional and keyword arguments) into its own wire format and
//! hands back a reply: the raw JSON of the result, decoded lazily into
//! whatever type the caller asks for. The rest of the SDK never looks at the
//! wire.

pub(crate) mod json2;
pub(crate) mod jsonrpc;
pub(crate) mod web;
pub(crate) mod xmlrpc;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use url::Url;

use crate::decode;
use crate::error::Error;
use crate::http::{Http, Outgoing, Safety, is_db_query};

/// Which protocol a [`Client`](crate::Client) uses to talk to Odoo.
///
/// | transport | endpoint | credentials |
/// |---|---|---|
/// | `JsonRpc` | `POST /jsonrpc` (every version; deprecated in 19) | password or API key in every call |
/// | `XmlRpc` | `POST /xmlrpc/2/{common,object,db}` | password or API key in every call |
/// | `WebSession` | `/web/session/authenticate`, then `/web/dataset/call_kw` | the `session_id` cookie of that session alone |
/// | `Json2` | `POST /json/2/<model>/<method>` (Odoo 19+) | `Authorization: bearer <API key>` |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Transport {
    /// Let the SDK choose (the default), by what was measured on real
    /// servers: a password login uses [`Transport::WebSession`] (2.5x faster
    /// per call than `/jsonrpc` on Odoo 18); an API key uses
    /// [`Transport::Json2`] on Odoo 19+ and [`Transport::JsonRpc`] before.
    #[default]
    Auto,
    /// `POST /jsonrpc` with the `common`, `object` and `db` services.
    JsonRpc,
    /// `POST /xmlrpc/2/common|object|db`, Odoo's oldest protocol.
    XmlRpc,
    /// What Odoo's web client uses: a cookie session, re-authenticated once
    /// when it expires (the expired call did not run, so it is re-sent).
    WebSession,
    /// Odoo 19's JSON-2 API: named arguments, a bearer API key.
    Json2,
}

impl Transport {
    /// A short name for logs and `Debug`.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Auto => "auto",
            Transport::JsonRpc => "json-rpc",
            Transport::XmlRpc => "xml-rpc",
            Transport::WebSession => "web-session",
            Transport::Json2 => "json-2",
        }
    }
}

/// The result of a call: JSON bytes (JSON-RPC, web, JSON-2), decoded lazily
/// and straight into the caller's type, or a value (XML-RPC).
#[derive(Clone, Debug)]
pub(crate) enum Reply {
    Json(Bytes),
    /// A successful XML-RPC response, decoded when asked.
    Xml(Bytes),
    Value(serde_json::Value),
}

impl Reply {
    pub(crate) fn from_json(result: Bytes) -> Self {
        Reply::Json(result)
    }

    /// Decode the result into `T` with Odoo's rules; `what` names the model
    /// or method for error messages.
    pub(crate) fn decode<T: DeserializeOwned>(&self, what: &str) -> Result<T, Error> {
        match self {
            Reply::Json(bytes) => decode::from_slice(bytes, what),
            Reply::Xml(bytes) => decode::from_xmlrpc(bytes, what),
            Reply::Value(value) => decode::from_value(value, what),
        }
    }

    /// The result's JSON text.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> Vec<u8> {
        match self {
            Reply::Json(bytes) | Reply::Xml(bytes) => bytes.to_vec(),
            Reply::Value(value) => value.to_string().into_bytes(),
        }
    }
}

/// What a call is about, for error messages: never the arguments, which may
/// hold secrets.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CallSite<'a> {
    pub(crate) model: Option<&'a str>,
    pub(crate) method: Option<&'a str>,
    pub(crate) login: Option<&'a str>,
}

impl CallSite<'_> {
    /// The call, for logs: `res.partner.search_read`, or `service.method`
    /// when it is not a model call.
    pub(crate) fn describe(&self, service: &str, method: &str) -> String {
        match (self.model, self.method) {
            (Some(model), Some(model_method)) => format!("{model}.{model_method}"),
            _ => format!("{service}.{method}"),
        }
    }
}

/// Whether a `service.method` call over `/jsonrpc` or `/xmlrpc/2` carries a
/// password, an API key or the master password. Only the anonymous queries
/// (the version, the list of databases) do not.
pub(crate) fn carries_secret(service: &str, method: &str) -> bool {
    match service {
        "common" => !matches!(method, "version" | "about"),
        "db" => !is_db_query(method),
        _ => true,
    }
}

/// How a transport reads an HTTP answer: status, body, URL and database (for
/// errors) and the call, into a result or an error.
pub(crate) type ParseReply = fn(u16, Bytes, &str, &str, CallSite<'_>) -> Result<Reply, Error>;

/// A `service.method` request over `/jsonrpc` or `/xmlrpc/2`: as safe to
/// resend as the method, carrying a secret unless the query is anonymous.
pub(crate) fn service_request<'a>(
    url: &'a Url,
    content_type: &'static str,
    body: Vec<u8>,
    (service, method): (&str, &str),
    site: CallSite<'_>,
    what: &'a str,
) -> Outgoing<'a> {
    let outgoing = Outgoing::post(url, content_type, body)
        .safety(Safety::of_service(service, method, site.method))
        .what(what);
    if carries_secret(service, method) {
        outgoing.with_secret_in_body()
    } else {
        outgoing
    }
}

/// Send `outgoing` through the request layer and read each answer with the
/// transport's `parse`.
pub(crate) async fn exchange(
    http: &Http,
    outgoing: &Outgoing<'_>,
    site: CallSite<'_>,
    parse: ParseReply,
) -> Result<Reply, Error> {
    let url = outgoing.url.as_str();
    http.exchange(outgoing, |reply| {
        parse(reply.status, reply.body, url, http.database(), site)
    })
    .await
}
