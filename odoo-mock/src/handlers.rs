//! Methods an application registers on the embedded server
//! ([`MockServerBuilder::method`](crate::MockServerBuilder::method)): its own
//! workflow buttons and server actions, answered by its own code, so that
//! its tests run without an Odoo.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::faults::Fault;

/// One call of a registered method, as the server received it.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall {
    /// The calling user's id.
    pub uid: i64,
    /// The calling user's login.
    pub login: String,
    /// The model called (`sale.order`).
    pub model: String,
    /// The method called (`action_confirm`).
    pub method: String,
    /// The records: the first positional argument when it is a list of ids
    /// (or one id), else empty.
    pub ids: Vec<i64>,
    /// The other positional arguments.
    pub args: Vec<Value>,
    /// The keyword arguments, without `context`.
    pub kwargs: Map<String, Value>,
    /// The call's context.
    pub context: Map<String, Value>,
}

/// A registered method: what it answers, or the Odoo exception it raises
/// (`Fault::user_error(..)`, ...).
pub type MethodHandler = Arc<dyn Fn(&MethodCall) -> Result<Value, Fault> + Send + Sync>;

/// The registered methods by (model, method).
#[derive(Clone, Default)]
pub struct Handlers(HashMap<(String, String), MethodHandler>);

impl Handlers {
    /// Register `handler` for `model.method`, replacing any before it.
    pub fn insert(&mut self, model: &str, method: &str, handler: MethodHandler) {
        self.0
            .insert((model.to_owned(), method.to_owned()), handler);
    }

    /// The handler of `model.method`, if one is registered.
    pub fn get(&self, model: &str, method: &str) -> Option<&MethodHandler> {
        self.0.get(&(model.to_owned(), method.to_owned()))
    }
}

impl fmt::Debug for Handlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<String> = self.0.keys().map(|(m, n)| format!("{m}.{n}")).collect();
        names.sort();
        f.debug_tuple("Handlers").field(&names).finish()
    }
}

/// The records a call names: its first positional argument when that is an
/// id or a list of ids.
pub(crate) fn split_ids(mut args: Vec<Value>) -> (Vec<i64>, Vec<Value>) {
    let ids = match args.first() {
        Some(Value::Array(items)) if items.iter().all(|v| v.as_i64().is_some()) => {
            items.iter().filter_map(Value::as_i64).collect()
        }
        Some(v) if v.as_i64().is_some() => v.as_i64().into_iter().collect(),
        _ => return (Vec::new(), args),
    };
    args.remove(0);
    (ids, args)
}
