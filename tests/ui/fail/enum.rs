#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
enum SaleOrder {
    Draft,
    Sale,
}

fn main() {}
