//! `#[derive(Model)]` active records: the tests that run against the
//! embedded server or, with `ODOO_URL`, a real Odoo (tests/derive_records.rs
//! runs them; tests/a_full_run_leaves_no_trace.rs runs them against one
//! server and checks that nothing is left). What the server received is
//! checked on the embedded server only.
#![allow(dead_code)] // each test binary runs the tests it lists

use odoo::{Domain, Error, Model, New, Record, ServerErrorKind, X2Command};
use serde_json::{Value, json};

use crate::derive_models::{OrderSummary, ResPartner, SaleOrder, SaleOrderLine, SaleOrderState};
use crate::support::live::{Demo, Run, guarded};
use crate::support::target::Target;

fn ids<M: Model>(records: &[Record<M>]) -> Vec<i64> {
    records.iter().map(Record::id).collect()
}

/// What one user does: list, change, save, follow relations, create.
/// `own` are the user's demo orders; what the day changes or creates is
/// put back or removed by `run`.
async fn one_users_day(session: &odoo::Session, own: Vec<i64>, live: bool, run: &Run) {
    let login = session.login().to_owned();
    let orders = SaleOrder::search(session)
        .order_by(SaleOrder::NAME.asc())
        .all()
        .await
        .unwrap();
    if !live {
        assert_eq!(ids(&orders), own, "{login} sees exactly their orders");
    }
    let seen = ids(&orders);
    assert!(
        own.iter().all(|id| seen.contains(id)),
        "{login}: {own:?} in {seen:?}"
    );
    assert!(
        orders
            .iter()
            .all(|o| o.user_id.as_ref().map(|u| u.id) == Some(session.uid()))
    );
    assert!(orders.iter().all(|o| o.session().uid() == session.uid()));

    run.will_change("sale.order", &own[1..2], &["note"]).await;
    let mut order = SaleOrder::browse(session, own[1]).await.unwrap();
    order.note = Some(format!("note by {login}"));
    order.save().await.unwrap();
    order.reload().await.unwrap();
    // An html field: Odoo stores plain text as a paragraph.
    assert_eq!(
        order.note.as_deref(),
        Some(format!("<p>note by {login}</p>").as_str())
    );

    let customer = order.fetch(SaleOrder::PARTNER_ID).await.unwrap();
    assert_eq!(customer.id(), order.partner_id.id);
    assert_eq!(customer.session().uid(), session.uid());
    let lines = order.fetch(SaleOrder::ORDER_LINE).await.unwrap();
    assert_eq!(ids(&lines), order.order_line.ids);
    assert!(lines.iter().all(|l| l.order_id.id == order.id()));

    let created = SaleOrder::create(
        session,
        New::new()
            .set(SaleOrder::PARTNER_ID, order.partner_id.id)
            .set(
                SaleOrder::REFERENCE,
                Some(run.tagged(&format!("created by {login}"))),
            ),
    )
    .await
    .unwrap();
    run.created("sale.order", [created.id()]);
    assert_eq!(created.user_id.as_ref().map(|u| u.id), Some(session.uid()));
    assert_eq!(created.state, SaleOrderState::Draft);
    // A salesman may not delete orders: the run's clean-up, as admin, does.
    let err = created.unlink().await.unwrap_err();
    assert!(err.is_access_error(), "{err}");
}

#[derive(Debug, Clone, odoo::Model)]
#[odoo(model = "sale.order")]
struct OrderWithAFieldTheServerLacks {
    name: String,
    x_delivery_window: String,
}

#[derive(Debug, Clone, odoo::Model)]
#[odoo(model = "sale.order")]
struct OrderWithAnOptionalFieldTheServerLacks {
    name: String,
    x_delivery_window: Option<String>,
}

pub async fn alice_and_bob_work_at_the_same_time_each_on_their_own_orders() {
    let t = Target::start().await;
    let demo = Demo::learn(&t).await;
    let alice = t.login("alice").await;
    let bob = t.login("bob").await;
    let t = &t;
    let (a, b) = (alice.clone(), bob.clone());
    let (alices, bobs) = (demo.alice_ids(), demo.bob_ids());
    guarded(t, |run| async move {
        tokio::join!(
            one_users_day(&a, alices, t.live, &run),
            one_users_day(&b, bobs, t.live, &run),
        );
    })
    .await;
    if let Some(mock) = &t.mock {
        for call in mock.calls() {
            if call.model == "sale.order" && call.method == "write" && call.uid != demo.admin_uid {
                let id = call.args[0][0].as_i64().unwrap();
                let own = if call.uid == demo.alice_uid {
                    demo.alice_ids()
                } else if call.uid == demo.bob_uid {
                    demo.bob_ids()
                } else {
                    panic!("unexpected writer {}", call.uid)
                };
                assert!(own.contains(&id), "uid {} wrote {id}", call.uid);
            }
        }
    }
    // Each user's view of the other's order is an access error.
    let err = SaleOrder::browse(&alice, demo.bob_orders[0].id)
        .await
        .unwrap_err();
    assert!(err.is_access_error(), "{err}");
    let err = SaleOrder::browse(&bob, demo.alice_orders[0].id)
        .await
        .unwrap_err();
    assert!(err.is_access_error(), "{err}");
}

pub async fn a_record_stays_with_its_session_and_re_reading_as_another_user_is_explicit() {
    let t = Target::start().await;
    let id = Demo::learn(&t).await.alice_orders[1].id;
    let alice = t.login("alice").await;
    let admin = t.login("admin").await;
    let order = SaleOrder::browse(&alice, id).await.unwrap();
    assert_eq!(order.session().login(), "alice");
    let as_admin = order.reread_as(&admin).await.unwrap();
    assert_eq!(as_admin.session().login(), "admin");
    assert_eq!(as_admin.id(), id);
    let bob = t.login("bob").await;
    let err = order.reread_as(&bob).await.unwrap_err();
    assert!(err.is_access_error(), "{err}");
}

pub async fn save_sends_only_the_changed_fields_and_nothing_when_none_changed() {
    let t = Target::start().await;
    let Some(mock) = &t.mock else { return };
    let alice = t.login("alice").await;
    let mut order = SaleOrder::browse(&alice, 23).await.unwrap();

    mock.clear_calls();
    order.save().await.unwrap();
    let _ = &mut *order; // a mutable borrow that changes nothing
    order.save().await.unwrap();
    assert!(mock.calls().is_empty(), "an unchanged record sends nothing");

    order.note = Some("Call before delivery".into());
    order.reference = Some("REF-23".into());
    assert_eq!(
        Value::Object(order.changes().unwrap()),
        json!({"note": "Call before delivery", "client_order_ref": "REF-23"})
    );
    order.save().await.unwrap();
    let calls = mock.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].uid, 8);
    assert_eq!(calls[0].model, "sale.order");
    assert_eq!(calls[0].method, "write");
    assert_eq!(
        calls[0].args,
        json!([[23], {"note": "Call before delivery", "client_order_ref": "REF-23"}])
    );

    // Saved: the next save sends nothing again; clearing sends `false`.
    mock.clear_calls();
    order.save().await.unwrap();
    assert!(mock.calls().is_empty());
    order.note = None;
    order.save().await.unwrap();
    assert_eq!(mock.calls()[0].args, json!([[23], {"note": false}]));
}

pub async fn following_relations_of_many_records_costs_one_call_per_relation() {
    let t = Target::start().await;
    let Some(mock) = &t.mock else { return };
    let admin = t.login("admin").await;
    mock.clear_calls();

    // The natural loop: every order, its customer, its lines, each line's
    // product. Run twice: the first run also learns, once per model, which
    // fields admin may read (`fields_get`); the second costs only the reads.
    for run in 0..2 {
        let orders = SaleOrder::search(&admin).all().await.unwrap();
        assert!(orders.len() >= 6);
        let mut lines_seen = 0;
        for order in &orders {
            let customer = order.fetch(SaleOrder::PARTNER_ID).await.unwrap();
            assert_eq!(customer.id(), order.partner_id.id);
            for line in order.fetch(SaleOrder::ORDER_LINE).await.unwrap() {
                lines_seen += 1;
                if let Some(product) = line.fetch(SaleOrderLine::PRODUCT_ID).await.unwrap() {
                    assert!(!product.display_name.is_empty());
                }
            }
        }
        assert!(lines_seen >= 12);
        let calls = mock.calls();
        let summary: Vec<(String, String)> = calls
            .iter()
            .map(|c| (c.model.clone(), c.method.clone()))
            .collect();
        let reads = [
            ("sale.order", "search_read"),
            ("res.partner", "read"),
            ("sale.order.line", "read"),
            ("product.product", "read"),
        ];
        let expected: Vec<(String, String)> = if run == 0 {
            reads
                .iter()
                .flat_map(|(m, f)| [(*m, "fields_get"), (*m, *f)])
                .map(|(m, f)| (m.to_owned(), f.to_owned()))
                .collect()
        } else {
            reads
                .iter()
                .map(|(m, f)| ((*m).to_owned(), (*f).to_owned()))
                .collect()
        };
        assert_eq!(
            summary,
            expected,
            "run {run}: {} orders, {lines_seen} lines",
            orders.len()
        );
        // The reads asked for the struct's fields only.
        let partner_read = calls
            .iter()
            .find(|c| c.model == "res.partner" && c.method == "read");
        assert_eq!(
            partner_read.unwrap().kwargs["fields"],
            json!(["name", "email", "is_company"])
        );
        mock.clear_calls();
    }

    // browse_many shares a prefetch set too.
    let orders = SaleOrder::browse_many(&admin, [21, 22, 24]).await.unwrap();
    assert_eq!(ids(&orders), [21, 22, 24]);
    for order in &orders {
        order.fetch(SaleOrder::PARTNER_ID).await.unwrap();
    }
    assert_eq!(mock.calls().len(), 2);
}

pub async fn a_field_the_server_lacks_fails_naming_model_and_field() {
    let t = Target::start().await;
    let alice = t.login("alice").await;
    let uid = alice.uid();
    // `fields_get` as alice does not list it: a required field is an error
    // before the read is sent, naming model, field and user.
    let err = OrderWithAFieldTheServerLacks::search(&alice)
        .all()
        .await
        .unwrap_err();
    let Error::UnreadableField(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (e.model(), e.field(), e.login(), e.uid()),
        ("sale.order", "x_delivery_window", "alice", uid)
    );
    assert!(!err.may_have_run());
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "sale.order field \"x_delivery_window\" is not readable by \"alice\" (uid {uid})"
        )),
        "{text}"
    );
    assert!(
        text.contains("Option<String>"),
        "says what to change: {text}"
    );
    let err = OrderWithAFieldTheServerLacks::browse(&alice, 21)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("x_delivery_window"), "{err}");
    // An `Option` field the user cannot read is None, and is not asked for.
    let orders = OrderWithAnOptionalFieldTheServerLacks::search(&alice)
        .all()
        .await
        .unwrap();
    assert!(!orders.is_empty());
    assert!(orders.iter().all(|o| o.x_delivery_window.is_none()));
    if let Some(mock) = &t.mock {
        let reads: Vec<Value> = mock
            .calls()
            .iter()
            .filter(|c| c.method == "search_read")
            .map(|c| c.kwargs["fields"].clone())
            .collect();
        assert_eq!(reads, [json!(["name"])], "the failing queries sent no read");
    }
}

pub async fn partial_structs_read_only_their_own_fields() {
    let t = Target::start().await;
    let alice = t.login("alice").await;
    let summaries = OrderSummary::search(&alice).all().await.unwrap();
    let full = SaleOrder::search(&alice).all().await.unwrap();
    assert_eq!(ids(&summaries), ids(&full));
    assert_eq!(summaries[0].amount_total, full[0].amount_total);
    if let Some(mock) = &t.mock {
        let calls = mock.calls();
        let reads: Vec<&Value> = calls
            .iter()
            .filter(|c| {
                c.model == "sale.order" && c.method == "search_read" && c.uid == alice.uid()
            })
            .map(|c| &c.kwargs["fields"])
            .collect();
        assert_eq!(reads[0], &json!(["name", "amount_total"]));
        assert_eq!(reads[1].as_array().unwrap().len(), SaleOrder::FIELDS.len());
    }
}

pub async fn typed_queries_filter_order_limit_page_count() {
    let t = Target::start().await;
    let alice = t.login("alice").await;
    let drafts = SaleOrder::search(&alice)
        .filter(SaleOrder::STATE.eq(SaleOrderState::Draft) & SaleOrder::AMOUNT_TOTAL.gt(0.0))
        .order_by(SaleOrder::NAME.desc())
        .all()
        .await
        .unwrap();
    assert!(drafts.iter().all(|o| o.state == SaleOrderState::Draft));
    assert!(drafts.windows(2).all(|w| w[0].name >= w[1].name));

    // Her orders by name (the three demo ones, S00021-23 when recorded, and
    // on a real database maybe more).
    let mut mine: Vec<(String, i64)> = SaleOrder::search(&alice)
        .all()
        .await
        .unwrap()
        .iter()
        .map(|o| (o.name.clone(), o.id()))
        .collect();
    mine.sort();
    assert!(mine.len() >= 3);
    if !t.live {
        assert_eq!(mine[0].0, "S00021");
    }
    let not_first = SaleOrder::search(&alice)
        .filter(!SaleOrder::NAME.eq(mine[0].0.as_str()) | SaleOrder::PARTNER_ID.eq(-1));
    let count = not_first.clone().count().await.unwrap();
    assert_eq!(count as usize, not_first.clone().ids().await.unwrap().len());
    assert_eq!(count as usize, mine.len() - 1);
    assert_eq!(
        SaleOrder::count(&alice, Domain::all()).await.unwrap() as usize,
        mine.len()
    );

    let first = SaleOrder::search(&alice)
        .order_by(SaleOrder::NAME.asc())
        .first()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.name, mine[0].0);
    let second = SaleOrder::search(&alice)
        .order_by(SaleOrder::NAME.asc())
        .offset(1)
        .limit(1)
        .all()
        .await
        .unwrap();
    assert_eq!(second[0].name, mine[1].0);
    let none = SaleOrder::search(&alice)
        .filter(SaleOrder::NAME.eq("nope"))
        .first()
        .await
        .unwrap();
    assert!(none.is_none());
    // The query is a future too.
    assert_eq!(SaleOrder::search(&alice).await.unwrap().len(), mine.len());

    // Pages: by id without an order, by offset with one; never more than a page.
    for query in [
        SaleOrder::search(&alice),
        SaleOrder::search(&alice).order_by(SaleOrder::NAME.desc()),
    ] {
        let mut pages = query.pages(2);
        let mut sizes = Vec::new();
        let mut seen = Vec::new();
        while let Some(page) = pages.next_page().await.unwrap() {
            sizes.push(page.len());
            seen.extend(ids(&page));
        }
        let expected: Vec<usize> = (0..mine.len())
            .step_by(2)
            .map(|i| (mine.len() - i).min(2))
            .collect();
        assert_eq!(sizes, expected);
        seen.sort();
        let mut all: Vec<i64> = mine.iter().map(|(_, id)| *id).collect();
        all.sort();
        assert_eq!(seen, all);
    }
    let mut pages = SaleOrder::search(&alice).limit(2).pages(1);
    let mut n = 0;
    while let Some(page) = pages.next_page().await.unwrap() {
        n += page.len();
    }
    assert_eq!(n, 2, "the query's limit holds across pages");
}

pub async fn creating_sends_only_the_fields_set_with_typed_x2many_commands() {
    let t = Target::start().await;
    let demo = Demo::learn(&t).await;
    let t = &t;
    guarded(t, |run| async move {
        creating_with_commands(t, &demo, &run).await;
    })
    .await;
}

async fn creating_with_commands(t: &Target, demo: &Demo, run: &Run) {
    let alice = t.login("alice").await;
    if let Some(mock) = &t.mock {
        mock.clear_calls();
    }
    let (desk, combination) = (demo.desk, demo.desk_combination);
    let reference = run.tagged("typed x2many commands");
    let mut order = SaleOrder::create(
        &alice,
        New::new()
            .set(SaleOrder::PARTNER_ID, demo.azure_interior)
            .set(SaleOrder::REFERENCE, Some(reference.clone()))
            .commands(
                SaleOrder::ORDER_LINE,
                [
                    X2Command::create(
                        New::new()
                            .set(SaleOrderLine::PRODUCT_ID, Some(desk.into()))
                            .set(SaleOrderLine::PRODUCT_UOM_QTY, 2.0)
                            .set(SaleOrderLine::PRICE_UNIT, 42.5),
                    ),
                    X2Command::create(
                        New::new().set(SaleOrderLine::PRODUCT_ID, Some(combination.into())),
                    ),
                ],
            ),
    )
    .await
    .unwrap();
    run.created("sale.order", [order.id()]);
    if let Some(mock) = &t.mock {
        let create = mock
            .calls()
            .into_iter()
            .find(|c| c.method == "create")
            .unwrap();
        assert_eq!(
            create.args,
            json!([{"partner_id": demo.azure_interior, "client_order_ref": reference, "order_line": [
                [0, 0, {"product_id": desk, "product_uom_qty": 2.0, "price_unit": 42.5}],
                [0, 0, {"product_id": combination}]
            ]}]),
            "only the fields set are sent"
        );
    }
    assert_eq!(order.order_line.len(), 2);
    assert_eq!(
        order.user_id.as_ref().map(|u| u.id),
        Some(alice.uid()),
        "Odoo filled its default"
    );
    let lines = order.fetch(SaleOrder::ORDER_LINE).await.unwrap();
    assert_eq!(lines[0].price_subtotal, 85.0);

    // Update one line, delete the other, add a third: one write.
    let (first, second) = (lines[0].id(), lines[1].id());
    order
        .write(New::new().commands(
            SaleOrder::ORDER_LINE,
            [
                X2Command::update(first, New::new().set(SaleOrderLine::PRODUCT_UOM_QTY, 3.0)),
                X2Command::delete(second),
                X2Command::create(New::new().set(SaleOrderLine::PRODUCT_ID, Some(desk.into()))),
            ],
        ))
        .await
        .unwrap();
    assert_eq!(order.order_line.len(), 2);
    assert!(order.order_line.ids.contains(&first) && !order.order_line.ids.contains(&second));

    // A workflow method, then the result read back.
    order.call("action_confirm").await.unwrap();
    order.reload().await.unwrap();
    assert_eq!(order.state, SaleOrderState::Sale);

    // A required field left out: Odoo's own error, naming it.
    let err = SaleOrder::create(
        &alice,
        New::new().set(SaleOrder::NOTE, Some("no customer".to_owned())),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.server_kind(),
        Some(ServerErrorKind::ValidationError),
        "{err}"
    );
    assert!(err.to_string().contains("partner_id"), "{err}");

    // alice may not create partners: the server's AccessError comes back.
    let friend = run.tagged("Alice's friend");
    let err = ResPartner::create(&alice, New::new().set(ResPartner::NAME, friend))
        .await
        .unwrap_err();
    assert!(err.is_access_error(), "{err}");
}

pub async fn missing_records_are_named() {
    let t = Target::start().await;
    let admin = t.login("admin").await;
    // Ids past the last order: missing on any database.
    let last = admin
        .search("sale.order", Domain::all())
        .order("id desc")
        .limit(1)
        .await
        .unwrap()[0];
    let (gone, also_gone) = (last + 999_998, last + 999_999);
    let err = SaleOrder::browse(&admin, also_gone).await.unwrap_err();
    match &err {
        Error::MissingRecords(e) => {
            assert_eq!(e.model(), "sale.order");
            assert_eq!(e.ids(), [also_gone]);
        }
        other => panic!("{other}"),
    }
    let err = SaleOrder::browse_many(&admin, [last, gone, also_gone])
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(&format!("[{gone}, {also_gone}]")),
        "{err}"
    );
}

pub async fn a_record_of_a_logged_out_session_says_so() {
    let t = Target::start().await;
    let id = Demo::learn(&t).await.alice_orders[1].id;
    let alice = t.login("alice").await;
    let mut order = SaleOrder::browse(&alice, id).await.unwrap();
    alice.logout().await.unwrap();
    for err in [
        order.save().await.unwrap_err(),
        order.reload().await.unwrap_err(),
        order
            .fetch(SaleOrder::PARTNER_ID)
            .await
            .map(|_| ())
            .unwrap_err(),
        SaleOrder::search(&alice)
            .all()
            .await
            .map(|_| ())
            .unwrap_err(),
    ] {
        assert!(matches!(err, Error::LoggedOut(_)), "{err}");
        assert!(err.to_string().contains("alice"), "{err}");
    }
    order.note = Some("after logout".into());
    let err = order.save().await.unwrap_err();
    assert!(matches!(err, Error::LoggedOut(_)), "{err}");
}

pub async fn a_stream_holds_one_page_at_a_time_and_sees_every_record() {
    use futures_util::TryStreamExt;
    let t = Target::start().await;
    let admin = t.login("admin").await;
    let total = SaleOrder::count(&admin, Domain::all()).await.unwrap();
    if let Some(mock) = &t.mock {
        mock.clear_calls();
    }
    let streamed: Vec<Record<SaleOrder>> = SaleOrder::search(&admin)
        .stream(4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len() as u64, total);
    let streamed_ids = ids(&streamed);
    let mut sorted = streamed_ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(streamed_ids, sorted, "each record once, in id order");
    if let Some(mock) = &t.mock {
        // One search_read per page of 4: the stream never held more.
        let reads: Vec<_> = mock
            .calls()
            .into_iter()
            .filter(|c| c.method == "search_read")
            .collect();
        assert_eq!(reads.len() as u64, total.div_ceil(4));
        assert!(reads.iter().all(|c| c.kwargs["limit"] == json!(4)));
    }
    // An error ends the stream after it is yielded.
    let stale = t.client().session_for_uid(2, "admin", "stale");
    let mut failing = std::pin::pin!(SaleOrder::search(&stale).stream(4));
    assert!(failing.try_next().await.is_err());
    assert!(futures_util::StreamExt::next(&mut failing).await.is_none());
}

/// Calls `$callback!` with the name of every test of this suite.
macro_rules! records_tests {
    ($callback:ident) => {
        $callback!(
            alice_and_bob_work_at_the_same_time_each_on_their_own_orders,
            a_record_stays_with_its_session_and_re_reading_as_another_user_is_explicit,
            save_sends_only_the_changed_fields_and_nothing_when_none_changed,
            following_relations_of_many_records_costs_one_call_per_relation,
            a_field_the_server_lacks_fails_naming_model_and_field,
            partial_structs_read_only_their_own_fields,
            typed_queries_filter_order_limit_page_count,
            creating_sends_only_the_fields_set_with_typed_x2many_commands,
            missing_records_are_named,
            a_record_of_a_logged_out_session_says_so,
            a_stream_holds_one_page_at_a_time_and_sees_every_record,
        );
    };
}
