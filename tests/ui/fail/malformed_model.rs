#[derive(odoo::Model, Clone)]
#[odoo(model = "Sale Order")]
struct SaleOrder {
    name: String,
}

#[derive(odoo::Model, Clone)]
#[odoo(model = 5)]
struct ResPartner {
    name: String,
}

#[derive(odoo::Model, Clone)]
#[odoo(model)]
struct ResUsers {
    name: String,
}

fn main() {}
