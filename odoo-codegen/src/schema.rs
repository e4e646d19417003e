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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// The groups allowed to read it. `ir.model.fields` lists only the
    /// groups of custom fields (as ids), never those of fields defined in
    /// code: [`Schema::merge_field_groups`] adds those from a
    /// [`FieldGroups`] file, as xml ids (`"account.group_account_invoice"`).
    /// Empty (`[]` or `false`) for a field every user may read.
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

    /// The groups allowed to read the field, as written in the schema: xml
    /// ids (`base.group_user`, `.` for Odoo's "nobody", `!base.group_portal`
    /// for "everyone but"), or `#7` for a group known only by its id. Empty
    /// when every user may read it.
    pub fn group_names(&self) -> Vec<String> {
        let one = |v: &Value| match v {
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(format!("#{n}")),
            _ => None,
        };
        match &self.groups {
            Value::Array(items) => items.iter().filter_map(one).collect(),
            Value::String(text) => text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// True when only some users may read the field (it has groups).
    pub fn is_restricted(&self) -> bool {
        !self.group_names().is_empty()
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

/// Which fields only some users may read: a `field_groups.json` file.
///
/// `ir.model.fields` (and so a dump) carries no groups for fields defined
/// in code, yet Odoo refuses a whole `read` that names a field restricted to
/// groups the user lacks. This file says which fields those are; make it on
/// the server with `odoo-bin shell` (the crate's README has the snippet) and
/// merge it into a schema with [`Schema::merge_field_groups`] (or
/// `odoo-codegen dump --field-groups`, `generate --field-groups`,
/// [`Builder::field_groups`](crate::Builder::field_groups)).
///
/// ```
/// use odoo_codegen::schema::{FieldGroups, Schema};
/// let mut schema = Schema::from_json(r#"{"models": [{"model": "res.partner", "fields": [
///     {"model": "res.partner", "name": "credit_limit", "ttype": "float", "store": true}]}]}"#)?;
/// let groups = FieldGroups::from_json(r#"{"fields": {"res.partner": {
///     "credit_limit": "account.group_account_invoice,account.group_account_readonly"}}}"#)?;
/// assert_eq!(schema.merge_field_groups(&groups)?, 1);
/// let field = schema.model("res.partner").unwrap().field("credit_limit").unwrap();
/// assert_eq!(field.group_names(), ["account.group_account_invoice", "account.group_account_readonly"]);
/// # Ok::<(), odoo_codegen::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldGroups {
    /// `{model: {field: "module.group_xmlid,..."}}`: every field whose
    /// definition carries `groups=`; a user in any of the groups may read
    /// it. `.` means nobody, `!module.group` everyone but that group's
    /// members.
    pub fields: BTreeMap<String, BTreeMap<String, String>>,
    /// Every group's xml id and database id (informative).
    pub groups: BTreeMap<String, Value>,
    /// Some users' group ids (informative).
    pub user_groups: BTreeMap<String, Value>,
    /// Keys this crate does not know, kept as they were.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The file it was read from, for error messages.
    #[serde(skip)]
    path: Option<PathBuf>,
}

impl FieldGroups {
    /// Read a field-groups file.
    ///
    /// # Errors
    ///
    /// [`Error::ReadFieldGroups`] when the file cannot be read,
    /// [`Error::ParseFieldGroups`] when it is not of the field-groups shape
    /// (with the line, the column and the model and field at fault).
    pub fn from_path(path: impl AsRef<Path>) -> Result<FieldGroups, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFieldGroups {
            path: path.to_owned(),
            source,
        })?;
        let mut groups = FieldGroups::from_json_in(&text, Some(path))?;
        groups.path = Some(path.to_owned());
        Ok(groups)
    }

    /// Parse a field-groups file's JSON text.
    ///
    /// # Errors
    ///
    /// [`Error::ParseFieldGroups`] when it is not of the field-groups shape.
    pub fn from_json(text: &str) -> Result<FieldGroups, Error> {
        FieldGroups::from_json_in(text, None)
    }

    fn from_json_in(text: &str, path: Option<&Path>) -> Result<FieldGroups, Error> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let groups: FieldGroups = serde_path_to_error::deserialize(de).map_err(|e| {
            let at = e.path().to_string();
            let inner = e.into_inner();
            Error::ParseFieldGroups {
                path: path.map(Path::to_owned),
                line: inner.line(),
                column: inner.column(),
                message: if at.is_empty() || at == "." {
                    inner.to_string()
                } else {
                    format!("at {at}: {inner}")
                },
            }
        })?;
        for (model, fields) in &groups.fields {
            for (field, list) in fields {
                if list.split(',').all(|g| g.trim().is_empty()) {
                    return Err(Error::ParseFieldGroups {
                        path: path.map(Path::to_owned),
                        line: 0,
                        column: 0,
                        message: format!(
                            "{model}.{field} has no groups (\"{list}\"); list the xml ids of the groups that may read it, e.g. \"base.group_user\", or leave the field out"
                        ),
                    });
                }
            }
        }
        Ok(groups)
    }

    /// The file it was read from, when read from one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// How many restricted fields the file lists.
    pub fn field_count(&self) -> usize {
        self.fields.values().map(BTreeMap::len).sum()
    }
}

impl Schema {
    /// Give each field that `groups` lists its groups (xml ids), replacing
    /// what the schema had; returns how many fields were restricted.
    ///
    /// Models the schema does not have are skipped (a schema of a few
    /// models takes the file of the whole database); a field the schema's
    /// model does not have is an error, since the two files then describe
    /// different databases.
    ///
    /// # Errors
    ///
    /// [`Error::FieldGroupsMismatch`] naming the file, the model and the
    /// field (and the closest field name) when a listed field is unknown.
    pub fn merge_field_groups(&mut self, groups: &FieldGroups) -> Result<usize, Error> {
        let mut merged = 0;
        for (model_name, fields) in &groups.fields {
            let Some(model) = self.models.iter_mut().find(|m| &m.model == model_name) else {
                continue;
            };
            for (field_name, list) in fields {
                let suggestion = || {
                    crate::error::closest(field_name, model.fields.iter().map(|f| f.name.as_str()))
                };
                let Some(index) = model.fields.iter().position(|f| &f.name == field_name) else {
                    return Err(Error::FieldGroupsMismatch {
                        path: groups.path.clone(),
                        model: model_name.clone(),
                        field: field_name.clone(),
                        suggestion: suggestion(),
                    });
                };
                let names: Vec<Value> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(|g| Value::String(g.to_owned()))
                    .collect();
                model.fields[index].groups = Value::Array(names);
                merged += 1;
            }
        }
        Ok(merged)
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
