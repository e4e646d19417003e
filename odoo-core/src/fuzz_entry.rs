//! Not a stable API: entry points for the fuzz test (`tests/fuzz.rs`).
//!
//! Each function feeds bytes to exactly the code the SDK runs on a server's
//! answer (the transport's `parse_reply`, then the decoding a call does) and
//! returns what that code returned. None of them may panic, whatever the
//! bytes: the fuzz test holds them to it. They may change or disappear in
//! any release.

use bytes::Bytes;
use serde::Deserialize;

use crate::error::Error;
use crate::transport::{CallSite, Reply, json2, jsonrpc, web, xmlrpc};
use crate::value::{Binary, Date, DateTime, Json, Many2one, Value, X2many};

/// The database the replies are parsed for (it only appears in errors).
const DATABASE: &str = "fuzz";

/// What a call is about, as a model call by a named user reports it.
fn site() -> CallSite<'static> {
    CallSite {
        model: Some("res.partner"),
        method: Some("search_read"),
        login: Some("admin"),
    }
}

/// A `sale.order` row as a generated model declares it: required fields
/// (`false` is an error there) next to optional ones (`false` is `None`).
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // only decoded: the fields are what is exercised
struct SaleOrderRow {
    id: i64,
    name: String,
    partner_id: Many2one,
    user_id: Option<Many2one>,
    order_line: X2many,
    tag_ids: Vec<i64>,
    state: String,
    date_order: DateTime,
    validity_date: Option<Date>,
    amount_total: f64,
    note: Option<String>,
    client_order_ref: Option<String>,
}

/// A `res.partner` row read with a partial field list: every field may be
/// absent, and every SDK value type appears once.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // only decoded: the fields are what is exercised
struct PartnerRow {
    id: i64,
    display_name: Option<String>,
    email: Option<String>,
    #[serde(default)]
    is_company: bool,
    #[serde(default)]
    active: bool,
    country_id: Option<Many2one>,
    parent_id: Option<Many2one>,
    #[serde(default)]
    child_ids: X2many,
    #[serde(default)]
    category_id: Vec<i64>,
    image_128: Option<Binary>,
    write_date: Option<DateTime>,
    date: Option<Date>,
    #[serde(default)]
    credit_limit: f64,
    properties: Option<Json>,
}

/// Decode a reply as a call would: into a [`Value`] (what `Ok` reports) and
/// into the typed rows of both row types (their errors are ignored: most
/// results are not rows, but the decoding must not panic either).
fn decode_reply(reply: &Reply) -> Result<(), Error> {
    let value = reply.decode::<Value>("res.partner.search_read");
    let _ = reply.decode::<Vec<SaleOrderRow>>("sale.order");
    let _ = reply.decode::<Vec<PartnerRow>>("res.partner");
    value.map(drop)
}

/// A `/jsonrpc` (or `/web/dataset/call_kw`) answer with this status and
/// body: the envelope parsed as a call parses it, then the result decoded
/// into a [`Value`] and into typed rows.
///
/// Not a stable API.
///
/// # Errors
///
/// Whatever the SDK returns for this answer.
pub fn jsonrpc_reply(status: u16, body: &[u8]) -> Result<(), Error> {
    let reply = jsonrpc::parse_reply(
        status,
        Bytes::copy_from_slice(body),
        "http://localhost/jsonrpc",
        DATABASE,
        site(),
    )?;
    decode_reply(&reply)
}

/// An `/xmlrpc/2/object` answer with this status and body: parsed as a call
/// parses it (faults read at once), then the result decoded streaming from
/// the XML into a [`Value`] and into typed rows.
///
/// Not a stable API.
///
/// # Errors
///
/// Whatever the SDK returns for this answer.
pub fn xmlrpc_reply(status: u16, body: &[u8]) -> Result<(), Error> {
    let reply = xmlrpc::parse_reply(
        status,
        Bytes::copy_from_slice(body),
        "http://localhost/xmlrpc/2/object",
        DATABASE,
        site(),
    )?;
    decode_reply(&reply)
}

/// A `/json/2/<model>/<method>` answer with this status and body: the error
/// body read as a call reads it, or the bare result decoded into a [`Value`]
/// and into typed rows.
///
/// Not a stable API.
///
/// # Errors
///
/// Whatever the SDK returns for this answer.
pub fn json2_reply(status: u16, body: &[u8]) -> Result<(), Error> {
    let reply = json2::parse_reply(
        status,
        Bytes::copy_from_slice(body),
        "http://localhost/json/2/res.partner/search_read",
        DATABASE,
        site(),
    )?;
    decode_reply(&reply)
}

/// A `/web/session/authenticate` answer with this status and body, read as
/// a login reads it: the JSON-RPC envelope, then the session info.
///
/// Not a stable API.
///
/// # Errors
///
/// Whatever the SDK returns for this answer.
pub fn web_session_info(status: u16, body: &[u8]) -> Result<(), Error> {
    let site = CallSite {
        login: Some("admin"),
        method: Some("authenticate"),
        ..CallSite::default()
    };
    let reply = jsonrpc::parse_reply(
        status,
        Bytes::copy_from_slice(body),
        "http://localhost/web/session/authenticate",
        DATABASE,
        site,
    )?;
    let _info: web::SessionInfo = reply.decode("/web/session/authenticate")?;
    Ok(())
}

/// A JSON list of rows, decoded into typed rows as a read decodes its
/// result: streaming from the bytes ([`crate::decode::from_slice`]) and, when
/// the bytes are JSON, from the parsed value ([`crate::decode::from_value`],
/// what [`crate::decode_rows`] uses), for both a strict and a lenient row
/// type.
///
/// Not a stable API.
///
/// # Errors
///
/// The first decoding's error when no decoding succeeded.
pub fn typed_rows(body: &[u8]) -> Result<(), Error> {
    let strict = crate::decode::from_slice::<Vec<SaleOrderRow>>(body, "sale.order").map(drop);
    let lenient = crate::decode::from_slice::<Vec<PartnerRow>>(body, "res.partner").map(drop);
    let mut from_value = Vec::new();
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        from_value
            .push(crate::decode::from_value::<Vec<SaleOrderRow>>(&value, "sale.order").map(drop));
        from_value
            .push(crate::decode::from_value::<Vec<PartnerRow>>(&value, "res.partner").map(drop));
    }
    let mut first_error = None;
    for outcome in [strict, lenient].into_iter().chain(from_value) {
        match outcome {
            Ok(()) => return Ok(()),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
