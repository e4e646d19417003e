use serde::Serialize;
use serde::ser::{SerializeTuple, Serializer};

use super::Map;

/// A one2many / many2many write command, Odoo's `Command` (numbers 0..6).
///
/// ```
/// use odoo_core::{Command, Map};
/// use serde_json::json;
///
/// let mut line = Map::new();
/// line.insert("product_id".into(), json!(16));
/// let commands = vec![Command::create(line), Command::link(3), Command::set([2, 5])];
/// assert_eq!(
///     serde_json::to_value(&commands).unwrap(),
///     json!([[0, 0, {"product_id": 16}], [4, 3, 0], [6, 0, [2, 5]]])
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `(0, 0, values)`: create a new record and link it.
    Create(Map),
    /// `(1, id, values)`: write values on a linked record.
    Update(i64, Map),
    /// `(2, id, 0)`: delete the record.
    Delete(i64),
    /// `(3, id, 0)`: remove the link (one2many: the record is deleted when
    /// its inverse field is required).
    Unlink(i64),
    /// `(4, id, 0)`: add a link to an existing record.
    Link(i64),
    /// `(5, 0, 0)`: remove every link.
    Clear,
    /// `(6, 0, ids)`: replace the links by exactly these ids.
    Set(Vec<i64>),
}

impl Command {
    /// Create a new record with these values.
    pub fn create(values: Map) -> Self {
        Command::Create(values)
    }
    /// Write these values on the linked record `id`.
    pub fn update(id: i64, values: Map) -> Self {
        Command::Update(id, values)
    }
    /// Delete the linked record `id`.
    pub fn delete(id: i64) -> Self {
        Command::Delete(id)
    }
    /// Remove the link to `id`.
    pub fn unlink(id: i64) -> Self {
        Command::Unlink(id)
    }
    /// Link the existing record `id`.
    pub fn link(id: i64) -> Self {
        Command::Link(id)
    }
    /// Remove every link.
    pub fn clear() -> Self {
        Command::Clear
    }
    /// Replace the links by `ids`.
    pub fn set(ids: impl IntoIterator<Item = i64>) -> Self {
        Command::Set(ids.into_iter().collect())
    }
}

impl Serialize for Command {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The full three-element form: every Odoo version accepts it.
        let mut t = serializer.serialize_tuple(3)?;
        match self {
            Command::Create(values) => {
                t.serialize_element(&0)?;
                t.serialize_element(&0)?;
                t.serialize_element(values)?;
            }
            Command::Update(id, values) => {
                t.serialize_element(&1)?;
                t.serialize_element(id)?;
                t.serialize_element(values)?;
            }
            Command::Delete(id) | Command::Unlink(id) | Command::Link(id) => {
                let code = match self {
                    Command::Delete(_) => 2,
                    Command::Unlink(_) => 3,
                    _ => 4,
                };
                t.serialize_element(&code)?;
                t.serialize_element(id)?;
                t.serialize_element(&0)?;
            }
            Command::Clear => {
                t.serialize_element(&5)?;
                t.serialize_element(&0)?;
                t.serialize_element(&0)?;
            }
            Command::Set(ids) => {
                t.serialize_element(&6)?;
                t.serialize_element(&0)?;
                t.serialize_element(ids)?;
            }
        }
        t.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_command_serialises_as_odoo_expects() {
        let mut vals = Map::new();
        vals.insert("product_uom_qty".into(), json!(5));
        let all = vec![
            Command::create(vals.clone()),
            Command::update(45, vals),
            Command::delete(46),
            Command::unlink(47),
            Command::link(3),
            Command::clear(),
            Command::set([2, 5]),
        ];
        assert_eq!(
            serde_json::to_value(all).unwrap(),
            json!([
                [0, 0, {"product_uom_qty": 5}],
                [1, 45, {"product_uom_qty": 5}],
                [2, 46, 0],
                [3, 47, 0],
                [4, 3, 0],
                [5, 0, 0],
                [6, 0, [2, 5]]
            ])
        );
    }
}
