//! Odoo 19's JSON-2 API: `POST /json/2/<model>/<method>`.
//!
//! The body is a JSON object of named arguments only (`ids` and `context`
//! are reserved); the answer is the bare result, or an HTTP error status
//! with `{name, message, arguments, context, debug}`. The SDK's positional
//! calls are turned into named ones: the ORM methods' parameter names are
//! known here, and any other method's are looked up once per model in
//! `/doc-bearer/<model>.json`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;
use serde_json::Value;

use super::{CallSite, Reply};
use crate::error::{
    AccessDeniedError, ConfigError, Error, ServerError, ServerErrorKind, TransportError,
};
use crate::http::{Http, Outgoing, Safety};
use crate::secret::Secret;
use crate::value::Map;

/// How a method takes its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    /// An `@api.model` method: no `ids`.
    pub(crate) model_level: bool,
    /// Parameter names in positional order.
    pub(crate) params: Vec<String>,
}

impl Signature {
    fn of(model_level: bool, params: &[&str]) -> Self {
        Signature {
            model_level,
            params: params.iter().map(|p| (*p).to_owned()).collect(),
        }
    }
}

/// The signatures of the ORM methods, as Odoo 19 declares them.
pub(crate) fn known_signature(method: &str) -> Option<Signature> {
    let (model_level, params): (bool, &[&str]) = match method {
        "search" => (true, &["domain", "offset", "limit", "order"]),
        "search_read" => (true, &["domain", "fields", "offset", "limit", "order"]),
        "search_count" => (true, &["domain", "limit"]),
        "search_fetch" => (true, &["domain", "field_names", "offset", "limit", "order"]),
        "name_search" => (true, &["name", "domain", "operator", "limit"]),
        "name_create" => (true, &["name"]),
        "create" => (true, &["vals_list"]),
        "fields_get" => (true, &["allfields", "attributes"]),
        "default_get" => (true, &["fields_list"]),
        "context_get" => (true, &[]),
        "read_group" => (
            true,
            &[
                "domain", "fields", "groupby", "offset", "limit", "orderby", "lazy",
            ],
        ),
        "web_search_read" => (
            true,
            &[
                "domain",
                "specification",
                "offset",
                "limit",
                "order",
                "count_limit",
            ],
        ),
        "read" => (false, &["fields", "load"]),
        "write" => (false, &["vals"]),
        "unlink" => (false, &[]),
        "copy" => (false, &["default"]),
        "web_read" => (false, &["specification"]),
        "web_save" => (false, &["vals", "specification"]),
        "check_access" => (false, &["operation"]),
        "has_access" => (false, &["operation"]),
        _ => return None,
    };
    Some(Signature::of(model_level, params))
}

/// Turn positional `args` and `kwargs` into JSON-2's named body.
pub(crate) fn named_body(
    model: &str,
    method: &str,
    args: &[Value],
    mut kwargs: Map,
    signature: Option<&Signature>,
) -> Result<Map, Error> {
    let mut body = Map::new();
    let mut args = args.iter();
    let record_level = signature.map(|s| !s.model_level);
    // For a method on records, the first positional argument is the ids.
    if record_level != Some(false)
        && let Some(first) = args.as_slice().first()
        && (record_level == Some(true) || is_id_list(first))
    {
        body.insert("ids".into(), first.clone());
        args.next();
    }
    let remaining: Vec<&Value> = args.collect();
    if !remaining.is_empty() {
        let Some(signature) = signature else {
            return Err(Error::from(ConfigError::new(format!(
                "{model}.{method} over JSON-2: its parameter names are unknown (no access to \
                 /doc-bearer/{model}.json), so pass its arguments by name with .kwarg(name, value)"
            ))));
        };
        if remaining.len() > signature.params.len() {
            return Err(Error::from(ConfigError::new(format!(
                "{model}.{method} takes {} positional arguments ({}), {} given",
                signature.params.len(),
                signature.params.join(", "),
                remaining.len()
            ))));
        }
        for (name, value) in signature.params.iter().zip(remaining) {
            body.insert(name.clone(), value.clone());
        }
    }
    // Keyword arguments keep their names; a keyword given twice is the
    // caller's mistake, as in Python.
    for (name, value) in std::mem::take(&mut kwargs) {
        if body.contains_key(&name) && name != "context" {
            return Err(Error::from(ConfigError::new(format!(
                "{model}.{method}: argument {name:?} given both by position and by name"
            ))));
        }
        body.insert(name, value);
    }
    Ok(body)
}

/// Whether positional `args` hold more than a leading id list, so that the
/// method's parameter names are needed.
pub(crate) fn needs_names(args: &[Value]) -> bool {
    match args {
        [] => false,
        [only] => !is_id_list(only),
        _ => true,
    }
}

fn is_id_list(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().all(|v| v.as_i64().is_some()),
        Value::Number(n) => n.as_i64().is_some(),
        _ => false,
    }
}

/// Parameter names of a model's methods, from `/doc-bearer/<model>.json`.
pub(crate) type ModelDoc = HashMap<String, Signature>;

/// The model descriptions a client has fetched, by model.
pub(crate) type DocCache = std::sync::Mutex<HashMap<String, Arc<ModelDoc>>>;

#[derive(Deserialize)]
struct DocModel {
    #[serde(default)]
    methods: HashMap<String, DocMethod>,
}

#[derive(Deserialize)]
struct DocMethod {
    #[serde(default)]
    api: Option<Vec<String>>,
    #[serde(default)]
    parameters: serde_json::Map<String, Value>,
}

/// Fetch the signatures of `model`'s methods (cached per client).
pub(crate) async fn model_doc(
    http: &Http,
    cache: &DocCache,
    key: &Secret,
    model: &str,
) -> Result<Arc<ModelDoc>, Error> {
    if let Some(doc) = cache
        .lock()
        .ok()
        .and_then(|cache| cache.get(model).cloned())
    {
        return Ok(doc);
    }
    let url = http.url(&format!("doc-bearer/{model}.json"))?;
    let outgoing = Outgoing::get(&url)
        .safety(Safety::ReadOnly)
        .what("/doc-bearer")
        .secret_header(
            reqwest::header::AUTHORIZATION,
            format!("bearer {}", key.expose()),
        )?
        .header("X-Odoo-Database", http.database())?;
    let reply = http.exchange(&outgoing, Ok).await?;
    if reply.status != 200 {
        return Err(Error::from(TransportError::status(
            url.as_str(),
            reply.status,
            &reply.body,
        )));
    }
    let parsed: DocModel = serde_json::from_slice(&reply.body).map_err(|e| {
        Error::from(crate::error::ProtocolError::new(
            format!("/doc-bearer/{model}.json is not a model description ({e})"),
            &reply.body,
        ))
    })?;
    let doc: ModelDoc = parsed
        .methods
        .into_iter()
        .map(|(name, m)| {
            let model_level = m
                .api
                .as_ref()
                .is_some_and(|api| api.iter().any(|a| a == "model"));
            // `read_kwargs`-style catch-alls (no default, variadic) are not
            // positional parameters.
            let params = m
                .parameters
                .iter()
                .filter(|(_, p)| {
                    !matches!(
                        p.get("kind").and_then(Value::as_str),
                        Some("KEYWORD_ONLY" | "VAR_KEYWORD" | "VAR_POSITIONAL")
                    )
                })
                .map(|(k, _)| k.clone())
                .collect();
            (
                name,
                Signature {
                    model_level,
                    params,
                },
            )
        })
        .collect();
    let doc = Arc::new(doc);
    if let Ok(mut cache) = cache.lock() {
        cache.insert(model.to_owned(), doc.clone());
    }
    Ok(doc)
}

/// Send one JSON-2 call.
pub(crate) async fn call(
    http: &Http,
    key: &Secret,
    model: &str,
    method: &str,
    body: &Map,
    site: CallSite<'_>,
) -> Result<Reply, Error> {
    let url = http.url(&format!("json/2/{model}/{method}"))?;
    // Never an empty body: the server would run the method with no
    // arguments at all.
    let payload = serde_json::to_vec(body).map_err(|e| {
        Error::from(ConfigError::new(format!(
            "{model}.{method}: arguments are not JSON: {e}"
        )))
    })?;
    let started = Instant::now();
    let what = format!("{model}.{method}");
    let outgoing = Outgoing::post(&url, "application/json", payload)
        .safety(Safety::of_method(method))
        .what(&what)
        .secret_header(
            reqwest::header::AUTHORIZATION,
            format!("bearer {}", key.expose()),
        )?
        .header("X-Odoo-Database", http.database())?;
    let result = super::exchange(http, &outgoing, site, parse_reply).await;
    tracing::debug!(
        target: "odoo::json2",
        model,
        method,
        status = reply_status(&result),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "call"
    );
    result
}

fn reply_status(result: &Result<Reply, Error>) -> &'static str {
    if result.is_ok() { "ok" } else { "error" }
}

#[derive(Deserialize)]
struct ErrorBody {
    name: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    arguments: Value,
    #[serde(default)]
    debug: String,
}

pub(crate) fn parse_reply(
    status: u16,
    body: bytes::Bytes,
    url: &str,
    database: &str,
    site: CallSite<'_>,
) -> Result<Reply, Error> {
    if status == 200 {
        // The bare result; it is validated when decoded.
        return Ok(Reply::from_json(body));
    }
    let Ok(error) = serde_json::from_slice::<ErrorBody>(&body) else {
        // 415 and an unknown database come as HTML.
        return Err(Error::from(TransportError::status(url, status, &body)));
    };
    let server = ServerError::new(error.name, error.message, site.model, site.method)
        .with_code(i64::from(status))
        .with_arguments(error.arguments)
        .with_debug(error.debug);
    if status == 401 || server.kind() == ServerErrorKind::AccessDenied {
        Err(Error::from(AccessDeniedError::new(
            site.login,
            database,
            Some(server),
        )))
    } else {
        Err(Error::from(server))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(method: &str, args: Value, kwargs: Value) -> Result<Value, Error> {
        let args = args.as_array().cloned().unwrap_or_default();
        let kwargs = kwargs.as_object().cloned().unwrap_or_default();
        named_body(
            "res.partner",
            method,
            &args,
            kwargs,
            known_signature(method).as_ref(),
        )
        .map(Value::Object)
    }

    #[test]
    fn orm_methods_get_their_names() {
        assert_eq!(
            body(
                "search",
                json!([[["is_company", "=", true]]]),
                json!({"limit": 5, "order": "id"})
            )
            .unwrap(),
            json!({"domain": [["is_company", "=", true]], "limit": 5, "order": "id"})
        );
        assert_eq!(
            body("read", json!([[21]]), json!({"fields": ["name"]})).unwrap(),
            json!({"ids": [21], "fields": ["name"]})
        );
        assert_eq!(
            body("write", json!([[45], {"phone": "1"}]), json!({})).unwrap(),
            json!({"ids": [45], "vals": {"phone": "1"}})
        );
        assert_eq!(
            body("create", json!([{"name": "x"}]), json!({})).unwrap(),
            json!({"vals_list": {"name": "x"}})
        );
        assert_eq!(
            body("unlink", json!([[47]]), json!({})).unwrap(),
            json!({"ids": [47]})
        );
    }

    #[test]
    fn unknown_methods_take_ids_then_names() {
        assert_eq!(
            body("action_confirm", json!([[27]]), json!({})).unwrap(),
            json!({"ids": [27]})
        );
        let err = body("action_x", json!([[27], "positional"]), json!({})).unwrap_err();
        assert!(err.to_string().contains(".kwarg(name, value)"), "{err}");
        let err = body("read", json!([[1], ["a"], "x", "too many"]), json!({})).unwrap_err();
        assert!(
            err.to_string().contains("takes 2 positional arguments"),
            "{err}"
        );
        let err = body("read", json!([[1], ["a"]]), json!({"fields": ["b"]})).unwrap_err();
        assert!(
            err.to_string().contains("both by position and by name"),
            "{err}"
        );
    }

    #[test]
    fn errors_map_by_status_and_name() {
        let e = parse_reply(
            403,
            bytes::Bytes::from_static(br#"{"name": "odoo.exceptions.AccessError", "message": "no", "arguments": ["no"], "context": {}, "debug": "tb"}"#),
            "u", "db", CallSite::default(),
        )
        .unwrap_err();
        assert!(e.is_access_error());
        assert_eq!(e.as_server().unwrap().code(), 403);
        let e = parse_reply(
            401,
            bytes::Bytes::from_static(br#"{"name": "werkzeug.exceptions.Unauthorized", "message": "User not authenticated", "arguments": [], "context": {}, "debug": ""}"#),
            "u", "db", CallSite::default(),
        )
        .unwrap_err();
        assert!(e.is_access_denied());
        let e = parse_reply(
            415,
            bytes::Bytes::from_static(b"<!doctype html>"),
            "u",
            "db",
            CallSite::default(),
        )
        .unwrap_err();
        assert!(matches!(e, Error::Transport(_)));
    }
}
