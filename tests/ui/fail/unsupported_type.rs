#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    name: &'static str,
    partner_id: (i64, String),
    order_line: [i64; 2],
}

fn main() {}
