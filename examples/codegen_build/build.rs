//! Generate the models from checked-in schema files: no server needed at
//! build time (the schema file is the lockfile).
//!
//! - `models`: from `odoo_schema.json` (refresh it with `odoo-codegen dump
//!   --models ... -o odoo_schema.json`) and `field_groups.json` (which
//!   fields only some groups may read; see odoo-codegen's README for the
//!   `odoo-bin shell` snippet that writes it), as an application would.
//! - `odoo16` .. `odoo19`: six models generated, with no skip flag, from the
//!   real schema and field groups of each Odoo version (the project's copies
//!   in odoo-codegen's test fixtures), so that the tests search them on the
//!   embedded server imitating that version.
fn main() -> Result<(), odoo_codegen::Error> {
    odoo_codegen::Builder::new()
        .schema("odoo_schema.json")
        .field_groups("field_groups.json")
        .models([
            "sale.order",
            "sale.order.line",
            "res.partner",
            "product.product",
        ])
        .compile()?;
    for version in [16, 17, 18, 19] {
        let fixtures = format!("../../odoo-codegen/tests/fixtures/odoo{version}");
        odoo_codegen::Builder::new()
            .schema(format!("{fixtures}/schema.json"))
            .field_groups(format!("{fixtures}/field_groups.json"))
            .models([
                "sale.order",
                "sale.order.line",
                "res.partner",
                "product.product",
                "purchase.order",
                "account.move",
            ])
            .module_name(format!("odoo{version}"))
            .compile()?;
    }
    Ok(())
}
