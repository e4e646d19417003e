//! Odoo 19's `formatted_read_group(domain, groupby=(), aggregates=(),
//! having=(), offset=0, limit=None, order=None)` over any transport
//! (`execute_kw`, `call_kw`): `read_group(lazy=False)` reshaped with
//! `"field:agg"` keys, `__count` when asked, and each group's
//! `__extra_domain` (the recorded `json2_formatted_read_group` answers).
//! 16-18 have no such method: the dispatcher answers their recorded
//! AttributeError (`jsonrpc_error_formatted_read_group_not_available`).

use serde_json::{Map, Value, json};

use crate::faults::Fault;
use crate::methods::Env;

/// The groups of `model` as Odoo 19's `formatted_read_group` returns them.
/// `having` is not supported: a non-empty one is refused by name rather
/// than ignored.
#[allow(clippy::too_many_arguments)]
pub fn formatted_read_group(
    env: &Env<'_>,
    model: &str,
    domain: &Value,
    groupby: &Value,
    aggregates: &Value,
    having: &Value,
    offset: i64,
    limit: Option<i64>,
    order: Option<String>,
) -> Result<Value, Fault> {
    if crate::store::truthy(having) {
        return Err(Fault::value_error(format!(
            "formatted_read_group on {model}: having {} is not supported by odoo-mock",
            crate::faults::py_repr(having)
        )));
    }
    let names = |v: &Value| -> Vec<String> {
        match v {
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => vec![],
        }
    };
    let aggregates = names(aggregates);
    let group_keys = names(groupby);
    let fields: Vec<Value> = aggregates
        .iter()
        .filter(|a| a.as_str() != "__count")
        .map(|a| json!(a))
        .collect();
    let domain = if domain.is_null() {
        json!([])
    } else {
        domain.clone()
    };
    let groups = crate::groups::read_group(
        env,
        model,
        &domain,
        &json!(fields),
        &json!(group_keys),
        offset,
        limit,
        order,
        false,
    )?;
    let groups = groups.as_array().cloned().unwrap_or_default();
    Ok(Value::Array(reshape(
        groups,
        &group_keys,
        &aggregates,
        false,
    )))
}

/// `read_group(lazy=False)` groups reshaped as 19's `formatted_read_group`
/// answers them: the group-by values (a date group as `[start, label]`),
/// `__extra_domain`, each aggregate under its `"field:agg"` key, and
/// `__count` when asked for (or `with_count`, as `web_read_group` has it).
pub(crate) fn reshape(
    groups: Vec<Value>,
    group_keys: &[String],
    aggregates: &[String],
    with_count: bool,
) -> Vec<Value> {
    groups
        .into_iter()
        .map(|g| {
            let mut out = Map::new();
            for k in group_keys {
                let v = g.get(k).cloned().unwrap_or(Value::Bool(false));
                // A date group is `[start, label]` in 19.
                let from = g
                    .get("__range")
                    .and_then(|r| r.get(k))
                    .and_then(|r| r.get("from"));
                let v = match from {
                    Some(from) if !v.is_array() && v != Value::Bool(false) => {
                        json!([from, v])
                    }
                    _ => v,
                };
                out.insert(k.clone(), v);
            }
            out.insert(
                "__extra_domain".into(),
                g.get("__domain").cloned().unwrap_or_else(|| json!([])),
            );
            for a in aggregates.iter().filter(|a| *a != "__count") {
                let field = a.split(':').next().unwrap_or(a);
                out.insert(
                    a.clone(),
                    g.get(field).cloned().unwrap_or(Value::Bool(false)),
                );
            }
            if with_count || aggregates.iter().any(|a| a == "__count") {
                out.insert(
                    "__count".into(),
                    g.get("__count").cloned().unwrap_or_else(|| json!(0)),
                );
            }
            Value::Object(out)
        })
        .collect()
}
