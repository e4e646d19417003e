//! Building values for `create` and `write`: [`New<M>`] sends only the
//! fields the caller set, [`X2Command<T>`] types the x2many commands.

use std::fmt;
use std::marker::PhantomData;

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::error::{ConfigError, Error};
use crate::model::{Field, FieldValue, Model, Refs, Writable, to_wire};
use crate::value::{Command, Map};

/// The values of a new record of `M` (or of a write): only the fields set
/// here are sent, so Odoo fills its defaults for the rest and reports a
/// required field left out with its own error, naming it.
///
/// Only writable fields can be set: a field declared `#[odoo(readonly)]`
/// does not compile here.
#[must_use]
pub struct New<M> {
    values: Map,
    error: Option<String>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Default for New<M> {
    fn default() -> Self {
        New {
            values: Map::new(),
            error: None,
            _model: PhantomData,
        }
    }
}

impl<M> fmt::Debug for New<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("New").field(&self.values).finish()
    }
}

impl<M: Model> New<M> {
    /// No field set yet.
    #[allow(clippy::self_named_constructors)] // `New::new()`: "new values"
    pub fn new() -> Self {
        New::default()
    }

    /// Set a field: `.set(SaleOrder::PARTNER_ID, 15)`,
    /// `.set(SaleOrder::NOTE, Some("...".to_owned()))`.
    pub fn set<T: FieldValue>(mut self, field: Field<M, T, Writable>, value: impl Into<T>) -> Self {
        match to_wire(M::MODEL, field.name(), &value.into()) {
            Ok(v) => {
                self.values.insert(field.name().to_owned(), v);
            }
            Err(e) => self.fail(e.to_string()),
        }
        self
    }

    /// Change a one2many or many2many with commands:
    /// `.commands(SaleOrder::ORDER_LINE, [X2Command::create(New::new().set(..))])`.
    /// Calls on the same field add to the list.
    pub fn commands<T: Model>(
        mut self,
        field: Field<M, Refs<T>, Writable>,
        commands: impl IntoIterator<Item = X2Command<T>>,
    ) -> Self {
        let mut list = match self.values.remove(field.name()) {
            Some(Value::Array(list)) => list,
            _ => Vec::new(),
        };
        for command in commands {
            if let Some(error) = command.error {
                self.fail(error);
                continue;
            }
            match serde_json::to_value(&command.command) {
                Ok(v) => list.push(v),
                Err(e) => self.fail(format!("{}.{}: {e}", M::MODEL, field.name())),
            }
        }
        self.values
            .insert(field.name().to_owned(), Value::Array(list));
        self
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    /// The values set so far, as they will be sent.
    pub fn values(&self) -> &Map {
        &self.values
    }

    /// The values to send.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a value could not be encoded.
    pub fn into_values(self) -> Result<Map, Error> {
        match self.error {
            Some(message) => Err(Error::from(ConfigError::new(message))),
            None => Ok(self.values),
        }
    }
}

/// A typed x2many command on a relation to `T`, for [`New::commands`].
///
/// The same seven commands as [`Command`], with the values of `create` and
/// `update` built as [`New<T>`].
pub struct X2Command<T> {
    command: Command,
    error: Option<String>,
    _target: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for X2Command<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("X2Command").field(&self.command).finish()
    }
}

impl<T: Model> X2Command<T> {
    fn of(command: Command) -> Self {
        X2Command {
            command,
            error: None,
            _target: PhantomData,
        }
    }

    /// `(0, 0, values)`: create a new linked record.
    pub fn create(values: New<T>) -> Self {
        let error = values.error;
        X2Command {
            command: Command::Create(values.values),
            error,
            _target: PhantomData,
        }
    }
    /// `(1, id, values)`: write these values on the linked record `id`.
    pub fn update(id: i64, values: New<T>) -> Self {
        let error = values.error;
        X2Command {
            command: Command::Update(id, values.values),
            error,
            _target: PhantomData,
        }
    }
    /// `(2, id, 0)`: delete the linked record `id`.
    pub fn delete(id: i64) -> Self {
        X2Command::of(Command::Delete(id))
    }
    /// `(3, id, 0)`: remove the link to `id`, keep the record.
    pub fn unlink(id: i64) -> Self {
        X2Command::of(Command::Unlink(id))
    }
    /// `(4, id, 0)`: link the existing record `id`.
    pub fn link(id: i64) -> Self {
        X2Command::of(Command::Link(id))
    }
    /// `(5, 0, 0)`: remove every link.
    pub fn clear() -> Self {
        X2Command::of(Command::Clear)
    }
    /// `(6, 0, ids)`: replace the links by exactly these ids.
    pub fn set(ids: impl IntoIterator<Item = i64>) -> Self {
        X2Command::of(Command::set(ids))
    }

    /// The untyped command.
    pub fn into_command(self) -> Command {
        self.command
    }
}

impl<T> Serialize for X2Command<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.command.serialize(serializer)
    }
}
