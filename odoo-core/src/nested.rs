//! Whole object graphs in one call: [`Query::with`](crate::Query::with) and
//! Odoo's nested read specifications.
//!
//! `SaleOrder::search(&s).with(SaleOrder::ORDER_LINE.with(SaleOrderLine::PRODUCT_ID))`
//! describes a tree of relations ([`With`]). On Odoo 17 and later it becomes
//! one `web_search_read` (or `web_read`) whose `specification` asks, at each
//! level, for the target struct's own fields; the server walks the relations
//! with its own prefetch. On Odoo 16, which has no specifications, each level
//! is one batched `read`.
//!
//! # Decoding
//!
//! The nested records are decoded straight from the reply's bytes, during
//! the one pass that decodes the top-level rows: no `Value` tree is built.
//! While a reply with nested records is decoded, a thread-local *capture*
//! holds one sink per node of the tree. The derive marks which relation
//! field is being decoded ([`relation_field`]); a [`Ref`](crate::Ref) or
//! [`Refs`](crate::Refs) that meets an object where that field is a node of
//! the tree decodes it as a row of its target and drops it in the node's
//! sink, keeping only the id (and the display name) in the field itself.
//! The capture lives for one synchronous decode, on one thread.
//!
//! Afterwards the sinks become the prefetch sets of the records
//! ([`Record::fetch`](crate::Record::fetch) then costs nothing), level by
//! level.

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde_json::{Value, json};

use crate::error::Error;
use crate::model::{Field, Model, Slot};
use crate::record::{Prefetch, Relation, Row, read_rows};
use crate::session::Session;
use crate::value::Map;
use crate::value::many2one::NameOrFalse;

/// A relation to load together with its records, and what to load with
/// its targets in turn: built by [`Field::with`] and [`With::with`], taken
/// by [`Query::with`](crate::Query::with), the browse builders and
/// [`Record::fetch`](crate::Record::fetch).
///
/// `M` is the model the relation starts from, `R` the field's type
/// ([`Ref`](crate::Ref), `Option<Ref>`, [`Refs`](crate::Refs)).
pub struct With<M, R> {
    nested: Nested,
    _types: PhantomData<fn() -> (M, R)>,
}

impl<M, R> Clone for With<M, R> {
    fn clone(&self) -> Self {
        With {
            nested: self.nested.clone(),
            _types: PhantomData,
        }
    }
}

impl<M, R> fmt::Debug for With<M, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.nested, f)
    }
}

impl<M: Model, R: Relation> With<M, R> {
    /// Load this relation of the targets too: nests to any depth.
    pub fn with(mut self, relation: impl Follow<R::Target>) -> Self {
        self.nested.add_child(relation.into_nested());
        self
    }
}

impl<M: Model, R: Relation, A> Field<M, R, A> {
    /// This relation, loaded with its records, and `relation` of its
    /// targets loaded with them: `SaleOrder::ORDER_LINE.with(SaleOrderLine::PRODUCT_ID)`.
    pub fn with(self, relation: impl Follow<R::Target>) -> With<M, R> {
        let mut nested = Nested::new::<R::Target>(self.name());
        nested.add_child(relation.into_nested());
        With {
            nested,
            _types: PhantomData,
        }
    }
}

/// A relation field of `M` that can be followed and loaded: a relation
/// field constant ([`Field`] of a [`Ref`](crate::Ref), `Option<Ref>` or
/// [`Refs`](crate::Refs)) or a [`With`] built from one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation of `{M}` that can be loaded",
    label = "expected a relation field constant of `{M}` (a Ref, Option<Ref> or Refs field) or `FIELD.with(..)`"
)]
pub trait Follow<M: Model> {
    /// The field's type: what `fetch` returns depends on it.
    type Relation: Relation;
    /// The relation as a node of the tree to load.
    #[doc(hidden)]
    fn into_nested(self) -> Nested;
}

impl<M: Model, R: Relation, A> Follow<M> for Field<M, R, A> {
    type Relation = R;
    fn into_nested(self) -> Nested {
        Nested::new::<R::Target>(self.name())
    }
}

impl<M: Model, R: Relation> Follow<M> for With<M, R> {
    type Relation = R;
    fn into_nested(self) -> Nested {
        self.nested
    }
}

/// One node of the tree: a relation field and what to load of its targets.
/// Opaque: build it with [`Field::with`].
#[doc(hidden)]
#[derive(Clone)]
pub struct Nested {
    node: Arc<dyn Node>,
}

impl fmt::Debug for Nested {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.node.field())?;
        let children = self.node.children();
        if !children.is_empty() {
            f.debug_list().entries(children.iter()).finish()?;
        }
        Ok(())
    }
}

impl Nested {
    fn new<T: Model>(field: &'static str) -> Nested {
        Nested {
            node: Arc::new(NodeOf::<T> {
                field,
                children: Vec::new(),
                _target: PhantomData,
            }),
        }
    }

    fn add_child(&mut self, child: Nested) {
        // Nodes are built by value before any query shares them: the Arc
        // is unique here, except after a clone of the builder, when the
        // node is copied.
        match Arc::get_mut(&mut self.node) {
            Some(node) => node.push_child(child),
            None => {
                let mut node = self.node.duplicate();
                node.push_child(child);
                self.node = Arc::from(node);
            }
        }
    }

    /// The relation field's name.
    pub(crate) fn field(&self) -> &'static str {
        self.node.field()
    }

    /// What to load of the targets.
    pub(crate) fn children(&self) -> &[Nested] {
        self.node.children()
    }
}

/// A node, with its target model's type erased.
trait Node: Send + Sync {
    fn field(&self) -> &'static str;
    fn target(&self) -> TypeId;
    fn children(&self) -> &[Nested];
    fn push_child(&mut self, child: Nested);
    fn duplicate(&self) -> Box<dyn Node>;
    /// The `{"fields": ...}` of this node in a specification; a many2one
    /// also asks for the target's display name (the `Ref`'s name).
    fn spec<'a>(
        &'a self,
        session: &'a Session,
        many2one: bool,
    ) -> BoxFuture<'a, Result<Value, Error>>;
    /// An empty sink for the targets decoded under this node.
    fn sink(&self) -> Box<dyn Any>;
    /// Make the decoded targets the prefetch of `parent` (recursively).
    fn attach(&self, sink: Box<dyn Any>, children: Level, parent: &Prefetch);
    /// Odoo 16: read the targets of `parent`'s records (one `read`), then
    /// their own nodes, level by level.
    fn load_by_reads<'a>(
        &'a self,
        session: &'a Session,
        parent: &'a Prefetch,
    ) -> BoxFuture<'a, Result<(), Error>>;
}

struct NodeOf<T> {
    field: &'static str,
    children: Vec<Nested>,
    _target: PhantomData<fn() -> T>,
}

impl<T: Model> Node for NodeOf<T> {
    fn field(&self) -> &'static str {
        self.field
    }
    fn target(&self) -> TypeId {
        TypeId::of::<T>()
    }
    fn children(&self) -> &[Nested] {
        &self.children
    }
    fn push_child(&mut self, child: Nested) {
        self.children.push(child);
    }
    fn duplicate(&self) -> Box<dyn Node> {
        Box::new(NodeOf::<T> {
            field: self.field,
            children: self.children.clone(),
            _target: PhantomData,
        })
    }
    fn spec<'a>(
        &'a self,
        session: &'a Session,
        many2one: bool,
    ) -> BoxFuture<'a, Result<Value, Error>> {
        Box::pin(async move {
            let mut fields = specification::<T>(session, &self.children).await?;
            if many2one && !fields.contains_key("display_name") {
                fields.insert("display_name".into(), json!({}));
            }
            Ok(json!({ "fields": fields }))
        })
    }
    fn sink(&self) -> Box<dyn Any> {
        Box::new(Vec::<Row<T>>::new())
    }
    fn attach(&self, sink: Box<dyn Any>, children: Level, parent: &Prefetch) {
        let rows = sink
            .downcast::<Vec<Row<T>>>()
            .map(|b| *b)
            .unwrap_or_default();
        let group = Prefetch::for_rows(&rows);
        children.attach(&group);
        parent.insert_targets(self.field, rows, &group);
    }
    fn load_by_reads<'a>(
        &'a self,
        session: &'a Session,
        parent: &'a Prefetch,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let ids = parent.relation(self.field).to_vec();
            let rows = read_rows::<T>(session, &ids).await?;
            let group = Prefetch::for_rows(&rows);
            for child in &self.children {
                child.node.load_by_reads(session, &group).await?;
            }
            parent.insert_targets(self.field, rows, &group);
            Ok(())
        })
    }
}

/// The `specification` of a read of `T`: the struct's fields the user may
/// read; a many2one not in the tree asks for its display name (as `read`
/// sends `[id, name]`), a node of the tree for its target's own fields.
pub(crate) async fn specification<T: Model>(
    session: &Session,
    nodes: &[Nested],
) -> Result<Map, Error> {
    let names = crate::field_access::fields_to_read::<T>(session).await?;
    let readable = crate::field_access::readable_fields(session, T::MODEL).await?;
    let mut spec = Map::with_capacity(names.len());
    for name in names {
        let many2one = readable.field_type(name) == Some("many2one");
        let value = match nodes.iter().find(|n| n.field() == name) {
            Some(node) => node.node.spec(session, many2one).await?,
            None if many2one => json!({"fields": {"display_name": {}}}),
            None => json!({}),
        };
        spec.insert(name.to_owned(), value);
    }
    Ok(spec)
}

/// Whether this session's server reads nested specifications (Odoo 17+)
/// and told the field types of `T` (to ask many2ones for their names).
pub(crate) async fn use_specification<T: Model>(session: &Session) -> Result<bool, Error> {
    if !session
        .capabilities()
        .is_some_and(|c| c.read_specification())
    {
        return Ok(false);
    }
    let readable = crate::field_access::readable_fields(session, T::MODEL).await?;
    Ok(readable.knows_types())
}

/// The sinks of one level of the tree, for one decode.
pub(crate) struct Level {
    slots: Vec<SlotOf>,
}

struct SlotOf {
    nested: Nested,
    sink: Box<dyn Any>,
    children: Level,
}

impl Level {
    /// Empty sinks for these nodes and their descendants.
    pub(crate) fn new(nodes: &[Nested]) -> Level {
        Level {
            slots: nodes
                .iter()
                .map(|n| SlotOf {
                    nested: n.clone(),
                    sink: n.node.sink(),
                    children: Level::new(n.children()),
                })
                .collect(),
        }
    }

    /// Make each node's decoded targets the prefetch of `prefetch`.
    pub(crate) fn attach(self, prefetch: &Prefetch) {
        for slot in self.slots {
            slot.nested.node.attach(slot.sink, slot.children, prefetch);
        }
    }

    fn at(&mut self, path: &[usize]) -> &mut Level {
        match path.split_first() {
            Some((first, rest)) => self.slots[*first].children.at(rest),
            None => self,
        }
    }
}

/// Odoo 16 (or unknown field types): load `nodes` of the records sharing
/// `prefetch` with one `read` per node, level by level.
pub(crate) async fn load_by_reads(
    session: &Session,
    nodes: &[Nested],
    prefetch: &Prefetch,
) -> Result<(), Error> {
    for node in nodes {
        node.node.load_by_reads(session, prefetch).await?;
    }
    Ok(())
}

struct Capture {
    root: Level,
    /// The slots from the root to the level being decoded.
    path: Vec<usize>,
}

thread_local! {
    static CAPTURE: RefCell<Option<Capture>> = const { RefCell::new(None) };
    static FIELD: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Run `decode` with `level`'s sinks open; returns what it returned and
/// the filled sinks. Decoding is synchronous: the capture never spans an
/// `.await`.
pub(crate) fn capturing<R>(level: Level, decode: impl FnOnce() -> R) -> (R, Level) {
    /// Puts the outer capture (normally none) back, also on a panic.
    struct Outer(Option<Option<Capture>>);
    impl Drop for Outer {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                CAPTURE.with(|c| *c.borrow_mut() = outer);
            }
        }
    }
    let outer = CAPTURE.with(|c| {
        c.borrow_mut().replace(Capture {
            root: level,
            path: Vec::new(),
        })
    });
    let mut outer = Outer(Some(outer));
    let result = decode();
    let back = outer.0.take().flatten();
    let mine = CAPTURE.with(|c| std::mem::replace(&mut *c.borrow_mut(), back));
    let level = mine.map_or(Level { slots: Vec::new() }, |c| c.root);
    (result, level)
}

/// Act on the current capture, if one is open.
fn with_capture(f: impl FnOnce(&mut Capture)) {
    CAPTURE.with(|c| {
        if let Some(capture) = c.borrow_mut().as_mut() {
            f(capture);
        }
    });
}

/// Decode one field's value, marking which field it is when it is a
/// relation ([`FieldValue::RELATION`](crate::FieldValue::RELATION)): the
/// generated row decoders call this for every field.
#[doc(hidden)]
pub fn relation_field<'de, D, T>(
    name: &'static str,
    relation: bool,
    deserializer: D,
) -> Result<Slot<T>, D::Error>
where
    D: Deserializer<'de>,
    T: de::Deserialize<'de>,
{
    if !relation {
        return de::Deserialize::deserialize(deserializer);
    }
    let outer = FIELD.replace(Some(name));
    let result = de::Deserialize::deserialize(deserializer);
    FIELD.set(outer);
    result
}

/// The slot of the node for the relation field being decoded, if the
/// capture has one for it with target `T`.
fn node_for<T: 'static>() -> Option<usize> {
    let field = FIELD.get()?;
    CAPTURE.with(|c| {
        let mut c = c.borrow_mut();
        let Capture { root, path } = c.as_mut()?;
        root.at(path)
            .slots
            .iter()
            .position(|s| s.nested.field() == field && s.nested.node.target() == TypeId::of::<T>())
    })
}

/// Decode one nested target of `T` from `map` into the capture's slot
/// `slot` of the current level; returns its id and display name.
fn capture_row<'de, T: Model, A: MapAccess<'de>>(
    slot: usize,
    map: A,
) -> Result<(i64, String), A::Error> {
    with_capture(|c| c.path.push(slot));
    let outer_field = FIELD.replace(None);
    let mut tap = DisplayNameTap {
        map,
        display_name: None,
        id: None,
        other_keys: 0,
        tapping: Tapping::Nothing,
    };
    let decoded = T::deserialize_row(de::value::MapAccessDeserializer::new(&mut tap));
    FIELD.set(outer_field);
    with_capture(|c| {
        c.path.pop();
    });
    // A target the user may not read: Odoo 19 sends only its id (and
    // display name) where the fields were asked. It stays unloaded, so a
    // `fetch` of it reads it and meets Odoo's own AccessError, as the
    // `fetch` loop would.
    let withheld = tap.other_keys == 0
        && T::FIELDS
            .iter()
            .any(|f| f.name != "display_name" && f.name != "id");
    if let (true, Some(id)) = (withheld, tap.id) {
        return Ok((id, tap.display_name.unwrap_or_default()));
    }
    let (id, value) = decoded?;
    let mut row = Some(Row(id, value));
    with_capture(|c| {
        let Capture { root, path } = c;
        let sink = root
            .at(path)
            .slots
            .get_mut(slot)
            .and_then(|s| s.sink.downcast_mut::<Vec<Row<T>>>());
        if let (Some(sink), Some(row)) = (sink, row.take()) {
            sink.push(row);
        }
    });
    Ok((id, tap.display_name.unwrap_or_default()))
}

/// Passes a row's keys and values through, keeping a copy of its
/// `display_name` for the [`Ref`](crate::Ref) that points at it, and of its
/// `id`, and counting the other keys (none: a target sent withheld).
struct DisplayNameTap<A> {
    map: A,
    display_name: Option<String>,
    id: Option<i64>,
    other_keys: usize,
    tapping: Tapping,
}

/// Which key's value the tap is about to pass on.
#[derive(Clone, Copy)]
enum Tapping {
    Nothing,
    Id,
    DisplayName,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for DisplayNameTap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key::<Key<'de>>()? else {
            return Ok(None);
        };
        self.tapping = match key.0.as_ref() {
            "id" => Tapping::Id,
            "display_name" => Tapping::DisplayName,
            _ => {
                self.other_keys += 1;
                Tapping::Nothing
            }
        };
        match key.0 {
            Cow::Borrowed(k) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(k))
                .map(Some),
            Cow::Owned(k) => seed.deserialize(k.into_deserializer()).map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match std::mem::replace(&mut self.tapping, Tapping::Nothing) {
            Tapping::Nothing => return self.map.next_value_seed(seed),
            Tapping::Id => {
                let id: i64 = self.map.next_value()?;
                self.id = Some(id);
                return seed.deserialize(id.into_deserializer());
            }
            Tapping::DisplayName => {}
        }
        let name: NameOrFalse = self.map.next_value()?;
        let value = if name.0.is_empty() {
            seed.deserialize(false.into_deserializer())
        } else {
            seed.deserialize(name.0.as_str().into_deserializer())
        };
        self.display_name = Some(name.0);
        value
    }
}

/// A key, borrowed from the reply when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// A many2one's value: `[id, name]` (`read`), an id, or an object
/// (`web_read`): a target row when the field is a node of the tree being
/// loaded, else `{id, display_name}`.
pub(crate) struct RefVisitor<T>(pub(crate) PhantomData<fn() -> T>);

impl<'de, T: Model> Visitor<'de> for RefVisitor<T> {
    type Value = (i64, String);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a many2one [id, \"display name\"]")
    }

    fn visit_i64<E: de::Error>(self, id: i64) -> Result<(i64, String), E> {
        Ok((id, String::new()))
    }

    fn visit_u64<E: de::Error>(self, id: u64) -> Result<(i64, String), E> {
        i64::try_from(id)
            .map(|id| (id, String::new()))
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(id), &self))
    }

    fn visit_seq<S: de::SeqAccess<'de>>(self, seq: S) -> Result<(i64, String), S::Error> {
        let m = de::Visitor::visit_seq(crate::value::many2one::Many2oneVisitor, seq)?;
        Ok((m.id, m.name))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(i64, String), A::Error> {
        match node_for::<T>() {
            Some(slot) => capture_row::<T, A>(slot, map),
            None => {
                let m = de::Visitor::visit_map(crate::value::many2one::Many2oneVisitor, map)?;
                Ok((m.id, m.name))
            }
        }
    }
}

/// One element of an x2many's value: an id, or an object (`web_read`) that
/// is a target row when the field is a node of the tree.
pub(crate) struct RefsElement<T>(pub(crate) Option<usize>, pub(crate) PhantomData<fn() -> T>);

impl<'de, T: Model> DeserializeSeed<'de> for RefsElement<T> {
    type Value = i64;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Model> Visitor<'de> for RefsElement<T> {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record id")
    }

    fn visit_i64<E: de::Error>(self, id: i64) -> Result<i64, E> {
        Ok(id)
    }

    fn visit_u64<E: de::Error>(self, id: u64) -> Result<i64, E> {
        i64::try_from(id).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(id), &self))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<i64, A::Error> {
        match self.0 {
            Some(slot) => capture_row::<T, A>(slot, map).map(|(id, _)| id),
            // `{id, ...}`, read as a many2one's object is.
            None => {
                de::Visitor::visit_map(crate::value::many2one::Many2oneVisitor, map).map(|m| m.id)
            }
        }
    }
}

/// The slot for an x2many field of target `T` being decoded, looked up once
/// per list.
pub(crate) fn refs_slot<T: 'static>() -> Option<usize> {
    node_for::<T>()
}
