#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder(String, f64);

fn main() {}
