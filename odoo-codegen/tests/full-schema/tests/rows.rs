//! Real rows of Odoo 16, 17, 18 and 19 decode into the structs generated
//! from each version's own schema (field groups merged):
//!
//! - every field of two records of nine models, as admin reads them
//!   (`fixtures/odooNN/full_rows.json`);
//! - every row of the recorded `read`, `search_read`, `web_read` and
//!   `web_search_read` answers of those models (`fixtures/odooNN/wire_rows.json`),
//!   each laid over a full row of its model, so that every recorded value
//!   meets its field's Rust type;
//! - a full row without any group-restricted field, as a user of none of
//!   the groups gets it: the struct still decodes.
//!
//! No key of a row goes unchecked: each must be a field of the struct
//! (a struct ignores unknown keys, so a missing field would hide a value).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use odoo::{FieldDef, Model, decode_rows};
use odoo_codegen_full_schema::{odoo16, odoo17, odoo18, odoo19};
use serde_json::{Map, Value};

const VERSIONS: [u32; 4] = [16, 17, 18, 19];

fn fixture(version: u32, name: &str) -> Value {
    let path = format!(
        "{}/../fixtures/odoo{version}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Something to do with one model's generated struct.
trait Visit {
    type Out;
    fn visit<M: Model>(self) -> Self::Out;
}

macro_rules! dispatch {
    ($m:ident, $model:expr, $visit:expr) => {
        match $model {
            "account.move" => $visit.visit::<$m::AccountMove>(),
            "product.product" => $visit.visit::<$m::ProductProduct>(),
            "product.template" => $visit.visit::<$m::ProductTemplate>(),
            "purchase.order" => $visit.visit::<$m::PurchaseOrder>(),
            "res.company" => $visit.visit::<$m::ResCompany>(),
            "res.partner" => $visit.visit::<$m::ResPartner>(),
            "res.users" => $visit.visit::<$m::ResUsers>(),
            "sale.order" => $visit.visit::<$m::SaleOrder>(),
            "sale.order.line" => $visit.visit::<$m::SaleOrderLine>(),
            other => panic!("no generated struct for {other}"),
        }
    };
}

/// Run `visit` on the struct generated for `model` from `version`'s schema.
fn with_struct<V: Visit>(version: u32, model: &str, visit: V) -> V::Out {
    match version {
        16 => {
            use odoo16::rows as m;
            dispatch!(m, model, visit)
        }
        17 => {
            use odoo17::rows as m;
            dispatch!(m, model, visit)
        }
        18 => {
            use odoo18::rows as m;
            dispatch!(m, model, visit)
        }
        19 => {
            use odoo19::rows as m;
            dispatch!(m, model, visit)
        }
        other => panic!("no Odoo {other}"),
    }
}

/// Decode one row; the error text names model, record and field.
struct DecodeRow<'a>(&'a Value);

impl Visit for DecodeRow<'_> {
    type Out = Result<(), String>;
    fn visit<M: Model>(self) -> Self::Out {
        let rows = Value::Array(vec![self.0.clone()]);
        match decode_rows::<M>(&rows) {
            Ok(decoded) if decoded.len() == 1 => Ok(()),
            Ok(decoded) => Err(format!("{} rows from one", decoded.len())),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The struct's field definitions.
struct Fields;

impl Visit for Fields {
    type Out = &'static [FieldDef];
    fn visit<M: Model>(self) -> Self::Out {
        M::FIELDS
    }
}

/// Keys of `row` that are no field of the struct (so would go unchecked),
/// leaving out `id` and the res.users pseudo-fields of group checkboxes.
fn unchecked_keys(version: u32, model: &str, row: &Map<String, Value>) -> Vec<String> {
    let fields: BTreeSet<&str> = with_struct(version, model, Fields)
        .iter()
        .map(|f| f.name)
        .collect();
    row.keys()
        .filter(|k| {
            k.as_str() != "id"
                && !k.starts_with("in_group_")
                && !k.starts_with("sel_groups_")
                && !fields.contains(k.as_str())
        })
        .cloned()
        .collect()
}

fn full_rows(version: u32) -> BTreeMap<String, Vec<Value>> {
    let doc = fixture(version, "full_rows.json");
    serde_json::from_value(doc["rows"].clone()).unwrap()
}

/// Every field of two records of each model, as admin reads them, decodes
/// into the struct generated from the same version's schema.
#[test]
fn full_rows_decode_on_every_version() {
    let mut failures = Vec::new();
    let (mut decoded, mut total) = (0, 0);
    for version in VERSIONS {
        let rows = full_rows(version);
        assert_eq!(rows.len(), 9, "odoo{version}: nine models");
        for (model, rows) in &rows {
            assert!(!rows.is_empty(), "odoo{version} {model}: rows");
            for row in rows {
                total += 1;
                let id = &row["id"];
                let unchecked = unchecked_keys(version, model, row.as_object().unwrap());
                if !unchecked.is_empty() {
                    failures.push(format!(
                        "odoo{version} {model}({id}): no struct field for {unchecked:?}"
                    ));
                }
                match with_struct(version, model, DecodeRow(row)) {
                    Ok(()) => decoded += 1,
                    Err(e) => failures.push(format!("odoo{version}: {e}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(decoded, total);
    assert!(total >= 4 * 9, "{total} rows");
    println!("{total} full rows decode");
}

/// The targets of the relation fields of the nine models, from the schema.
fn relation_targets(version: u32) -> BTreeMap<(String, String), String> {
    let schema = fixture(version, "schema.json");
    let mut out = BTreeMap::new();
    for model in schema["models"].as_array().unwrap() {
        for field in model["fields"].as_array().unwrap() {
            if let Some(target) = field["relation"].as_str() {
                out.insert(
                    (
                        model["model"].as_str().unwrap().to_owned(),
                        field["name"].as_str().unwrap().to_owned(),
                    ),
                    target.to_owned(),
                );
            }
        }
    }
    out
}

/// One recorded row to check: where it came from and its values.
struct Recorded {
    what: String,
    model: String,
    row: Map<String, Value>,
}

/// The rows of `wire_rows.json`. A `web_read` with a nested specification
/// sends x2many values as lists of records (`order_line: [{"id": 45, ...}]`):
/// those records are checked as rows of their own model, and the field as
/// the list of their ids (what `Refs` and `Vec<i64>` hold).
fn recorded_rows(version: u32) -> Vec<Recorded> {
    let targets = relation_targets(version);
    let models: BTreeSet<String> = full_rows(version).into_keys().collect();
    let doc = fixture(version, "wire_rows.json");
    let mut todo = Vec::new();
    for response in doc["responses"].as_array().unwrap() {
        let file = response["file"].as_str().unwrap();
        let model = response["model"].as_str().unwrap();
        for row in response["rows"].as_array().unwrap() {
            todo.push(Recorded {
                what: format!("odoo{version} {file}"),
                model: model.to_owned(),
                row: row.as_object().unwrap().clone(),
            });
        }
    }
    let mut out = Vec::new();
    while let Some(mut recorded) = todo.pop() {
        for (field, value) in recorded.row.iter_mut() {
            let Some(items) = value.as_array() else {
                continue;
            };
            if items.is_empty() || !items.iter().all(Value::is_object) {
                continue;
            }
            let ids: Vec<Value> = items.iter().map(|r| r["id"].clone()).collect();
            if let Some(target) = targets.get(&(recorded.model.clone(), field.clone()))
                && models.contains(target)
            {
                for item in items {
                    todo.push(Recorded {
                        what: format!("{} (in {field})", recorded.what),
                        model: target.clone(),
                        row: item.as_object().unwrap().clone(),
                    });
                }
            }
            *value = Value::Array(ids);
        }
        out.push(recorded);
    }
    out
}

/// Every row of every recorded read of the nine models, laid over a full
/// row of its model, decodes; the only values that do not are the image
/// sizes Odoo sends instead of images when the context has `bin_size`
/// (which the SDK never sets), and the rest of those rows decodes.
#[test]
fn recorded_rows_decode_over_full_rows() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut values = 0;
    let mut bin_size_rows = 0;
    for version in VERSIONS {
        let full = full_rows(version);
        for recorded in recorded_rows(version) {
            let model = recorded.model.as_str();
            let id = recorded.row.get("id").cloned().unwrap_or(Value::Null);
            let unchecked = unchecked_keys(version, model, &recorded.row);
            if !unchecked.is_empty() {
                failures.push(format!(
                    "{} {model}({id}): no struct field for {unchecked:?}",
                    recorded.what
                ));
            }
            let mut row = full[model][0].as_object().unwrap().clone();
            let bin_size = recorded.what.contains("bin_size");
            for (key, value) in &recorded.row {
                let is_size = bin_size && value.as_str().is_some_and(|s| s.ends_with(" Kb"));
                if !is_size {
                    row.insert(key.clone(), value.clone());
                    values += 1;
                }
            }
            if bin_size {
                // The sizes themselves do not decode as `Binary`.
                bin_size_rows += 1;
                let mut with_sizes = row.clone();
                with_sizes.extend(recorded.row.clone());
                let err = with_struct(version, model, DecodeRow(&Value::Object(with_sizes)))
                    .expect_err("a size is not base64");
                assert!(err.contains("expected base64 text"), "{err}");
            }
            match with_struct(version, model, DecodeRow(&Value::Object(row))) {
                Ok(()) => checked += 1,
                Err(e) => failures.push(format!("{}: {e}", recorded.what)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{checked} recorded rows ({values} values) decode over full rows");
    assert_eq!(bin_size_rows, 3, "the bin_size recordings of 16, 17 and 18");
    assert!(checked > 300, "{checked} rows checked");
}

/// The groups file of a version: model -> restricted fields.
fn restricted(version: u32) -> BTreeMap<String, BTreeMap<String, String>> {
    serde_json::from_value(fixture(version, "field_groups.json")["fields"].clone()).unwrap()
}

/// Every group-restricted field of the nine models is an `Option`, and a
/// full row without any of them (what a user of none of the groups reads:
/// the SDK leaves them out) still decodes.
#[test]
fn rows_without_restricted_fields_decode() {
    let mut failures = Vec::new();
    let mut left_out = 0;
    for version in VERSIONS {
        let restricted = restricted(version);
        for (model, rows) in full_rows(version) {
            let Some(fields) = restricted.get(&model) else {
                continue;
            };
            let defs = with_struct(version, &model, Fields);
            for name in fields.keys() {
                match defs.iter().find(|d| d.name == name) {
                    Some(def) if def.optional => {}
                    Some(def) => failures.push(format!(
                        "odoo{version} {model}.{name} is restricted but a bare {}",
                        def.rust_type
                    )),
                    None => failures.push(format!("odoo{version} {model}.{name}: no field")),
                }
            }
            for row in rows {
                let mut row = row.as_object().unwrap().clone();
                for name in fields.keys() {
                    if row.remove(name).is_some() {
                        left_out += 1;
                    }
                }
                if let Err(e) = with_struct(version, &model, DecodeRow(&Value::Object(row))) {
                    failures.push(format!("odoo{version} without restricted fields: {e}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(left_out > 100, "{left_out} restricted values left out");
}

macro_rules! typed_checks {
    ($version:literal, $m:ident) => {{
        use $m::rows as m;
        let rows = full_rows($version);
        // tax_totals is a JSON object although Odoo calls it binary.
        let orders = decode_rows::<m::SaleOrder>(&Value::from(rows["sale.order"].clone())).unwrap();
        let totals: &Option<odoo::Json> = &orders[0].1.tax_totals;
        assert!(
            totals.as_ref().is_some_and(Value::is_object),
            "odoo{}: {totals:?}",
            $version
        );
        let moves =
            decode_rows::<m::AccountMove>(&Value::from(rows["account.move"].clone())).unwrap();
        let _: &Option<odoo::Json> = &moves[0].1.invoice_outstanding_credits_debits_widget;
        let _: &Option<odoo::Json> = &moves[0].1.invoice_payments_widget;
        let _: &Option<odoo::Json> = &moves[0].1.needed_terms;
        assert!(moves[0].1.tax_totals.as_ref().is_some_and(Value::is_object));
        // Images stay bytes: a non-stored avatar, a related logo.
        let partners =
            decode_rows::<m::ResPartner>(&Value::from(rows["res.partner"].clone())).unwrap();
        let avatar: &Option<odoo::Binary> = &partners[0].1.avatar_128;
        let bytes = &avatar.as_ref().expect("an avatar").0;
        assert!(
            bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xff\xd8"),
            "odoo{}: an image",
            $version
        );
        let companies =
            decode_rows::<m::ResCompany>(&Value::from(rows["res.company"].clone())).unwrap();
        let _: &Option<odoo::Binary> = &companies[0].1.logo;
        assert!(companies[0].1.logo.is_some());
        // A restricted float is an Option, read as Some by admin.
        let _: &Option<f64> = &partners[0].1.credit_limit;
        assert!(partners[0].1.credit_limit.is_some());
    }};
}

/// The types, not only the decoding: JSON-carrying binaries are
/// `odoo::Json`, images `odoo::Binary`, restricted numbers `Option<f64>`.
#[test]
fn json_binaries_images_and_restricted_numbers_are_typed() {
    typed_checks!(16, odoo16);
    typed_checks!(17, odoo17);
    typed_checks!(18, odoo18);
    typed_checks!(19, odoo19);
}

/// Odoo 19's `res.users.outgoing_mail_server_type` is required and
/// restricted to internal users: an `Option`, so that the struct works for
/// portal users too.
#[test]
fn required_restricted_field_is_an_option() {
    let rows = full_rows(19);
    let users =
        decode_rows::<odoo19::rows::ResUsers>(&Value::from(rows["res.users"].clone())).unwrap();
    let server_type: &Option<odoo19::rows::ResUsersOutgoingMailServerType> =
        &users[0].1.outgoing_mail_server_type;
    assert!(server_type.is_some());
    let def = odoo19::rows::ResUsers::FIELDS
        .iter()
        .find(|f| f.name == "outgoing_mail_server_type")
        .unwrap();
    assert!(def.optional);
}
