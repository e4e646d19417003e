//! Values on the wire and the Rust types that hold them.
//!
//! Odoo's data model is JSON's: every transport carries the same values, so
//! the wire [`Value`] is `serde_json`'s. What Odoo adds on top is conventions,
//! and each has its type here:
//!
//! | Odoo field | on the wire | Rust |
//! |---|---|---|
//! | many2one | `[id, "display name"]` or `false` | [`Many2one`] (`Option<Many2one>` when not required) |
//! | one2many / many2many | `[ids]` | [`X2many`] (`Vec<i64>`); written with [`Command`]s |
//! | date | `"YYYY-MM-DD"` | [`Date`] |
//! | datetime | `"YYYY-MM-DD HH:MM:SS"`, UTC | [`DateTime`] |
//! | binary | base64 text | [`Binary`] |
//! | json, and binaries computed as JSON (`tax_totals`) | any JSON | [`Json`] |
//! | any empty value | `false` | `None` of an `Option` field |

mod binary;
mod command;
mod date;
pub(crate) mod many2one;

pub use binary::Binary;
pub use command::Command;
pub use date::{Date, DateTime};
pub use many2one::Many2one;

/// A value as Odoo sends and receives it.
pub type Value = serde_json::Value;

/// A field whose value is free-form JSON: Odoo's `json` fields
/// (`analytic_distribution`) and the non-stored binary fields that carry a
/// JSON object rather than base64 text (`sale.order.tax_totals`,
/// `account.move.invoice_outstanding_credits_debits_widget`). Odoo's empty
/// `false` arrives as `Value::Bool(false)`, or as `None` in an `Option<Json>`.
pub type Json = serde_json::Value;

/// A JSON object: a record's values, a call's keyword arguments, a context.
pub type Map = serde_json::Map<String, Value>;

/// The ids of a one2many or many2many field, as Odoo reads them.
pub type X2many = Vec<i64>;

/// The id of a record.
pub type RecordId = i64;
