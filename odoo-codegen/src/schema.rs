//! The schema of an Odoo database: its models (`ir.model`), their fields
//! (`ir.model.fields`) and the values of selection fields
//! (`ir.model.fields.selection`).
//!
//! [`Schema`] reads and writes the JSON shape of a dump made from
//! `/jsonrpc` (`odoo18/schema.json`): the same keys in the same order,
//! Odoo's `false` for an empty text, one space of indentation, UTF-8 and a
//! final newline, so a file written by [`Schema::to_json`] diffs cleanly against
//! one made by Odoo's own tools. Keys this crate does not know are kept in
//! `extra` and written back.

use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::Error;

/// A whole schema file: server facts and every model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schema {
    /// `"18.0"`, as `common.version` reports it.
    pub server_version: String,
    /// `[18, 0, 0, "final", 0, ""]`.
    pub server_version_info: Vec<Value>,
    /// The database the schema was read from.
    pub database: String,
    /// Who made the file, and how.
    pub generated_by: String,
    /// Technical names of the installed modules.
    pub installed_modules: Vec<String>,
    /// The models, sorted by technical name.
    pub models: Vec<ModelDef>,
    /// Keys this crate does not know, kept as they were.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One model: a row of `ir.model` and its fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelDef {
    /// Technical name, e.g. `sale.order`.
    pub model: String,
    /// Description, e.g. `Sales Order`.
    pub name: String,
    /// The model class's docstring.
    #[serde(with = "false_or_text")]
    pub info: Option<String>,
    /// A wizard (`TransientModel`), whose records the server deletes.
    pub transient: bool,
    /// The modules that define or extend it, comma-separated.
    #[serde(with = "false_or_text")]
    pub modules: Option<String>,
    /// `base` for models defined in code, `manual` for custom ones.
    pub state: String,
    /// The default order (`_order`).
    #[serde(with = "false_or_text")]
    pub order: Option<String>,
    /// Inherits `mail.thread`.
    pub is_mail_thread: bool,
    /// Inherits `mail.activity.mixin`.
    pub is_mail_activity: bool,
    /// Inherits `mail.thread.blacklist`.
    pub is_mail_blacklist: bool,
    /// The fields, sorted by name.
    pub fields: Vec<FieldDef>,
    /// Keys this crate does not know, kept as they were.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One field: a row of `ir.model.fields`, with its selection values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldDef {
    /// The model it belongs to.
    pub model: String,
    /// Technical name, e.g. `partner_id`.
    pub name: String,
    /// The label (`string`).
    pub field_description: String,
    /// The tooltip.
    #[serde(with = "false_or_text")]
    pub help: Option<String>,
    /// `char`, `many2one`, `selection`, `monetary`, ...
    pub ttype: String,
    /// Target model of a relational field.
    #[serde(with = "false_or_text")]
    pub relation: Option<String>,
    /// The inverse many2one of a one2many.
    #[serde(with = "false_or_text")]
    pub relation_field: Option<String>,
    /// The table of a many2many.
    #[serde(with = "false_or_text")]
    pub relation_table: Option<String>,
    /// A many2many table's column for this model.
    #[serde(with = "false_or_text")]
    pub column1: Option<String>,
    /// A many2many table's column for the target.
    #[serde(with = "false_or_text")]
    pub column2: Option<String>,
    /// A value is required.
    pub required: bool,
    /// Read-only in forms.
    pub readonly: bool,
    /// Stored in the database (false for most computed fields).
    pub store: bool,
    /// Indexed.
    pub index: bool,
    /// Translated (per language).
    pub translate: Value,
    /// One value per company.
    pub company_dependent: bool,
    /// Maximum length of a char field (0: none).
    pub size: Value,
    /// `partner_id.name` for a related field.
    #[serde(with = "false_or_text")]
    pub related: Option<String>,
    /// What a computed field depends on (custom fields only).
    pub depends: Value,
    /// The compute code (custom fields only).
    pub compute: Value,
    /// Ids of the groups allowed to see it.
    pub groups: Value,
    /// Copied by `copy()`.
    pub copied: bool,
    /// The domain of a relational field.
    #[serde(with = "false_or_text")]
    pub domain: Option<String>,
    /// `cascade`, `set null` or `restrict` for a many2one.
    #[serde(with = "false_or_text")]
    pub on_delete: Option<String>,
    /// The currency field of a monetary field.
    #[serde(with = "false_or_text")]
    pub currency_field: Option<String>,
    /// `base` or `manual`.
    pub state: String,
    /// The modules that define it, comma-separated.
    #[serde(with = "false_or_text")]
    pub modules: Option<String>,
    /// Offered in filters and exports.
    pub selectable: bool,
    /// Group-by shows every value.
    pub group_expand: bool,
    /// Tracking sequence (0: not tracked).
    pub tracking: Value,
    /// HTML sanitised.
    pub sanitize: Value,
    /// The values of a selection field, in order; absent for other types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<Vec<SelectionValue>>,
    /// Keys this crate does not know, kept as they were.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One value of a selection field (`ir.model.fields.selection`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelectionValue {
    /// The key stored and sent on the wire, e.g. `draft`.
    pub value: String,
    /// The label, e.g. `Quotation`.
    pub name: String,
    /// Position in the list.
    pub sequence: i64,
}

impl FieldDef {
    /// True when the field is computed: not stored, related, or with
    /// compute code.
    pub fn is_computed(&self) -> bool {
        !self.store || self.related.is_some() || is_set(&self.compute)
    }
}

/// Odoo's `false` and JSON `null` are "not set", so are `""` and `[]`.
fn is_set(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

impl Schema {
    /// Read a schema file.
    ///
    /// # Errors
    ///
    /// [`Error::ReadSchema`] when the file cannot be read,
    /// [`Error::ParseSchema`] when it is not a schema (with the line and
    /// column).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Schema, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadSchema {
            path: path.to_owned(),
            source,
        })?;
        Schema::from_json_in(&text, Some(path))
    }

    /// Parse a schema from JSON text.
    ///
    /// # Errors
    ///
    /// [`Error::ParseSchema`] when it is not a schema.
    pub fn from_json(text: &str) -> Result<Schema, Error> {
        Schema::from_json_in(text, None)
    }

    fn from_json_in(text: &str, path: Option<&Path>) -> Result<Schema, Error> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let schema: Schema = match serde_path_to_error::deserialize(de) {
            Ok(schema) => schema,
            Err(e) => {
                let at = e.path().to_string();
                let inner = e.into_inner();
                return Err(Error::ParseSchema {
                    path: path.map(Path::to_owned),
                    line: inner.line(),
                    column: inner.column(),
                    message: if at.is_empty() || at == "." {
                        inner.to_string()
                    } else {
                        format!("at {at}: {inner}")
                    },
                });
            }
        };
        Ok(schema)
    }

    /// The schema as JSON in the file shape: one space of indentation,
    /// UTF-8 text unescaped, a final newline.
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(1 << 20);
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        // Serialising plain data into memory does not fail; an empty
        // document would be noticed by the caller's round-trip tests.
        if self.serialize(&mut ser).is_err() {
            return String::new();
        }
        let mut text = String::from_utf8(out).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The model with this technical name.
    pub fn model(&self, name: &str) -> Option<&ModelDef> {
        self.models.iter().find(|m| m.model == name)
    }

    /// Sort models by name and fields by name, as a dump is.
    pub fn sort(&mut self) {
        self.models.sort_by(|a, b| a.model.cmp(&b.model));
        for model in &mut self.models {
            model.fields.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }

    /// How many fields all models have.
    pub fn field_count(&self) -> usize {
        self.models.iter().map(|m| m.fields.len()).sum()
    }
}

impl ModelDef {
    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// `Option<String>` as Odoo sends it: `false` (or `null`) when empty.
mod false_or_text {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(text) => s.serialize_str(text),
            None => s.serialize_bool(false),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        match Value::deserialize(d)? {
            Value::String(text) => Ok(Some(text)),
            Value::Null | Value::Bool(false) => Ok(None),
            other => Err(serde::de::Error::custom(format!(
                "expected a text or false, got {other}"
            ))),
        }
    }
}
