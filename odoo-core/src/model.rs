//! The [`Model`] trait that `#[derive(Model)]` implements, the values a
//! model's fields may hold ([`FieldValue`]) and the typed field constants
//! ([`Field`]) that build domains and orders.
//!
//! # Typed relations
//!
//! [`Many2one`](crate::Many2one) and `Vec<i64>` stay untyped: a struct may use
//! them for a relation it never follows. A field that should be followed
//! with [`Record::fetch`](crate::Record::fetch) names its target instead:
//! [`Ref<M>`] for a many2one (`Option<Ref<M>>` when it may be empty) and
//! [`Refs<M>`] for a one2many or many2many. They read and write exactly as
//! their untyped counterparts; the target type rides in the field constant
//! (`SaleOrder::PARTNER_ID: Field<SaleOrder, Ref<ResPartner>>`), so `fetch`
//! knows what it returns.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::domain::{Domain, Operator};
use crate::error::{ConfigError, Error};
use crate::value::{Binary, Date, DateTime, Many2one, Map};

/// One field of a [`Model`] struct, as the derive describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// The field's name in Odoo (`partner_id`).
    pub name: &'static str,
    /// The Rust field's name.
    pub rust_name: &'static str,
    /// The Rust field's type, as written in the struct (for messages).
    pub rust_type: &'static str,
    /// Never written by `save` (computed or related fields, `create_date`, ...).
    pub readonly: bool,
    /// A relation that [`Record::fetch`](crate::Record::fetch) can follow
    /// ([`Ref`], [`Refs`]).
    pub relation: bool,
    /// An `Option` field: when the session's user may not read it, the
    /// field is left out of the read and holds `None`. A field that is not
    /// optional and not readable fails the read before anything is sent
    /// ([`Error::UnreadableField`](crate::Error::UnreadableField)).
    pub optional: bool,
}

/// A Rust struct that mirrors some fields of one Odoo model.
///
/// Implement it with `#[derive(odoo::Model)]`; the methods marked hidden are
/// the derive's business and may change in any release.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an Odoo model",
    label = "add `#[derive(odoo::Model)]` and `#[odoo(model = \"...\")]` to `{Self}`"
)]
pub trait Model: Clone + Send + Sync + Sized + 'static {
    /// The model's technical name, e.g. `sale.order`.
    const MODEL: &'static str;
    /// The fields the struct reads (never `id`: a [`Record`](crate::Record)
    /// holds it).
    const FIELDS: &'static [FieldDef];

    /// Decode one row (an object with `id` and the fields) into its id and
    /// the value.
    #[doc(hidden)]
    fn deserialize_row<'de, D: Deserializer<'de>>(deserializer: D)
    -> Result<(i64, Self), D::Error>;

    /// The writable fields whose value differs from `original`, encoded for
    /// `write`.
    #[doc(hidden)]
    fn changed_fields(&self, original: &Self) -> Result<Map, Error>;

    /// Append the ids the relation field `field` holds.
    #[doc(hidden)]
    fn relation_ids(&self, field: &str, out: &mut Vec<i64>);

    /// The Odoo names of the fields to read.
    fn field_names() -> Vec<&'static str> {
        Self::FIELDS.iter().map(|f| f.name).collect()
    }
}

/// A type that can hold the value of an Odoo field in a [`Model`] struct.
///
/// Implemented for `String`, `bool`, `i64`, `i32`, `f64`, [`Date`],
/// [`DateTime`], [`Binary`], [`Many2one`], `Vec<i64>`, [`Ref`], [`Refs`],
/// [`Value`], selection enums (`#[derive(odoo::Selection)]`) and `Option`
/// of each.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold an Odoo field value",
    label = "not an Odoo field type",
    note = "use String, bool, i64, f64, odoo::Date, odoo::DateTime, odoo::Binary, odoo::Many2one, odoo::Ref<M>, odoo::Refs<M>, Vec<i64>, a #[derive(odoo::Selection)] enum, or an Option of one"
)]
pub trait FieldValue:
    Serialize + for<'de> Deserialize<'de> + Clone + PartialEq + Send + Sync + 'static
{
    /// What a domain compares this field with: the value itself for scalars,
    /// an id for relations.
    type Compare: Serialize;
    /// True for [`Ref`], [`Refs`] and their `Option`s.
    const RELATION: bool = false;
    /// True for `Option<T>`: a field the user may not read, or that a row
    /// does not carry, is `None`.
    const OPTIONAL: bool = false;
    /// Append the ids of the records this value points to.
    #[doc(hidden)]
    fn push_ids(&self, _out: &mut Vec<i64>) {}
    /// The value of a field the row does not carry (not readable by the
    /// user): `Some(None)` for an `Option`, `None` (an error) otherwise.
    #[doc(hidden)]
    fn unread() -> Option<Self> {
        None
    }
}

/// One field of a row being decoded: absent until the row carries it.
/// Generated code only.
#[doc(hidden)]
pub struct Slot<T>(Option<T>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Slot<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(|v| Slot(Some(v)))
    }
}

impl<T> Slot<T> {
    /// The field's value: what the row carried, else `unread()` (`None` for
    /// an absent `Option` field), else serde's "missing field" error.
    pub fn take<E: serde::de::Error>(
        self,
        field: &'static str,
        unread: fn() -> Option<T>,
    ) -> Result<T, E> {
        match self.0 {
            Some(value) => Ok(value),
            None => unread().ok_or_else(|| E::missing_field(field)),
        }
    }
}

macro_rules! scalar_field_values {
    ($($ty:ty),*) => {
        $(impl FieldValue for $ty { type Compare = $ty; })*
    };
}
scalar_field_values!(String, bool, i64, i32, f64, Date, DateTime, Value);

// An exact amount: read from Odoo's JSON number through its shortest text
// (2250.1 is 2250.1, not 2250.09999...), written as text, which Odoo's
// float and monetary fields convert exactly.
#[cfg(feature = "rust_decimal")]
scalar_field_values!(rust_decimal::Decimal);

impl FieldValue for Binary {
    type Compare = Binary;
}

impl FieldValue for Many2one {
    type Compare = i64;
}

impl FieldValue for Vec<i64> {
    type Compare = i64;
}

impl<T: FieldValue> FieldValue for Option<T> {
    type Compare = T::Compare;
    const RELATION: bool = T::RELATION;
    const OPTIONAL: bool = true;
    fn unread() -> Option<Self> {
        Some(None)
    }
    fn push_ids(&self, out: &mut Vec<i64>) {
        if let Some(v) = self {
            v.push_ids(out);
        }
    }
}

/// Encode a field value for `create` / `write`: `None` is sent as Odoo's
/// `false`.
#[doc(hidden)]
pub fn to_wire<T: Serialize>(model: &str, field: &str, value: &T) -> Result<Value, Error> {
    match serde_json::to_value(value) {
        Ok(Value::Null) => Ok(Value::Bool(false)),
        Ok(v) => Ok(v),
        Err(e) => Err(Error::from(ConfigError::new(format!(
            "{model}.{field}: the value cannot be serialised: {e}"
        )))),
    }
}

/// A many2one that knows its target model: `partner_id: Ref<ResPartner>`.
///
/// Reads as `[id, "display name"]`, writes as the id, like
/// [`Many2one`]; [`Record::fetch`](crate::Record::fetch) follows it.
pub struct Ref<M> {
    /// The id of the target record.
    pub id: i64,
    /// The target's display name, as the server computed it for the reader
    /// (empty for a reference built from an id).
    pub name: String,
    _target: PhantomData<fn() -> M>,
}

impl<M> Ref<M> {
    /// A reference to the record `id`, e.g. to write it.
    pub fn new(id: i64) -> Self {
        Ref {
            id,
            name: String::new(),
            _target: PhantomData,
        }
    }

    /// The untyped many2one.
    pub fn to_many2one(&self) -> Many2one {
        Many2one {
            id: self.id,
            name: self.name.clone(),
        }
    }
}

impl<M> Clone for Ref<M> {
    fn clone(&self) -> Self {
        Ref {
            id: self.id,
            name: self.name.clone(),
            _target: PhantomData,
        }
    }
}

/// Two references are equal when they point to the same record.
impl<M> PartialEq for Ref<M> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<M> Eq for Ref<M> {}

impl<M> fmt::Debug for Ref<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ref")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish()
    }
}

impl<M> From<i64> for Ref<M> {
    fn from(id: i64) -> Self {
        Ref::new(id)
    }
}

impl<M> From<Many2one> for Ref<M> {
    fn from(m: Many2one) -> Self {
        Ref {
            id: m.id,
            name: m.name,
            _target: PhantomData,
        }
    }
}

impl<M> Serialize for Ref<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.id)
    }
}

/// `[id, name]` as `read` sends it, or an object as `web_read` does (the
/// target's row when it is being loaded with
/// [`Query::with`](crate::Query::with)).
impl<'de, M: Model> Deserialize<'de> for Ref<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (id, name) =
            deserializer.deserialize_any(crate::nested::RefVisitor::<M>(PhantomData))?;
        Ok(Ref {
            id,
            name,
            _target: PhantomData,
        })
    }
}

impl<M: Model> FieldValue for Ref<M> {
    type Compare = i64;
    const RELATION: bool = true;
    fn push_ids(&self, out: &mut Vec<i64>) {
        out.push(self.id);
    }
}

/// A one2many or many2many that knows its target model:
/// `order_line: Refs<SaleOrderLine>`.
///
/// Reads as the list of ids; [`Record::fetch`](crate::Record::fetch) reads
/// the targets. Change it with typed commands
/// ([`X2Command`](crate::X2Command)).
pub struct Refs<M> {
    /// The ids of the linked records, in the server's order.
    pub ids: Vec<i64>,
    _target: PhantomData<fn() -> M>,
}

impl<M> Refs<M> {
    /// A list of ids.
    pub fn new(ids: impl IntoIterator<Item = i64>) -> Self {
        Refs {
            ids: ids.into_iter().collect(),
            _target: PhantomData,
        }
    }
    /// How many records are linked.
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    /// True when no record is linked.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

impl<M> Clone for Refs<M> {
    fn clone(&self) -> Self {
        Refs::new(self.ids.iter().copied())
    }
}

impl<M> PartialEq for Refs<M> {
    fn eq(&self, other: &Self) -> bool {
        self.ids == other.ids
    }
}

impl<M> Eq for Refs<M> {}

impl<M> Default for Refs<M> {
    fn default() -> Self {
        Refs::new([])
    }
}

impl<M> fmt::Debug for Refs<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Refs").field(&self.ids).finish()
    }
}

/// Written back as `[(6, 0, ids)]`: replace the links by exactly these.
impl<M> Serialize for Refs<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        [crate::value::Command::Set(self.ids.clone())].serialize(serializer)
    }
}

/// A list of ids as `read` sends it, or of objects as `web_read` does (the
/// targets' rows when they are being loaded with
/// [`Query::with`](crate::Query::with)).
impl<'de, M: Model> Deserialize<'de> for Refs<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Ids<M>(PhantomData<fn() -> M>);
        impl<'de, M: Model> serde::de::Visitor<'de> for Ids<M> {
            type Value = Vec<i64>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of record ids")
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(
                self,
                mut seq: S,
            ) -> Result<Vec<i64>, S::Error> {
                let slot = crate::nested::refs_slot::<M>();
                let mut ids = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(id) =
                    seq.next_element_seed(crate::nested::RefsElement::<M>(slot, PhantomData))?
                {
                    ids.push(id);
                }
                Ok(ids)
            }
        }
        deserializer
            .deserialize_seq(Ids::<M>(PhantomData))
            .map(Refs::new)
    }
}

impl<M: Model> FieldValue for Refs<M> {
    type Compare = i64;
    const RELATION: bool = true;
    fn push_ids(&self, out: &mut Vec<i64>) {
        out.extend_from_slice(&self.ids);
    }
}

/// Marker: a field that `save` writes and [`New`](crate::New) can set.
#[derive(Debug, Clone, Copy)]
pub enum Writable {}

/// Marker: a field declared `#[odoo(readonly)]`: read, compared, never
/// written.
#[derive(Debug, Clone, Copy)]
pub enum ReadOnly {}

/// A typed field of model `M` holding a `T`: the constants
/// `#[derive(Model)]` generates (`SaleOrder::AMOUNT_TOTAL`).
///
/// Its comparisons accept only the field's type: `AMOUNT_TOTAL.gt(100.0)`
/// builds a domain, `AMOUNT_TOTAL.gt("x")` does not compile. `A` is
/// [`Writable`] or [`ReadOnly`].
pub struct Field<M, T, A = Writable> {
    name: &'static str,
    _types: PhantomData<Types<M, T, A>>,
}

/// The type parameters of a [`Field`], held without owning any of them.
type Types<M, T, A> = fn() -> (M, T, A);

impl<M, T, A> Field<M, T, A> {
    /// The field called `name` in Odoo. Generated code calls this.
    pub const fn new(name: &'static str) -> Self {
        Field {
            name,
            _types: PhantomData,
        }
    }

    /// The field's name in Odoo.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Sort by this field, ascending.
    pub fn asc(self) -> Order {
        Order(format!("{} asc", self.name))
    }

    /// Sort by this field, descending.
    pub fn desc(self) -> Order {
        Order(format!("{} desc", self.name))
    }
}

impl<M, T, A> Clone for Field<M, T, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T, A> Copy for Field<M, T, A> {}

impl<M, T, A> fmt::Debug for Field<M, T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({})", self.name)
    }
}

fn operand<C: Serialize>(value: &C) -> Value {
    // Field operands are plain data (numbers, strings, ids, dates): they
    // always serialise.
    serde_json::to_value(value).unwrap_or(Value::Bool(false))
}

impl<M, T: FieldValue, A> Field<M, T, A> {
    fn leaf(self, operator: Operator, value: impl Into<T::Compare>) -> Domain {
        Domain::leaf(self.name, operator, operand(&value.into()))
    }

    /// `=`: for a relation, the target's id; for a one2many or many2many,
    /// "contains".
    pub fn eq(self, value: impl Into<T::Compare>) -> Domain {
        self.leaf(Operator::Eq, value)
    }
    /// `!=`
    pub fn ne(self, value: impl Into<T::Compare>) -> Domain {
        self.leaf(Operator::Ne, value)
    }
    /// `>`
    pub fn gt(self, value: impl Into<T::Compare>) -> Domain {
        self.leaf(Operator::Gt, value)
    }
    /// `>=`
    pub fn ge(self, value: impl Into<T::Compare>) -> Domain {
        self.leaf(Operator::Ge, value)
    }
    /// `<`
    pub fn lt(self, value: impl Into<T::Compare>) -> Domain {
        self.leaf(Operator::Lt, value)
    }
    /// `<=`
    pub fn le(self, value: impl Into<T::Compare>) -> Domain {
        self.leaf(Operator::Le, value)
    }
    /// `in`: one of these values.
    pub fn is_in<V: Into<T::Compare>>(self, values: impl IntoIterator<Item = V>) -> Domain {
        let list = values.into_iter().map(|v| operand(&v.into())).collect();
        Domain::leaf(self.name, Operator::In, Value::Array(list))
    }
    /// `not in`: none of these values.
    pub fn not_in<V: Into<T::Compare>>(self, values: impl IntoIterator<Item = V>) -> Domain {
        let list = values.into_iter().map(|v| operand(&v.into())).collect();
        Domain::leaf(self.name, Operator::NotIn, Value::Array(list))
    }
    /// `= False`: the field is empty.
    pub fn is_unset(self) -> Domain {
        Domain::leaf(self.name, Operator::Eq, false)
    }
    /// `!= False`: the field is set.
    pub fn is_set(self) -> Domain {
        Domain::leaf(self.name, Operator::Ne, false)
    }
}

impl<M, A> Field<M, String, A> {
    /// `ilike`: contains the text, case-insensitive.
    pub fn ilike(self, text: impl Into<String>) -> Domain {
        Domain::leaf(self.name, Operator::Ilike, text.into())
    }
    /// `like`: contains the text, case-sensitive.
    pub fn like(self, text: impl Into<String>) -> Domain {
        Domain::leaf(self.name, Operator::Like, text.into())
    }
}

impl<M, A> Field<M, Option<String>, A> {
    /// `ilike`: contains the text, case-insensitive.
    pub fn ilike(self, text: impl Into<String>) -> Domain {
        Domain::leaf(self.name, Operator::Ilike, text.into())
    }
    /// `like`: contains the text, case-sensitive.
    pub fn like(self, text: impl Into<String>) -> Domain {
        Domain::leaf(self.name, Operator::Like, text.into())
    }
}

impl<M, T: crate::record::Relation, A> Field<M, T, A> {
    /// `any`: some related record matches `domain` (build it with the
    /// target's own field constants).
    pub fn any(self, domain: Domain) -> Domain {
        Domain::leaf(self.name, Operator::Any, domain.to_value())
    }
}

/// A sort order for [`Query::order_by`](crate::Query::order_by):
/// `SaleOrder::DATE_ORDER.desc()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order(String);

impl Order {
    /// Odoo's spelling: `date_order desc`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The pieces of a selection enum, for `#[derive(odoo::Selection)]`.
///
/// A selection field is a key string on the wire; the enum has one unit
/// variant per known key and an `Unknown(String)` variant for any other, so
/// that a value added on the server later does not break old code.
pub trait Selection: Sized {
    /// The variant for a key (`Unknown(key)` for a key the enum does not
    /// list).
    fn from_key(key: &str) -> Self;
    /// The key Odoo uses for this value.
    fn key(&self) -> &str;
    /// Every known key, in declaration order.
    const KEYS: &'static [&'static str];
}

/// Deserialize a [`Selection`] from its key. Generated code calls this.
#[doc(hidden)]
pub fn deserialize_selection<'de, S: Selection, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<S, D::Error> {
    let key = String::deserialize(deserializer)?;
    Ok(S::from_key(&key))
}
