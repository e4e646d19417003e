#[derive(odoo::Model, Clone)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    name: String,
    partner_id: odoo::Many2one,
}

async fn follow(order: odoo::Record<SaleOrder>) {
    // An untyped many2one cannot be followed: declare `Ref<ResPartner>`.
    let _ = order.fetch(SaleOrder::PARTNER_ID).await;
}

fn main() {}
