//! An embedded Odoo 16-19 compatible HTTP server for tests and examples.
//!
//! [`MockServer::start`] serves, on an ephemeral loopback port and over one
//! in-memory copy of a real Odoo's demo data (Odoo 18 by default, or 16, 17
//! or 19 with [`MockServerBuilder::odoo_version`], each with its own schema,
//! records and uids: users admin, alice, bob, ...; see [`MockServer::users`]),
//! all four protocols:
//!
//! * `/jsonrpc` (services `common`, `db`, `object`);
//! * XML-RPC: `/xmlrpc/2/{common,object,db}` and the legacy `/xmlrpc/...`
//!   (string faultCodes), see [`protocol::xmlrpc`];
//! * the web session: `/web/session/authenticate`, `get_session_info`,
//!   `destroy`, `/web/dataset/call_kw[/<model>/<method>]`,
//!   `/web/webclient/version_info`, see [`protocol::web`];
//! * JSON-2 (`POST /json/2/<model>/<method>`, bearer API key), `/web/version`,
//!   `/json/version` and `/doc-bearer/...` when imitating Odoo 19
//!   ([`MockServerBuilder::odoo_version`]), see [`protocol::json2`].
//!
//! It evaluates domains, orders, x2many commands, model ACLs and record
//! rules, and answers with Odoo's own wire shapes and exceptions. What a
//! version answers differently (16/17's `copy`, `name_get`, missing methods,
//! context `lang`, read_group and domain errors, 404 page, ...) is one table,
//! [`version::Differences`]. Every model
//! call is logged ([`MockServer::calls`], with its protocol).
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
mod field_access;
mod groups;
pub mod handlers;
pub mod methods;
pub mod orm;
pub mod protocol;
pub mod rules;
pub mod server;
pub mod store;
pub mod version;
mod web;

pub use faults::Fault;
pub use field_access::field_groups_json;
pub use handlers::{MethodCall, MethodHandler};
pub use orm::{Database, MockUser, RecordedCall};
pub use server::{MockServer, MockServerBuilder};
