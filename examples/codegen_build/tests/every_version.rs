//! Models generated from each real Odoo version's schema (16, 17, 18, 19),
//! with no skip flag, searched and browsed as admin, alice and bob on the
//! embedded server imitating that version (or, with `ODOO_URL`, `ODOO_DB`,
//! `ODOO_VERSION` and `ODOO_PASSWORD_<LOGIN>`, on that real server, where it
//! only reads: the database must hold alice's and bob's three orders each).
//!
//! alice and bob ("Sales / User: Own Documents Only") may not read some
//! fields (`res.partner.credit_limit`, `sale.order.purchase_order_count`,
//! ...): the generated structs make those `Option`s (from the field-groups
//! file) and the SDK reads only what each user may read, so every struct
//! works for every user.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use odoo::{Error, Session};
use odoo_mock::MockServer;

/// A hand-written struct that insists on a field alice may not read.
#[derive(Debug, Clone, odoo::Model)]
#[odoo(model = "res.partner")]
struct PartnerWithRequiredCredit {
    name: String,
    credit_limit: f64,
}

/// The server for `version`: the embedded one imitating it, or, with
/// `ODOO_URL` set, that real server when its version (`ODOO_VERSION`, else
/// the server's own answer) is `version` (the test only reads there). `None`: this version is not the real server's.
async fn start(version: u32) -> Option<(Option<MockServer>, odoo::Client)> {
    if let Ok(url) = std::env::var("ODOO_URL").map(|u| u.trim().to_owned())
        && !url.is_empty()
    {
        let db = std::env::var("ODOO_DB").unwrap_or_else(|_| format!("odoo{version}"));
        let client = odoo::Client::builder(&url).database(&db).build().unwrap();
        // ODOO_VERSION, else what the server says it is.
        let live: u32 = match std::env::var("ODOO_VERSION") {
            Ok(v) => v
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("ODOO_VERSION is 16 to 19, not {v:?}")),
            Err(_) => client.version().await.unwrap().major().unwrap_or(0),
        };
        if live != version {
            eprintln!(
                "[codegen_build] Odoo {version}: skipped, the real server at {url} is Odoo {live}"
            );
            return None;
        }
        eprintln!(
            "[codegen_build] Odoo {version}: against the REAL server at {url}, database {db}"
        );
        return Some((None, client));
    }
    let server = MockServer::builder()
        .odoo_version(version)
        .start()
        .await
        .unwrap();
    eprintln!(
        "[codegen_build] Odoo {version}: against the embedded odoo-mock at {}",
        server.url()
    );
    let client = odoo::Client::builder(server.url())
        .database(server.database())
        .build()
        .unwrap();
    Some((Some(server), client))
}

/// A demo user's password: `ODOO_PASSWORD_<LOGIN>`, else the login.
fn password(login: &str) -> String {
    std::env::var(format!("ODOO_PASSWORD_{}", login.to_uppercase()))
        .unwrap_or_else(|_| login.to_owned())
}

/// `fields_get` calls per (uid, model) the server saw.
fn fields_gets(server: &MockServer) -> BTreeMap<(i64, String), usize> {
    let mut counts = BTreeMap::new();
    for call in server.calls() {
        if call.method == "fields_get" {
            *counts.entry((call.uid, call.model.clone())).or_default() += 1;
        }
    }
    counts
}

/// What one user got for one model.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// The records' ids (search), each browsed again with the same id and
    /// name.
    Read(Vec<i64>),
    /// The model's access rights refuse the user (Odoo's own AccessError,
    /// not a field or decoding problem).
    Refused,
}

macro_rules! search_and_browse {
    ($session:expr, $model:ty, $name:ident) => {{
        let session: &Session = $session;
        match <$model>::search(session).all().await {
            Ok(records) => {
                let ids: Vec<i64> = records.iter().map(|r| r.id()).collect();
                if let Some(first) = records.first() {
                    let again = <$model>::browse(session, first.id()).await.unwrap();
                    assert_eq!(again.id(), first.id());
                    assert_eq!(again.$name, first.$name);
                    let many = <$model>::browse_many(session, ids.clone()).await.unwrap();
                    assert_eq!(many.len(), ids.len());
                }
                Outcome::Read(ids)
            }
            Err(e) if e.is_access_error() => {
                let message = e.as_server().unwrap().message().to_owned();
                assert!(
                    message.contains("not allowed to access")
                        || message.contains("You are not allowed"),
                    "a model refusal, not a field one: {message}"
                );
                // The model's rights refuse this user whatever is read: an
                // untyped count is refused the same way.
                let count = session
                    .search_count(<$model as odoo::Model>::MODEL, odoo::Domain::all())
                    .await;
                assert!(
                    count.as_ref().is_err_and(odoo::Error::is_access_error),
                    "{count:?}"
                );
                Outcome::Refused
            }
            Err(e) => panic!(
                "{} as {}: {e}",
                <$model as odoo::Model>::MODEL,
                session.login()
            ),
        }
    }};
}

macro_rules! every_version_test {
    ($test:ident, $version:literal, $models:ident) => {
        #[tokio::test]
        async fn $test() {
            use codegen_build::$models::{
                AccountMove, ProductProduct, PurchaseOrder, ResPartner, SaleOrder, SaleOrderLine,
            };
            let Some((server, client)) = start($version).await else {
                return;
            };
            let mut outcomes = BTreeMap::new();
            for login in ["admin", "alice", "bob"] {
                let session = client.login(login, password(login)).await.unwrap();
                let results = [
                    ("sale.order", search_and_browse!(&session, SaleOrder, name)),
                    (
                        "sale.order.line",
                        search_and_browse!(&session, SaleOrderLine, name),
                    ),
                    (
                        "res.partner",
                        search_and_browse!(&session, ResPartner, name),
                    ),
                    (
                        "product.product",
                        search_and_browse!(&session, ProductProduct, name),
                    ),
                    (
                        "purchase.order",
                        search_and_browse!(&session, PurchaseOrder, name),
                    ),
                    (
                        "account.move",
                        search_and_browse!(&session, AccountMove, name),
                    ),
                ];
                for (model, outcome) in results {
                    outcomes.insert((login, model), outcome);
                }

                // What each user may read of the restricted fields.
                let partners = ResPartner::search(&session).all().await.unwrap();
                let orders = SaleOrder::search(&session).all().await.unwrap();
                assert!(!partners.is_empty() && !orders.is_empty(), "{login}");
                if login == "admin" {
                    assert!(partners.iter().all(|p| p.credit_limit.is_some()));
                    assert!(orders.iter().all(|o| o.purchase_order_count.is_some()));
                } else {
                    assert!(partners.iter().all(|p| p.credit_limit.is_none()), "{login}");
                    assert!(partners.iter().all(|p| p.signup_type.is_none()), "{login}");
                    assert!(
                        orders.iter().all(|o| o.purchase_order_count.is_none()),
                        "{login}"
                    );
                    // Their own orders only, and the customer through the
                    // typed relation.
                    let customer = orders[0].fetch(SaleOrder::PARTNER_ID).await.unwrap();
                    assert_eq!(customer.id(), orders[0].partner_id.id);
                    assert_eq!(customer.credit_limit, None);
                }
            }

            // alice and bob see their own three orders each, admin all.
            let Outcome::Read(alice) = &outcomes[&("alice", "sale.order")] else {
                panic!("{outcomes:?}")
            };
            let Outcome::Read(bob) = &outcomes[&("bob", "sale.order")] else {
                panic!("{outcomes:?}")
            };
            let Outcome::Read(admin) = &outcomes[&("admin", "sale.order")] else {
                panic!("{outcomes:?}")
            };
            assert_eq!((alice.len(), bob.len()), (3, 3), "{outcomes:?}");
            assert!(alice.iter().all(|id| !bob.contains(id)));
            assert!(alice.iter().chain(bob).all(|id| admin.contains(id)));
            for model in ["purchase.order", "account.move"] {
                let Outcome::Read(ids) = &outcomes[&("admin", model)] else {
                    panic!("admin reads {model}: {outcomes:?}")
                };
                if server.is_some() {
                    assert_eq!(ids.len(), 2, "the two seeded {model} records");
                }
            }

            eprintln!("Odoo {}: {outcomes:?}", $version);
            // One fields_get per user and model, whatever the number of
            // searches, browses and fetches above.
            if let Some(server) = &server {
                assert!(
                    fields_gets(server).values().all(|n| *n == 1),
                    "{:?}",
                    fields_gets(server)
                );
                server.clear_calls();
            }

            // A struct that requires a field alice may not read: a clear
            // error before anything is sent; admin reads it.
            let alice = client.login("alice", password("alice")).await.unwrap();
            if let Some(server) = &server {
                server.clear_calls();
            }
            let err = PartnerWithRequiredCredit::search(&alice)
                .all()
                .await
                .unwrap_err();
            let Error::UnreadableField(e) = &err else {
                panic!("{err:?}")
            };
            assert_eq!(
                (e.model(), e.field(), e.login()),
                ("res.partner", "credit_limit", "alice")
            );
            assert!(err.to_string().contains("Option<f64>"), "{err}");
            if let Some(server) = &server {
                assert!(server.calls().iter().all(|c| c.method == "fields_get"));
            }
            let admin = client.login("admin", password("admin")).await.unwrap();
            assert!(
                !PartnerWithRequiredCredit::search(&admin)
                    .all()
                    .await
                    .unwrap()
                    .is_empty()
            );
        }
    };
}

every_version_test!(odoo16_generated_models_work_for_every_user, 16, odoo16);
every_version_test!(odoo17_generated_models_work_for_every_user, 17, odoo17);
every_version_test!(odoo18_generated_models_work_for_every_user, 18, odoo18);
every_version_test!(odoo19_generated_models_work_for_every_user, 19, odoo19);
