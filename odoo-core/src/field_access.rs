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
use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::sync::OnceCell;

use crate::error::{Error, UnreadableFieldError};
use crate::model::{FieldDef, Model};
use crate::session::Session;
use crate::value::Map;

/// The fields of one model that one user may read, as `fields_get` as that
/// user listed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadableFields {
    /// `None`: the server would not say (`fields_get` refused by an
    /// `AccessError`), so nothing is filtered and the read itself reports
    /// what Odoo refuses. Each field with its type (`many2one`, ...).
    fields: Option<BTreeMap<String, String>>,
}

impl ReadableFields {
    /// May the user read `field`? (Always true when the server would not
    /// list the fields.)
    pub fn contains(&self, field: &str) -> bool {
        self.fields.as_ref().is_none_or(|f| f.contains_key(field))
    }

    /// The field's Odoo type (`char`, `many2one`, ...), when the server
    /// listed it.
    pub fn field_type(&self, field: &str) -> Option<&str> {
        self.fields.as_ref()?.get(field).map(String::as_str)
    }

    /// Whether the server listed the fields (and their types).
    pub fn knows_types(&self) -> bool {
        self.fields.is_some()
    }

    /// The readable field names, in order; `None` when the server would not
    /// list them (the user may not read the model at all).
    pub fn names(&self) -> Option<impl Iterator<Item = &str>> {
        self.fields.as_ref().map(|f| f.keys().map(String::as_str))
    }

    fn unknown() -> Self {
        ReadableFields { fields: None }
    }
}

type Slot = Arc<OnceCell<Arc<ReadableFields>>>;

/// The per-user caches of one client.
#[derive(Debug, Default)]
pub(crate) struct FieldAccessCache {
    users: Mutex<HashMap<i64, Arc<UserFields>>>,
}

#[derive(Debug, Default)]
struct UserFields {
    models: Mutex<HashMap<String, Slot>>,
}

impl FieldAccessCache {
    /// Forget what user `uid` may read (a new login, a logout).
    pub(crate) fn forget(&self, uid: i64) {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        users.remove(&uid);
    }

    fn slot(&self, uid: i64, model: &str) -> Slot {
        let user = {
            let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
            users.entry(uid).or_default().clone()
        };
        let mut models = user.models.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = models.get(model) {
            return slot.clone();
        }
        models.entry(model.to_owned()).or_default().clone()
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
