//! Typed reads ask only for the fields the session's user may read.
//!
//! Odoo refuses a whole read that names one field restricted to groups the
//! user lacks (`res.partner.credit_limit`, `sale.order.purchase_order_count`
//! for a salesman), on every version from 16 to 19. The SDK learns, with one
//! `fields_get` as the user per model, what that user may read, and reads
//! only that: an `Option` field the user may not read is `None`, any other
//! is an error before anything is sent.
//!
//! Runs on the embedded server, or on a real Odoo with `ODOO_URL` (see
//! `tests/support/target.rs`): it learns ids at run time and changes nothing
//! (the one write it tries is refused by the server).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use std::collections::BTreeMap;

use odoo::{Error, Record, Ref, Transport};
use serde_json::json;
use support::target::Target;

#[derive(Debug, Clone, odoo::Model)]
#[odoo(model = "res.partner")]
struct Partner {
    name: String,
    email: Option<String>,
    /// Restricted to accounting groups: alice and bob may not read it.
    credit_limit: Option<f64>,
}

#[derive(Debug, Clone, odoo::Model)]
#[odoo(model = "res.partner")]
struct PartnerWithRequiredCredit {
    name: String,
    credit_limit: f64,
}

#[derive(Debug, Clone, odoo::Model)]
#[odoo(model = "sale.order")]
struct Order {
    name: String,
    partner_id: Ref<Partner>,
    /// Restricted to purchase users.
    #[odoo(readonly)]
    purchase_order_count: Option<i64>,
    #[odoo(readonly)]
    amount_total: f64,
}

const TRANSPORTS: [Transport; 4] = [
    Transport::JsonRpc,
    Transport::XmlRpc,
    Transport::WebSession,
    Transport::Json2,
];

/// The server for `transport`; `None` (and a line saying why) when this
/// transport cannot run against it.
async fn target(transport: Transport) -> Option<Target> {
    let t = Target::with_transport(transport).await;
    match t.skip_reason() {
        Some(why) => {
            eprintln!("skipped over {}: {why}", transport.name());
            None
        }
        None => Some(t),
    }
}

/// `fields_get` calls per (uid, model) that the embedded server saw.
fn fields_get_counts(mock: &odoo_mock::MockServer) -> BTreeMap<(i64, String), usize> {
    let mut counts = BTreeMap::new();
    for call in mock.calls() {
        if call.method == "fields_get" {
            *counts.entry((call.uid, call.model.clone())).or_default() += 1;
        }
    }
    counts
}

#[tokio::test]
async fn restricted_option_fields_read_as_none_for_alice_and_as_values_for_admin() {
    for transport in TRANSPORTS {
        let Some(t) = target(transport).await else {
            continue;
        };
        let alice = t.login("alice").await;
        let admin = t.login("admin").await;

        let partners = Partner::search(&alice).limit(5).all().await.unwrap();
        assert!(!partners.is_empty(), "{}", transport.name());
        assert!(
            partners.iter().all(|p| p.credit_limit.is_none()),
            "{}: alice may not read credit_limit",
            transport.name()
        );
        let ids: Vec<i64> = partners.iter().map(Record::id).collect();
        let as_admin = Partner::browse_many(&admin, ids.clone()).await.unwrap();
        assert!(
            as_admin.iter().all(|p| p.credit_limit.is_some()),
            "{}: admin reads credit_limit",
            transport.name()
        );
        for (a, b) in partners.iter().zip(&as_admin) {
            assert_eq!((a.id(), &a.name), (b.id(), &b.name));
        }

        // Her orders, the partner behind each, and a computed restricted field.
        let orders = Order::search(&alice).all().await.unwrap();
        assert!(!orders.is_empty());
        assert!(orders.iter().all(|o| o.purchase_order_count.is_none()));
        let customer = orders[0].fetch(Order::PARTNER_ID).await.unwrap();
        assert_eq!(customer.id(), orders[0].partner_id.id);
        assert_eq!(customer.credit_limit, None);
        let mine = Order::browse(&admin, orders[0].id()).await.unwrap();
        assert!(mine.purchase_order_count.is_some(), "admin reads it");

        if let Some(mock) = &t.mock {
            // What alice's reads asked for: never the restricted fields.
            for call in mock.calls().iter().filter(|c| c.uid == alice.uid()) {
                if let Some(fields) = call.kwargs.get("fields") {
                    let fields = fields.to_string();
                    assert!(
                        !fields.contains("credit_limit") && !fields.contains("purchase_order"),
                        "{}: {} {fields}",
                        transport.name(),
                        call.method
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_required_field_the_user_may_not_read_fails_before_anything_is_sent() {
    for transport in TRANSPORTS {
        let Some(t) = target(transport).await else {
            continue;
        };
        let alice = t.login("alice").await;
        if let Some(mock) = &t.mock {
            mock.clear_calls();
        }
        let err = PartnerWithRequiredCredit::search(&alice)
            .limit(1)
            .all()
            .await
            .unwrap_err();
        let Error::UnreadableField(e) = &err else {
            panic!("{}: {err:?}", transport.name())
        };
        assert_eq!(e.model(), "res.partner");
        assert_eq!(e.field(), "credit_limit");
        assert_eq!(e.login(), "alice");
        assert_eq!(e.uid(), alice.uid());
        assert!(!err.may_have_run());
        assert_eq!(
            err.to_string(),
            format!(
                "res.partner field \"credit_limit\" is not readable by \"alice\" (uid {}): \
                 `fields_get` as that user leaves it out (it is restricted to groups the user \
                 lacks, or the server has no such field). Nothing was sent. Declare it \
                 `Option<f64>` (it then reads as None for this user), leave it out of the \
                 struct, or read as a user of its groups",
                alice.uid()
            )
        );
        if let Some(mock) = &t.mock {
            let methods: Vec<String> = mock.calls().iter().map(|c| c.method.clone()).collect();
            assert_eq!(
                methods,
                ["fields_get"],
                "{}: no read was sent",
                transport.name()
            );
        }

        // The same struct works for a user of the groups.
        let admin = t.login("admin").await;
        let rows = PartnerWithRequiredCredit::search(&admin)
            .limit(2)
            .all()
            .await
            .unwrap();
        assert!(!rows.is_empty());
    }
}

#[tokio::test]
async fn one_fields_get_per_user_and_model_shared_by_the_users_sessions() {
    let t = Target::start().await;
    let Some(mock) = &t.mock else {
        eprintln!("counting calls needs the embedded server");
        return;
    };
    let client = t.client();
    let alice = client.login("alice", t.password("alice")).await.unwrap();
    let bob = client.login("bob", t.password("bob")).await.unwrap();
    mock.clear_calls();

    // Many queries, browses, relations, pages and a derived session of alice;
    // and bob's own queries.
    for _ in 0..3 {
        Order::search(&alice).all().await.unwrap();
        Order::search(&bob).all().await.unwrap();
    }
    let first = Order::search(&alice).first().await.unwrap().unwrap();
    Order::browse(&alice, first.id()).await.unwrap();
    first.fetch(Order::PARTNER_ID).await.unwrap();
    let french = alice.with_context("lang", "en_US");
    Partner::search(&french).limit(3).all().await.unwrap();
    let mut pages = Partner::search(&alice).pages(2);
    let mut pages_read = 0;
    while let Some(_page) = pages.next_page().await.unwrap() {
        pages_read += 1;
        if pages_read == 3 {
            break;
        }
    }
    let counts = fields_get_counts(mock);
    let expected: BTreeMap<(i64, String), usize> = [
        ((alice.uid(), "sale.order".to_owned()), 1),
        ((alice.uid(), "res.partner".to_owned()), 1),
        ((bob.uid(), "sale.order".to_owned()), 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(counts, expected);

    // Concurrent first reads of a model wait for one fields_get.
    mock.clear_calls();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let bob = bob.clone();
            tokio::spawn(async move { Partner::search(&bob).limit(2).all().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        fields_get_counts(mock),
        [((bob.uid(), "res.partner".to_owned()), 1)]
            .into_iter()
            .collect()
    );

    // A new login of alice learns again (her groups may have changed); her
    // sessions share what it learns.
    mock.clear_calls();
    let alice_again = client.login("alice", t.password("alice")).await.unwrap();
    Order::search(&alice_again).all().await.unwrap();
    Order::search(&alice).all().await.unwrap();
    assert_eq!(
        fields_get_counts(mock),
        [((alice.uid(), "sale.order".to_owned()), 1)]
            .into_iter()
            .collect()
    );

    // Logging out drops it too: the next session asks again.
    alice_again.logout().await.unwrap();
    mock.clear_calls();
    let alice_third = client.login("alice", t.password("alice")).await.unwrap();
    Order::search(&alice_third).all().await.unwrap();
    assert_eq!(fields_get_counts(mock).len(), 1);

    // What a session knows can be asked directly.
    let readable = alice_third.readable_fields("res.partner").await.unwrap();
    assert!(readable.contains("name"));
    assert!(!readable.contains("credit_limit"));
}

/// alice's orders with the restricted field declared writable, so that
/// `save` sends it.
#[derive(Debug, Clone, odoo::Model)]
#[odoo(model = "sale.order")]
struct OrderWritingARestrictedField {
    name: String,
    purchase_order_count: Option<i64>,
}

#[tokio::test]
async fn writing_a_field_the_user_may_not_write_gets_odoos_access_error() {
    for transport in TRANSPORTS {
        let Some(t) = target(transport).await else {
            continue;
        };
        let alice = t.login("alice").await;
        let mut order = OrderWritingARestrictedField::search(&alice)
            .first()
            .await
            .unwrap()
            .expect("alice has an order");
        assert_eq!(order.purchase_order_count, None, "not readable by alice");
        let name = order.name.clone();
        order.purchase_order_count = Some(7);
        assert_eq!(
            order.changes().unwrap(),
            json!({"purchase_order_count": 7})
                .as_object()
                .cloned()
                .unwrap()
        );
        let err = order.save().await.unwrap_err();
        assert!(err.is_access_error(), "{}: {err:?}", transport.name());
        let server = err.as_server().unwrap();
        assert_eq!(server.name(), "odoo.exceptions.AccessError");
        assert!(
            server.message().contains("purchase_order_count"),
            "{}: Odoo's error names the field: {}",
            transport.name(),
            server.message()
        );
        assert!(
            err.to_string().contains("sale.order.write"),
            "the SDK adds model and method: {err}"
        );
        // The record keeps its change; re-reading shows nothing was written.
        assert_eq!(order.purchase_order_count, Some(7));
        order.reload().await.unwrap();
        assert_eq!(
            (order.name.as_str(), order.purchase_order_count),
            (name.as_str(), None)
        );
    }
}
