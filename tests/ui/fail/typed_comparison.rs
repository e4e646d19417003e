#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    amount_total: f64,
}

fn main() {
    let _ = SaleOrder::AMOUNT_TOTAL.gt("x");
}
