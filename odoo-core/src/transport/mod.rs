//! How calls travel to Odoo.
//!
//! Every transport turns the same logical call (a service method, or a model
//! method with positional and keyword arguments) into its own wire format and
//! hands back a [`Reply`]: the raw JSON of the result, decoded lazily into
//! whatever type the caller asks for. The rest of the SDK never looks at the
//! wire.

pub(crate) mod jsonrpc;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::decode;
use crate::error::Error;

/// Which protocol a [`Client`](crate::Client) uses to talk to Odoo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Transport {
    /// Let the SDK choose (the default). Today this is [`Transport::JsonRpc`],
    /// which every Odoo version from 8 to 19 serves.
    #[default]
    Auto,
    /// `POST /jsonrpc` with the `common`, `object` and `db` services; the
    /// credentials travel with every call.
    JsonRpc,
}

impl Transport {
    /// The transport that `Auto` resolves to for this server.
    pub(crate) fn resolve(self) -> Transport {
        match self {
            Transport::Auto | Transport::JsonRpc => Transport::JsonRpc,
        }
    }

    /// A short name for logs and `Debug`.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Auto => "auto",
            Transport::JsonRpc => "json-rpc",
        }
    }
}

/// The result of a call, still as JSON bytes.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    result: Bytes,
}

impl Reply {
    pub(crate) fn from_json(result: Bytes) -> Self {
        Reply { result }
    }

    /// Decode the result into `T` with Odoo's rules; `what` names the model
    /// or method for error messages.
    pub(crate) fn decode<T: DeserializeOwned>(&self, what: &str) -> Result<T, Error> {
        decode::from_slice(&self.result, what)
    }

    /// The result's JSON text.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.result
    }
}

/// What a call is about, for error messages: never the arguments, which may
/// hold secrets.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CallSite<'a> {
    pub(crate) model: Option<&'a str>,
    pub(crate) method: Option<&'a str>,
    pub(crate) login: Option<&'a str>,
}
