//! Generate, from the real schemas of Odoo 16, 17, 18 and 19 (each with
//! its field-groups file merged):
//! - `rowsNN`: the nine models whose real rows the tests decode
//!   (`tests/rows.rs`), every field;
//! - `allNN`: every model, when the feature `odooNN` is on;
//!
//! and, from the Odoo 18 schema and a hand-written one, the edge cases and
//! subsets that `tests/decode.rs` uses.
use std::time::Instant;

use odoo_codegen::{Builder, Options, Relations};

/// The models of `fixtures/odooNN/full_rows.json` and `wire_rows.json`.
const ROW_MODELS: [&str; 9] = [
    "account.move",
    "product.product",
    "product.template",
    "purchase.order",
    "res.company",
    "res.partner",
    "res.users",
    "sale.order",
    "sale.order.line",
];

fn main() -> Result<(), odoo_codegen::Error> {
    let started = Instant::now();
    let mut all_models = 0u128;
    for version in [16, 17, 18, 19] {
        let schema = format!("../fixtures/odoo{version}/schema.json");
        let groups = format!("../fixtures/odoo{version}/field_groups.json");
        Builder::new()
            .schema(&schema)
            .field_groups(&groups)
            .models(ROW_MODELS)
            .module_name(format!("rows{version}"))
            .compile()?;
        if std::env::var_os(format!("CARGO_FEATURE_ODOO{version}")).is_some() {
            let all = Instant::now();
            Builder::new()
                .schema(&schema)
                .field_groups(&groups)
                .module_name(format!("all{version}"))
                .compile()?;
            all_models += all.elapsed().as_millis();
        }
    }

    // Hand-written edge cases: x_ models, keywords, clashes, every type.
    Builder::new()
        .schema("../fixtures/custom.json")
        .module_name("custom")
        .extra_derives(["PartialEq"])
        .compile()?;

    // sale.order with exactly the fields of the recorded `read` reply.
    Builder::new()
        .schema("../fixtures/odoo18/schema.json")
        .options(
            Options::new()
                .with_models(["sale.order"])
                .with_relations(Relations::PlainIds)
                .with_fields(
                    "sale.order",
                    [
                        "amount_total",
                        "amount_untaxed",
                        "client_order_ref",
                        "commitment_date",
                        "currency_id",
                        "date_order",
                        "invoice_status",
                        "name",
                        "note",
                        "order_line",
                        "origin",
                        "partner_id",
                        "state",
                        "tag_ids",
                        "user_id",
                        "validity_date",
                    ],
                ),
        )
        .module_name("wire")
        .compile()?;

    // The same, with monetary fields as exact decimals.
    Builder::new()
        .schema("../fixtures/odoo18/schema.json")
        .options(
            Options::new()
                .with_models(["sale.order"])
                .with_relations(Relations::PlainIds)
                .with_decimal_monetary(true)
                .with_fields(
                    "sale.order",
                    ["amount_total", "amount_untaxed", "name", "currency_id"],
                ),
        )
        .module_name("exact")
        .compile()?;

    // sale.order with the stored fields the demo export has.
    Builder::new()
        .schema("../fixtures/odoo18/schema.json")
        .options(
            Options::new()
                .with_models(["sale.order"])
                .with_skip_non_stored(true),
        )
        .module_name("demo")
        .compile()?;

    println!(
        "cargo:rustc-env=ODOO_CODEGEN_FULL_SCHEMA_MS={}",
        started.elapsed().as_millis()
    );
    println!("cargo:rustc-env=ODOO_CODEGEN_ALL_MODELS_MS={all_models}");
    Ok(())
}
