//! `#[derive(Model)]` active records against the embedded server (or a real
//! Odoo 18 with `ODOO_URL`; the assertions on what the server received need
//! the embedded one).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod derive_models;
mod support;

use derive_models::{
    OrderSummary, ProductProduct, ResPartner, SaleOrder, SaleOrderLine, SaleOrderState,
};
use odoo::{Domain, Error, Model, New, Record, ServerErrorKind, Transport, X2Command};
use serde_json::{Value, json};
use support::target::Target;

fn ids<M: Model>(records: &[Record<M>]) -> Vec<i64> {
    records.iter().map(Record::id).collect()
}

/// What one user does: list, change, save, follow relations, create.
async fn one_users_day(session: &odoo::Session, own: [i64; 3], live: bool) -> i64 {
    let login = session.login().to_owned();
    let orders = SaleOrder::search(session)
        .order_by(SaleOrder::NAME.asc())
        .all()
        .await
        .unwrap();
    if !live {
        assert_eq!(ids(&orders), own, "{login} sees exactly their orders");
    }
    assert!(
        orders
            .iter()
            .all(|o| o.user_id.as_ref().map(|u| u.id) == Some(session.uid()))
    );
    assert!(orders.iter().all(|o| o.session().uid() == session.uid()));

    let mut order = SaleOrder::browse(session, own[1]).await.unwrap();
    order.note = Some(format!("note by {login}"));
    order.save().await.unwrap();
    order.reload().await.unwrap();
    assert_eq!(
        order.note.as_deref(),
        Some(format!("note by {login}").as_str())
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
            .set(SaleOrder::REFERENCE, Some(format!("created by {login}"))),
    )
    .await
    .unwrap();
    assert_eq!(created.user_id.as_ref().map(|u| u.id), Some(session.uid()));
    assert_eq!(created.state, SaleOrderState::Draft);
    // A salesman may not delete orders; an administrator deletes it, after
    // an explicit re-read as themselves.
    let id = created.id();
    let err = created.unlink().await.unwrap_err();
    assert!(err.is_access_error(), "{err}");
    id
}

#[tokio::test]
async fn alice_and_bob_work_at_the_same_time_each_on_their_own_orders() {
    let t = Target::start().await;
    let alice = t.login("alice").await;
    let bob = t.login("bob").await;
    let (by_alice, by_bob) = tokio::join!(
        one_users_day(&alice, [21, 22, 23], t.live),
        one_users_day(&bob, [24, 25, 26], t.live),
    );
    let admin = t.login("admin").await;
    for id in [by_alice, by_bob] {
        SaleOrder::browse(&admin, id)
            .await
            .unwrap()
            .unlink()
            .await
            .unwrap();
    }
    if let Some(mock) = &t.mock {
        for call in mock.calls() {
            if call.model == "sale.order" && call.method == "write" {
                let id = call.args[0][0].as_i64().unwrap();
                match call.uid {
                    8 => assert!((21..=23).contains(&id), "alice wrote {id}"),
                    9 => assert!((24..=26).contains(&id), "bob wrote {id}"),
                    uid => panic!("unexpected writer {uid}"),
                }
            }
        }
    }
    // Each user's view of the other's order is an access error.
    let err = SaleOrder::browse(&alice, 24).await.unwrap_err();
    assert!(err.is_access_error(), "{err}");
    let err = SaleOrder::browse(&bob, 21).await.unwrap_err();
    assert!(err.is_access_error(), "{err}");
}

#[tokio::test]
async fn a_record_stays_with_its_session_and_re_reading_as_another_user_is_explicit() {
    let t = Target::start().await;
    let alice = t.login("alice").await;
    let admin = t.login("admin").await;
    let order = SaleOrder::browse(&alice, 22).await.unwrap();
    assert_eq!(order.session().login(), "alice");
    let as_admin = order.reread_as(&admin).await.unwrap();
    assert_eq!(as_admin.session().login(), "admin");
    assert_eq!(as_admin.id(), 22);
    let bob = t.login("bob").await;
    let err = order.reread_as(&bob).await.unwrap_err();
    assert!(err.is_access_error(), "{err}");
}

#[tokio::test]
async fn save_sends_only_the_changed_fields_and_nothing_when_none_changed() {
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

#[tokio::test]
async fn following_relations_of_many_records_costs_one_call_per_relation() {
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

#[tokio::test]
async fn the_recorded_odoo_18_rows_decode_into_the_hand_written_struct() {
    // The project's copy of the real Odoo 18 capture.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/wire/jsonrpc_object_execute_kw_read_sale_order.response.json"
    );
    let body = std::fs::read(path).unwrap();
    let reply: Value = serde_json::from_slice(&body).unwrap();
    let rows = odoo::decode_rows::<SaleOrder>(&reply["result"]).unwrap();
    assert_eq!(rows.len(), 2);
    let (id, s21) = &rows[0];
    assert_eq!(*id, 21);
    assert_eq!(s21.name, "S00021");
    assert_eq!(s21.partner_id.id, 15);
    assert_eq!(s21.partner_id.name, "Azure Interior");
    assert_eq!(s21.order_line.ids, [45, 46]);
    assert_eq!(s21.state, SaleOrderState::Sale);
    assert_eq!(s21.date_order.to_string(), "2026-11-24 23:11:29");
    assert_eq!(
        s21.validity_date.map(|d| d.to_string()).as_deref(),
        Some("2026-12-25")
    );
    assert_eq!(s21.amount_total, 2250.0);
    assert_eq!(s21.note, None, "false is None");
    assert_eq!(s21.reference.as_deref(), Some("SDK-alice-1"));
    assert_eq!(rows[1].1.state, SaleOrderState::Draft);

    let lines = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/wire/jsonrpc_object_execute_kw_read_sale_order_line.response.json"
    );
    let reply: Value = serde_json::from_slice(&std::fs::read(lines).unwrap()).unwrap();
    let lines = odoo::decode_rows::<SaleOrderLine>(&reply["result"]).unwrap();
    assert_eq!(lines[1].1.product_id.as_ref().map(|p| p.id), Some(45));
    assert_eq!(lines[1].1.price_subtotal, 1500.0);

    // A value the enum does not list still decodes.
    let mut row = reply_row_21();
    row["state"] = json!("waiting_for_the_ceo");
    let rows = odoo::decode_rows::<SaleOrder>(&json!([row])).unwrap();
    assert_eq!(
        rows[0].1.state,
        SaleOrderState::Unknown("waiting_for_the_ceo".into())
    );

    // A required value that arrives as false names model, record and field.
    let mut row = reply_row_21();
    row["name"] = json!(false);
    let err = odoo::decode_rows::<SaleOrder>(&json!([row])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot decode sale.order(21) field \"name\": expected a string, got false"
    );
}

fn reply_row_21() -> Value {
    json!({"id": 21, "name": "S00021", "partner_id": [15, "Azure Interior"], "user_id": [8, "Alice"], "order_line": [45, 46], "tag_ids": [], "state": "sale", "invoice_status": "no", "date_order": "2026-11-24 23:11:29", "validity_date": "2026-12-25", "commitment_date": false, "amount_untaxed": 2250.0, "amount_total": 2250.0, "currency_id": [1, "USD"], "note": false, "client_order_ref": "SDK-alice-1", "origin": false})
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

#[tokio::test]
async fn a_field_the_server_lacks_fails_naming_model_and_field() {
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

#[tokio::test]
async fn partial_structs_read_only_their_own_fields() {
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
            .filter(|c| c.model == "sale.order" && c.method == "search_read" && c.uid == 8)
            .map(|c| &c.kwargs["fields"])
            .collect();
        assert_eq!(reads[0], &json!(["name", "amount_total"]));
        assert_eq!(reads[1].as_array().unwrap().len(), SaleOrder::FIELDS.len());
    }
}

#[tokio::test]
async fn typed_queries_filter_order_limit_page_count() {
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

    let not_21 = SaleOrder::search(&alice)
        .filter(!SaleOrder::NAME.eq("S00021") | SaleOrder::PARTNER_ID.eq(-1));
    let count = not_21.clone().count().await.unwrap();
    assert_eq!(count as usize, not_21.clone().ids().await.unwrap().len());
    assert_eq!(SaleOrder::count(&alice, Domain::all()).await.unwrap(), 3);

    let first = SaleOrder::search(&alice)
        .order_by(SaleOrder::NAME.asc())
        .first()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.name, "S00021");
    let second = SaleOrder::search(&alice)
        .order_by(SaleOrder::NAME.asc())
        .offset(1)
        .limit(1)
        .all()
        .await
        .unwrap();
    assert_eq!(second[0].name, "S00022");
    let none = SaleOrder::search(&alice)
        .filter(SaleOrder::NAME.eq("nope"))
        .first()
        .await
        .unwrap();
    assert!(none.is_none());
    // The query is a future too.
    assert_eq!(SaleOrder::search(&alice).await.unwrap().len(), 3);

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
        assert_eq!(sizes, [2, 1]);
        seen.sort();
        assert_eq!(seen, [21, 22, 23]);
    }
    let mut pages = SaleOrder::search(&alice).limit(2).pages(1);
    let mut n = 0;
    while let Some(page) = pages.next_page().await.unwrap() {
        n += page.len();
    }
    assert_eq!(n, 2, "the query's limit holds across pages");
}

#[tokio::test]
async fn creating_sends_only_the_fields_set_with_typed_x2many_commands() {
    let t = Target::start().await;
    let alice = t.login("alice").await;
    if let Some(mock) = &t.mock {
        mock.clear_calls();
    }
    let mut order = SaleOrder::create(
        &alice,
        New::new().set(SaleOrder::PARTNER_ID, 10).commands(
            SaleOrder::ORDER_LINE,
            [
                X2Command::create(
                    New::new()
                        .set(SaleOrderLine::PRODUCT_ID, Some(44.into()))
                        .set(SaleOrderLine::PRODUCT_UOM_QTY, 2.0)
                        .set(SaleOrderLine::PRICE_UNIT, 42.5),
                ),
                X2Command::create(New::new().set(SaleOrderLine::PRODUCT_ID, Some(45.into()))),
            ],
        ),
    )
    .await
    .unwrap();
    if let Some(mock) = &t.mock {
        let create = mock
            .calls()
            .into_iter()
            .find(|c| c.method == "create")
            .unwrap();
        assert_eq!(
            create.args,
            json!([{"partner_id": 10, "order_line": [
                [0, 0, {"product_id": 44, "product_uom_qty": 2.0, "price_unit": 42.5}],
                [0, 0, {"product_id": 45}]
            ]}]),
            "only the fields set are sent"
        );
    }
    assert_eq!(order.order_line.len(), 2);
    assert_eq!(
        order.user_id.as_ref().map(|u| u.id),
        Some(8),
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
                X2Command::create(New::new().set(SaleOrderLine::PRODUCT_ID, Some(44.into()))),
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
    let err = ResPartner::create(&alice, New::new().set(ResPartner::NAME, "Alice's friend"))
        .await
        .unwrap_err();
    assert!(err.is_access_error(), "{err}");
}

#[tokio::test]
async fn missing_records_are_named() {
    let t = Target::start().await;
    let admin = t.login("admin").await;
    let err = SaleOrder::browse(&admin, 999_999).await.unwrap_err();
    match &err {
        Error::MissingRecords(e) => {
            assert_eq!(e.model(), "sale.order");
            assert_eq!(e.ids(), [999_999]);
        }
        other => panic!("{other}"),
    }
    let err = SaleOrder::browse_many(&admin, [21, 999_998, 999_999])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("[999998, 999999]"), "{err}");
}

#[tokio::test]
async fn a_record_of_a_logged_out_session_says_so() {
    let t = Target::start().await;
    let alice = t.login("alice").await;
    let mut order = SaleOrder::browse(&alice, 22).await.unwrap();
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

const ALICE_KEY: &str = "odoo-rs-derive-alice-key-0123456789";

#[tokio::test]
async fn the_design_shape_works_over_every_transport() {
    for transport in [
        Transport::JsonRpc,
        Transport::XmlRpc,
        Transport::WebSession,
        Transport::Json2,
    ] {
        let version = if transport == Transport::Json2 {
            19
        } else {
            18
        };
        let mock = odoo_mock::MockServer::builder()
            .odoo_version(version)
            .api_key("alice", ALICE_KEY)
            .start()
            .await
            .unwrap();
        let client = odoo::Client::builder(mock.url())
            .database(mock.database())
            .transport(transport)
            .build()
            .unwrap();
        let alice = if transport == Transport::Json2 {
            client.login_api_key("alice", ALICE_KEY).await.unwrap()
        } else {
            client.login("alice", "alice").await.unwrap()
        };
        assert_eq!(alice.transport(), transport);
        let orders = SaleOrder::search(&alice)
            .filter(SaleOrder::STATE.eq(SaleOrderState::Draft) & SaleOrder::AMOUNT_TOTAL.gt(100.0))
            .order_by(SaleOrder::DATE_ORDER.desc())
            .limit(10)
            .all()
            .await
            .unwrap_or_else(|e| panic!("{transport:?}: {e}"));
        assert_eq!(ids(&orders).len(), 2, "{transport:?}");
        let mut order = orders.into_iter().next().unwrap();
        order.note = Some("Call before delivery".into());
        order.save().await.unwrap();
        let writes: Vec<_> = mock
            .calls()
            .into_iter()
            .filter(|c| c.method == "write")
            .collect();
        assert_eq!(writes.len(), 1, "{transport:?}");
        // JSON-2 names its arguments (`vals`); the others pass them by position.
        let vals = match writes[0].args.get(1) {
            Some(v) => v.clone(),
            None => writes[0].kwargs["vals"].clone(),
        };
        assert_eq!(
            vals,
            json!({"note": "Call before delivery"}),
            "{transport:?}"
        );
        let customer = order.fetch(SaleOrder::PARTNER_ID).await.unwrap();
        assert_eq!(customer.id(), order.partner_id.id);
        let lines = order.fetch(SaleOrder::ORDER_LINE).await.unwrap();
        assert_eq!(lines.len(), order.order_line.len());
        let product = lines[0].fetch(SaleOrderLine::PRODUCT_ID).await.unwrap();
        assert!(product.is_some());
        let _: Option<Record<ProductProduct>> = product;
    }
}

#[tokio::test]
async fn a_stream_holds_one_page_at_a_time_and_sees_every_record() {
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
