//! odoo (in progress)
pub use odoo_core::*;
