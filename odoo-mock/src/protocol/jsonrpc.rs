//! `/jsonrpc`: the JSON-RPC 2.0 envelope and the `common`, `db` and `object` services.

use serde_json::{Value, json};

use crate::faults::Fault;
use crate::orm::Database;

/// A JSON-RPC success envelope.
pub fn success(id: &Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

/// A JSON-RPC error envelope (HTTP 200), as Odoo 18 sends it.
pub fn error(id: &Value, fault: &Fault) -> Value {
    error_for(18, id, fault)
}

/// A JSON-RPC error envelope (HTTP 200), as Odoo `version` sends it
/// (code 200 in 18, 0 in 19; 100 for an expired session in both).
pub fn error_for(version: u32, id: &Value, fault: &Fault) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": fault.jsonrpc_error_for(version)})
}

/// Handle one parsed `/jsonrpc` request body as Odoo 18; returns the response envelope.
pub fn handle(db: &Database, body: &Value) -> Value {
    handle_for(db, 18, body)
}

/// Handle one parsed `/jsonrpc` request body as Odoo `version` (18 or 19).
pub fn handle_for(db: &Database, version: u32, body: &Value) -> Value {
    let id = body.get("id").cloned().unwrap_or(Value::Null);
    let params = body.get("params").unwrap_or(&Value::Null);
    let service = params.get("service").and_then(Value::as_str).unwrap_or("");
    let method = params.get("method").and_then(Value::as_str).unwrap_or("");
    let args: Vec<Value> = match params.get("args") {
        Some(Value::Array(a)) => a.clone(),
        _ => vec![],
    };
    match super::dispatch_rpc(db, version, "jsonrpc", service, method, args) {
        Ok(v) => success(&id, v),
        Err(f) => error_for(version, &id, &f),
    }
}
