use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The content of a binary field (an image, an attachment): base64 text on
/// the wire, bytes here.
///
/// With `bin_size` in the context Odoo sends a size ("12.5 Kb") instead of
/// the content; that does not decode as `Binary` (read it as a `String`).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Binary(pub Vec<u8>);

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("base64 text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Binary, E> {
                // Odoo may wrap long base64 text in lines.
                let compact: String = v.split_ascii_whitespace().collect();
                STANDARD
                    .decode(compact.as_bytes())
                    .map(Binary)
                    .map_err(|_| {
                        let shown: String = v.chars().take(40).collect();
                        E::invalid_value(de::Unexpected::Str(&shown), &self)
                    })
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_base64() {
        let b: Binary = serde_json::from_value(json!("bm90IGFuIGltYWdl")).unwrap();
        assert_eq!(b.0, b"not an image");
        assert_eq!(serde_json::to_value(&b).unwrap(), json!("bm90IGFuIGltYWdl"));
        assert_eq!(format!("{b:?}"), "Binary(12 bytes)");
        assert!(serde_json::from_value::<Binary>(json!("12.5 Kb")).is_err());
    }
}
