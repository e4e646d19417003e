//! Wire protocols on top of the transport-agnostic ORM ([`crate::orm::Database`]).
//!
//! [`dispatch_rpc`] is Odoo's `dispatch_rpc(service, method, params)`, shared by
//! `/jsonrpc` and `/xmlrpc`; [`web`] serves the web session endpoints and
//! [`json2`] the JSON-2 API of Odoo 19.

pub mod json2;
pub mod jsonrpc;
pub mod web;
pub mod xmlrpc;

use serde_json::{Map, Value, json};

use crate::faults::Fault;
use crate::orm::Database;
use crate::store::as_id;

/// `common.version` / `/web/webclient/version_info` of the server: the
/// recorded answer of its dataset's version, or of 19 when a server imitates
/// 19's protocol over older data.
pub fn version_info(db: &Database, version: u32) -> Value {
    if version >= 19 && db.odoo_version() < 19 {
        return json!({
            "server_version": "19.0",
            "server_version_info": [19, 0, 0, "final", 0, ""],
            "server_serie": "19.0",
            "protocol_version": 1
        });
    }
    db.version_info()
}

/// `db.server_version`: the `server_version` of [`version_info`].
pub fn server_version(db: &Database, version: u32) -> Value {
    version_info(db, version)
        .get("server_version")
        .cloned()
        .unwrap_or(Value::Null)
}

/// Reword a fault the way Odoo `version` words it (19 names the model in the
/// private-method message, says "condition" for a domain leaf, and calls
/// the Settings group "Role / Administrator").
pub fn adapt_fault(version: u32, model: &str, method: &str, mut fault: Fault) -> Fault {
    if version < 19 {
        return fault;
    }
    let mut msg = fault.message.clone();
    if fault.name == "odoo.exceptions.AccessError"
        && msg == format!("Private methods (such as {method}) cannot be called remotely.")
    {
        msg = format!("Private methods (such as '{model}.{method}') cannot be called remotely.");
    }
    if fault.name == "builtins.ValueError" && msg.starts_with("Invalid field ") {
        msg = msg.replacen(" in leaf (", " in condition (", 1);
    }
    if fault.name == "odoo.exceptions.AccessError" {
        msg = msg.replace("\t- Administration/Settings", "\t- Role / Administrator");
    }
    if msg != fault.message {
        fault.arguments = vec![Value::String(msg.clone())];
        fault.message = msg;
    }
    fault
}

/// Odoo 19 checks made before a call: the context `lang` must be an
/// installed (active) language of the database (only `en_US` until another
/// is activated, as on the recorded 19 server).
///
/// # Errors
/// `UserError` "Invalid language code" for another language.
pub fn check_context_19(db: &Database, kwargs: &Map<String, Value>) -> Result<(), Fault> {
    if db.odoo_version() < 19 {
        return Ok(());
    }
    match kwargs
        .get("context")
        .and_then(|c| c.get("lang"))
        .and_then(Value::as_str)
    {
        Some(lang) if !db.lang_installed(lang) => {
            Err(Fault::user_error(format!("Invalid language code: {lang}")))
        }
        _ => Ok(()),
    }
}

fn unknown_db(name: &str) -> Fault {
    Fault::new(
        "psycopg2.OperationalError",
        format!(
            "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  database \"{name}\" does not exist\n"
        ),
    )
}

fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

fn missing_args(func: &str, needed: &[&str], given: usize) -> Fault {
    let missing: Vec<String> = needed
        .iter()
        .skip(given)
        .map(|n| format!("'{n}'"))
        .collect();
    let list = match missing.len() {
        0 | 1 => missing.join(""),
        _ => {
            let (last, head) = missing
                .split_last()
                .map_or((String::new(), &[][..]), |(l, h)| (l.clone(), h));
            format!("{} and {last}", head.join(", "))
        }
    };
    Fault::type_error(format!(
        "{func}() missing {} required positional argument{}: {list}",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" }
    ))
}

/// Odoo's `dispatch_rpc`: run `service.method(*args)` for services `common`,
/// `db` and `object` as Odoo `version` would; model calls are recorded with
/// `protocol`.
///
/// # Errors
/// The Odoo exception the call raises.
pub fn dispatch_rpc(
    db: &Database,
    version: u32,
    protocol: &str,
    service: &str,
    method: &str,
    args: Vec<Value>,
) -> Result<Value, Fault> {
    match service {
        "common" => match method {
            "version" => Ok(version_info(db, version)),
            "login" | "authenticate" => {
                let needed: &[&str] = if method == "login" {
                    &["db", "login", "password"]
                } else {
                    &["db", "login", "password", "user_agent_env"]
                };
                if args.len() < needed.len() {
                    return Err(missing_args(&format!("exp_{method}"), needed, args.len()));
                }
                let dbname = arg(&args, 0).as_str().unwrap_or("");
                if dbname != db.name() {
                    return Err(unknown_db(dbname));
                }
                let login = arg(&args, 1).as_str().unwrap_or("");
                let password = arg(&args, 2).as_str().unwrap_or("");
                Ok(db
                    .authenticate(login, password)
                    .map_or(Value::Bool(false), Value::from))
            }
            "about" => Ok(json!("See http://openerp.com")),
            _ => Err(Fault::key_error(&format!("exp_{method}"))),
        },
        "db" => match method {
            "list" => Ok(json!([db.name()])),
            "server_version" => Ok(server_version(db, version)),
            "db_exist" => Ok(json!(arg(&args, 0).as_str() == Some(db.name()))),
            "list_lang" => Ok(json!([["en_US", "English (US)"]])),
            _ => Err(Fault::key_error(&format!("exp_{method}"))),
        },
        "object" => match method {
            "execute_kw" | "execute" => {
                if args.len() < 5 {
                    return Err(missing_args(
                        method,
                        &["db", "uid", "passwd", "obj", "method"],
                        args.len(),
                    ));
                }
                let dbname = arg(&args, 0).as_str().unwrap_or("");
                if dbname != db.name() {
                    return Err(unknown_db(dbname));
                }
                let uid = as_id(arg(&args, 1)).unwrap_or(0);
                let password = arg(&args, 2).as_str().unwrap_or("").to_string();
                let model = arg(&args, 3).as_str().unwrap_or("").to_string();
                let method_name = arg(&args, 4).as_str().unwrap_or("").to_string();
                let (call_args, kwargs) = if method == "execute_kw" {
                    let call_args = match arg(&args, 5) {
                        Value::Array(a) => a.clone(),
                        Value::Null => vec![],
                        other => vec![other.clone()],
                    };
                    let kwargs = match arg(&args, 6) {
                        Value::Object(m) => m.clone(),
                        _ => Map::new(),
                    };
                    (call_args, kwargs)
                } else {
                    (
                        args.get(5..).map(<[Value]>::to_vec).unwrap_or_default(),
                        Map::new(),
                    )
                };
                check_context_19(db, &kwargs)?;
                db.call_via(
                    protocol,
                    uid,
                    &password,
                    &model,
                    &method_name,
                    call_args,
                    kwargs,
                )
                .map_err(|f| adapt_fault(version, &model, &method_name, f))
            }
            _ => Err(Fault::key_error(method)),
        },
        other => Err(Fault::key_error(other)),
    }
}

/// An HTTP answer built by a protocol handler (independent of the HTTP server).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// Headers, in order (`Set-Cookie` may repeat).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON body (`application/json; charset=utf-8`).
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: serde_json::to_vec(body).unwrap_or_default(),
        }
    }

    /// An HTML body (`text/html; charset=utf-8`).
    pub fn html(status: u16, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: body.into_bytes(),
        }
    }

    /// An XML body (`text/xml; charset=utf-8`).
    pub fn xml(body: String) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "text/xml; charset=utf-8".into())],
            body: body.into_bytes(),
        }
    }

    /// Werkzeug's plain 404 page.
    pub fn not_found() -> Reply {
        Reply::html(
            404,
            web::werkzeug_page(
                404,
                "Not Found",
                "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
            ),
        )
    }

    /// Add a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Add a `Set-Cookie` header.
    pub fn set_cookie(&mut self, value: String) {
        self.headers.push(("Set-Cookie".into(), value));
    }
}
