//! The embedded datasets, one per Odoo version the server imitates (16, 17,
//! 18 and 19): each is that version's whole schema, demo records, captured
//! `fields_get` answers, seed records, sequences, group xml ids and session
//! info (see `data/README.md`), loaded into a [`Schema`] and an initial
//! [`Store`] once per process and version, then cloned per server.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

use crate::store::{FieldMeta, ModelMeta, Record, Schema, Store, as_id};

/// The Odoo versions with an embedded dataset.
pub const VERSIONS: [u32; 4] = [16, 17, 18, 19];

/// The version imitated when none is chosen.
pub const DEFAULT_VERSION: u32 = 18;

/// One embedded file: its path under `data/` and its text.
type File = (&'static str, &'static str);

/// The files of one version's dataset.
struct Files {
    version: u32,
    /// The gzip-compressed `schema.json.gz`.
    schema: (&'static str, &'static [u8]),
    /// `(model, file)` of each `demo/<model>.json`.
    demo: &'static [(&'static str, File)],
    /// `(model, file)` of each captured `fields_get/<model>.json`.
    fields_get: &'static [(&'static str, File)],
    /// Real `ir.model.fields` ids, where the version's captures have them.
    field_ids: Option<File>,
    records: File,
    server: File,
}

macro_rules! embed {
    ($dir:literal, $($part:expr),+) => {
        (
            concat!($dir, "/", $($part),+),
            include_str!(concat!("../data/", $dir, "/", $($part),+)),
        )
    };
}

macro_rules! per_model {
    ($dir:literal, $sub:literal, [$($model:literal),* $(,)?]) => {
        &[$(($model, embed!($dir, $sub, "/", $model, ".json"))),*]
    };
}

macro_rules! files {
    ($version:literal, $dir:literal, demo: [$($demo:literal),* $(,)?], fields_get: [$($fg:literal),* $(,)?], field_ids: $ids:tt) => {
        Files {
            version: $version,
            schema: (
                concat!($dir, "/schema.json.gz"),
                include_bytes!(concat!("../data/", $dir, "/schema.json.gz")),
            ),
            demo: per_model!($dir, "demo", [$($demo),*]),
            fields_get: per_model!($dir, "fields_get", [$($fg),*]),
            field_ids: files!(@ids $dir, $ids),
            records: embed!($dir, "records.json"),
            server: embed!($dir, "server.json"),
        }
    };
    (@ids $dir:literal, true) => { Some(embed!($dir, "ir_model_fields_ids.json")) };
    (@ids $dir:literal, false) => { None };
}

const ODOO16: Files = files!(16, "odoo16",
    demo: ["crm.team", "ir.model.access", "ir.rule", "product.category", "product.product",
        "product.template", "res.company", "res.country", "res.country.state", "res.currency",
        "res.groups", "res.partner", "res.users", "sale.order", "sale.order.line",
        "uom.category", "uom.uom"],
    fields_get: ["res.partner", "sale.order"],
    field_ids: true);
const ODOO17: Files = files!(17, "odoo17",
    demo: ["crm.team", "ir.model.access", "ir.rule", "product.category", "product.product",
        "product.template", "res.company", "res.country", "res.country.state", "res.currency",
        "res.groups", "res.partner", "res.users", "sale.order", "sale.order.line",
        "uom.category", "uom.uom"],
    fields_get: ["res.partner", "sale.order"],
    field_ids: true);
const ODOO18: Files = files!(18, "odoo18",
    demo: ["crm.team", "ir.model.access", "ir.rule", "product.category", "product.product",
        "product.template", "res.company", "res.country", "res.country.state", "res.currency",
        "res.groups", "res.partner", "res.users", "sale.order", "sale.order.line",
        "uom.category", "uom.uom"],
    fields_get: ["res.partner", "sale.order"],
    field_ids: true);
const ODOO19: Files = files!(19, "odoo19",
    demo: ["crm.team", "ir.model.access", "ir.rule", "product.category", "product.product",
        "product.template", "res.company", "res.country", "res.country.state", "res.currency",
        "res.groups", "res.partner", "res.users", "sale.order", "sale.order.line", "uom.uom"],
    fields_get: ["sale.order"],
    field_ids: false);

/// Why a dataset cannot be had.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataError {
    /// No dataset for this Odoo version.
    UnsupportedVersion(u32),
    /// A schema file or data directory given to the server cannot be read.
    Unreadable {
        /// The file or directory, as given.
        file: String,
        /// Why (the operating system's message).
        message: String,
    },
    /// A data file (embedded, or a schema file or data directory given to
    /// the server) is not what the loader expects.
    Malformed {
        /// The file, relative to `odoo-mock/data/`.
        file: String,
        /// Where in the file (a JSON path, or the parser's line and column).
        place: String,
        /// What is wrong there.
        message: String,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::UnsupportedVersion(v) => write!(
                f,
                "odoo-mock has no dataset for Odoo {v} (supported: 16, 17, 18, 19)"
            ),
            DataError::Malformed {
                file,
                place,
                message,
            } => write!(f, "odoo-mock data file {file}, at {place}: {message}"),
            DataError::Unreadable { file, message } => {
                write!(f, "odoo-mock cannot read {file}: {message}")
            }
        }
    }
}

impl std::error::Error for DataError {}

fn malformed(file: &str, place: impl Into<String>, message: impl Into<String>) -> DataError {
    DataError::Malformed {
        file: file.to_string(),
        place: place.into(),
        message: message.into(),
    }
}

/// One version's parsed data.
#[derive(Debug)]
pub struct Dataset {
    /// The Odoo major version (16-19).
    pub version: u32,
    /// Models, fields and reference names.
    pub schema: Arc<Schema>,
    /// The initial records (cloned into each server).
    pub store: Store,
    /// The schema file's top-level keys other than `models`.
    pub header: Map<String, Value>,
    /// What `common.version` answers on that version.
    pub version_info: Arc<Value>,
    /// The session info dict of a web login (alice's), filled per user.
    pub session_info: Arc<Value>,
}

/// One data file given to the loader: the name its errors give it, and its text.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    pub(crate) name: String,
    pub(crate) text: std::borrow::Cow<'static, str>,
}

impl Text {
    fn embedded((name, text): File) -> Text {
        Text {
            name: name.to_string(),
            text: std::borrow::Cow::Borrowed(text),
        }
    }

    fn as_file(&self) -> (&str, &str) {
        (&self.name, &self.text)
    }
}

/// Everything one dataset is built from.
#[derive(Debug, Clone)]
pub(crate) struct Inputs {
    pub(crate) version: u32,
    pub(crate) schema: Text,
    /// `(model, file)` of each table in the `demo/` format.
    pub(crate) demo: Vec<(String, Text)>,
    /// `(model, file)` of each captured `fields_get` answer.
    pub(crate) fields_get: Vec<(String, Text)>,
    pub(crate) field_ids: Option<Text>,
    /// Rows the demo export lacks (`records.json`), for the models not in `own`.
    pub(crate) records: Option<Text>,
    pub(crate) server: Text,
    /// Models whose rows come from the user's own files: every field of
    /// their rows is checked against the schema, and no embedded row or
    /// sequence is added to them.
    pub(crate) own: std::collections::BTreeSet<String>,
}

impl Inputs {
    /// The inputs of an embedded dataset (the schema decompressed).
    fn embedded(files: &Files) -> Result<Inputs, DataError> {
        Ok(Inputs {
            version: files.version,
            schema: Text {
                name: files.schema.0.to_string(),
                text: std::borrow::Cow::Owned(gunzip(files.schema.0, files.schema.1)?),
            },
            demo: files
                .demo
                .iter()
                .map(|(m, f)| ((*m).to_string(), Text::embedded(*f)))
                .collect(),
            fields_get: files
                .fields_get
                .iter()
                .map(|(m, f)| ((*m).to_string(), Text::embedded(*f)))
                .collect(),
            field_ids: files.field_ids.map(Text::embedded),
            records: Some(Text::embedded(files.records)),
            server: Text::embedded(files.server),
            own: Default::default(),
        })
    }
}

/// The embedded inputs of Odoo `version` (the base a user's own schema or
/// data is laid over).
pub(crate) fn embedded_inputs(version: u32) -> Result<Inputs, DataError> {
    Inputs::embedded(files_of(version)?)
}

/// Parse the embedded dataset of Odoo `version` anew: what [`dataset`] does
/// once per process, for measuring it (`benches/embedded_server.rs`).
///
/// # Errors
/// As [`dataset`].
pub fn parse_embedded(version: u32) -> Result<Dataset, DataError> {
    Inputs::embedded(files_of(version)?).and_then(load)
}

fn files_of(version: u32) -> Result<&'static Files, DataError> {
    match version {
        16 => Ok(&ODOO16),
        17 => Ok(&ODOO17),
        18 => Ok(&ODOO18),
        19 => Ok(&ODOO19),
        other => Err(DataError::UnsupportedVersion(other)),
    }
}

static DATASETS: [OnceLock<Result<Dataset, DataError>>; 4] = [const { OnceLock::new() }; 4];

/// The dataset of Odoo `version`, parsed on first use.
///
/// # Errors
/// [`DataError::UnsupportedVersion`] for a version other than 16-19;
/// [`DataError::Malformed`] when an embedded file does not load (a build of a
/// broken data tree; the tests load every version).
pub fn dataset(version: u32) -> Result<&'static Dataset, DataError> {
    let files = files_of(version)?;
    let slot = &DATASETS[(version - 16) as usize];
    slot.get_or_init(|| Inputs::embedded(files).and_then(load))
        .as_ref()
        .map_err(Clone::clone)
}

fn parse((path, text): (&str, &str)) -> Result<Value, DataError> {
    serde_json::from_str(text).map_err(|e| {
        malformed(
            path,
            format!("line {} column {}", e.line(), e.column()),
            e.to_string(),
        )
    })
}

/// The text of a gzip-compressed file.
pub(crate) fn gunzip(path: &str, bytes: &[u8]) -> Result<String, DataError> {
    use std::io::Read as _;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| malformed(path, "gzip stream", e.to_string()))?;
    Ok(text)
}

fn object(file: (&str, &str)) -> Result<Map<String, Value>, DataError> {
    match parse(file)? {
        Value::Object(m) => Ok(m),
        _ => Err(malformed(file.0, "top level", "expected a JSON object")),
    }
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
        selectable: raw
            .get("selectable")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        computed: s("compute").is_some() || s("related").is_some(),
        selection,
        raw: raw
            .iter()
            .filter(|(k, _)| READ_ATTRIBUTES.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// Each field's whole schema entry, by (model, field): moved into the
/// `ir.model.fields` rows ([`build_ir_model`]).
type Entries = HashMap<(String, String), Map<String, Value>>;

fn load_schema(inputs: &Inputs) -> Result<(Schema, Map<String, Value>, Entries), DataError> {
    let path = inputs.schema.name.as_str();
    let mut header = object(inputs.schema.as_file())?;
    let models = match header.remove("models") {
        Some(Value::Array(m)) => m,
        _ => return Err(malformed(path, "models", "expected an array of models")),
    };
    let mut schema = Schema {
        version: inputs.version,
        ..Schema::default()
    };
    let mut entries = Entries::new();
    for (i, m) in models.into_iter().enumerate() {
        let Value::Object(mut raw) = m else {
            return Err(malformed(
                path,
                format!("models[{i}]"),
                "expected an object",
            ));
        };
        let fields = match raw.remove("fields") {
            Some(Value::Array(f)) => f,
            _ => {
                return Err(malformed(
                    path,
                    format!("models[{i}].fields"),
                    "expected an array",
                ));
            }
        };
        let mut by_name = BTreeMap::new();
        for (j, f) in fields.into_iter().enumerate() {
            match f {
                Value::Object(fr) if fr.get("name").and_then(Value::as_str).is_some() => {
                    let meta = field_meta(&fr);
                    let model = raw.get("model").and_then(Value::as_str).unwrap_or_default();
                    entries.insert((model.to_string(), meta.name.clone()), fr);
                    by_name.insert(meta.name.clone(), meta);
                }
                _ => {
                    return Err(malformed(
                        path,
                        format!("models[{i}].fields[{j}]"),
                        "expected an object with a name",
                    ));
                }
            }
        }
        let s = |k: &str| raw.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        if s("model").is_empty() {
            return Err(malformed(path, format!("models[{i}]"), "no model name"));
        }
        let meta = ModelMeta {
            model: s("model"),
            description: s("name"),
            order: s("order"),
            fields: by_name,
            raw,
        };
        schema.models.insert(meta.model.clone(), Arc::new(meta));
    }
    for (model, file) in &inputs.fields_get {
        schema
            .fields_get
            .insert(model.clone(), object(file.as_file())?);
    }
    Ok((schema, header, entries))
}

/// The rows of a `demo/`-shaped table: a JSON array of objects with an id.
fn rows(path: &str, place: &str, value: Value) -> Result<Vec<Record>, DataError> {
    let Value::Array(items) = value else {
        return Err(malformed(path, place, "expected an array of records"));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, row)| match row {
            Value::Object(r) if r.get("id").and_then(as_id).is_some() => Ok(r),
            _ => Err(malformed(
                path,
                format!("{place}[{i}]"),
                "expected a record (an object with an integer id)",
            )),
        })
        .collect()
}

pub(crate) fn load(inputs: Inputs) -> Result<Dataset, DataError> {
    let (mut schema, header, mut entries) = load_schema(&inputs)?;
    // (model, rows, whether a row completes an existing record)
    let mut tables: Vec<(String, Vec<Record>, bool)> = Vec::new();
    for (model, file) in &inputs.demo {
        let own = inputs.own.contains(model);
        if !own && !schema.models.contains_key(model) {
            // An embedded table of a model the user's schema lacks.
            continue;
        }
        let rows = rows(&file.name, "top level", parse(file.as_file())?)?;
        if own {
            crate::user_data::check_rows(&schema, &inputs.schema.name, model, &file.name, &rows)?;
        }
        tables.push((model.clone(), rows, false));
    }
    if let Some(records) = &inputs.records {
        for (model, value) in object(records.as_file())? {
            if model.starts_with('_') || inputs.own.contains(&model) {
                continue;
            }
            let place = model.clone();
            tables.push((model, rows(&records.name, &place, value)?, true));
        }
    }
    let mut store = Store::default();
    for (model, rows, completes) in tables {
        let meta = schema.models.get(&model).cloned();
        for row in rows {
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
            match table.records_mut().get_mut(&id) {
                // records.json adds the fields the demo export lacks.
                Some(existing) if completes => {
                    for (k, v) in rec {
                        existing.entry(k).or_insert(v);
                    }
                }
                _ => {
                    table.records_mut().insert(id, rec);
                }
            }
            table.next_id = table.next_id.max(id + 1);
        }
    }
    user_names(&mut store);
    let field_ids = match &inputs.field_ids {
        Some(file) => parse(file.as_file())?,
        None => Value::Null,
    };
    build_ir_model(&mut schema, &mut store, &field_ids, &mut entries);

    let mut server = object(inputs.server.as_file())?;
    let path = inputs.server.name.as_str();
    let version_info = server
        .remove("version_info")
        .filter(Value::is_object)
        .ok_or_else(|| malformed(path, "version_info", "expected an object"))?;
    let session_info = server
        .remove("session_info")
        .filter(Value::is_object)
        .ok_or_else(|| malformed(path, "session_info", "expected an object"))?;
    let Some(Value::Object(sequences)) = server.remove("sequences") else {
        return Err(malformed(path, "sequences", "expected an object"));
    };
    for (model, next) in sequences {
        let next = as_id(&next)
            .ok_or_else(|| malformed(path, format!("sequences.{model}"), "not an id"))?;
        if inputs.own.contains(&model) {
            continue;
        }
        let t = store.table_mut(&model);
        t.next_id = t.next_id.max(next);
    }
    let Some(Value::Object(groups)) = server.remove("groups") else {
        return Err(malformed(path, "groups", "expected an object"));
    };
    let mut xml_ids = HashMap::new();
    for (xml_id, id) in groups {
        let id =
            as_id(&id).ok_or_else(|| malformed(path, format!("groups.{xml_id}"), "not an id"))?;
        xml_ids.insert(xml_id, ("res.groups".to_string(), id));
    }
    if inputs.own.contains("res.groups") {
        xml_ids = crate::user_data::match_groups(xml_ids, &inputs, &store)?;
    }
    store.xml_ids = Arc::new(xml_ids);

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
        table.records_mut().insert(id, rec);
        table.next_id = table.next_id.max(id + 1);
    }
    // Models with no data at all still get an (empty, real) table.
    for model in schema.models.keys() {
        let t = store.table_mut(model);
        if t.records.is_empty() {
            t.loaded = true;
        }
    }
    crate::system::seed(&schema, &header, &mut store);
    Ok(Dataset {
        version: inputs.version,
        schema: Arc::new(schema),
        store,
        header,
        version_info: Arc::new(version_info),
        session_info: Arc::new(session_info),
    })
}

/// `res.users.name` is its partner's name (a related field, not exported on
/// every version): fill it in where the export left it out.
fn user_names(store: &mut Store) {
    let names: Vec<(i64, Value)> = store
        .tables
        .get("res.users")
        .map(|t| {
            t.records
                .iter()
                .filter(|(_, r)| r.get("name").is_none())
                .filter_map(|(id, r)| {
                    let partner = store.get("res.partner", r.get("partner_id").and_then(as_id)?)?;
                    Some((*id, partner.get("name")?.clone()))
                })
                .collect()
        })
        .unwrap_or_default();
    for (id, name) in names {
        if let Some(r) = store.table_mut("res.users").records_mut().get_mut(&id) {
            r.insert("name".into(), name);
        }
    }
}

/// The attributes of a field's schema entry that the server reads from
/// [`FieldMeta::raw`]: the others are typed in `FieldMeta`, or only served
/// from the `ir.model.fields` rows, which get the whole entry. Two full
/// copies of 6,707 fields' 31 attributes were a third of a dataset's memory.
const READ_ATTRIBUTES: [&str; 11] = [
    "related",
    "model",
    "modules",
    "copied",
    "company_dependent",
    "depends",
    "state",
    "domain",
    "translate",
    "currency_field",
    "groups",
];

/// `ir.model`, `ir.model.fields` and `ir.model.fields.selection` rows from the schema.
fn build_ir_model(
    schema: &mut Schema,
    store: &mut Store,
    field_ids: &Value,
    entries: &mut Entries,
) {
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
    // Generated field ids start above every real one.
    let mut next_field_id = field_ids
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(Value::as_object)
        .flat_map(|f| f.values())
        .filter_map(as_id)
        .max()
        .map_or(2001, |m| (m + 1).max(2001));
    let mut sel_id = 1;
    let metas: Vec<Arc<ModelMeta>> = schema.models.values().cloned().collect();

    for meta in metas {
        let mid = model_ids.get(&meta.model).copied().unwrap_or(0);
        let mut rec = meta.raw.clone();
        rec.insert("id".into(), Value::from(mid));
        let t = store.table_mut("ir.model");
        t.loaded = true;
        t.records_mut().insert(mid, rec);
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
            let mut rec = entries
                .remove(&(meta.model.clone(), f.name.clone()))
                .unwrap_or_else(|| f.raw.clone());
            rec.remove("selection");
            rec.insert("id".into(), Value::from(field_id));
            rec.insert("model_id".into(), Value::from(mid));
            let t = store.table_mut("ir.model.fields");
            t.loaded = true;
            t.records_mut().insert(field_id, rec);
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
                t.records_mut().insert(sel_id, s);
                t.next_id = sel_id + 1;
                sel_id += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(text: &str) -> &'static [u8] {
        use std::io::Write as _;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        Vec::leak(e.finish().unwrap())
    }

    fn files(schema: &'static str, users: &'static str) -> Files {
        Files {
            version: 18,
            schema: ("odoo18/schema.json", gzip(schema)),
            demo: &[],
            fields_get: &[],
            field_ids: None,
            records: ("odoo18/records.json", users),
            server: ("odoo18/server.json", "{}"),
        }
    }

    fn err(f: &Files) -> String {
        match Inputs::embedded(f).and_then(load) {
            Ok(_) => panic!("loaded"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_malformed_file_is_named_with_the_place() {
        let e = err(&files("{\"models\": [", "{}"));
        assert!(
            e.starts_with("odoo-mock data file odoo18/schema.json, at line 1 column 12:"),
            "{e}"
        );
        let e = err(&files(
            r#"{"models": [{"model": "x", "fields": [3]}]}"#,
            "{}",
        ));
        assert!(
            e.contains("odoo18/schema.json, at models[0].fields[0]: expected an object"),
            "{e}"
        );
        let e = err(&files(
            r#"{"models": []}"#,
            r#"{"res.users": [{"id": 1}, {"login": "x"}]}"#,
        ));
        assert!(
            e.contains("odoo18/records.json, at res.users[1]: expected a record"),
            "{e}"
        );
        let e = err(&files(r#"{"models": []}"#, "{}"));
        assert!(
            e.contains("odoo18/server.json, at version_info: expected an object"),
            "{e}"
        );
    }

    #[test]
    fn every_embedded_dataset_loads() {
        for v in VERSIONS {
            let data = dataset(v).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(data.version_info["server_version_info"][0], v);
        }
    }
}
