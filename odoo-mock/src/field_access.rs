//! Field groups: a field defined with `groups="module.xmlid,..."` may be read
//! or written only by a user in one of those groups. Who may, and the
//! `AccessError` each Odoo version raises when a user may not, in one place.
//!
//! The restricted fields of each version are `data/field_groups/NN.json`
//! (copies of what the real servers list: `{"fields": {model: {field:
//! groups}}, "groups": {xml id: id}, ...}`), parsed once per process. The
//! user's groups are [`UserInfo::groups`](crate::rules::UserInfo::groups);
//! group names come from the store's `res.groups` (`full_name`), else from
//! `data/field_groups/group_names.json` (what the recordings name them).
//!
//! What each version does, from its `odoo/models.py`:
//!
//! | | 16, 17 | 18 | 19 |
//! |---|---|---|---|
//! | `fields_get` | leaves the field out | same | same |
//! | `read` naming it | AccessError listing every such field | same | AccessError naming the first one |
//! | `read` with no field list | leaves it out | same | same |
//! | domain or order naming it | allowed | AccessError | AccessError |
//! | `write` | AccessError, operation `write` | same | same |
//! | `create` | allowed | allowed | AccessError, operation `write` |
//!
//! 16 `search_read` searches first and answers `[]` without reading when
//! nothing matches; 17 and later check the fields before searching. The
//! superuser (uid 1) is never refused.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::domain::Node;
use crate::faults::{Fault, py_repr_str};
use crate::methods::Env;
use crate::rules::Perm;
use crate::store::Store;

/// Odoo's `NO_ACCESS` group spec: nobody but the superuser.
const NO_ACCESS: &str = ".";
/// The group whose members get the detailed message (Extra Rights / Technical Features).
const GROUP_NO_ONE: &str = "base.group_no_one";
/// The version whose rules apply when a schema does not say (the default dataset's).
const DEFAULT_SERIES: u32 = 18;

const FIELD_GROUPS: [(u32, &str); 4] = [
    (16, include_str!("../data/field_groups/16.json")),
    (17, include_str!("../data/field_groups/17.json")),
    (18, include_str!("../data/field_groups/18.json")),
    (19, include_str!("../data/field_groups/19.json")),
];
const GROUP_NAMES: &str = include_str!("../data/field_groups/group_names.json");

/// The field groups of one Odoo version.
#[derive(Debug, Default, Deserialize)]
struct Table {
    /// model -> field -> group spec (`"account.group_account_invoice,account.group_account_readonly"`, `"."`).
    #[serde(default)]
    fields: HashMap<String, HashMap<String, String>>,
    /// res.groups xml id -> id.
    #[serde(default)]
    groups: HashMap<String, i64>,
    /// res.groups id -> display name (from `group_names.json`).
    #[serde(skip)]
    names: HashMap<i64, String>,
}

/// The Odoo major version whose rules and texts apply to `version` (16 to 19;
/// 0, an unknown version, is 18).
pub fn series(version: u32) -> u32 {
    match version {
        0 => DEFAULT_SERIES,
        v => v.clamp(16, 19),
    }
}

/// The field-groups file of an Odoo version the embedded server imitates
/// (16 to 19): which fields only some groups may read, in the format
/// `odoo-codegen --field-groups` takes (what real servers of that version
/// were read to have). `None` for another version.
pub fn field_groups_json(version: u32) -> Option<&'static str> {
    FIELD_GROUPS
        .iter()
        .find(|(v, _)| *v == version)
        .map(|(_, text)| *text)
}

fn table(version: u32) -> &'static Table {
    static TABLES: OnceLock<HashMap<u32, Table>> = OnceLock::new();
    static EMPTY: OnceLock<Table> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let names: HashMap<String, HashMap<String, String>> =
            serde_json::from_str(GROUP_NAMES).unwrap_or_default();
        FIELD_GROUPS
            .iter()
            .map(|(v, text)| {
                let mut t: Table = serde_json::from_str(text).unwrap_or_default();
                t.names = names
                    .get(&v.to_string())
                    .map(|m| {
                        m.iter()
                            .filter_map(|(id, name)| Some((id.parse().ok()?, name.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                (*v, t)
            })
            .collect()
    });
    tables
        .get(&series(version))
        .unwrap_or_else(|| EMPTY.get_or_init(Table::default))
}

/// The operation a field is accessed for, as the message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Reading (read, search_read, web_read, domains, orders).
    Read,
    /// Writing (write; create on 19).
    Write,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::Write => "write",
        }
    }
}

/// Odoo's `user.has_groups(spec)`: in none of the `!`-prefixed groups and,
/// when there are others, in at least one of them. `.` lets nobody in.
fn has_groups(t: &Table, groups: &BTreeSet<i64>, spec: &str) -> bool {
    if spec.trim() == NO_ACCESS {
        return false;
    }
    let member = |xml_id: &str| t.groups.get(xml_id).is_some_and(|g| groups.contains(g));
    let mut positives = 0;
    let mut any = false;
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(negative) = part.strip_prefix('!') {
            if member(negative.trim()) {
                return false;
            }
        } else {
            positives += 1;
            any = any || member(part);
        }
    }
    any || positives == 0
}

/// The group spec of `model.field` when `env`'s user may not access it.
fn denied_spec<'t>(env: &Env<'_>, t: &'t Table, model: &str, field: &str) -> Option<&'t str> {
    if env.user.is_superuser() {
        return None;
    }
    let spec = t.fields.get(model)?.get(field)?;
    (!has_groups(t, &env.user.groups, spec)).then_some(spec.as_str())
}

/// May `env`'s user read (and write) `model.field`? Unknown fields are not restricted.
pub fn allowed(env: &Env<'_>, model: &str, field: &str) -> bool {
    denied_spec(env, table(env.schema.version), model, field).is_none()
}

/// Keep only the fields of a `fields_get` answer that `env`'s user may read.
pub fn retain_readable(env: &Env<'_>, model: &str, fields: &mut Map<String, Value>) {
    fields.retain(|name, _| allowed(env, model, name));
}

/// Odoo's check of the field names a call reads or writes on `model`:
/// `Ok` when the user may access them all, else that version's AccessError.
/// Names the model does not have are left to the caller's "Invalid field"
/// error (on 19, which checks one field after another, the first unknown
/// name ends the check, as its ValueError would come first).
///
/// # Errors
/// The version's `odoo.exceptions.AccessError`.
pub fn check(
    env: &Env<'_>,
    model: &str,
    names: &[String],
    operation: Operation,
) -> Result<(), Fault> {
    let t = table(env.schema.version);
    if env.user.is_superuser() || !t.fields.contains_key(model) {
        return Ok(());
    }
    let known = |name: &str| {
        name == "id"
            || t.fields.get(model).is_some_and(|f| f.contains_key(name))
            || env
                .schema
                .model(model)
                .is_some_and(|m| m.field(name).is_some())
    };
    if series(env.schema.version) >= 19 {
        for name in names {
            if !known(name) {
                return Ok(());
            }
            if let Some(spec) = denied_spec(env, t, model, name) {
                return Err(denied(env, t, model, &[(name, spec)], operation));
            }
        }
        return Ok(());
    }
    let invalid: Vec<(&str, &str)> = names
        .iter()
        .filter_map(|n| denied_spec(env, t, model, n).map(|spec| (n.as_str(), spec)))
        .collect();
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(denied(env, t, model, &invalid, operation))
    }
}

/// [`check`] of the fields a domain names, on 18 and later (which check every
/// field a domain turns into SQL; 16 and 17 do not). Paths are followed
/// through their relations (`partner_id.credit_limit` checks `credit_limit`
/// on res.partner), and `any` / `not any` sub-domains on their comodel.
///
/// # Errors
/// The version's `odoo.exceptions.AccessError`.
pub fn check_domain(env: &Env<'_>, model: &str, node: &Node) -> Result<(), Fault> {
    if series(env.schema.version) < 18 || env.user.is_superuser() {
        return Ok(());
    }
    match node {
        Node::Leaf { path, op, value } => {
            let mut current = model.to_string();
            for (i, name) in path.iter().enumerate() {
                check(env, &current, std::slice::from_ref(name), Operation::Read)?;
                let Some(relation) = env
                    .schema
                    .model(&current)
                    .and_then(|m| m.field(name))
                    .and_then(|f| f.relation.clone())
                else {
                    break;
                };
                let last = i + 1 == path.len();
                if last && matches!(op.as_str(), "any" | "not any") {
                    if let Ok(sub) = crate::domain::parse(env.schema, &relation, value) {
                        check_domain(env, &relation, &sub)?;
                    }
                }
                current = relation;
            }
            Ok(())
        }
        Node::Not(n) => check_domain(env, model, n),
        Node::And(nodes) | Node::Or(nodes) => {
            nodes.iter().try_for_each(|n| check_domain(env, model, n))
        }
        Node::True | Node::False => Ok(()),
    }
}

/// [`check`] of the fields an `order` names, on 18 and later.
///
/// # Errors
/// The version's `odoo.exceptions.AccessError`.
pub fn check_order(env: &Env<'_>, model: &str, order: Option<&str>) -> Result<(), Fault> {
    let Some(order) = order else {
        return Ok(());
    };
    if series(env.schema.version) < 18 || env.user.is_superuser() {
        return Ok(());
    }
    for term in order.split(',') {
        let Some(word) = term.split_whitespace().next() else {
            continue;
        };
        let name = word.split(['.', ':']).next().unwrap_or(word);
        check(env, model, &[name.to_string()], Operation::Read)?;
    }
    Ok(())
}

/// Odoo 19's check of `create`: every field the values (and the context's
/// `default_<field>` keys) set must be writable, checked as `write`. 16 to
/// 18 create without checking field groups.
///
/// # Errors
/// The version's `odoo.exceptions.AccessError`.
pub fn check_create<'v>(
    env: &Env<'_>,
    model: &str,
    vals_list: impl IntoIterator<Item = &'v Map<String, Value>>,
) -> Result<(), Fault> {
    if series(env.schema.version) < 19 || env.user.is_superuser() {
        return Ok(());
    }
    // 19 checks the model access first.
    crate::rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Create)?;
    let mut names: Vec<String> = Vec::new();
    for vals in vals_list {
        for name in vals.keys() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    let meta = env.schema.model(model);
    for key in env.context.keys() {
        if let Some(name) = key.strip_prefix("default_") {
            if meta.is_some_and(|m| m.field(name).is_some()) && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    check(env, model, &names, Operation::Write)
}

/// The display name of a group: the store's `full_name` (16-18 show
/// "Category / Name", 19 "Privilege / Name"), else the recorded one.
fn group_name(store: &Store, t: &Table, id: i64) -> Option<String> {
    store
        .get("res.groups", id)
        .and_then(|g| g.get("full_name").or_else(|| g.get("name")))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| t.names.get(&id).cloned())
}

/// What a version says about who may access a field: "allowed for groups
/// 'A', 'B'" (groups by id, names as Python's repr), "always forbidden" for
/// `.`; 16 and 17 also say "forbidden for groups ..." for `!` groups.
fn groups_text(series: u32, spec: &str, name: &dyn Fn(i64) -> Option<String>, t: &Table) -> String {
    if spec.trim() == NO_ACCESS {
        return "always forbidden".into();
    }
    if spec.trim().is_empty() {
        return "custom field access rules".into();
    }
    let mut allowed: Vec<&str> = Vec::new();
    let mut forbidden: Vec<&str> = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.strip_prefix('!') {
            Some(neg) if series < 18 => forbidden.push(neg.trim()),
            _ => allowed.push(part),
        }
    }
    let list = |xml_ids: &[&str]| -> String {
        let ids: BTreeSet<i64> = xml_ids
            .iter()
            .filter_map(|x| t.groups.get(*x).copied())
            .collect();
        let mut names: Vec<String> = ids
            .iter()
            .map(|id| {
                let n = name(*id).unwrap_or_else(|| {
                    t.groups
                        .iter()
                        .find(|(_, g)| **g == *id)
                        .map_or_else(|| id.to_string(), |(x, _)| x.clone())
                });
                py_repr_str(&n)
            })
            .collect();
        names.extend(
            xml_ids
                .iter()
                .filter(|x| !t.groups.contains_key(**x))
                .map(|x| (*x).to_string()),
        );
        names.join(", ")
    };
    let mut parts = Vec::new();
    if !allowed.is_empty() {
        parts.push(format!("allowed for groups {}", list(&allowed)));
    }
    if !forbidden.is_empty() {
        parts.push(format!("forbidden for groups {}", list(&forbidden)));
    }
    parts.join("; ")
}

/// Who is refused what, for [`message`].
struct Refusal<'a> {
    series: u32,
    model: &'a str,
    /// The model's description (`ir.model` name), e.g. "Contact".
    kind: &'a str,
    uid: i64,
    /// In `base.group_no_one`: gets the user and the allowed groups.
    technical: bool,
    operation: Operation,
}

/// The AccessError text of a version for the refused `fields` (name, groups text).
fn message(r: &Refusal<'_>, fields: &[(&str, String)]) -> String {
    let Refusal {
        series,
        model,
        kind,
        uid,
        technical,
        operation,
    } = r;
    let op = operation.name();
    let mut sorted: Vec<&(&str, String)> = fields.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let lines = |items: &[&(&str, String)]| {
        items
            .iter()
            .map(|(f, g)| format!("- {f} ({g})"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match series {
        ..=17 => {
            // `invalid_fields` is a set there.
            sorted.dedup_by(|a, b| a.0 == b.0);
            if *technical {
                format!(
                    "The requested operation can not be completed due to security restrictions.\n\nDocument type: {kind} ({model})\nOperation: {op}\nUser: {uid}\nFields:\n{}",
                    lines(&sorted)
                )
            } else {
                let mut names: Vec<&str> = Vec::new();
                for (f, _) in fields {
                    if !names.contains(f) {
                        names.push(f);
                    }
                }
                format!(
                    "You do not have enough rights to access the fields \"{}\" on {kind} ({model}). Please contact your system administrator.\n\n(Operation: {op})",
                    names.join(",")
                )
            }
        }
        18 => {
            let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            let mut text = format!(
                "You do not have enough rights to access the fields \"{}\" on {kind} ({model}). Please contact your system administrator.\n\nOperation: {op}",
                names.join(",")
            );
            if *technical {
                text.push_str(&format!("\nUser: {uid}\nFields:\n{}", lines(&sorted)));
            }
            text
        }
        _ => {
            let (field, groups) = fields.first().map_or(("", ""), |(f, g)| (*f, g.as_str()));
            let mut text = format!(
                "You do not have enough rights to access the field \"{field}\" on {kind} ({model}). Please contact your system administrator.\n\nOperation: {op}"
            );
            if *technical {
                text.push_str(&format!("\nUser: {uid}\nGroups: {groups}"));
            }
            text
        }
    }
}

fn denied(
    env: &Env<'_>,
    t: &Table,
    model: &str,
    fields: &[(&str, &str)],
    operation: Operation,
) -> Fault {
    let series = series(env.schema.version);
    let name = |id: i64| group_name(env.store, t, id);
    let fields: Vec<(&str, String)> = fields
        .iter()
        .map(|(f, spec)| (*f, groups_text(series, spec, &name, t)))
        .collect();
    let kind = env
        .schema
        .model(model)
        .map(|m| m.description.as_str())
        .filter(|d| !d.is_empty())
        .unwrap_or(model);
    let technical = t
        .groups
        .get(GROUP_NO_ONE)
        .is_some_and(|g| env.user.groups.contains(g));
    Fault::access_error(message(
        &Refusal {
            series,
            model,
            kind,
            uid: env.user.uid,
            technical,
            operation,
        },
        &fields,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recorded examples of a version (`tests/fixtures/field_access/NN.json`).
    fn examples(version: u32) -> Vec<Value> {
        let text = match version {
            16 => include_str!("../tests/fixtures/field_access/16.json"),
            17 => include_str!("../tests/fixtures/field_access/17.json"),
            18 => include_str!("../tests/fixtures/field_access/18.json"),
            _ => include_str!("../tests/fixtures/field_access/19.json"),
        };
        serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    }

    fn recorded_message(version: u32, example: &str) -> String {
        examples(version)
            .iter()
            .find(|e| e["name"] == example)
            .and_then(|e| e["response"]["error"]["data"]["message"].as_str())
            .unwrap_or_default()
            .to_string()
    }

    /// The message built from the tables alone (group names from
    /// `group_names.json`), as alice (technical features) gets it.
    fn built(
        version: u32,
        model: &str,
        kind: &str,
        uid: i64,
        fields: &[&str],
        technical: bool,
    ) -> String {
        let t = table(version);
        let name = |id: i64| t.names.get(&id).cloned();
        let fields: Vec<(&str, String)> = fields
            .iter()
            .map(|f| {
                let spec = t.fields[model][*f].as_str();
                (*f, groups_text(series(version), spec, &name, t))
            })
            .collect();
        message(
            &Refusal {
                series: series(version),
                model,
                kind,
                uid,
                technical,
                operation: Operation::Read,
            },
            &fields,
        )
    }

    #[test]
    fn every_version_table_loads() {
        for v in [16, 17, 18, 19] {
            let t = table(v);
            assert!(t.fields.len() > 40, "{v}: {} models", t.fields.len());
            assert!(t.groups.contains_key(GROUP_NO_ONE), "{v}");
            assert!(!t.names.is_empty(), "{v}");
            // every group a restriction names has a display name
            for fields in t.fields.values() {
                for spec in fields.values().filter(|s| s.as_str() != NO_ACCESS) {
                    for x in spec.split(',') {
                        let id = t.groups[x.trim()];
                        assert!(t.names.contains_key(&id), "{v}: no name for {x}");
                    }
                }
            }
        }
        assert_eq!(series(0), 18);
        assert_eq!(series(15), 16);
        assert_eq!(series(20), 19);
    }

    #[test]
    fn recorded_texts_of_every_version() {
        for (v, uid) in [(16, 8), (17, 8), (18, 8), (19, 7)] {
            assert_eq!(
                built(v, "res.partner", "Contact", uid, &["credit_limit"], true),
                recorded_message(v, "alice_search_read_restricted_field"),
                "{v}"
            );
            assert_eq!(
                built(
                    v,
                    "sale.order",
                    "Sales Order",
                    uid,
                    &["purchase_order_count"],
                    true
                ),
                recorded_message(v, "alice_read_restricted_computed_field"),
                "{v}"
            );
        }
    }

    #[test]
    fn several_fields() {
        let fields = ["signup_type", "credit_limit", "credit"];
        assert_eq!(
            built(16, "res.partner", "Contact", 8, &fields, true),
            "The requested operation can not be completed due to security restrictions.\n\nDocument type: Contact (res.partner)\nOperation: read\nUser: 8\nFields:\n- credit (allowed for groups 'Technical / Show Accounting Features - Readonly', 'Invoicing / Billing')\n- credit_limit (allowed for groups 'Technical / Show Accounting Features - Readonly', 'Invoicing / Billing')\n- signup_type (allowed for groups 'Administration / Access Rights')"
        );
        assert_eq!(
            built(17, "res.partner", "Contact", 8, &fields, false),
            "You do not have enough rights to access the fields \"signup_type,credit_limit,credit\" on Contact (res.partner). Please contact your system administrator.\n\n(Operation: read)"
        );
        assert_eq!(
            built(18, "res.partner", "Contact", 8, &fields, true),
            "You do not have enough rights to access the fields \"signup_type,credit_limit,credit\" on Contact (res.partner). Please contact your system administrator.\n\nOperation: read\nUser: 8\nFields:\n- credit (allowed for groups 'Technical / Show Accounting Features - Readonly', 'Invoicing / Invoicing')\n- credit_limit (allowed for groups 'Technical / Show Accounting Features - Readonly', 'Invoicing / Invoicing')\n- signup_type (allowed for groups 'Administration / Access Rights')"
        );
        assert_eq!(
            built(18, "res.partner", "Contact", 8, &fields, false),
            "You do not have enough rights to access the fields \"signup_type,credit_limit,credit\" on Contact (res.partner). Please contact your system administrator.\n\nOperation: read"
        );
        assert_eq!(
            built(19, "res.partner", "Contact", 7, &fields, true),
            "You do not have enough rights to access the field \"signup_type\" on Contact (res.partner). Please contact your system administrator.\n\nOperation: read\nUser: 7\nGroups: allowed for groups 'Access Rights'"
        );
        assert_eq!(
            built(
                19,
                "sale.order",
                "Sales Order",
                7,
                &["transaction_ids"],
                true
            ),
            "You do not have enough rights to access the field \"transaction_ids\" on Sales Order (sale.order). Please contact your system administrator.\n\nOperation: read\nUser: 7\nGroups: allowed for groups 'Accounting / Invoicing'"
        );
    }

    #[test]
    fn group_specs() {
        let t = table(18);
        let alice: BTreeSet<i64> = [1, 7, 19, 21, 40, 45].into();
        assert!(!has_groups(
            t,
            &alice,
            "account.group_account_invoice,account.group_account_readonly"
        ));
        assert!(has_groups(t, &alice, "sales_team.group_sale_salesman"));
        assert!(has_groups(
            t,
            &alice,
            "purchase.group_purchase_user,base.group_user"
        ));
        assert!(!has_groups(t, &alice, "."));
        assert!(!has_groups(t, &alice, "!base.group_user"));
        assert!(has_groups(t, &alice, "!base.group_portal"));
        assert!(!has_groups(
            t,
            &alice,
            "base.group_user,!sales_team.group_sale_salesman"
        ));
        assert!(!has_groups(t, &alice, "no.such_group"));
        let name = |id: i64| t.names.get(&id).cloned();
        assert_eq!(groups_text(18, ".", &name, t), "always forbidden");
        assert_eq!(
            groups_text(16, "base.group_user,!base.group_portal", &name, table(16)),
            "allowed for groups 'User types / Internal User'; forbidden for groups 'User types / Portal'"
        );
        assert_eq!(
            groups_text(18, "purchase.group_purchase_user,no.such_group", &name, t),
            "allowed for groups 'Purchase / User', no.such_group"
        );
    }
}
