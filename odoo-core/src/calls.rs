//! Builders for the ORM calls of a [`Session`]: set the options, then
//! `.await` the builder itself.
//!
//! Each builder sends exactly the keyword arguments that were set, so the
//! request matches what Odoo's own clients send and the server applies its
//! defaults for the rest.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use serde::Deserialize;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::domain::Domain;
use crate::error::{Error, MissingRecordsError};
use crate::session::Session;
use crate::value::Map;

/// The future of a builder.
pub type CallFuture<'s, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 's>>;

/// Options shared by the searching calls.
#[derive(Debug, Clone, Default)]
struct Paging {
    offset: u64,
    limit: Option<u64>,
    order: Option<String>,
}

impl Paging {
    fn put(&self, kwargs: &mut Map) {
        if let Some(limit) = self.limit {
            kwargs.insert("limit".into(), json!(limit));
        }
        if self.offset > 0 {
            kwargs.insert("offset".into(), json!(self.offset));
        }
        if let Some(order) = &self.order {
            kwargs.insert("order".into(), json!(order));
        }
    }
}

macro_rules! paging_setters {
    () => {
        /// Skip the first `offset` records.
        pub fn offset(mut self, offset: u64) -> Self {
            self.paging.offset = offset;
            self
        }
        /// Return at most `limit` records.
        pub fn limit(mut self, limit: u64) -> Self {
            self.paging.limit = Some(limit);
            self
        }
        /// Sort order, Odoo's syntax: `"date_order desc, id"`. Default: the
        /// model's own order.
        pub fn order(mut self, order: impl Into<String>) -> Self {
            self.paging.order = Some(order.into());
            self
        }
    };
}

macro_rules! context_setter {
    () => {
        /// Add a key to this call's context (on top of the session's).
        pub fn context(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
            self.context.insert(key.into(), value.into());
            self
        }
    };
}

fn with_context(mut kwargs: Map, context: Map) -> Map {
    if !context.is_empty() {
        kwargs.insert("context".into(), Value::Object(context));
    }
    kwargs
}

/// `search`: see [`Session::search`].
#[must_use = "a call does nothing until it is awaited"]
pub struct Search<'s> {
    session: &'s Session,
    model: String,
    domain: Domain,
    paging: Paging,
    context: Map,
}

impl<'s> Search<'s> {
    pub(crate) fn new(session: &'s Session, model: &str, domain: Domain) -> Self {
        Search {
            session,
            model: model.to_owned(),
            domain,
            paging: Paging::default(),
            context: Map::new(),
        }
    }
    paging_setters!();
    context_setter!();
}

impl<'s> IntoFuture for Search<'s> {
    type Output = Result<Vec<i64>, Error>;
    type IntoFuture = CallFuture<'s, Vec<i64>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut kwargs = Map::new();
            self.paging.put(&mut kwargs);
            self.session
                .execute(
                    &self.model,
                    "search",
                    &[self.domain.to_value()],
                    with_context(kwargs, self.context),
                )
                .await?
                .decode(&self.model)
        })
    }
}

/// `search_read`: see [`Session::search_read`].
#[must_use = "a call does nothing until it is awaited"]
pub struct SearchRead<'s, T> {
    session: &'s Session,
    model: String,
    domain: Domain,
    fields: Option<Vec<String>>,
    paging: Paging,
    context: Map,
    _rows: PhantomData<fn() -> T>,
}

impl<'s, T> SearchRead<'s, T> {
    pub(crate) fn new(session: &'s Session, model: &str, domain: Domain) -> Self {
        SearchRead {
            session,
            model: model.to_owned(),
            domain,
            fields: None,
            paging: Paging::default(),
            context: Map::new(),
            _rows: PhantomData,
        }
    }
    /// The fields to read (`id` is always sent).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = Some(fields.into_iter().map(Into::into).collect());
        self
    }
    paging_setters!();
    context_setter!();
}

impl<'s, T: DeserializeOwned + 's> IntoFuture for SearchRead<'s, T> {
    type Output = Result<Vec<T>, Error>;
    type IntoFuture = CallFuture<'s, Vec<T>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut kwargs = Map::new();
            if let Some(fields) = &self.fields {
                kwargs.insert("fields".into(), json!(fields));
            }
            self.paging.put(&mut kwargs);
            self.session
                .execute(
                    &self.model,
                    "search_read",
                    &[self.domain.to_value()],
                    with_context(kwargs, self.context),
                )
                .await?
                .decode(&self.model)
        })
    }
}

/// `search_count`: see [`Session::search_count`].
#[must_use = "a call does nothing until it is awaited"]
pub struct SearchCount<'s> {
    session: &'s Session,
    model: String,
    domain: Domain,
    context: Map,
}

impl<'s> SearchCount<'s> {
    pub(crate) fn new(session: &'s Session, model: &str, domain: Domain) -> Self {
        SearchCount {
            session,
            model: model.to_owned(),
            domain,
            context: Map::new(),
        }
    }
    context_setter!();
}

impl<'s> IntoFuture for SearchCount<'s> {
    type Output = Result<u64, Error>;
    type IntoFuture = CallFuture<'s, u64>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            self.session
                .execute(
                    &self.model,
                    "search_count",
                    &[self.domain.to_value()],
                    with_context(Map::new(), self.context),
                )
                .await?
                .decode(&self.model)
        })
    }
}

/// `read`: see [`Session::read`].
#[must_use = "a call does nothing until it is awaited"]
pub struct Read<'s, T> {
    session: &'s Session,
    model: String,
    ids: Vec<i64>,
    fields: Option<Vec<String>>,
    context: Map,
    _rows: PhantomData<fn() -> T>,
}

impl<'s, T> Read<'s, T> {
    pub(crate) fn new(session: &'s Session, model: &str, ids: Vec<i64>) -> Self {
        Read {
            session,
            model: model.to_owned(),
            ids,
            fields: None,
            context: Map::new(),
            _rows: PhantomData,
        }
    }
    /// The fields to read (`id` is always sent). Without it Odoo sends every
    /// field, binary images included.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = Some(fields.into_iter().map(Into::into).collect());
        self
    }
    context_setter!();
}

/// Just the id of a row, to check a read's completeness whatever `T` is.
#[derive(Deserialize)]
struct RowId {
    id: i64,
}

impl<'s, T: DeserializeOwned + 's> IntoFuture for Read<'s, T> {
    type Output = Result<Vec<T>, Error>;
    type IntoFuture = CallFuture<'s, Vec<T>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            if self.ids.is_empty() {
                return Ok(Vec::new());
            }
            let mut kwargs = Map::new();
            if let Some(fields) = &self.fields {
                kwargs.insert("fields".into(), json!(fields));
            }
            let reply = self
                .session
                .execute(
                    &self.model,
                    "read",
                    &[json!(self.ids)],
                    with_context(kwargs, self.context),
                )
                .await?;
            let found: Vec<RowId> = reply.decode(&self.model)?;
            let missing: Vec<i64> = self
                .ids
                .iter()
                .copied()
                .filter(|id| !found.iter().any(|row| row.id == *id))
                .collect();
            if !missing.is_empty() {
                return Err(Error::from(MissingRecordsError::new(&self.model, missing)));
            }
            reply.decode(&self.model)
        })
    }
}

/// `name_search`: see [`Session::name_search`].
#[must_use = "a call does nothing until it is awaited"]
pub struct NameSearch<'s> {
    session: &'s Session,
    model: String,
    name: String,
    domain: Option<Domain>,
    operator: Option<String>,
    limit: Option<u64>,
    context: Map,
}

impl<'s> NameSearch<'s> {
    pub(crate) fn new(session: &'s Session, model: &str, name: &str) -> Self {
        NameSearch {
            session,
            model: model.to_owned(),
            name: name.to_owned(),
            domain: None,
            operator: None,
            limit: None,
            context: Map::new(),
        }
    }
    /// Only among the records matching `domain`.
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domain = Some(domain);
        self
    }
    /// The comparison on the name (default `ilike`).
    pub fn operator(mut self, operator: crate::domain::Operator) -> Self {
        self.operator = Some(operator.as_str().to_owned());
        self
    }
    /// At most `limit` results (Odoo's default is 100).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }
    context_setter!();
}

impl<'s> IntoFuture for NameSearch<'s> {
    type Output = Result<Vec<(i64, String)>, Error>;
    type IntoFuture = CallFuture<'s, Vec<(i64, String)>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut kwargs = Map::new();
            // The domain is passed by position: Odoo 17 calls the parameter
            // `args`, Odoo 18 `domain`; the position is the same in both.
            let args = match &self.domain {
                Some(domain) => vec![json!(self.name), domain.to_value()],
                None => {
                    kwargs.insert("name".into(), json!(self.name));
                    Vec::new()
                }
            };
            if let Some(operator) = &self.operator {
                kwargs.insert("operator".into(), json!(operator));
            }
            if let Some(limit) = self.limit {
                kwargs.insert("limit".into(), json!(limit));
            }
            let pairs: Vec<crate::value::Many2one> = self
                .session
                .execute(
                    &self.model,
                    "name_search",
                    &args,
                    with_context(kwargs, self.context),
                )
                .await?
                .decode(&self.model)?;
            Ok(pairs.into_iter().map(|m| (m.id, m.name)).collect())
        })
    }
}

/// Any model method: see [`Session::call`].
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'s, T = Value> {
    session: &'s Session,
    model: String,
    method: String,
    args: Vec<Value>,
    kwargs: Map,
    error: Option<Error>,
    _result: PhantomData<fn() -> T>,
}

impl<'s> Call<'s, Value> {
    pub(crate) fn new(session: &'s Session, model: &str, method: &str) -> Self {
        Call {
            session,
            model: model.to_owned(),
            method: method.to_owned(),
            args: Vec::new(),
            kwargs: Map::new(),
            error: None,
            _result: PhantomData,
        }
    }
}

impl<'s, T> Call<'s, T> {
    /// Append a positional argument (for a method on records, the first is
    /// the list of ids).
    pub fn arg(mut self, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.args.push(v),
            Err(e) => self.fail(format!("argument {}", self.args.len()), e),
        }
        self
    }

    /// Set a keyword argument.
    pub fn kwarg(mut self, name: &str, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => {
                self.kwargs.insert(name.to_owned(), v);
            }
            Err(e) => self.fail(format!("keyword argument {name:?}"), e),
        }
        self
    }

    /// Add a key to this call's context (on top of the session's).
    pub fn context(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        let context = self
            .kwargs
            .entry("context")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = context {
            map.insert(key.into(), value.into());
        }
        self
    }

    /// Decode the result into `U` instead of a [`Value`].
    pub fn returning<U>(self) -> Call<'s, U> {
        Call {
            session: self.session,
            model: self.model,
            method: self.method,
            args: self.args,
            kwargs: self.kwargs,
            error: self.error,
            _result: PhantomData,
        }
    }

    fn fail(&mut self, what: String, e: serde_json::Error) {
        if self.error.is_none() {
            self.error = Some(Error::from(crate::error::ConfigError::new(format!(
                "{}.{}: {what} cannot be serialised: {e}",
                self.model, self.method
            ))));
        }
    }
}

impl<'s, T: DeserializeOwned + 's> IntoFuture for Call<'s, T> {
    type Output = Result<T, Error>;
    type IntoFuture = CallFuture<'s, T>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            if let Some(error) = self.error {
                return Err(error);
            }
            let what = format!("{}.{}", self.model, self.method);
            self.session
                .execute(&self.model, &self.method, &self.args, self.kwargs)
                .await?
                .decode(&what)
        })
    }
}

/// The typed call builders of a session. They live here, above the
/// session, so that the session never depends on its callers.
impl Session {
    /// Any public model method: `session.call("sale.order", "action_confirm").arg([22]).await`.
    pub fn call<'s>(&'s self, model: &str, method: &str) -> Call<'s> {
        Call::new(self, model, method)
    }

    /// Ids of the records matching `domain` (`search`). Chain `.offset()`,
    /// `.limit()`, `.order()` before `.await`.
    pub fn search<'s>(&'s self, model: &str, domain: impl Into<Domain>) -> Search<'s> {
        Search::new(self, model, domain.into())
    }

    /// Rows of the records matching `domain`, decoded into `T`
    /// (`search_read`). Chain `.fields()`, `.offset()`, `.limit()`,
    /// `.order()` before `.await`. Without `.fields()` Odoo sends every
    /// field, which is slow on large models.
    pub fn search_read<'s, T: DeserializeOwned>(
        &'s self,
        model: &str,
        domain: impl Into<Domain>,
    ) -> SearchRead<'s, T> {
        SearchRead::new(self, model, domain.into())
    }

    /// How many records match `domain` (`search_count`).
    pub fn search_count<'s>(&'s self, model: &str, domain: impl Into<Domain>) -> SearchCount<'s> {
        SearchCount::new(self, model, domain.into())
    }

    /// The rows of these ids, decoded into `T`, in the order of `ids`
    /// (`read`). Chain `.fields()` before `.await`.
    ///
    /// Odoo answers a read of a deleted id with no row and no error; this
    /// read notices and fails with [`Error::MissingRecords`] naming the ids.
    pub fn read<'s, T: DeserializeOwned>(
        &'s self,
        model: &str,
        ids: impl IntoIterator<Item = i64>,
    ) -> Read<'s, T> {
        Read::new(self, model, ids.into_iter().collect())
    }

    /// `(id, display name)` of the records whose name matches (`name_search`).
    pub fn name_search<'s>(&'s self, model: &str, name: &str) -> NameSearch<'s> {
        NameSearch::new(self, model, name)
    }
}
