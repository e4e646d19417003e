//! "Same shape" as the real reply: the same keys and value kinds, the same
//! error name, code and message. Ids, timestamps, tracebacks and list
//! lengths may differ. This is the Rust twin of the project's wire-diff.

use serde_json::Value;

/// List elements whose shape is compared.
const ELEMENTS_COMPARED: usize = 3;

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(true) => "true",
        Value::Bool(false) => "false",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Differences between a recorded JSON-RPC reply and another server's.
pub fn jsonrpc_diffs(expected: &Value, got: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (ee, ge) = (expected.get("error"), got.get("error"));
    match (ee, ge) {
        (None, Some(e)) => out.push(format!("expected a result, got error {e}")),
        (Some(e), None) => out.push(format!("expected error {}, got a result", short(e))),
        (Some(ee), Some(ge)) => {
            for key in ["/code", "/message", "/data/name"] {
                if ee.pointer(key) != ge.pointer(key) {
                    out.push(format!(
                        "error{}: expected {:?}, got {:?}",
                        key.replace('/', "."),
                        ee.pointer(key),
                        ge.pointer(key)
                    ));
                }
            }
            let (em, gm) = (ee.pointer("/data/message"), ge.pointer("/data/message"));
            if em != gm {
                out.push(format!(
                    "error.data.message: expected {:?}, got {:?}",
                    em.map(short),
                    gm.map(short)
                ));
            }
        }
        (None, None) => {}
    }
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("id");
            if let Some(Value::Object(err)) = o.get_mut("error") {
                err.insert("message".into(), Value::Null);
                err.insert("code".into(), Value::Null);
                if let Some(Value::Object(data)) = err.get_mut("data") {
                    for k in ["name", "message", "debug", "arguments"] {
                        if data.contains_key(k) {
                            data.insert(k.into(), Value::Null);
                        }
                    }
                }
            }
        }
        v
    };
    tree_diffs(&strip(expected), &strip(got), "", &mut out);
    out
}

pub fn tree_diffs(expected: &Value, got: &Value, path: &str, out: &mut Vec<String>) {
    let (ke, kg) = (kind(expected), kind(got));
    if ke != kg {
        let both_bool = matches!(ke, "true" | "false") && matches!(kg, "true" | "false");
        if !both_bool {
            out.push(format!(
                "{path}: expected {ke} {}, got {kg} {}",
                short(expected),
                short(got)
            ));
        }
        return;
    }
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => {
            let missing: Vec<&String> = e.keys().filter(|k| !g.contains_key(*k)).collect();
            let extra: Vec<&String> = g.keys().filter(|k| !e.contains_key(*k)).collect();
            if !missing.is_empty() {
                out.push(format!("{path}: missing keys {missing:?}"));
            }
            if !extra.is_empty() {
                out.push(format!("{path}: unexpected keys {extra:?}"));
            }
            for (k, ev) in e {
                if let Some(gv) = g.get(k) {
                    let sub = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    tree_diffs(ev, gv, &sub, out);
                }
            }
        }
        (Value::Array(e), Value::Array(g)) => {
            for i in 0..e.len().min(g.len()).min(ELEMENTS_COMPARED) {
                tree_diffs(&e[i], &g[i], &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(77).collect::<String>())
    } else {
        s
    }
}
