//! Field metadata, as `fields_get` describes it.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::value::Map;

/// One field of a model, from `fields_get`.
///
/// The common attributes are typed; every attribute the server sent,
/// including those of modules the SDK does not know, stays in
/// [`FieldInfo::attributes`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldInfo {
    /// The field type: `char`, `many2one`, `selection`, `monetary`, ...
    pub field_type: String,
    /// The label (`string`).
    pub string: String,
    /// The tooltip, when there is one.
    pub help: Option<String>,
    /// Whether a value is required.
    pub required: bool,
    /// Whether the field is read-only in forms (the ORM still writes it).
    pub readonly: bool,
    /// Whether the value is stored in the database (absent when not asked).
    pub store: Option<bool>,
    /// The target model of a relational field.
    pub relation: Option<String>,
    /// `(value, label)` pairs of a selection field.
    pub selection: Vec<(String, String)>,
    /// Every attribute as the server sent it.
    pub attributes: Map,
}

impl<'de> Deserialize<'de> for FieldInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let attributes = Map::deserialize(deserializer)?;
        let text = |key: &str| {
            attributes
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let flag = |key: &str| attributes.get(key).and_then(Value::as_bool);
        let selection = match attributes.get("selection") {
            Some(Value::Array(pairs)) => pairs
                .iter()
                .map(|pair| match pair.as_array().map(Vec::as_slice) {
                    Some([Value::String(value), label]) => {
                        Ok((value.clone(), label.as_str().unwrap_or_default().to_owned()))
                    }
                    _ => Err(de::Error::custom(format!(
                        "a selection option must be [value, label], got {pair}"
                    ))),
                })
                .collect::<Result<_, _>>()?,
            _ => Vec::new(),
        };
        Ok(FieldInfo {
            field_type: text("type").unwrap_or_default(),
            string: text("string").unwrap_or_default(),
            help: text("help"),
            required: flag("required").unwrap_or(false),
            readonly: flag("readonly").unwrap_or(false),
            store: flag("store"),
            relation: text("relation"),
            selection,
            attributes,
        })
    }
}
