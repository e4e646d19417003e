#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub use odoo_core::*;
/// Derive macros: `#[derive(odoo::Model)]` makes a struct an active record
/// of an Odoo model; `#[derive(odoo::Selection)]` makes an enum the value of
/// a selection field. See [`active_records`].
pub use odoo_derive::{Model, Selection};

pub mod active_records;

/// Include the models that `odoo_codegen::Builder` generated in `build.rs`
/// (from `OUT_DIR`), as `tonic::include_proto!` does for protobuf.
///
/// ```text
/// // build.rs:  odoo_codegen::compile("odoo_schema.json").unwrap();
/// pub mod models {
///     odoo::include_models!();             // OUT_DIR/odoo_models.rs
/// }
/// // or, for a Builder with .module_name("crm"):
/// pub mod crm {
///     odoo::include_models!("crm");        // OUT_DIR/crm.rs
/// }
/// ```
#[macro_export]
macro_rules! include_models {
    () => {
        include!(concat!(env!("OUT_DIR"), "/odoo_models.rs"));
    };
    ($module:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $module, ".rs"));
    };
}
