//! The ORM on every model of the full schema, not only the demo's: empty
//! values of non-stored fields, domains on fields Odoo cannot search,
//! defaults and sequences of purchase orders and journal entries, and the
//! public ORM methods of each version (16-19).

use odoo_mock::{Database, Fault};
use serde_json::{Map, Value, json};

const VERSIONS: [u32; 4] = [16, 17, 18, 19];
const ADMIN: i64 = 2;

fn db(version: u32) -> Database {
    let data = odoo_mock::data::dataset(version).expect("dataset loads");
    Database::from_dataset(data, format!("odoo{version}"), vec![])
}

fn try_call(
    db: &Database,
    model: &str,
    method: &str,
    args: Value,
    kwargs: Value,
) -> Result<Value, Fault> {
    let args = args.as_array().cloned().unwrap_or_default();
    let kwargs: Map<String, Value> = kwargs.as_object().cloned().unwrap_or_default();
    db.execute_kw(ADMIN, model, method, args, kwargs)
}

fn call(db: &Database, model: &str, method: &str, args: Value, kwargs: Value) -> Value {
    try_call(db, model, method, args.clone(), kwargs.clone())
        .unwrap_or_else(|e| panic!("{model}.{method}({args}, {kwargs}): {e:?}"))
}

fn sorted_ids(v: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = v
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    ids
}

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// `[id, name]` of the company's currency (USD: 2 on 16, 1 on 17-19).
fn company_currency(db: &Database) -> Value {
    call(
        db,
        "res.company",
        "read",
        json!([[1], ["currency_id"]]),
        json!({}),
    )[0]["currency_id"]
        .clone()
}

/// Reading a non-stored field the mock does not compute gives the empty
/// value of its type (as `full_rows.json` records them), on any model.
#[test]
fn non_stored_fields_read_as_the_empty_value_of_their_type() {
    for v in VERSIONS {
        let db = db(v);
        let data = odoo_mock::data::dataset(v).unwrap();
        let po = call(
            &db,
            "purchase.order",
            "create",
            json!([{"partner_id": 10}]),
            json!({}),
        );
        let po = po.as_i64().unwrap_or_else(|| po[0].as_i64().unwrap());
        let meta = data.schema.model("purchase.order").unwrap();
        let fields: Vec<String> = meta
            .fields
            .values()
            .filter(|f| !f.store && f.raw.get("related").is_none_or(|r| r == &json!(false)))
            .filter(|f| f.name != "display_name" && f.name != "tax_totals")
            .map(|f| f.name.clone())
            .collect();
        assert!(fields.len() > 10, "{v}: {fields:?}");
        let row = call(
            &db,
            "purchase.order",
            "read",
            json!([[po], fields]),
            json!({}),
        );
        for name in &fields {
            let ttype = meta.field(name).unwrap().ttype.as_str();
            let expected = match ttype {
                "one2many" | "many2many" | "properties" => json!([]),
                "integer" | "many2one_reference" => json!(0),
                "float" | "monetary" => json!(0.0),
                _ => json!(false),
            };
            assert_eq!(
                row[0][name], expected,
                "{v}: purchase.order.{name} ({ttype})"
            );
        }
        // An empty properties field reads as [] (17+:
        // product.template.product_properties, and product.product's,
        // related to it).
        if v >= 17 {
            let tmpl = call(
                &db,
                "product.template",
                "create",
                json!([{"name": "Widget"}]),
                json!({}),
            );
            let tmpl = tmpl.as_i64().unwrap_or_else(|| tmpl[0].as_i64().unwrap());
            let row = call(
                &db,
                "product.template",
                "read",
                json!([[tmpl], ["product_properties"]]),
                json!({}),
            );
            assert_eq!(row[0]["product_properties"], json!([]), "{v}");
        }
    }
}

/// A field that is not stored and has no search method (`selectable` false
/// in `ir.model.fields`, `searchable` false in `fields_get`) is logged and
/// ignored by every version: its leaf is TRUE (16-18
/// `odoo/osv/expression.py`, 19 `odoo/orm/domains.py`).
#[test]
fn a_field_odoo_cannot_search_is_ignored_in_a_domain() {
    for v in VERSIONS {
        let db = db(v);
        let all = sorted_ids(&call(&db, "sale.order", "search", json!([[]]), json!({})));
        assert!(all.len() > 5, "{v}");
        let search = |domain: Value| {
            sorted_ids(&call(
                &db,
                "sale.order",
                "search",
                json!([domain]),
                json!({}),
            ))
        };
        // sale.order.access_url: computed, not stored, no search method.
        assert_eq!(search(json!([["access_url", "=", "/nowhere"]])), all, "{v}");
        assert_eq!(search(json!([["access_url", "ilike", "zzz"]])), all, "{v}");
        // `!` goes into the leaf first (`!=`): still TRUE.
        assert_eq!(
            search(json!(["!", ["access_url", "=", "/nowhere"]])),
            all,
            "{v}"
        );
        // No inverse for `=like`: NOT TRUE, nothing.
        assert_eq!(
            search(json!(["!", ["access_url", "=like", "x"]])),
            Vec::<i64>::new(),
            "{v}"
        );
        // Beside a searchable leaf, only that one filters.
        assert_eq!(
            search(json!([
                ["access_url", "=", "/nowhere"],
                ["id", "=", all[0]]
            ])),
            vec![all[0]],
            "{v}"
        );
        assert_eq!(
            search(json!([
                "|",
                ["access_url", "=", "/nowhere"],
                ["id", "=", all[0]]
            ])),
            all,
            "{v}"
        );
        // At the end of a path: the comodel's leaf is TRUE, so any order
        // with a partner matches.
        assert_eq!(
            search(json!([["partner_id.company_type", "=", "nothing"]])),
            all,
            "{v}"
        );
        // display_name: searchable from 18 (`_search_display_name`), not
        // before (16 and 17 ignore the leaf).
        let named = search(json!([["display_name", "=", "S00021"]]));
        if v >= 18 {
            assert_eq!(named, vec![21], "{v}");
        } else {
            assert_eq!(named, all, "{v}");
        }
        // A related field searchable through its path stays searched:
        // res.company.country_code (`country_id.code`); 19 gives it no
        // search method, so 19 ignores it.
        let companies = sorted_ids(&call(&db, "res.company", "search", json!([[]]), json!({})));
        let found = sorted_ids(&call(
            &db,
            "res.company",
            "search",
            json!([[["country_code", "=", "ZZ"]]]),
            json!({}),
        ));
        if v >= 19 {
            assert_eq!(found, companies, "{v}");
        } else {
            assert_eq!(found, Vec::<i64>::new(), "{v}");
        }
        // search_count and search_read agree with search.
        let count = call(
            &db,
            "sale.order",
            "search_count",
            json!([[["access_url", "=", "/nowhere"]]]),
            json!({}),
        );
        assert_eq!(count, json!(all.len()), "{v}");
    }
}

/// purchase.order: the next number of the `purchase.order` sequence after
/// the recorded P00001 and P00002, draft, now, the current company and its
/// currency, the calling user; `default_get` answers the field defaults.
#[test]
fn purchase_orders_get_their_defaults_sequence_and_amounts() {
    for v in VERSIONS {
        let db = db(v);
        let currency = company_currency(&db);
        let before = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
        let id = call(
            &db,
            "purchase.order",
            "create",
            json!([{"partner_id": 10}]),
            json!({}),
        );
        let id = id.as_i64().unwrap_or_else(|| id[0].as_i64().unwrap());
        let row = call(
            &db,
            "purchase.order",
            "read",
            json!([
                [id],
                [
                    "name",
                    "state",
                    "company_id",
                    "currency_id",
                    "user_id",
                    "date_order",
                    "priority",
                    "invoice_status",
                    "amount_total"
                ]
            ]),
            json!({}),
        );
        let row = &row[0];
        assert_eq!(row["name"], json!("P00003"), "{v}");
        assert_eq!(row["state"], json!("draft"), "{v}");
        assert_eq!(row["company_id"], json!([1, "YourCompany"]), "{v}");
        assert_eq!(row["currency_id"], currency, "{v}");
        assert_eq!(row["user_id"], json!([2, "Mitchell Admin"]), "{v}");
        assert_eq!(row["priority"], json!("0"), "{v}");
        assert_eq!(row["invoice_status"], json!("no"), "{v}");
        assert_eq!(row["amount_total"], json!(0.0), "{v}");
        assert!(
            row["date_order"].as_str().unwrap() >= before.as_str(),
            "{v}: {row}"
        );

        // "New" (the name default a client sends back) takes the sequence.
        let id2 = call(
            &db,
            "purchase.order",
            "create",
            json!([{"partner_id": 10, "name": "New"}]),
            json!({}),
        );
        let id2 = id2.as_i64().unwrap_or_else(|| id2[0].as_i64().unwrap());
        let name = call(
            &db,
            "purchase.order",
            "read",
            json!([[id2], ["name"]]),
            json!({}),
        );
        assert_eq!(name[0]["name"], json!("P00004"), "{v}");

        // Lines: subtotal, tax (15%) and total, and the order's sums.
        let taxes = if v >= 19 { "tax_ids" } else { "taxes_id" };
        let po = call(
            &db,
            "purchase.order",
            "create",
            json!([{"partner_id": 10, "order_line": [
                [0, 0, {"product_id": 5, "name": "chairs", "product_qty": 2, "price_unit": 10.0, taxes: [[6, 0, [1]]]}],
                [0, 0, {"product_id": 6, "name": "lamps", "product_qty": 3, "price_unit": 4.5, taxes: [[6, 0, []]]}]
            ]}]),
            json!({}),
        );
        let po = po.as_i64().unwrap_or_else(|| po[0].as_i64().unwrap());
        let order = call(
            &db,
            "purchase.order",
            "read",
            json!([
                [po],
                ["amount_untaxed", "amount_tax", "amount_total", "order_line"]
            ]),
            json!({}),
        );
        assert_eq!(order[0]["amount_untaxed"], json!(33.5), "{v}: {order}");
        assert_eq!(order[0]["amount_tax"], json!(3.0), "{v}: {order}");
        assert_eq!(order[0]["amount_total"], json!(36.5), "{v}: {order}");
        let lines = call(
            &db,
            "purchase.order.line",
            "read",
            json!([
                order[0]["order_line"].clone(),
                [
                    "price_subtotal",
                    "price_tax",
                    "price_total",
                    "company_id",
                    "currency_id"
                ]
            ]),
            json!({}),
        );
        assert_eq!(lines[0]["price_subtotal"], json!(20.0), "{v}: {lines}");
        assert_eq!(lines[0]["price_tax"], json!(3.0), "{v}: {lines}");
        assert_eq!(lines[0]["price_total"], json!(23.0), "{v}: {lines}");
        assert_eq!(lines[1]["price_total"], json!(13.5), "{v}: {lines}");
        assert_eq!(
            lines[0]["company_id"],
            json!([1, "YourCompany"]),
            "{v}: {lines}"
        );
        // A write on a line recomputes it and its order.
        call(
            &db,
            "purchase.order.line",
            "write",
            json!([[lines[1]["id"].clone()], {"product_qty": 1}]),
            json!({}),
        );
        let order = call(
            &db,
            "purchase.order",
            "read",
            json!([[po], ["amount_total"]]),
            json!({}),
        );
        assert_eq!(order[0]["amount_total"], json!(27.5), "{v}: {order}");

        // default_get: field defaults only (no currency_rate, which is computed).
        let d = call(
            &db,
            "purchase.order",
            "default_get",
            json!([[
                "name",
                "state",
                "company_id",
                "currency_id",
                "user_id",
                "partner_id",
                "currency_rate",
                "priority"
            ]]),
            json!({}),
        );
        let currency_id = currency[0].clone();
        assert_eq!(
            d,
            json!({"name": "New", "state": "draft", "company_id": 1, "currency_id": currency_id, "user_id": 2, "priority": "0"}),
            "{v}"
        );
        let d = call(
            &db,
            "purchase.order",
            "default_get",
            json!([["date_order"]]),
            json!({}),
        );
        assert!(
            d["date_order"].as_str().unwrap() >= before.as_str(),
            "{v}: {d}"
        );
    }
}

/// account.move: a draft named "/", `entry` unless told, dated today, in
/// the current company's currency, in the journal of its type; with no
/// journal of that type (the demo has no general journal) Odoo's UserError.
#[test]
fn journal_entries_get_their_defaults_and_journal() {
    for v in VERSIONS {
        let db = db(v);
        let currency = company_currency(&db);
        let id = call(
            &db,
            "account.move",
            "create",
            json!([{"move_type": "out_invoice", "partner_id": 10}]),
            json!({}),
        );
        let id = id.as_i64().unwrap_or_else(|| id[0].as_i64().unwrap());
        let row = call(
            &db,
            "account.move",
            "read",
            json!([
                [id],
                [
                    "name",
                    "state",
                    "move_type",
                    "date",
                    "company_id",
                    "currency_id",
                    "journal_id",
                    "auto_post",
                    "payment_state"
                ]
            ]),
            json!({}),
        );
        let row = &row[0];
        assert_eq!(row["name"], json!("/"), "{v}");
        assert_eq!(row["state"], json!("draft"), "{v}");
        assert_eq!(row["move_type"], json!("out_invoice"), "{v}");
        assert_eq!(row["date"], json!(today()), "{v}");
        assert_eq!(row["company_id"], json!([1, "YourCompany"]), "{v}");
        assert_eq!(row["currency_id"], currency, "{v}");
        assert_eq!(row["auto_post"], json!("no"), "{v}");
        assert_eq!(row["payment_state"], json!("not_paid"), "{v}");
        // The journal of the recorded customer invoices.
        let invoices = call(
            &db,
            "account.move",
            "search_read",
            json!([[["move_type", "=", "out_invoice"], ["state", "=", "posted"]]]),
            json!({"fields": ["journal_id"]}),
        );
        assert_eq!(row["journal_id"], invoices[0]["journal_id"], "{v}");

        let err = try_call(&db, "account.move", "create", json!([{}]), json!({})).unwrap_err();
        assert_eq!(err.name, "odoo.exceptions.UserError", "{v}");
        assert_eq!(
            err.message,
            "No journal could be found in company YourCompany for any of those types: general",
            "{v}"
        );
        let entry = call(
            &db,
            "account.move",
            "create",
            json!([{"journal_id": 4}]),
            json!({}),
        );
        let entry = entry.as_i64().unwrap_or_else(|| entry[0].as_i64().unwrap());
        let row = call(
            &db,
            "account.move",
            "read",
            json!([[entry], ["move_type", "journal_id", "name"]]),
            json!({}),
        );
        assert_eq!(row[0]["move_type"], json!("entry"), "{v}");
        assert_eq!(row[0]["journal_id"][0], json!(4), "{v}");
        assert_eq!(row[0]["name"], json!("/"), "{v}");

        let d = call(
            &db,
            "account.move",
            "default_get",
            json!([[
                "name",
                "state",
                "move_type",
                "date",
                "journal_id",
                "company_id",
                "auto_post"
            ]]),
            json!({}),
        );
        assert_eq!(
            d,
            json!({"state": "draft", "move_type": "entry", "auto_post": "no"}),
            "{v}"
        );
        let d = call(
            &db,
            "account.move",
            "default_get",
            json!([["move_type"]]),
            json!({"context": {"default_move_type": "in_invoice"}}),
        );
        assert_eq!(d, json!({"move_type": "in_invoice"}), "{v}");
    }
}

/// Generic defaults: `active` true, `company_id` only where Odoo defaults
/// it (required, or `default=lambda self: self.env.company`), so a product
/// template is created without a company, as on a real server.
#[test]
fn generic_defaults_are_conservative() {
    for v in VERSIONS {
        let db = db(v);
        let d = call(
            &db,
            "product.template",
            "default_get",
            json!([["company_id", "active"]]),
            json!({}),
        );
        assert_eq!(d, json!({"active": true}), "{v}");
        let d = call(
            &db,
            "res.partner.category",
            "default_get",
            json!([["active", "name", "color"]]),
            json!({}),
        );
        assert_eq!(d, json!({"active": true}), "{v}");
        let d = call(
            &db,
            "ir.attachment",
            "default_get",
            json!([["company_id"]]),
            json!({}),
        );
        assert_eq!(d, json!({"company_id": 1}), "{v}");
        // A template gets Odoo's default category ("All", 16-18) and unit ("Units").
        let t = call(
            &db,
            "product.template",
            "create",
            json!([{"name": "Widget"}]),
            json!({}),
        );
        let t = t.as_i64().unwrap_or_else(|| t[0].as_i64().unwrap());
        let row = call(
            &db,
            "product.template",
            "read",
            json!([[t], ["categ_id", "uom_id", "company_id", "active"]]),
            json!({}),
        );
        if v >= 19 {
            // 19's category is optional, with no default.
            assert_eq!(row[0]["categ_id"], json!(false), "{v}: {row}");
        } else {
            assert_eq!(row[0]["categ_id"][1], json!("All"), "{v}: {row}");
        }
        assert_eq!(row[0]["uom_id"][1], json!("Units"), "{v}: {row}");
        assert_eq!(row[0]["company_id"], json!(false), "{v}: {row}");
        assert_eq!(row[0]["active"], json!(true), "{v}: {row}");
    }
}

/// The public ORM methods answer on models outside the demo's: one with
/// records only from the schema's data (ir.cron), one with none at all
/// (res.partner.category), and the recorded purchase orders.
#[test]
fn every_public_method_works_on_any_model() {
    for v in VERSIONS {
        let db = db(v);
        let m = "res.partner.category";
        assert_eq!(
            call(&db, m, "search", json!([[]]), json!({})),
            json!([]),
            "{v}"
        );
        assert_eq!(
            call(&db, m, "search_count", json!([[]]), json!({})),
            json!(0),
            "{v}"
        );
        assert_eq!(
            call(
                &db,
                m,
                "search_read",
                json!([[]]),
                json!({"fields": ["name"]})
            ),
            json!([]),
            "{v}"
        );
        assert_eq!(
            call(
                &db,
                m,
                "read_group",
                json!([[], ["color:sum"], ["color"]]),
                json!({})
            ),
            json!([]),
            "{v}"
        );
        assert_eq!(
            call(&db, m, "name_search", json!(["x"]), json!({})),
            json!([]),
            "{v}"
        );

        let created = call(&db, m, "create", json!([{"name": "VIP"}]), json!({}));
        let id = created
            .as_i64()
            .unwrap_or_else(|| created[0].as_i64().unwrap());
        let read = call(
            &db,
            m,
            "read",
            json!([
                [id],
                ["name", "active", "color", "parent_id", "partner_ids"]
            ]),
            json!({}),
        );
        assert_eq!(
            read,
            json!([{"id": id, "name": "VIP", "active": true, "color": 0, "parent_id": false, "partner_ids": []}]),
            "{v}"
        );
        assert_eq!(
            call(&db, m, "write", json!([[id], {"name": "Gold"}]), json!({})),
            json!(true),
            "{v}"
        );
        assert_eq!(
            call(&db, m, "name_search", json!(["gol"]), json!({})),
            json!([[id, "Gold"]]),
            "{v}"
        );
        let (nid, _) = {
            let r = call(&db, m, "name_create", json!(["Silver"]), json!({}));
            (r[0].as_i64().unwrap(), r)
        };
        assert_eq!(
            call(&db, m, "name_create", json!(["Bronze"]), json!({})),
            json!([nid + 1, "Bronze"]),
            "{v}"
        );
        let copy = call(&db, m, "copy", json!([[id]]), json!({}));
        let copy_id = if v <= 17 {
            copy.as_i64().unwrap()
        } else {
            copy[0].as_i64().unwrap()
        };
        let names = call(&db, m, "read", json!([[copy_id], ["name"]]), json!({}));
        assert!(
            names[0]["name"].as_str().unwrap().starts_with("Gold"),
            "{v}: {names}"
        );
        assert_eq!(
            call(&db, m, "exists", json!([[id, 99_999]]), json!({})),
            json!([id]),
            "{v}"
        );
        let groups = call(
            &db,
            m,
            "read_group",
            json!([[["id", "=", id]], ["color:sum"], ["name"]]),
            json!({}),
        );
        assert_eq!(groups[0]["name"], json!("Gold"), "{v}: {groups}");
        assert_eq!(groups[0]["name_count"], json!(1), "{v}: {groups}");
        let fields = call(
            &db,
            m,
            "fields_get",
            json!([["name", "color"]]),
            json!({"attributes": ["type", "searchable"]}),
        );
        assert_eq!(
            fields,
            json!({"name": {"type": "char", "searchable": true}, "color": {"type": "integer", "searchable": true}}),
            "{v}"
        );
        // A non-stored field without a search method says so.
        let fields = call(
            &db,
            "account.move",
            "fields_get",
            json!([["name", "tax_totals"]]),
            json!({"attributes": ["searchable", "store"]}),
        );
        assert_eq!(
            fields,
            json!({"name": {"searchable": true, "store": true}, "tax_totals": {"searchable": false, "store": false}}),
            "{v}"
        );
        assert_eq!(
            call(&db, m, "unlink", json!([[id]]), json!({})),
            json!(true),
            "{v}"
        );
        assert_eq!(
            call(&db, m, "exists", json!([[id]]), json!({})),
            json!([]),
            "{v}"
        );

        // web_search_read / web_read / web_save: 17+ take a specification;
        // 16 has web_search_read(domain, fields) and no web_read / web_save.
        if v >= 17 {
            let page = call(
                &db,
                "purchase.order",
                "web_search_read",
                json!([[]]),
                json!({"specification": {"name": {}, "partner_id": {"fields": {"display_name": {}}}}, "order": "id", "limit": 1}),
            );
            assert_eq!(page["length"], json!(2), "{v}: {page}");
            assert_eq!(page["records"][0]["name"], json!("P00001"), "{v}: {page}");
            assert!(
                page["records"][0]["partner_id"]["display_name"].is_string(),
                "{v}: {page}"
            );
            let saved = call(
                &db,
                m,
                "web_save",
                json!([[], {"name": "Web"}]),
                json!({"specification": {"name": {}, "active": {}}}),
            );
            let wid = saved[0]["id"].as_i64().unwrap();
            assert_eq!(
                saved,
                json!([{"id": wid, "name": "Web", "active": true}]),
                "{v}"
            );
            let read = call(
                &db,
                m,
                "web_read",
                json!([[wid]]),
                json!({"specification": {"display_name": {}}}),
            );
            assert_eq!(read, json!([{"id": wid, "display_name": "Web"}]), "{v}");
        } else {
            let page = call(
                &db,
                "purchase.order",
                "web_search_read",
                json!([[]]),
                json!({"fields": ["name"], "order": "id", "limit": 1}),
            );
            assert_eq!(
                page,
                json!({"length": 2, "records": [{"id": 1, "name": "P00001"}]}),
                "{v}"
            );
            for method in ["web_read", "web_save"] {
                let err = try_call(&db, m, method, json!([[]]), json!({})).unwrap_err();
                assert_eq!(err.name, "builtins.AttributeError", "{v}");
                assert_eq!(
                    err.message,
                    format!("The method '{method}' does not exist on the model '{m}'"),
                    "{v}"
                );
            }
        }

        // ir.cron: records from the real schema's data.
        let crons = call(
            &db,
            "ir.cron",
            "search_count",
            json!([[]]),
            json!({"context": {"active_test": false}}),
        );
        assert!(crons.as_i64().unwrap() > 0, "{v}");

        // Access checks: check_access_rights everywhere, check_access_rule
        // (None), has_access / check_access from 18 only.
        assert_eq!(
            call(
                &db,
                "ir.cron",
                "check_access_rights",
                json!(["write"]),
                json!({})
            ),
            json!(true),
            "{v}"
        );
        assert_eq!(
            call(
                &db,
                "purchase.order",
                "check_access_rule",
                json!([[1], "read"]),
                json!({})
            ),
            Value::Null,
            "{v}"
        );
        if v >= 18 {
            assert_eq!(
                call(
                    &db,
                    "purchase.order",
                    "has_access",
                    json!([[1], "write"]),
                    json!({})
                ),
                json!(true),
                "{v}"
            );
            assert_eq!(
                call(
                    &db,
                    "purchase.order",
                    "check_access",
                    json!([[1], "write"]),
                    json!({})
                ),
                Value::Null,
                "{v}"
            );
        } else {
            for method in ["has_access", "check_access"] {
                let err = try_call(
                    &db,
                    "purchase.order",
                    method,
                    json!([[1], "read"]),
                    json!({}),
                )
                .unwrap_err();
                assert_eq!(
                    err.message,
                    format!("The method '{method}' does not exist on the model 'purchase.order'"),
                    "{v}"
                );
            }
        }
    }
}

/// formatted_read_group exists from 19 (over every transport); 16-18
/// answer the recorded AttributeError
/// (`jsonrpc_error_formatted_read_group_not_available`).
#[test]
fn formatted_read_group_is_19s() {
    for v in VERSIONS {
        let db = db(v);
        let r = try_call(
            &db,
            "purchase.order",
            "formatted_read_group",
            json!([[], ["state"], ["amount_total:sum", "__count"]]),
            json!({}),
        );
        if v >= 19 {
            assert_eq!(
                r.unwrap(),
                json!([{"state": "draft", "__extra_domain": [["state", "=", "draft"]], "amount_total:sum": 6121.5, "__count": 2}]),
                "{v}"
            );
            // read_group is deprecated in 19 but still answers.
            let g = call(
                &db,
                "purchase.order",
                "read_group",
                json!([[], ["amount_total:sum"], ["state"]]),
                json!({"lazy": false}),
            );
            assert_eq!(g[0]["__count"], json!(2), "{v}: {g}");
        } else {
            let e = r.unwrap_err();
            assert_eq!(e.name, "builtins.AttributeError", "{v}");
            assert_eq!(
                e.message,
                "The method 'formatted_read_group' does not exist on the model 'purchase.order'",
                "{v}"
            );
        }
    }
}
