//! The system models clients touch at start-up, on every version 16-19,
//! over `/jsonrpc`: `ir.module.module`, `ir.cron`, `res.lang` with
//! `base.language.install` and the context language, and
//! `ir.config_parameter`'s `get_param` / `set_param`.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use odoo_mock::data::{self, VERSIONS};
use serde_json::{Value, json};
use support::{ACCESS_ERROR, Server};

const USER_ERROR: &str = "odoo.exceptions.UserError";

fn names(rows: &Value, field: &str) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn installed_modules_are_the_schemas_and_internal_users_read_them() {
    for v in VERSIONS {
        let s = Server::start(v).await;
        let installed: Vec<String> = data::dataset(v).unwrap().header["installed_modules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        let rows = s
            .call(
                "admin",
                "ir.module.module",
                "search_read",
                json!([[["state", "=", "installed"]]]),
                json!({"fields": ["name", "shortdesc", "state", "application", "latest_version"], "order": "id"}),
            )
            .await;
        let mut sorted = installed.clone();
        sorted.sort();
        assert_eq!(names(&rows, "name"), sorted, "{v}: ids 1..n in name order");
        assert_eq!(rows[0]["id"], json!(1), "{v}");
        let sale = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "sale_management")
            .unwrap_or_else(|| panic!("{v}: sale_management is installed"));
        assert_eq!(sale["state"], "installed", "{v}");
        assert_eq!(sale["shortdesc"], "Sales", "{v}");
        assert_eq!(sale["application"], true, "{v}");
        assert_eq!(sale["latest_version"], false, "{v}: no invented version");
        // alice, an internal user, reads them too (base_install_request's ACL) ...
        let count = s
            .call(
                "alice",
                "ir.module.module",
                "search_count",
                json!([[["state", "=", "installed"]]]),
                json!({}),
            )
            .await;
        assert_eq!(count, json!(installed.len()), "{v}");
        // ... but only the Settings group may change them.
        let (name, message) = s
            .fails(
                "alice",
                "ir.module.module",
                "write",
                json!([[1], {"state": "to remove"}]),
                json!({}),
            )
            .await;
        assert_eq!(name, ACCESS_ERROR, "{v}: {message}");
        assert!(
            message
                .starts_with("You are not allowed to modify 'Module' (ir.module.module) records."),
            "{v}: {message}"
        );
    }
}

#[tokio::test]
async fn admin_lists_and_disables_crons_and_alice_may_not() {
    for v in VERSIONS {
        let s = Server::start(v).await;
        let fields = json!([
            "name",
            "cron_name",
            "active",
            "interval_number",
            "interval_type",
            "model_name",
            "ir_actions_server_id"
        ]);
        let active = s
            .call(
                "admin",
                "ir.cron",
                "search_read",
                json!([[]]),
                json!({"fields": fields}),
            )
            .await;
        let listed = names(&active, "name");
        for name in [
            "Base: Auto-vacuum internal data",
            "Mail: Email Queue Manager",
        ] {
            assert!(
                listed.iter().any(|n| n == name),
                "{v}: {name} in {listed:?}"
            );
        }
        // sale_async_emails (17, 18) / sale (19) schedule "Sales: Send pending
        // emails"; 16 has neither. 19 ships it inactive.
        let everything = s
            .call(
                "admin",
                "ir.cron",
                "search_read",
                json!([[]]),
                json!({"fields": fields, "context": {"active_test": false}}),
            )
            .await;
        let all = names(&everything, "name");
        let pending = "Sales: Send pending emails";
        assert_eq!(all.iter().any(|n| n == pending), v >= 17, "{v}: {all:?}");
        assert_eq!(
            listed.iter().any(|n| n == pending),
            v == 17 || v == 18,
            "{v}"
        );
        assert!(
            names(&active, "cron_name") == listed,
            "{v}: cron_name is the name"
        );
        let vacuum = active
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Base: Auto-vacuum internal data")
            .unwrap()
            .clone();
        assert_eq!(vacuum["model_name"], "ir.autovacuum", "{v}");
        assert_eq!(
            (
                vacuum["interval_number"].clone(),
                vacuum["interval_type"].clone()
            ),
            (json!(1), json!("days")),
            "{v}"
        );
        assert!(vacuum["ir_actions_server_id"].is_array(), "{v}: {vacuum}");
        // The version's own bookkeeping fields.
        let id = vacuum["id"].clone();
        let extra = if v <= 17 {
            "numbercall"
        } else {
            "failure_count"
        };
        let read = s
            .call(
                "admin",
                "ir.cron",
                "read",
                json!([[id], [extra]]),
                json!({}),
            )
            .await;
        assert_eq!(read[0][extra], json!(if v <= 17 { -1 } else { 0 }), "{v}");

        // Disable it: it leaves the default search and reads back inactive.
        assert_eq!(
            s.call(
                "admin",
                "ir.cron",
                "write",
                json!([[id], {"active": false}]),
                json!({})
            )
            .await,
            json!(true)
        );
        let now = s
            .call(
                "admin",
                "ir.cron",
                "search_read",
                json!([[]]),
                json!({"fields": ["name"]}),
            )
            .await;
        assert!(
            !names(&now, "name").contains(&"Base: Auto-vacuum internal data".to_string()),
            "{v}"
        );
        let back = s
            .call(
                "admin",
                "ir.cron",
                "search_read",
                json!([[["id", "=", id]]]),
                json!({"fields": ["active", "name"], "context": {"active_test": false}}),
            )
            .await;
        assert_eq!(back[0]["active"], false, "{v}: {back}");

        // alice is no administrator: Odoo's model ACL refuses her.
        for (method, args) in [
            ("search_read", json!([[]])),
            ("write", json!([[id], {"active": true}])),
        ] {
            let (name, message) = s.fails("alice", "ir.cron", method, args, json!({})).await;
            assert_eq!(name, ACCESS_ERROR, "{v}: {method}: {message}");
            assert!(
                message.contains("'Scheduled Actions' (ir.cron)"),
                "{v}: {message}"
            );
        }
    }
}

/// The id of the `res.lang` with this code (inactive ones included).
async fn lang_id(s: &Server, code: &str) -> Value {
    let ids = s
        .call(
            "admin",
            "res.lang",
            "search",
            json!([[["code", "=", code]]]),
            json!({"context": {"active_test": false}}),
        )
        .await;
    ids[0].clone()
}

#[tokio::test]
async fn a_language_activated_through_the_wizard_becomes_a_valid_context_lang() {
    let countries = json!([[["code", "in", ["BE", "FR"]]]]);
    let in_lang = |lang: &str| json!({"fields": ["code"], "context": {"lang": lang}});
    for v in VERSIONS {
        let s = Server::start(v).await;
        // en_US is active, and fr_FR on 16-18 (the recorded databases had it:
        // jsonrpc_context_lang_fr_FR_res_country answers in French there, 19's
        // json2_error_context_uninstalled_lang refuses it); the others are
        // there, inactive. nl_NL is the one activated below.
        let initially: &[&str] = if v >= 19 {
            &["en_US"]
        } else {
            &["en_US", "fr_FR"]
        };
        let active = s
            .call(
                "alice",
                "res.lang",
                "search_read",
                json!([[]]),
                json!({"fields": ["code"]}),
            )
            .await;
        let mut codes = names(&active, "code");
        codes.sort();
        assert_eq!(codes, initially, "{v}");
        let all = s
            .call(
                "admin",
                "res.lang",
                "search_read",
                json!([[]]),
                json!({"fields": ["code", "url_code", "active"], "context": {"active_test": false}}),
            )
            .await;
        let codes = names(&all, "code");
        for code in ["fr_FR", "de_DE", "es_ES", "nl_NL", "it_IT", "pt_BR"] {
            assert!(codes.iter().any(|c| c == code), "{v}: {code} in {codes:?}");
        }
        assert_eq!(
            s.call("alice", "res.lang", "get_installed", json!([]), json!({}))
                .await,
            if v >= 19 {
                json!([["en_US", "English (US)"]])
            } else {
                json!([["en_US", "English (US)"], ["fr_FR", "French / Français"]])
            },
            "{v}"
        );
        // 18 and 19 refuse a language that is not installed; 16 and 17 ignore it.
        let before = s
            .try_call(
                "admin",
                "res.country",
                "search_read",
                countries.clone(),
                in_lang("nl_NL"),
            )
            .await;
        if v >= 18 {
            assert_eq!(
                before,
                Err((USER_ERROR.into(), "Invalid language code: nl_NL".into())),
                "{v}"
            );
        } else {
            assert_eq!(before.unwrap().as_array().map(Vec::len), Some(2), "{v}");
        }

        // alice may not run the wizard; the private activation is refused.
        let fr = lang_id(&s, "nl_NL").await;
        let (name, _) = s
            .fails(
                "alice",
                "base.language.install",
                "create",
                json!([{"lang_ids": [[6, 0, [fr.clone()]]]}]),
                json!({}),
            )
            .await;
        assert_eq!(name, ACCESS_ERROR, "{v}");
        // (19 names the model too, as its wire fixture jsonrpc_error_private_method.)
        let private = if v >= 19 {
            "'res.lang._activate_lang'"
        } else {
            "_activate_lang"
        };
        assert_eq!(
            s.fails(
                "admin",
                "res.lang",
                "_activate_lang",
                json!(["fr_FR"]),
                json!({})
            )
            .await,
            (
                ACCESS_ERROR.into(),
                format!("Private methods (such as {private}) cannot be called remotely.")
            ),
            "{v}"
        );

        // As every version's web client does it: create the wizard, then install.
        let wizard = s
            .call(
                "admin",
                "base.language.install",
                "create",
                json!([{"lang_ids": [[6, 0, [fr.clone()]]], "overwrite": true}]),
                json!({}),
            )
            .await;
        let wizard = wizard.as_array().map_or(wizard.clone(), |a| a[0].clone());
        let action = s
            .call(
                "admin",
                "base.language.install",
                "lang_install",
                json!([[wizard]]),
                json!({}),
            )
            .await;
        assert_eq!(action["type"], "ir.actions.act_window", "{v}: {action}");
        assert_eq!(action["res_id"], wizard, "{v}");

        let active = s
            .call(
                "admin",
                "res.lang",
                "search_read",
                json!([[]]),
                json!({"fields": ["code"], "order": "code"}),
            )
            .await;
        let expected: &[&str] = if v >= 19 {
            &["en_US", "nl_NL"]
        } else {
            &["en_US", "fr_FR", "nl_NL"]
        };
        assert_eq!(names(&active, "code"), expected, "{v}");
        assert_eq!(
            s.call("admin", "res.lang", "get_installed", json!([]), json!({}))
                .await,
            if v >= 19 {
                json!([["nl_NL", "Dutch / Nederlands"], ["en_US", "English (US)"]])
            } else {
                json!([
                    ["nl_NL", "Dutch / Nederlands"],
                    ["en_US", "English (US)"],
                    ["fr_FR", "French / Français"]
                ])
            },
            "{v}"
        );
        let after = s
            .call(
                "admin",
                "res.country",
                "search_read",
                countries.clone(),
                in_lang("nl_NL"),
            )
            .await;
        assert_eq!(after.as_array().map(Vec::len), Some(2), "{v}");
        // de_DE is still not installed.
        let de = s
            .try_call(
                "admin",
                "res.country",
                "search_read",
                countries.clone(),
                in_lang("de_DE"),
            )
            .await;
        assert_eq!(de.is_err(), v >= 18, "{v}: {de:?}");

        // Several languages at once answer a notification.
        let (de, es) = (lang_id(&s, "de_DE").await, lang_id(&s, "es_ES").await);
        let wizard = s
            .call(
                "admin",
                "base.language.install",
                "create",
                json!([{"lang_ids": [[6, 0, [de, es]]]}]),
                json!({}),
            )
            .await;
        let wizard = wizard.as_array().map_or(wizard.clone(), |a| a[0].clone());
        let action = s
            .call(
                "admin",
                "base.language.install",
                "lang_install",
                json!([[wizard]]),
                json!({}),
            )
            .await;
        assert_eq!(action["tag"], "display_notification", "{v}: {action}");
        s.call(
            "admin",
            "res.country",
            "search_read",
            countries.clone(),
            in_lang("de_DE"),
        )
        .await;
    }
}

#[tokio::test]
async fn config_parameters_are_read_and_written_by_admin_only() {
    for v in VERSIONS {
        let s = Server::start(v).await;
        let p = "ir.config_parameter";
        assert_eq!(
            s.call("admin", p, "get_param", json!(["web.base.url"]), json!({}))
                .await,
            json!("http://127.0.0.1:8069"),
            "{v}"
        );
        assert_eq!(
            s.call("admin", p, "get_param", json!(["no.such.key"]), json!({}))
                .await,
            json!(false),
            "{v}"
        );
        assert_eq!(
            s.call(
                "admin",
                p,
                "get_param",
                json!(["no.such.key"]),
                json!({"default": "d"})
            )
            .await,
            json!("d"),
            "{v}"
        );
        assert_eq!(
            s.call(
                "admin",
                p,
                "set_param",
                json!(["odoo_rs.key", "one"]),
                json!({})
            )
            .await,
            json!(false),
            "{v}: a new parameter had no value"
        );
        assert_eq!(
            s.call("admin", p, "get_param", json!(["odoo_rs.key"]), json!({}))
                .await,
            json!("one")
        );
        assert_eq!(
            s.call(
                "admin",
                p,
                "set_param",
                json!(["odoo_rs.key", 2]),
                json!({})
            )
            .await,
            json!("one"),
            "{v}: set_param answers the old value"
        );
        assert_eq!(
            s.call("admin", p, "get_param", json!(["odoo_rs.key"]), json!({}))
                .await,
            json!("2"),
            "{v}: values are stored as text"
        );
        assert_eq!(
            s.call(
                "admin",
                p,
                "set_param",
                json!(["odoo_rs.key", false]),
                json!({})
            )
            .await,
            json!("2")
        );
        let left = s
            .call(
                "admin",
                p,
                "search_count",
                json!([[["key", "=", "odoo_rs.key"]]]),
                json!({}),
            )
            .await;
        assert_eq!(left, json!(0), "{v}: False removes the parameter");
        for (method, args) in [
            ("get_param", json!(["web.base.url"])),
            ("set_param", json!(["odoo_rs.key", "x"])),
        ] {
            let (name, message) = s.fails("alice", p, method, args, json!({})).await;
            assert_eq!(name, ACCESS_ERROR, "{v}: {method}");
            assert!(
                message.starts_with("You are not allowed to access 'System Parameter' (ir.config_parameter) records."),
                "{v}: {message}"
            );
        }
    }
}
