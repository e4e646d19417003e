#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    id: i64,
    name: String,
}

fn main() {}
