#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    name: String,
    #[odoo(name = "name")]
    reference: String,
}

fn main() {}
