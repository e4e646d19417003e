//! What makes the suite safe on a database someone cares about.
//!
//! - [`Demo`]: the users, orders, partners and products the suite works
//!   with, learned at run time from logins and searches by reference, name
//!   or product code: no id or uid is written into a test.
//! - [`Run`]: every record a test creates carries the run's tag (in
//!   `client_order_ref` for orders, in `ref` and the name for partners) and
//!   is removed when the test ends, passed or failed; every value a test
//!   changes on an existing record is read first and written back.
//!   [`guarded`] runs a test body and then cleans up.
//! - [`Snapshot`]: the stored fields of the models the suite touches, to
//!   prove on the embedded server that a whole run leaves no trace.

use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use odoo::{Domain, Session, field};
use serde_json::{Map, Value};

use super::target::Target;

/// A demo order, found by its customer reference (`SDK-alice-1`, ...).
#[derive(Debug, Clone)]
pub struct DemoOrder {
    pub id: i64,
    pub name: String,
    pub state: String,
    pub partner_id: i64,
    pub partner_name: String,
    pub amount_total: f64,
}

/// The demo data the suite needs, as this database numbers it.
#[derive(Debug, Clone)]
pub struct Demo {
    pub admin_uid: i64,
    pub alice_uid: i64,
    pub bob_uid: i64,
    /// alice's demo orders, `SDK-alice-1` to `-3` (1 is confirmed).
    pub alice_orders: Vec<DemoOrder>,
    /// bob's demo orders, `SDK-bob-1` to `-3` (1 is confirmed).
    pub bob_orders: Vec<DemoOrder>,
    /// The company partner "Azure Interior", a customer.
    pub azure_interior: i64,
    /// The contact "Douglas Fletcher" and the company he works for.
    pub fletcher: i64,
    pub fletcher_company: i64,
    /// Product variants by internal reference: `DESK0005`, `FURN_7800`.
    pub desk: i64,
    pub desk_combination: i64,
}

impl Demo {
    /// Learn the demo data from the server, as admin (and alice and bob for
    /// their uids).
    pub async fn learn(t: &Target) -> Demo {
        let admin = t.login("admin").await;
        let alice_uid = t.login("alice").await.uid();
        let bob_uid = t.login("bob").await.uid();
        let orders = |login: &'static str| {
            let admin = admin.clone();
            async move {
                let refs: Vec<String> = (1..=3).map(|i| format!("SDK-{login}-{i}")).collect();
                let rows: Vec<Value> = admin
                    .search_read("sale.order", field("client_order_ref").is_in(refs))
                    .fields(["name", "state", "partner_id", "amount_total"])
                    .order("client_order_ref")
                    .await
                    .unwrap_or_else(|e| panic!("{login}'s demo orders: {e}"));
                assert_eq!(
                    rows.len(),
                    3,
                    "the database holds {login}'s demo orders SDK-{login}-1..3 (see tests/support/target.rs)"
                );
                rows.iter()
                    .map(|r| DemoOrder {
                        id: r["id"].as_i64().unwrap_or_default(),
                        name: r["name"].as_str().unwrap_or_default().to_owned(),
                        state: r["state"].as_str().unwrap_or_default().to_owned(),
                        partner_id: r["partner_id"][0].as_i64().unwrap_or_default(),
                        partner_name: r["partner_id"][1].as_str().unwrap_or_default().to_owned(),
                        amount_total: r["amount_total"].as_f64().unwrap_or_default(),
                    })
                    .collect::<Vec<_>>()
            }
        };
        let (alice_orders, bob_orders) = tokio::join!(orders("alice"), orders("bob"));
        let one = |model: &'static str, domain: Domain, what: &'static str| {
            let admin = admin.clone();
            async move {
                let ids = admin
                    .search(model, domain)
                    .limit(1)
                    .await
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                *ids.first()
                    .unwrap_or_else(|| panic!("the database holds the demo {what}"))
            }
        };
        let azure_interior = one(
            "res.partner",
            field("name").eq("Azure Interior") & field("is_company").eq(true),
            "company Azure Interior",
        )
        .await;
        let fletcher = one(
            "res.partner",
            field("name").eq("Douglas Fletcher"),
            "contact Douglas Fletcher",
        )
        .await;
        let rows: Vec<Value> = admin
            .read("res.partner", [fletcher])
            .fields(["parent_id"])
            .await
            .unwrap();
        let fletcher_company = rows[0]["parent_id"][0]
            .as_i64()
            .expect("Douglas Fletcher works for a company");
        let desk = one(
            "product.product",
            field("default_code").eq("DESK0005"),
            "product DESK0005",
        )
        .await;
        let desk_combination = one(
            "product.product",
            field("default_code").eq("FURN_7800"),
            "product FURN_7800",
        )
        .await;
        Demo {
            admin_uid: admin.uid(),
            alice_uid,
            bob_uid,
            alice_orders,
            bob_orders,
            azure_interior,
            fletcher,
            fletcher_company,
            desk,
            desk_combination,
        }
    }

    /// The ids of alice's demo orders.
    pub fn alice_ids(&self) -> Vec<i64> {
        self.alice_orders.iter().map(|o| o.id).collect()
    }

    /// The ids of bob's demo orders.
    pub fn bob_ids(&self) -> Vec<i64> {
        self.bob_orders.iter().map(|o| o.id).collect()
    }
}

/// One value to put back: the model, the record, the fields as they were.
type Restore = (String, i64, Map<String, Value>);

/// One test's footprint on the server, undone by [`Run::clean_up`].
pub struct Run {
    tag: String,
    admin: Session,
    created: Mutex<Vec<(String, i64)>>,
    restores: Mutex<Vec<Restore>>,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run").field("tag", &self.tag).finish()
    }
}

/// The prefix of every run tag: a sweep finds what a run left by it.
pub const TAG_PREFIX: &str = "odoo-rs-test";

impl Run {
    /// A run with a fresh tag: the prefix, the process and the time.
    pub async fn start(t: &Target) -> Run {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        Run {
            tag: format!("{TAG_PREFIX}-{}-{nanos:x}", std::process::id()),
            admin: t.login("admin").await,
            created: Mutex::new(Vec::new()),
            restores: Mutex::new(Vec::new()),
        }
    }

    /// The run's tag.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// `what`, prefixed with the run's tag: a name or reference for a record
    /// the test creates.
    pub fn tagged(&self, what: &str) -> String {
        format!("{} {what}", self.tag)
    }

    /// Records the test created (or is about to): removed at the end.
    pub fn created(&self, model: &str, ids: impl IntoIterator<Item = i64>) {
        let mut created = self.created.lock().unwrap();
        created.extend(ids.into_iter().map(|id| (model.to_owned(), id)));
    }

    /// Remember `fields` of existing records as they are now (read as
    /// admin), so that the end of the run writes them back.
    pub async fn will_change(&self, model: &str, ids: &[i64], fields: &[&str]) {
        let rows: Vec<Map<String, Value>> = self
            .admin
            .read(model, ids.to_vec())
            .fields(fields.to_vec())
            .await
            .unwrap_or_else(|e| panic!("read {model} {ids:?} before changing it: {e}"));
        let mut restores = self.restores.lock().unwrap();
        for mut row in rows {
            let id = row
                .remove("id")
                .and_then(|v| v.as_i64())
                .unwrap_or_default();
            let vals: Map<String, Value> =
                row.into_iter().map(|(k, v)| (k, write_form(v))).collect();
            restores.push((model.to_owned(), id, vals));
        }
    }

    /// Put back what changed, newest first, then remove every record
    /// created, registered or found by the run's tag. Returns what could not
    /// be undone.
    pub async fn clean_up(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let restores: Vec<Restore> = std::mem::take(&mut *self.restores.lock().unwrap());
        for (model, id, vals) in restores.into_iter().rev() {
            if let Err(e) = self.admin.write(model.as_str(), [id], &vals).await {
                problems.push(format!("restore {model}({id}) {vals:?}: {e}"));
            }
        }
        let mut by_model: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (model, id) in std::mem::take(&mut *self.created.lock().unwrap()) {
            by_model.entry(model).or_default().push(id);
        }
        // Whatever carries the tag, also records whose create answer was lost.
        let tag_like = format!("{}%", self.tag);
        for (model, domain) in [
            (
                "sale.order",
                field("client_order_ref").eq_like(tag_like.as_str()),
            ),
            (
                "res.partner",
                field("ref").eq_like(tag_like.as_str()) | field("name").eq_like(tag_like.as_str()),
            ),
        ] {
            match self
                .admin
                .search(model, domain)
                .context("active_test", false)
                .await
            {
                Ok(ids) => by_model.entry(model.to_owned()).or_default().extend(ids),
                Err(e) => problems.push(format!("find {model} tagged {}: {e}", self.tag)),
            }
        }
        // Orders before the partners they point at.
        for model in ["sale.order", "res.partner"]
            .into_iter()
            .map(str::to_owned)
            .chain(by_model.keys().cloned().collect::<Vec<_>>())
        {
            let Some(mut ids) = by_model.remove(&model) else {
                continue;
            };
            ids.sort_unstable();
            ids.dedup();
            if let Err(e) = remove(&self.admin, &model, ids).await {
                problems.push(e);
            }
        }
        problems
    }
}

/// A value as `read` gives it, in the form `write` takes: a many2one's
/// `[id, name]` becomes its id.
fn write_form(v: Value) -> Value {
    match v {
        Value::Array(pair) if pair.len() == 2 && pair[0].is_i64() && pair[1].is_string() => {
            pair[0].clone()
        }
        v => v,
    }
}

/// Remove records of `model` that still exist. A confirmed order is
/// cancelled first (without the cancel wizard of 17+), as Odoo requires.
async fn remove(admin: &Session, model: &str, ids: Vec<i64>) -> Result<(), String> {
    let existing = admin
        .search(model, field("id").is_in(ids.clone()))
        .context("active_test", false)
        .await
        .map_err(|e| format!("find {model} {ids:?}: {e}"))?;
    if existing.is_empty() {
        return Ok(());
    }
    if model == "sale.order" {
        let rows: Vec<Value> = admin
            .read(model, existing.clone())
            .fields(["state"])
            .await
            .map_err(|e| format!("read sale.order {existing:?}: {e}"))?;
        let open: Vec<i64> = rows
            .iter()
            .filter(|r| !matches!(r["state"].as_str(), Some("draft" | "cancel")))
            .filter_map(|r| r["id"].as_i64())
            .collect();
        if !open.is_empty() {
            admin
                .call("sale.order", "action_cancel")
                .arg(&open)
                .context("disable_cancel_warning", true)
                .await
                .map(|_: Value| ())
                .map_err(|e| format!("cancel sale.order {open:?}: {e}"))?;
        }
    }
    admin
        .unlink(model, existing.clone())
        .await
        .map_err(|e| format!("remove {model} {existing:?}: {e}"))?;
    Ok(())
}

/// Run `body` with a fresh [`Run`], then clean up, whether it passed or
/// panicked; a test that passed but left something behind fails.
pub async fn guarded<F, Fut>(t: &Target, body: F)
where
    F: FnOnce(Arc<Run>) -> Fut,
    Fut: Future<Output = ()>,
{
    let run = Arc::new(Run::start(t).await);
    let outcome = AssertUnwindSafe(body(run.clone())).catch_unwind().await;
    let problems = run.clean_up().await;
    if let Err(panic) = outcome {
        if !problems.is_empty() {
            eprintln!("[odoo-rs tests] clean-up after a failure: {problems:#?}");
        }
        std::panic::resume_unwind(panic);
    }
    assert!(
        problems.is_empty(),
        "the run could not clean up: {problems:#?}"
    );
}

/// The models a run touches: their stored fields, as admin sees them with
/// archived records included.
pub const SNAPSHOT_MODELS: [&str; 6] = [
    "sale.order",
    "sale.order.line",
    "res.partner",
    "product.product",
    "product.template",
    "res.users",
];

/// Fields that change by the mere act of writing a value back.
const VOLATILE: [&str; 3] = ["write_date", "write_uid", "__last_update"];

/// The records of [`SNAPSHOT_MODELS`], by model and id.
#[derive(Debug, PartialEq)]
pub struct Snapshot(BTreeMap<String, BTreeMap<i64, Map<String, Value>>>);

impl Snapshot {
    /// Read every stored, non-binary field of every record, as admin.
    pub async fn take(admin: &Session) -> Snapshot {
        let mut models = BTreeMap::new();
        for model in SNAPSHOT_MODELS {
            let fields = admin
                .fields_get(model, &["type", "store"])
                .await
                .unwrap_or_else(|e| panic!("fields_get {model}: {e}"));
            let mut names: Vec<String> = fields
                .iter()
                .filter(|(name, f)| {
                    f.store == Some(true)
                        && f.field_type != "binary"
                        && !VOLATILE.contains(&name.as_str())
                })
                .map(|(name, _)| name.clone())
                .collect();
            names.sort();
            let rows: Vec<Map<String, Value>> = admin
                .search_read(model, Domain::all())
                .fields(names)
                .order("id")
                .context("active_test", false)
                .await
                .unwrap_or_else(|e| panic!("snapshot of {model}: {e}"));
            let by_id = rows
                .into_iter()
                .map(|r| (r.get("id").and_then(Value::as_i64).unwrap_or_default(), r))
                .collect();
            models.insert(model.to_owned(), by_id);
        }
        Snapshot(models)
    }

    /// What differs from `before`, one line per record, for a failure message.
    pub fn differences_from(&self, before: &Snapshot) -> Vec<String> {
        let mut out = Vec::new();
        for (model, after) in &self.0 {
            let empty = BTreeMap::new();
            let earlier = before.0.get(model).unwrap_or(&empty);
            for (id, row) in after {
                match earlier.get(id) {
                    None => out.push(format!("{model}({id}) was added: {row:?}")),
                    Some(old) if old != row => {
                        let changed: Vec<String> = row
                            .iter()
                            .filter(|(k, v)| old.get(*k) != Some(*v))
                            .map(|(k, v)| format!("{k}: {:?} -> {v}", old.get(k)))
                            .collect();
                        out.push(format!("{model}({id}) changed: {}", changed.join(", ")));
                    }
                    Some(_) => {}
                }
            }
            for id in earlier.keys().filter(|id| !after.contains_key(id)) {
                out.push(format!("{model}({id}) was removed"));
            }
        }
        out
    }
}
