//! The in-memory database: model and field metadata (from the schema) and the
//! records of every model, with values kept in their stored form (many2one as
//! a bare id or `false`, x2many as id lists, everything else as on the wire).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value};

/// One record: field name -> stored value.
pub type Record = Map<String, Value>;

/// Metadata of one field, from the schema's `ir.model.fields` export.
#[derive(Debug, Clone)]
pub struct FieldMeta {
    /// Technical name.
    pub name: String,
    /// Odoo field type (`char`, `many2one`, ...).
    pub ttype: String,
    /// Target model of a relational field.
    pub relation: Option<String>,
    /// Inverse many2one of a one2many.
    pub relation_field: Option<String>,
    /// Label.
    pub string: String,
    /// Help text.
    pub help: Option<String>,
    /// Required at the ORM level.
    pub required: bool,
    /// Readonly in the UI.
    pub readonly: bool,
    /// Stored in the database.
    pub store: bool,
    /// Searchable: stored or with a search method (the schema's
    /// `selectable`, `fields_get`'s `searchable`; true when the schema
    /// does not say).
    pub selectable: bool,
    /// Computed (non-stored or stored).
    pub computed: bool,
    /// Static selection values `(value, label)`.
    pub selection: Vec<(String, String)>,
    /// The attributes of the schema entry the server reads (`related`,
    /// `groups`, `depends`, ...; the whole entry is the `ir.model.fields`
    /// row).
    pub raw: Map<String, Value>,
}

impl FieldMeta {
    /// Is this a one2many or many2many?
    pub fn is_x2many(&self) -> bool {
        self.ttype == "one2many" || self.ttype == "many2many"
    }

    /// The value an empty field reads as (what `read` gives for a field with
    /// no value, as recorded in `full_rows.json` of every version: `[]` for
    /// x2many and properties, `0` / `0.0` for numbers, `false` otherwise;
    /// a `many2one_reference` is an integer field in Odoo).
    pub fn empty_value(&self) -> Value {
        match self.ttype.as_str() {
            "one2many" | "many2many" | "properties" => Value::Array(vec![]),
            "integer" | "many2one_reference" => Value::from(0),
            "float" | "monetary" => Value::from(0.0),
            _ => Value::Bool(false),
        }
    }
}

/// Metadata of one model.
#[derive(Debug, Clone)]
pub struct ModelMeta {
    /// Technical name, e.g. `sale.order`.
    pub model: String,
    /// Description, e.g. `Sales Order`.
    pub description: String,
    /// Default order (`_order`).
    pub order: String,
    /// Fields by name.
    pub fields: BTreeMap<String, FieldMeta>,
    /// The schema entry without its fields.
    pub raw: Map<String, Value>,
}

impl ModelMeta {
    /// A field by name.
    pub fn field(&self, name: &str) -> Option<&FieldMeta> {
        self.fields.get(name)
    }
}

/// The schema: every known model.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// The Odoo major version the schema was dumped from (16-19; 0 when unknown).
    pub version: u32,
    /// Models by name.
    pub models: BTreeMap<String, Arc<ModelMeta>>,
    /// `fields_get` answers captured from a real server, used as-is.
    pub fields_get: HashMap<String, Map<String, Value>>,
    /// Display names of records known only by reference (`[id, name]` pairs).
    pub ref_names: HashMap<(String, i64), String>,
}

impl Schema {
    /// A model by name.
    pub fn model(&self, name: &str) -> Option<&Arc<ModelMeta>> {
        self.models.get(name)
    }
}

/// The records of one model.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Records by id.
    /// Shared between copies of the store until one of them changes it
    /// ([`Table::records_mut`]): a server starts without copying the
    /// 6,707 `ir.model.fields` rows it will never write.
    pub records: Arc<BTreeMap<i64, Record>>,
    /// Next id to hand out.
    pub next_id: i64,
    /// Whether the table holds real data (not only stubs for references).
    pub loaded: bool,
}

impl Table {
    /// Insert a record with the next id; returns the id.
    pub fn insert(&mut self, mut rec: Record) -> i64 {
        let id = self
            .next_id
            .max(self.records.keys().next_back().map_or(1, |k| k + 1));
        self.next_id = id + 1;
        rec.insert("id".into(), Value::from(id));
        self.records_mut().insert(id, rec);
        id
    }

    /// The records, to change (copied first if another store shares them).
    pub fn records_mut(&mut self) -> &mut BTreeMap<i64, Record> {
        Arc::make_mut(&mut self.records)
    }
}

/// All records of one database.
#[derive(Debug, Clone, Default)]
pub struct Store {
    /// Tables by model name.
    pub tables: HashMap<String, Table>,
    /// Records known by xml id (`base.group_system` -> `("res.groups", 4)`),
    /// what Odoo's `env.ref` finds; shared, never written.
    pub xml_ids: Arc<HashMap<String, (String, i64)>>,
    /// Who points at whom, by (model, many2one field), built when first
    /// asked, kept up to date by [`Store::insert`], [`Store::record_mut`]
    /// and [`Store::remove`], and forgotten for a model by
    /// [`Store::table_mut`]: reading the lines of 2,000 orders must not scan
    /// every line 2,000 times, nor creating 20,000 partners.
    referrers: ReferrerIndex,
    /// The values of a (model, field) in id order, built when a search
    /// first tests the field and kept up to date as the referrer index is:
    /// a search over 20,000 records walks one array per field instead of
    /// looking into each record's own map of a hundred keys.
    columns: ColumnIndex,
}

/// The stored values of one field of one model, `(record id, value)` in
/// ascending id order (a record without the field has no entry): a search
/// walks it in step with the table, reading memory in order.
pub type Column = Vec<(i64, Value)>;

/// `(model, field)` -> target id -> the ids pointing at it, ascending.
type Referrers = HashMap<i64, Vec<i64>>;

type ReferrerIndex = FieldIndex<Referrers>;
type ColumnIndex = FieldIndex<Column>;

/// Something derived from one field of every record of a model (who points
/// at whom, the column of values), by `(model, field)`: built when first
/// asked, changed in place as records change, forgotten for a model whose
/// table is handed out whole ([`Store::table_mut`]).
#[derive(Debug)]
struct FieldIndex<T>(std::sync::Mutex<HashMap<(String, String), Arc<T>>>);

impl<T> Default for FieldIndex<T> {
    fn default() -> Self {
        FieldIndex(std::sync::Mutex::default())
    }
}

/// A copy of a store starts with no index.
impl<T> Clone for FieldIndex<T> {
    fn clone(&self) -> Self {
        FieldIndex::default()
    }
}

impl<T: Clone> FieldIndex<T> {
    fn entries(&mut self) -> &mut HashMap<(String, String), Arc<T>> {
        self.0
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The entry of `(model, field)`, built by `build` when missing.
    fn get_or_build(&self, model: &str, field: &str, build: impl FnOnce() -> T) -> Arc<T> {
        let mut entries = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = (model.to_string(), field.to_string());
        entries
            .entry(key)
            .or_insert_with(|| Arc::new(build()))
            .clone()
    }

    /// Forget what was derived from `model` (its records may have changed).
    fn forget(&mut self, model: &str) {
        self.entries().retain(|(m, _), _| m != model);
    }

    /// The fields of `model` with an entry.
    fn fields_of(&mut self, model: &str) -> Vec<String> {
        self.entries()
            .keys()
            .filter(|(m, _)| m == model)
            .map(|(_, f)| f.clone())
            .collect()
    }

    /// The entry of `(model, field)` to change, if built.
    fn entry_mut(&mut self, model: &str, field: &str) -> Option<&mut T> {
        let key = (model.to_string(), field.to_string());
        self.entries().get_mut(&key).map(Arc::make_mut)
    }
}

impl ReferrerIndex {
    /// Record `id` of `model` now points at `to` (was `from`) through `field`.
    fn moved(&mut self, model: &str, field: &str, id: i64, from: Option<i64>, to: Option<i64>) {
        let Some(by_target) = self.entry_mut(model, field) else {
            return;
        };
        if let Some(from) = from {
            if let Some(ids) = by_target.get_mut(&from) {
                ids.retain(|i| *i != id);
            }
        }
        if let Some(to) = to {
            let ids = by_target.entry(to).or_default();
            if let Err(at) = ids.binary_search(&id) {
                ids.insert(at, id);
            }
        }
    }
}

impl ColumnIndex {
    /// Record `id` of `model` now holds `value` in `field` (`None`: gone).
    fn set(&mut self, model: &str, field: &str, id: i64, value: Option<&Value>) {
        let Some(column) = self.entry_mut(model, field) else {
            return;
        };
        match (column.binary_search_by_key(&id, |(i, _)| *i), value) {
            (Ok(at), Some(v)) => column[at].1 = v.clone(),
            (Err(at), Some(v)) => column.insert(at, (id, v.clone())),
            (Ok(at), None) => {
                column.remove(at);
            }
            (Err(_), None) => {}
        }
    }
}

/// A record being changed in place ([`Store::record_mut`]): when dropped,
/// it moves the record in the referrer index for each many2one that changed.
#[derive(Debug)]
pub struct RecordMut<'a> {
    record: &'a mut Record,
    index: &'a mut ReferrerIndex,
    columns: &'a mut ColumnIndex,
    model: &'a str,
    id: i64,
    /// Indexed many2one fields and their target before the change.
    before: Vec<(String, Option<i64>)>,
    /// Fields with a column, and their value before the change.
    before_columns: Vec<(String, Option<Value>)>,
}

impl std::ops::Deref for RecordMut<'_> {
    type Target = Record;
    fn deref(&self) -> &Record {
        self.record
    }
}

impl std::ops::DerefMut for RecordMut<'_> {
    fn deref_mut(&mut self) -> &mut Record {
        self.record
    }
}

impl Drop for RecordMut<'_> {
    fn drop(&mut self) {
        for (field, before) in std::mem::take(&mut self.before_columns) {
            let now = self.record.get(&field);
            if now != before.as_ref() {
                self.columns.set(self.model, &field, self.id, now);
            }
        }
        for (field, from) in std::mem::take(&mut self.before) {
            let to = self.record.get(&field).and_then(as_id);
            if to != from {
                self.index.moved(self.model, &field, self.id, from, to);
            }
        }
    }
}

impl Store {
    /// The records of `model` whose many2one `field` points at each id.
    pub fn referrers(&self, model: &str, field: &str) -> Arc<Referrers> {
        self.referrers.get_or_build(model, field, || {
            let mut by_target: Referrers = HashMap::new();
            if let Some(t) = self.tables.get(model) {
                for (id, rec) in t.records.iter() {
                    if let Some(target) = rec.get(field).and_then(as_id) {
                        by_target.entry(target).or_default().push(*id);
                    }
                }
            }
            for ids in by_target.values_mut() {
                ids.sort_unstable();
            }
            by_target
        })
    }

    /// The stored values of `field` of every record of `model`, in id order.
    pub fn column(&self, model: &str, field: &str) -> Arc<Column> {
        self.columns.get_or_build(model, field, || {
            self.tables
                .get(model)
                .map(|t| {
                    t.records
                        .iter()
                        .filter_map(|(id, r)| Some((*id, r.get(field)?.clone())))
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// The id of the record of `model` with this xml id (`env.ref(xml_id).id`).
    pub fn ref_id(&self, model: &str, xml_id: &str) -> Option<i64> {
        self.xml_ids
            .get(xml_id)
            .filter(|(m, _)| m == model)
            .map(|(_, id)| *id)
    }

    /// A record by model and id.
    pub fn get(&self, model: &str, id: i64) -> Option<&Record> {
        self.tables.get(model).and_then(|t| t.records.get(&id))
    }

    /// Does the record exist?
    pub fn exists(&self, model: &str, id: i64) -> bool {
        self.get(model, id).is_some()
    }

    /// One record, to change in place: the referrer index follows its
    /// many2one values (unlike [`Store::table_mut`], which forgets what the
    /// model's records point at).
    pub fn record_mut<'a>(&'a mut self, model: &'a str, id: i64) -> Option<RecordMut<'a>> {
        let fields = self.referrers.fields_of(model);
        let column_fields = self.columns.fields_of(model);
        let record = self.tables.get_mut(model)?.records_mut().get_mut(&id)?;
        let before = fields
            .into_iter()
            .map(|f| {
                let target = record.get(&f).and_then(as_id);
                (f, target)
            })
            .collect();
        let before_columns = column_fields
            .into_iter()
            .map(|f| {
                let value = record.get(&f).cloned();
                (f, value)
            })
            .collect();
        Some(RecordMut {
            record,
            index: &mut self.referrers,
            columns: &mut self.columns,
            model,
            id,
            before,
            before_columns,
        })
    }

    /// Insert a new record of `model` with the next id; returns the id. The
    /// referrer index gains it (a create need not rebuild the index of a
    /// table of 20,000 records).
    pub fn insert(&mut self, model: &str, rec: Record) -> i64 {
        let fields = self.referrers.fields_of(model);
        let table = self
            .tables
            .entry(model.to_string())
            .or_insert_with(|| Table {
                next_id: 1,
                ..Table::default()
            });
        let id = table.insert(rec);
        let targets: Vec<(String, Option<i64>)> = fields
            .into_iter()
            .map(|f| {
                let target = table
                    .records
                    .get(&id)
                    .and_then(|r| r.get(&f))
                    .and_then(as_id);
                (f, target)
            })
            .collect();
        for (field, target) in targets {
            self.referrers.moved(model, &field, id, None, target);
        }
        for field in self.columns.fields_of(model) {
            let value = self
                .tables
                .get(model)
                .and_then(|t| t.records.get(&id))
                .and_then(|r| r.get(&field));
            self.columns.set(model, &field, id, value);
        }
        id
    }

    /// Remove a record of `model`, and it from the referrer index.
    pub fn remove(&mut self, model: &str, id: i64) -> Option<Record> {
        let fields = self.referrers.fields_of(model);
        let removed = self.tables.get_mut(model)?.records_mut().remove(&id)?;
        for field in fields {
            let from = removed.get(&field).and_then(as_id);
            self.referrers.moved(model, &field, id, from, None);
        }
        for field in self.columns.fields_of(model) {
            self.columns.set(model, &field, id, None);
        }
        Some(removed)
    }

    /// The table of a model, created empty when missing. What its records
    /// point at is forgotten from the referrer index (rebuilt when next
    /// asked): prefer [`Store::insert`], [`Store::record_mut`] and
    /// [`Store::remove`], which keep the index.
    pub fn table_mut(&mut self, model: &str) -> &mut Table {
        self.referrers.forget(model);
        self.columns.forget(model);
        self.tables
            .entry(model.to_string())
            .or_insert_with(|| Table {
                next_id: 1,
                ..Table::default()
            })
    }

    /// Ids of the records of `model` whose many2one `field` points at `id`
    /// (the lines of an order, the children of a partner), ascending.
    pub fn referring(&self, model: &str, field: &str, id: i64) -> Vec<i64> {
        self.referrers(model, field)
            .get(&id)
            .cloned()
            .unwrap_or_default()
    }

    /// All ids of a model, ascending.
    pub fn ids(&self, model: &str) -> Vec<i64> {
        self.tables
            .get(model)
            .map(|t| t.records.keys().copied().collect())
            .unwrap_or_default()
    }
}

/// An id from a JSON value (`5`, `5.0`), if it is one.
pub fn as_id(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map(|f| f as i64)
        }),
        _ => None,
    }
}

/// Ids from a stored x2many value.
pub fn as_ids(v: &Value) -> Vec<i64> {
    match v {
        Value::Array(items) => items.iter().filter_map(as_id).collect(),
        _ => vec![],
    }
}

/// Is the stored value empty (`false`, `null`, `""`, `[]`)?
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Python truthiness of a JSON value.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::Bool(true) => true,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(v: Value) -> Record {
        v.as_object().cloned().unwrap_or_default()
    }

    /// The index kept by insert / record_mut / remove equals a fresh build.
    #[test]
    fn the_referrer_index_follows_changes() {
        let mut store = Store::default();
        for parent in [json!(false), json!(1), json!(1), json!(2)] {
            store.insert("res.partner", rec(json!({"parent_id": parent})));
        }
        assert_eq!(store.referring("res.partner", "parent_id", 1), vec![2, 3]);
        let new = store.insert("res.partner", rec(json!({"parent_id": 1})));
        if let Some(mut r) = store.record_mut("res.partner", 2) {
            r.insert("parent_id".into(), json!(2));
        }
        store.remove("res.partner", 3);
        assert_eq!(store.referring("res.partner", "parent_id", 1), vec![new]);
        assert_eq!(store.referring("res.partner", "parent_id", 2), vec![2, 4]);
        let kept = store.referrers("res.partner", "parent_id");
        let mut fresh = store.clone();
        assert_eq!(*fresh.referrers("res.partner", "parent_id"), {
            let mut k = (*kept).clone();
            k.retain(|_, ids| !ids.is_empty());
            k
        });
        // table_mut forgets the model's entries: a change through it is seen.
        if let Some(r) = fresh.table_mut("res.partner").records_mut().get_mut(&1) {
            r.insert("parent_id".into(), json!(2));
        }
        assert_eq!(
            fresh.referring("res.partner", "parent_id", 2),
            vec![1, 2, 4]
        );
    }

    /// Columns follow inserts, in-place changes and removals, and are
    /// forgotten by table_mut: always what a fresh build gives.
    #[test]
    fn columns_follow_changes() {
        let mut store = Store::default();
        for name in ["a", "b", "c"] {
            store.insert("res.partner", rec(json!({"name": name})));
        }
        let built = store.column("res.partner", "name");
        assert_eq!(
            *built,
            vec![(1, json!("a")), (2, json!("b")), (3, json!("c"))]
        );
        store.insert("res.partner", rec(json!({"city": "Lyon"})));
        store.insert("res.partner", rec(json!({"name": "e"})));
        if let Some(mut r) = store.record_mut("res.partner", 2) {
            r.insert("name".into(), json!("B"));
        }
        if let Some(mut r) = store.record_mut("res.partner", 4) {
            r.insert("name".into(), json!("d"));
        }
        store.remove("res.partner", 1);
        let kept = store.column("res.partner", "name");
        assert_eq!(
            *kept,
            vec![
                (2, json!("B")),
                (3, json!("c")),
                (4, json!("d")),
                (5, json!("e"))
            ]
        );
        assert_eq!(*store.clone().column("res.partner", "name"), *kept);
        // The earlier handle is a snapshot; table_mut forgets the column.
        assert_eq!(built.len(), 3);
        if let Some(r) = store.table_mut("res.partner").records_mut().get_mut(&3) {
            r.remove("name");
        }
        assert_eq!(store.column("res.partner", "name").len(), 3);
    }

    /// Copies share their tables until one of them writes: the other never
    /// sees the change.
    #[test]
    fn copies_share_tables_until_written() {
        let mut first = Store::default();
        first.insert("res.partner", rec(json!({"name": "a"})));
        let mut second = first.clone();
        assert!(Arc::ptr_eq(
            &first.tables["res.partner"].records,
            &second.tables["res.partner"].records
        ));
        if let Some(mut r) = second.record_mut("res.partner", 1) {
            r.insert("name".into(), json!("b"));
        }
        second.insert("res.partner", rec(json!({"name": "c"})));
        assert_eq!(
            first.get("res.partner", 1).and_then(|r| r.get("name")),
            Some(&json!("a"))
        );
        assert_eq!(first.ids("res.partner"), vec![1]);
        assert_eq!(
            second.get("res.partner", 1).and_then(|r| r.get("name")),
            Some(&json!("b"))
        );
        assert_eq!(second.ids("res.partner"), vec![1, 2]);
    }
}
