//! An embedded Odoo 18 compatible HTTP server for tests and examples.
//!
//! [`MockServer::start`] serves `/jsonrpc` (services `common`, `db`, `object`)
//! and `/web/webclient/version_info` on an ephemeral loopback port, over an
//! in-memory copy of Odoo 18 demo data (users admin, alice, bob, ...; see
//! [`MockServer::users`]). It evaluates domains, orders, x2many commands,
//! model ACLs and record rules, and answers with Odoo's own wire shapes and
//! exceptions.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = odoo_mock::MockServer::start().await?;
//! println!("{} {}", server.url(), server.database());
//! # Ok(()) }
//! ```

pub mod data;
pub mod domain;
pub mod faults;
mod groups;
pub mod methods;
pub mod orm;
pub mod protocol;
pub mod rules;
pub mod server;
pub mod store;
mod web;

pub use faults::Fault;
pub use orm::{Database, MockUser, RecordedCall};
pub use server::{MockServer, MockServerBuilder};
