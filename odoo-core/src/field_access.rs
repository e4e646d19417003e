//! Which fields each user may read, learned once per user and model.
//!
//! Odoo refuses a whole `read` that names one field restricted to groups the
//! user lacks (`credit_limit` for a salesman), while `fields_get` as that
//! user simply leaves such fields out. So before the first typed read of a
//! model, the SDK asks `fields_get` as the session's user, once, and reads
//! only the fields listed there. The answer is kept on the [`Client`] per
//! user: every session of that user (logins, `with_context` copies) shares
//! it, a new login of the user or a logout drops it, and concurrent first
//! reads wait for one `fields_get` instead of sending one each.
//!
//! [`Client`]: crate::Client

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::json;

use crate::error::{Error, UnreadableFieldError};
use crate::model::{FieldDef, Model};
pub(crate) use crate::readable_fields::ReadableFields;
use crate::session::Session;
use crate::value::Map;

/// What a session's user may read; here, above the session, so that the
/// session does not depend on this module.
impl Session {
    /// The fields of `model` this session's user may read, which is what
    /// typed reads (`M::search`, `browse`, `fetch`) ask for. Learned with one
    /// `fields_get` as the user, the first time a user needs a model, and
    /// shared by every session of that user on this client until the user
    /// logs in again or out.
    ///
    /// # Errors
    ///
    /// What `fields_get` raises (an unknown model, ...). A user who may not
    /// read the model at all gets a value that filters nothing, so that the
    /// read itself reports Odoo's refusal.
    pub async fn readable_fields(&self, model: &str) -> Result<Arc<ReadableFields>, Error> {
        readable_fields(self, model).await
    }
}

/// The fields of `model` that the session's user may read: one `fields_get`
/// per user and model for the client's life (or until the user logs in
/// again or out).
///
/// # Errors
///
/// What `fields_get` raises, other than an `AccessError` (then nothing is
/// filtered and the read reports Odoo's own refusal).
pub(crate) async fn readable_fields(
    session: &Session,
    model: &str,
) -> Result<Arc<ReadableFields>, Error> {
    let slot = session
        .client()
        .inner
        .field_access
        .slot(session.uid(), model);
    slot.get_or_try_init(|| async {
        let mut kwargs = Map::new();
        kwargs.insert("attributes".into(), json!(["type"]));
        let reply = session.execute(model, "fields_get", &[], kwargs).await;
        let fields = match reply.and_then(|r| r.decode::<HashMap<String, TypeOnly>>(model)) {
            Ok(fields) => ReadableFields {
                fields: Some(fields.into_iter().map(|(k, t)| (k, t.ty)).collect()),
            },
            Err(e) if e.is_access_error() => ReadableFields::unknown(),
            Err(e) => return Err(e),
        };
        tracing::debug!(
            target: "odoo::fields",
            login = session.login(),
            model,
            readable = fields.fields.as_ref().map_or(0, BTreeMap::len),
            "learned the readable fields"
        );
        Ok(Arc::new(fields))
    })
    .await
    .cloned()
}

/// One field of a `fields_get` answer asked for its type only.
#[derive(serde::Deserialize)]
struct TypeOnly {
    #[serde(rename = "type", default)]
    ty: String,
}

/// The names of `M`'s fields to ask for as the session's user: the readable
/// ones. An unreadable `Option` field is left out (it decodes as `None`).
///
/// # Errors
///
/// [`Error::UnreadableField`] for the first non-`Option` field the user may
/// not read, before anything is read; what [`readable_fields`] raises.
pub(crate) async fn fields_to_read<M: Model>(
    session: &Session,
) -> Result<Vec<&'static str>, Error> {
    let readable = readable_fields(session, M::MODEL).await?;
    select::<M>(session, &readable)
}

fn select<M: Model>(
    session: &Session,
    readable: &ReadableFields,
) -> Result<Vec<&'static str>, Error> {
    let mut names = Vec::with_capacity(M::FIELDS.len());
    let mut left_out: Vec<&str> = Vec::new();
    for def in M::FIELDS {
        if readable.contains(def.name) {
            names.push(def.name);
        } else if def.optional {
            left_out.push(def.name);
        } else {
            return Err(unreadable::<M>(session, def));
        }
    }
    if !left_out.is_empty() {
        tracing::trace!(
            target: "odoo::fields",
            login = session.login(),
            model = M::MODEL,
            fields = ?left_out,
            "not readable by this user: read as None"
        );
    }
    Ok(names)
}

fn unreadable<M: Model>(session: &Session, def: &FieldDef) -> Error {
    Error::from(UnreadableFieldError::new(
        M::MODEL,
        def.name,
        def.rust_type,
        session.login(),
        session.uid(),
    ))
}
