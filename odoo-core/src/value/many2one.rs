use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The value of a many2one field: the target's id and its display name.
///
/// Odoo reads it as `[id, "display name"]`; it is written back as the bare
/// id. A bare id (as `web_read` sends with an empty specification) and an
/// object with `id` and `display_name` also decode, with an empty name for
/// the bare id. An empty many2one is `false`: use `Option<Many2one>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Many2one {
    /// The id of the target record.
    pub id: i64,
    /// The target's display name, as the server computed it for the reader.
    pub name: String,
}

impl Many2one {
    /// A reference to a record by id, e.g. to write it.
    pub fn new(id: i64) -> Self {
        Many2one {
            id,
            name: String::new(),
        }
    }
}

impl From<i64> for Many2one {
    fn from(id: i64) -> Self {
        Many2one::new(id)
    }
}

impl fmt::Display for Many2one {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            write!(f, "#{}", self.id)
        } else {
            write!(f, "{} (#{})", self.name, self.id)
        }
    }
}

impl Serialize for Many2one {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.id)
    }
}

impl<'de> Deserialize<'de> for Many2one {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Many2oneVisitor)
    }
}

pub(crate) struct Many2oneVisitor;

impl<'de> Visitor<'de> for Many2oneVisitor {
    type Value = Many2one;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a many2one [id, \"display name\"]")
    }

    fn visit_i64<E: de::Error>(self, id: i64) -> Result<Many2one, E> {
        Ok(Many2one::new(id))
    }

    fn visit_u64<E: de::Error>(self, id: u64) -> Result<Many2one, E> {
        i64::try_from(id)
            .map(Many2one::new)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(id), &self))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many2one, A::Error> {
        let id: i64 = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        // The name is a string, or `false` when the target has none.
        let name: NameOrFalse = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(3, &self));
        }
        Ok(Many2one { id, name: name.0 })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Many2one, A::Error> {
        let mut id = None;
        let mut name = String::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => id = Some(map.next_value::<i64>()?),
                "display_name" => name = map.next_value::<NameOrFalse>()?.0,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        Ok(Many2one { id, name })
    }
}

/// A display name, where `false` (no name) reads as an empty string.
pub(crate) struct NameOrFalse(pub(crate) String);

impl<'de> Deserialize<'de> for NameOrFalse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NameOrFalse;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a display name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NameOrFalse, E> {
                Ok(NameOrFalse(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<NameOrFalse, E> {
                Ok(NameOrFalse(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<NameOrFalse, E> {
                if v {
                    Err(E::invalid_type(de::Unexpected::Bool(true), &self))
                } else {
                    Ok(NameOrFalse(String::new()))
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_pair_bare_id_and_object() {
        let m: Many2one = serde_json::from_value(json!([15, "Azure Interior"])).unwrap();
        assert_eq!(
            m,
            Many2one {
                id: 15,
                name: "Azure Interior".into()
            }
        );
        let m: Many2one = serde_json::from_value(json!(15)).unwrap();
        assert_eq!(m, Many2one::new(15));
        let m: Many2one = serde_json::from_value(json!({"id": 3, "display_name": "Deco"})).unwrap();
        assert_eq!(
            m,
            Many2one {
                id: 3,
                name: "Deco".into()
            }
        );
        let m: Many2one = serde_json::from_value(json!([4, false])).unwrap();
        assert_eq!(m.name, "");
    }

    #[test]
    fn rejects_other_shapes() {
        assert!(serde_json::from_value::<Many2one>(json!("Deco")).is_err());
        assert!(serde_json::from_value::<Many2one>(json!([1])).is_err());
        assert!(serde_json::from_value::<Many2one>(json!([1, "a", 3])).is_err());
        assert!(serde_json::from_value::<Many2one>(json!(false)).is_err());
    }

    #[test]
    fn writes_the_id() {
        assert_eq!(serde_json::to_value(Many2one::new(7)).unwrap(), json!(7));
    }
}
