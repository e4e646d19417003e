#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    name: String,
    #[odoo(readonly)]
    amount_total: f64,
}

fn main() {
    let _ = odoo::New::<SaleOrder>::new().set(SaleOrder::AMOUNT_TOTAL, 10.0);
}
