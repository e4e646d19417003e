//! Read a live server's schema in a fixed handful of calls, whatever the
//! number of models: `common.version`, then `fields_get` of `ir.model`
//! and `ir.model.fields` (which columns this server has), then one
//! `search_read` each of `ir.model`, `ir.model.fields`,
//! `ir.model.fields.selection` and `ir.module.module`.

use std::collections::{BTreeMap, BTreeSet};

use odoo_core::{Domain, Map, Session, Value, domain::field};

use crate::error::{Error, closest};
use crate::schema::{FieldDef, ModelDef, Schema, SelectionValue};

/// Which models [`introspect`] reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ModelSelection {
    /// Every model of the database.
    #[default]
    All,
    /// Only these (technical names); an unknown one is an error.
    Only(BTreeSet<String>),
}

impl ModelSelection {
    /// Only these models.
    pub fn only<I, S>(models: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ModelSelection::Only(models.into_iter().map(Into::into).collect())
    }
}

/// What [`introspect_with_progress`] is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Asking the server's version and which columns it has.
    Version,
    /// Reading `ir.model`.
    Models,
    /// Reading `ir.model.fields` of this many models.
    Fields(usize),
    /// Reading the values of this many selection fields.
    Selections(usize),
    /// Reading the installed modules.
    Modules,
}

/// The columns of `ir.model` in a schema file, in file order.
const MODEL_KEYS: &[&str] = &[
    "model",
    "name",
    "info",
    "transient",
    "modules",
    "state",
    "order",
    "is_mail_thread",
    "is_mail_activity",
    "is_mail_blacklist",
];

/// The columns of `ir.model.fields` in a schema file, in file order.
const FIELD_KEYS: &[&str] = &[
    "model",
    "name",
    "field_description",
    "help",
    "ttype",
    "relation",
    "relation_field",
    "relation_table",
    "column1",
    "column2",
    "required",
    "readonly",
    "store",
    "index",
    "translate",
    "company_dependent",
    "size",
    "related",
    "depends",
    "compute",
    "groups",
    "copied",
    "domain",
    "on_delete",
    "currency_field",
    "state",
    "modules",
    "selectable",
    "group_expand",
    "tracking",
    "sanitize",
];

/// Read the schema of the models `selection` names as `session`'s user
/// (an administrator: reading `ir.model.fields` needs it).
///
/// Works over any transport the session uses.
///
/// # Errors
///
/// [`Error::UnknownModels`] for a model the server does not have (with the
/// closest name); [`Error::Odoo`] for a refused or failed call, whose
/// message says what to check.
pub async fn introspect(session: &Session, selection: &ModelSelection) -> Result<Schema, Error> {
    introspect_with_progress(session, selection, |_| {}).await
}

/// [`introspect`], calling `progress` before each step.
///
/// # Errors
///
/// As [`introspect`].
pub async fn introspect_with_progress(
    session: &Session,
    selection: &ModelSelection,
    mut progress: impl FnMut(Step),
) -> Result<Schema, Error> {
    progress(Step::Version);
    let version = match session.server_version() {
        Some(v) => v.clone(),
        None => session.client().version().await?,
    };
    let model_keys = available(session, "ir.model", MODEL_KEYS).await?;
    let field_keys = available(session, "ir.model.fields", FIELD_KEYS).await?;

    progress(Step::Models);
    let domain = match selection {
        ModelSelection::All => Domain::all(),
        ModelSelection::Only(names) => field("model").is_in(names.iter().cloned()),
    };
    let model_rows: Vec<Map> = session
        .search_read("ir.model", domain)
        .fields(model_keys.iter().copied())
        .await?;
    if let ModelSelection::Only(names) = selection {
        let found: BTreeSet<&str> = model_rows
            .iter()
            .filter_map(|r| r.get("model").and_then(Value::as_str))
            .collect();
        let missing: Vec<String> = names
            .iter()
            .filter(|n| !found.contains(n.as_str()))
            .cloned()
            .collect();
        if !missing.is_empty() {
            // One more call, only on this error path, for the suggestions.
            let all: Vec<Map> = session
                .search_read("ir.model", Domain::all())
                .fields(["model"])
                .await?;
            let known: Vec<&str> = all
                .iter()
                .filter_map(|r| r.get("model").and_then(Value::as_str))
                .collect();
            let suggestions = missing
                .iter()
                .map(|m| closest(m, known.iter().copied()))
                .collect();
            return Err(Error::UnknownModels {
                models: missing,
                suggestions,
                from_server: true,
            });
        }
    }

    progress(Step::Fields(model_rows.len()));
    let model_ids: Vec<i64> = model_rows
        .iter()
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect();
    let field_domain = match selection {
        ModelSelection::All => Domain::all(),
        ModelSelection::Only(_) => field("model_id").is_in(model_ids),
    };
    let field_rows: Vec<Map> = session
        .search_read("ir.model.fields", field_domain)
        .fields(field_keys.iter().copied())
        .await?;

    let selection_ids: Vec<i64> = field_rows
        .iter()
        // Reference fields keep their choices of model in the same table.
        .filter(|r| has_selection(r.get("ttype").and_then(Value::as_str)))
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect();
    progress(Step::Selections(selection_ids.len()));
    let selection_rows: Vec<Map> = if selection_ids.is_empty() {
        Vec::new()
    } else {
        session
            .search_read(
                "ir.model.fields.selection",
                field("field_id").is_in(selection_ids),
            )
            .fields(["field_id", "value", "name", "sequence"])
            .await?
    };

    progress(Step::Modules);
    let installed_modules = installed_modules(session).await?;

    // Assemble: selections by field id, fields by model name.
    let mut selections: BTreeMap<i64, Vec<SelectionValue>> = BTreeMap::new();
    for row in selection_rows {
        let Some(field_id) = row.get("field_id").and_then(many2one_id) else {
            continue;
        };
        selections
            .entry(field_id)
            .or_default()
            .push(SelectionValue {
                value: text(&row, "value"),
                name: text(&row, "name"),
                sequence: row.get("sequence").and_then(Value::as_i64).unwrap_or(0),
            });
    }
    let mut fields: BTreeMap<String, Vec<FieldDef>> = BTreeMap::new();
    for mut row in field_rows {
        let id = row.remove("id").and_then(|v| v.as_i64());
        let mut def: FieldDef = from_row("ir.model.fields", row)?;
        if has_selection(Some(def.ttype.as_str())) {
            let mut values = id.and_then(|id| selections.remove(&id)).unwrap_or_default();
            values.sort_by(|a, b| a.sequence.cmp(&b.sequence).then(a.value.cmp(&b.value)));
            def.selection = Some(values);
        }
        fields.entry(def.model.clone()).or_default().push(def);
    }
    let mut models = Vec::with_capacity(model_rows.len());
    for mut row in model_rows {
        row.remove("id");
        let mut def: ModelDef = from_row("ir.model", row)?;
        def.fields = fields.remove(&def.model).unwrap_or_default();
        models.push(def);
    }

    let mut schema = Schema {
        server_version: version.server_version.clone(),
        server_version_info: version.server_version_info.clone(),
        database: session.database().to_owned(),
        generated_by: format!(
            "odoo-codegen dump via {} as {}",
            transport_name(session),
            session.login()
        ),
        installed_modules,
        models,
        extra: Map::new(),
    };
    schema.sort();
    Ok(schema)
}

/// Whether `ir.model.fields.selection` holds values for fields of this type:
/// `selection` fields and `reference` fields (whose values are models).
fn has_selection(ttype: Option<&str>) -> bool {
    matches!(ttype, Some("selection" | "reference"))
}

/// The `wanted` columns that `model` has on this server (an older Odoo
/// lacks some; asking for one would fail the whole read).
async fn available<'k>(
    session: &Session,
    model: &str,
    wanted: &[&'k str],
) -> Result<Vec<&'k str>, Error> {
    let fields = session.fields_get(model, &["type"]).await?;
    Ok(wanted
        .iter()
        .copied()
        .filter(|k| fields.contains_key(*k))
        .collect())
}

/// Installed modules, when the user may read `ir.module.module` (an empty
/// list otherwise: the schema does not need them).
async fn installed_modules(session: &Session) -> Result<Vec<String>, Error> {
    let rows: Result<Vec<Map>, odoo_core::Error> = session
        .search_read("ir.module.module", field("state").eq("installed"))
        .fields(["name"])
        .await;
    match rows {
        Ok(rows) => {
            let mut names: Vec<String> = rows.iter().map(|r| text(r, "name")).collect();
            names.sort();
            Ok(names)
        }
        Err(e) if e.as_server().is_some() => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

fn from_row<T: serde::de::DeserializeOwned>(model: &str, row: Map) -> Result<T, Error> {
    serde_json::from_value(Value::Object(row)).map_err(|e| {
        Error::Config(format!(
            "a {model} row from the server does not have the expected shape ({e}); \
             is this an Odoo server of version 16 or later?"
        ))
    })
}

fn text(row: &Map, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// `[id, "name"]`, a bare id.
fn many2one_id(value: &Value) -> Option<i64> {
    match value {
        Value::Array(pair) => pair.first().and_then(Value::as_i64),
        other => other.as_i64(),
    }
}

fn transport_name(session: &Session) -> String {
    format!("{:?}", session.transport())
}
