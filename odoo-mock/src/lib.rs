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
//! Every model of the imitated version's schema exists (377 on 18), with its
//! default order, related fields read and searched through their path, and
//! the system models clients touch at start (`ir.module.module`, `ir.cron`,
//! `res.lang` and `base.language.install`, `ir.config_parameter`). To test
//! an application against its own models, point the server at the schema
//! file `odoo-codegen dump` wrote from the real server and at a directory
//! of records ([`MockServerBuilder::schema`], [`MockServerBuilder::data`];
//! `odoo-mock --schema FILE --data DIR`).
//!
//! It evaluates domains, orders, x2many commands, model ACLs and record
//! rules, and answers with Odoo's own wire shapes and exceptions. What a
//! version answers differently (16/17's `copy`, `name_get`, missing methods,
//! context `lang`, read_group and domain errors, 404 page, ...) is one table,
//! [`version::Differences`]. Every model
//! call is logged ([`MockServer::calls`], with its protocol).
//!
//! # Failing on demand
//!
//! To test retries, [`MockServer::faults`] makes RPC requests fail the way
//! real deployments fail ([`InjectedFault`]): a proxy's 429 with
//! `Retry-After`, nginx's 502 and 503 pages, Odoo's full connection pool
//! (`psycopg2.pool.PoolError`, in each protocol's error format), a
//! connection closed before or after the call ran, a delay, a body cut in
//! half. [`FaultInjector::inject_next`] fails the next N requests,
//! [`FaultInjector::inject_fraction`] a seeded, reproducible fraction of
//! them; [`FaultInjector::injected`] counts what was injected and
//! [`MockServer::ran`] how many times a call really ran (clear the log with
//! [`MockServer::clear_calls`] between phases or in a long soak). The
//! `odoo-mock` binary takes the same as `--fault KIND:N` / `--fault KIND:P%`
//! ([`FaultSpec`]), e.g. `--fault 429:3 --fault pool-error:10%`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use odoo_mock::{FaultKind, InjectedFault, MockServer};
//! use serde_json::json;
//!
//! let server = MockServer::builder().fault_seed(42).start().await?;
//! server.faults().inject_next(1, InjectedFault::BadGateway);
//! server.faults().inject_fraction(0.05, InjectedFault::PoolError);
//!
//! let create = json!({"jsonrpc": "2.0", "id": 1, "params": {
//!     "service": "object", "method": "execute_kw",
//!     "args": ["odoo18", 2, "admin", "res.partner", "create", [{"name": "Retry"}]]}});
//! let http = reqwest::Client::new();
//! let first = http.post(format!("{}/jsonrpc", server.url())).json(&create).send().await;
//! assert_eq!(first.map(|r| r.status().as_u16()).ok(), Some(502));
//! assert_eq!(server.ran("res.partner", "create"), 0); // a 502 never runs the call
//! assert_eq!(server.faults().injected().of(FaultKind::BadGateway), 1);
//! server.faults().clear();
//! # Ok(()) }
//! ```
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = odoo_mock::MockServer::start().await?;
//! println!("{} {}", server.url(), server.database());
//! # Ok(()) }
//! ```

pub mod data;
mod defaults;
pub mod domain;
pub mod faults;
mod field_access;
mod formatted_group;
mod groups;
pub mod handlers;
pub mod injection;
pub mod methods;
pub mod orm;
mod pool;
pub mod protocol;
pub mod rules;
pub mod server;
pub mod store;
mod system;
mod user_data;
pub mod version;
mod web;

pub use faults::Fault;
pub use field_access::field_groups_json;
pub use handlers::{MethodCall, MethodHandler};
pub use injection::{
    FaultInjector, FaultKind, FaultRule, FaultSpec, FaultSpecError, InjectedCounts, InjectedFault,
};
pub use orm::{Database, MockUser, RecordedCall};
pub use server::{MockServer, MockServerBuilder};
pub use user_data::{DataSource, load_source};
