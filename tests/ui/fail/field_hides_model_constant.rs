#[derive(odoo::Model, Clone)]
#[odoo(model = "ir.model.fields")]
struct IrModelFields {
    name: String,
    model: String,
    #[odoo(name = "model_id")]
    fields: Option<odoo::Many2one>,
}

fn main() {}
