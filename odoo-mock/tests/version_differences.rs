//! The recorded wire differences of Odoo 16 and 17 from 18
//! (`../shared/odoo16/DIFF_FROM_18.md`, `../shared/odoo17/DIFF_FROM_18.md`),
//! served by the version modes, with the recorded answers.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use odoo_mock::{Database, Fault, data};
use serde_json::{Map, Value, json};

fn db(version: u32) -> Database {
    Database::from_dataset(data::dataset(version).unwrap(), "odoo", vec![])
}

fn uid(db: &Database, login: &str) -> i64 {
    db.users()
        .into_iter()
        .find(|u| u.login == login)
        .map(|u| u.uid)
        .unwrap()
}

fn try_call(
    db: &Database,
    login: &str,
    model: &str,
    method: &str,
    args: Value,
    kwargs: Value,
) -> Result<Value, Fault> {
    let args = args.as_array().cloned().unwrap_or_default();
    let kwargs: Map<String, Value> = kwargs.as_object().cloned().unwrap_or_default();
    db.execute_kw(uid(db, login), model, method, args, kwargs)
}

fn ok(db: &Database, login: &str, model: &str, method: &str, args: Value, kwargs: Value) -> Value {
    try_call(db, login, model, method, args, kwargs)
        .unwrap_or_else(|f| panic!("{model}.{method}: {}", f.message))
}

/// `(exception name, message)` of a call that must fail.
fn err(
    db: &Database,
    login: &str,
    model: &str,
    method: &str,
    args: Value,
    kwargs: Value,
) -> (String, String) {
    let f = try_call(db, login, model, method, args, kwargs)
        .expect_err(&format!("{model}.{method} must fail"));
    (f.name.clone(), f.message.clone())
}

fn missing(method: &str, model: &str) -> (String, String) {
    (
        "builtins.AttributeError".into(),
        format!("The method '{method}' does not exist on the model '{model}'"),
    )
}

#[test]
fn copy_returns_one_id_up_to_17_and_a_list_from_18() {
    for v in [16, 17] {
        let db = db(v);
        let id = ok(
            &db,
            "admin",
            "res.partner",
            "copy",
            json!([[10]]),
            json!({}),
        );
        assert!(id.is_i64(), "{v}: {id}");
        let id = ok(
            &db,
            "admin",
            "res.partner",
            "copy",
            json!([[10]]),
            json!({"default": {"name": "Copy"}}),
        );
        assert!(id.is_i64(), "{v}: {id}");
        assert_eq!(
            err(
                &db,
                "admin",
                "res.partner",
                "copy",
                json!([[9, 13]]),
                json!({})
            ),
            (
                "builtins.ValueError".into(),
                "Expected singleton: res.partner(9, 13)".into()
            ),
            "{v}"
        );
    }
    for v in [18, 19] {
        let ids = ok(
            &db(v),
            "admin",
            "res.partner",
            "copy",
            json!([[9, 10]]),
            json!({}),
        );
        assert_eq!(ids.as_array().map(Vec::len), Some(2), "{v}: {ids}");
    }
}

#[test]
fn name_get_exists_up_to_17() {
    for v in [16, 17] {
        let names = ok(
            &db(v),
            "admin",
            "res.partner",
            "name_get",
            json!([[10]]),
            json!({}),
        );
        assert_eq!(names, json!([[10, "Deco Addict"]]), "{v}");
    }
    for v in [18, 19] {
        assert_eq!(
            err(
                &db(v),
                "admin",
                "res.partner",
                "name_get",
                json!([[10]]),
                json!({})
            ),
            missing("name_get", "res.partner")
        );
    }
}

#[test]
fn methods_added_after_16_and_17_do_not_exist_there() {
    let order = json!([[24]]);
    let read = json!({"operation": "read"});
    for v in [16, 17] {
        let db = db(v);
        for m in ["has_access", "check_access"] {
            assert_eq!(
                err(&db, "alice", "sale.order", m, order.clone(), read.clone()),
                missing(m, "sale.order"),
                "{v}"
            );
        }
    }
    let db16 = db(16);
    let spec = json!({"specification": {"name": {}}});
    for (m, args, kwargs) in [
        ("web_read", json!([[21]]), spec.clone()),
        ("web_save", json!([[21], {}]), spec),
        ("search_fetch", json!([[], ["name"]]), json!({})),
    ] {
        assert_eq!(
            err(&db16, "admin", "sale.order", m, args, kwargs),
            missing(m, "sale.order")
        );
    }
    let db17 = db(17);
    ok(
        &db17,
        "admin",
        "sale.order",
        "search_fetch",
        json!([[], ["name"]]),
        json!({}),
    );
    ok(&db(18), "alice", "sale.order", "has_access", order, read);
}

#[test]
fn an_unknown_context_lang_is_ignored_up_to_17() {
    let args = json!([[["code", "in", ["BE", "DE", "FR", "US"]]]]);
    let kwargs = json!({"fields": ["code", "name"], "order": "code", "context": {"lang": "de_DE"}});
    for v in [16, 17] {
        let rows = ok(
            &db(v),
            "admin",
            "res.country",
            "search_read",
            args.clone(),
            kwargs.clone(),
        );
        assert_eq!(rows.as_array().map(Vec::len), Some(4), "{v}");
    }
    assert_eq!(
        err(&db(18), "admin", "res.country", "search_read", args, kwargs),
        (
            "odoo.exceptions.UserError".into(),
            "Invalid language code: de_DE".into()
        )
    );
}

#[test]
fn web_search_read_takes_fields_on_16() {
    let db16 = db(16);
    let spec = json!({"name": {}, "partner_id": {"fields": {"display_name": {}}}});
    assert_eq!(
        err(
            &db16,
            "admin",
            "sale.order",
            "web_search_read",
            json!([[]]),
            json!({"specification": spec.clone()})
        ),
        (
            "builtins.TypeError".into(),
            "Base.web_search_read() got an unexpected keyword argument 'specification'".into()
        )
    );
    // recorded jsonrpc_web_search_read_positional_args: the dict is `fields`
    let r = ok(
        &db16,
        "admin",
        "sale.order",
        "web_search_read",
        json!([[["state", "=", "sale"]], spec.clone()]),
        json!({"limit": 3, "order": "id desc"}),
    );
    let first = &r["records"][0];
    assert_eq!(first["id"], json!(24), "{r}");
    assert_eq!(first["name"], json!("S00024"));
    assert_eq!(first["partner_id"], json!([12, "Ready Mat"]));
    assert!(r["length"].as_i64().unwrap() > 3);
    // 17: a specification, and `domain` is required
    let db17 = db(17);
    assert_eq!(
        err(
            &db17,
            "admin",
            "res.partner",
            "web_search_read",
            json!([]),
            json!({"specification": {"name": {}}, "limit": 3})
        ),
        (
            "builtins.TypeError".into(),
            "Base.web_search_read() missing 1 required positional argument: 'domain'".into()
        )
    );
    let r = ok(
        &db17,
        "admin",
        "sale.order",
        "web_search_read",
        json!([[["state", "=", "sale"]], spec]),
        json!({"limit": 3, "order": "id desc"}),
    );
    assert!(r["records"][0]["partner_id"].is_object(), "{r}");
}

#[test]
fn record_rule_refusals_are_generic_on_16() {
    let args = json!([[24]]);
    let kwargs = json!({"fields": ["name", "user_id"]});
    assert_eq!(
        err(&db(16), "alice", "sale.order", "read", args.clone(), kwargs.clone()),
        (
            "odoo.exceptions.AccessError".into(),
            "Due to security restrictions, you are not allowed to access 'Sales Order' (sale.order) records.\n\nContact your administrator to request access if necessary.".into()
        )
    );
    for v in [17, 18] {
        let (name, message) = err(
            &db(v),
            "alice",
            "sale.order",
            "read",
            args.clone(),
            kwargs.clone(),
        );
        assert_eq!(name, "odoo.exceptions.AccessError");
        assert!(message.starts_with("Uh-oh! Looks like"), "{v}: {message}");
    }
}

#[test]
fn confirming_a_confirmed_order() {
    let order = json!([[21]]);
    assert_eq!(
        ok(
            &db(16),
            "admin",
            "sale.order",
            "action_confirm",
            order.clone(),
            json!({})
        ),
        json!(true)
    );
    assert_eq!(
        err(
            &db(17),
            "admin",
            "sale.order",
            "action_confirm",
            order.clone(),
            json!({})
        ),
        (
            "odoo.exceptions.UserError".into(),
            "The following orders are not in a state requiring confirmation: S00021".into()
        )
    );
    assert_eq!(
        err(
            &db(18),
            "admin",
            "sale.order",
            "action_confirm",
            order,
            json!({})
        ),
        (
            "odoo.exceptions.UserError".into(),
            "Some orders are not in a state requiring confirmation.".into()
        )
    );
}

/// The names of the cookies a response sets, in order.
fn cookie_names(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| {
            let v = v.to_str().unwrap();
            v.split('=').next().unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_404_page_json2_probe_and_session_destroy() {
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (v, probe, not_found, destroy) in [
        (
            16,
            404,
            vec!["frontend_lang", "session_id"],
            vec!["session_id"],
        ),
        (
            17,
            404,
            vec!["frontend_lang", "session_id"],
            vec!["cids", "session_id"],
        ),
        (
            18,
            303,
            vec!["frontend_lang", "session_id", "frontend_lang", "session_id"],
            vec!["cids", "session_id"],
        ),
    ] {
        let server = odoo_mock::MockServer::builder()
            .odoo_version(v)
            .start()
            .await
            .unwrap();
        let url = server.url();
        let r = c.get(format!("{url}/web/version")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404, "{v}");
        assert_eq!(cookie_names(&r), not_found, "{v}");
        let r = c
            .post(format!("{url}/json/2/res.partner/search_read"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), probe, "{v}");
        if probe == 404 {
            assert_eq!(cookie_names(&r), not_found, "{v}");
            assert!(r.headers().get("location").is_none());
        }
        let r = c
            .post(format!("{url}/web/session/authenticate"))
            .json(
                &json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "db": server.database(), "login": "alice", "password": "alice"}}),
            )
            .send()
            .await
            .unwrap();
        let sid = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.split(';').next().filter(|c| c.starts_with("session_id=")))
            .unwrap()
            .to_string();
        let r = c
            .post(format!("{url}/web/session/destroy"))
            .header("cookie", sid)
            .json(&json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}))
            .send()
            .await
            .unwrap();
        assert_eq!(cookie_names(&r), destroy, "{v}");
    }
}

#[test]
fn domains_of_16_have_triples_only_and_no_any() {
    let db16 = db(16);
    assert_eq!(
        err(
            &db16,
            "admin",
            "sale.order",
            "search",
            json!([[["state", "="]]]),
            json!({})
        ),
        (
            "builtins.ValueError".into(),
            "Invalid leaf ('state', '=')".into()
        )
    );
    let any = json!([[["order_line", "any", [["product_id", "=", 36]]]]]);
    let fields = json!({"fields": ["name"]});
    assert_eq!(
        err(
            &db16,
            "admin",
            "sale.order",
            "search_read",
            any.clone(),
            fields.clone()
        ),
        (
            "builtins.TypeError".into(),
            "unhashable type: 'list'".into()
        )
    );
    ok(&db(17), "admin", "sale.order", "search_read", any, fields);
    assert_eq!(
        err(
            &db(17),
            "admin",
            "sale.order",
            "search",
            json!([[["state", "="]]]),
            json!({})
        )
        .1,
        "not enough values to unpack (expected 3, got 2)"
    );
    // an unknown keyword argument of search_read
    assert_eq!(
        err(
            &db16,
            "admin",
            "res.partner",
            "search_read",
            json!([[]]),
            json!({"no_such_kwarg": 1})
        ),
        (
            "builtins.TypeError".into(),
            "BaseModel.read() got an unexpected keyword argument 'no_such_kwarg'".into()
        )
    );
}

#[test]
fn read_group_of_16() {
    let db16 = db(16);
    let rg =
        |args: Value, kwargs: Value| err(&db16, "admin", "sale.order", "read_group", args, kwargs);
    assert_eq!(
        rg(
            json!([
                [],
                ["amount_total:avg", "amount_total:max", "amount_untaxed:min"],
                ["user_id"]
            ]),
            json!({"lazy": false})
        ),
        (
            "odoo.exceptions.UserError".into(),
            "Output name 'amount_total' is used twice.".into()
        )
    );
    assert_eq!(
        rg(json!([[], ["amount_total:median"], ["state"]]), json!({})),
        (
            "odoo.exceptions.UserError".into(),
            "Invalid aggregation function 'median'.".into()
        )
    );
    assert_eq!(
        rg(
            json!([[], ["amount_total:sum"], ["date_order:fortnight"]]),
            json!({})
        ),
        ("builtins.KeyError".into(), "fortnight".into())
    );
    // no fields: every stored numeric field is summed (as floats)
    let groups = ok(
        &db16,
        "admin",
        "sale.order",
        "read_group",
        json!([[], [], ["user_id"]]),
        json!({}),
    );
    for g in groups.as_array().unwrap() {
        for k in [
            "currency_rate",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
        ] {
            assert!(g[k].is_f64(), "{k}: {g}");
        }
        assert!(g.get("id").is_none());
    }
    let groups = ok(
        &db(18),
        "admin",
        "sale.order",
        "read_group",
        json!([[], [], ["user_id"]]),
        json!({}),
    );
    assert!(groups[0].get("amount_total").is_none(), "{groups}");
    // a date group's __domain: the group's terms first on 16
    let args = json!([
        [["id", "in", [21, 22]]],
        ["amount_total:sum"],
        ["date_order:day"]
    ]);
    let groups = ok(
        &db16,
        "admin",
        "sale.order",
        "read_group",
        args.clone(),
        json!({"lazy": false}),
    );
    let d = &groups[0]["__domain"];
    assert_eq!(d[0], json!("&"), "{d}");
    assert_eq!(d[1], json!("&"), "{d}");
    assert_eq!(d[4], json!(["id", "in", [21, 22]]), "{d}");
    let groups = ok(
        &db(18),
        "admin",
        "sale.order",
        "read_group",
        args,
        json!({"lazy": false}),
    );
    assert_eq!(groups[0]["__domain"][1], json!(["id", "in", [21, 22]]));
}

/// Recorded on 16 (`jsonrpc_read_group_date_granularities`, orders without a
/// validity date): the `__range` of an unset date group is `false`.
#[test]
fn an_unset_date_group_has_a_false_range() {
    let args = json!([
        [["state", "=", "sale"]],
        ["amount_total:sum"],
        ["date_order:year", "validity_date:week", "date_order:day"]
    ]);
    let groups = ok(
        &db(16),
        "admin",
        "sale.order",
        "read_group",
        args,
        json!({"lazy": false}),
    );
    let g = &groups[0];
    assert_eq!(g["validity_date:week"], json!(false), "{g}");
    assert_eq!(g["__range"]["validity_date:week"], json!(false), "{g}");
    assert!(g["__range"]["date_order:year"]["from"].is_string(), "{g}");
}

/// `jsonrpc_binary_read_no_image`: 17+ store a generated SVG avatar in a new
/// user's partner; 16 leaves `image_*` empty there (the computed `avatar_*`
/// fields are generated on every version). Other partners keep a picture.
#[test]
fn a_new_users_partner_has_no_stored_image_on_16() {
    for version in [16, 17, 18, 19] {
        let db = db(version);
        let alice_partner = ok(
            &db,
            "admin",
            "res.users",
            "read",
            json!([[uid(&db, "alice")]]),
            json!({"fields": ["partner_id"]}),
        )[0]["partner_id"][0]
            .as_i64()
            .unwrap();
        let rows = ok(
            &db,
            "admin",
            "res.partner",
            "read",
            json!([[alice_partner, 3]]),
            json!({"fields": ["name", "image_1920", "image_128", "avatar_128"]}),
        );
        let (alice, admin) = (&rows[0], &rows[1]);
        assert_eq!(alice["name"], json!("Alice"), "{version}");
        if version == 16 {
            assert_eq!(alice["image_1920"], json!(false), "{version}");
            assert_eq!(alice["image_128"], json!(false), "{version}");
        } else {
            assert!(alice["image_1920"].is_string(), "{version}");
        }
        assert!(alice["avatar_128"].is_string(), "{version}: computed");
        assert!(
            admin["image_1920"].is_string(),
            "{version}: {}",
            admin["name"]
        );
    }
}
