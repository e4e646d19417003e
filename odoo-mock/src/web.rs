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
                        let mut row = if rows.is_empty() {
                            let mut m = Map::new();
                            m.insert("id".into(), json!(rid));
                            if fields.contains_key("display_name") {
                                m.insert("display_name".into(), json!(env.display_name(&rel, rid)));
                            }
                            Value::Object(m)
                        } else {
                            rows.remove(0)
                        };
                        let show_address = sub
                            .get("context")
                            .and_then(|c| c.get("show_address"))
                            .is_some_and(crate::store::truthy);
                        if show_address
                            && rel == "res.partner"
                            && fields.contains_key("display_name")
                        {
                            row["display_name"] = json!(partner_with_address(env, rid));
                        }
                        row
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

/// A partner's display name with its address, as the `show_address`
/// context asks (`res.partner._display_address`, the default format:
/// street, street2, "city state-code zip", country; empty lines left out).
fn partner_with_address(env: &Env<'_>, id: i64) -> String {
    let name = env.display_name("res.partner", id);
    let Some(rec) = env.store.get("res.partner", id) else {
        return name;
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let related = |field: &str, model: &str, key: &str| {
        rec.get(field)
            .and_then(as_id)
            .and_then(|rid| env.store.get(model, rid))
            .map(|r| text(r.get(key)))
            .unwrap_or_default()
    };
    let city_line = [
        text(rec.get("city")),
        related("state_id", "res.country.state", "code"),
        text(rec.get("zip")),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    let lines = [
        text(rec.get("street")),
        text(rec.get("street2")),
        city_line,
        related("country_id", "res.country", "name"),
    ];
    let mut out = name;
    for line in lines.iter().filter(|l| !l.is_empty()) {
        out.push('\n');
        out.push_str(line);
    }
    out
}
