//! The runtime of odoo-rs: a typed client for Odoo's external API.
//!
//! Use it through the `odoo` facade crate. The pieces:
//!
//! - [`Client`]: one server and database, one pooled HTTP client.
//! - [`Session`]: one authenticated user; every call runs as that user with
//!   that user's context.
//! - [`domain`]: search domains built in Rust, sent in Odoo's notation.
//! - [`value`]: many2one, dates, binary and x2many commands; [`decode`] reads
//!   rows into your types with Odoo's rules (`false` is `None`).
//! - [`Error`]: one error type; each variant says what to do next.
//! - [`ServerVersion`] and [`Capabilities`]: what differs between Odoo 16, 17,
//!   18 and 19, read once from `server_version_info`.
#![deny(missing_docs)]

mod calls;
mod capabilities;
mod client;
pub mod decode;
pub mod domain;
mod error;
mod field_access;
mod fields;
#[doc(hidden)]
pub mod fuzz_entry;
mod http;
mod login;
mod readable_fields;
mod secret;
mod session;
pub mod transport;
pub mod value;
mod version;
pub mod xmlrpc;

pub use calls::{Call, CallFuture, NameSearch, Read, Search, SearchCount, SearchRead};
pub use capabilities::Capabilities;
pub use client::{Client, ClientBuilder};
pub use domain::{Domain, Operator, field};
pub use error::{
    AccessDeniedError, ConfigError, DecodeError, Error, LoggedOutError, MissingRecordsError,
    ProtocolError, Result, ServerError, ServerErrorKind, TransportError, TransportErrorKind,
    UnreadableFieldError,
};
pub use fields::FieldInfo;
pub use http::RetryPolicy;
pub use readable_fields::ReadableFields;
pub use secret::Secret;
pub use session::Session;
pub use transport::Transport;
pub use value::{Binary, Command, Date, DateTime, Json, Many2one, Map, RecordId, Value, X2many};
pub use version::ServerVersion;

/// An exact decimal amount (the `rust_decimal` feature): a field type for
/// monetary fields, `odoo-codegen --decimal` emits it.
#[cfg(feature = "rust_decimal")]
pub use rust_decimal::Decimal;

/// Not public API: entry points for the benchmarks and generated code. May
/// change in any release.
#[doc(hidden)]
pub mod __private {
    use serde::de::DeserializeOwned;

    /// Decode the `result` of a whole `/jsonrpc` reply body into `T`, the way
    /// a call does.
    pub fn decode_jsonrpc_reply<T: DeserializeOwned>(
        body: bytes::Bytes,
        what: &str,
    ) -> crate::Result<T> {
        crate::transport::jsonrpc::parse_reply(
            200,
            body,
            "http://localhost/jsonrpc",
            "",
            crate::transport::CallSite::default(),
        )?
        .decode(what)
    }

    /// Decode a whole `/xmlrpc/2/object` response body into `T`, the way a
    /// call does.
    pub fn decode_xmlrpc_reply<T: DeserializeOwned>(body: &[u8], what: &str) -> crate::Result<T> {
        crate::transport::xmlrpc::parse_reply(
            200,
            bytes::Bytes::copy_from_slice(body),
            "http://localhost/xmlrpc/2/object",
            "",
            crate::transport::CallSite::default(),
        )?
        .decode(what)
    }

    /// Decode the `result` of a whole `/jsonrpc` reply to a
    /// `web_search_read` whose specification loads `relations`, the way
    /// [`Query::with`](crate::Query::with) does: the rows with their nested
    /// targets in prefetch sets. Returns the number of top-level rows.
    pub fn decode_graph<M: crate::Model>(
        body: bytes::Bytes,
        relations: Vec<crate::nested::Nested>,
    ) -> crate::Result<usize> {
        let reply = crate::transport::jsonrpc::parse_reply(
            200,
            body,
            "http://localhost/jsonrpc",
            "",
            crate::transport::CallSite::default(),
        )?;
        crate::query::decode_graph::<M>(&reply, &relations)
    }

    // Used by `#[derive(Model)]` / `#[derive(Selection)]` output.
    pub use crate::model::{
        Field, FieldDef, FieldValue, Model, ReadOnly, Selection, Slot, Writable,
        deserialize_selection, to_wire,
    };
    pub use crate::nested::relation_field;
    pub use crate::{
        Browse, BrowseMany, CallFuture, Domain, Error, Map, New, Query, Record, Result, Session,
    };
    pub use serde;
    pub use serde_json;

    /// Compiles only for field types that can hold an Odoo value; the
    /// derive names it once per field, with the field type's span.
    pub fn __assert_field_value<T: crate::model::FieldValue>() {}
}

mod create;
mod model;
mod nested;
mod query;
mod record;

pub use create::{New, X2Command};
pub use model::{
    Field, FieldDef, FieldValue, Model, Order, ReadOnly, Ref, Refs, Selection, Writable,
};
pub use nested::{Follow, With};
pub use query::{Pages, Query, RecordStream};
pub use record::{Browse, BrowseMany, Record, Relation, decode_rows};
