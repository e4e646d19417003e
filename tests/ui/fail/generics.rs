#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder<T> {
    name: String,
    extra: T,
}

fn main() {}
