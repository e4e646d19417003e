//! The ORM methods (search, read, create, write, unlink, fields_get, ...) over
//! one store, for one user and context. Transport-agnostic.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::domain::{self, Evaluator, Node};
use crate::faults::{Fault, py_repr};
use crate::rules::{self, Perm, UserInfo};
use crate::store::{FieldMeta, ModelMeta, Record, Schema, Store, as_id, as_ids, is_empty, truthy};

/// Now, as Odoo writes datetimes (UTC, no zone).
pub fn now_string() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// One call's environment: schema, store, user and context.
pub struct Env<'a> {
    /// Models and fields.
    pub schema: &'a Schema,
    /// Records (locked by the caller).
    pub store: &'a mut Store,
    /// The calling user.
    pub user: UserInfo,
    /// The call's context.
    pub context: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha1_matches_the_attachment_fixture() {
        assert_eq!(
            super::sha1_hex(b"Hello, Odoo!\n"),
            "889c74d39f25ee3228747fe97fba28b9732e0920"
        );
    }

    #[test]
    fn html_is_sanitized_as_odoo_stores_plain_text() {
        use super::sanitize_html as s;
        assert_eq!(s("note by alice"), "<p>note by alice</p>");
        assert_eq!(s("fish & chips > 2"), "<p>fish &amp; chips &gt; 2</p>");
        assert_eq!(s("caf&eacute;"), "<p>caf&eacute;</p>");
        assert_eq!(s("a <b>bold</b> word"), "<p>a <b>bold</b> word</p>");
        assert_eq!(s("<p>kept</p>"), "<p>kept</p>");
        assert_eq!(s(""), "");
    }
}

/// A sort key component.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum Key {
    Num(f64),
    Str(String),
}

/// One `order` term: field, descending?
pub type OrderTerm = (String, bool);

impl Env<'_> {
    /// Model metadata or the "doesn't exist" UserError.
    pub fn meta(&self, model: &str) -> Result<Arc<ModelMeta>, Fault> {
        self.schema
            .model(model)
            .cloned()
            .ok_or_else(|| Fault::user_error(format!("Object {model} doesn't exist")))
    }

    /// Allowed companies from the context, checked against the user's.
    pub fn company_ids(&self) -> Vec<i64> {
        match self.context.get("allowed_company_ids") {
            Some(Value::Array(ids)) if !ids.is_empty() => ids.iter().filter_map(as_id).collect(),
            _ => self.user.company_ids.clone(),
        }
    }

    // ------------------------------------------------------------------
    // display names

    /// The display name of a record.
    pub fn display_name(&self, model: &str, id: i64) -> String {
        display_name(self.schema, self.store, model, id)
    }

    fn evaluator<'b>(&'b self, display: &'b dyn Fn(&str, i64) -> String) -> Evaluator<'b> {
        Evaluator {
            schema: self.schema,
            store: self.store,
            display,
        }
    }

    // ------------------------------------------------------------------
    // search

    /// Parse an `order` specification.
    pub fn parse_order(&self, meta: &ModelMeta, order: &str) -> Result<Vec<OrderTerm>, Fault> {
        let invalid = || {
            Fault::user_error(format!(
                "Invalid \"order\" specified ({order}). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)"
            ))
        };
        let mut out = Vec::new();
        for term in order.split(',') {
            let words: Vec<&str> = term.split_whitespace().collect();
            if words.is_empty() {
                if order.trim().is_empty() {
                    continue;
                }
                return Err(invalid());
            }
            let name = words[0];
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == ':')
            {
                return Err(invalid());
            }
            let desc = match words.get(1).map(|w| w.to_lowercase()) {
                None => false,
                Some(w) if w == "asc" => false,
                Some(w) if w == "desc" => true,
                Some(_) => return Err(invalid()),
            };
            match words.len() {
                1 | 2 => {}
                4 if words[2].eq_ignore_ascii_case("nulls")
                    && (words[3].eq_ignore_ascii_case("first")
                        || words[3].eq_ignore_ascii_case("last")) => {}
                _ => return Err(invalid()),
            }
            let field = name.split(['.', ':']).next().unwrap_or(name);
            if field != "id" && meta.field(field).is_none() {
                return Err(Fault::value_error(format!(
                    "Invalid field {} on model {}",
                    py_repr(&Value::String(field.into())),
                    py_repr(&Value::String(meta.model.clone()))
                )));
            }
            out.push((field.to_string(), desc));
        }
        Ok(out)
    }

    fn sort_key(&self, meta: &ModelMeta, rec: &Record, field: &str) -> Option<Key> {
        if field == "id" {
            return rec.get("id").and_then(as_id).map(|i| Key::Num(i as f64));
        }
        let f = meta.field(field)?;
        // A related field not stored on the record sorts by its path's end
        // (product.product's default order names the template's fields).
        let related;
        let v = match rec.get(field) {
            Some(v) => v,
            None if f.raw.get("related").is_some_and(Value::is_string) => {
                related = self.related_value(f, rec, false)?;
                &related
            }
            None => return None,
        };
        if f.ttype == "many2one" {
            let id = as_id(v)?;
            let rel = f.relation.as_deref()?;
            return Some(Key::Str(self.display_name(rel, id).to_lowercase()));
        }
        match v {
            Value::Number(n) => n.as_f64().map(Key::Num),
            Value::Bool(b) if f.ttype == "boolean" => Some(Key::Num(if *b { 1.0 } else { 0.0 })),
            Value::String(s) if !s.is_empty() => Some(Key::Str(s.to_lowercase())),
            _ => None,
        }
    }

    /// Sort ids of `model` by `order` (or the model's default order).
    pub fn sort_ids(
        &self,
        meta: &ModelMeta,
        ids: &mut [i64],
        order: Option<&str>,
    ) -> Result<(), Fault> {
        let mut terms = match order {
            Some(o) if !o.trim().is_empty() => self.parse_order(meta, o)?,
            _ => self.parse_order(meta, &meta.order).unwrap_or_default(),
        };
        if !terms.iter().any(|(f, _)| f == "id") {
            terms.push(("id".into(), false));
        }
        let table = self.store.tables.get(&meta.model);
        let empty = Record::new();
        let mut keyed: Vec<(Vec<Option<Key>>, i64)> = ids
            .iter()
            .map(|id| {
                let rec = table.and_then(|t| t.records.get(id)).unwrap_or(&empty);
                let keys = terms
                    .iter()
                    .map(|(f, _)| self.sort_key(meta, rec, f))
                    .collect();
                (keys, *id)
            })
            .collect();
        keyed.sort_by(|a, b| {
            for (i, (_, desc)) in terms.iter().enumerate() {
                let o = match (&a.0[i], &b.0[i]) {
                    (None, None) => Ordering::Equal,
                    // PostgreSQL: NULLs sort last ascending, first descending
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(x), Some(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
                };
                let o = if *desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        for (slot, (_, id)) in ids.iter_mut().zip(keyed) {
            *slot = id;
        }
        Ok(())
    }

    fn active_test(&self) -> bool {
        self.context.get("active_test").is_none_or(truthy)
    }

    /// Ids of `model` matching `domain` (ACL, active_test and record rules applied), unsorted.
    pub fn filter(&self, model: &str, domain: &Value, perm: Perm) -> Result<Vec<i64>, Fault> {
        let meta = self.meta(model)?;
        let node = domain::parse(self.schema, model, domain)?;
        crate::field_access::check_domain(self, model, &node)?;
        let active =
            meta.field("active").is_some() && self.active_test() && !node.mentions("active");
        let rule = rules::rule_domain(
            self.schema,
            self.store,
            &self.user,
            model,
            perm,
            &self.company_ids(),
        );
        let display = |m: &str, id: i64| display_name(self.schema, self.store, m, id);
        let ev = self.evaluator(&display);
        let Some(table) = self.store.tables.get(model) else {
            return Ok(vec![]);
        };
        let (rule, node) = (ev.compile(model, &rule), ev.compile(model, &node));
        let active = active.then(|| self.store.column(model, "active"));
        let cursor = std::cell::Cell::new(0);
        Ok(table
            .records
            .iter()
            .filter(|(id, _)| {
                active
                    .as_ref()
                    .is_none_or(|a| domain::column_value(a, &cursor, **id).is_none_or(truthy))
            })
            .filter(|(id, r)| {
                ev.matches_compiled(model, **id, r, &rule)
                    && ev.matches_compiled(model, **id, r, &node)
            })
            .map(|(id, _)| *id)
            .collect())
    }

    /// `search`: ids, ordered, with offset and limit.
    pub fn search(
        &self,
        model: &str,
        domain: &Value,
        offset: i64,
        limit: Option<i64>,
        order: Option<&str>,
    ) -> Result<Vec<i64>, Fault> {
        rules::check_model_access(self.schema, self.store, &self.user, model, Perm::Read)?;
        let meta = self.meta(model)?;
        if let Some(o) = order {
            self.parse_order(&meta, o)?;
        }
        if let Some(l) = limit.filter(|l| *l < 0) {
            let _ = l;
            return Err(Fault::new(
                "psycopg2.errors.InvalidRowCountInLimitClause",
                "LIMIT must not be negative\n",
            ));
        }
        let mut ids = self.filter(model, domain, Perm::Read)?;
        crate::field_access::check_order(self, model, order)?;
        self.sort_ids(&meta, &mut ids, order)?;
        let start = usize::try_from(offset.max(0)).unwrap_or(0).min(ids.len());
        let mut ids = ids.split_off(start);
        if let Some(l) = limit.filter(|l| *l > 0) {
            ids.truncate(usize::try_from(l).unwrap_or(usize::MAX));
        }
        Ok(ids)
    }

    // ------------------------------------------------------------------
    // read

    /// Check that every field name exists.
    pub fn check_fields(&self, meta: &ModelMeta, fields: &[String]) -> Result<(), Fault> {
        for f in fields {
            if f != "id" && meta.field(f).is_none() {
                return Err(Fault::value_error(format!(
                    "Invalid field {} on model {}",
                    py_repr(&Value::String(f.clone())),
                    py_repr(&Value::String(meta.model.clone()))
                )));
            }
        }
        Ok(())
    }

    /// Existing ids among `ids`, in order, without duplicates.
    pub fn existing(&self, model: &str, ids: &[i64]) -> Vec<i64> {
        let mut seen = HashSet::new();
        ids.iter()
            .copied()
            .filter(|id| self.store.exists(model, *id) && seen.insert(*id))
            .collect()
    }

    /// Raise the record-rule AccessError if any of `ids` is outside the rules for `perm`.
    pub fn check_rules(
        &self,
        model: &str,
        ids: &[i64],
        perm: Perm,
        report: Perm,
    ) -> Result<(), Fault> {
        if self.user.is_superuser() {
            return Ok(());
        }
        let rule = rules::rule_domain(
            self.schema,
            self.store,
            &self.user,
            model,
            perm,
            &self.company_ids(),
        );
        if rule == Node::True {
            return Ok(());
        }
        let display = |m: &str, id: i64| display_name(self.schema, self.store, m, id);
        let ev = self.evaluator(&display);
        for id in ids {
            if let Some(r) = self.store.get(model, *id) {
                if !ev.matches(model, r, &rule) {
                    return Err(rules::rule_error(self.schema, &self.user, model, report));
                }
            }
        }
        Ok(())
    }

    /// Ids of a one2many, computed from the inverse many2one, in the comodel's order.
    pub fn one2many_ids(&self, meta: &ModelMeta, rec: &Record, field: &str) -> Value {
        let Some(f) = meta.field(field) else {
            return json!([]);
        };
        if let (Some(rel), Some(inv)) = (&f.relation, &f.relation_field) {
            if let (Some(t), Some(cm)) = (
                self.store.tables.get(rel).filter(|t| t.loaded),
                self.schema.model(rel),
            ) {
                let id = rec.get("id").and_then(as_id).unwrap_or(0);
                let check_active = cm.field("active").is_some() && self.active_test();
                let referrers = self.store.referrers(rel, inv);
                let mut ids: Vec<i64> = referrers
                    .get(&id)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .copied()
                    .filter(|i| {
                        !check_active
                            || t.records
                                .get(i)
                                .is_none_or(|r| r.get("active").is_none_or(truthy))
                    })
                    .collect();
                let _ = self.sort_ids(cm, &mut ids, None);
                return json!(ids);
            }
        }
        match rec.get(field) {
            Some(Value::Array(a)) => Value::Array(a.clone()),
            _ => json!([]),
        }
    }

    /// The wire value of one field of one record.
    pub fn field_value(&self, meta: &ModelMeta, rec: &Record, field: &str, classic: bool) -> Value {
        let id = rec.get("id").and_then(as_id).unwrap_or(0);
        if field == "id" {
            return json!(id);
        }
        if field == "display_name" {
            return json!(self.display_name(&meta.model, id));
        }
        let Some(f) = meta.field(field) else {
            return rec.get(field).cloned().unwrap_or(Value::Bool(false));
        };
        if meta.model == "res.partner" && !f.store {
            if let Some(v) = self.partner_computed(rec, field, classic) {
                return v;
            }
        }
        if !f.store && rec.get(field).is_none() {
            if let Some(v) = self.related_value(f, rec, classic) {
                return v;
            }
        }
        match f.ttype.as_str() {
            "one2many" => self.one2many_ids(meta, rec, field),
            "many2many" => {
                let ids = as_ids(rec.get(field).unwrap_or(&Value::Null));
                let rel = f.relation.as_deref().unwrap_or("");
                match self
                    .store
                    .tables
                    .get(rel)
                    .filter(|t| t.loaded && !t.records.is_empty())
                {
                    Some(t) => json!(
                        ids.into_iter()
                            .filter(|i| t.records.contains_key(i))
                            .collect::<Vec<_>>()
                    ),
                    None => json!(ids),
                }
            }
            "many2one" => match rec.get(field).and_then(as_id) {
                Some(rid) if classic => {
                    let rel = f.relation.as_deref().unwrap_or("");
                    json!([rid, self.display_name(rel, rid)])
                }
                Some(rid) => json!(rid),
                None => Value::Bool(false),
            },
            "binary" => {
                let mut v = rec.get(field).cloned().unwrap_or(Value::Bool(false));
                // 17+ store a generated avatar in a new user's partner; 16
                // does not (its `image_*` stay empty: alice and bob were
                // created as users). Demo partners carry uploaded pictures,
                // for which the SVG stands in.
                let users_partner = || {
                    self.store.tables.get("res.users").is_some_and(|users| {
                        users.records.iter().any(|(uid, user)| {
                            *uid > 2 && user.get("partner_id").and_then(as_id) == Some(id)
                        })
                    })
                };
                let generated = field.starts_with("avatar_")
                    || (field.starts_with("image_")
                        && (crate::version::of(self.schema.version).stores_generated_avatar
                            || !users_partner()));
                if !truthy(&v) && meta.model == "res.partner" && generated {
                    let name = rec.get("name").and_then(Value::as_str).unwrap_or("");
                    v = json!(avatar_svg(name, id));
                }
                if self.context.get("bin_size").is_some_and(truthy) {
                    if let Some(s) = v.as_str() {
                        let len = decode_base64(s).map_or(s.len(), |b| b.len());
                        v = json!(human_size(len));
                    }
                }
                v
            }
            _ => match rec.get(field) {
                None | Some(Value::Null) => f.empty_value(),
                Some(v) => v.clone(),
            },
        }
    }

    /// A non-stored related field (`related: "product_tmpl_id.name"`): the
    /// value at the end of the path, as Odoo computes it on read.
    fn related_value(&self, f: &FieldMeta, rec: &Record, classic: bool) -> Option<Value> {
        let path = f.raw.get("related").and_then(Value::as_str)?;
        let (first, rest) = match path.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (path, None),
        };
        let model = f.raw.get("model").and_then(Value::as_str)?;
        let meta = self.meta(model).ok()?;
        let step = meta.field(first)?;
        let Some(rest) = rest else {
            return Some(self.field_value(&meta, rec, first, classic));
        };
        if step.ttype != "many2one" {
            return None;
        }
        let target_model = step.relation.as_deref()?;
        let Some(target_id) = rec.get(first).and_then(as_id) else {
            return Some(f.empty_value());
        };
        let target = self.store.get(target_model, target_id)?;
        let target_meta = self.meta(target_model).ok()?;
        let (next, _) = rest.split_once('.').unwrap_or((rest, ""));
        let next_field = target_meta.field(next)?;
        if rest.contains('.') {
            // Deeper paths go through the next many2one the same way.
            let synthetic = FieldMeta {
                raw: {
                    let mut raw = next_field.raw.clone();
                    raw.insert("related".into(), Value::String(rest.to_owned()));
                    raw.insert("model".into(), Value::String(target_model.to_owned()));
                    raw
                },
                store: false,
                ..next_field.clone()
            };
            return self.related_value(&synthetic, target, classic);
        }
        Some(self.field_value(&target_meta, target, rest, classic))
    }

    /// Non-stored computed fields of res.partner that clients commonly read.
    fn partner_computed(&self, rec: &Record, field: &str, classic: bool) -> Option<Value> {
        let id = rec.get("id").and_then(as_id).unwrap_or(0);
        let s = |k: &str| rec.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let country = rec
            .get("country_id")
            .and_then(as_id)
            .and_then(|c| self.store.get("res.country", c));
        let cs = |k: &str| {
            country
                .and_then(|c| c.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let address_lines = || {
            let state = rec
                .get("state_id")
                .and_then(as_id)
                .and_then(|st| self.store.get("res.country.state", st))
                .and_then(|st| st.get("code"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let mut lines = Vec::new();
            let parent = rec
                .get("parent_id")
                .and_then(as_id)
                .and_then(|p| self.store.get("res.partner", p))
                .and_then(|p| p.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            for l in [parent, s("street"), s("street2")] {
                if !l.is_empty() {
                    lines.push(l);
                }
            }
            let city: Vec<String> = [s("city"), state, s("zip")]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect();
            if !city.is_empty() {
                lines.push(city.join(" "));
            }
            if !cs("name").is_empty() {
                lines.push(cs("name"));
            }
            lines
        };
        let text = |t: String| {
            if t.is_empty() {
                Value::Bool(false)
            } else {
                json!(t)
            }
        };
        Some(match field {
            "country_code" => text(cs("code")),
            "fiscal_country_codes" => json!("US"),
            "email_formatted" => {
                let email = s("email");
                if email.is_empty() {
                    Value::Bool(false)
                } else {
                    json!(format!("\"{}\" <{email}>", s("name")))
                }
            }
            "company_type" => json!(if rec.get("is_company").is_some_and(truthy) {
                "company"
            } else {
                "person"
            }),
            "contact_address" => json!(address_lines().join("\n")),
            "contact_address_inline" => json!(address_lines().join(", ")),
            "self" => {
                if classic {
                    json!([id, self.display_name("res.partner", id)])
                } else {
                    json!(id)
                }
            }
            "im_status" => json!("offline"),
            "partner_vat_placeholder" => json!("/ if not applicable"),
            "currency_id" => {
                if classic {
                    json!([1, self.display_name("res.currency", 1)])
                } else {
                    json!(1)
                }
            }
            "tz_offset" => json!(match s("tz").as_str() {
                "Europe/Brussels" | "Europe/Paris" | "Europe/Berlin" | "Europe/Amsterdam" =>
                    "+0100",
                "America/New_York" => "-0500",
                "Asia/Tokyo" => "+0900",
                _ => "+0000",
            }),
            _ => return None,
        })
    }

    /// `read`: rows for existing ids; record rules enforced.
    pub fn read(
        &self,
        model: &str,
        ids: &[i64],
        fields: Option<&[String]>,
        classic: bool,
    ) -> Result<Vec<Value>, Fault> {
        let meta = self.meta(model)?;
        if let Some(fs) = fields {
            crate::field_access::check(self, model, fs, crate::field_access::Operation::Read)?;
            self.check_fields(&meta, fs)?;
        }
        rules::check_model_access(self.schema, self.store, &self.user, model, Perm::Read)?;
        let ids = self.existing(model, ids);
        self.check_rules(model, &ids, Perm::Read, Perm::Read)?;
        let names: Vec<String> = match fields {
            Some(fs) if !fs.is_empty() => fs.iter().filter(|f| *f != "id").cloned().collect(),
            // No field list: every field the user may read.
            _ => meta
                .fields
                .keys()
                .filter(|f| *f != "id" && crate::field_access::allowed(self, model, f))
                .cloned()
                .collect(),
        };
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(rec) = self.store.get(model, id) else {
                continue;
            };
            let mut row = Map::new();
            row.insert("id".into(), json!(id));
            for f in &names {
                row.insert(f.clone(), self.field_value(&meta, rec, f, classic));
            }
            rows.push(Value::Object(row));
        }
        Ok(rows)
    }

    // ------------------------------------------------------------------
    // create / write / unlink

    fn fk_error(&self, meta: &ModelMeta, field: &str) -> Fault {
        Fault::validation_error(format!(
            "The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: {} ({})\nConstraint: {}_{}_fkey\n",
            meta.description,
            meta.model,
            meta.model.replace('.', "_"),
            field
        ))
    }

    fn mandatory_error(&self, meta: &ModelMeta, field: &str) -> Fault {
        let label = meta.field(field).map_or(field, |f| f.string.as_str());
        Fault::validation_error(format!(
            "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: {} ({})\nField: {label} ({field})\n",
            meta.description, meta.model
        ))
    }

    /// Convert one incoming scalar/many2one value to its stored form, validating it.
    fn convert_value(&self, meta: &ModelMeta, field: &str, v: &Value) -> Result<Value, Fault> {
        let Some(f) = meta.field(field) else {
            return Ok(v.clone());
        };
        match f.ttype.as_str() {
            "many2one" => {
                if !truthy(v) {
                    return Ok(Value::Bool(false));
                }
                let id = match v {
                    Value::String(s) => {
                        return Err(Fault::new(
                            "psycopg2.errors.InvalidTextRepresentation",
                            format!("invalid input syntax for type integer: \"{s}\"\n"),
                        ));
                    }
                    Value::Array(a) => a.first().and_then(as_id),
                    v => as_id(v),
                };
                let Some(id) = id else {
                    return Err(Fault::new(
                        "psycopg2.ProgrammingError",
                        format!("can't adapt type '{}'", py_type(v)),
                    ));
                };
                let rel = f.relation.as_deref().unwrap_or("");
                match self.store.tables.get(rel) {
                    Some(t) if t.records.contains_key(&id) => Ok(json!(id)),
                    Some(t) if t.loaded && !t.records.is_empty() => {
                        Err(Fault::missing_error(rel, &[id], self.user.uid))
                    }
                    Some(_) => Err(self.fk_error(meta, field)),
                    None => Ok(json!(id)),
                }
            }
            "selection" => {
                if !truthy(v) {
                    return Ok(Value::Bool(false));
                }
                if !f.selection.is_empty() {
                    let ok = v
                        .as_str()
                        .is_some_and(|s| f.selection.iter().any(|(k, _)| k == s));
                    if !ok {
                        return Err(Fault::value_error(format!(
                            "Wrong value for {}.{}: {}",
                            meta.model,
                            field,
                            py_repr(v)
                        )));
                    }
                }
                Ok(v.clone())
            }
            "integer" => Ok(match v {
                Value::Bool(false) | Value::Null => json!(0),
                Value::Number(n) => json!(n.as_f64().map_or(0, |f| f as i64)),
                v => v.clone(),
            }),
            "float" | "monetary" => Ok(match v {
                Value::Bool(false) | Value::Null => json!(0.0),
                Value::Number(n) => json!(n.as_f64().unwrap_or(0.0)),
                v => v.clone(),
            }),
            "boolean" => Ok(Value::Bool(truthy(v))),
            "html" => Ok(match v {
                Value::String(s) => Value::String(sanitize_html(s)),
                Value::Null => Value::Bool(false),
                v => v.clone(),
            }),
            "binary" => {
                if field.starts_with("image_") && truthy(v) {
                    if let Some(s) = v.as_str() {
                        if !looks_like_image(s) {
                            return Err(Fault::user_error(
                                "This file could not be decoded as an image file.",
                            ));
                        }
                    }
                }
                Ok(if v.is_null() {
                    Value::Bool(false)
                } else {
                    v.clone()
                })
            }
            _ => Ok(if v.is_null() {
                Value::Bool(false)
            } else {
                v.clone()
            }),
        }
    }

    /// Default values for a new record of `model`.
    fn defaults(&self, meta: &ModelMeta, vals: &Map<String, Value>) -> Map<String, Value> {
        let mut d = Map::new();
        let now = now_string();
        let uid = self.user.uid;
        let company = crate::defaults::current_company(self);
        let has = |f: &str| meta.field(f).is_some();
        if meta.field("active").is_some_and(|f| f.ttype == "boolean") {
            d.insert("active".into(), json!(true));
        }
        // Only where Odoo defaults it (see `defaults::company_default`).
        if crate::defaults::company_default(meta) {
            d.insert("company_id".into(), json!(company));
        }
        // The company's currency (USD is 1 on 17-19, 2 on 16).
        let currency = self
            .store
            .get("res.company", company)
            .and_then(|c| c.get("currency_id"))
            .and_then(as_id)
            .unwrap_or(1);
        if meta
            .field("currency_id")
            .is_some_and(|f| f.required && f.store && f.ttype == "many2one")
        {
            d.insert("currency_id".into(), json!(currency));
        }
        match meta.model.as_str() {
            "sale.order" => {
                d.insert("state".into(), json!("draft"));
                d.insert("date_order".into(), json!(now));
                d.insert("user_id".into(), json!(uid));
                d.insert("currency_id".into(), json!(currency));
                if meta.field("pricelist_id").is_some_and(|f| f.required) {
                    // 16 requires a pricelist: the demo's public one.
                    d.insert("pricelist_id".into(), json!(1));
                }
                d.insert("team_id".into(), json!(1));
                d.insert("invoice_status".into(), json!("no"));
                d.insert("require_signature".into(), json!(true));
                d.insert("require_payment".into(), json!(true));
                d.insert("prepayment_percent".into(), json!(1.0));
                d.insert("currency_rate".into(), json!(1.0));
                d.insert("locked".into(), json!(false));
                let validity = (chrono::Utc::now() + chrono::Duration::days(30))
                    .format("%Y-%m-%d")
                    .to_string();
                d.insert("validity_date".into(), json!(validity));
                let next = self
                    .store
                    .tables
                    .get("sale.order")
                    .map(|t| {
                        t.next_id
                            .max(t.records.keys().next_back().copied().unwrap_or(0) + 1)
                    })
                    .unwrap_or(1);
                d.insert("name".into(), json!(format!("S{next:05}")));
                if let Some(p) = vals.get("partner_id").filter(|v| truthy(v)) {
                    d.insert("partner_invoice_id".into(), p.clone());
                    d.insert("partner_shipping_id".into(), p.clone());
                }
            }
            "sale.order.line" => {
                d.insert("product_uom_qty".into(), json!(1.0));
                d.insert("discount".into(), json!(0.0));
                d.insert("sequence".into(), json!(10));
                d.insert("customer_lead".into(), json!(0.0));
                d.insert("display_type".into(), json!(false));
                d.insert("currency_id".into(), json!(currency));
                d.insert("invoice_status".into(), json!("no"));
                d.insert("qty_delivered_method".into(), json!("manual"));
                if let Some(pid) = vals.get("product_id").and_then(as_id) {
                    let tmpl = self
                        .store
                        .get("product.product", pid)
                        .and_then(|p| p.get("product_tmpl_id"))
                        .and_then(as_id)
                        .and_then(|t| self.store.get("product.template", t));
                    let mut name = self.display_name("product.product", pid);
                    if let Some(t) = tmpl {
                        if let Some(desc) = t.get("description_sale").and_then(Value::as_str) {
                            if !desc.is_empty() {
                                name = format!("{name}\n{desc}");
                            }
                        }
                        d.insert(
                            "price_unit".into(),
                            t.get("list_price").cloned().unwrap_or(json!(0.0)),
                        );
                        d.insert(
                            "technical_price_unit".into(),
                            t.get("list_price").cloned().unwrap_or(json!(0.0)),
                        );
                        if let Some(u) = t.get("uom_id").filter(|v| truthy(v)) {
                            d.insert("product_uom".into(), u.clone());
                        }
                        d.insert(
                            "tax_id".into(),
                            t.get("taxes_id").cloned().unwrap_or(json!([])),
                        );
                    }
                    d.insert("name".into(), json!(name));
                }
                if let Some(oid) = vals.get("order_id").and_then(as_id) {
                    if let Some(o) = self.store.get("sale.order", oid) {
                        for (src, dst) in [
                            ("user_id", "salesman_id"),
                            ("partner_id", "order_partner_id"),
                            ("state", "state"),
                        ] {
                            if let Some(v) = o.get(src) {
                                d.insert(dst.into(), v.clone());
                            }
                        }
                    }
                }
            }
            "ir.attachment" => {
                d.insert("type".into(), json!("binary"));
                if let Some(b) = vals
                    .get("datas")
                    .and_then(Value::as_str)
                    .and_then(decode_base64)
                {
                    d.insert("file_size".into(), json!(b.len()));
                    d.insert("checksum".into(), json!(sha1_hex(&b)));
                }
            }
            "res.partner" => {
                d.insert("type".into(), json!("contact"));
                d.insert("is_company".into(), json!(false));
                d.insert("lang".into(), json!("en_US"));
                d.insert("customer_rank".into(), json!(0));
                d.insert("supplier_rank".into(), json!(0));
                d.insert("color".into(), json!(0));
                d.insert("partner_share".into(), json!(true));
                d.insert("employee".into(), json!(false));
            }
            _ => crate::defaults::model_defaults(self, meta, vals, &mut d),
        }
        if has("create_uid") {
            d.insert("create_uid".into(), json!(uid));
            d.insert("write_uid".into(), json!(uid));
        }
        if has("create_date") {
            d.insert("create_date".into(), json!(now));
            d.insert("write_date".into(), json!(now));
        }
        for (k, v) in &self.context {
            if let Some(f) = k.strip_prefix("default_") {
                if has(f) {
                    d.insert(f.to_string(), v.clone());
                }
            }
        }
        d
    }

    /// `default_get(fields_list)`: only fields that have a default.
    pub fn default_get(&self, model: &str, fields: &[String]) -> Result<Value, Fault> {
        let meta = self.meta(model)?;
        let mut d = self.defaults(&meta, &Map::new());
        for k in ["create_uid", "write_uid", "create_date", "write_date"] {
            d.remove(k);
        }
        if model == "sale.order" {
            for k in [
                "user_id",
                "currency_id",
                "validity_date",
                "name",
                "team_id",
                "invoice_status",
                "require_signature",
                "require_payment",
                "prepayment_percent",
                "currency_rate",
                "locked",
            ] {
                if !self.context.contains_key(&format!("default_{k}")) {
                    d.remove(k);
                }
            }
        }
        for k in crate::defaults::computed_on_create(model) {
            if !self.context.contains_key(&format!("default_{k}")) {
                d.remove(*k);
            }
        }
        if let Some(name) = crate::defaults::name_default(model) {
            if !self.context.contains_key("default_name") {
                d.insert("name".into(), name);
            }
        }
        let out: Map<String, Value> = d.into_iter().filter(|(k, _)| fields.contains(k)).collect();
        Ok(Value::Object(out))
    }

    /// `create` of one record; returns its id.
    pub fn create_one(&mut self, model: &str, vals: &Map<String, Value>) -> Result<i64, Fault> {
        let meta = self.meta(model)?;
        rules::check_model_access(self.schema, self.store, &self.user, model, Perm::Create)?;
        let mut rec = Record::new();
        let mut x2many = Vec::new();
        let defaults = self.defaults(&meta, vals);
        for (k, v) in defaults
            .iter()
            .chain(vals.iter().filter(|(k, _)| !defaults.contains_key(*k)))
        {
            let v = vals.get(k).unwrap_or(v);
            let Some(f) = meta.field(k) else { continue };
            if k == "id" || k == "display_name" {
                continue;
            }
            if f.is_x2many() {
                x2many.push((k.clone(), v.clone()));
                continue;
            }
            rec.insert(k.clone(), self.convert_value(&meta, k, v)?);
        }
        crate::defaults::before_insert(self, &meta, &mut rec)?;
        // required many2one fields
        for (name, f) in &meta.fields {
            if f.required
                && f.ttype == "many2one"
                && f.store
                && rec.get(name).is_none_or(|v| !truthy(v))
            {
                return Err(self.mandatory_error(&meta, name));
            }
        }
        if model == "res.partner" {
            let contact = rec.get("type").and_then(Value::as_str).unwrap_or("contact") == "contact";
            if contact && rec.get("name").is_none_or(|v| !truthy(v)) {
                return Err(Fault::validation_error(
                    "The operation cannot be completed: Contacts require a name",
                ));
            }
        }
        let id = self.store.insert(model, rec);
        for (field, cmds) in x2many {
            self.apply_x2many(&meta, id, &field, &cmds)?;
        }
        self.after_change(model, id, &vals.keys().cloned().collect::<Vec<_>>());
        Ok(id)
    }

    /// `write` of vals on existing ids (checks done by the caller).
    pub fn write_vals(
        &mut self,
        model: &str,
        ids: &[i64],
        vals: &Map<String, Value>,
    ) -> Result<(), Fault> {
        let meta = self.meta(model)?;
        let names: Vec<String> = vals.keys().cloned().collect();
        self.check_fields(&meta, &names)?;
        let mut converted = Map::new();
        let mut x2many = Vec::new();
        for (k, v) in vals {
            let Some(f) = meta.field(k) else { continue };
            if k == "id" || k == "display_name" {
                continue;
            }
            if f.is_x2many() {
                x2many.push((k.clone(), v.clone()));
            } else {
                converted.insert(k.clone(), self.convert_value(&meta, k, v)?);
            }
        }
        if let Some(parent) = converted.get("parent_id").and_then(as_id) {
            if meta.field("parent_id").and_then(|f| f.relation.as_deref()) == Some(model) {
                for id in ids {
                    if self.is_ancestor_or_self(model, *id, parent) {
                        let label = if model == "res.partner" {
                            "You cannot create recursive Partner hierarchies.".to_string()
                        } else {
                            "Recursion Detected.".to_string()
                        };
                        return Err(Fault::validation_error(label));
                    }
                }
            }
        }
        let now = now_string();
        let uid = self.user.uid;
        for id in ids {
            let has_wd = meta.field("write_date").is_some();
            if let Some(mut rec) = self.store.record_mut(model, *id) {
                for (k, v) in &converted {
                    rec.insert(k.clone(), v.clone());
                }
                if has_wd {
                    rec.insert("write_date".into(), json!(now));
                    rec.insert("write_uid".into(), json!(uid));
                }
            }
            for (field, cmds) in &x2many {
                self.apply_x2many(&meta, *id, field, cmds)?;
            }
            self.after_change(model, *id, &names);
        }
        Ok(())
    }

    fn is_ancestor_or_self(&self, model: &str, id: i64, candidate: i64) -> bool {
        // would setting parent(id) = candidate create a cycle? i.e. is id an ancestor-or-self of candidate
        let mut cur = Some(candidate);
        let mut guard = 0;
        while let Some(c) = cur {
            if c == id {
                return true;
            }
            guard += 1;
            if guard > 10_000 {
                return true;
            }
            cur = self
                .store
                .get(model, c)
                .and_then(|r| r.get("parent_id"))
                .and_then(as_id);
        }
        false
    }

    /// Apply x2many commands to field `field` of record `id`.
    fn apply_x2many(
        &mut self,
        meta: &ModelMeta,
        id: i64,
        field: &str,
        value: &Value,
    ) -> Result<(), Fault> {
        let Some(f) = meta.field(field).cloned() else {
            return Ok(());
        };
        let rel = f.relation.clone().unwrap_or_default();
        let o2m_inverse = if f.ttype == "one2many" {
            f.relation_field.clone()
        } else {
            None
        };
        let commands: Vec<Value> = match value {
            Value::Array(items) => {
                if items.iter().any(Value::is_object) {
                    return Err(Fault::type_error("unhashable type: 'dict'"));
                }
                if !items.is_empty() && items.iter().all(|i| as_id(i).is_some()) {
                    vec![json!([6, 0, items])]
                } else {
                    items.clone()
                }
            }
            v if !truthy(v) => vec![json!([5])],
            _ => return Ok(()),
        };
        let inverse_required = o2m_inverse
            .as_ref()
            .and_then(|inv| self.schema.model(&rel).and_then(|m| m.field(inv)))
            .is_some_and(|f| f.required);
        for cmd in commands {
            let Value::Array(c) = cmd else { continue };
            let code = c.first().and_then(as_id).unwrap_or(-1);
            let target = c.get(1).and_then(as_id).unwrap_or(0);
            let current: Vec<i64> = match &o2m_inverse {
                Some(inv) => self.store.referring(&rel, inv, id),
                None => as_ids(
                    self.store
                        .get(&meta.model, id)
                        .and_then(|r| r.get(field))
                        .unwrap_or(&Value::Null),
                ),
            };
            let mut new_m2m: Option<Vec<i64>> = None;
            match code {
                0 => {
                    let mut vals = match c.get(2) {
                        Some(Value::Object(m)) => m.clone(),
                        _ => Map::new(),
                    };
                    if let Some(inv) = &o2m_inverse {
                        vals.insert(inv.clone(), json!(id));
                    }
                    let new_id = self.create_one(&rel, &vals)?;
                    if o2m_inverse.is_none() {
                        let mut ids = current.clone();
                        ids.push(new_id);
                        new_m2m = Some(ids);
                    }
                }
                1 => {
                    if let Some(Value::Object(vals)) = c.get(2) {
                        if !self.store.exists(&rel, target) {
                            return Err(Fault::missing_error(&rel, &[target], self.user.uid));
                        }
                        let vals = vals.clone();
                        self.write_vals(&rel, &[target], &vals)?;
                    }
                }
                2 => {
                    self.delete_records(&rel, &[target]);
                    if o2m_inverse.is_none() {
                        new_m2m = Some(current.iter().copied().filter(|i| *i != target).collect());
                    }
                }
                3 => match &o2m_inverse {
                    Some(inv) => self.detach(&rel, inv, &[target], inverse_required),
                    None => {
                        new_m2m = Some(current.iter().copied().filter(|i| *i != target).collect())
                    }
                },
                4 => match &o2m_inverse {
                    Some(inv) => {
                        if let Some(mut r) = self.store.record_mut(&rel, target) {
                            r.insert(inv.clone(), json!(id));
                        }
                    }
                    None => {
                        let mut ids = current.clone();
                        if !ids.contains(&target) {
                            ids.push(target);
                        }
                        new_m2m = Some(ids);
                    }
                },
                5 => match &o2m_inverse {
                    Some(inv) => self.detach(&rel, inv, &current, inverse_required),
                    None => new_m2m = Some(vec![]),
                },
                6 => {
                    let ids = c.get(2).map(as_ids).unwrap_or_default();
                    match &o2m_inverse {
                        Some(inv) => {
                            let gone: Vec<i64> = current
                                .iter()
                                .copied()
                                .filter(|i| !ids.contains(i))
                                .collect();
                            self.detach(&rel, inv, &gone, inverse_required);
                            for t in &ids {
                                if let Some(mut r) = self.store.record_mut(&rel, *t) {
                                    r.insert(inv.clone(), json!(id));
                                }
                            }
                        }
                        None => {
                            let mut dedup = Vec::new();
                            for i in ids {
                                if !dedup.contains(&i) {
                                    dedup.push(i);
                                }
                            }
                            new_m2m = Some(dedup);
                        }
                    }
                }
                _ => {}
            }
            if let Some(ids) = new_m2m {
                if let Some(mut r) = self.store.record_mut(&meta.model, id) {
                    r.insert(field.to_string(), json!(ids));
                }
            }
        }
        Ok(())
    }

    fn detach(&mut self, model: &str, inverse: &str, ids: &[i64], delete: bool) {
        if delete {
            self.delete_records(model, ids);
        } else {
            for id in ids {
                if let Some(mut r) = self.store.record_mut(model, *id) {
                    r.insert(inverse.to_string(), Value::Bool(false));
                }
            }
        }
    }

    /// Delete records (no checks), cascading to one2many children with a required inverse.
    pub fn delete_records(&mut self, model: &str, ids: &[i64]) {
        let Some(meta) = self.schema.model(model).cloned() else {
            return;
        };
        let mut touched_orders = BTreeSet::new();
        for id in ids {
            if model == "sale.order.line" {
                if let Some(o) = self
                    .store
                    .get(model, *id)
                    .and_then(|r| r.get("order_id"))
                    .and_then(as_id)
                {
                    touched_orders.insert(o);
                }
            }
            self.store.remove(model, *id);
        }
        for f in meta.fields.values() {
            if f.ttype != "one2many" {
                continue;
            }
            let (Some(rel), Some(inv)) = (&f.relation, &f.relation_field) else {
                continue;
            };
            let required = self
                .schema
                .model(rel)
                .and_then(|m| m.field(inv))
                .is_some_and(|f| f.required);
            let children: Vec<i64> = self
                .store
                .tables
                .get(rel)
                .map(|t| {
                    t.records
                        .iter()
                        .filter(|(_, r)| {
                            r.get(inv).and_then(as_id).is_some_and(|p| ids.contains(&p))
                        })
                        .map(|(i, _)| *i)
                        .collect()
                })
                .unwrap_or_default();
            if !children.is_empty() {
                let (rel, inv) = (rel.clone(), inv.clone());
                self.detach(&rel, &inv, &children, required);
            }
        }
        for o in touched_orders {
            self.recompute_order(o);
        }
    }

    /// Recompute derived values after a change.
    fn after_change(&mut self, model: &str, id: i64, changed: &[String]) {
        match model {
            "res.partner" => {
                if changed
                    .iter()
                    .any(|c| c == "name" || c == "parent_id" || c == "type")
                    || changed.is_empty()
                {
                    self.recompute_partner_name(id);
                    let children = self.store.referring("res.partner", "parent_id", id);
                    for c in children {
                        self.recompute_partner_name(c);
                    }
                }
                if let Some(mut r) = self.store.record_mut("res.partner", id) {
                    if r.get("email").and_then(Value::as_str).is_some() {
                        let e = r
                            .get("email")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_lowercase();
                        r.insert("email_normalized".into(), json!(e));
                    }
                    if r.get("commercial_partner_id").is_none_or(|v| !truthy(v)) {
                        r.insert("commercial_partner_id".into(), json!(id));
                    }
                }
            }
            "sale.order.line"
                if changed.iter().any(|c| {
                    matches!(
                        c.as_str(),
                        "product_uom_qty"
                            | "price_unit"
                            | "discount"
                            | "tax_id"
                            | "product_id"
                            | "order_id"
                    )
                }) =>
            {
                self.recompute_line(id);
                let order = self
                    .store
                    .get(model, id)
                    .and_then(|r| r.get("order_id"))
                    .and_then(as_id);
                if let Some(o) = order {
                    self.recompute_order(o);
                }
            }
            "sale.order" => {
                if changed.iter().any(|c| c == "order_line") {
                    self.recompute_order(id);
                }
                if changed
                    .iter()
                    .any(|c| c == "user_id" || c == "partner_id" || c == "state")
                {
                    let o = self.store.get(model, id).cloned().unwrap_or_default();
                    let lines = self.store.referring("sale.order.line", "order_id", id);
                    for l in lines {
                        if let Some(mut r) = self.store.record_mut("sale.order.line", l) {
                            for (src, dst) in [
                                ("user_id", "salesman_id"),
                                ("partner_id", "order_partner_id"),
                                ("state", "state"),
                            ] {
                                if let Some(v) = o.get(src) {
                                    r.insert(dst.into(), v.clone());
                                }
                            }
                        }
                    }
                }
            }
            _ => crate::defaults::after_change(self, model, id, changed),
        }
    }

    fn recompute_partner_name(&mut self, id: i64) {
        let Some(rec) = self.store.get("res.partner", id) else {
            return;
        };
        let name = rec
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let parent = rec.get("parent_id").and_then(as_id);
        let is_company = rec.get("is_company").is_some_and(truthy);
        let complete = match parent {
            Some(p) if !is_company => {
                let pname = self
                    .store
                    .get("res.partner", p)
                    .and_then(|r| r.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if name.is_empty() {
                    pname
                } else {
                    format!("{pname}, {name}")
                }
            }
            _ => name,
        };
        if let Some(mut r) = self.store.record_mut("res.partner", id) {
            r.insert("complete_name".into(), json!(complete));
        }
    }

    fn tax_rate(&self, tax_ids: &[i64]) -> f64 {
        tax_ids
            .iter()
            .filter_map(|t| self.store.get("account.tax", *t))
            .map(|t| t.get("amount").and_then(Value::as_f64).unwrap_or(0.0) / 100.0)
            .sum()
    }

    fn recompute_line(&mut self, id: i64) {
        let Some(r) = self.store.get("sale.order.line", id) else {
            return;
        };
        let qty = r
            .get("product_uom_qty")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        let price = r.get("price_unit").and_then(Value::as_f64).unwrap_or(0.0);
        let discount = r.get("discount").and_then(Value::as_f64).unwrap_or(0.0);
        let taxes = as_ids(r.get("tax_id").unwrap_or(&Value::Null));
        let rate = self.tax_rate(&taxes);
        let reduce = round2(price * (1.0 - discount / 100.0));
        let subtotal = round2(qty * price * (1.0 - discount / 100.0));
        let tax = round2(subtotal * rate);
        if let Some(mut r) = self.store.record_mut("sale.order.line", id) {
            r.insert("price_subtotal".into(), json!(subtotal));
            r.insert("price_tax".into(), json!(tax));
            r.insert("price_total".into(), json!(round2(subtotal + tax)));
            r.insert("price_reduce_taxexcl".into(), json!(reduce));
            r.insert(
                "price_reduce_taxinc".into(),
                json!(round2(reduce * (1.0 + rate))),
            );
            r.insert("untaxed_amount_to_invoice".into(), json!(0.0));
        }
    }

    fn recompute_order(&mut self, id: i64) {
        let (mut untaxed, mut tax) = (0.0, 0.0);
        if let Some(t) = self.store.tables.get("sale.order.line") {
            for r in t
                .records
                .values()
                .filter(|r| r.get("order_id").and_then(as_id) == Some(id))
            {
                untaxed += r
                    .get("price_subtotal")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0);
                tax += r.get("price_tax").and_then(Value::as_f64).unwrap_or(0.0);
            }
        }
        if let Some(mut r) = self.store.record_mut("sale.order", id) {
            r.insert("amount_untaxed".into(), json!(round2(untaxed)));
            r.insert("amount_tax".into(), json!(round2(tax)));
            r.insert("amount_total".into(), json!(round2(untaxed + tax)));
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn py_type(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "dict",
        Value::Array(_) => "list",
        Value::String(_) => "str",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float",
        Value::Null => "NoneType",
    }
}

/// Does a base64 string decode to something that looks like an image?
fn looks_like_image(b64: &str) -> bool {
    let bytes = decode_base64(b64);
    let Some(b) = bytes else { return false };
    b.starts_with(b"\x89PNG")
        || b.starts_with(b"\xff\xd8\xff")
        || b.starts_with(b"GIF8")
        || b.starts_with(b"BM")
        || (b.len() > 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP")
        || b.starts_with(b"<?xml")
        || b.starts_with(b"<svg")
}

/// SHA-1 as lowercase hex (ir.attachment.checksum).
fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in chunk.chunks(4).enumerate().take(16) {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

/// Odoo's `human_size`.
fn human_size(n: usize) -> String {
    let units = ["bytes", "Kb", "Mb", "Gb", "Tb"];
    let mut s = n as f64;
    let mut i = 0;
    while s >= 1024.0 && i < units.len() - 1 {
        s /= 1024.0;
        i += 1;
    }
    format!("{s:.2} {}", units[i])
}

/// The generated SVG avatar Odoo serves for a partner without an image (base64).
fn avatar_svg(name: &str, id: i64) -> String {
    let initial = name
        .chars()
        .next()
        .map_or_else(|| "?".to_string(), |c| c.to_uppercase().to_string());
    let hue = (id * 47).rem_euclid(360);
    let svg = format!(
        "<?xml version='1.0' encoding='UTF-8' ?><svg height='180' width='180' xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'><rect fill='hsl({hue}, 61%, 45%)' height='180' width='180'/><text fill='#ffffff' font-size='96' text-anchor='middle' x='90' y='125' font-family='sans-serif'>{initial}</text></svg>"
    );
    encode_base64(svg.as_bytes())
}

/// Standard base64 with padding.
pub fn encode_base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The display name of a record (Odoo's `display_name`).
pub fn display_name(schema: &Schema, store: &Store, model: &str, id: i64) -> String {
    let Some(rec) = store.get(model, id) else {
        return schema
            .ref_names
            .get(&(model.to_string(), id))
            .cloned()
            .unwrap_or_default();
    };
    let s = |r: &Record, k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    match model {
        "res.partner" => {
            let c = s(rec, "complete_name");
            if c.is_empty() { s(rec, "name") } else { c }
        }
        "product.product" => {
            if let Some(n) = schema.ref_names.get(&(model.to_string(), id)) {
                return n.clone();
            }
            let tmpl = rec
                .get("product_tmpl_id")
                .and_then(as_id)
                .and_then(|t| store.get("product.template", t));
            let name = tmpl.map(|t| s(t, "name")).unwrap_or_default();
            let code = s(rec, "default_code");
            if code.is_empty() {
                name
            } else {
                format!("[{code}] {name}")
            }
        }
        "product.template" => {
            let code = s(rec, "default_code");
            let name = s(rec, "name");
            if code.is_empty() {
                name
            } else {
                format!("[{code}] {name}")
            }
        }
        "res.country.state" => {
            let code = rec
                .get("country_id")
                .and_then(as_id)
                .and_then(|c| store.get("res.country", c))
                .map(|c| s(c, "code"))
                .unwrap_or_default();
            if code.is_empty() {
                s(rec, "name")
            } else {
                format!("{} ({code})", s(rec, "name"))
            }
        }
        "ir.model.fields" => s(rec, "field_description"),
        "ir.config_parameter" => s(rec, "key"),
        "ir.module.module" => s(rec, "shortdesc"),
        "res.groups" => {
            let f = s(rec, "full_name");
            if f.is_empty() { s(rec, "name") } else { f }
        }
        "sale.order.line" => {
            let order = rec
                .get("order_id")
                .and_then(as_id)
                .map(|o| display_name(schema, store, "sale.order", o))
                .unwrap_or_default();
            let name = s(rec, "name");
            let first = name.lines().next().unwrap_or("").to_string();
            format!("{order} - {first}")
        }
        _ => {
            let n = s(rec, "name");
            if !n.is_empty() {
                return n;
            }
            schema
                .ref_names
                .get(&(model.to_string(), id))
                .cloned()
                .unwrap_or_else(|| format!("{model},{id}"))
        }
    }
}

/// Is `v` an empty stored value? (re-export for protocol modules)
pub fn value_is_empty(v: &Value) -> bool {
    is_empty(v)
}

/// What Odoo's `html_sanitize` makes of a value written to an html field.
/// Its HTML parser (libxml2, through lxml) wraps text that does not start
/// with an element in a paragraph: `note by alice` is stored, and read
/// back, as `<p>note by alice</p>`, with `&` escaped. Markup that starts
/// with an element is kept as it came: the mock does not strip tags or
/// attributes the way Odoo's cleaner does.
pub(crate) fn sanitize_html(value: &str) -> String {
    let trimmed = value.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('<') {
        return value.to_string();
    }
    let mut escaped = String::with_capacity(value.len() + 8);
    let mut rest = value;
    // Escape bare ampersands in the text; entities already written stay.
    while let Some(at) = rest.find('&') {
        escaped.push_str(&rest[..at]);
        let tail = &rest[at..];
        let is_entity = tail[1..].find(';').is_some_and(|end| {
            end > 0
                && tail[1..=end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '#')
        });
        escaped.push_str(if is_entity { "&" } else { "&amp;" });
        rest = &tail[1..];
    }
    escaped.push_str(rest);
    if !value.contains('<') {
        // Plain text: lxml writes `>` in text as an entity.
        escaped = escaped.replace('>', "&gt;");
    }
    format!("<p>{escaped}</p>")
}
