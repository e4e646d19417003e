//! Generate every model of the real Odoo 18 schema, plus the hand-written
//! edge cases and the subsets that decode the recorded fixture rows.
use std::time::Instant;

use odoo_codegen::{Builder, Options, Relations};

fn main() -> Result<(), odoo_codegen::Error> {
    let started = Instant::now();
    // All 377 models, every field, every relation typed.
    Builder::new()
        .schema("../fixtures/odoo18_schema.json")
        .module_name("odoo18")
        .compile()?;
    let full = started.elapsed();

    // Hand-written edge cases: x_ models, keywords, clashes, every type.
    Builder::new()
        .schema("../fixtures/custom.json")
        .module_name("custom")
        .extra_derives(["PartialEq"])
        .compile()?;

    // sale.order with exactly the fields of the recorded `read` reply.
    Builder::new()
        .schema("../fixtures/odoo18_schema.json")
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
        .schema("../fixtures/odoo18_schema.json")
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
        .schema("../fixtures/odoo18_schema.json")
        .options(
            Options::new()
                .with_models(["sale.order"])
                .with_skip_non_stored(true),
        )
        .module_name("demo")
        .compile()?;

    println!(
        "cargo:rustc-env=ODOO_CODEGEN_FULL_SCHEMA_MS={}",
        full.as_millis()
    );
    Ok(())
}
