//! Odoo exceptions as they travel on the wire: a Python class name, a message,
//! the exception's `args` and a traceback text.

use serde_json::{Value, json};

/// An Odoo (Python) exception raised by a call.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// Fully qualified Python class, e.g. `odoo.exceptions.AccessError`.
    pub name: String,
    /// The exception message (`str(exc)`).
    pub message: String,
    /// The exception's `args`.
    pub arguments: Vec<Value>,
    /// The JSON-RPC error code: 200 for server errors, 100 for an expired session.
    pub code: i64,
}

const TRACEBACK_HEAD: &str = "Traceback (most recent call last):
  File \"/opt/odoo/odoo18/odoo/http.py\", line 1954, in _transactioning
    return service_model.retrying(func, env=self.env)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File \"/opt/odoo/odoo18/odoo/service/model.py\", line 137, in retrying
    result = func()
             ^^^^^^
  File \"/opt/odoo/odoo18/odoo/http.py\", line 1921, in _serve_ir_http
    response = self.dispatcher.dispatch(rule.endpoint, args)
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File \"/opt/odoo/odoo18/odoo/addons/base/controllers/rpc.py\", line 170, in jsonrpc
    return dispatch_rpc(service, method, args)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
";

impl Fault {
    /// A fault with the given class and message (arguments = `[message]`).
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Fault {
        let message = message.into();
        Fault {
            name: name.into(),
            arguments: vec![Value::String(message.clone())],
            message,
            code: 200,
        }
    }

    /// `odoo.exceptions.AccessError`.
    pub fn access_error(message: impl Into<String>) -> Fault {
        Fault::new("odoo.exceptions.AccessError", message)
    }

    /// `odoo.exceptions.AccessDenied` ("Access Denied").
    pub fn access_denied() -> Fault {
        Fault::new("odoo.exceptions.AccessDenied", "Access Denied")
    }

    /// `odoo.exceptions.UserError`.
    pub fn user_error(message: impl Into<String>) -> Fault {
        Fault::new("odoo.exceptions.UserError", message)
    }

    /// `odoo.exceptions.ValidationError`.
    pub fn validation_error(message: impl Into<String>) -> Fault {
        Fault::new("odoo.exceptions.ValidationError", message)
    }

    /// `odoo.exceptions.MissingError` for records of `model` that do not exist.
    pub fn missing_error(model: &str, ids: &[i64], uid: i64) -> Fault {
        Fault::new(
            "odoo.exceptions.MissingError",
            format!(
                "Record does not exist or has been deleted.\n(Record: {model}{}, User: {uid})",
                py_id_tuple(ids)
            ),
        )
    }

    /// `builtins.ValueError`.
    pub fn value_error(message: impl Into<String>) -> Fault {
        Fault::new("builtins.ValueError", message)
    }

    /// `builtins.TypeError`.
    pub fn type_error(message: impl Into<String>) -> Fault {
        Fault::new("builtins.TypeError", message)
    }

    /// `builtins.AttributeError`.
    pub fn attribute_error(message: impl Into<String>) -> Fault {
        Fault::new("builtins.AttributeError", message)
    }

    /// `builtins.KeyError` (its message is the key, its repr is quoted).
    pub fn key_error(key: &str) -> Fault {
        Fault::new("builtins.KeyError", key)
    }

    /// `odoo.http.SessionExpiredException` (JSON-RPC code 100).
    pub fn session_expired() -> Fault {
        let mut f = Fault::new("odoo.http.SessionExpiredException", "Session expired");
        f.code = 100;
        f
    }

    /// werkzeug's `NotFound`, as the web client's `call_kw` raises it for a
    /// model the registry does not hold (JSON-RPC code 404, no `args`).
    pub fn not_found() -> Fault {
        Fault {
            name: "werkzeug.exceptions.NotFound".into(),
            message: "404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.".into(),
            arguments: Vec::new(),
            code: 404,
        }
    }

    /// The JSON-RPC error's own message, by its code.
    fn envelope_message(&self) -> &'static str {
        match self.code {
            100 => "Odoo Session Expired",
            404 => "404: Not Found",
            _ => "Odoo Server Error",
        }
    }

    /// Is this an `odoo.exceptions.AccessDenied`?
    pub fn is_access_denied(&self) -> bool {
        self.name == "odoo.exceptions.AccessDenied"
    }

    /// The last line of the traceback: `ExcClass: message` as Python prints it.
    fn exception_line(&self) -> String {
        let short = self.name.strip_prefix("builtins.").unwrap_or(&self.name);
        if self.name == "builtins.KeyError" {
            return format!("{short}: {}", py_repr_str(&self.message));
        }
        format!("{short}: {}", self.message.trim_end_matches('\n'))
    }

    /// A Python-style traceback text ending with the exception line.
    pub fn debug(&self) -> String {
        self.traceback(TRACEBACK_HEAD)
    }

    /// A Python-style traceback: `head` (which starts with
    /// `Traceback (most recent call last):` and lists frames), a frame of the
    /// mock, then the exception line.
    pub fn traceback(&self, head: &str) -> String {
        format!(
            "{head}  File \"/opt/odoo/odoo18/odoo/mock.py\", line 1, in odoo_mock\n    raise {}\n{}\n",
            self.name.rsplit('.').next().unwrap_or("Exception"),
            self.exception_line()
        )
    }

    /// The exception line alone, as `traceback.format_exception_only` prints it.
    pub fn exception_only(&self) -> String {
        format!("{}\n", self.exception_line())
    }

    /// The `error` object of a JSON-RPC error response as Odoo `version`
    /// (18 or 19) sends it: 19 uses code 0 where 18 used 200 (100 stays 100)
    /// and sends only the exception line as the debug text of an AccessDenied.
    pub fn jsonrpc_error_for(&self, version: u32) -> Value {
        if version < 19 {
            return self.jsonrpc_error();
        }
        let code = if matches!(self.code, 100 | 404) {
            self.code
        } else {
            0
        };
        let message = self.envelope_message();
        let debug = if self.is_access_denied() {
            self.exception_only()
        } else {
            self.debug()
        };
        json!({"code": code, "message": message, "data": {
            "name": self.name,
            "message": self.message,
            "arguments": self.arguments,
            "context": {},
            "debug": debug,
        }})
    }

    /// The `error.data` object of a JSON-RPC error response.
    pub fn data(&self) -> Value {
        json!({
            "name": self.name,
            "debug": self.debug(),
            "message": self.message,
            "arguments": self.arguments,
            "context": {},
        })
    }

    /// The `error` object of a JSON-RPC error response.
    pub fn jsonrpc_error(&self) -> Value {
        json!({"code": self.code, "message": self.envelope_message(), "data": self.data()})
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for Fault {}

/// Python's `repr()` of a str.
pub fn py_repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr()` of a JSON value (lists as lists, objects as dicts).
pub fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                if f.fract() == 0.0 && f.abs() < 1e16 {
                    format!("{f:.1}")
                } else {
                    format!("{f}")
                }
            } else {
                n.to_string()
            }
        }
        Value::String(s) => py_repr_str(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// Python's repr of a tuple built from list items, e.g. `('name', '=', 1)`.
pub fn py_tuple(items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(py_repr).collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

fn py_id_tuple(ids: &[i64]) -> String {
    let parts: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs() {
        assert_eq!(
            py_tuple(&[json!("no_such_field"), json!("="), json!(1)]),
            "('no_such_field', '=', 1)"
        );
        assert_eq!(
            py_repr(&json!([1, false, null, "a'b"])),
            "[1, False, None, \"a'b\"]"
        );
        let f = Fault::missing_error("res.partner", &[999999], 2);
        assert_eq!(
            f.message,
            "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)"
        );
        assert!(Fault::key_error("x").debug().ends_with("KeyError: 'x'\n"));
    }
}
