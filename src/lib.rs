#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub use odoo_core::*;
/// Derive macros: `#[derive(odoo::Model)]` makes a struct an active record
/// of an Odoo model; `#[derive(odoo::Selection)]` makes an enum the value of
/// a selection field. See [`active_records`].
pub use odoo_derive::{Model, Selection};

pub mod active_records;
