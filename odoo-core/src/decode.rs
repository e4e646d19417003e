//! Decoding Odoo values into Rust types, with Odoo's rules.
//!
//! Odoo sends `false` for every empty value, whatever the field's type. serde
//! would refuse `false` for an `Option<String>`; the [`OdooDeserializer`]
//! wrapper below lets any serde deserializer read `false` (and `null`) as
//! `None` wherever the Rust type is an `Option`, at any depth, while a
//! non-`Option` field that receives `false` stays an error.
//!
//! Decoding streams straight from the reply's bytes (no intermediate
//! `Value`), which is the fast path. When it fails, the bytes are parsed a
//! second time, slowly, only to say exactly where: the record's id, the
//! field, what the type expected and what arrived.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde_json::Value;

use crate::error::{DecodeError, Error, ProtocolError};

/// Decode a value into `T` with Odoo's rules (`false` is `None`).
///
/// `what` names where the value came from (a model, or `model.method`) for
/// the error message.
///
/// # Errors
///
/// [`Error::Decode`] naming the record id, the field, the expected type and
/// the value that arrived.
///
/// ```
/// use odoo_core::{decode::from_value, Many2one};
/// use serde::Deserialize;
/// use serde_json::json;
///
/// #[derive(Debug, Deserialize)]
/// struct Order { name: String, note: Option<String>, partner_id: Many2one }
///
/// let row = json!({"id": 21, "name": "S00021", "note": false, "partner_id": [15, "Azure Interior"]});
/// let order: Order = from_value(&row, "sale.order").unwrap();
/// assert_eq!(order.note, None);
///
/// let bad = json!({"id": 22, "name": false, "note": false, "partner_id": [10, "Deco Addict"]});
/// let err = from_value::<Order>(&bad, "sale.order").unwrap_err();
/// assert_eq!(err.to_string(), "cannot decode sale.order(22) field \"name\": expected a string, got false");
/// ```
pub fn from_value<T: DeserializeOwned>(value: &Value, what: &str) -> Result<T, Error> {
    match T::deserialize(OdooDeserializer(value)) {
        Ok(v) => Ok(v),
        Err(_) => Err(explain::<T>(value, what)),
    }
}

/// Decode JSON bytes into `T` with Odoo's rules, streaming.
///
/// # Errors
///
/// [`Error::Protocol`] when the bytes are not JSON; [`Error::Decode`] as in
/// [`from_value`].
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let fast = T::deserialize(OdooDeserializer(&mut de)).and_then(|v| de.end().map(|()| v));
    match fast {
        Ok(v) => Ok(v),
        Err(_) => {
            // Slow path, only on failure: find out where and why.
            let value: Value = serde_json::from_slice(bytes).map_err(|e| {
                Error::from(ProtocolError::new(format!("invalid JSON ({e})"), bytes))
            })?;
            Err(explain::<T>(&value, what))
        }
    }
}

/// Decode the result of an XML-RPC response into `T` with Odoo's rules,
/// streaming from the XML.
///
/// # Errors
///
/// [`Error::Protocol`] when the bytes are not a successful XML-RPC response;
/// [`Error::Decode`] as in [`from_value`].
pub fn from_xmlrpc<T: DeserializeOwned>(xml: &[u8], what: &str) -> Result<T, Error> {
    let fast = crate::xmlrpc::deserialize_result_with(xml, |d| T::deserialize(OdooDeserializer(d)));
    match fast {
        Ok(v) => Ok(v),
        // Slow path, only on failure: the whole tree, to say where and why.
        Err(_) => match crate::xmlrpc::decode_response(xml) {
            Ok(crate::xmlrpc::XmlResponse::Success(value)) => from_value(&value.into_value(), what),
            Ok(crate::xmlrpc::XmlResponse::Fault { .. }) => Err(Error::from(ProtocolError::new(
                "an XML-RPC fault where a result was expected",
                xml,
            ))),
            Err(e) => Err(Error::from(ProtocolError::new(
                format!("not an XML-RPC response ({e})"),
                xml,
            ))),
        },
    }
}

/// Build the precise error for a value that `T` refused.
fn explain<T: DeserializeOwned>(value: &Value, what: &str) -> Error {
    let tracked = serde_path_to_error::deserialize::<_, T>(OdooDeserializer(value));
    let (path, message) = match tracked {
        Err(e) => (e.path().clone(), e.into_inner().to_string()),
        // The fast path failed but the tracked one succeeded: cannot happen
        // with a deterministic Deserialize; report what we have.
        Ok(_) => {
            return Error::from(DecodeError::new(
                what,
                None,
                None,
                "a value this type accepts",
                shorten(value),
            ));
        }
    };

    // Walk the path: note the innermost record (an object with an integer
    // `id`) and the field path below it.
    let mut current = Some(value);
    let mut record_id = record_id_of(value);
    let mut field: Vec<String> = Vec::new();
    for segment in path.iter() {
        use serde_path_to_error::Segment;
        let next = match (segment, current) {
            (Segment::Seq { index }, Some(Value::Array(items))) => {
                if !field.is_empty() {
                    field.push(format!("[{index}]"));
                }
                items.get(*index)
            }
            (Segment::Map { key }, Some(Value::Object(map))) => {
                field.push(key.clone());
                map.get(key)
            }
            (Segment::Map { key }, _) => {
                field.push(key.clone());
                None
            }
            _ => None,
        };
        if let Some(next) = next
            && let Some(id) = record_id_of(next)
        {
            record_id = Some(id);
            field.clear();
        }
        current = next;
    }

    let (expected, got) = split_serde_message(&message, current);
    let field = if field.is_empty() {
        None
    } else {
        Some(join_path(&field))
    };
    Error::from(DecodeError::new(what, record_id, field, expected, got))
}

fn record_id_of(value: &Value) -> Option<i64> {
    match value {
        Value::Object(map) => map.get("id").and_then(Value::as_i64),
        _ => None,
    }
}

fn join_path(parts: &[String]) -> String {
    let mut out = String::new();
    for part in parts {
        if !out.is_empty() && !part.starts_with('[') {
            out.push('.');
        }
        out.push_str(part);
    }
    out
}

/// Turn serde's "invalid type: boolean `false`, expected a string" into
/// ("a string", "false"), using the value itself for "got" when known.
fn split_serde_message(message: &str, value: Option<&Value>) -> (String, String) {
    let got = match value {
        Some(v) => shorten(v),
        None => "nothing (the field is absent from the reply)".to_owned(),
    };
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .or_else(|| message.strip_prefix("invalid length "))
        && let Some((_, expected)) = rest.split_once(", expected ")
    {
        return (expected.to_owned(), got);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (
            format!("field {} in the reply", rest.trim_matches('`')),
            "a record without it (is the field in the list of fields read?)".to_owned(),
        );
    }
    (message.to_owned(), got)
}

/// JSON text of a value, cut to a readable length.
fn shorten(value: &Value) -> String {
    const MAX: usize = 120;
    let text = value.to_string();
    if text.chars().count() > MAX {
        let mut cut: String = text.chars().take(MAX).collect();
        cut.push('…');
        cut
    } else {
        text
    }
}

/// A serde `Deserializer` wrapper that reads Odoo's `false` as `None` for
/// `Option` types, at every depth.
///
/// Wrap any deserializer with it: `T::deserialize(OdooDeserializer(&value))`.
pub struct OdooDeserializer<D>(pub D);

macro_rules! forward_wrapped {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(Wrap(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for OdooDeserializer<D> {
    type Error = D::Error;

    forward_wrapped!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
    );

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_any(OptionVisitor(visitor))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_ignored_any(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_struct(name, fields, Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor wrapper that keeps nested deserializers wrapped.
struct Wrap<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_i64(v)
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.0.visit_i128(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_u64(v)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.0.visit_u128(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.0.visit_f64(v)
    }
    fn visit_char<E: de::Error>(self, v: char) -> Result<V::Value, E> {
        self.0.visit_char(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.0.visit_str(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.0.visit_borrowed_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.0.visit_string(v)
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.0.visit_bytes(v)
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.0.visit_borrowed_bytes(v)
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.0.visit_byte_buf(v)
    }
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(OdooDeserializer(d))
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(OdooDeserializer(d))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(WrapSeq(seq))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(WrapMap(map))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(WrapEnum(data))
    }
}

/// The visitor behind `deserialize_option`: `false` and `null` are `None`,
/// anything else is `Some` of the same value.
struct OptionVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for OptionVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        if v {
            self.0.visit_some(de::value::BoolDeserializer::new(true))
        } else {
            self.0.visit_none()
        }
    }
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(OdooDeserializer(d))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_some(de::value::I64Deserializer::new(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_some(de::value::U64Deserializer::new(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.0.visit_some(de::value::F64Deserializer::new(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.0.visit_some(de::value::StrDeserializer::new(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.0
            .visit_some(de::value::BorrowedStrDeserializer::new(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.0.visit_some(de::value::StringDeserializer::new(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.0.visit_some(de::value::BytesDeserializer::new(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0
            .visit_some(de::value::SeqAccessDeserializer::new(WrapSeq(seq)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0
            .visit_some(de::value::MapAccessDeserializer::new(WrapMap(map)))
    }
}

struct WrapSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for WrapSeed<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(OdooDeserializer(d))
    }
}

struct WrapSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for WrapSeq<A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(WrapSeed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct WrapMap<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WrapMap<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(WrapSeed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct WrapEnum<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for WrapEnum<A> {
    type Error = A::Error;
    type Variant = WrapVariant<A::Variant>;
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), A::Error> {
        self.0
            .variant_seed(seed)
            .map(|(value, variant)| (value, WrapVariant(variant)))
    }
}

struct WrapVariant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for WrapVariant<A> {
    type Error = A::Error;
    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(WrapSeed(seed))
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap(visitor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Date, Many2one};
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Line {
        name: String,
        discount: Option<f64>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Order {
        id: i64,
        name: String,
        note: Option<String>,
        partner_id: Many2one,
        commitment_date: Option<Date>,
        tag_ids: Vec<i64>,
        lines: Option<Vec<Line>>,
    }

    fn order_json() -> Value {
        json!({
            "id": 21, "name": "S00021", "note": false, "partner_id": [15, "Azure Interior"],
            "commitment_date": false, "tag_ids": [],
            "lines": [{"name": "a", "discount": false}, {"name": "b", "discount": 10.0}]
        })
    }

    #[test]
    fn false_is_none_at_every_depth() {
        let expected = Order {
            id: 21,
            name: "S00021".into(),
            note: None,
            partner_id: Many2one {
                id: 15,
                name: "Azure Interior".into(),
            },
            commitment_date: None,
            tag_ids: vec![],
            lines: Some(vec![
                Line {
                    name: "a".into(),
                    discount: None,
                },
                Line {
                    name: "b".into(),
                    discount: Some(10.0),
                },
            ]),
        };
        let value = order_json();
        assert_eq!(from_value::<Order>(&value, "sale.order").unwrap(), expected);
        let bytes = serde_json::to_vec(&value).unwrap();
        assert_eq!(from_slice::<Order>(&bytes, "sale.order").unwrap(), expected);
        // null too.
        assert_eq!(
            from_slice::<Option<String>>(b"null", "x").unwrap(),
            None::<String>
        );
        assert_eq!(
            from_slice::<Option<bool>>(b"true", "x").unwrap(),
            Some(true)
        );
    }

    #[test]
    fn required_field_with_false_names_model_record_field_and_value() {
        let mut value = order_json();
        value["name"] = json!(false);
        let bytes = serde_json::to_vec(&json!([value])).unwrap();
        let err = from_slice::<Vec<Order>>(&bytes, "sale.order").unwrap_err();
        let Error::Decode(d) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(d.model(), "sale.order");
        assert_eq!(d.record_id(), Some(21));
        assert_eq!(d.field(), Some("name"));
        assert_eq!(d.expected(), "a string");
        assert_eq!(d.got(), "false");
    }

    #[test]
    fn nested_errors_give_the_path_inside_the_record() {
        let mut value = order_json();
        value["lines"][1]["name"] = json!(42);
        let err = from_value::<Order>(&value, "sale.order").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot decode sale.order(21) field \"lines[1].name\": expected a string, got 42"
        );
    }

    #[test]
    fn wrong_many2one_shape_is_reported() {
        let mut value = order_json();
        value["partner_id"] = json!(false);
        let err = from_value::<Order>(&value, "sale.order").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot decode sale.order(21) field \"partner_id\": expected a many2one [id, \"display name\"], got false"
        );
    }

    #[test]
    fn missing_field_is_reported() {
        let mut value = order_json();
        value.as_object_mut().unwrap().remove("tag_ids");
        let err = from_value::<Order>(&value, "sale.order").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("sale.order(21)"), "{text}");
        assert!(text.contains("tag_ids"), "{text}");
    }

    #[test]
    fn invalid_json_is_a_protocol_error() {
        let err = from_slice::<Vec<Order>>(b"[{\"id\": 1,", "sale.order").unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{err:?}");
    }
}
