//! Generate the models from the checked-in schema file: no server needed
//! at build time (the schema file is the lockfile). Refresh it with
//! `odoo-codegen dump --models ... -o odoo_schema.json`.
fn main() -> Result<(), odoo_codegen::Error> {
    odoo_codegen::Builder::new()
        .schema("odoo_schema.json")
        .models([
            "sale.order",
            "sale.order.line",
            "res.partner",
            "product.product",
        ])
        .skip_binary(true)
        .compile()?;
    Ok(())
}
