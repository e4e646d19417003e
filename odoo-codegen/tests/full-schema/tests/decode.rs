//! The generated models compile (this crate builds) and decode real rows.
#![allow(clippy::unwrap_used)]
use odoo::{Model, decode_rows};
use odoo_codegen_full_schema::odoo18::rows as odoo18;
use odoo_codegen_full_schema::{custom, demo, exact, wire};

fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// The recorded `read` of sale.order 1 and 2 on a real Odoo 18, decoded by
/// the generated `SaleOrder` with exactly those fields.
#[test]
fn generated_sale_order_decodes_the_recorded_read() {
    let reply = fixture("read_sale_order.response.json");
    let rows = decode_rows::<wire::SaleOrder>(&reply["result"]).expect("rows decode");
    assert_eq!(rows.len(), 2);
    let (id, order) = &rows[0];
    assert_eq!(*id, reply["result"][0]["id"].as_i64().unwrap());
    assert_eq!(order.name, reply["result"][0]["name"].as_str().unwrap());
    assert_eq!(
        order.partner_id.id,
        reply["result"][0]["partner_id"][0].as_i64().unwrap()
    );
    assert_eq!(
        odoo::Selection::key(&order.state.clone().expect("state set")),
        reply["result"][0]["state"].as_str().unwrap()
    );
    assert_eq!(
        order.amount_total,
        reply["result"][0]["amount_total"].as_f64().unwrap()
    );
    assert_eq!(wire::SaleOrder::FIELDS.len(), 16);
}

/// Every sale.order of the demo database (26 rows, their stored fields as
/// exported from a real Odoo 18) decodes with the generated struct.
#[test]
fn generated_sale_order_decodes_the_demo_rows() {
    let rows = fixture("demo_sale_order.json");
    let decoded = decode_rows::<demo::SaleOrder>(&rows).expect("demo rows decode");
    assert_eq!(decoded.len(), 26);
    assert!(
        decoded
            .iter()
            .any(|(_, o)| o.state == Some(demo::SaleOrderState::Sale))
    );
}

/// Typed relations point at the generated targets; selections are enums;
/// field constants compare with the right types.
#[test]
fn relations_and_selections_are_typed() {
    let domain = odoo18::SaleOrder::STATE.eq(odoo18::SaleOrderState::Sale)
        & odoo18::SaleOrder::AMOUNT_TOTAL.gt(100.0)
        & odoo18::SaleOrder::PARTNER_ID.eq(7);
    assert!(domain.to_value().to_string().contains("sale"));
    let _partner: odoo::Field<odoo18::SaleOrder, odoo::Ref<odoo18::ResPartner>> =
        odoo18::SaleOrder::PARTNER_ID;
    let _lines: odoo::Field<odoo18::SaleOrder, odoo::Refs<odoo18::SaleOrderLine>> =
        odoo18::SaleOrder::ORDER_LINE;
    assert_eq!(odoo18::SaleOrder::MODEL, "sale.order");
    assert!(
        odoo18::SaleOrder::FIELDS
            .iter()
            .any(|f| f.name == "amount_total" && f.readonly)
    );
}

/// Keywords, clashes, x_ models and every field type, as compiled.
#[test]
fn custom_models_compile_with_escaped_names() {
    // A field named `model` becomes `model_`: its constant `MODEL_` does
    // not shadow the trait's `MODEL`.
    assert_eq!(custom::XKeywordTest::MODEL, "x_keyword.test");
    assert_eq!(custom::XKeywordTest::MODEL_.name(), "model");
    assert_eq!(custom::XKeywordTest::TYPE.name(), "type");
    assert_eq!(custom::XKeywordTest::SELF_.name(), "self");
    assert_eq!(custom::XKeywordTest::FOO_BAR.name(), "foo_bar");
    assert_eq!(custom::XKeywordTest::FOO_BAR_2.name(), "fooBar");
    assert_eq!(custom::XLibraryBook::MODEL, "x_library.book");
    assert_eq!(
        odoo::Selection::key(&custom::XLibraryBookXState::OnLoan),
        "on loan"
    );
    assert_eq!(
        <custom::XLibraryBookXState as odoo::Selection>::from_key("lost"),
        custom::XLibraryBookXState::Unknown("lost".into())
    );
    let rows = serde_json::json!([{
        "id": 4, "x_name": "Dune", "x_isbn13": false, "x_author_id": [7, "Frank Herbert"],
        "x_shelf_id": [1, "A"], "x_reader_ids": [7, 8], "x_price": 9.5, "x_currency_id": false,
        "x_pages": 412, "x_rating": 4.5, "x_published": "1965-08-01", "x_cover": false,
        "x_summary": "<p>Spice</p>", "x_metadata": {"a": 1}, "x_props": false,
        "x_source": "res.partner,7", "x_res_id": 7, "x_state": "on loan",
        "x_display": "Dune", "x_author_name": "Frank Herbert", "x_geo": false
    }]);
    let (id, book) = decode_rows::<custom::XLibraryBook>(&rows)
        .expect("row decodes")
        .remove(0);
    assert_eq!(id, 4);
    assert_eq!(book.x_state, custom::XLibraryBookXState::OnLoan);
    assert_eq!(book.x_author_id.as_ref().map(|r| r.id), Some(7));
    assert_eq!(book.x_reader_ids.len(), 2);
    assert_eq!(book.x_source.as_deref(), Some("res.partner,7"));
    assert!(book.x_props.is_none());
}

/// How long generation took in the build script (debug build of
/// odoo-codegen), shown with `--nocapture`.
#[test]
fn full_schema_generation_time() {
    let ms: u64 = odoo_codegen_full_schema::GENERATION_MS.parse().unwrap();
    let all: u64 = odoo_codegen_full_schema::ALL_MODELS_MS.parse().unwrap();
    println!("build.rs generated everything in {ms} ms ({all} ms for whole schemas)");
}

#[test]
fn monetary_fields_decode_as_exact_decimals() {
    use std::str::FromStr;
    let reply = fixture("read_sale_order.response.json");
    let rows = decode_rows::<exact::SaleOrder>(&reply["result"]).expect("rows decode");
    let (_, order) = &rows[0];
    assert_eq!(
        order.amount_total,
        rust_decimal::Decimal::from_str("2250").unwrap()
    );
    assert_eq!(
        order.amount_untaxed,
        rust_decimal::Decimal::from_str("2250.0").unwrap()
    );
    // Writing sends the exact text, which Odoo converts exactly.
    let wire = serde_json::to_value(rust_decimal::Decimal::from_str("1794.10").unwrap()).unwrap();
    assert_eq!(wire, serde_json::json!("1794.10"));
}
