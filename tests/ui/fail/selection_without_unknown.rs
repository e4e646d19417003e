#[derive(odoo::Selection, Clone, PartialEq)]
enum State {
    Draft,
    Sale(u8),
}

fn main() {}
