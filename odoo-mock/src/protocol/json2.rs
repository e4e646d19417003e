//! Odoo 19's JSON-2 API (`POST /json/2/<model>/<method>`), its API
//! documentation (`/doc-bearer/index.json`, `/doc-bearer/<model>.json`) and
//! `/web/version` / `/json/version`, plus what Odoo 18 answers on those paths.
//!
//! JSON-2 takes `Authorization: bearer <API key>` and an optional
//! `X-Odoo-Database`; the body is a JSON object of named parameters (`ids`
//! and `context` reserved, the rest bound by name to the method's Python
//! signature, see [`signature`]). Success is HTTP 200 with the bare result;
//! errors carry the HTTP status of the exception and the body
//! `{name, message, arguments, context, debug}`.

use serde_json::{Map, Value, json};

use super::web::{WebSessions, cookie_session_id, is_json_mimetype, werkzeug_page};
use super::{Reply, adapt_fault};
use crate::faults::Fault;
use crate::orm::Database;
use crate::version::Json2Probe;

/// Everything a JSON-2 (or doc-bearer) request carries that the handler needs.
#[derive(Debug, Clone, Copy)]
pub struct Json2Request<'a> {
    /// HTTP method (`POST`, `GET`, ...).
    pub http_method: &'a str,
    /// Request path.
    pub path: &'a str,
    /// `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// `Authorization` header.
    pub authorization: Option<&'a str>,
    /// `X-Odoo-Database` header.
    pub database: Option<&'a str>,
    /// `Cookie` header.
    pub cookie: Option<&'a str>,
    /// The browser's `Sec-Fetch-*` navigation headers are present.
    pub sec_fetch_navigation: bool,
    /// Body bytes.
    pub body: &'a [u8],
}

/// One parameter of a method signature: name and default (`None` = required).
pub type Param = (&'static str, Option<Value>);

/// A method as JSON-2 sees it.
#[derive(Debug, Clone)]
pub struct Signature {
    /// `@api.model` (no `ids`) or a method on records.
    pub model_api: bool,
    /// Named parameters, in order.
    pub params: Vec<Param>,
    /// Takes `**kwargs` (unknown names pass the binding).
    pub var_keyword: bool,
}

/// The Python signature of `model.method` as Odoo 19 declares it, for the
/// methods the mock implements.
pub fn signature(model: &str, method: &str) -> Option<Signature> {
    let n = || Some(Value::Null);
    let req = || None;
    let (model_api, params, var_keyword): (bool, Vec<Param>, bool) = match method {
        "search" => (
            true,
            vec![
                ("domain", req()),
                ("offset", Some(json!(0))),
                ("limit", n()),
                ("order", n()),
            ],
            false,
        ),
        "search_count" => (true, vec![("domain", req()), ("limit", n())], false),
        "search_read" => (
            true,
            vec![
                ("domain", n()),
                ("fields", n()),
                ("offset", Some(json!(0))),
                ("limit", n()),
                ("order", n()),
            ],
            true,
        ),
        "search_fetch" => (
            true,
            vec![
                ("domain", req()),
                ("field_names", req()),
                ("offset", Some(json!(0))),
                ("limit", n()),
                ("order", n()),
            ],
            false,
        ),
        "read" => (
            false,
            vec![("fields", n()), ("load", Some(json!("_classic_read")))],
            false,
        ),
        "create" => (true, vec![("vals_list", req())], false),
        "write" => (false, vec![("vals", req())], false),
        "unlink" | "exists" => (false, vec![], false),
        "copy" => (false, vec![("default", n())], false),
        "fields_get" => (true, vec![("allfields", n()), ("attributes", n())], false),
        "name_search" => (
            true,
            vec![
                ("name", Some(json!(""))),
                ("domain", n()),
                ("operator", Some(json!("ilike"))),
                ("limit", Some(json!(100))),
            ],
            false,
        ),
        "name_create" => (true, vec![("name", req())], false),
        "default_get" => (true, vec![("fields_list", req())], false),
        "check_access_rights" => (
            true,
            vec![("operation", req()), ("raise_exception", Some(json!(true)))],
            false,
        ),
        "check_access" | "has_access" => (false, vec![("operation", req())], false),
        "context_get" if model == "res.users" => (true, vec![], false),
        "action_confirm" | "action_cancel" | "action_draft" if model == "sale.order" => {
            (false, vec![], false)
        }
        "read_group" => (
            true,
            vec![
                ("domain", req()),
                ("fields", req()),
                ("groupby", req()),
                ("offset", Some(json!(0))),
                ("limit", n()),
                ("orderby", Some(json!(false))),
                ("lazy", Some(json!(true))),
            ],
            false,
        ),
        "formatted_read_group" => (
            true,
            vec![
                ("domain", req()),
                ("groupby", Some(json!([]))),
                ("aggregates", Some(json!([]))),
                ("having", Some(json!([]))),
                ("offset", Some(json!(0))),
                ("limit", n()),
                ("order", n()),
            ],
            false,
        ),
        "web_read_group" => (
            true,
            vec![
                ("domain", req()),
                ("groupby", req()),
                ("aggregates", Some(json!([]))),
                ("limit", n()),
                ("offset", Some(json!(0))),
                ("order", n()),
            ],
            true,
        ),
        "web_search_read" => (
            true,
            vec![
                ("domain", req()),
                ("specification", req()),
                ("offset", Some(json!(0))),
                ("limit", n()),
                ("order", n()),
                ("count_limit", n()),
            ],
            false,
        ),
        "web_read" => (false, vec![("specification", req())], false),
        "web_save" => (
            false,
            vec![("vals", req()), ("specification", req()), ("next_id", n())],
            false,
        ),
        _ => return None,
    };
    Some(Signature {
        model_api,
        params,
        var_keyword,
    })
}

/// Every method name [`signature`] knows (for the documentation endpoints).
pub const METHODS: &[&str] = &[
    "check_access",
    "check_access_rights",
    "copy",
    "create",
    "default_get",
    "exists",
    "fields_get",
    "formatted_read_group",
    "has_access",
    "name_create",
    "name_search",
    "read",
    "read_group",
    "search",
    "search_count",
    "search_fetch",
    "search_read",
    "unlink",
    "web_read",
    "web_read_group",
    "web_save",
    "web_search_read",
    "write",
];

/// A werkzeug HTTP exception as JSON-2 reports it (arguments = `[message, status]`).
fn werkzeug(status: u16, class: &str, message: impl Into<String>) -> (u16, Fault) {
    let message = message.into();
    let mut f = Fault::new(format!("werkzeug.exceptions.{class}"), message.clone());
    f.arguments = vec![json!(message), json!(status)];
    (status, f)
}

/// The HTTP status JSON-2 gives an Odoo exception.
pub fn status_of(f: &Fault) -> u16 {
    match f.name.as_str() {
        "odoo.exceptions.AccessError" | "odoo.exceptions.AccessDenied" => 403,
        "odoo.exceptions.MissingError" => 404,
        "odoo.exceptions.UserError"
        | "odoo.exceptions.ValidationError"
        | "odoo.exceptions.RedirectWarning" => 422,
        "odoo.exceptions.ConcurrencyError" => 409,
        _ => 500,
    }
}

fn werkzeug_exception_line(f: &Fault, status: u16) -> String {
    let reason = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        _ => "Error",
    };
    format!("{}: {status} {reason}: {}\n", f.name, f.message)
}

/// The JSON-2 error body of `f` with HTTP `status`.
pub fn error_reply(status: u16, f: &Fault) -> Reply {
    let debug = if f.name.starts_with("werkzeug.") {
        format!(
            "Traceback (most recent call last):\n  File \"/opt/odoo/src19/addons/rpc/controllers/json2.py\", line 69, in web_json_2_rpc\n    raise\n{}",
            werkzeug_exception_line(f, status)
        )
    } else if f.is_access_denied() {
        f.exception_only()
    } else {
        f.debug()
    };
    let body = json!({
        "name": f.name,
        "message": f.message,
        "arguments": f.arguments,
        "context": {},
        "debug": debug,
    });
    let mut r = Reply::json(status, &body);
    if status == 401 {
        r = r.header("WWW-Authenticate", "Bearer ");
    }
    r
}

fn fail(pair: (u16, Fault)) -> Reply {
    error_reply(pair.0, &pair.1)
}

/// 404 HTML for an unknown `X-Odoo-Database`.
fn no_database() -> Reply {
    Reply::html(
        404,
        "<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the requested URL was not found in the server-wide controllers.</p>\n<p>Please verify the hostname, <a href=/web/login>login</a> and try again.</p>\n\n<!-- Alternatively, use the X-Odoo-Database header. -->\n".to_string(),
    )
}

/// Resolve the caller of a bearer-authenticated route: the uid, or the error reply.
fn bearer_uid(db: &Database, sessions: &WebSessions, req: &Json2Request<'_>) -> Result<i64, Reply> {
    let session = cookie_session_id(req.cookie).and_then(|sid| sessions.get(sid));
    let key = req.authorization.and_then(|a| {
        let a = a.trim_start();
        let (scheme, rest) = a.split_at(a.find(char::is_whitespace).unwrap_or(a.len()));
        (scheme.eq_ignore_ascii_case("bearer") && !rest.trim().is_empty())
            .then(|| rest.split_whitespace().next().unwrap_or(""))
    });
    let Some(key) = key else {
        return match session {
            Some(s) if req.sec_fetch_navigation => Ok(s.uid),
            Some(_) => Err(fail(werkzeug(
                401,
                "Unauthorized",
                "Missing \"Authorization\" or Sec-headers for interactive usage.",
            ))),
            None => Err(fail(werkzeug(
                401,
                "Unauthorized",
                "User not authenticated, use an API Key with a Bearer Authorization header.",
            ))),
        };
    };
    let Some(uid) = db.uid_for_api_key(key) else {
        return Err(fail(werkzeug(401, "Unauthorized", "Invalid apikey")));
    };
    if let Some(s) = session {
        if s.uid != uid {
            return Err(error_reply(
                403,
                &Fault::new(
                    "odoo.exceptions.AccessDenied",
                    "Session user does not match the used apikey.",
                ),
            ));
        }
    }
    Ok(uid)
}

fn did_you_mean() -> Reply {
    fail(werkzeug(
        404,
        "NotFound",
        "Did you mean POST /json/2/<model>/<method>?",
    ))
}

/// Serve `/json/2/...` as Odoo `version` (18 answers with a redirect to the login page).
pub fn handle(
    db: &Database,
    version: u32,
    sessions: &WebSessions,
    req: &Json2Request<'_>,
) -> Reply {
    if version < 19 {
        return match crate::version::of(version).json2_probe {
            Json2Probe::NotFoundPage => website_not_found(version, sessions),
            Json2Probe::LoginRedirect => login_redirect(req.path),
        };
    }
    if req.database.is_some_and(|d| d != db.name()) {
        return no_database();
    }
    let rest = req.path.strip_prefix("/json/2").unwrap_or("");
    let segments: Vec<&str> = rest.split('/').skip(1).collect();
    let (model, method) = match (req.http_method, segments.as_slice()) {
        ("POST", [m, f]) if !m.is_empty() && !f.is_empty() => (*m, *f),
        _ => return did_you_mean(),
    };
    if !req.body.is_empty() && !is_json_mimetype(req.content_type) {
        return Reply::html(
            415,
            werkzeug_page(
                415,
                "Unsupported Media Type",
                "Request inferred type is compatible with [&#39;http&#39;] but &#39;/json/2/&lt;__model__&gt;/&lt;__method__&gt;&#39; is type=&#39;json2&#39;.<br><br>Please verify the Content-Type request header and try again.",
            ),
        )
        .header("Accept", "application/json");
    }
    let uid = match bearer_uid(db, sessions, req) {
        Ok(uid) => uid,
        Err(reply) => return reply,
    };
    let body: Value = if req.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(req.body) {
            Ok(v) => v,
            Err(_) => {
                let text = String::from_utf8_lossy(req.body);
                return fail(werkzeug(
                    400,
                    "BadRequest",
                    format!("could not parse the body as json: {}", py_json_error(&text)),
                ));
            }
        }
    };
    // A JSON array (or any non-object) is ignored, as real Odoo does.
    let mut named = match body {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    match call(db, version, uid, model, method, &mut named) {
        Ok(v) => Reply::json(200, &v).header("X-Content-Type-Options", "nosniff"),
        Err((status, f)) => error_reply(status, &f),
    }
}

fn call(
    db: &Database,
    version: u32,
    uid: i64,
    model: &str,
    method: &str,
    named: &mut Map<String, Value>,
) -> Result<Value, (u16, Fault)> {
    if !db.has_model(model) {
        return Err(werkzeug(
            404,
            "NotFound",
            format!("the model '{model}' does not exist"),
        ));
    }
    if method.starts_with('_') {
        return Err((
            403,
            Fault::access_error(format!(
                "Private methods (such as '{model}.{method}') cannot be called remotely."
            )),
        ));
    }
    // A method the application registered takes the records and any
    // keyword arguments (`def action_x(self, **kwargs)`).
    let registered = db.has_method(model, method).then(|| Signature {
        model_api: false,
        params: Vec::new(),
        var_keyword: true,
    });
    let Some(sig) = registered.or_else(|| signature(model, method)) else {
        return Err(werkzeug(
            404,
            "NotFound",
            format!("The method '{model}.{method}' does not exist"),
        ));
    };
    let ids = named.remove("ids");
    let context = named.remove("context");
    let has_ids = match &ids {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    };
    if sig.model_api && has_ids {
        return Err(werkzeug(
            422,
            "UnprocessableEntity",
            format!("cannot call {model}.{method} with ids"),
        ));
    }
    // Signature.bind: missing required parameters first, then unknown names.
    for (name, default) in &sig.params {
        if default.is_none() && !named.contains_key(*name) {
            return Err(werkzeug(
                422,
                "UnprocessableEntity",
                format!("missing a required argument: '{name}'"),
            ));
        }
    }
    if !sig.var_keyword {
        if let Some(k) = named
            .keys()
            .find(|k| !sig.params.iter().any(|(n, _)| n == k))
        {
            return Err(werkzeug(
                422,
                "UnprocessableEntity",
                format!("got an unexpected keyword argument '{k}'"),
            ));
        }
    }
    let mut kwargs = named.clone();
    if let Some(c) = context {
        kwargs.insert("context".into(), c);
    }
    let args = if sig.model_api {
        vec![]
    } else {
        vec![match ids {
            Some(Value::Array(a)) => Value::Array(a),
            Some(Value::Null) | None => json!([]),
            Some(v) => json!([v]),
        }]
    };
    db.record_call("json2", uid, model, method, &args, &kwargs);
    if let Some(Value::String(d)) = kwargs.get("domain") {
        let f = Fault::type_error(format!(
            "Domain() invalid argument type for domain: {}",
            crate::faults::py_repr_str(d)
        ));
        return Err((500, f));
    }
    let result = super::check_context_19(db, &kwargs).and_then(|()| match method {
        "formatted_read_group" | "web_read_group" => {
            formatted_read_group(db, uid, model, method, kwargs)
        }
        _ => db.execute_kw(uid, model, method, args, kwargs),
    });
    let result = result.map_err(|f| {
        let f = adapt_fault(version, model, method, f);
        (status_of(&f), f)
    })?;
    Ok(match (method, result) {
        // Recordsets are serialized as their ids.
        ("create" | "copy", Value::Number(n)) => json!([n]),
        (_, v) => v,
    })
}

/// Odoo 19's `formatted_read_group` / `web_read_group`, computed with
/// `read_group(lazy=False)` and reshaped (`"field:agg"` keys, `__count`, `__extra_domain`).
fn formatted_read_group(
    db: &Database,
    uid: i64,
    model: &str,
    method: &str,
    mut kwargs: Map<String, Value>,
) -> Result<Value, Fault> {
    let domain = kwargs.remove("domain").unwrap_or_else(|| json!([]));
    let groupby = kwargs.remove("groupby").unwrap_or_else(|| json!([]));
    let aggregates: Vec<String> = kwargs
        .remove("aggregates")
        .and_then(|a| a.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    let order = kwargs.remove("order").unwrap_or(Value::Bool(false));
    let limit = kwargs.remove("limit").unwrap_or(Value::Null);
    let offset = kwargs.remove("offset").unwrap_or_else(|| json!(0));
    let mut rg = Map::new();
    rg.insert("lazy".into(), json!(false));
    rg.insert(
        "orderby".into(),
        if order.is_null() { json!(false) } else { order },
    );
    if let Some(c) = kwargs.remove("context") {
        rg.insert("context".into(), c);
    }
    let fields: Vec<Value> = aggregates
        .iter()
        .filter(|a| a.as_str() != "__count")
        .map(|a| json!(a))
        .collect();
    let all = db.execute_kw(
        uid,
        model,
        "read_group",
        vec![domain.clone(), json!(fields), groupby.clone()],
        rg.clone(),
    )?;
    let all = all.as_array().cloned().unwrap_or_default();
    let length = all.len();
    let off = crate::store::as_id(&offset)
        .and_then(|o| usize::try_from(o).ok())
        .unwrap_or(0);
    let lim = crate::store::as_id(&limit)
        .and_then(|l| usize::try_from(l).ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let group_keys: Vec<String> = groupby
        .as_array()
        .map(|g| {
            g.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let groups = crate::formatted_group::reshape(
        all.into_iter().skip(off).take(lim).collect(),
        &group_keys,
        &aggregates,
        method == "web_read_group",
    );
    if method == "web_read_group" {
        Ok(json!({"groups": groups, "length": length}))
    } else {
        Ok(Value::Array(groups))
    }
}

/// Odoo 18's answer to `/json/2/...`: a 303 to the login page.
pub fn login_redirect(path: &str) -> Reply {
    let mut target = String::from("/web/login?redirect=");
    for b in format!("{path}?").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            target.push(char::from(b));
        } else {
            target.push_str(&format!("%{b:02X}"));
        }
    }
    let body = format!(
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href=\"{target}\">{target}</a>. If not, click the link.\n"
    );
    Reply::html(303, body).header("Location", target)
}

/// `/web/version` and `/json/version`: 19 answers a GET with the version; a
/// POST is refused (CSRF); 18 has no such route (404 page).
pub fn version_route(version: u32, http_method: &str, sessions: &WebSessions, path: &str) -> Reply {
    if version < 19 {
        if path != "/web/version" {
            return Reply::not_found();
        }
        return website_not_found(version, sessions);
    }
    if http_method != "GET" && http_method != "HEAD" {
        return Reply::html(
            400,
            werkzeug_page(400, "Bad Request", "Session expired (invalid CSRF token)"),
        );
    }
    let mut r = Reply::json(
        200,
        &json!({"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}),
    );
    r.set_cookie(super::web::session_cookie(&sessions.new_id()));
    r
}

/// The website's 404 page of 16-18 (`text/html;charset=utf-8`), with a
/// `frontend_lang` and a new `session_id` cookie (18 sends both twice).
pub fn website_not_found(version: u32, sessions: &WebSessions) -> Reply {
    {
        let mut r = Reply::html(
            404,
            "<!DOCTYPE html>\n<html>\n    <head>\n        <meta charset=\"utf-8\"/>\n        <title>Odoo</title>\n    </head>\n    <body>\n        <h1>404: Page not found</h1>\n        <p>The page you were looking for could not be authorized.</p>\n    </body>\n</html>\n".to_string(),
        );
        let sid = sessions.new_id();
        let lang = format!(
            "frontend_lang=en_US; Expires={}; Path=/",
            (chrono::Utc::now() + chrono::Duration::days(365)).format("%a, %d %b %Y %H:%M:%S GMT")
        );
        for _ in 0..crate::version::of(version).not_found_cookie_sets {
            r.set_cookie(lang.clone());
            r.set_cookie(super::web::session_cookie(&sid));
        }
        r.headers[0].1 = "text/html;charset=utf-8".into();
        r
    }
}

/// `/doc-bearer/index.json` and `/doc-bearer/<model>.json` (19 only; the
/// content is derived from the schema, with the keys and types of Odoo's).
pub fn doc_bearer(
    db: &Database,
    version: u32,
    sessions: &WebSessions,
    req: &Json2Request<'_>,
) -> Reply {
    if version < 19 {
        return Reply::not_found();
    }
    if req.database.is_some_and(|d| d != db.name()) {
        return no_database();
    }
    let uid = match bearer_uid(db, sessions, req) {
        Ok(uid) => uid,
        Err(reply) => return reply,
    };
    if !db.is_admin(uid) {
        return error_reply(
            403,
            &Fault::access_error("This page is only accessible to Technical Documentation users."),
        );
    }
    let name = req.path.strip_prefix("/doc-bearer/").unwrap_or("");
    if name == "index.json" {
        return Reply::json(200, &doc_index(db));
    }
    match name.strip_suffix(".json").filter(|m| db.has_model(m)) {
        Some(model) => Reply::json(200, &doc_model(db, model)),
        None => fail(werkzeug(
            404,
            "NotFound",
            "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
        )),
    }
}

fn model_methods(model: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = METHODS.to_vec();
    if model == "sale.order" {
        out.extend(["action_cancel", "action_confirm", "action_draft"]);
    }
    if model == "res.users" {
        out.push("context_get");
    }
    out.sort_unstable();
    out
}

fn doc_index(db: &Database) -> Value {
    let schema = db.schema();
    let mut modules: Vec<String> = Vec::new();
    let models: Vec<Value> = schema
        .models
        .values()
        .map(|m| {
            let fields: Map<String, Value> = m
                .fields
                .values()
                .map(|f| (f.name.clone(), json!({"string": f.string})))
                .collect();
            for f in m.fields.values() {
                if let Some(module) = f.raw.get("modules").and_then(Value::as_str) {
                    for part in module.split(',') {
                        let part = part.trim().to_string();
                        if !part.is_empty() && !modules.contains(&part) {
                            modules.push(part);
                        }
                    }
                }
            }
            json!({
                "model": m.model,
                "name": m.description,
                "fields": fields,
                "methods": model_methods(&m.model),
            })
        })
        .collect();
    if modules.is_empty() {
        modules = vec!["base".into(), "web".into(), "rpc".into(), "api_doc".into()];
    }
    json!({"modules": modules, "models": models})
}

fn doc_model(db: &Database, model: &str) -> Value {
    let schema = db.schema();
    let Some(meta) = schema.model(model) else {
        return json!({});
    };
    let mut fields = match crate::orm::fields_get(schema, model, None, None) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    for (name, desc) in &mut fields {
        if let Value::Object(d) = desc {
            d.insert("name".into(), json!(name));
            let module = meta
                .field(name)
                .and_then(|f| f.raw.get("modules").and_then(Value::as_str))
                .and_then(|m| m.split(',').next())
                .map(|m| json!(m.trim()))
                .unwrap_or(Value::Null);
            d.insert("module".into(), module);
        }
    }
    let mut methods = Map::new();
    for m in model_methods(model) {
        let Some(sig) = signature(model, m) else {
            continue;
        };
        let mut parameters = Map::new();
        let mut parts = Vec::new();
        for (p, default) in &sig.params {
            match default {
                Some(d) => {
                    parts.push(format!("{p}={}", crate::faults::py_repr(d)));
                    parameters.insert(
                        (*p).into(),
                        json!({"default": d, "annotation": "typing.Any", "doc": ""}),
                    );
                }
                None => {
                    parts.push((*p).to_string());
                    parameters.insert((*p).into(), json!({"annotation": "typing.Any", "doc": ""}));
                }
            }
        }
        let mut entry = json!({
            "signature": format!("({})", parts.join(", ")),
            "parameters": parameters,
            "model": if m.starts_with("action_") || m == "context_get" { model } else { "core" },
            "module": if m.starts_with("action_") { "sale" } else { "core" },
        });
        if sig.model_api {
            if let Some(o) = entry.as_object_mut() {
                o.insert("api".into(), json!(["model"]));
            }
        }
        methods.insert(m.to_string(), entry);
    }
    json!({
        "model": model,
        "name": meta.description,
        "doc": null,
        "fields": fields,
        "methods": methods,
    })
}

/// The message Python's `json.loads` gives for a malformed document, e.g.
/// `Expecting ',' delimiter: line 1 column 38 (char 37)`.
pub fn py_json_error(doc: &str) -> String {
    let chars: Vec<char> = doc.chars().collect();
    let (msg, pos) = match py_scan(&chars) {
        Err(e) => e,
        Ok(()) => ("Expecting value", 0),
    };
    let before = &chars[..pos.min(chars.len())];
    let line = before.iter().filter(|c| **c == '\n').count() + 1;
    let col = match before.iter().rposition(|c| *c == '\n') {
        Some(i) => pos - i,
        None => pos + 1,
    };
    format!("{msg}: line {line} column {col} (char {pos})")
}

type ScanErr = (&'static str, usize);

fn py_scan(c: &[char]) -> Result<(), ScanErr> {
    let mut i = skip_ws(c, 0);
    i = py_value(c, i, 0)?;
    i = skip_ws(c, i);
    if i < c.len() {
        return Err(("Extra data", i));
    }
    Ok(())
}

fn skip_ws(c: &[char], mut i: usize) -> usize {
    while i < c.len() && matches!(c[i], ' ' | '\t' | '\n' | '\r') {
        i += 1;
    }
    i
}

fn py_value(c: &[char], i: usize, depth: usize) -> Result<usize, ScanErr> {
    if depth > 900 {
        return Err(("maximum recursion depth exceeded", i));
    }
    let rest: String = c.iter().skip(i).take(9).collect();
    match c.get(i) {
        Some('"') => py_string(c, i),
        Some('{') => {
            let mut j = skip_ws(c, i + 1);
            if c.get(j) == Some(&'}') {
                return Ok(j + 1);
            }
            loop {
                if c.get(j) != Some(&'"') {
                    return Err(("Expecting property name enclosed in double quotes", j));
                }
                j = skip_ws(c, py_string(c, j)?);
                if c.get(j) != Some(&':') {
                    return Err(("Expecting ':' delimiter", j));
                }
                j = skip_ws(c, j + 1);
                j = skip_ws(c, py_value(c, j, depth + 1)?);
                match c.get(j) {
                    Some('}') => return Ok(j + 1),
                    Some(',') => j = skip_ws(c, j + 1),
                    _ => return Err(("Expecting ',' delimiter", j)),
                }
            }
        }
        Some('[') => {
            let mut j = skip_ws(c, i + 1);
            if c.get(j) == Some(&']') {
                return Ok(j + 1);
            }
            loop {
                j = skip_ws(c, py_value(c, j, depth + 1)?);
                match c.get(j) {
                    Some(']') => return Ok(j + 1),
                    Some(',') => j = skip_ws(c, j + 1),
                    _ => return Err(("Expecting ',' delimiter", j)),
                }
            }
        }
        _ if rest.starts_with("true") => Ok(i + 4),
        _ if rest.starts_with("false") => Ok(i + 5),
        _ if rest.starts_with("null") => Ok(i + 4),
        _ if rest.starts_with("NaN") => Ok(i + 3),
        _ if rest.starts_with("Infinity") => Ok(i + 8),
        _ if rest.starts_with("-Infinity") => Ok(i + 9),
        Some(ch) if *ch == '-' || ch.is_ascii_digit() => {
            let mut j = i;
            if c.get(j) == Some(&'-') {
                j += 1;
            }
            match c.get(j) {
                Some('0') => j += 1,
                Some(d) if d.is_ascii_digit() => {
                    while c.get(j).is_some_and(char::is_ascii_digit) {
                        j += 1;
                    }
                }
                _ => return Err(("Expecting value", i)),
            }
            if c.get(j) == Some(&'.') && c.get(j + 1).is_some_and(char::is_ascii_digit) {
                j += 1;
                while c.get(j).is_some_and(char::is_ascii_digit) {
                    j += 1;
                }
            }
            if matches!(c.get(j), Some('e' | 'E')) {
                let mut k = j + 1;
                if matches!(c.get(k), Some('+' | '-')) {
                    k += 1;
                }
                if c.get(k).is_some_and(char::is_ascii_digit) {
                    while c.get(k).is_some_and(char::is_ascii_digit) {
                        k += 1;
                    }
                    j = k;
                }
            }
            Ok(j)
        }
        _ => Err(("Expecting value", i)),
    }
}

fn py_string(c: &[char], start: usize) -> Result<usize, ScanErr> {
    let mut j = start + 1;
    loop {
        match c.get(j) {
            None => return Err(("Unterminated string starting at", start)),
            Some('"') => return Ok(j + 1),
            Some('\\') => match c.get(j + 1) {
                Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') => j += 2,
                Some('u') => {
                    let ok = (2..6).all(|k| c.get(j + k).is_some_and(char::is_ascii_hexdigit));
                    if !ok {
                        return Err(("Invalid \\uXXXX escape", j + 1));
                    }
                    j += 6;
                }
                None => return Err(("Unterminated string starting at", start)),
                Some(_) => return Err(("Invalid \\escape", j)),
            },
            Some(ch) if (*ch as u32) < 0x20 => return Err(("Invalid control character at", j)),
            Some(_) => j += 1,
        }
    }
}
