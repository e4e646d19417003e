//! Loading the embedded data files (schema subset, demo records, captured
//! `fields_get` answers) into a [`Schema`] and an initial [`Store`], once per process.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

use crate::store::{FieldMeta, ModelMeta, Record, Schema, Store, as_id};

const SCHEMA: &str = include_str!("../data/schema.json");
const EXTRA: &str = include_str!("../data/extra.json");
const FIELD_IDS: &str = include_str!("../data/ir_model_fields_ids.json");
/// Next ids of the real database's sequences when the demo export was taken
/// (the original fixtures create partner 54, order 27, line 57, attachment 818).
const SEQUENCES: &[(&str, i64)] = &[
    ("res.partner", 54),
    ("sale.order", 27),
    ("sale.order.line", 57),
    ("ir.attachment", 818),
];
const DEMO: &[(&str, &str)] = &[
    ("crm.team", include_str!("../data/demo/crm.team.json")),
    (
        "ir.model.access",
        include_str!("../data/demo/ir.model.access.json"),
    ),
    ("ir.rule", include_str!("../data/demo/ir.rule.json")),
    (
        "product.category",
        include_str!("../data/demo/product.category.json"),
    ),
    (
        "product.product",
        include_str!("../data/demo/product.product.json"),
    ),
    (
        "product.template",
        include_str!("../data/demo/product.template.json"),
    ),
    ("res.company", include_str!("../data/demo/res.company.json")),
    ("res.country", include_str!("../data/demo/res.country.json")),
    (
        "res.country.state",
        include_str!("../data/demo/res.country.state.json"),
    ),
    (
        "res.currency",
        include_str!("../data/demo/res.currency.json"),
    ),
    ("res.groups", include_str!("../data/demo/res.groups.json")),
    ("res.partner", include_str!("../data/demo/res.partner.json")),
    ("res.users", include_str!("../data/demo/res.users.json")),
    ("sale.order", include_str!("../data/demo/sale.order.json")),
    (
        "sale.order.line",
        include_str!("../data/demo/sale.order.line.json"),
    ),
    (
        "uom.category",
        include_str!("../data/demo/uom.category.json"),
    ),
    ("uom.uom", include_str!("../data/demo/uom.uom.json")),
];
const FIELDS_GET: &[(&str, &str)] = &[
    (
        "res.partner",
        include_str!("../data/fields_get/res.partner.json"),
    ),
    (
        "sale.order",
        include_str!("../data/fields_get/sale.order.json"),
    ),
];

/// The parsed embedded data.
#[derive(Debug)]
pub struct Dataset {
    /// Models, fields and reference names.
    pub schema: Arc<Schema>,
    /// The initial records (cloned into each server).
    pub store: Store,
    /// The schema file's top-level keys other than `models`.
    pub header: Map<String, Value>,
}

static DATASET: OnceLock<Dataset> = OnceLock::new();

/// The dataset, parsed on first use.
pub fn dataset() -> &'static Dataset {
    DATASET.get_or_init(|| load().expect("the embedded data files are valid JSON"))
}

fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn field_meta(raw: &Map<String, Value>) -> FieldMeta {
    let s = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_string);
    let b = |k: &str| raw.get(k).and_then(Value::as_bool).unwrap_or(false);
    let selection = raw
        .get("selection")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|it| {
                    Some((
                        it.get("value")?.as_str()?.to_string(),
                        it.get("name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    FieldMeta {
        name: s("name").unwrap_or_default(),
        ttype: s("ttype").unwrap_or_else(|| "char".into()),
        relation: s("relation").filter(|r| !r.is_empty()),
        relation_field: s("relation_field").filter(|r| !r.is_empty()),
        string: s("field_description").unwrap_or_default(),
        help: s("help"),
        required: b("required"),
        readonly: b("readonly"),
        store: b("store"),
        computed: s("compute").is_some() || s("related").is_some(),
        selection,
        raw: raw.clone(),
    }
}

fn load() -> Result<Dataset, String> {
    let Value::Object(mut header) = parse(SCHEMA)? else {
        return Err("schema.json is not an object".into());
    };
    let models = match header.remove("models") {
        Some(Value::Array(m)) => m,
        _ => return Err("schema.json has no models".into()),
    };
    let mut schema = Schema::default();
    for m in models {
        let Value::Object(mut raw) = m else { continue };
        let fields = match raw.remove("fields") {
            Some(Value::Array(f)) => f,
            _ => vec![],
        };
        let mut by_name = BTreeMap::new();
        for f in fields {
            if let Value::Object(fr) = f {
                let meta = field_meta(&fr);
                by_name.insert(meta.name.clone(), meta);
            }
        }
        let s = |k: &str| raw.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let meta = ModelMeta {
            model: s("model"),
            description: s("name"),
            order: s("order"),
            fields: by_name,
            raw,
        };
        schema.models.insert(meta.model.clone(), Arc::new(meta));
    }
    for (model, text) in FIELDS_GET {
        if let Value::Object(m) = parse(text)? {
            schema.fields_get.insert((*model).to_string(), m);
        }
    }

    let mut store = Store::default();
    let mut raw_tables: Vec<(String, Vec<Value>)> = Vec::new();
    for (model, text) in DEMO {
        if let Value::Array(rows) = parse(text)? {
            raw_tables.push(((*model).to_string(), rows));
        }
    }
    if let Value::Object(extra) = parse(EXTRA)? {
        for (model, rows) in extra {
            if let Value::Array(rows) = rows {
                raw_tables.push((model, rows));
            }
        }
    }
    for (model, rows) in raw_tables {
        let meta = schema.models.get(&model).cloned();
        for row in rows {
            let Value::Object(row) = row else { continue };
            let mut rec = Record::new();
            for (k, v) in row {
                let rel = meta
                    .as_ref()
                    .and_then(|m| m.field(&k))
                    .filter(|f| f.ttype == "many2one")
                    .and_then(|f| f.relation.clone());
                match (rel, &v) {
                    (Some(rel), Value::Array(pair)) if pair.len() == 2 => {
                        if let (Some(id), Some(name)) = (as_id(&pair[0]), pair[1].as_str()) {
                            schema.ref_names.insert((rel, id), name.to_string());
                            rec.insert(k, Value::from(id));
                        } else {
                            rec.insert(k, Value::Bool(false));
                        }
                    }
                    _ => {
                        rec.insert(k, v);
                    }
                }
            }
            let Some(id) = rec.get("id").and_then(as_id) else {
                continue;
            };
            let table = store.table_mut(&model);
            table.loaded = true;
            table.records.insert(id, rec);
            table.next_id = table.next_id.max(id + 1);
        }
    }
    let field_ids = parse(FIELD_IDS)?;
    build_ir_model(&mut schema, &mut store, &field_ids);
    for (model, next) in SEQUENCES {
        let t = store.table_mut(model);
        t.next_id = t.next_id.max(*next);
    }
    // Stub records for referenced rows of known but unexported models.
    let refs: Vec<((String, i64), String)> = schema
        .ref_names
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for ((model, id), name) in refs {
        let Some(meta) = schema.models.get(&model) else {
            continue;
        };
        let table = store.table_mut(&model);
        if table.loaded || table.records.contains_key(&id) {
            continue;
        }
        let mut rec = Record::new();
        rec.insert("id".into(), Value::from(id));
        if meta.field("name").is_some() {
            rec.insert("name".into(), Value::String(name));
        }
        table.records.insert(id, rec);
        table.next_id = table.next_id.max(id + 1);
    }
    // Models with no data at all still get an (empty, real) table.
    for model in schema.models.keys() {
        let t = store.table_mut(model);
        if t.records.is_empty() {
            t.loaded = true;
        }
    }
    Ok(Dataset {
        schema: Arc::new(schema),
        store,
        header,
    })
}

/// `ir.model`, `ir.model.fields` and `ir.model.fields.selection` rows from the schema.
fn build_ir_model(schema: &mut Schema, store: &mut Store, field_ids: &Value) {
    // ids of ir.model rows known from references (ir.rule / ir.model.access model_id)
    let mut known: BTreeMap<String, i64> = BTreeMap::new();
    for ((model, id), name) in &schema.ref_names {
        if model == "ir.model" {
            if let Some(m) = schema.models.values().find(|m| &m.description == name) {
                known.insert(m.model.clone(), *id);
            }
        }
    }
    let mut next = 1;
    let mut model_ids = BTreeMap::new();
    for name in schema.models.keys() {
        let id = match known.get(name) {
            Some(id) => *id,
            None => {
                while known.values().any(|v| *v == next) {
                    next += 1;
                }
                next += 1;
                next - 1
            }
        };
        model_ids.insert(name.clone(), id);
    }
    let mut next_field_id = 2001;
    let mut sel_id = 1;
    let metas: Vec<Arc<ModelMeta>> = schema.models.values().cloned().collect();
    for meta in metas {
        let mid = model_ids.get(&meta.model).copied().unwrap_or(0);
        let mut rec = meta.raw.clone();
        rec.insert("id".into(), Value::from(mid));
        let t = store.table_mut("ir.model");
        t.loaded = true;
        t.records.insert(mid, rec);
        t.next_id = t.next_id.max(mid + 1);
        schema
            .ref_names
            .insert(("ir.model".into(), mid), meta.description.clone());
        for f in meta.fields.values() {
            let field_id = match field_ids
                .get(&meta.model)
                .and_then(|m| m.get(&f.name))
                .and_then(as_id)
            {
                Some(id) => id,
                None => {
                    next_field_id += 1;
                    next_field_id - 1
                }
            };
            let mut rec = f.raw.clone();
            rec.remove("selection");
            rec.insert("id".into(), Value::from(field_id));
            rec.insert("model_id".into(), Value::from(mid));
            let t = store.table_mut("ir.model.fields");
            t.loaded = true;
            t.records.insert(field_id, rec);
            t.next_id = t.next_id.max(field_id + 1);
            for (seq, (value, label)) in f.selection.iter().enumerate() {
                let mut s = Record::new();
                s.insert("id".into(), Value::from(sel_id));
                s.insert("field_id".into(), Value::from(field_id));
                s.insert("value".into(), Value::String(value.clone()));
                s.insert("name".into(), Value::String(label.clone()));
                s.insert("sequence".into(), Value::from(seq as i64));
                let t = store.table_mut("ir.model.fields.selection");
                t.loaded = true;
                t.records.insert(sel_id, s);
                t.next_id = sel_id + 1;
                sel_id += 1;
            }
        }
    }
}
