//! [`Query<M>`]: a search bound to one session, returning [`Record`]s.

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::calls::CallFuture;
use crate::domain::{Domain, Operator};
use crate::error::Error;
use crate::model::{Model, Order};
use crate::nested::{self, Follow, Nested};
use crate::record::{Prefetch, Record, Row, ensure_live, records_in};
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
///
/// [`with`](Query::with) loads relations in the same call, to any depth:
///
/// ```no_run
/// # use odoo_core::{Model, Query, Record, Follow};
/// # async fn graph<O: Model, L: Model>(
/// #     query: Query<O>,
/// #     lines: impl Follow<O> + Clone,
/// # ) -> odoo_core::Result<()> {
/// // SaleOrder::search(&s).with(SaleOrder::PARTNER_ID)
/// //     .with(SaleOrder::ORDER_LINE.with(SaleOrderLine::PRODUCT_ID))
/// let orders = query.with(lines.clone()).all().await?; // one call on Odoo 17+
/// for order in &orders {
///     let _lines = order.fetch(lines.clone()).await?; // no call: loaded
/// }
/// # Ok(()) }
/// ```
#[must_use = "a query does nothing until it is run"]
pub struct Query<M> {
    session: Session,
    domain: Domain,
    order: Vec<String>,
    limit: Option<u64>,
    offset: u64,
    context: Map,
    with: Vec<Nested>,
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
            with: self.with.clone(),
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
            .field("with", &self.with)
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
            with: Vec::new(),
            _model: PhantomData,
        }
    }

    /// Load this relation of the records in the same call, and what it
    /// nests with [`Field::with`](crate::Field::with): on Odoo 17 and later
    /// the whole tree is one `web_search_read` with a nested
    /// specification; on 16, one `read` per level. The targets go into the
    /// records' prefetch sets: [`Record::fetch`] of a loaded relation sends
    /// nothing. Each level reads its struct's own fields.
    pub fn with(mut self, relation: impl Follow<M>) -> Self {
        self.with.push(relation.into_nested());
        self
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
        Ok(self
            .search_read_counted(domain, limit, offset, order)
            .await?
            .0)
    }

    /// The records, and how many match in all when the server said so
    /// (`web_search_read` does).
    async fn search_read_counted(
        &self,
        domain: &Domain,
        limit: Option<u64>,
        offset: u64,
        order: Option<String>,
    ) -> Result<(Vec<Record<M>>, Option<u64>), Error> {
        ensure_live(&self.session)?;
        if !self.with.is_empty() && nested::use_specification::<M>(&self.session).await? {
            return self.web_search_read(domain, limit, offset, order).await;
        }
        let fields = crate::field_access::fields_to_read::<M>(&self.session).await?;
        let mut kwargs = self.kwargs(limit, offset, order);
        kwargs.insert("fields".into(), json!(fields));
        let rows: Vec<Row<M>> = self
            .session
            .execute(M::MODEL, "search_read", &[domain.to_value()], kwargs)
            .await?
            .decode(M::MODEL)?;
        let prefetch = Prefetch::for_rows(&rows);
        // Odoo 16: each level of the tree is one batched read.
        nested::load_by_reads(&self.session, &self.with, &prefetch).await?;
        Ok((records_in(&self.session, rows, &prefetch), None))
    }

    /// One `web_search_read` with the tree as its specification.
    async fn web_search_read(
        &self,
        domain: &Domain,
        limit: Option<u64>,
        offset: u64,
        order: Option<String>,
    ) -> Result<(Vec<Record<M>>, Option<u64>), Error> {
        let spec = nested::specification::<M>(&self.session, &self.with).await?;
        let mut kwargs = self.kwargs(limit, offset, order);
        kwargs.insert("domain".into(), domain.to_value());
        kwargs.insert("specification".into(), Value::Object(spec));
        let reply = self
            .session
            .execute(M::MODEL, "web_search_read", &[], kwargs)
            .await?;
        let (page, prefetch) = decode_page::<M>(&reply, &self.with)?;
        Ok((
            records_in(&self.session, page.records, &prefetch),
            Some(page.length),
        ))
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
            total: None,
        }
    }
}

/// Decode a `web_search_read` reply whose specification loads `with`: the
/// page, and the prefetch set its rows share (the nested targets in it).
fn decode_page<M: Model>(
    reply: &crate::transport::Reply,
    with: &[Nested],
) -> Result<(WebSearchRead<M>, std::sync::Arc<Prefetch>), Error> {
    let (page, level) = nested::capturing(nested::Level::new(with), || {
        reply.decode::<WebSearchRead<M>>(M::MODEL)
    });
    let page = page?;
    let prefetch = Prefetch::for_rows(&page.records);
    level.attach(&prefetch);
    Ok((page, prefetch))
}

/// [`decode_page`], for the benchmarks: how many top-level rows.
pub(crate) fn decode_graph<M: Model>(
    reply: &crate::transport::Reply,
    with: &[Nested],
) -> Result<usize, Error> {
    Ok(decode_page::<M>(reply, with)?.0.records.len())
}

/// What `web_search_read` answers: the page and the count of all matches.
#[derive(Deserialize)]
#[serde(bound = "M: Model")]
struct WebSearchRead<M: Model> {
    length: u64,
    records: Vec<Row<M>>,
}

impl<M: Model + Send + 'static> Query<M> {
    /// The matching records as a [`Stream`](futures_util::Stream), read
    /// `page_size` at a time as [`Query::pages`] does: a million-record
    /// export never holds more than one page. An error ends the stream
    /// after it is yielded. The stream is `Unpin`, as sqlx's `fetch` is:
    /// no `pin!` needed.
    ///
    /// ```no_run
    /// # use odoo_core::{Model, Query, Record};
    /// # async fn export<M: Model + Send + 'static>(query: Query<M>) -> odoo_core::Result<()> {
    /// use futures_util::TryStreamExt;
    /// let mut records = query.stream(500);
    /// while let Some(record) = records.try_next().await? {
    ///     println!("{}", record.id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(self, page_size: u64) -> RecordStream<M> {
        let state = (
            self.pages(page_size),
            std::collections::VecDeque::new(),
            false,
        );
        let stream =
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
            });
        RecordStream {
            inner: Box::pin(stream),
        }
    }
}

/// The records of a query, a page at a time: [`Query::stream`]. `Unpin`.
#[must_use = "streams do nothing unless polled"]
pub struct RecordStream<M: Model> {
    inner: Pin<Box<dyn futures_util::Stream<Item = Result<Record<M>, Error>> + Send>>,
}

impl<M: Model> std::fmt::Debug for RecordStream<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordStream")
            .field("model", &M::MODEL)
            .finish()
    }
}

impl<M: Model> futures_util::Stream for RecordStream<M> {
    type Item = Result<Record<M>, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
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
    total: Option<u64>,
}

impl<M: Model> Pages<M> {
    /// How many records match in all, once a page was read with
    /// [`Query::with`] on Odoo 17+ (`web_search_read` says it with each
    /// page, so no `search_count` is sent); `None` otherwise.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

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
            let (page, total) = self
                .query
                .search_read_counted(&domain, Some(size), offset, Some("id".into()))
                .await?;
            // Later keyset pages count only what follows the last id.
            if self.last_id.is_none() {
                self.total = total.or(self.total);
            }
            page
        } else {
            let (page, total) = self
                .query
                .search_read_counted(
                    &self.query.domain,
                    Some(size),
                    self.offset,
                    self.query.order_text(),
                )
                .await?;
            self.total = total.or(self.total);
            page
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
