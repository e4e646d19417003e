use odoo::{Date, Domain, Many2one, Model, New, Ref, Refs, Selection};

/// A selection with a key that is not the variant's name.
#[derive(Debug, Clone, PartialEq, Selection)]
pub enum InvoiceStatus {
    #[odoo(value = "to invoice")]
    ToInvoice,
    Invoiced,
    No,
    Unknown(String),
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "res.partner")]
pub struct ResPartner {
    pub name: String,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order.line")]
pub struct Line {
    pub order_id: Ref<SaleOrder>,
}

/// Raw identifiers, renamed fields, read-only fields, every field type.
#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order")]
pub struct SaleOrder {
    pub r#type: Option<String>,
    #[odoo(name = "client_order_ref")]
    pub reference: Option<String>,
    pub partner_id: Ref<ResPartner>,
    pub partner_invoice_id: Option<Ref<ResPartner>>,
    pub user_id: Option<Many2one>,
    pub order_line: Refs<Line>,
    pub tag_ids: Vec<i64>,
    pub validity_date: Option<Date>,
    #[odoo(readonly)]
    pub invoice_status: InvoiceStatus,
    #[odoo(readonly)]
    pub amount_total: f64,
    pub locked: bool,
    pub json: odoo::Value,
}

/// The runtime path given explicitly.
#[derive(Debug, Clone, Model)]
#[odoo(model = "res.users", crate = "odoo::__private")]
struct ResUsers {
    login: String,
}

fn main() {
    assert_eq!(SaleOrder::MODEL, "sale.order");
    assert_eq!(SaleOrder::TYPE.name(), "type");
    assert_eq!(SaleOrder::REFERENCE.name(), "client_order_ref");
    assert!(
        SaleOrder::FIELDS
            .iter()
            .any(|f| f.name == "amount_total" && f.readonly)
    );
    assert!(
        SaleOrder::FIELDS
            .iter()
            .any(|f| f.name == "partner_id" && f.relation)
    );
    assert!(
        !SaleOrder::FIELDS
            .iter()
            .any(|f| f.name == "user_id" && f.relation)
    );
    let d: Domain = SaleOrder::INVOICE_STATUS.eq(InvoiceStatus::ToInvoice)
        & SaleOrder::PARTNER_ID.eq(15)
        & SaleOrder::ORDER_LINE.any(Line::ORDER_ID.eq(3))
        & SaleOrder::REFERENCE.ilike("sdk")
        & !SaleOrder::TAG_IDS.is_in([1, 2]);
    assert!(d.to_value().to_string().contains("to invoice"));
    let values = New::<SaleOrder>::new()
        .set(SaleOrder::PARTNER_ID, 15)
        .set(SaleOrder::REFERENCE, Some("x".to_owned()))
        .into_values()
        .unwrap();
    assert_eq!(values.len(), 2);
    assert_eq!(ResUsers::MODEL, "res.users");
}
