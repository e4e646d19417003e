//! `read_group`: grouping, aggregates, date granularities, `__domain`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value, json};

use crate::domain::related_ids;
use crate::faults::Fault;
use crate::methods::Env;
use crate::rules::{self, Perm};
use crate::store::{as_id, truthy};

const AGGREGATES: &[&str] = &[
    "sum",
    "avg",
    "max",
    "min",
    "count",
    "count_distinct",
    "array_agg",
    "bool_and",
    "bool_or",
];
const GRANULARITIES: &[&str] = &["day", "week", "month", "quarter", "year"];

struct GroupBy {
    spec: String,
    field: String,
    gran: Option<String>,
}

struct Agg {
    key: String,
    field: String,
    func: String,
}

fn parse_date(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
        })
}

/// (bucket start, bucket end, label) of a date value.
fn bucket(d: NaiveDateTime, gran: &str) -> Option<(NaiveDate, NaiveDate, String)> {
    let date = d.date();
    Some(match gran {
        "day" => (date, date.succ_opt()?, date.format("%d %b %Y").to_string()),
        "week" => {
            let start =
                date - chrono::Duration::days(i64::from(date.weekday().num_days_from_sunday()));
            let end = start + chrono::Duration::days(6);
            let (week, year) = if end.year() > start.year() {
                (1, end.year())
            } else {
                let jan1 = NaiveDate::from_ymd_opt(start.year(), 1, 1)?;
                let offset = jan1.weekday().num_days_from_sunday();
                ((start.ordinal0() + offset) / 7 + 1, start.year())
            };
            (
                start,
                start + chrono::Duration::days(7),
                format!("W{week} {year}"),
            )
        }
        "month" => {
            let start = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)?;
            let end = if date.month() == 12 {
                NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)?
            };
            (start, end, start.format("%B %Y").to_string())
        }
        "quarter" => {
            let q = (date.month() - 1) / 3;
            let start = NaiveDate::from_ymd_opt(date.year(), q * 3 + 1, 1)?;
            let end = if q == 3 {
                NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(date.year(), q * 3 + 4, 1)?
            };
            (start, end, format!("Q{} {}", q + 1, date.year()))
        }
        _ => {
            let start = NaiveDate::from_ymd_opt(date.year(), 1, 1)?;
            (
                start,
                NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)?,
                date.year().to_string(),
            )
        }
    })
}

/// Odoo's `expression.AND` of normalized domains.
fn and_domains(domains: Vec<Vec<Value>>) -> Vec<Value> {
    let parts: Vec<Vec<Value>> = domains
        .into_iter()
        .filter(|d| !d.is_empty())
        .map(normalize)
        .collect();
    if parts.is_empty() {
        return vec![];
    }
    let mut out: Vec<Value> = std::iter::repeat_n(json!("&"), parts.len() - 1).collect();
    for p in parts {
        out.extend(p);
    }
    out
}

/// Make implicit `&` explicit.
fn normalize(d: Vec<Value>) -> Vec<Value> {
    let mut expected = 1i64;
    let mut out = Vec::new();
    for item in d {
        if expected == 0 {
            out.insert(0, json!("&"));
            expected = 1;
        }
        match item.as_str() {
            Some("&") | Some("|") => expected += 1,
            Some("!") => {}
            _ => expected -= 1,
        }
        out.push(item);
    }
    out
}

/// `read_group(domain, fields, groupby, offset, limit, orderby, lazy)`.
#[allow(clippy::too_many_arguments)]
pub fn read_group(
    env: &Env<'_>,
    model: &str,
    domain: &Value,
    fields: &Value,
    groupby: &Value,
    offset: i64,
    limit: Option<i64>,
    orderby: Option<String>,
    lazy: bool,
) -> Result<Value, Fault> {
    let meta = env.meta(model)?;
    rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Read)?;
    let legacy = crate::version::of(env.schema.version).legacy_read_group;
    let mut gb: Vec<GroupBy> = Vec::new();
    let specs: Vec<String> = match groupby {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    };
    for spec in &specs {
        let (field, gran) = match spec.split_once(':') {
            Some((f, g)) => (f.to_string(), Some(g.to_string())),
            None => (spec.clone(), None),
        };
        let f = meta.field(&field).ok_or_else(|| {
            Fault::value_error(format!("Invalid field '{field}' on model '{model}'"))
        })?;
        let gran = match (f.ttype.as_str(), gran) {
            ("date" | "datetime", Some(g)) => {
                if !GRANULARITIES.contains(&g.as_str()) {
                    if legacy {
                        return Err(Fault::key_error(&g));
                    }
                    return Err(Fault::value_error(format!(
                        "Granularity specification isn't correct: '{g}'"
                    )));
                }
                Some(g)
            }
            ("date" | "datetime", None) => Some("month".to_string()),
            (_, _) => None,
        };
        gb.push(GroupBy {
            spec: spec.clone(),
            field,
            gran,
        });
    }
    if lazy && gb.len() > 1 {
        gb.truncate(1);
    }
    let rest: Vec<String> = if lazy {
        specs.iter().skip(1).cloned().collect()
    } else {
        vec![]
    };
    // aggregates
    let mut aggs: Vec<Agg> = Vec::new();
    let mut field_specs: Vec<String> = match fields {
        Value::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    };
    if legacy && field_specs.is_empty() {
        field_specs = meta
            .fields
            .iter()
            .filter(|(_, f)| f.store)
            .map(|(name, _)| name.clone())
            .collect();
    }
    for spec in field_specs {
        let (key, field, func) = if let Some((alias, rest)) = spec.split_once(':') {
            if let Some((func, inner)) = rest.split_once('(') {
                (
                    alias.to_string(),
                    inner.trim_end_matches(')').to_string(),
                    func.to_string(),
                )
            } else {
                (alias.to_string(), alias.to_string(), rest.to_string())
            }
        } else {
            let Some(f) = meta.field(&spec) else {
                return Err(Fault::value_error(format!(
                    "Invalid field '{spec}' on model '{model}'"
                )));
            };
            if !matches!(f.ttype.as_str(), "integer" | "float" | "monetary")
                || spec == "id"
                || gb.iter().any(|g| g.field == spec)
            {
                continue;
            }
            (spec.clone(), spec.clone(), "sum".to_string())
        };
        if !AGGREGATES.contains(&func.as_str()) {
            if legacy {
                return Err(Fault::user_error(format!(
                    "Invalid aggregation function '{func}'."
                )));
            }
            return Err(Fault::value_error(format!(
                "Invalid aggregate method '{func}' for '{spec}'."
            )));
        }
        if field != "id" && meta.field(&field).is_none() {
            return Err(Fault::value_error(format!(
                "Invalid field '{field}' on model '{model}'"
            )));
        }
        if legacy && aggs.iter().any(|a| a.key == key) {
            return Err(Fault::user_error(format!(
                "Output name '{key}' is used twice."
            )));
        }
        aggs.retain(|a| a.key != key);
        aggs.push(Agg { key, field, func });
    }
    let ids = env.filter(model, domain, Perm::Read)?;
    // group keys
    type GKey = Vec<String>;
    let mut groups: BTreeMap<GKey, (Vec<Value>, Vec<i64>)> = BTreeMap::new();
    for id in &ids {
        let Some(rec) = env.store.get(model, *id) else {
            continue;
        };
        let mut key = Vec::new();
        let mut vals = Vec::new();
        for g in &gb {
            let v = rec.get(&g.field).cloned().unwrap_or(Value::Bool(false));
            match &g.gran {
                Some(gran) => match v
                    .as_str()
                    .and_then(parse_date)
                    .and_then(|d| bucket(d, gran))
                {
                    Some((s, _, _)) => {
                        key.push(s.to_string());
                        vals.push(json!(s.to_string()));
                    }
                    None => {
                        key.push(String::new());
                        vals.push(Value::Bool(false));
                    }
                },
                None => {
                    key.push(v.to_string());
                    vals.push(v);
                }
            }
        }
        groups
            .entry(key)
            .or_insert_with(|| (vals, Vec::new()))
            .1
            .push(*id);
    }
    let dom_list: Vec<Value> = domain.as_array().cloned().unwrap_or_default();
    let mut rows: Vec<(Vec<Value>, Map<String, Value>)> = Vec::new();
    for (_, (vals, members)) in groups {
        let mut row = Map::new();
        let mut gdom: Vec<Vec<Value>> = vec![dom_list.clone()];
        let mut sort_vals = Vec::new();
        for (g, v) in gb.iter().zip(&vals) {
            let f = meta.field(&g.field);
            if let Some(gran) = &g.gran {
                let start = v
                    .as_str()
                    .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
                match start.and_then(|s| bucket(s.and_hms_opt(0, 0, 0)?, gran)) {
                    Some((s, e, label)) => {
                        let is_dt = f.is_some_and(|f| f.ttype == "datetime");
                        let fmt = |d: NaiveDate| {
                            if is_dt {
                                format!("{d} 00:00:00")
                            } else {
                                d.to_string()
                            }
                        };
                        row.insert(g.spec.clone(), json!(label));
                        let entry = row.entry("__range_entry").or_insert_with(|| json!([]));
                        if let Value::Array(a) = entry {
                            a.push(json!([g.spec, fmt(s), fmt(e)]));
                        }
                        gdom.push(vec![
                            json!("&"),
                            json!([g.field, ">=", fmt(s)]),
                            json!([g.field, "<", fmt(e)]),
                        ]);
                        sort_vals.push(json!(s.to_string()));
                    }
                    None => {
                        // an unset date: the group's `__range` entry is false
                        row.insert(g.spec.clone(), Value::Bool(false));
                        let entry = row.entry("__range_entry").or_insert_with(|| json!([]));
                        if let Value::Array(a) = entry {
                            a.push(json!([g.spec]));
                        }
                        gdom.push(vec![json!([g.field, "=", false])]);
                        sort_vals.push(json!(""));
                    }
                }
                continue;
            }
            let is_m2o = f.is_some_and(|f| f.ttype == "many2one");
            if is_m2o {
                match as_id(v) {
                    Some(rid) => {
                        let rel = f.and_then(|f| f.relation.clone()).unwrap_or_default();
                        let name = env.display_name(&rel, rid);
                        row.insert(g.spec.clone(), json!([rid, name]));
                        gdom.push(vec![json!([g.field, "=", rid])]);
                        // order m2o groups by the comodel's order
                        let pos = env.schema.model(&rel).map(|cm| {
                            let mut all = env.store.ids(&rel);
                            let _ = env.sort_ids(cm, &mut all, None);
                            all.iter().position(|x| *x == rid).unwrap_or(0) as i64
                        });
                        sort_vals.push(json!(pos.unwrap_or(rid)));
                    }
                    None => {
                        row.insert(g.spec.clone(), Value::Bool(false));
                        gdom.push(vec![json!([g.field, "=", false])]);
                        sort_vals.push(json!(i64::MAX));
                    }
                }
            } else {
                row.insert(g.spec.clone(), v.clone());
                gdom.push(vec![json!([g.field, "=", v])]);
                sort_vals.push(v.clone());
            }
        }
        let count = members.len();
        if lazy && !gb.is_empty() {
            let base = gb[0].spec.split(':').next().unwrap_or("").to_string();
            row.insert(format!("{base}_count"), json!(count));
        } else {
            row.insert("__count".into(), json!(count));
        }
        for a in &aggs {
            let values: Vec<Value> = members
                .iter()
                .filter_map(|id| env.store.get(model, *id))
                .map(|r| {
                    if a.field == "id" {
                        r.get("id").cloned().unwrap_or(Value::Null)
                    } else {
                        r.get(&a.field).cloned().unwrap_or(Value::Bool(false))
                    }
                })
                .collect();
            let float = meta
                .field(&a.field)
                .is_some_and(|f| matches!(f.ttype.as_str(), "float" | "monetary"));
            row.insert(a.key.clone(), aggregate(&a.func, &values, float));
        }
        if legacy {
            // 16: the group's terms, then the search domain
            gdom.rotate_left(1);
        }
        let mut dom = and_domains(gdom);
        if dom.is_empty() {
            dom = vec![];
        }
        row.insert("__domain".into(), json!(dom));
        rows.push((sort_vals, row));
    }
    // order
    match orderby.filter(|o| !o.trim().is_empty()) {
        Some(o) => {
            let terms: Vec<(String, bool)> = o
                .split(',')
                .map(|t| {
                    let w: Vec<&str> = t.split_whitespace().collect();
                    (
                        w.first().unwrap_or(&"").to_string(),
                        w.get(1).is_some_and(|d| d.eq_ignore_ascii_case("desc")),
                    )
                })
                .collect();
            rows.sort_by(|a, b| {
                for (k, desc) in &terms {
                    let gi = gb.iter().position(|g| &g.spec == k || &g.field == k);
                    let (x, y) = match gi {
                        Some(i) => (a.0.get(i).cloned(), b.0.get(i).cloned()),
                        None => (a.1.get(k).cloned(), b.1.get(k).cloned()),
                    };
                    let o = cmp_values(x.as_ref(), y.as_ref());
                    let o = if *desc { o.reverse() } else { o };
                    if o != std::cmp::Ordering::Equal {
                        return o;
                    }
                }
                std::cmp::Ordering::Equal
            });
        }
        None => rows.sort_by(|a, b| {
            for (x, y) in a.0.iter().zip(&b.0) {
                let o = cmp_values(Some(x), Some(y));
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        }),
    }
    let start = usize::try_from(offset.max(0)).unwrap_or(0).min(rows.len());
    let mut rows: Vec<Map<String, Value>> = rows.into_iter().skip(start).map(|(_, r)| r).collect();
    if let Some(l) = limit.filter(|l| *l > 0) {
        rows.truncate(usize::try_from(l).unwrap_or(usize::MAX));
    }
    let out: Vec<Value> = rows
        .into_iter()
        .map(|mut r| {
            if let Some(Value::Array(entries)) = r.remove("__range_entry") {
                let mut range = Map::new();
                for e in entries {
                    match (e.get(0).and_then(Value::as_str), e.get(1), e.get(2)) {
                        (Some(k), Some(from), Some(to)) => {
                            range.insert(k.to_string(), json!({"from": from, "to": to}));
                        }
                        (Some(k), None, None) => {
                            range.insert(k.to_string(), Value::Bool(false));
                        }
                        _ => {}
                    }
                }
                r.insert("__range".into(), Value::Object(range));
            }
            if !rest.is_empty() {
                r.insert("__context".into(), json!({"group_by": rest}));
            }
            Value::Object(r)
        })
        .collect();
    Ok(json!(out))
}

fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Array(x)), Some(Value::Array(y))) => cmp_values(x.get(1), y.get(1)),
        (Some(Value::Bool(false)), Some(Value::Bool(false))) => Ordering::Equal,
        (Some(Value::Bool(false)) | None, _) => Ordering::Greater,
        (_, Some(Value::Bool(false)) | None) => Ordering::Less,
        _ => Ordering::Equal,
    }
}

/// `float`: the field is a float or monetary one (its sums are floats even
/// when the stored values are whole numbers).
fn aggregate(func: &str, values: &[Value], float: bool) -> Value {
    let nums: Vec<f64> = values.iter().filter_map(Value::as_f64).collect();
    let ints = !float && values.iter().all(|v| v.is_i64() || !truthy(v));
    let num = |x: f64| {
        if ints && x.fract() == 0.0 {
            json!(x as i64)
        } else {
            json!(x)
        }
    };
    match func {
        "sum" => num((nums.iter().sum::<f64>() * 1e6).round() / 1e6),
        "avg" => {
            if nums.is_empty() {
                Value::Bool(false)
            } else {
                json!(nums.iter().sum::<f64>() / nums.len() as f64)
            }
        }
        "max" => nums
            .iter()
            .copied()
            .reduce(f64::max)
            .map_or(Value::Bool(false), num),
        "min" => nums
            .iter()
            .copied()
            .reduce(f64::min)
            .map_or(Value::Bool(false), num),
        "count" => json!(values.iter().filter(|v| truthy(v) || v.is_number()).count()),
        "count_distinct" => {
            let mut seen: Vec<String> = values
                .iter()
                .filter(|v| truthy(v))
                .flat_map(|v| {
                    related_ids(v)
                        .into_iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                })
                .collect();
            seen.sort();
            seen.dedup();
            json!(seen.len())
        }
        "bool_and" => json!(values.iter().all(truthy)),
        "bool_or" => json!(values.iter().any(truthy)),
        _ => json!(values),
    }
}
