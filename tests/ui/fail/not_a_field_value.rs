#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    name: String,
    amount_total: u64,
}

fn main() {}
