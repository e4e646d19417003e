//! A dataset from the user's own files: the schema they dumped from their
//! server with `odoo-codegen dump` (custom `x_` models and fields included)
//! and a directory of their records in the `demo/` format (one
//! `<model>.json` per model, a JSON array of records as `search_read`
//! returns them). Either is laid over the embedded dataset of the Odoo
//! version the schema was dumped from: a model whose table the directory
//! lacks keeps the embedded demo records (users, groups, companies,
//! countries...), a model it has gets exactly the user's rows.
//!
//! Every row of the user's files is checked against the schema before the
//! server starts, and an error names the file, the row and the field.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::data::{DataError, Dataset, Inputs, Text, embedded_inputs, gunzip, load};
use crate::store::{FieldMeta, Record, Schema, Store, as_id};

/// Where a dataset's schema and records come from: the embedded ones of an
/// Odoo version, or the user's files laid over them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DataSource {
    /// The Odoo version to imitate; `None` takes the schema file's
    /// (`server_version_info`), else 18.
    pub version: Option<u32>,
    /// A schema file written by `odoo-codegen dump` (`.json`, or `.json.gz`).
    pub schema: Option<PathBuf>,
    /// A directory of `<model>.json` tables in the `demo/` format.
    pub data: Option<PathBuf>,
}

/// Parsed user datasets, by source and the files' sizes and times: a test
/// suite that starts a hundred servers over the same files parses them once.
type Cache = Mutex<
    HashMap<
        (
            DataSource,
            Vec<(PathBuf, u64, Option<std::time::SystemTime>)>,
        ),
        Arc<Dataset>,
    >,
>;

static CACHE: OnceLock<Cache> = OnceLock::new();

/// The dataset of `source`, parsed on first use (again when a file changed).
///
/// # Errors
/// [`DataError::Unreadable`] for a file or directory that cannot be read;
/// [`DataError::Malformed`] naming the file and the place for anything the
/// loader cannot take (bad JSON, a model or field the schema lacks, a value
/// of the wrong type); [`DataError::UnsupportedVersion`] for a version other
/// than 16-19.
pub fn load_source(source: &DataSource) -> Result<Arc<Dataset>, DataError> {
    let stamps = stamps(source)?;
    let key = (source.clone(), stamps);
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(found) = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&key)
    {
        return Ok(found.clone());
    }
    let dataset = Arc::new(load(inputs(source)?)?);
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(key, dataset.clone());
    Ok(dataset)
}

fn unreadable(path: &Path, e: &std::io::Error) -> DataError {
    DataError::Unreadable {
        file: path.display().to_string(),
        message: e.to_string(),
    }
}

fn malformed(file: &str, place: impl Into<String>, message: impl Into<String>) -> DataError {
    DataError::Malformed {
        file: file.to_string(),
        place: place.into(),
        message: message.into(),
    }
}

/// The `<model>.json` files of a data directory, sorted.
fn tables(dir: &Path) -> Result<Vec<PathBuf>, DataError> {
    let entries = std::fs::read_dir(dir).map_err(|e| unreadable(dir, &e))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| unreadable(dir, &e))?.path();
        if path.extension().is_some_and(|x| x == "json") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(malformed(
            &dir.display().to_string(),
            "directory",
            "no <model>.json table in it (the demo/ format: one JSON array of records per model)",
        ));
    }
    Ok(files)
}

fn stamps(
    source: &DataSource,
) -> Result<Vec<(PathBuf, u64, Option<std::time::SystemTime>)>, DataError> {
    let mut files: Vec<PathBuf> = source.schema.iter().cloned().collect();
    if let Some(dir) = &source.data {
        files.extend(tables(dir)?);
    }
    files
        .into_iter()
        .map(|f| {
            let meta = std::fs::metadata(&f).map_err(|e| unreadable(&f, &e))?;
            Ok((f, meta.len(), meta.modified().ok()))
        })
        .collect()
}

fn read(path: &Path) -> Result<Text, DataError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, &e))?;
    let text = if path.extension().is_some_and(|x| x == "gz") {
        gunzip(&name, &bytes)?
    } else {
        String::from_utf8(bytes).map_err(|e| {
            malformed(
                &name,
                format!("byte {}", e.utf8_error().valid_up_to()),
                "not UTF-8 text",
            )
        })?
    };
    Ok(Text {
        name,
        text: text.into(),
    })
}

/// The Odoo version a schema file was dumped from (`server_version_info[0]`).
fn schema_version(schema: &Text) -> Result<Option<u32>, DataError> {
    #[derive(serde::Deserialize)]
    struct Header {
        server_version_info: Option<Vec<Value>>,
    }
    let header: Header = serde_json::from_str(&schema.text).map_err(|e| {
        malformed(
            &schema.name,
            format!("line {} column {}", e.line(), e.column()),
            e.to_string(),
        )
    })?;
    let Some(info) = header.server_version_info else {
        return Ok(None);
    };
    match info.first().and_then(Value::as_u64) {
        Some(v) => Ok(Some(u32::try_from(v).unwrap_or(u32::MAX))),
        None => Err(malformed(
            &schema.name,
            "server_version_info",
            "expected a list starting with the major version, e.g. [18, 0, 0, \"final\", 0, \"\"]",
        )),
    }
}

fn inputs(source: &DataSource) -> Result<Inputs, DataError> {
    let schema = source.schema.as_deref().map(read).transpose()?;
    let dumped = schema.as_ref().map(schema_version).transpose()?.flatten();
    let version = match (source.version, dumped) {
        (Some(asked), Some(dumped)) if asked != dumped => {
            return Err(malformed(
                &schema.map(|s| s.name).unwrap_or_default(),
                "server_version_info",
                format!(
                    "the schema was dumped from Odoo {dumped}, but the server was asked to imitate Odoo {asked}"
                ),
            ));
        }
        (Some(v), _) | (None, Some(v)) => v,
        (None, None) => crate::data::DEFAULT_VERSION,
    };
    let mut inputs = embedded_inputs(version).map_err(|e| match (&e, &schema) {
        (DataError::UnsupportedVersion(v), Some(schema)) if dumped == Some(*v) => malformed(
            &schema.name,
            "server_version_info",
            format!("Odoo {v} is not a version odoo-mock imitates (16, 17, 18, 19)"),
        ),
        _ => e,
    })?;
    if let Some(schema) = schema {
        inputs.schema = schema;
        // Captured answers and ids belong to the embedded schema only.
        inputs.fields_get.clear();
        inputs.field_ids = None;
    }
    if let Some(dir) = &source.data {
        let mut own = BTreeSet::new();
        let mut demo = Vec::new();
        for file in tables(dir)? {
            let model = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            own.insert(model.clone());
            demo.push((model, read(&file)?));
        }
        inputs.demo.retain(|(model, _)| !own.contains(model));
        inputs.demo.extend(demo);
        inputs.own = own;
    }
    Ok(inputs)
}

/// Check a user's table against the schema: the model exists, and every
/// field of every row is one of its fields with a value of its type.
pub(crate) fn check_rows(
    schema: &Schema,
    schema_name: &str,
    model: &str,
    file: &str,
    rows: &[Record],
) -> Result<(), DataError> {
    let Some(meta) = schema.model(model) else {
        return Err(malformed(
            file,
            "file name",
            format!(
                "the schema {schema_name} has no model {model} (a table is named <model>.json)"
            ),
        ));
    };
    for (i, row) in rows.iter().enumerate() {
        for (name, value) in row {
            if name == "id" {
                continue;
            }
            let Some(field) = meta.field(name) else {
                return Err(malformed(
                    file,
                    format!("[{i}].{name}"),
                    format!("{model} has no field {name} in the schema {schema_name}"),
                ));
            };
            if let Err(expected) = check_value(field, value) {
                return Err(malformed(
                    file,
                    format!("[{i}].{name}"),
                    format!(
                        "{model}.{name} is {} {} field: expected {expected}, got {value}",
                        if field.ttype.starts_with(['a', 'e', 'i', 'o', 'u']) {
                            "an"
                        } else {
                            "a"
                        },
                        field.ttype
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// `Err(what was expected)` when `value` is not a wire value of `field`'s type.
fn check_value(field: &FieldMeta, value: &Value) -> Result<(), String> {
    let empty = matches!(value, Value::Bool(false) | Value::Null);
    let ok = match field.ttype.as_str() {
        "many2one" => {
            empty
                || as_id(value).is_some()
                || matches!(value, Value::Array(p) if p.len() == 2 && as_id(&p[0]).is_some() && p[1].is_string())
        }
        "one2many" | "many2many" => {
            matches!(value, Value::Array(ids) if ids.iter().all(|v| as_id(v).is_some()))
        }
        "integer" => value.as_i64().is_some(),
        "float" | "monetary" => value.is_number(),
        "boolean" => value.is_boolean(),
        "date" => empty || value.as_str().is_some_and(is_date),
        "datetime" => {
            empty
                || value.as_str().is_some_and(|s| {
                    s.len() == 19
                        && is_date(&s[..10])
                        && chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").is_ok()
                })
        }
        "selection" if !field.selection.is_empty() => {
            empty
                || value
                    .as_str()
                    .is_some_and(|s| field.selection.iter().any(|(v, _)| v == s))
        }
        "char" | "text" | "html" | "selection" | "binary" => empty || value.is_string(),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    Err(match field.ttype.as_str() {
        "many2one" => "false, an id or [id, display name]".into(),
        "one2many" | "many2many" => "a list of ids".into(),
        "integer" => "an integer".into(),
        "float" | "monetary" => "a number".into(),
        "boolean" => "true or false".into(),
        "date" => "\"YYYY-MM-DD\" or false".into(),
        "datetime" => "\"YYYY-MM-DD HH:MM:SS\" (UTC) or false".into(),
        "selection" => format!(
            "one of {} or false",
            field
                .selection
                .iter()
                .map(|(v, _)| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => "a string or false".into(),
    })
}

fn is_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// The group xml ids (`base.group_user`, ...) of the embedded dataset,
/// moved to the user's own `res.groups` rows: a group is the same when its
/// `full_name` (else `name`) is. Access rules name groups by xml id, so
/// they follow; an xml id whose group the user's table lacks is dropped.
pub(crate) fn match_groups(
    xml_ids: HashMap<String, (String, i64)>,
    inputs: &Inputs,
    store: &Store,
) -> Result<HashMap<String, (String, i64)>, DataError> {
    let label = |r: &Record| {
        r.get("full_name")
            .or_else(|| r.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    // The embedded groups, from the version's parsed dataset (cached).
    let embedded_names: HashMap<i64, String> = crate::data::dataset(inputs.version)?
        .store
        .tables
        .get("res.groups")
        .map(|t| {
            t.records
                .iter()
                .filter_map(|(id, r)| Some((*id, label(r)?)))
                .collect()
        })
        .unwrap_or_default();
    let own: HashMap<String, i64> = store
        .tables
        .get("res.groups")
        .map(|t| {
            t.records
                .iter()
                .filter_map(|(id, r)| Some((label(r)?, *id)))
                .collect()
        })
        .unwrap_or_default();
    Ok(xml_ids
        .into_iter()
        .filter_map(|(xml_id, (model, id))| {
            let name = embedded_names.get(&id)?;
            Some((xml_id, (model, *own.get(name)?)))
        })
        .collect())
}
