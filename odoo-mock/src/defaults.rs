//! Defaults, sequences and the amounts a real server fills on `create` for
//! the demo's purchase orders and journal entries, and the generic defaults
//! (company, currency, user) the mock gives any model.
//!
//! What a field's default is cannot be read from the schema (`ir.model.fields`
//! does not export it), so only these are filled, from the Odoo addons'
//! field definitions (`purchase/models/purchase_order.py`,
//! `purchase/models/purchase_order_line.py`, `account/models/account_move.py`,
//! the same in 16.0-19.0) and the recorded rows (`full_rows.json`):
//!
//! * `purchase.order`: `name` from the `purchase.order` sequence (`P00001`,
//!   `P00002` recorded, so the next is `P00003`; like `sale.order`, the
//!   sequence follows the ids), `state` draft, `date_order` now, `company_id`
//!   the current company, `currency_id` its currency, `user_id` the caller,
//!   `priority` "0", `invoice_status` "no", `currency_rate` 1.0;
//! * `purchase.order.line`: `name`, `price_unit` (the product's cost),
//!   vendor taxes and unit from the product; `price_subtotal` / `price_tax` /
//!   `price_total` and the order's `amount_*` computed as Odoo does;
//! * `account.move`: `name` "/" while draft, `state` draft, `move_type`
//!   entry, `date` today, `company_id` / `currency_id` the current company's,
//!   `auto_post` "no", `payment_state` "not_paid", and `journal_id` the
//!   company's journal of the move's type (sale, purchase, general); with no
//!   such journal Odoo raises its UserError, and so does the mock.
//!
//! * `product.template`: `uom_id` (and up to 18 `uom_po_id`) Units and, where
//!   the category is required (16-18), the "All" category.
//!
//! `default_get` answers field defaults only: what Odoo computes on create
//! (`sale.order.user_id`, `account.move.journal_id`, ...) is not a default.

use serde_json::{Map, Value, json};

use crate::faults::Fault;
use crate::methods::Env;
use crate::store::{ModelMeta, Record, as_id, as_ids, truthy};

/// Models whose `company_id`, although not required, defaults to the
/// current company (`default=lambda self: self.env.company` in their Odoo
/// definition). A required `company_id` always gets it; any other model
/// (e.g. `product.template`, `res.partner`) leaves it empty, as Odoo does.
const COMPANY_DEFAULT_MODELS: &[&str] = &[
    "account.analytic.account",
    "account.move",
    "digest.digest",
    "ir.attachment",
    "ir.sequence",
    "product.supplierinfo",
    "res.currency.rate",
    "resource.calendar",
    "resource.resource",
    "sale.order.template",
    "utm.campaign",
];

/// The company new records belong to: Odoo's `env.company`, the first of
/// the context's `allowed_company_ids`, else the user's current company.
pub fn current_company(env: &Env<'_>) -> i64 {
    if let Some(Value::Array(ids)) = env.context.get("allowed_company_ids") {
        if let Some(first) = ids.iter().find_map(as_id) {
            return first;
        }
    }
    env.store
        .get("res.users", env.user.uid)
        .and_then(|u| u.get("company_id"))
        .and_then(as_id)
        .or_else(|| env.user.company_ids.first().copied())
        .unwrap_or(1)
}

/// The currency of `company` (USD is 1 on 17-19, 2 on 16).
pub fn company_currency(env: &Env<'_>, company: i64) -> i64 {
    env.store
        .get("res.company", company)
        .and_then(|c| c.get("currency_id"))
        .and_then(as_id)
        .unwrap_or(1)
}

/// Does `company_id` of this model default to the current company?
pub fn company_default(meta: &ModelMeta) -> bool {
    meta.field("company_id").is_some_and(|f| {
        f.ttype == "many2one"
            && f.store
            && f.relation.as_deref() == Some("res.company")
            && (f.required || COMPANY_DEFAULT_MODELS.contains(&meta.model.as_str()))
    })
}

/// Insert `v` as the default of `field` when the model has that field.
fn put(meta: &ModelMeta, d: &mut Map<String, Value>, field: &str, v: Value) {
    if meta.field(field).is_some() {
        d.insert(field.to_string(), v);
    }
}

/// The next number of a sequence that follows the ids of `model`.
fn next_number(env: &Env<'_>, model: &str) -> i64 {
    env.store
        .tables
        .get(model)
        .map(|t| {
            t.next_id
                .max(t.records.keys().next_back().copied().unwrap_or(0) + 1)
        })
        .unwrap_or(1)
}

/// Defaults of the models this file knows (see the module doc), added to
/// the generic ones `d` already holds.
pub fn model_defaults(
    env: &Env<'_>,
    meta: &ModelMeta,
    vals: &Map<String, Value>,
    d: &mut Map<String, Value>,
) {
    let company = current_company(env);
    let currency = company_currency(env, company);
    let uid = env.user.uid;
    // A required user field is the caller (`default=lambda self: self.env.user`).
    if meta
        .field("user_id")
        .is_some_and(|f| f.required && f.store && f.relation.as_deref() == Some("res.users"))
    {
        d.insert("user_id".into(), json!(uid));
    }
    match meta.model.as_str() {
        "purchase.order" => {
            let next = next_number(env, "purchase.order");
            d.insert("name".into(), json!(format!("P{next:05}")));
            d.insert("state".into(), json!("draft"));
            d.insert("date_order".into(), json!(crate::methods::now_string()));
            d.insert("company_id".into(), json!(company));
            d.insert("currency_id".into(), json!(currency));
            d.insert("user_id".into(), json!(uid));
            put(meta, d, "priority", json!("0"));
            put(meta, d, "invoice_status", json!("no"));
            put(meta, d, "currency_rate", json!(1.0));
        }
        "purchase.order.line" => purchase_line_defaults(env, meta, vals, d),
        // `ProductTemplate._get_default_category_id`: the "All" category
        // (`product.product_category_all`), or else the first category.
        // 19 makes the category optional, with no default.
        "product.template" => {
            let all = env
                .store
                .ref_id("product.category", "product.product_category_all")
                .or_else(|| env.store.ids("product.category").first().copied());
            if let Some(all) = all.filter(|_| meta.field("categ_id").is_some_and(|f| f.required)) {
                d.insert("categ_id".into(), json!(all));
            }
            // `_get_default_uom_id`: Units (`uom.product_uom_unit`), for
            // `uom_id` and, up to 18, the purchase unit `uom_po_id`.
            let units = env
                .store
                .ref_id("uom.uom", "uom.product_uom_unit")
                .or_else(|| env.store.ids("uom.uom").first().copied());
            if let Some(units) = units {
                put(meta, d, "uom_id", json!(units));
                put(meta, d, "uom_po_id", json!(units));
            }
        }
        "account.move" => {
            let move_type = vals
                .get("move_type")
                .and_then(Value::as_str)
                .unwrap_or("entry");
            d.insert("name".into(), json!("/"));
            d.insert("state".into(), json!("draft"));
            d.insert("move_type".into(), json!("entry"));
            d.insert("date".into(), json!(today()));
            d.insert("company_id".into(), json!(company));
            d.insert("currency_id".into(), json!(currency));
            put(meta, d, "auto_post", json!("no"));
            put(meta, d, "payment_state", json!("not_paid"));
            if let Some(j) = default_journal(env, company, move_type) {
                d.insert("journal_id".into(), json!(j));
            }
        }
        // A custom field made through `ir.model.fields` (Odoo's
        // `IrModelFields` defaults): stored, so searchable, and manual.
        "ir.model.fields" => {
            put(meta, d, "store", json!(true));
            put(meta, d, "selectable", json!(true));
            put(meta, d, "state", json!("manual"));
            put(meta, d, "readonly", json!(false));
            put(meta, d, "required", json!(false));
        }
        _ => {}
    }
}

/// Today (UTC), as Odoo writes dates.
fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

fn purchase_line_defaults(
    env: &Env<'_>,
    meta: &ModelMeta,
    vals: &Map<String, Value>,
    d: &mut Map<String, Value>,
) {
    put(meta, d, "date_planned", json!(crate::methods::now_string()));
    if let Some(order) = vals
        .get("order_id")
        .and_then(as_id)
        .and_then(|o| env.store.get("purchase.order", o))
    {
        for f in ["company_id", "currency_id", "partner_id", "state"] {
            if let Some(v) = order.get(f) {
                put(meta, d, f, v.clone());
            }
        }
    }
    let Some(pid) = vals.get("product_id").and_then(as_id) else {
        return;
    };
    let product = env.store.get("product.product", pid);
    let template = product
        .and_then(|p| p.get("product_tmpl_id"))
        .and_then(as_id)
        .and_then(|t| env.store.get("product.template", t));
    let from = |f: &str| -> Option<Value> {
        product
            .and_then(|p| p.get(f))
            .or_else(|| template.and_then(|t| t.get(f)))
            .cloned()
    };
    // The purchase description: the product's display name, then its
    // purchase description when it has one.
    let mut name = env.display_name("product.product", pid);
    if let Some(desc) = from("description_purchase").filter(truthy) {
        if let Some(desc) = desc.as_str() {
            name = format!("{name}\n{desc}");
        }
    }
    d.insert("name".into(), json!(name));
    // No vendor price list in the demo: the product's cost.
    d.insert(
        "price_unit".into(),
        from("standard_price").unwrap_or_else(|| json!(0.0)),
    );
    let taxes = from("supplier_taxes_id").unwrap_or_else(|| json!([]));
    let tax_field = if meta.field("tax_ids").is_some() {
        "tax_ids"
    } else {
        "taxes_id"
    };
    put(meta, d, tax_field, json!(as_ids(&taxes)));
    // 16-18 buy in `uom_po_id`; 19 has one unit, `uom_id`, and `product_uom_id`.
    let unit = from("uom_po_id")
        .filter(truthy)
        .or_else(|| from("uom_id"))
        .filter(truthy);
    if let Some(unit) = unit.and_then(|u| as_id(&u).or_else(|| u.get(0).and_then(as_id))) {
        put(meta, d, "product_uom", json!(unit));
        put(meta, d, "product_uom_id", json!(unit));
    }
}

/// The journal a new move of `move_type` goes to in `company`: one of the
/// journal type its move type needs (`sale` for customer documents,
/// `purchase` for vendor ones, `general` for entries). The demo's journals
/// are known by id and name only, so a journal that recorded moves of the
/// same kind use counts as one of that type.
fn default_journal(env: &Env<'_>, company: i64, move_type: &str) -> Option<i64> {
    let kind = journal_type(move_type);
    let journals = env.store.tables.get("account.journal")?;
    let typed = journals.records.iter().find(|(_, j)| {
        j.get("type").and_then(Value::as_str) == Some(kind)
            && j.get("company_id")
                .and_then(as_id)
                .is_none_or(|c| c == company)
            && j.get("active").is_none_or(truthy)
    });
    if let Some((id, _)) = typed {
        return Some(*id);
    }
    let moves = env.store.tables.get("account.move")?;
    moves
        .records
        .values()
        .filter(|m| {
            m.get("move_type")
                .and_then(Value::as_str)
                .is_some_and(|t| journal_type(t) == kind)
                && m.get("company_id")
                    .and_then(as_id)
                    .is_none_or(|c| c == company)
        })
        .find_map(|m| m.get("journal_id").and_then(as_id))
        .filter(|j| journals.records.contains_key(j))
}

fn journal_type(move_type: &str) -> &'static str {
    match move_type {
        "out_invoice" | "out_refund" | "out_receipt" => "sale",
        "in_invoice" | "in_refund" | "in_receipt" => "purchase",
        _ => "general",
    }
}

/// Checks and sequences once a new record's values are known, before it is
/// stored: a sale or purchase order named "New" (the field default a client
/// may send back) takes its sequence number, and a journal entry with no
/// journal raises Odoo's UserError (`AccountMove._search_default_journal`).
pub fn before_insert(env: &Env<'_>, meta: &ModelMeta, rec: &mut Record) -> Result<(), Fault> {
    match meta.model.as_str() {
        "sale.order" | "purchase.order"
            if rec.get("name").and_then(Value::as_str) == Some("New") =>
        {
            let next = next_number(env, &meta.model);
            let prefix = if meta.model == "sale.order" { "S" } else { "P" };
            rec.insert("name".into(), json!(format!("{prefix}{next:05}")));
        }
        "account.move" if rec.get("journal_id").is_none_or(|j| !truthy(j)) => {
            let move_type = rec
                .get("move_type")
                .and_then(Value::as_str)
                .unwrap_or("entry");
            let company = rec
                .get("company_id")
                .and_then(as_id)
                .unwrap_or_else(|| current_company(env));
            if let Some(j) = default_journal(env, company, move_type) {
                rec.insert("journal_id".into(), json!(j));
            } else {
                return Err(Fault::user_error(format!(
                    "No journal could be found in company {} for any of those types: {}",
                    env.display_name("res.company", company),
                    journal_type(move_type)
                )));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Fields `default_get` leaves out for `model`: values Odoo computes when
/// the record is created, not field defaults.
pub fn computed_on_create(model: &str) -> &'static [&'static str] {
    match model {
        "purchase.order" => &["currency_rate"],
        "account.move" => &[
            "name",
            "date",
            "journal_id",
            "company_id",
            "currency_id",
            "payment_state",
        ],
        "purchase.order.line" => &[
            "name",
            "price_unit",
            "taxes_id",
            "tax_ids",
            "product_uom",
            "product_uom_id",
            "date_planned",
            "company_id",
            "currency_id",
            "partner_id",
            "state",
        ],
        _ => &[],
    }
}

/// The field default of an order's `name` (`default=lambda self: _('New')`
/// on sale.order and purchase.order), which `create` replaces.
pub fn name_default(model: &str) -> Option<Value> {
    matches!(model, "sale.order" | "purchase.order").then(|| json!("New"))
}

/// Recompute what depends on a change (purchase lines' and orders' amounts).
pub fn after_change(env: &mut Env<'_>, model: &str, id: i64, changed: &[String]) {
    match model {
        "purchase.order.line"
            if changed.iter().any(|c| {
                matches!(
                    c.as_str(),
                    "product_qty"
                        | "price_unit"
                        | "discount"
                        | "taxes_id"
                        | "tax_ids"
                        | "product_id"
                        | "order_id"
                )
            }) =>
        {
            recompute_purchase_line(env, id);
            if let Some(o) = env
                .store
                .get(model, id)
                .and_then(|r| r.get("order_id"))
                .and_then(as_id)
            {
                recompute_purchase_order(env, o);
            }
        }
        "purchase.order" if changed.iter().any(|c| c == "order_line") => {
            recompute_purchase_order(env, id);
        }
        _ => {}
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `PurchaseOrderLine._compute_amount`: subtotal after discount, taxes
/// (percentages, excluded from the price) on it.
fn recompute_purchase_line(env: &mut Env<'_>, id: i64) {
    let Some(r) = env.store.get("purchase.order.line", id) else {
        return;
    };
    let num = |f: &str| r.get(f).and_then(Value::as_f64).unwrap_or(0.0);
    let (qty, price, discount) = (num("product_qty"), num("price_unit"), num("discount"));
    let taxes = r
        .get("taxes_id")
        .or_else(|| r.get("tax_ids"))
        .map(as_ids)
        .unwrap_or_default();
    let rate: f64 = taxes
        .iter()
        .filter_map(|t| env.store.get("account.tax", *t))
        .map(|t| t.get("amount").and_then(Value::as_f64).unwrap_or(0.0) / 100.0)
        .sum();
    let subtotal = round2(qty * price * (1.0 - discount / 100.0));
    let tax = round2(subtotal * rate);
    if let Some(mut r) = env.store.record_mut("purchase.order.line", id) {
        r.insert("price_subtotal".into(), json!(subtotal));
        r.insert("price_tax".into(), json!(tax));
        r.insert("price_total".into(), json!(round2(subtotal + tax)));
    }
}

/// `PurchaseOrder._amount_all`: the sums of the lines.
fn recompute_purchase_order(env: &mut Env<'_>, id: i64) {
    let lines = env.store.referring("purchase.order.line", "order_id", id);
    let (mut untaxed, mut tax) = (0.0, 0.0);
    for l in lines {
        if let Some(r) = env.store.get("purchase.order.line", l) {
            untaxed += r
                .get("price_subtotal")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            tax += r.get("price_tax").and_then(Value::as_f64).unwrap_or(0.0);
        }
    }
    if let Some(mut r) = env.store.record_mut("purchase.order", id) {
        r.insert("amount_untaxed".into(), json!(round2(untaxed)));
        r.insert("amount_tax".into(), json!(round2(tax)));
        r.insert("amount_total".into(), json!(round2(untaxed + tax)));
    }
}
