//! Wire protocols on top of the transport-agnostic ORM ([`crate::orm::Database`]).

pub mod jsonrpc;
