//! `#[derive(Model)]` active records against the embedded server (or a real
//! Odoo with `ODOO_URL`): the suite in tests/records_suite, plus what needs
//! no server or its own embedded ones.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod derive_models;
#[macro_use]
mod records_suite;
mod support;

use derive_models::{ProductProduct, SaleOrder, SaleOrderLine, SaleOrderState};
use odoo::{Model, Record, Transport};
use serde_json::{Value, json};

fn ids<M: Model>(records: &[Record<M>]) -> Vec<i64> {
    records.iter().map(Record::id).collect()
}

macro_rules! tests {
    ($($test:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $test() {
                records_suite::$test().await
            }
        )*
    };
}

records_tests!(tests);

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
