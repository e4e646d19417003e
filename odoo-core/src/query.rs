//! [`Query<M>`]: a search bound to one session, returning [`Record`]s.

use std::future::IntoFuture;
use std::marker::PhantomData;

use serde_json::{Value, json};

use crate::calls::CallFuture;
use crate::domain::{Domain, Operator};
use crate::error::Error;
use crate::model::{Model, Order};
use crate::record::{Record, Row, ensure_live, records_from_rows};
use crate::session::Session;
use crate::value::Map;

/// A search of model `M` as one session's user: `SaleOrder::search(&alice)`.
///
/// Narrow it with [`filter`](Query::filter) (typed domains combined with
/// `&`, `|`, `!`), sort it with [`order_by`](Query::order_by), cut it with
/// [`limit`](Query::limit) / [`offset`](Query::offset), then run it:
/// [`all`](Query::all) (or `.await` the query itself), [`first`](Query::first),
/// [`ids`](Query::ids), [`count`](Query::count), or [`pages`](Query::pages)
/// for result sets too large to hold at once. Reads only the struct's
/// fields, and of those only the ones the session's user may read (see
/// [`Session::readable_fields`]): an `Option` field the user may not read is
/// `None`.
#[must_use = "a query does nothing until it is run"]
pub struct Query<M> {
    session: Session,
    domain: Domain,
    order: Vec<String>,
    limit: Option<u64>,
    offset: u64,
    context: Map,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Query<M> {
    fn clone(&self) -> Self {
        Query {
            session: self.session.clone(),
            domain: self.domain.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
            context: self.context.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Query<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("login", &self.session.login())
            .field("domain", &self.domain)
            .field("order", &self.order)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .finish()
    }
}

impl<M: Model> Query<M> {
    /// Every record of `M` the session's user may read.
    pub fn new(session: &Session) -> Self {
        Query {
            session: session.clone(),
            domain: Domain::all(),
            order: Vec::new(),
            limit: None,
            offset: 0,
            context: Map::new(),
            _model: PhantomData,
        }
    }

    /// Only the records matching `domain` too (combined with `&`).
    pub fn filter(mut self, domain: Domain) -> Self {
        self.domain = std::mem::take(&mut self.domain).and(domain);
        self
    }

    /// Sort by this field; each call adds a key of lower priority than the
    /// ones before it.
    pub fn order_by(mut self, order: Order) -> Self {
        self.order.push(order.as_str().to_owned());
        self
    }

    /// At most `limit` records.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skip the first `offset` records.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Add a key to the calls' context (on top of the session's).
    pub fn context(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.context.insert(key.into(), value.into());
        self
    }

    /// The session the query runs as.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The domain sent.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    fn kwargs(&self, limit: Option<u64>, offset: u64, order: Option<String>) -> Map {
        let mut kwargs = Map::new();
        if let Some(limit) = limit {
            kwargs.insert("limit".into(), json!(limit));
        }
        if offset > 0 {
            kwargs.insert("offset".into(), json!(offset));
        }
        if let Some(order) = order {
            kwargs.insert("order".into(), json!(order));
        }
        if !self.context.is_empty() {
            kwargs.insert("context".into(), Value::Object(self.context.clone()));
        }
        kwargs
    }

    fn order_text(&self) -> Option<String> {
        (!self.order.is_empty()).then(|| self.order.join(", "))
    }

    async fn search_read(
        &self,
        domain: &Domain,
        limit: Option<u64>,
        offset: u64,
        order: Option<String>,
    ) -> Result<Vec<Record<M>>, Error> {
        ensure_live(&self.session)?;
        let fields = crate::field_access::fields_to_read::<M>(&self.session).await?;
        let mut kwargs = self.kwargs(limit, offset, order);
        kwargs.insert("fields".into(), json!(fields));
        let rows: Vec<Row<M>> = self
            .session
            .execute(M::MODEL, "search_read", &[domain.to_value()], kwargs)
            .await?
            .decode(M::MODEL)?;
        Ok(records_from_rows(&self.session, rows))
    }

    /// Run the query: every matching record, in one call. The records
    /// share a prefetch set.
    ///
    /// # Errors
    ///
    /// What Odoo raises (an `AccessError`, ...); [`Error::Decode`] when a
    /// value does not fit its Rust type; [`Error::UnreadableField`], before
    /// anything is read, when a field that is not an `Option` is one the
    /// user may not read (or the server lacks).
    pub async fn all(self) -> Result<Vec<Record<M>>, Error> {
        self.search_read(&self.domain, self.limit, self.offset, self.order_text())
            .await
    }

    /// The first matching record, if any.
    ///
    /// # Errors
    ///
    /// As [`Query::all`].
    pub async fn first(self) -> Result<Option<Record<M>>, Error> {
        let mut records = self
            .search_read(&self.domain, Some(1), self.offset, self.order_text())
            .await?;
        Ok(records.pop())
    }

    /// The ids of the matching records (`search`), reading no field.
    ///
    /// # Errors
    ///
    /// As [`Query::all`].
    pub async fn ids(self) -> Result<Vec<i64>, Error> {
        ensure_live(&self.session)?;
        let kwargs = self.kwargs(self.limit, self.offset, self.order_text());
        self.session
            .execute(M::MODEL, "search", &[self.domain.to_value()], kwargs)
            .await?
            .decode(M::MODEL)
    }

    /// How many records match (`search_count`; limit and offset ignored).
    ///
    /// # Errors
    ///
    /// As [`Query::all`].
    pub async fn count(self) -> Result<u64, Error> {
        ensure_live(&self.session)?;
        let kwargs = self.kwargs(None, 0, None);
        self.session
            .execute(M::MODEL, "search_count", &[self.domain.to_value()], kwargs)
            .await?
            .decode(M::MODEL)
    }

    /// The matching records `page_size` at a time: never more than a page
    /// in memory. Without an [`order_by`](Query::order_by) it pages by id
    /// (`id > last`), which stays correct while records are added or
    /// removed; with one, by offset.
    pub fn pages(self, page_size: u64) -> Pages<M> {
        Pages {
            remaining: self.limit,
            offset: self.offset,
            query: self,
            page_size: page_size.max(1),
            last_id: None,
            done: false,
        }
    }
}

impl<M: Model + Send + 'static> Query<M> {
    /// The matching records as a [`Stream`](futures_util::Stream), read
    /// `page_size` at a time as [`Query::pages`] does: a million-record
    /// export never holds more than one page. An error ends the stream
    /// after it is yielded.
    ///
    /// ```no_run
    /// # use odoo_core::{Model, Query, Record};
    /// # async fn export<M: Model + Send + 'static>(query: Query<M>) -> odoo_core::Result<()> {
    /// use futures_util::TryStreamExt;
    /// let mut records = std::pin::pin!(query.stream(500));
    /// while let Some(record) = records.try_next().await? {
    ///     println!("{}", record.id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(
        self,
        page_size: u64,
    ) -> impl futures_util::Stream<Item = Result<Record<M>, Error>> + Send + 'static {
        let state = (
            self.pages(page_size),
            std::collections::VecDeque::new(),
            false,
        );
        futures_util::stream::unfold(state, |(mut pages, mut buffered, failed)| async move {
            if failed {
                return None;
            }
            if buffered.is_empty() {
                match pages.next_page().await {
                    Ok(Some(page)) => buffered.extend(page),
                    Ok(None) => return None,
                    Err(e) => return Some((Err(e), (pages, buffered, true))),
                }
            }
            let record = buffered.pop_front()?;
            Some((Ok(record), (pages, buffered, false)))
        })
    }
}

impl<M: Model> IntoFuture for Query<M> {
    type Output = Result<Vec<Record<M>>, Error>;
    type IntoFuture = CallFuture<'static, Vec<Record<M>>>;
    /// `query.await` is `query.all().await`.
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.all())
    }
}

/// The pages of a [`Query`]: see [`Query::pages`].
///
/// ```text
/// let mut pages = SaleOrder::search(&session).pages(500);
/// while let Some(page) = pages.next_page().await? { ... }
/// ```
#[must_use = "pages do nothing until `next_page` is awaited"]
#[derive(Debug)]
pub struct Pages<M> {
    query: Query<M>,
    page_size: u64,
    remaining: Option<u64>,
    offset: u64,
    last_id: Option<i64>,
    done: bool,
}

impl<M: Model> Pages<M> {
    /// The next page, or `None` after the last. A page's records share a
    /// prefetch set.
    ///
    /// # Errors
    ///
    /// As [`Query::all`]; after an error the next call retries the same
    /// page.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Record<M>>>, Error> {
        if self.done || self.remaining == Some(0) {
            return Ok(None);
        }
        let size = match self.remaining {
            Some(r) => r.min(self.page_size),
            None => self.page_size,
        };
        let keyset = self.query.order.is_empty();
        let page = if keyset {
            let domain = match self.last_id {
                Some(last) => self
                    .query
                    .domain
                    .clone()
                    .and(Domain::leaf("id", Operator::Gt, last)),
                None => self.query.domain.clone(),
            };
            // The query's own offset applies once, before the first page.
            let offset = if self.last_id.is_none() {
                self.offset
            } else {
                0
            };
            self.query
                .search_read(&domain, Some(size), offset, Some("id".into()))
                .await?
        } else {
            self.query
                .search_read(
                    &self.query.domain,
                    Some(size),
                    self.offset,
                    self.query.order_text(),
                )
                .await?
        };
        let got = page.len() as u64;
        if !keyset {
            self.offset += got;
        }
        self.last_id = page.last().map(Record::id).or(self.last_id);
        if let Some(r) = &mut self.remaining {
            *r = r.saturating_sub(got);
        }
        if got < size {
            self.done = true;
        }
        if page.is_empty() {
            return Ok(None);
        }
        Ok(Some(page))
    }
}
