//! What each user may read, as the client keeps it: the per-user, per-model
//! answers of `fields_get` (see `field_access` for how they are learned and
//! used). Plain data: it knows nothing of sessions, so the client can hold
//! it without depending on them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

/// The fields of one model that one user may read, as `fields_get` as that
/// user listed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadableFields {
    /// `None`: the server would not say (`fields_get` refused by an
    /// `AccessError`), so nothing is filtered and the read itself reports
    /// what Odoo refuses. Each field with its type (`many2one`, ...).
    pub(crate) fields: Option<BTreeMap<String, String>>,
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

    pub(crate) fn unknown() -> Self {
        ReadableFields { fields: None }
    }
}

pub(crate) type Slot = Arc<OnceCell<Arc<ReadableFields>>>;

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

    pub(crate) fn slot(&self, uid: i64, model: &str) -> Slot {
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
