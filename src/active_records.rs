//! Active records: `#[derive(Model)]` turns a plain struct into a proxy of
//! an Odoo model, bound to the [`Session`](crate::Session) that read it.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = odoo_mock::MockServer::start().await?;
//! # let (url, db) = (server.url(), server.database());
//! use odoo::{DateTime, Model, New, Record, Ref, Refs, Selection, X2Command};
//!
//! #[derive(Debug, Clone, PartialEq, Selection)]
//! enum SaleOrderState { Draft, Sent, Sale, Cancel, Unknown(String) }
//!
//! #[derive(Debug, Clone, Model)]
//! #[odoo(model = "res.partner")]
//! struct ResPartner { name: String, email: Option<String> }
//!
//! #[derive(Debug, Clone, Model)]
//! #[odoo(model = "sale.order.line")]
//! struct SaleOrderLine { name: String, product_uom_qty: f64, price_unit: f64 }
//!
//! #[derive(Debug, Clone, Model)]
//! #[odoo(model = "sale.order")]
//! struct SaleOrder {
//!     name: String,
//!     partner_id: Ref<ResPartner>,          // a many2one you can `fetch`
//!     order_line: Refs<SaleOrderLine>,      // a one2many you can `fetch`
//!     #[odoo(readonly)]                     // read, never written
//!     state: SaleOrderState,
//!     date_order: DateTime,
//!     #[odoo(readonly)]
//!     amount_total: f64,
//!     note: Option<String>,                 // Odoo's `false` is `None`
//!     #[odoo(name = "client_order_ref")]    // another name in Odoo
//!     reference: Option<String>,
//! }
//!
//! let client = odoo::Client::builder(url).database(db).build()?;
//! let alice = client.login("alice", "alice").await?;
//!
//! let orders: Vec<Record<SaleOrder>> = SaleOrder::search(&alice)   // bound to alice
//!     .filter(SaleOrder::STATE.eq(SaleOrderState::Draft) & SaleOrder::AMOUNT_TOTAL.gt(100.0))
//!     .order_by(SaleOrder::DATE_ORDER.desc())
//!     .limit(10)
//!     .all()
//!     .await?;
//! let mut order = orders.into_iter().next().expect("one order");
//! order.note = Some("Call before delivery".into());   // DerefMut to SaleOrder
//! order.save().await?;                                // writes only `note`, as alice
//! let customer: Record<ResPartner> = order.fetch(SaleOrder::PARTNER_ID).await?;
//! let lines: Vec<Record<SaleOrderLine>> = order.fetch(SaleOrder::ORDER_LINE).await?;
//! assert_eq!(lines.len(), order.order_line.len());
//! assert_eq!(customer.session().login(), "alice");
//!
//! // Create: only the fields set are sent; Odoo fills the rest.
//! let new = SaleOrder::create(
//!     &alice,
//!     New::new()
//!         .set(SaleOrder::PARTNER_ID, customer.id())
//!         .commands(SaleOrder::ORDER_LINE, [X2Command::create(
//!             New::new()
//!                 .set(SaleOrderLine::NAME, "Desk")
//!                 .set(SaleOrderLine::PRODUCT_UOM_QTY, 2.0)
//!                 .set(SaleOrderLine::PRICE_UNIT, 100.0),
//!         )]),
//! )
//! .await?;
//! assert_eq!(new.state, SaleOrderState::Draft);
//! new.call("action_confirm").await?;                  // a workflow method, as alice
//! # Ok(()) }
//! ```
//!
//! # What the derive generates
//!
//! - the [`Model`](crate::Model) impl: model name, field list (only these
//!   fields are read), row decoding with Odoo's rules, encoding of the
//!   changed fields;
//! - a typed constant per field (`SaleOrder::AMOUNT_TOTAL:
//!   Field<SaleOrder, f64, ReadOnly>`) whose comparisons accept only the
//!   field's type, and `asc()` / `desc()` for orders;
//! - `search(&Session) -> Query<Self>`, `browse(&Session, id)`,
//!   `browse_many(&Session, ids)`, `create(&Session, New<Self>)` and
//!   `count(&Session, Domain)`.
//!
//! Attributes: `#[odoo(model = "...")]` (required), `#[odoo(crate = "...")]`
//! (runtime path, default `::odoo::__private`); on fields
//! `#[odoo(name = "...")]` and `#[odoo(readonly)]`. Mistakes are all
//! reported at once, each on the offending token.
//!
//! # Relations and prefetch
//!
//! Declare a relation you want to follow with its target:
//! [`Ref<M>`](crate::Ref) (many2one; `Option<Ref<M>>` when it may be empty)
//! or [`Refs<M>`](crate::Refs) (one2many / many2many). Untyped
//! [`Many2one`](crate::Many2one) and `Vec<i64>` stay available for
//! relations you never follow. Records read together share a prefetch set:
//! in a loop over orders, the first `fetch(PARTNER_ID)` reads the customers
//! of every order in one call, and the others find theirs in the set.
//!
//! To read a whole graph in one call, name the relations up front:
//! `SaleOrder::search(&s).with(SaleOrder::PARTNER_ID).with(SaleOrder::ORDER_LINE.with(SaleOrderLine::PRODUCT_ID))`
//! ([`Query::with`](crate::Query::with), also on `browse`, `browse_many` and
//! `fetch`). Odoo 17 and later answer it with one `web_search_read` whose
//! nested specification asks, at each level, for that struct's fields; Odoo
//! 16 with one `read` per level. The loaded targets are in the prefetch
//! sets, so `fetch` of them sends nothing.
//!
//! # Fields the user may not read
//!
//! Odoo restricts some fields to groups (`res.partner.credit_limit` to
//! accounting users, `sale.order.purchase_order_count` to purchase users)
//! and refuses a whole read that names one of them. So the first typed read
//! of a model by a user asks `fields_get` as that user, once, and every
//! `search`, `browse`, `fetch` and prefetch asks only for the fields listed
//! there. The answer is kept on the client for that user, shared by all
//! their sessions, and dropped when the user logs in again or out: one
//! extra call per user and model, never one per query
//! ([`Session::readable_fields`](crate::Session::readable_fields) shows it).
//!
//! - An `Option` field the user may not read is `None`.
//! - Any other field the user may not read (or that the server lacks) fails
//!   the read with [`Error::UnreadableField`](crate::Error::UnreadableField)
//!   before anything is sent, naming model, field and user: make it an
//!   `Option`, leave it out, or read as a user of its groups.
//! - Writing such a field gets Odoo's own `AccessError`, which names it.
//!
//! # Sessions
//!
//! A record keeps the session that read it: saving, reloading, unlinking,
//! calling methods and fetching go through it. Acting as someone else takes
//! an explicit [`Record::reread_as`](crate::Record::reread_as). After
//! [`Session::logout`](crate::Session::logout) every operation of its
//! records fails with [`Error::LoggedOut`](crate::Error::LoggedOut).
