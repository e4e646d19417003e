// Every mistake is reported at once.
#[derive(odoo::Model, Clone)]
#[odoo(modle = "sale.order")]
struct SaleOrder {
    name: String,
    #[odoo(name = "name")]
    title: String,
    note: &'static str,
}

fn main() {}
