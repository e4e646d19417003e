//! The transport-agnostic ORM: domains, order, rules and errors.

use odoo_mock::Database;
use serde_json::{Map, Value, json};

fn kw(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn call(
    db: &Database,
    uid: i64,
    model: &str,
    method: &str,
    args: Value,
    kwargs: Value,
) -> Result<Value, odoo_mock::Fault> {
    let args = args.as_array().cloned().unwrap_or_default();
    db.execute_kw(uid, model, method, args, kw(kwargs))
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

#[test]
fn authenticate_users_and_api_keys() {
    let db = Database::new("odoo18", vec![("admin".into(), "k3y".into())]);
    assert_eq!(db.authenticate("admin", "admin"), Some(2));
    assert_eq!(db.authenticate("admin", "k3y"), Some(2));
    assert_eq!(db.authenticate("alice", "alice"), Some(8));
    assert_eq!(db.authenticate("alice", "WRONG"), None);
    assert_eq!(db.authenticate("__system__", "__system__"), None);
    assert!(db.check_credentials(9, "bob"));
}

#[test]
fn domains() {
    let db = Database::new("odoo18", vec![]);
    let count = |d: Value| {
        call(&db, 2, "sale.order", "search_count", json!([d]), json!({}))
            .map(|v| v.as_i64().unwrap_or(-1))
    };
    assert_eq!(count(json!([])).ok(), Some(26));
    assert_eq!(count(json!([["user_id", "=?", false]])).ok(), Some(26));
    assert_eq!(count(json!([["user_id", "=?", 8]])).ok(), Some(3));
    assert_eq!(count(json!(["!", ["state", "=", "sale"]])).ok(), Some(9));
    assert_eq!(count(json!([["id", "in", []]])).ok(), Some(0));
    assert_eq!(count(json!(["|", [0, "=", 1], [1, "=", 1]])).ok(), Some(26));
    assert_eq!(
        count(json!([["partner_id", "ilike", "gemini"]])).ok(),
        Some(14)
    );
    assert_eq!(
        count(json!([["partner_id.country_id.code", "=", "US"]])).ok(),
        Some(26)
    );
    assert_eq!(
        count(json!([["order_line", "any", [["product_id", "=", 44]]]])).ok(),
        Some(1)
    );
    assert_eq!(
        count(json!([[
            "order_line",
            "not any",
            [["product_id", "=", 44]]
        ]]))
        .ok(),
        Some(25)
    );
    let r = call(
        &db,
        2,
        "res.partner",
        "search",
        json!([[["id", "child_of", 10]]]),
        json!({"order": "id"}),
    )
    .ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![10, 19, 20, 36]));
    let r = call(
        &db,
        2,
        "res.partner",
        "search",
        json!([[["id", "parent_of", 19]]]),
        json!({"order": "id"}),
    )
    .ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![10, 19]));
    let r = call(
        &db,
        2,
        "res.partner",
        "search",
        json!([[["name", "=like", "Deco%"]]]),
        json!({}),
    )
    .ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![10]));
    let r = call(
        &db,
        2,
        "res.partner",
        "search",
        json!([[["name", "=like", "deco%"]]]),
        json!({}),
    )
    .ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![]));
}

#[test]
fn order_limit_offset_and_active_test() {
    let db = Database::new("odoo18", vec![]);
    let r = call(
        &db,
        2,
        "sale.order",
        "search",
        json!([[]]),
        json!({"order": "id desc", "limit": 3, "offset": 1}),
    )
    .ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![25, 24, 23]));
    let r = call(
        &db,
        2,
        "res.partner",
        "search",
        json!([[["id", "in", [1, 2, 3]]]]),
        json!({"order": "id"}),
    )
    .ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![1, 3]));
    let r = call(
        &db,
        2,
        "res.partner",
        "search",
        json!([[["id", "in", [1, 2, 3]]]]),
        json!({"order": "id", "context": {"active_test": false}}),
    )
    .ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![1, 2, 3]));
    let e = call(
        &db,
        2,
        "sale.order",
        "search",
        json!([[]]),
        json!({"order": "name desc; drop"}),
    )
    .err();
    assert_eq!(
        e.map(|e| e.name),
        Some("odoo.exceptions.UserError".to_string())
    );
}

#[test]
fn record_rules_and_acls() {
    let db = Database::new("odoo18", vec![]);
    let r = call(&db, 8, "sale.order", "search", json!([[]]), json!({})).ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![23, 22, 21]));
    let r = call(&db, 9, "sale.order", "search", json!([[]]), json!({})).ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![26, 25, 24]));
    let e = call(
        &db,
        8,
        "sale.order",
        "read",
        json!([[24]]),
        json!({"fields": ["name"]}),
    )
    .err();
    let e = e.map(|e| (e.name, e.message));
    assert_eq!(
        e,
        Some((
            "odoo.exceptions.AccessError".to_string(),
            "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, Alice (id=8) doesn't have 'read' access to:\n- Sales Order (sale.order)\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.".to_string()
        ))
    );
    let e = call(
        &db,
        8,
        "sale.order",
        "write",
        json!([[24], {"note": "x"}]),
        json!({}),
    )
    .err();
    assert!(e.is_some_and(|e| e.message.contains("doesn't have 'read' access")));
    let e = call(
        &db,
        8,
        "ir.config_parameter",
        "search_read",
        json!([[]]),
        json!({}),
    )
    .err();
    assert!(e.is_some_and(|e| e.message.starts_with(
        "You are not allowed to access 'System Parameter' (ir.config_parameter) records."
    )));
    // lines follow their order's owner
    let r = call(
        &db,
        8,
        "sale.order.line",
        "search",
        json!([[]]),
        json!({"order": "id"}),
    )
    .ok();
    assert_eq!(r.map(|v| ids(&v)), Some(vec![45, 46, 47, 48, 49, 50]));
}

#[test]
fn create_write_unlink_and_errors() {
    let db = Database::new("odoo18", vec![]);
    let id = call(
        &db,
        2,
        "res.partner",
        "create",
        json!([{"name": "Child", "parent_id": 10}]),
        json!({}),
    )
    .ok()
    .and_then(|v| v.as_i64());
    let Some(id) = id else {
        panic!("create failed")
    };
    let r = call(
        &db,
        2,
        "res.partner",
        "read",
        json!([[id], ["display_name", "parent_id"]]),
        json!({}),
    )
    .ok();
    assert_eq!(
        r,
        Some(
            json!([{"id": id, "display_name": "Deco Addict, Child", "parent_id": [10, "Deco Addict"]}])
        )
    );
    assert_eq!(
        call(
            &db,
            2,
            "res.partner",
            "write",
            json!([[id], {"name": "Kid"}]),
            json!({})
        )
        .ok(),
        Some(json!(true))
    );
    assert_eq!(
        call(&db, 2, "res.partner", "unlink", json!([[id]]), json!({})).ok(),
        Some(json!(true))
    );
    assert_eq!(
        call(&db, 2, "res.partner", "read", json!([[id]]), json!({})).ok(),
        Some(json!([]))
    );
    let e = call(
        &db,
        2,
        "res.partner",
        "write",
        json!([[id], {"name": "x"}]),
        json!({}),
    )
    .err();
    assert_eq!(
        e.map(|e| e.name),
        Some("odoo.exceptions.MissingError".into())
    );
    let e = call(
        &db,
        2,
        "res.partner",
        "create",
        json!([{"email": "a@b"}]),
        json!({}),
    )
    .err();
    assert_eq!(
        e.map(|e| e.message),
        Some("The operation cannot be completed: Contacts require a name".into())
    );
    let e = call(
        &db,
        2,
        "res.partner",
        "write",
        json!([[3], {"parent_id": 3}]),
        json!({}),
    )
    .err();
    assert_eq!(
        e.map(|e| e.message),
        Some("You cannot create recursive Partner hierarchies.".into())
    );
    let e = call(&db, 2, "sale.order", "unlink", json!([[21]]), json!({})).err();
    assert_eq!(e.map(|e| e.name), Some("odoo.exceptions.UserError".into()));
    let e = call(
        &db,
        2,
        "res.partner",
        "no_such_method",
        json!([[]]),
        json!({}),
    )
    .err();
    assert_eq!(e.map(|e| e.name), Some("builtins.AttributeError".into()));
    let e = call(
        &db,
        2,
        "res.partner",
        "search",
        json!([[["no_such_field", "=", 1]]]),
        json!({}),
    )
    .err();
    assert_eq!(
        e.map(|e| e.message),
        Some("Invalid field res.partner.no_such_field in leaf ('no_such_field', '=', 1)".into())
    );
}

#[test]
fn sale_order_defaults_and_x2many() {
    let db = Database::new("odoo18", vec![]);
    let id = call(
        &db,
        8,
        "sale.order",
        "create",
        json!([{"partner_id": 15, "order_line": [[0, 0, {"product_id": 5, "product_uom_qty": 2}]], "tag_ids": [[6, 0, [1, 2]]]}]),
        json!({}),
    )
    .ok()
    .and_then(|v| v.as_i64());
    assert_eq!(id, Some(27));
    let r = call(
        &db,
        8,
        "sale.order",
        "read",
        json!([
            [27],
            ["name", "user_id", "state", "amount_total", "tag_ids"]
        ]),
        json!({}),
    )
    .ok();
    assert_eq!(
        r,
        Some(
            json!([{"id": 27, "name": "S00027", "user_id": [8, "Alice"], "state": "draft", "amount_total": 140.0, "tag_ids": [1, 2]}])
        )
    );
    assert!(
        call(
            &db,
            8,
            "sale.order",
            "write",
            json!([[27], {"tag_ids": [[3, 1], [4, 5]]}]),
            json!({})
        )
        .is_ok()
    );
    let r = call(
        &db,
        8,
        "sale.order",
        "read",
        json!([[27], ["tag_ids"]]),
        json!({}),
    )
    .ok();
    assert_eq!(r, Some(json!([{"id": 27, "tag_ids": [2, 5]}])));
    // bob cannot see it
    let r = call(
        &db,
        9,
        "sale.order",
        "search",
        json!([[["id", "=", 27]]]),
        json!({}),
    )
    .ok();
    assert_eq!(r, Some(json!([])));
}

#[test]
fn related_fields_read_through_their_path() {
    let db = Database::new("odoo18", vec![]);
    // product.product.name is related to product_tmpl_id.name (not stored).
    let rows = call(
        &db,
        2,
        "product.product",
        "read",
        json!([[44]]),
        json!({"fields": ["name", "list_price", "uom_id", "product_tmpl_id"]}),
    )
    .unwrap();
    let row = &rows[0];
    let template = row["product_tmpl_id"][0].as_i64().unwrap();
    let tmpl = call(
        &db,
        2,
        "product.template",
        "read",
        json!([[template]]),
        json!({"fields": ["name", "list_price", "uom_id"]}),
    )
    .unwrap();
    assert_eq!(row["name"], tmpl[0]["name"]);
    assert_eq!(row["list_price"], tmpl[0]["list_price"]);
    assert_eq!(row["uom_id"], tmpl[0]["uom_id"]);
    assert_eq!(row["name"], json!("Customizable Desk"));
}

/// `jsonrpc_web_read_many2one_display_name_context` (17, 18): a `context`
/// in a many2one's specification reaches its display name.
#[test]
fn a_context_in_a_specification_reaches_the_display_name() {
    for version in [17, 18, 19] {
        let data = odoo_mock::data::dataset(version).unwrap();
        let db = Database::from_dataset(data, "odoo", vec![]);
        let ok = |model: &str, method: &str, args: Value, kwargs: Value| {
            call(&db, 2, model, method, args, kwargs).unwrap()
        };
        let order = ok(
            "sale.order",
            "search",
            json!([[["client_order_ref", "=", "SDK-alice-1"]]]),
            json!({}),
        )[0]
        .as_i64()
        .unwrap();
        let spec =
            json!({"partner_id": {"fields": {"display_name": {}}, "context": {"show_address": 1}}});
        let rows = ok(
            "sale.order",
            "web_read",
            json!([[order]]),
            json!({"specification": spec}),
        );
        assert_eq!(
            rows[0]["partner_id"]["display_name"],
            json!("Azure Interior\n4557 De Silva St\nFremont CA 94538\nUnited States"),
            "{version}"
        );
        let plain = ok(
            "sale.order",
            "web_read",
            json!([[order]]),
            json!({"specification": {"partner_id": {"fields": {"display_name": {}}}}}),
        );
        assert_eq!(
            plain[0]["partner_id"]["display_name"],
            json!("Azure Interior")
        );
    }
}

/// Related fields that are not stored are read, searched and sorted
/// through their path: `product.product.sale_ok` is
/// `product_tmpl_id.sale_ok`, and the model's default order
/// (`is_favorite desc, default_code, name, id`) names related fields too.
#[test]
fn related_fields_search_and_sort_through_their_path() {
    for version in [16, 17, 18, 19] {
        let data = odoo_mock::data::dataset(version).unwrap();
        let db = Database::from_dataset(data, "odoo", vec![]);
        let ok = |model: &str, method: &str, args: Value, kwargs: Value| {
            call(&db, 2, model, method, args, kwargs).unwrap()
        };
        let all = ids(&ok("product.product", "search", json!([[]]), json!({})));
        let rows = ok(
            "product.product",
            "read",
            json!([all.clone()]),
            json!({"fields": ["sale_ok", "product_tmpl_id", "default_code", "name"]}),
        );
        let rows = rows.as_array().unwrap();
        let saleable: Vec<i64> = rows
            .iter()
            .filter(|r| r["sale_ok"] == json!(true))
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        assert!(!saleable.is_empty(), "{version}");
        let mut found = ids(&ok(
            "product.product",
            "search",
            json!([[["sale_ok", "=", true]]]),
            json!({}),
        ));
        found.sort_unstable();
        let mut expected = saleable.clone();
        expected.sort_unstable();
        assert_eq!(found, expected, "{version}: sale_ok through the template");

        // The default order, computed here from what `read` gives.
        let key = |r: &Value| {
            (
                r["default_code"].as_str().map(str::to_lowercase),
                r["name"].as_str().unwrap_or("").to_lowercase(),
                r["id"].as_i64().unwrap(),
            )
        };
        let mut by_order: Vec<&Value> = rows.iter().collect();
        // NULL codes last, as PostgreSQL sorts ascending (no favourites in
        // the demo data).
        by_order.sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            match (&ka.0, &kb.0) {
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                _ => ka.cmp(&kb),
            }
        });
        let expected: Vec<i64> = by_order.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert_eq!(all, expected, "{version}: default order");
    }
}
