//! `/jsonrpc`: the JSON-RPC 2.0 envelope and the `common`, `db` and `object` services.

use serde_json::{Map, Value, json};

use crate::faults::Fault;
use crate::orm::Database;
use crate::store::as_id;

/// A JSON-RPC success envelope.
pub fn success(id: &Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

/// A JSON-RPC error envelope (HTTP 200).
pub fn error(id: &Value, fault: &Fault) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": fault.jsonrpc_error()})
}

/// Handle one parsed `/jsonrpc` request body; returns the response envelope.
pub fn handle(db: &Database, body: &Value) -> Value {
    let id = body.get("id").cloned().unwrap_or(Value::Null);
    match dispatch(db, body.get("params").unwrap_or(&Value::Null)) {
        Ok(v) => success(&id, v),
        Err(f) => error(&id, &f),
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

fn dispatch(db: &Database, params: &Value) -> Result<Value, Fault> {
    let service = params.get("service").and_then(Value::as_str).unwrap_or("");
    let method = params.get("method").and_then(Value::as_str).unwrap_or("");
    let args: Vec<Value> = match params.get("args") {
        Some(Value::Array(a)) => a.clone(),
        _ => vec![],
    };
    match service {
        "common" => match method {
            "version" => Ok(Database::version_info()),
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
            "server_version" => Ok(json!("18.0")),
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
                let password = arg(&args, 2).as_str().unwrap_or("");
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
                    (args[5..].to_vec(), Map::new())
                };
                db.call(uid, password, &model, &method_name, call_args, kwargs)
            }
            _ => Err(Fault::key_error(method)),
        },
        other => Err(Fault::key_error(other)),
    }
}
