#[derive(odoo::Model, Clone)]
struct SaleOrder {
    name: String,
}

fn main() {}
