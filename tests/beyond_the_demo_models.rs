//! A program that goes beyond the 28 models of the original demo works
//! unchanged on every version the embedded server imitates (16, 17, 18, 19):
//! invoices and installed modules, a purchase order with its lines,
//! scheduled actions, a language installed through its wizard, searches on
//! related fields and dotted paths, and the models' default orders.
//!
//! Each step is one test per version (`odoo16::purchase_order_...`), each on
//! its own embedded server. With `ODOO_URL` (tests/support/target.rs) only
//! the real server's version runs, and the others say they were skipped;
//! there the tests learn ids at run time, assert error kinds and portable
//! properties, and undo what they did ([`guarded`]): the purchase order is
//! deleted, the scheduled action re-activated, a language that was inactive
//! is deactivated again, and the product template, customer and sale order
//! the related-field step creates (tagged with the run) are removed. What a
//! real server keeps: the purchase and sale order numbers drawn from their
//! sequences, record ids, the language wizard (a transient record Odoo
//! vacuums itself) and the French translations that installing the
//! language loaded. The default orders are checked on the embedded server
//! only. `a_live_run_leaves_no_trace` runs every step in live mode against
//! an embedded server of each version and compares what they touch before
//! and after.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use std::collections::{BTreeMap, BTreeSet};

use odoo::{Domain, Many2one, ServerErrorKind, Session, Transport, field};
use serde::Deserialize;
use serde_json::{Value, json};
use support::live::{Snapshot, guarded};
use support::target::{SHARED, Shared, Target};

/// The server for `step` of Odoo `version`, or `None` (said) when a real
/// server is another version.
async fn target(version: u32, step: &str) -> Option<Target> {
    let t = Target::for_version(Transport::Auto, version).await;
    if let Some(why) = t.skip_reason() {
        eprintln!("[odoo-rs tests] {step} for Odoo {version} skipped: {why}");
        return None;
    }
    eprintln!(
        "[odoo-rs tests] {step} on Odoo {version} at {} ({})",
        t.url,
        if t.live {
            "live: ids learned at run time, changes undone"
        } else {
            "the embedded server"
        }
    );
    Some(t)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

fn ids<T>(rows: &[T], id: impl Fn(&T) -> i64) -> BTreeSet<i64> {
    rows.iter().map(id).collect()
}

// ---------------------------------------------------------------------------
// 1. account.move and ir.module.module
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Invoice {
    id: i64,
    name: String,
    state: String,
    move_type: String,
    amount_total: f64,
    partner_id: Option<Many2one>,
}

/// The posted customer invoices of each version's embedded data (the two
/// `account.move` rows of `odooNN/full_rows.json`): id, name, partner id and
/// name, total.
fn embedded_invoices(version: u32) -> Vec<(i64, &'static str, i64, &'static str, f64)> {
    match version {
        16 | 17 => vec![
            (1, "INV/2026/00002", 14, "Azure Interior", 36512.5),
            (2, "INV/2026/00003", 10, "Deco Addict", 48012.5),
        ],
        18 => vec![
            (1, "INV/2026/00002", 15, "Azure Interior", 31750.0),
            (2, "INV/2026/00003", 10, "Deco Addict", 41750.0),
        ],
        _ => vec![
            (1, "INV/2026/00001", 15, "Azure Interior", 31750.0),
            (2, "INV/2026/00002", 9, "Acme Corporation", 46250.0),
        ],
    }
}

#[derive(Debug, Deserialize)]
struct Module {
    name: String,
    state: String,
}

async fn invoices_and_installed_modules(version: u32) {
    let step = "invoices and installed modules";
    let Some(t) = target(version, step).await else {
        return;
    };
    let at = format!("Odoo {version}, {step}");
    let admin = t.login("admin").await;

    let invoices: Vec<Invoice> = admin
        .search_read(
            "account.move",
            field("move_type").eq("out_invoice") & field("state").eq("posted"),
        )
        .fields(["name", "state", "move_type", "amount_total", "partner_id"])
        .order("id")
        .await
        .unwrap_or_else(|e| panic!("{at}: posted invoices: {e}"));
    assert!(
        !invoices.is_empty(),
        "{at}: the database has posted invoices"
    );
    for inv in &invoices {
        assert_eq!(inv.state, "posted", "{at}: {inv:?}");
        assert_eq!(inv.move_type, "out_invoice", "{at}: {inv:?}");
        assert!(
            !inv.name.is_empty() && inv.name != "/",
            "{at}: a posted invoice has its number: {inv:?}"
        );
        assert!(inv.amount_total >= 0.0, "{at}: {inv:?}");
        assert!(inv.partner_id.is_some(), "{at}: an invoice has a customer");
    }
    if !t.live {
        let got: Vec<(i64, &str, i64, &str, f64)> = invoices
            .iter()
            .map(|i| {
                let p = i.partner_id.as_ref().unwrap();
                (i.id, i.name.as_str(), p.id, p.name.as_str(), i.amount_total)
            })
            .collect();
        assert_eq!(got, embedded_invoices(version), "{at}");
    }

    // Installed modules: filtered on the state, every row is installed.
    let modules: Vec<Module> = admin
        .search_read("ir.module.module", field("state").eq("installed"))
        .fields(["name", "state"])
        .await
        .unwrap_or_else(|e| panic!("{at}: installed modules: {e}"));
    let names: BTreeSet<&str> = modules.iter().map(|m| m.name.as_str()).collect();
    for wanted in [
        "base",
        "product",
        "account",
        "sale",
        "sale_management",
        "purchase",
    ] {
        assert!(names.contains(wanted), "{at}: {wanted} in {names:?}");
    }
    for m in &modules {
        assert_eq!(m.state, "installed", "{at}: {}", m.name);
    }
    assert_eq!(names.len(), modules.len(), "{at}: one row per module");
    let count = admin
        .search_count("ir.module.module", field("state").eq("installed"))
        .await
        .unwrap();
    assert_eq!(count, modules.len() as u64, "{at}");
    // Two of them by name; an internal user (alice) reads them too.
    let alice = t.login("alice").await;
    let two: Vec<Module> = alice
        .search_read(
            "ir.module.module",
            field("name").is_in(["sale_management", "purchase"]) & field("state").eq("installed"),
        )
        .fields(["name", "state"])
        .order("name")
        .await
        .unwrap_or_else(|e| panic!("{at}: alice reads modules: {e}"));
    let two: Vec<(&str, &str)> = two
        .iter()
        .map(|m| (m.name.as_str(), m.state.as_str()))
        .collect();
    assert_eq!(
        two,
        [("purchase", "installed"), ("sale_management", "installed")],
        "{at}"
    );
}

// ---------------------------------------------------------------------------
// 2. purchase.order with two lines
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct PurchaseOrder {
    id: i64,
    name: String,
    state: String,
    partner_id: Many2one,
    order_line: Vec<i64>,
    amount_untaxed: f64,
    amount_tax: f64,
    amount_total: f64,
}

#[derive(Debug, Deserialize)]
struct PurchaseLine {
    id: i64,
    order_id: Many2one,
    product_id: Many2one,
    product_qty: f64,
    price_unit: f64,
    price_subtotal: f64,
}

/// The one record of `model` matching `domain`, as admin.
async fn one(admin: &Session, model: &str, domain: Domain, what: &str) -> i64 {
    let found = admin
        .search(model, domain)
        .limit(1)
        .await
        .unwrap_or_else(|e| panic!("find {what}: {e}"));
    *found
        .first()
        .unwrap_or_else(|| panic!("the database holds the demo {what}"))
}

async fn purchase_order_with_two_lines(version: u32) {
    let step = "purchase order with two lines";
    let Some(t) = target(version, step).await else {
        return;
    };
    let at = format!("Odoo {version}, {step}");
    let admin = t.login("admin").await;
    guarded(&t, |run| async move {
        // The demo vendor and two purchasable demo products.
        let vendor = one(
            &admin,
            "res.partner",
            field("name").eq("Wood Corner"),
            "vendor Wood Corner",
        )
        .await;
        let chair = one(
            &admin,
            "product.product",
            field("default_code").eq("FURN_7777"),
            "product FURN_7777",
        )
        .await;
        let lamp = one(
            &admin,
            "product.product",
            field("default_code").eq("FURN_8888"),
            "product FURN_8888",
        )
        .await;

        let values = json!({
            "partner_id": vendor,
            "partner_ref": run.tagged("purchase"),
            "order_line": [
                [0, 0, {"product_id": chair, "name": "chairs", "product_qty": 2, "price_unit": 10.0}],
                [0, 0, {"product_id": lamp, "name": "lamps", "product_qty": 3, "price_unit": 4.5}],
            ],
        });
        let id = admin
            .create("purchase.order", &values)
            .await
            .unwrap_or_else(|e| panic!("{at}: create: {e}"));
        run.created("purchase.order", [id]);

        let orders: Vec<PurchaseOrder> = admin
            .read("purchase.order", [id])
            .fields([
                "name",
                "state",
                "partner_id",
                "order_line",
                "amount_untaxed",
                "amount_tax",
                "amount_total",
            ])
            .await
            .unwrap_or_else(|e| panic!("{at}: read back: {e}"));
        let order = &orders[0];
        assert_eq!(order.id, id, "{at}");
        let digits = order.name.strip_prefix('P').unwrap_or_else(|| {
            panic!("{at}: a purchase order is numbered P...: {}", order.name)
        });
        assert!(
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()),
            "{at}: {}",
            order.name
        );
        assert_eq!(order.state, "draft", "{at}");
        assert_eq!(order.partner_id.id, vendor, "{at}");
        assert_eq!(order.order_line.len(), 2, "{at}: {order:?}");

        let lines: Vec<PurchaseLine> = admin
            .read("purchase.order.line", order.order_line.clone())
            .fields([
                "order_id",
                "product_id",
                "product_qty",
                "price_unit",
                "price_subtotal",
            ])
            .await
            .unwrap_or_else(|e| panic!("{at}: lines: {e}"));
        let by_product: BTreeMap<i64, &PurchaseLine> =
            lines.iter().map(|l| (l.product_id.id, l)).collect();
        for (product, qty, price) in [(chair, 2.0, 10.0), (lamp, 3.0, 4.5)] {
            let line = by_product
                .get(&product)
                .unwrap_or_else(|| panic!("{at}: a line of product {product}: {lines:?}"));
            assert_eq!(line.order_id.id, id, "{at}: {line:?}");
            assert!(close(line.product_qty, qty), "{at}: {line:?}");
            assert!(close(line.price_unit, price), "{at}: {line:?}");
            assert!(
                close(line.price_subtotal, qty * price),
                "{at}: subtotal is quantity times price: {line:?}"
            );
        }
        let sum: f64 = lines.iter().map(|l| l.price_subtotal).sum();
        assert!(
            close(order.amount_untaxed, sum),
            "{at}: untaxed {} is the sum of the subtotals {sum}",
            order.amount_untaxed
        );
        assert!(
            close(order.amount_total, order.amount_untaxed + order.amount_tax),
            "{at}: {order:?}"
        );
        if !t.live {
            // After the recorded P00001 and P00002.
            assert_eq!(order.name, "P00003", "{at}");
            assert!(close(order.amount_untaxed, 33.5), "{at}: {order:?}");
            assert_eq!(ids(&lines, |l| l.id).len(), 2, "{at}");
        }

        // A draft purchase order can be deleted, lines and all.
        admin
            .unlink("purchase.order", [id])
            .await
            .unwrap_or_else(|e| panic!("{at}: delete the draft: {e}"));
        let left = admin
            .search("purchase.order", field("id").eq(id))
            .await
            .unwrap();
        assert!(left.is_empty(), "{at}: the order is gone");
        let lines_left = admin
            .search("purchase.order.line", field("order_id").eq(id))
            .await
            .unwrap();
        assert!(lines_left.is_empty(), "{at}: its lines are gone too");
    })
    .await;
}

// ---------------------------------------------------------------------------
// 3. ir.cron
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Cron {
    id: i64,
    name: String,
    active: bool,
}

async fn a_scheduled_action_is_disabled_and_restored(version: u32) {
    let step = "disable a scheduled action";
    let Some(t) = target(version, step).await else {
        return;
    };
    let at = format!("Odoo {version}, {step}");
    let admin = t.login("admin").await;
    let alice = t.login("alice").await;
    guarded(&t, |run| async move {
        let crons: Vec<Cron> = admin
            .search_read("ir.cron", Domain::all())
            .fields(["name", "active"])
            .order("id")
            .limit(1)
            .await
            .unwrap_or_else(|e| panic!("{at}: list crons: {e}"));
        let cron = crons
            .first()
            .unwrap_or_else(|| panic!("{at}: an active scheduled action"));
        assert!(cron.active, "{at}: {cron:?}");
        if !t.live {
            assert_eq!(cron.name, "Base: Auto-vacuum internal data", "{at}");
        }
        let id = cron.id;
        // Written back at the end, passed or failed.
        run.will_change("ir.cron", &[id], &["active"]).await;

        admin
            .write("ir.cron", [id], &json!({"active": false}))
            .await
            .unwrap_or_else(|e| panic!("{at}: disable: {e}"));
        let seen = admin.search("ir.cron", field("id").eq(id)).await.unwrap();
        assert!(
            seen.is_empty(),
            "{at}: an inactive cron leaves the default search"
        );
        let back: Vec<Cron> = admin
            .search_read("ir.cron", field("id").eq(id))
            .fields(["name", "active"])
            .context("active_test", false)
            .await
            .unwrap();
        assert_eq!(back.len(), 1, "{at}: {back:?}");
        assert!(!back[0].active, "{at}: {back:?}");
        assert_eq!(back[0].name, cron.name, "{at}");

        // alice is no administrator: the model's ACL refuses her.
        let err = alice
            .search_read::<Value>("ir.cron", Domain::all())
            .fields(["name"])
            .await
            .unwrap_err();
        assert_eq!(
            err.server_kind(),
            Some(ServerErrorKind::AccessError),
            "{at}: alice lists crons: {err:?}"
        );
        let err = alice
            .write("ir.cron", [id], &json!({"active": true}))
            .await
            .unwrap_err();
        assert!(err.is_access_error(), "{at}: alice writes a cron: {err:?}");

        // Back on, as it was.
        admin
            .write("ir.cron", [id], &json!({"active": true}))
            .await
            .unwrap_or_else(|e| panic!("{at}: re-enable: {e}"));
        let seen = admin.search("ir.cron", field("id").eq(id)).await.unwrap();
        assert_eq!(seen, vec![id], "{at}: active again");
    })
    .await;
}

// ---------------------------------------------------------------------------
// 4. res.lang through base.language.install
// ---------------------------------------------------------------------------

/// The language the step installs: Dutch, inactive in every recorded
/// database (fr_FR was already installed on the recorded 16-18).
const LANG: &str = "nl_NL";

/// A call in Dutch: the countries BE and FR, read with context lang nl_NL.
async fn in_dutch(session: &Session) -> Result<Vec<Value>, odoo::Error> {
    session
        .search_read("res.country", field("code").is_in(["BE", "FR"]))
        .fields(["code", "name"])
        .context("lang", LANG)
        .await
}

#[derive(Debug, Deserialize)]
struct Lang {
    id: i64,
    code: String,
    active: bool,
}

async fn a_language_is_installed_through_its_wizard(version: u32) {
    let step = "install a language";
    let Some(t) = target(version, step).await else {
        return;
    };
    let at = format!("Odoo {version}, {step}");
    let admin = t.login("admin").await;
    let alice = t.login("alice").await;
    guarded(&t, |run| async move {
        let langs: Vec<Lang> = admin
            .search_read("res.lang", field("code").eq(LANG))
            .fields(["code", "active"])
            .context("active_test", false)
            .await
            .unwrap_or_else(|e| panic!("{at}: find {LANG}: {e}"));
        let lang = langs
            .first()
            .unwrap_or_else(|| panic!("{at}: the database knows {LANG}"));
        assert_eq!(lang.code, LANG, "{at}");
        let (fr, was_active) = (lang.id, lang.active);
        if !t.live {
            assert!(!was_active, "{at}: {LANG} is not active at first");
        }
        // Deactivated again at the end if it was inactive, passed or failed.
        run.will_change("res.lang", &[fr], &["active"]).await;

        if !was_active {
            // 18 and 19 refuse a language that is not installed; 16 and 17
            // ignore it.
            let before = in_dutch(&admin).await;
            if version >= 18 {
                let err = before.unwrap_err();
                assert_eq!(
                    err.server_kind(),
                    Some(ServerErrorKind::UserError),
                    "{at}: {LANG} before it is installed: {err:?}"
                );
            } else {
                let rows = before.unwrap_or_else(|e| panic!("{at}: {e}"));
                assert_eq!(rows.len(), 2, "{at}: {rows:?}");
            }
        }

        // As the web client does it: create the wizard, then install.
        let wizard = admin
            .create(
                "base.language.install",
                &json!({"lang_ids": [[6, 0, [fr]]]}),
            )
            .await
            .unwrap_or_else(|e| panic!("{at}: create the wizard: {e}"));
        let action: Value = admin
            .call("base.language.install", "lang_install")
            .arg([wizard])
            .await
            .unwrap_or_else(|e| panic!("{at}: lang_install: {e}"));
        if !t.live {
            assert_eq!(action["type"], "ir.actions.act_window", "{at}: {action}");
        }
        let now: Vec<Lang> = admin
            .read("res.lang", [fr])
            .fields(["code", "active"])
            .await
            .unwrap();
        assert!(now[0].active, "{at}: {LANG} is active: {now:?}");
        let installed: Vec<(String, String)> = admin
            .call("res.lang", "get_installed")
            .returning()
            .await
            .unwrap_or_else(|e| panic!("{at}: get_installed: {e}"));
        assert!(
            installed.iter().any(|(code, _)| code == LANG),
            "{at}: {installed:?}"
        );

        // Now a call in Dutch works, for admin and for alice.
        for who in [&admin, &alice] {
            let rows = in_dutch(who)
                .await
                .unwrap_or_else(|e| panic!("{at}: {} in Dutch: {e}", who.login()));
            let mut codes: Vec<&str> = rows.iter().filter_map(|r| r["code"].as_str()).collect();
            codes.sort_unstable();
            assert_eq!(codes, ["BE", "FR"], "{at}: {rows:?}");
        }
        // A session whose context says Dutch, as an application sets it.
        let dutch = alice.with_context("lang", LANG);
        let n = dutch
            .search_count("res.country", field("code").eq("FR"))
            .await
            .unwrap_or_else(|e| panic!("{at}: a Dutch session: {e}"));
        assert_eq!(n, 1, "{at}");

        if !was_active {
            // Put it back as it was, and see that it is gone again.
            admin
                .write("res.lang", [fr], &json!({"active": false}))
                .await
                .unwrap_or_else(|e| panic!("{at}: deactivate {LANG}: {e}"));
            let after = in_dutch(&admin).await;
            if version >= 18 {
                let err = after.unwrap_err();
                assert_eq!(
                    err.server_kind(),
                    Some(ServerErrorKind::UserError),
                    "{at}: {LANG} after it was deactivated: {err:?}"
                );
            } else {
                assert!(after.is_ok(), "{at}: {after:?}");
            }
        }
    })
    .await;
}

// ---------------------------------------------------------------------------
// 5. related fields and dotted paths
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct WithPartner {
    id: i64,
    partner_id: Many2one,
}

#[derive(Debug, Deserialize)]
struct WithCountry {
    id: i64,
    country_id: Option<Many2one>,
}

#[derive(Debug, Deserialize)]
struct Country {
    id: i64,
    code: String,
}

/// The sellable variants of each version's embedded demo data (every
/// active variant whose template has `sale_ok`; 18 and 19's "Local
/// Delivery" is not for sale), and its orders of customers in the US (all
/// 26 up to 18; 19's demo puts 14 in San Marino).
fn embedded_counts(version: u32) -> (usize, usize) {
    match version {
        16 | 17 => (34, 26),
        18 => (41, 26),
        _ => (45, 12),
    }
}

/// The orders whose customer's country has `code`, filtered by hand: read
/// the orders' customers, their countries and the countries' codes.
async fn orders_by_hand(admin: &Session, code: &str) -> BTreeSet<i64> {
    let orders: Vec<WithPartner> = admin
        .search_read("sale.order", Domain::all())
        .fields(["partner_id"])
        .await
        .unwrap();
    let partners: BTreeSet<i64> = orders.iter().map(|o| o.partner_id.id).collect();
    let partners: Vec<WithCountry> = admin
        .read("res.partner", partners)
        .fields(["country_id"])
        .context("active_test", false)
        .await
        .unwrap();
    let country_of: BTreeMap<i64, i64> = partners
        .iter()
        .filter_map(|p| p.country_id.as_ref().map(|c| (p.id, c.id)))
        .collect();
    let countries: BTreeSet<i64> = country_of.values().copied().collect();
    let countries: Vec<Country> = admin
        .read("res.country", countries)
        .fields(["code"])
        .await
        .unwrap();
    let code_of: BTreeMap<i64, &str> = countries.iter().map(|c| (c.id, c.code.as_str())).collect();
    orders
        .iter()
        .filter(|o| {
            country_of
                .get(&o.partner_id.id)
                .and_then(|c| code_of.get(c))
                .is_some_and(|c| *c == code)
        })
        .map(|o| o.id)
        .collect()
}

async fn search(session: &Session, model: &str, domain: Domain) -> BTreeSet<i64> {
    session
        .search(model, domain)
        .await
        .unwrap_or_else(|e| panic!("search {model}: {e}"))
        .into_iter()
        .collect()
}

async fn related_fields_and_dotted_paths(version: u32) {
    let step = "related fields and dotted paths";
    let Some(t) = target(version, step).await else {
        return;
    };
    let at = format!("Odoo {version}, {step}");
    let admin = t.login("admin").await;
    guarded(&t, |run| async move {
        // What makes both filters bite: a product not for sale, and an
        // order of a customer in Belgium.
        let template = admin
            .create(
                "product.template",
                &json!({"name": run.tagged("not for sale"), "sale_ok": false}),
            )
            .await
            .unwrap_or_else(|e| panic!("{at}: create a template: {e}"));
        run.created("product.template", [template]);
        let belgium = one(&admin, "res.country", field("code").eq("BE"), "country BE").await;
        let customer = admin
            .create(
                "res.partner",
                &json!({"name": run.tagged("Belgian customer"), "ref": run.tag(), "country_id": belgium}),
            )
            .await
            .unwrap_or_else(|e| panic!("{at}: create a customer: {e}"));
        run.created("res.partner", [customer]);
        let order = admin
            .create(
                "sale.order",
                &json!({"partner_id": customer, "client_order_ref": run.tagged("BE")}),
            )
            .await
            .unwrap_or_else(|e| panic!("{at}: create an order: {e}"));
        run.created("sale.order", [order]);

        // product.product.sale_ok is related to its template's.
        let sellable = search(&admin, "product.product", field("sale_ok").eq(true)).await;
        // (A path is followed into archived records too, as Odoo does.)
        let templates: Vec<i64> = admin
            .search("product.template", field("sale_ok").eq(true))
            .context("active_test", false)
            .await
            .unwrap();
        let their_variants = search(
            &admin,
            "product.product",
            field("product_tmpl_id").is_in(templates),
        )
        .await;
        assert_eq!(sellable, their_variants, "{at}: sale_ok on variants and templates");
        let new_variant = search(&admin, "product.product", field("product_tmpl_id").eq(template)).await;
        assert_eq!(new_variant.len(), 1, "{at}: a template gets its variant");
        let not_sellable = search(&admin, "product.product", field("sale_ok").eq(false)).await;
        assert!(new_variant.is_subset(&not_sellable), "{at}: {not_sellable:?}");
        assert!(sellable.is_disjoint(&not_sellable), "{at}");
        let all = search(&admin, "product.product", Domain::all()).await;
        assert_eq!(
            sellable.union(&not_sellable).copied().collect::<BTreeSet<_>>(),
            all,
            "{at}: every variant is for sale or not"
        );

        // A dotted path through two many2ones agrees with a filter by hand.
        let us = search(&admin, "sale.order", field("partner_id.country_id.code").eq("US")).await;
        assert_eq!(us, orders_by_hand(&admin, "US").await, "{at}: orders in the US");
        assert!(!us.contains(&order), "{at}");
        let be = search(&admin, "sale.order", field("partner_id.country_id.code").eq("BE")).await;
        assert_eq!(be, orders_by_hand(&admin, "BE").await, "{at}: orders in Belgium");
        assert!(be.contains(&order), "{at}: {be:?}");

        if !t.live {
            let (products, orders) = embedded_counts(version);
            assert_eq!(sellable.len(), products, "{at}: sellable variants");
            assert_eq!(not_sellable.len(), all.len() - products, "{at}");
            assert_eq!(us.len(), orders, "{at}: orders in the US");
            assert_eq!(be, BTreeSet::from([order]), "{at}");
        }
    })
    .await;
}

// ---------------------------------------------------------------------------
// 6. default orders
// ---------------------------------------------------------------------------

/// A `res.partner` search that a real Odoo answered without an `order`, as
/// recorded in the project's captures (`../shared/odooNN/wire/NAME`): who
/// asked, the domain (`is_company = True`, or none), the limit, and the
/// `(id, name)` rows in the order Odoo gave them.
struct Recorded {
    fixture: &'static str,
    login: &'static str,
    companies: bool,
    limit: u64,
    rows: &'static [(i64, &'static str)],
}

/// res.partner's `_order` is "display_name ASC, id DESC" on 16 and
/// "complete_name ASC, id DESC" from 17 on.
const PARTNERS_16: &[Recorded] = &[Recorded {
    fixture: "odoo16/wire/web_dataset_call_kw_with_cookie",
    login: "alice",
    companies: true,
    limit: 3,
    rows: &[
        (14, "Azure Interior"),
        (10, "Deco Addict"),
        (11, "Gemini Furniture"),
    ],
}];

const PARTNERS_17: &[Recorded] = &[
    Recorded {
        fixture: "odoo17/wire/web_dataset_call_kw_with_cookie",
        login: "alice",
        companies: true,
        limit: 3,
        rows: &[
            (14, "Azure Interior"),
            (10, "Deco Addict"),
            (11, "Gemini Furniture"),
        ],
    },
    // A web_search_read with the domain [] (the record's `length` 41
    // counts partners created earlier in that capture; the embedded
    // server holds the demo's 38).
    Recorded {
        fixture: "odoo17/wire/web_search_read_specification_with_domain",
        login: "admin",
        companies: false,
        limit: 3,
        rows: &[
            (41, "Alice"),
            (14, "Azure Interior"),
            (26, "Brandon Freeman"),
        ],
    },
];

const PARTNERS_18: &[Recorded] = &[Recorded {
    fixture: "odoo18/wire/web_dataset_call_kw_with_cookie",
    login: "alice",
    companies: true,
    limit: 3,
    rows: &[
        (15, "Azure Interior"),
        (10, "Deco Addict"),
        (11, "Gemini Furniture"),
    ],
}];

const PARTNERS_19: &[Recorded] = &[
    Recorded {
        fixture: "odoo19/wire/web_dataset_call_kw_with_cookie",
        login: "alice",
        companies: true,
        limit: 3,
        rows: &[
            (9, "Acme Corporation"),
            (15, "Azure Interior"),
            (10, "Gemini Furniture"),
        ],
    },
    Recorded {
        fixture: "odoo19/wire/jsonrpc_object_execute_kw_search_read_apikey",
        login: "admin",
        companies: true,
        limit: 2,
        rows: &[(9, "Acme Corporation"), (15, "Azure Interior")],
    },
];

#[derive(Debug, Deserialize)]
struct Named {
    id: i64,
    name: String,
}

async fn default_orders_are_the_recorded_ones(version: u32) {
    let step = "default orders";
    let Some(t) = target(version, step).await else {
        return;
    };
    // The embedded server only: a real database holds other records, so
    // the recorded ids say nothing about its order.
    if t.live {
        eprintln!(
            "[odoo-rs tests] {step} for Odoo {version} skipped: checked against the recorded ids on the embedded server only"
        );
        return;
    }
    let at = format!("Odoo {version}, {step}");
    // product.product: no capture of 16, 17, 18 or 19 searches it without
    // an order (the only product.product searches in ../shared/odooNN/wire
    // are the capture helpers' `order: "id"` reads in capture_log.jsonl), so
    // its default order is not checked on any version.
    eprintln!(
        "[odoo-rs tests] {at}: product.product skipped: no recorded search of it without an order"
    );
    let recorded = match version {
        16 => PARTNERS_16,
        17 => PARTNERS_17,
        18 => PARTNERS_18,
        _ => PARTNERS_19,
    };
    for r in recorded {
        let session = t.login(r.login).await;
        let domain = if r.companies {
            field("is_company").eq(true)
        } else {
            Domain::all()
        };
        let expected: Vec<i64> = r.rows.iter().map(|(id, _)| *id).collect();
        let found = session
            .search("res.partner", domain.clone())
            .limit(r.limit)
            .await
            .unwrap();
        assert_eq!(
            found, expected,
            "{at}: res.partner search as {}, as {}",
            r.login, r.fixture
        );
        let rows: Vec<Named> = session
            .search_read("res.partner", domain.clone())
            .fields(["name"])
            .limit(r.limit)
            .await
            .unwrap();
        let rows: Vec<(i64, &str)> = rows.iter().map(|n| (n.id, n.name.as_str())).collect();
        assert_eq!(
            rows, r.rows,
            "{at}: res.partner search_read as {}, as {}",
            r.login, r.fixture
        );
        // The whole list starts the same way.
        let everything = session.search("res.partner", domain).await.unwrap();
        assert!(
            everything.len() > expected.len() && everything.starts_with(&expected),
            "{at}: {everything:?} starts with {expected:?} ({})",
            r.fixture
        );
    }
}

// ---------------------------------------------------------------------------
// A live run leaves no trace
// ---------------------------------------------------------------------------

/// What the steps touch beyond [`Snapshot`]'s models, archived records
/// included.
async fn footprint(admin: &Session) -> BTreeMap<&'static str, Vec<Value>> {
    let mut out = BTreeMap::new();
    for (model, fields) in [
        ("ir.cron", &["name", "active"][..]),
        ("res.lang", &["code", "active"][..]),
        ("purchase.order", &["name", "state", "amount_total"][..]),
        ("purchase.order.line", &["order_id"][..]),
        ("product.template", &["name", "sale_ok", "active"][..]),
        ("product.product", &["product_tmpl_id", "active"][..]),
        ("sale.order", &["name", "partner_id"][..]),
        ("res.partner", &["name", "country_id"][..]),
    ] {
        let rows: Vec<Value> = admin
            .search_read(model, Domain::all())
            .fields(fields.to_vec())
            .order("id")
            .context("active_test", false)
            .await
            .unwrap_or_else(|e| panic!("footprint of {model}: {e}"));
        out.insert(model, rows);
    }
    out
}

/// Every step above, in live mode (as against a real Odoo: ids learned,
/// portable assertions, clean-up) against one embedded server of `version`,
/// leaves its database as it found it.
async fn a_live_run_leaves_no_trace(version: u32) {
    let (_mock, shared, admin) = Shared::embedded(version, "the steps in live mode").await;
    let (before, before_extra) = (Snapshot::take(&admin).await, footprint(&admin).await);
    macro_rules! live {
        ($($step:ident),*) => {
            $(
                SHARED.scope(shared.clone(), $step(version)).await;
            )*
        };
    }
    live!(
        invoices_and_installed_modules,
        purchase_order_with_two_lines,
        a_scheduled_action_is_disabled_and_restored,
        a_language_is_installed_through_its_wizard,
        related_fields_and_dotted_paths,
        default_orders_are_the_recorded_ones
    );
    let after = Snapshot::take(&admin).await;
    assert!(
        after == before,
        "Odoo {version}: the steps left a trace:\n{}",
        after.differences_from(&before).join("\n")
    );
    assert_eq!(footprint(&admin).await, before_extra, "Odoo {version}");
}

/// One test per version for each step.
macro_rules! every_version {
    ($($step:ident),* $(,)?) => {
        mod odoo16 { $( #[tokio::test] async fn $step() { crate::$step(16).await } )* }
        mod odoo17 { $( #[tokio::test] async fn $step() { crate::$step(17).await } )* }
        mod odoo18 { $( #[tokio::test] async fn $step() { crate::$step(18).await } )* }
        mod odoo19 { $( #[tokio::test] async fn $step() { crate::$step(19).await } )* }
    };
}

every_version!(
    invoices_and_installed_modules,
    purchase_order_with_two_lines,
    a_scheduled_action_is_disabled_and_restored,
    a_language_is_installed_through_its_wizard,
    related_fields_and_dotted_paths,
    default_orders_are_the_recorded_ones,
    a_live_run_leaves_no_trace,
);
