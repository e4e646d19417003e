//! Hand-written models of the demo database, as a user of the derive writes
//! them (and as odoo-codegen will emit them).
#![allow(dead_code, missing_docs)]

use odoo::{Date, DateTime, Many2one, Model, Ref, Refs, Selection};

/// `sale.order.state`.
#[derive(Debug, Clone, PartialEq, Selection)]
pub enum SaleOrderState {
    Draft,
    Sent,
    Sale,
    Cancel,
    Unknown(String),
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "res.partner")]
pub struct ResPartner {
    pub name: String,
    pub email: Option<String>,
    pub is_company: bool,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "product.product")]
pub struct ProductProduct {
    // `name` is a related field that odoo-mock does not fill for variants
    // yet; `display_name` is "[code] name" on both.
    #[odoo(readonly)]
    pub display_name: String,
    pub default_code: Option<String>,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order.line")]
pub struct SaleOrderLine {
    pub order_id: Ref<SaleOrder>,
    pub product_id: Option<Ref<ProductProduct>>,
    pub name: String,
    pub product_uom_qty: f64,
    pub price_unit: f64,
    #[odoo(readonly)]
    pub price_subtotal: f64,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order")]
pub struct SaleOrder {
    pub name: String,
    pub partner_id: Ref<ResPartner>,
    pub user_id: Option<Many2one>,
    pub order_line: Refs<SaleOrderLine>,
    pub tag_ids: Vec<i64>,
    #[odoo(readonly)]
    pub state: SaleOrderState,
    pub date_order: DateTime,
    pub validity_date: Option<Date>,
    #[odoo(readonly)]
    pub amount_untaxed: f64,
    #[odoo(readonly)]
    pub amount_total: f64,
    #[odoo(readonly)]
    pub currency_id: Many2one,
    pub note: Option<String>,
    #[odoo(name = "client_order_ref")]
    pub reference: Option<String>,
    pub origin: Option<String>,
}

/// A second, partial struct for `sale.order`: reads only its own fields.
#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order")]
pub struct OrderSummary {
    pub name: String,
    #[odoo(readonly)]
    pub amount_total: f64,
}
