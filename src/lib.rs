//! # odoo-rs
//!
//! A typed Rust SDK for [Odoo](https://www.odoo.com), the open-source ERP.
//!
//! ```no_run
//! use odoo::{Client, Many2one, field};
//! use serde::Deserialize;
//!
//! #[derive(Debug, Deserialize)]
//! struct SaleOrder {
//!     id: i64,
//!     name: String,
//!     partner_id: Many2one,
//!     amount_total: f64,
//!     note: Option<String>, // Odoo's `false` reads as None
//! }
//!
//! # async fn run() -> odoo::Result<()> {
//! let client = Client::builder("http://127.0.0.1:8069").database("odoo18").build()?;
//! let alice = client.login("alice", "alice").await?;
//! let orders: Vec<SaleOrder> = alice
//!     .search_read("sale.order", field("state").eq("sale"))
//!     .fields(["name", "partner_id", "amount_total", "note"])
//!     .order("date_order desc")
//!     .limit(10)
//!     .await?;
//! for order in &orders {
//!     println!("{} {} {:.2}", order.name, order.partner_id.name, order.amount_total);
//! }
//! # Ok(()) }
//! ```
//!
//! Everything lives in `odoo-core` and is re-exported here; this crate is
//! the one to depend on. See the README for a tour and `odoo-mock` for the
//! embedded server that the examples and tests run against.
#![deny(missing_docs)]

pub use odoo_core::*;
