//! Access control: model ACLs (`ir.model.access`) and record rules (`ir.rule`),
//! evaluated for one user.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::domain::{self, Node};
use crate::faults::Fault;
use crate::store::{Schema, Store, as_id, as_ids, truthy};

/// The superuser (`__system__`): bypasses ACLs and record rules.
pub const SUPERUSER_ID: i64 = 1;
/// Group "Internal User" (19: "Role / User"), by xml id: group ids differ
/// between versions, see [`Store::ref_id`].
pub const GROUP_USER: &str = "base.group_user";
/// Group "Administration / Access Rights".
pub const GROUP_ERP_MANAGER: &str = "base.group_erp_manager";
/// Group "Administration / Settings" (19: "Role / Administrator").
pub const GROUP_SYSTEM: &str = "base.group_system";
/// Group "Portal".
pub const GROUP_PORTAL: &str = "base.group_portal";
/// Group "Public".
pub const GROUP_PUBLIC: &str = "base.group_public";
/// Group "Extra Rights / Contact Creation".
pub const GROUP_PARTNER_MANAGER: &str = "base.group_partner_manager";
/// Group "Sales / User: Own Documents Only".
pub const GROUP_SALE_SALESMAN: &str = "sales_team.group_sale_salesman";
/// Group "Sales / User: All Documents".
pub const GROUP_SALE_SALESMAN_ALL: &str = "sales_team.group_sale_salesman_all_leads";
/// Group "Purchase / User".
pub const GROUP_PURCHASE_USER: &str = "purchase.group_purchase_user";
/// Group "Purchase / Administrator".
pub const GROUP_PURCHASE_MANAGER: &str = "purchase.group_purchase_manager";
/// Group "Invoicing / Billing" (18: "Invoicing / Invoicing").
pub const GROUP_ACCOUNT_INVOICE: &str = "account.group_account_invoice";
/// Group "Show Accounting Features - Readonly".
pub const GROUP_ACCOUNT_READONLY: &str = "account.group_account_readonly";
/// Group "Invoicing / Administrator" (16: "Billing Administrator").
pub const GROUP_ACCOUNT_MANAGER: &str = "account.group_account_manager";

/// An access mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perm {
    /// read
    Read,
    /// write
    Write,
    /// create
    Create,
    /// unlink
    Unlink,
}

impl Perm {
    /// Parse `read` / `write` / `create` / `unlink`.
    pub fn parse(s: &str) -> Option<Perm> {
        Some(match s {
            "read" => Perm::Read,
            "write" => Perm::Write,
            "create" => Perm::Create,
            "unlink" => Perm::Unlink,
            _ => return None,
        })
    }

    /// The `ir.model.access` / `ir.rule` column.
    pub fn column(self) -> &'static str {
        match self {
            Perm::Read => "perm_read",
            Perm::Write => "perm_write",
            Perm::Create => "perm_create",
            Perm::Unlink => "perm_unlink",
        }
    }

    /// The operation's name.
    pub fn name(self) -> &'static str {
        match self {
            Perm::Read => "read",
            Perm::Write => "write",
            Perm::Create => "create",
            Perm::Unlink => "unlink",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Perm::Read => "access",
            Perm::Write => "modify",
            Perm::Create => "create",
            Perm::Unlink => "delete",
        }
    }
}

/// Who is calling.
#[derive(Debug, Clone)]
pub struct UserInfo {
    /// res.users id.
    pub uid: i64,
    /// Display name.
    pub name: String,
    /// Every group the user is in: the groups given (`groups_id` up to 18,
    /// `group_ids` on 19) closed over `implied_ids` of res.groups, as Odoo's
    /// `user.all_group_ids` (19) / `groups_id` (16-18) has them.
    pub groups: BTreeSet<i64>,
    /// Companies the user may use.
    pub company_ids: Vec<i64>,
    /// The user's partner.
    pub partner_id: i64,
    /// In the Settings group (`base.group_system`).
    system: bool,
}

impl UserInfo {
    /// Load a user from the store.
    pub fn load(store: &Store, uid: i64) -> Option<UserInfo> {
        let rec = store.get("res.users", uid)?;
        let given = rec
            .get("groups_id")
            .or_else(|| rec.get("group_ids"))
            .map(as_ids)
            .unwrap_or_default();
        let groups = implied_closure(store, given);
        let partner_id = rec.get("partner_id").and_then(as_id).unwrap_or(0);
        Some(UserInfo {
            uid,
            name: rec
                .get("name")
                .or_else(|| store.get("res.partner", partner_id)?.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            system: store
                .ref_id("res.groups", GROUP_SYSTEM)
                .is_some_and(|g| groups.contains(&g)),
            groups,
            company_ids: {
                let c = as_ids(rec.get("company_ids").unwrap_or(&Value::Null));
                if c.is_empty() { vec![1] } else { c }
            },
            partner_id,
        })
    }

    /// Is this the superuser?
    pub fn is_superuser(&self) -> bool {
        self.uid == SUPERUSER_ID
    }

    /// Is the user in the Settings group?
    pub fn is_system(&self) -> bool {
        self.is_superuser() || self.system
    }

    /// Is the user in the group with this xml id (`sales_team.group_sale_salesman`)?
    pub fn in_group(&self, store: &Store, xml_id: &str) -> bool {
        store
            .ref_id("res.groups", xml_id)
            .is_some_and(|g| self.groups.contains(&g))
    }
}

/// `groups` and every group they imply, transitively (`implied_ids` of res.groups).
pub fn implied_closure(store: &Store, groups: impl IntoIterator<Item = i64>) -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    let mut todo: Vec<i64> = groups.into_iter().collect();
    while let Some(g) = todo.pop() {
        if !out.insert(g) {
            continue;
        }
        if let Some(implied) = store
            .get("res.groups", g)
            .and_then(|r| r.get("implied_ids"))
        {
            todo.extend(as_ids(implied).into_iter().filter(|i| !out.contains(i)));
        }
    }
    out
}

fn ir_model_name(store: &Store, rec: &serde_json::Map<String, Value>) -> Option<String> {
    let mid = rec.get("model_id").and_then(as_id)?;
    store
        .get("ir.model", mid)?
        .get("model")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Which groups may do `perm` on `model` (`None` in the set means "everyone").
fn allowed_groups(store: &Store, model: &str, perm: Perm) -> Option<BTreeSet<Option<i64>>> {
    let rows: Vec<_> = store
        .tables
        .get("ir.model.access")
        .map(|t| {
            t.records
                .values()
                .filter(|r| r.get("active").is_none_or(truthy))
                .filter(|r| ir_model_name(store, r).as_deref() == Some(model))
                .collect()
        })
        .unwrap_or_default();
    if !rows.is_empty() {
        return Some(
            rows.iter()
                .filter(|r| r.get(perm.column()).is_some_and(truthy))
                .map(|r| r.get("group_id").and_then(as_id))
                .collect(),
        );
    }
    // Fallback for models whose ACL rows are not exported (groups by xml id,
    // as Odoo's ir.model.access.csv files name them).
    let g = |xml_ids: &[&str]| {
        Some(
            xml_ids
                .iter()
                .filter_map(|x| store.ref_id("res.groups", x))
                .map(Some)
                .collect::<BTreeSet<_>>(),
        )
    };
    match (model, perm) {
        ("ir.config_parameter" | "ir.cron", _) => g(&[GROUP_SYSTEM]),
        // base_install_request lets internal users read the modules.
        ("ir.module.module", Perm::Read) => g(&[GROUP_USER, GROUP_SYSTEM]),
        ("ir.module.module", _) => g(&[GROUP_SYSTEM]),
        ("res.lang", Perm::Read) => Some(BTreeSet::from([None])),
        ("res.lang", _) => g(&[GROUP_SYSTEM]),
        ("base.language.install", Perm::Unlink) => g(&[]),
        ("base.language.install", _) => g(&[GROUP_SYSTEM]),
        ("res.company", Perm::Read) => g(&[GROUP_USER, GROUP_PORTAL, GROUP_PUBLIC]),
        ("res.company", _) => g(&[GROUP_ERP_MANAGER]),
        ("res.users" | "res.groups" | "ir.rule" | "ir.model.access", Perm::Read) => {
            g(&[GROUP_USER])
        }
        ("res.users" | "res.groups" | "ir.rule" | "ir.model.access", _) => g(&[GROUP_ERP_MANAGER]),
        ("crm.tag", _) => g(&[GROUP_SALE_SALESMAN]),
        ("ir.attachment", _) => g(&[GROUP_USER]),
        ("res.partner.category" | "res.partner.industry", Perm::Read) => g(&[GROUP_USER]),
        ("res.partner.category" | "res.partner.industry", _) => g(&[GROUP_PARTNER_MANAGER]),
        ("purchase.order" | "purchase.order.line", Perm::Unlink) => g(&[GROUP_PURCHASE_MANAGER]),
        ("purchase.order" | "purchase.order.line", _) => g(&[GROUP_PURCHASE_USER]),
        ("account.move" | "account.move.line", Perm::Read) => {
            g(&[GROUP_ACCOUNT_INVOICE, GROUP_ACCOUNT_READONLY])
        }
        ("account.move" | "account.move.line", _) => g(&[GROUP_ACCOUNT_INVOICE]),
        (
            "account.journal" | "account.account" | "account.fiscal.position" | "account.incoterms",
            Perm::Read,
        ) => g(&[GROUP_USER]),
        (
            "account.journal" | "account.account" | "account.fiscal.position" | "account.incoterms",
            _,
        ) => g(&[GROUP_ACCOUNT_MANAGER]),
        (_, Perm::Read) => g(&[GROUP_USER, GROUP_PORTAL, GROUP_PUBLIC]),
        _ => g(&[GROUP_SYSTEM]),
    }
}

/// May the user do `perm` on `model` at all?
pub fn has_model_access(store: &Store, user: &UserInfo, model: &str, perm: Perm) -> bool {
    if user.is_superuser() {
        return true;
    }
    match allowed_groups(store, model, perm) {
        Some(groups) => groups
            .iter()
            .any(|g| g.is_none_or(|g| user.groups.contains(&g))),
        None => true,
    }
}

/// Check the model ACL, raising Odoo's AccessError.
pub fn check_model_access(
    schema: &Schema,
    store: &Store,
    user: &UserInfo,
    model: &str,
    perm: Perm,
) -> Result<(), Fault> {
    if has_model_access(store, user, model, perm) {
        return Ok(());
    }
    let desc = schema
        .model(model)
        .map_or(model, |m| m.description.as_str());
    let mut names: Vec<String> = allowed_groups(store, model, perm)
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .filter_map(|g| {
            store
                .get("res.groups", g)
                .and_then(|r| r.get("full_name"))
                .and_then(Value::as_str)
                // 16-18 write "Sales/Administrator", 19 "Role / Administrator".
                .map(|s| {
                    if schema.version >= 19 {
                        s.to_string()
                    } else {
                        s.replace(" / ", "/")
                    }
                })
        })
        .collect();
    names.sort();
    let groups = if names.is_empty() {
        "No group currently allows this operation.".to_string()
    } else {
        format!(
            "This operation is allowed for the following groups:\n{}",
            names
                .iter()
                .map(|n| format!("\t- {n}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    };
    Err(Fault::access_error(format!(
        "You are not allowed to {} '{desc}' ({model}) records.\n\n{groups}\n\nContact your administrator to request access if necessary.",
        perm.verb()
    )))
}

/// The record-rule domain restricting `user` on `model` for `perm`.
pub fn rule_domain(
    schema: &Schema,
    store: &Store,
    user: &UserInfo,
    model: &str,
    perm: Perm,
    company_ids: &[i64],
) -> Node {
    if user.is_superuser() {
        return Node::True;
    }
    let mut rules: Vec<(bool, Vec<i64>, String)> = store
        .tables
        .get("ir.rule")
        .map(|t| {
            t.records
                .values()
                .filter(|r| r.get("active").is_none_or(truthy))
                .filter(|r| r.get(perm.column()).is_some_and(truthy))
                .filter(|r| ir_model_name(store, r).as_deref() == Some(model))
                .map(|r| {
                    (
                        r.get("global").is_some_and(truthy),
                        as_ids(r.get("groups").unwrap_or(&Value::Null)),
                        r.get("domain_force")
                            .and_then(Value::as_str)
                            .unwrap_or("[]")
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if model == "sale.order.line" {
        // sale's "Personal Order Lines" / "All Orders Lines" (not exported).
        if let Some(g) = store.ref_id("res.groups", GROUP_SALE_SALESMAN) {
            rules.push((
                false,
                vec![g],
                "['|',('salesman_id','=',user.id),('salesman_id','=',False)]".into(),
            ));
        }
        if let Some(g) = store.ref_id("res.groups", GROUP_SALE_SALESMAN_ALL) {
            rules.push((false, vec![g], "[(1,'=',1)]".into()));
        }
    }
    let mut global = Vec::new();
    let mut group = Vec::new();
    for (is_global, groups, text) in rules {
        let node = python_domain(&text, user, company_ids)
            .and_then(|v| domain::parse(schema, model, &v).ok())
            .unwrap_or(Node::False);
        if is_global || groups.is_empty() {
            global.push(node);
        } else if groups.iter().any(|g| user.groups.contains(g)) {
            group.push(node);
        }
    }
    if !group.is_empty() {
        global.push(Node::Or(group));
    }
    match global.len() {
        0 => Node::True,
        _ => Node::And(global),
    }
}

/// The AccessError a record rule raises.
pub fn rule_error(schema: &Schema, user: &UserInfo, model: &str, perm: Perm) -> Fault {
    let desc = schema
        .model(model)
        .map_or(model, |m| m.description.as_str());
    if crate::version::of(schema.version).generic_rule_error {
        return Fault::access_error(format!(
            "Due to security restrictions, you are not allowed to access '{desc}' ({model}) records.\n\nContact your administrator to request access if necessary."
        ));
    }
    Fault::access_error(format!(
        "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, {} (id={}) doesn't have '{}' access to:\n- {desc} ({model})\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.",
        user.name,
        user.uid,
        perm.name()
    ))
}

// ---------------------------------------------------------------------------
// a tiny evaluator for the Python literals in `domain_force`

fn python_domain(text: &str, user: &UserInfo, company_ids: &[i64]) -> Option<Value> {
    let tokens = tokenize(text)?;
    let mut pos = 0;
    let v = parse_value(&tokens, &mut pos, user, company_ids)?;
    Some(v)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Comma,
    Str(String),
    Num(f64),
    Name(String),
}

fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '[' | '(' => out.push(Tok::Open),
            ']' | ')' => out.push(Tok::Close),
            ',' => out.push(Tok::Comma),
            '\'' | '"' => {
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    s.push(chars[i]);
                    i += 1;
                }
                out.push(Tok::Str(s));
            }
            c if c.is_whitespace() => {}
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                while i + 1 < chars.len() && (chars[i + 1].is_ascii_digit() || chars[i + 1] == '.')
                {
                    i += 1;
                }
                let s: String = chars[start..=i].iter().collect();
                out.push(Tok::Num(s.parse().ok()?));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i + 1 < chars.len()
                    && (chars[i + 1].is_alphanumeric()
                        || chars[i + 1] == '_'
                        || chars[i + 1] == '.')
                {
                    i += 1;
                }
                out.push(Tok::Name(chars[start..=i].iter().collect()));
            }
            _ => return None,
        }
        i += 1;
    }
    Some(out)
}

fn parse_value(
    toks: &[Tok],
    pos: &mut usize,
    user: &UserInfo,
    company_ids: &[i64],
) -> Option<Value> {
    let tok = toks.get(*pos)?.clone();
    *pos += 1;
    Some(match tok {
        Tok::Open => {
            let mut items = Vec::new();
            loop {
                match toks.get(*pos)? {
                    Tok::Close => {
                        *pos += 1;
                        break;
                    }
                    Tok::Comma => *pos += 1,
                    _ => items.push(parse_value(toks, pos, user, company_ids)?),
                }
            }
            Value::Array(items)
        }
        Tok::Str(s) => Value::String(s),
        Tok::Num(n) => {
            if n.fract() == 0.0 {
                Value::from(n as i64)
            } else {
                Value::from(n)
            }
        }
        Tok::Name(n) => match n.as_str() {
            "True" => Value::Bool(true),
            "False" => Value::Bool(false),
            "None" => Value::Null,
            "user.id" | "uid" => Value::from(user.uid),
            "company_ids" => Value::from(company_ids.to_vec()),
            "company_id" => Value::from(company_ids.first().copied().unwrap_or(1)),
            "user.partner_id.id" | "user.commercial_partner_id.id" => Value::from(user.partner_id),
            _ => return None,
        },
        Tok::Close | Tok::Comma => return None,
    })
}
