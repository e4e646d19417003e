#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order", table = "sale_order")]
struct SaleOrder {
    #[odoo(rename = "name")]
    title: String,
    #[odoo(readonly, required)]
    amount_total: f64,
}

fn main() {}
