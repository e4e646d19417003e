#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder;

fn main() {}
