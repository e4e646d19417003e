//! Version modes: each of Odoo 16, 17, 18 and 19 serves its own dataset
//! (users and uids, groups, sequences, seeds, session info, version strings).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::time::Instant;

use odoo_mock::data::{self, DataError, VERSIONS};
use odoo_mock::rules::UserInfo;
use odoo_mock::{Database, MockServer};
use serde_json::{Map, Value, json};

fn db(version: u32) -> Database {
    Database::from_dataset(data::dataset(version).unwrap(), "odoo", vec![])
}

fn uid(db: &Database, login: &str) -> i64 {
    db.users()
        .into_iter()
        .find(|u| u.login == login)
        .map(|u| u.uid)
        .unwrap_or_else(|| panic!("no user {login}"))
}

fn call(db: &Database, uid: i64, model: &str, method: &str, args: Value, kwargs: Value) -> Value {
    try_call(db, uid, model, method, args, kwargs)
        .unwrap_or_else(|f| panic!("{model}.{method}: {}", f.message))
}

fn try_call(
    db: &Database,
    uid: i64,
    model: &str,
    method: &str,
    args: Value,
    kwargs: Value,
) -> Result<Value, odoo_mock::Fault> {
    let args = args.as_array().cloned().unwrap_or_default();
    let kwargs: Map<String, Value> = kwargs.as_object().cloned().unwrap_or_default();
    db.execute_kw(uid, model, method, args, kwargs)
}

/// The xml ids of a user's effective groups.
fn group_xml_ids(version: u32, uid: i64) -> BTreeSet<String> {
    let data = data::dataset(version).unwrap();
    let user = UserInfo::load(&data.store, uid).unwrap();
    data.store
        .xml_ids
        .iter()
        .filter(|(_, (model, id))| model == "res.groups" && user.groups.contains(id))
        .map(|(x, _)| x.clone())
        .collect()
}

#[test]
fn every_version_loads_and_others_are_refused() {
    for v in VERSIONS {
        let data = data::dataset(v).unwrap();
        assert_eq!(data.version, v);
        assert_eq!(data.schema.version, v);
        for model in [
            "purchase.order",
            "purchase.order.line",
            "account.move",
            "account.move.line",
        ] {
            assert!(data.schema.model(model).is_some(), "{v}: {model}");
        }
        // The same dataset for every server of the process.
        assert!(std::ptr::eq(data, data::dataset(v).unwrap()));
    }
    assert!(
        data::dataset(18)
            .unwrap()
            .schema
            .model("uom.category")
            .is_some()
    );
    assert!(
        data::dataset(19)
            .unwrap()
            .schema
            .model("uom.category")
            .is_none()
    );
    assert_eq!(
        data::dataset(15).unwrap_err(),
        DataError::UnsupportedVersion(15)
    );
    assert!(
        data::dataset(20)
            .unwrap_err()
            .to_string()
            .contains("no dataset for Odoo 20")
    );
}

#[tokio::test]
async fn an_unsupported_version_is_a_start_error() {
    let err = MockServer::builder()
        .odoo_version(15)
        .start()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("Odoo 15"), "{err}");
}

#[test]
fn users_and_uids_are_the_versions_own() {
    for v in VERSIONS {
        let db = db(v);
        let (alice, bob) = if v == 19 { (7, 8) } else { (8, 9) };
        assert_eq!(uid(&db, "admin"), 2, "{v}");
        assert_eq!(uid(&db, "alice"), alice, "{v}");
        assert_eq!(uid(&db, "bob"), bob, "{v}");
        assert_eq!(db.authenticate("alice", "alice"), Some(alice), "{v}");
        // Names come from the partner where res.users.name was not exported.
        let names: Vec<String> = db.users().into_iter().map(|u| u.name).collect();
        assert!(names.contains(&"Alice".to_string()), "{v}: {names:?}");
        assert!(
            names.contains(&"Mitchell Admin".to_string()),
            "{v}: {names:?}"
        );
        // Archived users are there, and log in as nobody.
        let archived = call(
            &db,
            2,
            "res.users",
            "search_read",
            json!([[["active", "=", false]]]),
            json!({"fields": ["login"], "order": "id"}),
        );
        let logins: Vec<&str> = archived
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["login"].as_str())
            .collect();
        assert!(logins.contains(&"portaltemplate"), "{v}: {logins:?}");
        assert_eq!(db.authenticate("public", "public"), None, "{v}");
    }
    // 19's demo user, referenced by the data but not exported, logs in too.
    assert_eq!(db(19).authenticate("demo", "demo"), Some(5));
}

#[test]
fn effective_groups_close_over_implied_groups() {
    // 16-18 export groups_id already closed: closing again changes nothing.
    for v in [16, 17, 18] {
        let data = data::dataset(v).unwrap();
        for u in data.store.tables["res.users"].records.values() {
            let uid = u["id"].as_i64().unwrap();
            let given: BTreeSet<i64> = u["groups_id"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_i64)
                .collect();
            if uid > 2 && uid < 6 {
                continue; // hand-written archived templates
            }
            let user = UserInfo::load(&data.store, uid).unwrap();
            assert_eq!(user.groups, given, "{v}: user {uid}");
        }
    }
    // 19's group_ids hold only what was given (alice: [22, 1]); the rest
    // follows implied_ids, to the same groups as on 18.
    let data = data::dataset(19).unwrap();
    let alice = UserInfo::load(&data.store, 7).unwrap();
    assert!(alice.groups.len() > 2, "{:?}", alice.groups);
    assert_eq!(group_xml_ids(19, 7), group_xml_ids(18, 8));
    assert_eq!(group_xml_ids(19, 8), group_xml_ids(18, 9));
    let admin18 = group_xml_ids(18, 2);
    let admin19 = group_xml_ids(19, 2);
    let extra: Vec<_> = admin19.difference(&admin18).collect();
    // 19's lab has two companies, and api_doc's group exists only on 19.
    assert_eq!(
        extra,
        ["api_doc.group_allow_doc", "base.group_multi_company"],
        "{admin19:?}"
    );
    assert!(
        admin18
            .difference(&admin19)
            .all(|x| !data.store.xml_ids.contains_key(x)),
        "{admin18:?} vs {admin19:?}"
    );
    for v in VERSIONS {
        let db = db(v);
        assert!(db.is_admin(2), "{v}");
        assert!(!db.is_admin(uid(&db, "alice")), "{v}");
    }
}

#[test]
fn record_rules_follow_the_versions_group_ids() {
    for v in VERSIONS {
        let db = db(v);
        for (login, orders) in [("alice", [21, 22, 23]), ("bob", [24, 25, 26])] {
            let u = uid(&db, login);
            let found = call(
                &db,
                u,
                "sale.order",
                "search",
                json!([[]]),
                json!({"order": "id"}),
            );
            assert_eq!(found, json!(orders), "{v} {login}");
            let lines = call(
                &db,
                u,
                "sale.order.line",
                "search_count",
                json!([[]]),
                json!({}),
            );
            assert!(lines.as_i64().unwrap() > 0, "{v} {login}");
        }
        let other = try_call(
            &db,
            uid(&db, "alice"),
            "sale.order",
            "read",
            json!([[24], ["name"]]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(other.name, "odoo.exceptions.AccessError", "{v}");
        // The Settings group by its xml id, whatever its id.
        let acl = try_call(
            &db,
            uid(&db, "alice"),
            "ir.config_parameter",
            "search",
            json!([[]]),
            json!({}),
        )
        .unwrap_err();
        let group = if v == 19 {
            "\t- Role / Administrator"
        } else {
            "\t- Administration/Settings"
        };
        assert!(acl.message.contains(group), "{v}: {}", acl.message);
    }
}

#[test]
fn sequences_continue_where_the_real_database_was() {
    // The first partner and order each version's captures created.
    for (v, partner) in [(16, 44), (17, 44), (18, 54), (19, 45)] {
        let db = db(v);
        let id = call(
            &db,
            2,
            "res.partner",
            "create",
            json!([{"name": "sequence"}]),
            json!({}),
        );
        assert_eq!(id, json!(partner), "{v}");
        let order = call(
            &db,
            2,
            "sale.order",
            "create",
            json!([{"partner_id": 10}]),
            json!({}),
        );
        assert_eq!(order, json!(27), "{v}");
    }
}

#[test]
fn purchases_and_invoices_are_seeded_and_guarded() {
    for v in VERSIONS {
        let db = db(v);
        let orders = call(
            &db,
            2,
            "purchase.order",
            "search_read",
            json!([[]]),
            json!({"fields": ["name", "partner_id", "state", "amount_total"], "order": "id"}),
        );
        let names: Vec<&str> = orders
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["name"].as_str())
            .collect();
        assert_eq!(names, ["P00001", "P00002"], "{v}");
        assert!(orders[0]["partner_id"][1].is_string(), "{v}: {orders}");
        let moves = call(
            &db,
            2,
            "account.move",
            "search_read",
            json!([[["move_type", "=", "out_invoice"]]]),
            json!({"fields": ["name", "journal_id", "state"]}),
        );
        assert_eq!(moves.as_array().unwrap().len(), 2, "{v}: {moves}");
        assert!(moves[0]["journal_id"][1].is_string(), "{v}: {moves}");
        // alice sells; she neither buys nor invoices.
        for model in ["purchase.order", "account.move"] {
            let err = try_call(
                &db,
                uid(&db, "alice"),
                model,
                "search",
                json!([[]]),
                json!({}),
            )
            .unwrap_err();
            assert_eq!(err.name, "odoo.exceptions.AccessError", "{v} {model}");
        }
        // A purchase order with lines can be created.
        let po = call(
            &db,
            2,
            "purchase.order",
            "create",
            json!([{"partner_id": 10, "order_line": [[0, 0, {"product_id": 5, "name": "chair", "product_qty": 2, "price_unit": 10.0}]]}]),
            json!({}),
        );
        let read = call(
            &db,
            2,
            "purchase.order",
            "read",
            json!([[po.as_i64().unwrap()], ["order_line"]]),
            json!({}),
        );
        assert_eq!(
            read[0]["order_line"].as_array().unwrap().len(),
            1,
            "{v}: {read}"
        );
    }
}

#[test]
fn version_strings_and_session_info_are_the_recorded_ones() {
    for (v, server_version) in [
        (16, "16.0-20240327"),
        (17, "17.0-20240709"),
        (18, "18.0"),
        (19, "19.0"),
    ] {
        let db = db(v);
        assert_eq!(db.odoo_version(), v);
        let info = db.version_info();
        assert_eq!(info["server_version"], json!(server_version));
        assert_eq!(info["server_version_info"][0], json!(v));
        let alice = uid(&db, "alice");
        let session = odoo_mock::protocol::web::session_info(&db, alice, "http://x");
        assert_eq!(session["uid"], json!(alice), "{v}");
        assert_eq!(session["server_version"], json!(server_version), "{v}");
        if v <= 17 {
            assert_eq!(session["user_id"], json!([alice]), "{v}");
        } else {
            assert!(session.get("user_id").is_none(), "{v}");
        }
    }
    // On 19, alice's time zone is the 19 lab's.
    let db = db(19);
    let session = odoo_mock::protocol::web::session_info(&db, 7, "http://x");
    assert_eq!(session["user_context"]["tz"], json!("Europe/Brussels"));
}

#[test]
fn fields_get_is_the_versions_own() {
    // 16 still reports `__last_update` and `group_operator`; 18 does not.
    let fg16 = call(
        &db(16),
        2,
        "res.partner",
        "fields_get",
        json!([]),
        json!({}),
    );
    let fg18 = call(
        &db(18),
        2,
        "res.partner",
        "fields_get",
        json!([]),
        json!({}),
    );
    assert!(fg16.get("__last_update").is_some());
    assert!(fg18.get("__last_update").is_none());
    let fg19 = call(&db(19), 2, "sale.order", "fields_get", json!([]), json!({}));
    assert!(fg19.get("sale_warning_text").is_some());
}

#[tokio::test]
async fn servers_start_fast_once_the_data_is_parsed() {
    for v in VERSIONS {
        let first = Instant::now();
        let server = MockServer::builder().odoo_version(v).start().await.unwrap();
        let first = first.elapsed();
        assert_eq!(server.odoo_version(), v);
        drop(server);
        let again = Instant::now();
        let server = MockServer::builder().odoo_version(v).start().await.unwrap();
        let again = again.elapsed();
        drop(server);
        eprintln!("[odoo-mock] Odoo {v}: first start {first:?}, next {again:?}");
        // Loose bounds: debug builds on a shared 2-core machine.
        assert!(again.as_millis() < 2_000, "{v}: {again:?}");
    }
}
