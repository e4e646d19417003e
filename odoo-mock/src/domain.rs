//! Odoo domains: parsing (Polish notation, implicit `&`) and evaluation
//! against the in-memory store.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::Value;

use crate::faults::{Fault, py_repr, py_tuple};
use crate::store::{Record, Schema, Store, as_id, as_ids, is_empty, truthy};

/// Every operator Odoo 18 accepts in a leaf.
pub const OPERATORS: &[&str] = &[
    "=",
    "!=",
    "<=",
    "<",
    ">",
    ">=",
    "=?",
    "=like",
    "=ilike",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "in",
    "not in",
    "child_of",
    "parent_of",
    "any",
    "not any",
];

/// A parsed domain.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Always true (the empty domain, `(1, '=', 1)`).
    True,
    /// Always false (`(0, '=', 1)`).
    False,
    /// A `(path, operator, value)` condition.
    Leaf {
        /// Field path, split on dots.
        path: Vec<String>,
        /// Operator, lower-cased.
        op: String,
        /// Right-hand value.
        value: Value,
    },
    /// `!`
    Not(Box<Node>),
    /// `&`
    And(Vec<Node>),
    /// `|`
    Or(Vec<Node>),
}

impl Node {
    /// Does the domain mention `field` as the first element of a leaf path?
    pub fn mentions(&self, field: &str) -> bool {
        match self {
            Node::Leaf { path, .. } => path.first().is_some_and(|p| p == field),
            Node::Not(n) => n.mentions(field),
            Node::And(v) | Node::Or(v) => v.iter().any(|n| n.mentions(field)),
            _ => false,
        }
    }
}

fn invalid_leaf(items: &[Value]) -> Fault {
    Fault::value_error(format!("Invalid leaf {}", py_tuple(items)))
}

/// Parse a domain for `model`, validating operators and field names.
pub fn parse(schema: &Schema, model: &str, domain: &Value) -> Result<Node, Fault> {
    let items = match domain {
        Value::Array(items) => items,
        Value::Null | Value::Bool(false) => return Ok(Node::True),
        _ => {
            return Err(Fault::new(
                "builtins.AssertionError",
                "Domains to normalize must have a 'domain' form: a list or tuple of domain components",
            ));
        }
    };
    let mut stack: Vec<Node> = Vec::new();
    for item in items.iter().rev() {
        match item {
            Value::String(op) if op == "&" || op == "|" => {
                if stack.len() < 2 {
                    return Err(syntax_error(domain));
                }
                let a = stack.pop().unwrap_or(Node::True);
                let b = stack.pop().unwrap_or(Node::True);
                stack.push(if op == "&" {
                    Node::And(vec![a, b])
                } else {
                    Node::Or(vec![a, b])
                });
            }
            Value::String(op) if op == "!" => {
                let Some(a) = stack.pop() else {
                    return Err(syntax_error(domain));
                };
                stack.push(negate_ignored_leaf(schema, model, a));
            }
            Value::Array(leaf) => stack.push(parse_leaf(schema, model, leaf)?),
            Value::Bool(true) => stack.push(Node::True),
            Value::Bool(false) => stack.push(Node::False),
            other => {
                return Err(Fault::value_error(format!(
                    "Invalid domain term {}",
                    py_repr(other)
                )));
            }
        }
    }
    stack.reverse();
    Ok(match stack.len() {
        0 => Node::True,
        1 => stack.pop().unwrap_or(Node::True),
        _ => Node::And(stack),
    })
}

/// Is `field` of `model` one Odoo cannot search: not stored and without a
/// search method? The schema's `selectable` (`ir.model.fields`, computed by
/// Odoo as `bool(field.search or field.store)`; the same flag `fields_get`
/// answers as `searchable`) says so; a schema without it is trusted to search.
pub fn unsearchable(schema: &Schema, model: &str, field: &str) -> bool {
    schema
        .model(model)
        .and_then(|m| m.field(field))
        .is_some_and(field_unsearchable)
}

fn field_unsearchable(f: &crate::store::FieldMeta) -> bool {
    !f.store && !f.selectable
}

/// `!` over a leaf on a field Odoo cannot search.
///
/// Every version (16-18 `odoo/osv/expression.py`, 19 `odoo/orm/domains.py`)
/// logs "Non-stored field %s cannot be searched." and replaces the leaf by
/// TRUE. The negation is pushed into the leaf first (16-18 `distribute_not`,
/// 19 `DomainCondition.__invert__`) when the operator has an inverse, so
/// `['!', leaf]` is TRUE as well; only operators without one (`=like`,
/// `child_of`, ...) keep the `!`, and NOT TRUE is FALSE.
fn negate_ignored_leaf(schema: &Schema, model: &str, node: Node) -> Node {
    if let Node::Leaf { path, op, value } = &node {
        let inverse = match op.as_str() {
            "=" => Some("!="),
            "!=" => Some("="),
            "<" => Some(">="),
            ">" => Some("<="),
            "<=" => Some(">"),
            ">=" => Some("<"),
            "in" => Some("not in"),
            "not in" => Some("in"),
            "like" => Some("not like"),
            "not like" => Some("like"),
            "ilike" => Some("not ilike"),
            "not ilike" => Some("ilike"),
            "any" => Some("not any"),
            "not any" => Some("any"),
            _ => None,
        };
        let ignored = path_meets_unsearchable(schema, model, path);
        if let (true, Some(inverse)) = (ignored, inverse) {
            return Node::Leaf {
                path: path.clone(),
                op: inverse.to_string(),
                value: value.clone(),
            };
        }
    }
    Node::Not(Box::new(node))
}

/// Does `path` (from `model`) go through a field Odoo cannot search?
fn path_meets_unsearchable(schema: &Schema, model: &str, path: &[String]) -> bool {
    let mut cur = model.to_string();
    for part in path {
        if unsearchable(schema, &cur, part) {
            return true;
        }
        match schema
            .model(&cur)
            .and_then(|m| m.field(part))
            .and_then(|f| f.relation.clone())
        {
            Some(rel) => cur = rel,
            None => return false,
        }
    }
    false
}

fn syntax_error(domain: &Value) -> Fault {
    Fault::value_error(format!("Domain {} syntax error", py_repr(domain)))
}

fn parse_leaf(schema: &Schema, model: &str, leaf: &[Value]) -> Result<Node, Fault> {
    let legacy = crate::version::of(schema.version).legacy_domain_leaves;
    if legacy && leaf.len() != 3 {
        return Err(invalid_leaf(leaf));
    }
    if legacy
        && leaf[1]
            .as_str()
            .is_some_and(|op| op.eq_ignore_ascii_case("any") || op.eq_ignore_ascii_case("not any"))
    {
        if leaf[2].is_array() {
            return Err(Fault::type_error("unhashable type: 'list'"));
        }
        return Err(invalid_leaf(leaf));
    }
    if leaf.len() < 3 {
        return Err(Fault::value_error(format!(
            "not enough values to unpack (expected 3, got {})",
            leaf.len()
        )));
    }
    if leaf.len() > 3 {
        return Err(Fault::value_error(
            "too many values to unpack (expected 3)".to_string(),
        ));
    }
    let Some(op) = leaf[1].as_str() else {
        return Err(invalid_leaf(leaf));
    };
    let op = op.to_lowercase();
    if !OPERATORS.contains(&op.as_str()) {
        return Err(invalid_leaf(leaf));
    }
    // constant leaves (1, '=', 1) / (0, '=', 1)
    if let Some(n) = as_id(&leaf[0]) {
        if op == "=" && as_id(&leaf[2]) == Some(1) {
            return Ok(if n == 1 { Node::True } else { Node::False });
        }
        return Err(invalid_leaf(leaf));
    }
    let Some(path) = leaf[0].as_str() else {
        return Err(invalid_leaf(leaf));
    };
    let path: Vec<String> = path.split('.').map(str::to_string).collect();
    // validate the path
    let mut cur = model.to_string();
    for (i, part) in path.iter().enumerate() {
        let meta = schema
            .model(&cur)
            .ok_or_else(|| Fault::value_error(format!("Invalid model {cur}")))?;
        if part == "id" && meta.field("id").is_none() {
            break;
        }
        let Some(f) = meta.field(part) else {
            return Err(Fault::value_error(format!(
                "Invalid field {cur}.{part} in leaf {}",
                py_tuple(leaf)
            )));
        };
        if i + 1 < path.len() {
            match &f.relation {
                Some(rel) if schema.model(rel).is_some() => cur = rel.clone(),
                _ => {
                    return Err(Fault::value_error(format!(
                        "Invalid field {cur}.{part} in leaf {}",
                        py_tuple(leaf)
                    )));
                }
            }
        }
    }
    let value = leaf[2].clone();
    if op == "any" || op == "not any" {
        // validate the sub-domain against the comodel now
        let last = schema
            .model(&cur)
            .and_then(|m| m.field(path.last().map_or("", String::as_str)))
            .and_then(|f| f.relation.clone());
        if let Some(rel) = last {
            parse(schema, &rel, &value)?;
        } else {
            return Err(invalid_leaf(leaf));
        }
    }
    Ok(Node::Leaf { path, op, value })
}

/// Evaluates domains against one store.
pub struct Evaluator<'a> {
    /// The schema.
    pub schema: &'a Schema,
    /// The records.
    pub store: &'a Store,
    /// Display name lookup: (model, id) -> name.
    pub display: &'a dyn Fn(&str, i64) -> String,
}

/// A domain made ready to test many records of one model: each plain leaf
/// (one stored, non-related field of the model, compared by value) carries
/// its field, found once instead of once per record.
#[derive(Debug)]
pub enum Compiled<'n> {
    /// A node evaluated as [`Evaluator::matches`] does.
    Node(&'n Node),
    /// `!`
    Not(Box<Compiled<'n>>),
    /// `&`
    And(Vec<Compiled<'n>>),
    /// `|`
    Or(Vec<Compiled<'n>>),
    /// A plain leaf with its field.
    Field {
        /// The field's values in id order ([`Store::column`]).
        column: std::sync::Arc<crate::store::Column>,
        /// Where the walk through `column` is: records are tested in
        /// ascending id order.
        cursor: std::cell::Cell<usize>,
        /// The field's name.
        name: &'n str,
        /// Its type, relation.
        ttype: &'n str,
        /// Target model of a relational field.
        relation: Option<&'n str>,
        /// Operator.
        op: &'n str,
        /// Right-hand value.
        value: &'n Value,
    },
}

impl<'a> Evaluator<'a> {
    /// Prepare `node` for testing many records of `model`
    /// ([`Evaluator::matches_compiled`]); same answers as [`Evaluator::matches`].
    pub fn compile<'n>(&self, model: &str, node: &'n Node) -> Compiled<'n>
    where
        'a: 'n,
    {
        match node {
            Node::Not(n) => Compiled::Not(Box::new(self.compile(model, n))),
            Node::And(v) => Compiled::And(v.iter().map(|n| self.compile(model, n)).collect()),
            Node::Or(v) => Compiled::Or(v.iter().map(|n| self.compile(model, n)).collect()),
            Node::Leaf { path, op, value } if path.len() == 1 => {
                let field = self.schema.model(model).and_then(|m| m.field(&path[0]));
                match field {
                    Some(f)
                        if f.store
                            && f.raw
                                .get("related")
                                .and_then(Value::as_str)
                                .is_none_or(str::is_empty)
                            && f.ttype != "one2many"
                            && f.name != "id"
                            && f.name != "display_name"
                            && !matches!(
                                op.as_str(),
                                "any" | "not any" | "child_of" | "parent_of"
                            ) =>
                    {
                        let f: &'a crate::store::FieldMeta = f;
                        Compiled::Field {
                            column: self.store.column(model, &path[0]),
                            cursor: std::cell::Cell::new(0),
                            name: path[0].as_str(),
                            ttype: f.ttype.as_str(),
                            relation: f.relation.as_deref(),
                            op: op.as_str(),
                            value,
                        }
                    }
                    _ => Compiled::Node(node),
                }
            }
            other => Compiled::Node(other),
        }
    }

    /// Does record `id` (`rec`) of `model` satisfy a [`Compiled`] domain?
    pub fn matches_compiled(
        &self,
        model: &str,
        id: i64,
        rec: &Record,
        node: &Compiled<'_>,
    ) -> bool {
        match node {
            Compiled::Node(n) => self.matches(model, rec, n),
            Compiled::Not(n) => !self.matches_compiled(model, id, rec, n),
            Compiled::And(v) => v.iter().all(|n| self.matches_compiled(model, id, rec, n)),
            Compiled::Or(v) => v.iter().any(|n| self.matches_compiled(model, id, rec, n)),
            Compiled::Field {
                column,
                cursor,
                ttype,
                relation,
                op,
                value,
                ..
            } => {
                let stored = column_value(column, cursor, id).unwrap_or(&Value::Bool(false));
                if *op == "=?" {
                    if !truthy(value) && !matches!(value, Value::Number(_)) {
                        return true;
                    }
                    return self.compare(ttype, *relation, stored, "=", value);
                }
                self.compare(ttype, *relation, stored, op, value)
            }
        }
    }
}

/// The value of record `id` in `column`, walking on from `cursor` (ids are
/// asked in ascending order; an id below the cursor is looked up anew).
pub fn column_value<'c>(
    column: &'c [(i64, Value)],
    cursor: &std::cell::Cell<usize>,
    id: i64,
) -> Option<&'c Value> {
    let mut at = cursor.get();
    if at > 0 && column.get(at - 1).is_some_and(|(i, _)| *i >= id) {
        at = column.partition_point(|(i, _)| *i < id);
    }
    while column.get(at).is_some_and(|(i, _)| *i < id) {
        at += 1;
    }
    cursor.set(at);
    column.get(at).filter(|(i, _)| *i == id).map(|(_, v)| v)
}

impl Evaluator<'_> {
    /// Does `rec` of `model` satisfy `node`?
    pub fn matches(&self, model: &str, rec: &Record, node: &Node) -> bool {
        match node {
            Node::True => true,
            Node::False => false,
            Node::Not(n) => !self.matches(model, rec, n),
            Node::And(v) => v.iter().all(|n| self.matches(model, rec, n)),
            Node::Or(v) => v.iter().any(|n| self.matches(model, rec, n)),
            Node::Leaf { path, op, value } => self.leaf(model, rec, path, op, value),
        }
    }

    fn leaf(&self, model: &str, rec: &Record, path: &[String], op: &str, value: &Value) -> bool {
        let Some(first) = path.first() else {
            return false;
        };
        let id = rec.get("id").and_then(as_id).unwrap_or(0);
        let meta = self.schema.model(model);
        let field = meta.and_then(|m| m.field(first));
        // A field Odoo cannot search: the leaf is TRUE (see `negate_ignored_leaf`),
        // also at the end of a path, where Odoo searches the comodel with it.
        if field.is_some_and(field_unsearchable) {
            return true;
        }
        // A related field the record does not store is searched through its
        // path: `sale_ok` on product.product is `product_tmpl_id.sale_ok`.
        if let Some(related) = field
            .filter(|_| !rec.contains_key(first.as_str()))
            .and_then(|f| f.raw.get("related"))
            .and_then(Value::as_str)
        {
            let through: Vec<String> = related
                .split('.')
                .map(str::to_string)
                .chain(path[1..].iter().cloned())
                .collect();
            if through.len() > 1 && through[0] != *first {
                return self.leaf(model, rec, &through, op, value);
            }
        }
        let ttype = if first == "id" {
            "integer"
        } else {
            field.map_or("char", |f| f.ttype.as_str())
        };
        let relation = field.and_then(|f| f.relation.as_deref());
        let stored: Cow<'_, Value> = if first == "id" {
            Cow::Owned(Value::from(id))
        } else if first == "display_name" && !rec.contains_key("display_name") {
            // 18+ search `display_name` (`_search_display_name`): the name shown.
            Cow::Owned(Value::from((self.display)(model, id)))
        } else {
            self.value_of(model, rec, first)
        };
        let stored = stored.as_ref();
        // follow dotted paths
        if path.len() > 1 {
            let Some(rel) = relation else { return false };
            let ids = related_ids(stored);
            return ids.iter().any(|rid| {
                self.store
                    .get(rel, *rid)
                    .is_some_and(|r| self.leaf(rel, r, &path[1..], op, value))
            });
        }
        match op {
            "any" | "not any" => {
                let Some(rel) = relation else { return false };
                let Ok(sub) = parse(self.schema, rel, value) else {
                    return false;
                };
                let hit = related_ids(stored).iter().any(|rid| {
                    self.store
                        .get(rel, *rid)
                        .is_some_and(|r| self.matches(rel, r, &sub))
                });
                hit == (op == "any")
            }
            "child_of" | "parent_of" => {
                let target = if first == "id" {
                    model
                } else {
                    relation.unwrap_or(model)
                };
                let roots = self.resolve_ids(target, value);
                let set = if op == "child_of" {
                    self.descendants(target, &roots)
                } else {
                    self.ancestors(target, &roots)
                };
                let mine = if first == "id" {
                    vec![id]
                } else {
                    related_ids(stored)
                };
                mine.iter().any(|i| set.contains(i))
            }
            "=?" => {
                if !truthy(value) && !matches!(value, Value::Number(_)) {
                    true
                } else {
                    self.compare(ttype, relation, stored, "=", value)
                }
            }
            _ => self.compare(ttype, relation, stored, op, value),
        }
    }

    /// The stored value, computing one2many from the inverse field when needed.
    fn value_of<'r>(&self, model: &str, rec: &'r Record, field: &str) -> Cow<'r, Value> {
        if let Some(f) = self.schema.model(model).and_then(|m| m.field(field)) {
            if f.ttype == "one2many" {
                if let (Some(rel), Some(inv)) = (&f.relation, &f.relation_field) {
                    if self.store.tables.get(rel).is_some_and(|t| t.loaded) {
                        let id = rec.get("id").and_then(as_id).unwrap_or(0);
                        let ids: Vec<Value> = self
                            .store
                            .referring(rel, inv, id)
                            .into_iter()
                            .map(Value::from)
                            .collect();
                        return Cow::Owned(Value::Array(ids));
                    }
                }
            }
        }
        rec.get(field)
            .map_or(Cow::Owned(Value::Bool(false)), Cow::Borrowed)
    }

    fn resolve_ids(&self, model: &str, value: &Value) -> Vec<i64> {
        match value {
            Value::Array(items) => items
                .iter()
                .flat_map(|v| self.resolve_ids(model, v))
                .collect(),
            Value::String(s) => {
                let needle = s.to_lowercase();
                self.store
                    .ids(model)
                    .into_iter()
                    .filter(|id| (self.display)(model, *id).to_lowercase().contains(&needle))
                    .collect()
            }
            v => as_id(v).into_iter().collect(),
        }
    }

    fn parent_field(&self, model: &str) -> &'static str {
        if self
            .schema
            .model(model)
            .and_then(|m| m.field("parent_id"))
            .is_some()
        {
            "parent_id"
        } else {
            ""
        }
    }

    fn descendants(&self, model: &str, roots: &[i64]) -> HashSet<i64> {
        let mut set: HashSet<i64> = roots.iter().copied().collect();
        let pf = self.parent_field(model);
        if pf.is_empty() {
            return set;
        }
        let Some(t) = self.store.tables.get(model) else {
            return set;
        };
        loop {
            let before = set.len();
            for (id, r) in t.records.iter() {
                if let Some(p) = r.get(pf).and_then(as_id) {
                    if set.contains(&p) {
                        set.insert(*id);
                    }
                }
            }
            if set.len() == before {
                break;
            }
        }
        set
    }

    fn ancestors(&self, model: &str, roots: &[i64]) -> HashSet<i64> {
        let mut set = HashSet::new();
        let pf = self.parent_field(model);
        for root in roots {
            let mut cur = Some(*root);
            while let Some(id) = cur {
                if !set.insert(id) || pf.is_empty() {
                    break;
                }
                cur = self
                    .store
                    .get(model, id)
                    .and_then(|r| r.get(pf))
                    .and_then(as_id);
            }
        }
        set
    }

    fn compare(
        &self,
        ttype: &str,
        relation: Option<&str>,
        stored: &Value,
        op: &str,
        value: &Value,
    ) -> bool {
        let relational = matches!(ttype, "many2one" | "one2many" | "many2many");
        match op {
            "=" | "!=" => {
                let eq = if !truthy(value) && !matches!(value, Value::Number(_)) {
                    if ttype == "boolean" {
                        !truthy(stored)
                    } else {
                        is_empty(stored)
                    }
                } else if relational {
                    match value {
                        Value::String(s) => self.names_of(relation, stored).iter().any(|n| n == s),
                        v => {
                            let ids = related_ids(stored);
                            as_id(v).is_some_and(|i| ids.contains(&i))
                        }
                    }
                } else {
                    scalar_eq(ttype, stored, value)
                };
                if op == "=" { eq } else { !eq }
            }
            "in" | "not in" => {
                let list: Vec<Value> = match value {
                    Value::Array(a) => a.clone(),
                    v => vec![v.clone()],
                };
                let hit = list.iter().any(|v| {
                    if !truthy(v) && !matches!(v, Value::Number(_)) {
                        if ttype == "boolean" {
                            !truthy(stored)
                        } else {
                            is_empty(stored)
                        }
                    } else if relational {
                        match v {
                            Value::String(s) => {
                                self.names_of(relation, stored).iter().any(|n| n == s)
                            }
                            v => as_id(v).is_some_and(|i| related_ids(stored).contains(&i)),
                        }
                    } else {
                        scalar_eq(ttype, stored, v)
                    }
                });
                if op == "in" { hit } else { !hit }
            }
            "<" | "<=" | ">" | ">=" => {
                if is_empty(stored) && ttype != "boolean" {
                    return false;
                }
                let ord = if relational {
                    match (related_ids(stored).first(), as_id(value)) {
                        (Some(a), Some(b)) => Some(a.cmp(&b)),
                        _ => None,
                    }
                } else {
                    compare_scalars(ttype, stored, value)
                };
                match ord {
                    Some(o) => match op {
                        "<" => o.is_lt(),
                        "<=" => o.is_le(),
                        ">" => o.is_gt(),
                        _ => o.is_ge(),
                    },
                    None => false,
                }
            }
            "like" | "ilike" | "not like" | "not ilike" | "=like" | "=ilike" => {
                let negative = op.starts_with("not");
                let insensitive = op.contains("ilike");
                let raw = match value {
                    Value::String(s) => s.clone(),
                    Value::Bool(false) | Value::Null => {
                        // ('name', 'ilike', False): is set / not set
                        return if negative {
                            is_empty(stored)
                        } else {
                            !is_empty(stored)
                        };
                    }
                    v => py_repr(v),
                };
                let pattern = if op.starts_with('=') {
                    raw
                } else {
                    format!("%{raw}%")
                };
                let hit = if relational {
                    self.names_of(relation, stored)
                        .iter()
                        .any(|t| like(&pattern, t, insensitive))
                } else {
                    match stored {
                        Value::String(s) => like(&pattern, s, insensitive),
                        Value::Number(n) => like(&pattern, &n.to_string(), insensitive),
                        _ => false,
                    }
                };
                if negative { !hit } else { hit }
            }
            _ => false,
        }
    }

    fn names_of(&self, relation: Option<&str>, stored: &Value) -> Vec<String> {
        let Some(rel) = relation else { return vec![] };
        related_ids(stored)
            .into_iter()
            .map(|id| (self.display)(rel, id))
            .collect()
    }
}

/// Ids in a stored relational value (many2one id or x2many list).
pub fn related_ids(v: &Value) -> Vec<i64> {
    match v {
        Value::Array(_) => as_ids(v),
        v => as_id(v).into_iter().collect(),
    }
}

fn scalar_eq(ttype: &str, stored: &Value, value: &Value) -> bool {
    match (stored, value) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Bool(a), v) if ttype == "boolean" => *a == truthy(v),
        (Value::String(a), Value::String(b)) => {
            if ttype == "datetime" || ttype == "date" {
                normalize_date(ttype, a) == normalize_date(ttype, b)
            } else {
                a == b
            }
        }
        (Value::Number(a), Value::String(b)) => b.parse::<f64>().ok() == a.as_f64(),
        (Value::String(a), Value::Number(b)) => a.parse::<f64>().ok() == b.as_f64(),
        _ => false,
    }
}

fn normalize_date(ttype: &str, s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let now = chrono::Utc::now().naive_utc();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d 00:00:00").to_string();
    let s = match lower.as_str() {
        "now" => now.format("%Y-%m-%d %H:%M:%S").to_string(),
        "today" => day(now.date()),
        "yesterday" => day(now.date() - chrono::Duration::days(1)),
        "tomorrow" => day(now.date() + chrono::Duration::days(1)),
        _ => s.replace('T', " "),
    };
    if ttype == "date" {
        s.chars().take(10).collect()
    } else if s.len() == 10 {
        format!("{s} 00:00:00")
    } else {
        s
    }
}

fn compare_scalars(ttype: &str, stored: &Value, value: &Value) -> Option<std::cmp::Ordering> {
    match (stored, value) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::Number(a), Value::String(b)) => a.as_f64()?.partial_cmp(&b.parse::<f64>().ok()?),
        (Value::String(a), Value::String(b)) => {
            if ttype == "datetime" || ttype == "date" {
                Some(normalize_date(ttype, a).cmp(&normalize_date(ttype, b)))
            } else {
                Some(a.cmp(b))
            }
        }
        (Value::Bool(a), v) => Some(a.cmp(&truthy(v))),
        _ => None,
    }
}

/// SQL LIKE matching with `%` and `_` (and `\` escapes).
pub fn like(pattern: &str, text: &str, insensitive: bool) -> bool {
    // The common `%word%` (what `ilike` sends): a substring test, without
    // the character vectors of the general matcher.
    if let Some(inner) = pattern
        .strip_prefix('%')
        .and_then(|p| p.strip_suffix('%'))
        .filter(|p| !p.contains(['%', '_', '\\']))
    {
        return if !insensitive {
            text.contains(inner)
        } else if inner.is_ascii() && text.is_ascii() {
            text.as_bytes()
                .windows(inner.len().max(1))
                .any(|w| w.eq_ignore_ascii_case(inner.as_bytes()))
                || inner.is_empty()
        } else {
            text.to_lowercase().contains(&inner.to_lowercase())
        };
    }
    let (p, t) = if insensitive {
        (pattern.to_lowercase(), text.to_lowercase())
    } else {
        (pattern.to_string(), text.to_string())
    };
    let p: Vec<char> = p.chars().collect();
    let t: Vec<char> = t.chars().collect();
    like_at(&p, &t)
}

fn like_at(p: &[char], t: &[char]) -> bool {
    // iterative matcher with backtracking on the last '%'
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '%' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '_' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == t[ti] => {
                    pi += 2;
                    ti += 1;
                    continue;
                }
                c if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == '%' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled evaluation (columns, cursors) answers as the plain one,
    /// on every record of the demo data, also after records changed.
    #[test]
    fn compiled_domains_answer_as_plain_ones() {
        let data = crate::data::dataset(18).expect("dataset");
        let mut store = data.store.clone();
        let domains = [
            (
                "res.partner",
                serde_json::json!([["is_company", "=", true]]),
            ),
            (
                "res.partner",
                serde_json::json!([["city", "in", ["Tracy", "Fremont", false]]]),
            ),
            (
                "res.partner",
                serde_json::json!([
                    "|",
                    ["name", "ilike", "an"],
                    ["email", "=like", "%.example.com"]
                ]),
            ),
            (
                "res.partner",
                serde_json::json!(["!", ["customer_rank", ">", 0], ["parent_id", "!=", false]]),
            ),
            (
                "res.partner",
                serde_json::json!([["country_id", "=", 233], ["zip", "not ilike", "9"]]),
            ),
            (
                "res.partner",
                serde_json::json!([["parent_id.name", "ilike", "deco"]]),
            ),
            (
                "sale.order",
                serde_json::json!([["state", "=?", "sale"], ["amount_total", ">=", 1000.5]]),
            ),
            (
                "sale.order",
                serde_json::json!([["user_id", "in", [8, 9]], ["partner_id", "child_of", 10]]),
            ),
            (
                "sale.order",
                serde_json::json!([
                    ["date_order", "<", "2026-11-28"],
                    ["name", "not like", "S0002%"]
                ]),
            ),
            (
                "product.product",
                serde_json::json!([["sale_ok", "=", true], ["default_code", "!=", false]]),
            ),
        ];
        for round in 0..2 {
            for (model, domain) in &domains {
                let node = parse(&data.schema, model, domain).expect("domain");
                let display =
                    |m: &str, id: i64| crate::methods::display_name(&data.schema, &store, m, id);
                let ev = Evaluator {
                    schema: &data.schema,
                    store: &store,
                    display: &display,
                };
                let compiled = ev.compile(model, &node);
                let mut hits = 0;
                for (id, rec) in store.tables[*model].records.iter() {
                    let plain = ev.matches(model, rec, &node);
                    assert_eq!(
                        ev.matches_compiled(model, *id, rec, &compiled),
                        plain,
                        "round {round}: {model} {id} {domain}"
                    );
                    hits += usize::from(plain);
                }
                assert!(hits > 0 || round > 0, "{model} {domain} matches something");
            }
            // Change some records in place, insert and remove others.
            for id in [10, 14, 15] {
                if let Some(mut r) = store.record_mut("res.partner", id) {
                    r.insert("city".into(), Value::from("Fremont"));
                    r.insert("is_company".into(), Value::Bool(false));
                }
            }
            if let Some(mut r) = store.record_mut("sale.order", 21) {
                r.insert("state".into(), Value::from("cancel"));
            }
            let mut new = Record::new();
            new.insert("name".into(), Value::from("Andy New"));
            new.insert("is_company".into(), Value::Bool(true));
            store.insert("res.partner", new);
            store.remove("res.partner", 11);
        }
    }

    #[test]
    fn a_column_is_walked_in_id_order_and_looked_up_backwards() {
        let column = vec![
            (2, Value::from("b")),
            (5, Value::from("e")),
            (9, Value::from("i")),
        ];
        let cursor = std::cell::Cell::new(0);
        let at = |id| column_value(&column, &cursor, id).cloned();
        assert_eq!(at(1), None);
        assert_eq!(at(2), Some(Value::from("b")));
        assert_eq!(at(6), None);
        assert_eq!(at(9), Some(Value::from("i")));
        assert_eq!(at(10), None);
        assert_eq!(at(5), Some(Value::from("e")));
        assert_eq!(at(2), Some(Value::from("b")));
    }

    #[test]
    fn like_patterns() {
        assert!(like("%deco%", "Deco Addict", true));
        assert!(like("Deco%", "Deco Addict", false));
        assert!(!like("deco%", "Deco Addict", false));
        assert!(like("S_0%", "S00021", false));
        assert!(!like("%xyz%", "Deco", true));
        assert!(like("%", "", false));
        // the substring fast path: case, non-ASCII, empty, longer than the text
        assert!(like("%ADDICT%", "Deco Addict", true));
        assert!(!like("%ADDICT%", "Deco Addict", false));
        assert!(like("%ÉTÉ%", "Un été", true));
        assert!(like("%%", "x", true));
        assert!(!like("%Deco Addict!%", "Deco", true));
    }
}
