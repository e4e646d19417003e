//! `web_read` specifications (used by web_read, web_search_read, web_save).

use serde_json::{Map, Value, json};

use crate::faults::Fault;
use crate::methods::Env;
use crate::store::{as_id, as_ids};

/// Read `ids` of `model` following a web client specification.
pub fn web_read(
    env: &Env<'_>,
    model: &str,
    ids: &[i64],
    spec: &Map<String, Value>,
) -> Result<Vec<Value>, Fault> {
    let meta = env.meta(model)?;
    let names: Vec<String> = spec.keys().cloned().collect();
    // 16 reads nothing (and checks nothing) when there is no record.
    if !(ids.is_empty() && crate::field_access::series(env.schema.version) < 17) {
        crate::field_access::check(env, model, &names, crate::field_access::Operation::Read)?;
    }
    env.check_fields(&meta, &names)?;
    let mut out = Vec::new();
    for id in ids {
        let Some(rec) = env.store.get(model, *id) else {
            continue;
        };
        let mut row = Map::new();
        row.insert("id".into(), json!(id));
        for (name, sub) in spec {
            let sub = sub.as_object().cloned().unwrap_or_default();
            let sub_fields = sub.get("fields").and_then(Value::as_object).cloned();
            let Some(f) = meta.field(name) else {
                row.insert(name.clone(), env.field_value(&meta, rec, name, false));
                continue;
            };
            let rel = f.relation.clone().unwrap_or_default();
            let value = match f.ttype.as_str() {
                "many2one" => match (rec.get(name).and_then(as_id), sub_fields) {
                    (None, _) => Value::Bool(false),
                    (Some(rid), Some(fields)) => {
                        let mut rows = web_read(env, &rel, &[rid], &fields)?;
                        if rows.is_empty() {
                            let mut m = Map::new();
                            m.insert("id".into(), json!(rid));
                            if fields.contains_key("display_name") {
                                m.insert("display_name".into(), json!(env.display_name(&rel, rid)));
                            }
                            Value::Object(m)
                        } else {
                            rows.remove(0)
                        }
                    }
                    (Some(rid), None) => json!(rid),
                },
                "one2many" | "many2many" => {
                    let mut child_ids = as_ids(&env.field_value(&meta, rec, name, false));
                    match sub_fields {
                        None => json!(child_ids),
                        Some(fields) => {
                            if let (Some(order), Some(cm)) = (
                                sub.get("order").and_then(Value::as_str),
                                env.schema.model(&rel),
                            ) {
                                env.sort_ids(cm, &mut child_ids, Some(order))?;
                            }
                            let limit = sub
                                .get("limit")
                                .and_then(as_id)
                                .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
                            let head: Vec<i64> = child_ids.iter().copied().take(limit).collect();
                            let mut rows = web_read(env, &rel, &head, &fields)?;
                            for c in child_ids.iter().skip(limit) {
                                rows.push(json!({"id": c}));
                            }
                            json!(rows)
                        }
                    }
                }
                _ => env.field_value(&meta, rec, name, false),
            };
            row.insert(name.clone(), value);
        }
        out.push(Value::Object(row));
    }
    Ok(out)
}
