//! The system models clients touch at start-up: `ir.module.module` (one
//! installed module per entry of the schema header's `installed_modules`),
//! `ir.cron` over its `ir.actions.server` parent (hand-written rows of
//! `data/extra.json`, completed here per version), `res.lang` with
//! `base.language.install`, and `ir.config_parameter`'s `get_param` /
//! `set_param`.

use serde_json::{Map, Value, json};

use crate::faults::Fault;
use crate::methods::Env;
use crate::orm::{bind, record_args};
use crate::rules::{self, Perm};
use crate::store::{Record, Schema, Store, as_id, as_ids, truthy};

/// Complete the seeded system records of one version's store: add the
/// `ir.module.module` rows, link the scheduled actions to their models and
/// give the rows of `ir.cron` and `res.lang` the fields that version has.
pub(crate) fn seed(schema: &Schema, header: &Map<String, Value>, store: &mut Store) {
    modules(schema, header, store);
    server_actions(schema, store);
    crons(schema, store);
    langs(schema, store);
}

/// Manifest names (`shortdesc`) of the modules whose title is not their
/// technical name in title case.
const TITLES: &[(&str, &str)] = &[
    ("account", "Invoicing"),
    ("analytic", "Analytic Accounting"),
    ("auth_signup", "Signup"),
    ("auth_totp", "Two-Factor Authentication (TOTP)"),
    ("base_setup", "Initial Setup Tools"),
    ("bus", "IM Bus"),
    ("digest", "KPI Digests"),
    ("mail", "Discuss"),
    ("portal", "Customer Portal"),
    ("product", "Products & Pricelists"),
    ("sale", "Sales"),
    ("sale_management", "Sales"),
    ("sales_team", "Sales Teams"),
    ("uom", "Units of measure"),
];

/// Modules that are applications (`'application': True` in their manifest).
const APPLICATIONS: &[&str] = &[
    "account",
    "contacts",
    "mail",
    "purchase",
    "sale_management",
    "spreadsheet_dashboard",
];

/// `sale_pdf_quote_builder` -> `Sale Pdf Quote Builder`.
fn title(name: &str) -> String {
    if let Some((_, t)) = TITLES.iter().find(|(n, _)| *n == name) {
        return (*t).to_string();
    }
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One installed `ir.module.module` per `installed_modules` entry, ids 1..n
/// in name order. Versions are left false: the captures do not say them.
fn modules(schema: &Schema, header: &Map<String, Value>, store: &mut Store) {
    let Some(meta) = schema.model("ir.module.module") else {
        return;
    };
    let mut names: Vec<&str> = header
        .get("installed_modules")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    names.sort_unstable();
    names.dedup();
    let table = store.table_mut("ir.module.module");
    table.loaded = true;
    for (i, name) in names.into_iter().enumerate() {
        let id = i as i64 + 1;
        let mut rec = Record::new();
        rec.insert("id".into(), json!(id));
        let mut put = |field: &str, value: Value| {
            if meta.field(field).is_some() {
                rec.insert(field.into(), value);
            }
        };
        put("name", json!(name));
        put("shortdesc", json!(title(name)));
        put("state", json!("installed"));
        put("application", json!(APPLICATIONS.contains(&name)));
        // Every module of the recorded databases is one of Odoo's own
        // (manifest defaults: author Odoo S.A., LGPL-3), installed with demo data.
        put("author", json!("Odoo S.A."));
        put("license", json!("LGPL-3"));
        put("demo", json!(true));
        put("latest_version", json!(false));
        table.records_mut().insert(id, rec);
        table.next_id = table.next_id.max(id + 1);
    }
}

/// `ir.actions.server.model_id` from the row's `model_name` (ir.model ids
/// are only known once the schema is loaded).
fn server_actions(schema: &Schema, store: &mut Store) {
    let model_ids: std::collections::HashMap<String, i64> = store
        .tables
        .get("ir.model")
        .map(|t| {
            t.records
                .iter()
                .filter_map(|(id, r)| Some((r.get("model")?.as_str()?.to_string(), *id)))
                .collect()
        })
        .unwrap_or_default();
    if schema.model("ir.actions.server").is_none() {
        return;
    }
    let table = store.table_mut("ir.actions.server");
    let mut gone = Vec::new();
    for (id, rec) in table.records_mut() {
        let model = rec.get("model_name").and_then(Value::as_str).unwrap_or("");
        match model_ids.get(model) {
            Some(mid) => {
                rec.insert("model_id".into(), json!(mid));
            }
            None if rec.get("model_id").and_then(as_id).is_none() => gone.push(*id),
            None => {}
        }
    }
    // An action on a model the version lacks does not exist there.
    for id in gone {
        table.records_mut().remove(&id);
    }
}

/// `ir.cron` rows: `cron_name` and `name` from their server action (Odoo's
/// `_inherits`), and the version's own bookkeeping fields (`numbercall` and
/// `doall` up to 17, `failure_count` from 18).
fn crons(schema: &Schema, store: &mut Store) {
    let Some(meta) = schema.model("ir.cron") else {
        return;
    };
    let actions: std::collections::HashMap<i64, Value> = store
        .tables
        .get("ir.actions.server")
        .map(|t| {
            t.records
                .iter()
                .filter_map(|(id, r)| Some((*id, r.get("name")?.clone())))
                .collect()
        })
        .unwrap_or_default();
    let table = store.table_mut("ir.cron");
    table.records_mut().retain(|_, r| {
        r.get("ir_actions_server_id")
            .and_then(as_id)
            .is_some_and(|a| actions.contains_key(&a))
    });
    for rec in table.records_mut().values_mut() {
        let action = rec.get("ir_actions_server_id").and_then(as_id).unwrap_or(0);
        let name = actions.get(&action).cloned().unwrap_or(Value::Bool(false));
        let defaults = [
            ("cron_name", name.clone()),
            ("name", name),
            ("numbercall", json!(-1)),
            ("doall", json!(false)),
            ("failure_count", json!(0)),
            ("first_failure_date", json!(false)),
        ];
        for (field, value) in defaults {
            if meta.field(field).is_some() {
                rec.entry(field).or_insert(value);
            }
        }
    }
}

/// `res.lang` rows: `url_code` as Odoo's `create` sets it (the ISO code, else
/// the code) and, on 18, the required `short_time_format` (the time format
/// without seconds).
fn langs(schema: &Schema, store: &mut Store) {
    let Some(meta) = schema.model("res.lang") else {
        return;
    };
    let has = |f: &str| meta.field(f).is_some();
    let (url, short) = (has("url_code"), has("short_time_format"));
    for rec in store.table_mut("res.lang").records_mut().values_mut() {
        if url && rec.get("url_code").is_none() {
            if let Some(code) = rec.get("iso_code").or_else(|| rec.get("code")).cloned() {
                rec.insert("url_code".into(), code);
            }
        }
        if short && rec.get("short_time_format").is_none() {
            if let Some(t) = rec.get("time_format").and_then(Value::as_str) {
                let s = t.replace(":%S", "");
                rec.insert("short_time_format".into(), json!(s));
            }
        }
    }
}

/// Is `code` the code of an active `res.lang` (an installed language)?
pub(crate) fn lang_active(store: &Store, code: &str) -> bool {
    store.tables.get("res.lang").is_some_and(|t| {
        t.records.values().any(|r| {
            r.get("code").and_then(Value::as_str) == Some(code)
                && r.get("active").is_some_and(truthy)
        })
    })
}

/// Whether `model.method` is one of the public methods of the system
/// models answered by [`call`].
pub(crate) fn handles(model: &str, method: &str) -> bool {
    matches!(
        (model, method),
        ("ir.config_parameter", "get_param" | "set_param")
            | ("res.lang", "get_installed")
            | ("base.language.install", "lang_install")
    )
}

/// Run one of the public methods of the system models ([`handles`]).
pub(crate) fn call(
    env: &mut Env<'_>,
    model: &str,
    method: &str,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> Result<Value, Fault> {
    match (model, method) {
        ("ir.config_parameter", "get_param") => get_param(env, args, kwargs),
        ("ir.config_parameter", "set_param") => set_param(env, args, kwargs),
        ("res.lang", "get_installed") => get_installed(env, args, kwargs),
        ("base.language.install", "lang_install") => lang_install(env, args, kwargs),
        _ => Err(Fault::attribute_error(format!(
            "The method '{method}' does not exist on the model '{model}'"
        ))),
    }
}

/// The `ir.config_parameter` record with this key, searched as the user
/// (model ACL and rules apply, as Odoo's `search`).
fn param(env: &Env<'_>, key: &str) -> Result<Option<(i64, Value)>, Fault> {
    let ids = env.search(
        "ir.config_parameter",
        &json!([["key", "=", key]]),
        0,
        Some(1),
        None,
    )?;
    Ok(ids.first().map(|id| {
        let value = env
            .store
            .get("ir.config_parameter", *id)
            .and_then(|r| r.get("value"))
            .cloned()
            .unwrap_or(Value::Bool(false));
        (*id, value)
    }))
}

/// `get_param(key, default=False)`: the value, or `default` when the
/// parameter is missing or empty. Odoo checks the read access first.
fn get_param(
    env: &mut Env<'_>,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> Result<Value, Fault> {
    let b = bind(
        "IrConfigParameter.get_param",
        &[("key", None), ("default", Some(json!(false)))],
        args,
        kwargs,
        None,
    )?;
    rules::check_model_access(
        env.schema,
        env.store,
        &env.user,
        "ir.config_parameter",
        Perm::Read,
    )?;
    let key = b.get("key").as_str().unwrap_or_default().to_string();
    Ok(match param(env, &key)? {
        Some((_, v)) if truthy(&v) => v,
        _ => b.get("default").clone(),
    })
}

/// Python's `str()` of a JSON value.
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

/// `set_param(key, value)`: write (or create) the parameter, remove it when
/// the value is `False` / `None`; returns the old value (`False` if none).
fn set_param(
    env: &mut Env<'_>,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> Result<Value, Fault> {
    let b = bind(
        "IrConfigParameter.set_param",
        &[("key", None), ("value", None)],
        args,
        kwargs,
        None,
    )?;
    let key = b.get("key").as_str().unwrap_or_default().to_string();
    let value = b.get("value").clone();
    let unset = matches!(value, Value::Null | Value::Bool(false));
    let model = "ir.config_parameter";
    match param(env, &key)? {
        Some((id, old)) => {
            if unset {
                rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Unlink)?;
                env.delete_records(model, &[id]);
            } else if py_str(&value) != py_str(&old) {
                rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Write)?;
                let mut vals = Map::new();
                vals.insert("value".into(), json!(py_str(&value)));
                env.write_vals(model, &[id], &vals)?;
            }
            Ok(old)
        }
        None => {
            if !unset {
                let mut vals = Map::new();
                vals.insert("key".into(), json!(key));
                vals.insert("value".into(), json!(py_str(&value)));
                env.create_one(model, &vals)?;
            }
            Ok(Value::Bool(false))
        }
    }
}

/// `res.lang.get_installed()`: `[(code, name)]` of the active languages, by name.
fn get_installed(
    env: &mut Env<'_>,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> Result<Value, Fault> {
    let owner = if env.schema.version >= 18 {
        "ResLang"
    } else {
        "Lang"
    };
    bind(&format!("{owner}.get_installed"), &[], args, kwargs, None)?;
    rules::check_model_access(env.schema, env.store, &env.user, "res.lang", Perm::Read)?;
    let mut langs: Vec<(String, String)> = env
        .store
        .tables
        .get("res.lang")
        .map(|t| {
            t.records
                .values()
                .filter(|r| r.get("active").is_some_and(truthy))
                .map(|r| {
                    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    (s("code"), s("name"))
                })
                .collect()
        })
        .unwrap_or_default();
    langs.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(json!(
        langs
            .into_iter()
            .map(|(code, name)| json!([code, name]))
            .collect::<Vec<_>>()
    ))
}

/// `base.language.install.lang_install()` (one wizard): activate its
/// `lang_ids`. One language answers the "switch to it" form of the wizard,
/// several a notification, as Odoo 16-19 do.
fn lang_install(
    env: &mut Env<'_>,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> Result<Value, Fault> {
    let wizard = "base.language.install";
    let (ids, rest) = record_args(args)?;
    bind("BaseLanguageInstall.lang_install", &[], rest, kwargs, None)?;
    rules::check_model_access(env.schema, env.store, &env.user, wizard, Perm::Read)?;
    let ids = env.existing(wizard, &ids);
    let [id] = ids[..] else {
        let items: Vec<Value> = ids.iter().map(|i| json!(i)).collect();
        return Err(Fault::value_error(format!(
            "Expected singleton: {wizard}{}",
            crate::faults::py_tuple(&items)
        )));
    };
    env.check_rules(wizard, &[id], Perm::Read, Perm::Read)?;
    let langs = env
        .store
        .get(wizard, id)
        .and_then(|r| r.get("lang_ids"))
        .map(as_ids)
        .unwrap_or_default();
    let langs = env.existing("res.lang", &langs);
    if !langs.is_empty() {
        rules::check_model_access(env.schema, env.store, &env.user, "res.lang", Perm::Write)?;
        let mut vals = Map::new();
        vals.insert("active".into(), json!(true));
        env.write_vals("res.lang", &langs, &vals)?;
    }
    if langs.len() == 1 {
        // `views` names base.language_install_view_form_lang_switch, whose
        // id the captures do not give.
        let view = env
            .store
            .ref_id("ir.ui.view", "base.language_install_view_form_lang_switch")
            .map_or(Value::Bool(false), |v| json!(v));
        return Ok(json!({
            "type": "ir.actions.act_window",
            "res_model": wizard,
            "res_id": id,
            "view_mode": "form",
            "target": "new",
            "views": [[view, "form"]],
        }));
    }
    let mut context = env.context.clone();
    context.insert("active_ids".into(), json!([id]));
    Ok(json!({
        "type": "ir.actions.client",
        "tag": "display_notification",
        "context": context,
        "target": "new",
        "params": {
            "message": "The languages that you selected have been successfully installed. Users can choose their favorite language in their preferences.",
            "type": "success",
            "sticky": false,
            "next": {"type": "ir.actions.act_window_close"},
        },
    }))
}
