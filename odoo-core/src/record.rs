//! [`Record<M>`]: a model value bound to the [`Session`] that read it, and
//! relations followed through that session with prefetching.
//!
//! # Prefetch
//!
//! Records read together (one `search`, one `browse_many`, one `fetch` of
//! many targets) share a prefetch set, as in Odoo's own ORM. The first
//! [`Record::fetch`] of a relation on any of them reads the targets of every
//! record of the set in one call and keeps them in the set; the other
//! records then find theirs there. The targets read together form a set of
//! their own, so the next level (each line's product) is one call too.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use serde::de::{Deserialize, Deserializer};
use serde_json::{Value, json};

use crate::calls::{Call, CallFuture};
use crate::error::{Error, MissingRecordsError};
use crate::model::{FieldValue, Model, Ref, Refs};
use crate::nested::{self, Follow, Nested};
use crate::session::Session;
use crate::value::Map;

/// One decoded row: its id and the value.
pub(crate) struct Row<M>(pub(crate) i64, pub(crate) M);

impl<'de, M: Model> Deserialize<'de> for Row<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        M::deserialize_row(deserializer).map(|(id, value)| Row(id, value))
    }
}

/// Decode rows as `read` and `search_read` return them (objects with `id`
/// and the fields) into ids and values of `M`, with Odoo's rules (`false` is
/// `None`).
///
/// # Errors
///
/// [`Error::Decode`] naming the model, the record id and the field.
pub fn decode_rows<M: Model>(rows: &Value) -> Result<Vec<(i64, M)>, Error> {
    let rows: Vec<Row<M>> = crate::decode::from_value(rows, M::MODEL)?;
    Ok(rows.into_iter().map(|Row(id, m)| (id, m)).collect())
}

/// Fails with [`Error::LoggedOut`] when the session logged out, before
/// anything is sent (the session itself refuses too; this also covers
/// operations that would send nothing, such as saving an unchanged record).
pub(crate) fn ensure_live(session: &Session) -> Result<(), Error> {
    if session.is_logged_out() {
        return Err(Error::from(crate::error::LoggedOutError::new(
            session.login(),
            session.database(),
        )));
    }
    Ok(())
}

/// What records read together share: the ids their relation fields held at
/// read time, and the related records already fetched (or loaded with
/// [`Query::with`](crate::Query::with)).
pub(crate) struct Prefetch {
    /// Per relation field (Odoo name): the distinct ids over the set.
    relations: Vec<(&'static str, Vec<i64>)>,
    /// Per (relation field, target type): the targets fetched.
    cache: Mutex<HashMap<CacheKey, Arc<dyn Any + Send + Sync>>>,
}

/// (relation field, target type).
type CacheKey = (&'static str, TypeId);

/// Targets of one relation, fetched for a prefetch set.
struct Fetched<T> {
    rows: HashMap<i64, (T, Arc<Prefetch>)>,
}

impl Prefetch {
    pub(crate) fn for_rows<M: Model>(rows: &[Row<M>]) -> Arc<Prefetch> {
        let mut relations = Vec::new();
        for def in M::FIELDS.iter().filter(|f| f.relation) {
            let mut ids = Vec::new();
            for row in rows {
                row.1.relation_ids(def.name, &mut ids);
            }
            let mut seen = std::collections::HashSet::with_capacity(ids.len());
            ids.retain(|id| seen.insert(*id));
            relations.push((def.name, ids));
        }
        Arc::new(Prefetch {
            relations,
            cache: Mutex::new(HashMap::new()),
        })
    }

    pub(crate) fn relation(&self, field: &str) -> &[i64] {
        self.relations
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, ids)| ids.as_slice())
            .unwrap_or(&[])
    }

    fn cached<T: Model>(&self, field: &'static str) -> Option<Arc<Fetched<T>>> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(&(field, TypeId::of::<T>()))
            .cloned()
            .and_then(|any| any.downcast::<Fetched<T>>().ok())
    }

    fn store<T: Model>(&self, field: &'static str, fetched: Fetched<T>) -> Arc<Fetched<T>> {
        let fetched = Arc::new(fetched);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.insert((field, TypeId::of::<T>()), fetched.clone());
        fetched
    }

    /// Keep `rows`, loaded with the set's records, as the targets of
    /// `field`; they form the prefetch set `group`.
    pub(crate) fn insert_targets<T: Model>(
        &self,
        field: &'static str,
        rows: Vec<Row<T>>,
        group: &Arc<Prefetch>,
    ) {
        let mut merged: HashMap<i64, (T, Arc<Prefetch>)> = match self.cached::<T>(field) {
            Some(f) => f.rows.iter().map(|(k, v)| (*k, v.clone())).collect(),
            None => HashMap::with_capacity(rows.len()),
        };
        for Row(id, value) in rows {
            merged.entry(id).or_insert_with(|| (value, group.clone()));
        }
        self.store(field, Fetched { rows: merged });
    }
}

/// A model value bound to the [`Session`] that read it.
///
/// Derefs to the value (`order.note`, `order.note = Some(..)`); saving,
/// reloading, unlinking, calling methods and following relations all go
/// through the session that read it, and there is no way to point a record
/// at another session: re-read it explicitly with [`Record::reread_as`].
///
/// [`Record::save`] writes only the fields changed since the record was
/// read (a snapshot is taken the first time the value is borrowed mutably),
/// and sends nothing when none did.
pub struct Record<M: Model> {
    id: i64,
    value: M,
    original: Option<Box<M>>,
    session: Session,
    prefetch: Arc<Prefetch>,
}

impl<M: Model + fmt::Debug> fmt::Debug for Record<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("model", &M::MODEL)
            .field("id", &self.id)
            .field("login", &self.session.login())
            .field("value", &self.value)
            .finish()
    }
}

impl<M: Model> Deref for Record<M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.value
    }
}

impl<M: Model> DerefMut for Record<M> {
    fn deref_mut(&mut self) -> &mut M {
        if self.original.is_none() {
            self.original = Some(Box::new(self.value.clone()));
        }
        &mut self.value
    }
}

/// Build the records of one read, sharing `prefetch`.
pub(crate) fn records_in<M: Model>(
    session: &Session,
    rows: Vec<Row<M>>,
    prefetch: &Arc<Prefetch>,
) -> Vec<Record<M>> {
    rows.into_iter()
        .map(|Row(id, value)| Record {
            id,
            value,
            original: None,
            session: session.clone(),
            prefetch: prefetch.clone(),
        })
        .collect()
}

/// `read` of these ids with the struct's fields; rows of ids that do not
/// exist are simply absent.
pub(crate) async fn read_rows<M: Model>(
    session: &Session,
    ids: &[i64],
) -> Result<Vec<Row<M>>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let fields = crate::field_access::fields_to_read::<M>(session).await?;
    let mut kwargs = Map::new();
    kwargs.insert("fields".into(), json!(fields));
    session
        .execute(M::MODEL, "read", &[json!(ids)], kwargs)
        .await?
        .decode(M::MODEL)
}

/// Read these ids with `nodes` of them loaded too (one `web_read` on Odoo
/// 17+, one `read` per level before): the rows, in the server's order, and
/// the prefetch set they share.
pub(crate) async fn read_with<M: Model>(
    session: &Session,
    ids: &[i64],
    nodes: &[Nested],
) -> Result<(Vec<Row<M>>, Arc<Prefetch>), Error> {
    if nodes.is_empty() || ids.is_empty() {
        let rows = read_rows::<M>(session, ids).await?;
        let group = Prefetch::for_rows(&rows);
        return Ok((rows, group));
    }
    if !nested::use_specification::<M>(session).await? {
        let rows = read_rows::<M>(session, ids).await?;
        let group = Prefetch::for_rows(&rows);
        nested::load_by_reads(session, nodes, &group).await?;
        return Ok((rows, group));
    }
    let spec = nested::specification::<M>(session, nodes).await?;
    let mut kwargs = Map::new();
    kwargs.insert("specification".into(), Value::Object(spec));
    let reply = session
        .execute(M::MODEL, "web_read", &[json!(ids)], kwargs)
        .await?;
    let (rows, level) = nested::capturing(nested::Level::new(nodes), || {
        reply.decode::<Vec<Row<M>>>(M::MODEL)
    });
    let rows = rows?;
    let group = Prefetch::for_rows(&rows);
    level.attach(&group);
    Ok((rows, group))
}

/// Read these ids, in this order, failing with [`Error::MissingRecords`]
/// for ids with no row.
async fn browse_rows<M: Model>(
    session: &Session,
    ids: &[i64],
    nodes: &[Nested],
) -> Result<Vec<Record<M>>, Error> {
    ensure_live(session)?;
    let (rows, group) = read_with::<M>(session, ids, nodes).await?;
    let mut by_id: HashMap<i64, M> = rows.into_iter().map(|Row(id, m)| (id, m)).collect();
    let mut ordered = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match by_id.remove(id) {
            Some(m) => ordered.push(Row(*id, m)),
            None if ordered.iter().any(|row: &Row<M>| row.0 == *id) => {}
            None => missing.push(*id),
        }
    }
    if !missing.is_empty() {
        return Err(Error::from(MissingRecordsError::new(M::MODEL, missing)));
    }
    Ok(records_in(session, ordered, &group))
}

/// The record `id` as a session's user, with relations loaded as asked:
/// `SaleOrder::browse(&s, 21).with(SaleOrder::ORDER_LINE).await`. Awaiting
/// it reads the record (one call, with every relation of the tree on Odoo
/// 17+).
#[must_use = "a browse does nothing until it is awaited"]
pub struct Browse<M: Model> {
    session: Session,
    id: i64,
    with: Vec<Nested>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Browse<M> {
    /// Load this relation (and what it nests) with the record.
    pub fn with(mut self, relation: impl Follow<M>) -> Self {
        self.with.push(relation.into_nested());
        self
    }
}

impl<M: Model> fmt::Debug for Browse<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Browse")
            .field("model", &M::MODEL)
            .field("id", &self.id)
            .field("with", &self.with)
            .finish()
    }
}

impl<M: Model> IntoFuture for Browse<M> {
    type Output = Result<Record<M>, Error>;
    type IntoFuture = CallFuture<'static, Record<M>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut records = browse_rows::<M>(&self.session, &[self.id], &self.with).await?;
            records
                .pop()
                .ok_or_else(|| Error::from(MissingRecordsError::new(M::MODEL, vec![self.id])))
        })
    }
}

/// Records by id, in that order, with relations loaded as asked: see
/// [`Browse`].
#[must_use = "a browse does nothing until it is awaited"]
pub struct BrowseMany<M: Model> {
    session: Session,
    ids: Vec<i64>,
    with: Vec<Nested>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> BrowseMany<M> {
    /// Load this relation (and what it nests) with the records.
    pub fn with(mut self, relation: impl Follow<M>) -> Self {
        self.with.push(relation.into_nested());
        self
    }
}

impl<M: Model> fmt::Debug for BrowseMany<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrowseMany")
            .field("model", &M::MODEL)
            .field("ids", &self.ids)
            .field("with", &self.with)
            .finish()
    }
}

impl<M: Model> IntoFuture for BrowseMany<M> {
    type Output = Result<Vec<Record<M>>, Error>;
    type IntoFuture = CallFuture<'static, Vec<Record<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { browse_rows::<M>(&self.session, &self.ids, &self.with).await })
    }
}

impl<M: Model> Record<M> {
    /// The record `id`, read as `session`'s user.
    ///
    /// # Errors
    ///
    /// [`Error::MissingRecords`] when there is no such record,
    /// [`Error::Server`] (an `AccessError`) when the user may not read it.
    pub fn browse(session: &Session, id: i64) -> Browse<M> {
        Browse {
            session: session.clone(),
            id,
            with: Vec::new(),
            _model: PhantomData,
        }
    }

    /// These records, in this order, read in one call; they share a
    /// prefetch set.
    ///
    /// # Errors
    ///
    /// As [`Record::browse`], naming every missing id.
    pub fn browse_many(session: &Session, ids: impl IntoIterator<Item = i64>) -> BrowseMany<M> {
        BrowseMany {
            session: session.clone(),
            ids: ids.into_iter().collect(),
            with: Vec::new(),
            _model: PhantomData,
        }
    }

    /// Create a record with the fields set in `values` (Odoo fills its
    /// defaults for the rest) and read it back.
    ///
    /// # Errors
    ///
    /// Odoo's own error for a missing required field (a `ValidationError`
    /// naming it) or a refused access; [`Error::Config`] when a value cannot
    /// be encoded.
    pub fn create(
        session: &Session,
        values: crate::create::New<M>,
    ) -> CallFuture<'static, Record<M>> {
        let session = session.clone();
        Box::pin(async move {
            ensure_live(&session)?;
            let values = values.into_values()?;
            let id = session.create(M::MODEL, &values).await?;
            let mut records = browse_rows::<M>(&session, &[id], &[]).await?;
            records
                .pop()
                .ok_or_else(|| Error::from(MissingRecordsError::new(M::MODEL, vec![id])))
        })
    }

    /// The record's id.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The session that read the record; every call the record makes goes
    /// through it.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The value, without the record.
    pub fn into_inner(self) -> M {
        self.value
    }

    /// The fields [`Record::save`] would write, encoded as it would send
    /// them (empty when nothing changed).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a value cannot be encoded.
    pub fn changes(&self) -> Result<Map, Error> {
        match &self.original {
            Some(original) => self.value.changed_fields(original),
            None => Ok(Map::new()),
        }
    }

    /// Write the fields changed since the read (only those), as the
    /// session's user. Sends nothing when nothing changed.
    ///
    /// # Errors
    ///
    /// What Odoo raises for the write (`AccessError`, `ValidationError`,
    /// `MissingError`, ...). The record keeps its changes, so a retry
    /// writes them again.
    pub async fn save(&mut self) -> Result<(), Error> {
        ensure_live(&self.session)?;
        let changes = self.changes()?;
        if changes.is_empty() {
            self.original = None;
            return Ok(());
        }
        self.session
            .write(M::MODEL, [self.id], &Value::Object(changes))
            .await?;
        self.original = None;
        Ok(())
    }

    /// Write these values now (including x2many commands) and read the
    /// record again. Unsaved changes made through `DerefMut` are lost.
    ///
    /// # Errors
    ///
    /// As [`Record::save`] and [`Record::reload`].
    pub async fn write(&mut self, values: crate::create::New<M>) -> Result<(), Error> {
        ensure_live(&self.session)?;
        let values = values.into_values()?;
        self.session
            .write(M::MODEL, [self.id], &Value::Object(values))
            .await?;
        self.reload().await
    }

    /// Read the record again from the server, dropping unsaved changes.
    ///
    /// # Errors
    ///
    /// [`Error::MissingRecords`] when the record was deleted meanwhile.
    pub async fn reload(&mut self) -> Result<(), Error> {
        ensure_live(&self.session)?;
        let mut rows = read_rows::<M>(&self.session, &[self.id]).await?;
        match rows.pop() {
            Some(Row(_, value)) => {
                self.value = value;
                self.original = None;
                Ok(())
            }
            None => Err(Error::from(MissingRecordsError::new(
                M::MODEL,
                vec![self.id],
            ))),
        }
    }

    /// Delete the record.
    ///
    /// # Errors
    ///
    /// What Odoo raises (`UserError` for a confirmed order, `AccessError`,
    /// `MissingError`).
    pub async fn unlink(self) -> Result<(), Error> {
        ensure_live(&self.session)?;
        self.session.unlink(M::MODEL, [self.id]).await
    }

    /// Call a method of the model on this record, as its session's user:
    /// `order.call("action_confirm").await?`. The record's id is the first
    /// argument; chain `.arg()`, `.kwarg()` and `.returning::<T>()` before
    /// `.await`. The record is not reloaded.
    pub fn call(&self, method: &str) -> Call<'_> {
        self.session.call(M::MODEL, method).arg([self.id])
    }

    /// The same record read again as another user: the only way to act on
    /// it through another session.
    ///
    /// # Errors
    ///
    /// As [`Record::browse`] for that user (an `AccessError` when they may
    /// not read it).
    pub async fn reread_as(&self, session: &Session) -> Result<Record<M>, Error> {
        Record::<M>::browse(session, self.id).await
    }

    /// Follow a relation through the record's own session:
    /// `order.fetch(SaleOrder::PARTNER_ID)` is a `Record<ResPartner>`,
    /// `order.fetch(SaleOrder::ORDER_LINE)` a `Vec<Record<SaleOrderLine>>`,
    /// an `Option<Ref<_>>` field gives an `Option`.
    ///
    /// The first fetch of a relation in a prefetch set reads the targets of
    /// every record of the set in one call; later ones are served from it,
    /// as are relations loaded with [`Query::with`](crate::Query::with).
    /// `fetch(SaleOrder::ORDER_LINE.with(SaleOrderLine::PRODUCT_ID))` loads
    /// the lines' products in the same call (Odoo 17+).
    ///
    /// # Errors
    ///
    /// [`Error::MissingRecords`] when a target no longer exists; what Odoo
    /// raises for the read.
    pub async fn fetch<F: Follow<M>>(
        &self,
        field: F,
    ) -> Result<<F::Relation as Relation>::Output, Error> {
        self.fetch_nested::<F::Relation>(field.into_nested()).await
    }

    async fn fetch_nested<T: Relation>(&self, nested: Nested) -> Result<T::Output, Error> {
        ensure_live(&self.session)?;
        let name = nested.field();
        let nodes = nested.children();
        let mut own = Vec::new();
        self.value.relation_ids(name, &mut own);
        let mut fetched = self.prefetch.cached::<T::Target>(name);
        let known = |f: &Option<Arc<Fetched<T::Target>>>, id: &i64| {
            f.as_ref().is_some_and(|f| f.rows.contains_key(id))
        };
        let missing: Vec<i64> = own
            .iter()
            .copied()
            .filter(|id| !known(&fetched, id))
            .collect();
        if !missing.is_empty() {
            let mut batch = missing.clone();
            for id in self.prefetch.relation(name) {
                if !known(&fetched, id) && !batch.contains(id) {
                    batch.push(*id);
                }
            }
            let (rows, group) = match read_with::<T::Target>(&self.session, &batch, nodes).await {
                Ok(read) => read,
                // A sibling's target this user may not read must not fail
                // this record's fetch: read only its own.
                Err(e) if batch.len() > missing.len() && e.is_access_error() => {
                    read_with::<T::Target>(&self.session, &missing, nodes).await?
                }
                Err(e) => return Err(e),
            };
            let mut merged: HashMap<i64, (T::Target, Arc<Prefetch>)> = match &fetched {
                Some(f) => f.rows.iter().map(|(k, v)| (*k, v.clone())).collect(),
                None => HashMap::with_capacity(rows.len()),
            };
            for Row(id, value) in rows {
                merged.insert(id, (value, group.clone()));
            }
            fetched = Some(self.prefetch.store(name, Fetched { rows: merged }));
        }
        let mut records = Vec::with_capacity(own.len());
        let mut absent = Vec::new();
        for id in own {
            match fetched.as_ref().and_then(|f| f.rows.get(&id)) {
                Some((value, group)) => records.push(Record {
                    id,
                    value: value.clone(),
                    original: None,
                    session: self.session.clone(),
                    prefetch: group.clone(),
                }),
                None => absent.push(id),
            }
        }
        if !absent.is_empty() {
            return Err(Error::from(MissingRecordsError::new(
                <T::Target as Model>::MODEL,
                absent,
            )));
        }
        T::assemble(records)
    }
}

/// A relation field type that [`Record::fetch`] follows: [`Ref<M>`],
/// `Option<Ref<M>>` and [`Refs<M>`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation that `fetch` can follow",
    label = "this field's type does not name its target model",
    note = "declare the field as odoo::Ref<Target>, Option<odoo::Ref<Target>> or odoo::Refs<Target>"
)]
pub trait Relation: FieldValue {
    /// The target model.
    type Target: Model;
    /// What `fetch` returns: a record, an optional record, or a list.
    type Output;
    /// Build the output from the targets, in the field's order.
    #[doc(hidden)]
    fn assemble(records: Vec<Record<Self::Target>>) -> Result<Self::Output, Error>;
}

impl<T: Model> Relation for Ref<T> {
    type Target = T;
    type Output = Record<T>;
    fn assemble(mut records: Vec<Record<T>>) -> Result<Record<T>, Error> {
        records
            .pop()
            .ok_or_else(|| Error::from(MissingRecordsError::new(T::MODEL, Vec::new())))
    }
}

impl<T: Model> Relation for Option<Ref<T>> {
    type Target = T;
    type Output = Option<Record<T>>;
    fn assemble(mut records: Vec<Record<T>>) -> Result<Option<Record<T>>, Error> {
        Ok(records.pop())
    }
}

impl<T: Model> Relation for Refs<T> {
    type Target = T;
    type Output = Vec<Record<T>>;
    fn assemble(records: Vec<Record<T>>) -> Result<Vec<Record<T>>, Error> {
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[derive(Clone)]
    struct Nothing;
    impl Model for Nothing {
        const MODEL: &'static str = "x";
        const FIELDS: &'static [crate::model::FieldDef] = &[];
        fn deserialize_row<'de, D: Deserializer<'de>>(_: D) -> Result<(i64, Self), D::Error> {
            Ok((1, Nothing))
        }
        fn changed_fields(&self, _: &Self) -> Result<Map, Error> {
            Ok(Map::new())
        }
        fn relation_ids(&self, _: &str, _: &mut Vec<i64>) {}
    }

    #[test]
    fn records_are_send_and_sync() {
        assert_send_sync::<Record<Nothing>>();
    }
}
