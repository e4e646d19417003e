//! The one error type of odoo-rs.
//!
//! Each variant answers "what does the caller do next": fix the credentials
//! ([`Error::AccessDenied`]), handle what Odoo refused ([`Error::Server`]),
//! retry or not depending on whether the request may have run
//! ([`Error::Transport`]), or report a bug in the server or in the types
//! ([`Error::Protocol`], [`Error::Decode`], [`Error::MissingRecords`]).
//!
//! No variant ever holds a password, an API key or a session id: the
//! request body (which carries them) is never copied into an error, and URLs
//! are stripped of user information before they are stored.

use std::fmt;

/// A result whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when talking to Odoo.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server refused the credentials: a wrong login, password or API
    /// key, or a user that was deactivated since the session logged in.
    #[error(transparent)]
    AccessDenied(Box<AccessDeniedError>),
    /// Odoo ran the call and raised an exception (an access error, a
    /// validation error, an unknown method, ...). See [`ServerError::kind`].
    #[error(transparent)]
    Server(Box<ServerError>),
    /// The HTTP exchange did not complete: connection refused, timeout, or a
    /// non-JSON HTTP error status.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// The server answered with something that is not an Odoo reply.
    #[error(transparent)]
    Protocol(Box<ProtocolError>),
    /// A value from Odoo does not fit the Rust type it is decoded into.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// A read by id found no row for some of the ids (Odoo 18 answers such a
    /// read with fewer rows and no error).
    #[error(transparent)]
    MissingRecords(Box<MissingRecordsError>),
    /// The SDK was configured wrongly (a bad URL, a missing database).
    #[error(transparent)]
    Config(Box<ConfigError>),
    /// The session was logged out; log in again for a new one.
    #[error(transparent)]
    LoggedOut(Box<LoggedOutError>),
    /// A struct field that is not an `Option` names a field the session's
    /// user may not read (restricted to groups they lack) or that the
    /// server does not have. Nothing was sent: make the field an `Option`,
    /// leave it out of the struct, or read as a user who may read it.
    #[error(transparent)]
    UnreadableField(Box<UnreadableFieldError>),
}

impl Error {
    /// The server exception, if Odoo raised one.
    pub fn as_server(&self) -> Option<&ServerError> {
        match self {
            Error::Server(e) => Some(e),
            Error::AccessDenied(e) => e.server.as_deref(),
            _ => None,
        }
    }

    /// The kind of server exception, if Odoo raised one.
    pub fn server_kind(&self) -> Option<ServerErrorKind> {
        self.as_server().map(ServerError::kind)
    }

    /// True for `odoo.exceptions.AccessError` (model ACLs, record rules,
    /// private methods).
    pub fn is_access_error(&self) -> bool {
        self.server_kind() == Some(ServerErrorKind::AccessError)
    }

    /// True when the credentials were refused.
    pub fn is_access_denied(&self) -> bool {
        matches!(self, Error::AccessDenied(_))
    }

    /// True when a web session expired (the method did not run).
    pub fn is_session_expired(&self) -> bool {
        self.server_kind() == Some(ServerErrorKind::SessionExpired)
    }

    /// Whether the request may have reached the server and run there.
    ///
    /// `false` only when it certainly did not (no connection was made, or the
    /// server said the session had expired before running the method): only
    /// then is sending it again safe for a call that is not idempotent, such
    /// as `create`.
    pub fn may_have_run(&self) -> bool {
        match self {
            Error::Transport(e) => e.may_have_reached_server(),
            Error::Config(_) | Error::LoggedOut(_) | Error::UnreadableField(_) => false,
            Error::Server(e)
                if matches!(
                    e.kind(),
                    ServerErrorKind::SessionExpired | ServerErrorKind::PoolExhausted
                ) =>
            {
                false
            }
            _ => true,
        }
    }
}

impl Error {
    /// How many times the call was sent before this error was returned
    /// (1 when it was not retried; see [`RetryPolicy`](crate::RetryPolicy)).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Transport(e) => e.attempts,
            Error::Server(e) => e.attempts,
            _ => 1,
        }
    }

    /// Record how many attempts the call took (the retry layer's last word).
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        match &mut self {
            Error::Transport(e) => e.attempts = attempts,
            Error::Server(e) => e.attempts = attempts,
            _ => {}
        }
        self
    }
}

/// Which Odoo exception a [`ServerError`] is, classified by the exception's
/// Python name (`error.data.name`), never by its translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerErrorKind {
    /// `odoo.exceptions.AccessDenied`: credentials refused.
    AccessDenied,
    /// `odoo.exceptions.AccessError`: ACL, record rule or private method.
    AccessError,
    /// `odoo.exceptions.MissingError`: a record that does not exist (write,
    /// unlink).
    MissingError,
    /// `odoo.exceptions.UserError`: a business rule refused the operation.
    UserError,
    /// `odoo.exceptions.ValidationError`: a constraint failed.
    ValidationError,
    /// `odoo.http.SessionExpiredException`: the web session is gone; the
    /// method did not run.
    SessionExpired,
    /// The model does not exist on the server: `UserError` "Object x doesn't
    /// exist" (JSON-RPC, XML-RPC), `NotFound` "the model 'x' does not exist"
    /// (JSON-2), or the web session's `NotFound` "404 Not Found: The
    /// requested URL was not found on the server..." for a model call (Odoo
    /// 16 to 19).
    UnknownModel,
    /// The method does not exist on the model (`builtins.AttributeError`).
    UnknownMethod,
    /// Wrong arguments for the method (`builtins.TypeError`,
    /// `builtins.ValueError`, ...): a bug in the caller.
    InvalidArguments,
    /// `psycopg2.pool.PoolError`: the server's database connection pool
    /// was full. Odoo raises it while borrowing a connection, before the
    /// method runs, so the call did not run; the retry policy sends it again
    /// after a wait.
    PoolExhausted,
    /// Any other exception; see [`ServerError::name`].
    Other,
}

impl ServerErrorKind {
    /// Classify an exception by its Python name (and, for the one case Odoo
    /// signals only through a message, the model that was called).
    fn classify(name: &str, message: &str, model: Option<&str>) -> Self {
        match name {
            "odoo.exceptions.AccessDenied" => Self::AccessDenied,
            "odoo.exceptions.AccessError" => Self::AccessError,
            "odoo.exceptions.MissingError" => Self::MissingError,
            "odoo.exceptions.ValidationError" => Self::ValidationError,
            "odoo.http.SessionExpiredException" => Self::SessionExpired,
            "psycopg2.pool.PoolError" => Self::PoolExhausted,
            "builtins.AttributeError" => Self::UnknownMethod,
            "builtins.TypeError"
            | "builtins.ValueError"
            | "builtins.IndexError"
            | "builtins.KeyError"
            | "builtins.AssertionError"
            | "werkzeug.exceptions.UnprocessableEntity"
            | "werkzeug.exceptions.BadRequest" => Self::InvalidArguments,
            // JSON-2 answers 401 for a missing or wrong key.
            "werkzeug.exceptions.Unauthorized" => Self::AccessDenied,
            // JSON-2's 404 for an unknown model or method (fixed English
            // text in Odoo 19: not translated).
            "werkzeug.exceptions.NotFound" if message.starts_with("the model ") => {
                Self::UnknownModel
            }
            "werkzeug.exceptions.NotFound" if message.starts_with("The method ") => {
                Self::UnknownMethod
            }
            // `/web/dataset/call_kw` on a model the registry does not have:
            // real 16, 17, 18 and 19 answer a JSON-RPC error (code 404) with
            // werkzeug's generic "404 Not Found: The requested URL was not
            // found on the server. ..." text, which names no model. A model
            // call that gets it is a call on an unknown model.
            "werkzeug.exceptions.NotFound" if model.is_some() => Self::UnknownModel,
            "odoo.exceptions.UserError" => {
                // Odoo raises a plain UserError for an unknown model. The text
                // is the only marker; it is English unless the user's language
                // translates it, in which case the kind stays UserError.
                match model {
                    Some(m) if message == format!("Object {m} doesn't exist") => Self::UnknownModel,
                    _ => Self::UserError,
                }
            }
            _ => Self::Other,
        }
    }
}

/// An exception raised by Odoo, with what the SDK knows about the call.
#[derive(Clone, PartialEq)]
pub struct ServerError {
    kind: ServerErrorKind,
    name: String,
    message: String,
    code: i64,
    arguments: serde_json::Value,
    debug: String,
    model: Option<String>,
    method: Option<String>,
    attempts: u32,
}

impl ServerError {
    /// Build a server error from the parts of an Odoo error reply.
    pub fn new(
        name: impl Into<String>,
        message: impl Into<String>,
        model: Option<&str>,
        method: Option<&str>,
    ) -> Self {
        let name = name.into();
        let message = message.into();
        ServerError {
            kind: ServerErrorKind::classify(&name, &message, model),
            name,
            message,
            code: 200,
            arguments: serde_json::Value::Array(Vec::new()),
            debug: String::new(),
            model: model.map(str::to_owned),
            method: method.map(str::to_owned),
            attempts: 1,
        }
    }

    pub(crate) fn with_code(mut self, code: i64) -> Self {
        self.code = code;
        self
    }

    pub(crate) fn with_arguments(mut self, arguments: serde_json::Value) -> Self {
        self.arguments = arguments;
        self
    }

    pub(crate) fn with_debug(mut self, debug: impl Into<String>) -> Self {
        self.debug = debug.into();
        self
    }

    /// What kind of exception this is.
    pub fn kind(&self) -> ServerErrorKind {
        self.kind
    }
    /// The exception's Python name, e.g. `odoo.exceptions.AccessError`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The exception's message, as Odoo sent it (in the user's language).
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The JSON-RPC error code (200 for server errors in Odoo 18, 0 in 19,
    /// 100 for an expired session).
    pub fn code(&self) -> i64 {
        self.code
    }
    /// The exception's arguments (`error.data.arguments`).
    pub fn arguments(&self) -> &serde_json::Value {
        &self.arguments
    }
    /// The server-side traceback (`error.data.debug`), empty when the server
    /// sent none. Not part of `Display`.
    pub fn debug_text(&self) -> &str {
        &self.debug
    }
    /// The model the call was on, when there was one.
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }
    /// The method that was called, when the call was a model method.
    pub fn method(&self) -> Option<&str> {
        self.method.as_deref()
    }
}

impl fmt::Debug for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The traceback is long; Debug shows only its size.
        f.debug_struct("ServerError")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("message", &self.message)
            .field("code", &self.code)
            .field("model", &self.model)
            .field("method", &self.method)
            .field("debug_len", &self.debug.len())
            .finish()
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.model, &self.method) {
            (Some(model), Some(method)) => write!(f, "{model}.{method}: ")?,
            (Some(model), None) => write!(f, "{model}: ")?,
            (None, Some(method)) => write!(f, "{method}: ")?,
            (None, None) => {}
        }
        write!(f, "{} ({})", self.message, self.name)?;
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for ServerError {}

/// The server refused the credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessDeniedError {
    login: Option<String>,
    database: String,
    server: Option<Box<ServerError>>,
}

impl AccessDeniedError {
    pub(crate) fn new(login: Option<&str>, database: &str, server: Option<ServerError>) -> Self {
        AccessDeniedError {
            login: login.map(str::to_owned),
            database: database.to_owned(),
            server: server.map(Box::new),
        }
    }
    /// The login that was refused, when known.
    pub fn login(&self) -> Option<&str> {
        self.login.as_deref()
    }
    /// The database the login was for.
    pub fn database(&self) -> &str {
        &self.database
    }
    /// The `AccessDenied` exception, when the server raised one (a call with
    /// stale credentials) rather than answering `false` (a login).
    pub fn server_error(&self) -> Option<&ServerError> {
        self.server.as_deref()
    }
}

impl fmt::Display for AccessDeniedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.login {
            Some(login) => write!(
                f,
                "access denied: Odoo refused the credentials of {login:?} on database {:?}",
                self.database
            ),
            None => write!(
                f,
                "access denied: Odoo refused the credentials on database {:?}",
                self.database
            ),
        }
    }
}

impl std::error::Error for AccessDeniedError {}

macro_rules! boxed_from {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(
            impl From<$ty> for Error {
                fn from(e: $ty) -> Self {
                    Error::$variant(Box::new(e))
                }
            }
        )*
    };
}

boxed_from!(
    AccessDenied(AccessDeniedError),
    Server(ServerError),
    Transport(TransportError),
    Protocol(ProtocolError),
    Decode(DecodeError),
    MissingRecords(MissingRecordsError),
    Config(ConfigError),
    LoggedOut(LoggedOutError),
    UnreadableField(UnreadableFieldError),
);

/// Why an HTTP exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made: nothing was sent.
    Connect,
    /// No answer in time: the request may have run.
    Timeout,
    /// The server answered with an HTTP error status and a non-JSON body.
    Status,
    /// The request could not be built: nothing was sent.
    Request,
    /// The connection broke while sending or receiving.
    Io,
}

/// An HTTP exchange that did not complete.
#[derive(Debug, Clone, PartialEq)]
pub struct TransportError {
    kind: TransportErrorKind,
    url: String,
    status: Option<u16>,
    body_excerpt: Option<String>,
    detail: String,
    attempts: u32,
}

impl TransportError {
    pub(crate) fn new(kind: TransportErrorKind, url: &str, detail: impl Into<String>) -> Self {
        TransportError {
            kind,
            url: redact_url(url),
            status: None,
            body_excerpt: None,
            detail: detail.into(),
            attempts: 1,
        }
    }

    pub(crate) fn status(url: &str, status: u16, body: &[u8]) -> Self {
        TransportError {
            kind: TransportErrorKind::Status,
            url: redact_url(url),
            status: Some(status),
            body_excerpt: Some(excerpt(body)),
            detail: String::new(),
            attempts: 1,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
    /// The URL (without any user information) the request went to.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The HTTP status, for [`TransportErrorKind::Status`].
    pub fn http_status(&self) -> Option<u16> {
        self.status
    }
    /// The start of the body the server sent with an error status.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.body_excerpt.as_deref()
    }
    /// Whether the server may have received (and run) the request.
    ///
    /// `false` when no connection was made, and for HTTP 429 and 503: a
    /// server or proxy answers those instead of running the call.
    pub fn may_have_reached_server(&self) -> bool {
        !matches!(
            self.kind,
            TransportErrorKind::Connect | TransportErrorKind::Request
        ) && !matches!(self.status, Some(429 | 503))
    }

    /// Why the exchange failed, as the network stack said it.
    pub(crate) fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_failure(f)?;
        write_attempts(f, self.attempts)
    }
}

/// ` (after N attempts)` when the call was sent more than once.
fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (after {attempts} attempts)")?;
    }
    Ok(())
}

impl TransportError {
    fn fmt_failure(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TransportErrorKind::Status => write!(
                f,
                "HTTP {} from {}: {:?}",
                self.status.unwrap_or_default(),
                self.url,
                self.body_excerpt.as_deref().unwrap_or("")
            ),
            TransportErrorKind::Connect => {
                write!(f, "cannot connect to {}: {}", self.url, self.detail)
            }
            TransportErrorKind::Timeout => write!(
                f,
                "no answer from {} in time (the call may have run on the server): {}",
                self.url, self.detail
            ),
            TransportErrorKind::Request => {
                write!(f, "cannot send a request to {}: {}", self.url, self.detail)
            }
            TransportErrorKind::Io => write!(
                f,
                "connection to {} broke (the call may have run on the server): {}",
                self.url, self.detail
            ),
        }
    }
}

impl std::error::Error for TransportError {}

/// A reply that is not what Odoo sends: not JSON, no `result` and no
/// `error`, a result of the wrong shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolError {
    what: String,
    excerpt: String,
}

impl ProtocolError {
    pub(crate) fn new(what: impl Into<String>, body: &[u8]) -> Self {
        ProtocolError {
            what: what.into(),
            excerpt: excerpt(body),
        }
    }
    /// What was wrong with the reply.
    pub fn what(&self) -> &str {
        &self.what
    }
    /// The start of what arrived.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed reply from Odoo: {}; received: {:?}",
            self.what, self.excerpt
        )
    }
}

impl std::error::Error for ProtocolError {}

/// A value that does not fit the Rust type it is decoded into.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    model: String,
    record_id: Option<i64>,
    field: Option<String>,
    expected: String,
    got: String,
}

impl DecodeError {
    pub(crate) fn new(
        model: &str,
        record_id: Option<i64>,
        field: Option<String>,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> Self {
        DecodeError {
            model: model.to_owned(),
            record_id,
            field,
            expected: expected.into(),
            got: got.into(),
        }
    }
    /// The model the value came from (or the method, for a method result).
    pub fn model(&self) -> &str {
        &self.model
    }
    /// The id of the record, when known.
    pub fn record_id(&self) -> Option<i64> {
        self.record_id
    }
    /// The field (a path such as `partner_id` or `lines[2].name`), when the
    /// value was inside a record.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
    /// What the Rust type expected.
    pub fn expected(&self) -> &str {
        &self.expected
    }
    /// What arrived (JSON, shortened).
    pub fn got(&self) -> &str {
        &self.got
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode {}", self.model)?;
        if let Some(id) = self.record_id {
            write!(f, "({id})")?;
        }
        if let Some(field) = &self.field {
            write!(f, " field {field:?}")?;
        }
        write!(f, ": expected {}, got {}", self.expected, self.got)
    }
}

impl std::error::Error for DecodeError {}

/// Ids that a read by id did not find (deleted, or never existed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRecordsError {
    model: String,
    ids: Vec<i64>,
}

impl MissingRecordsError {
    pub(crate) fn new(model: &str, ids: Vec<i64>) -> Self {
        MissingRecordsError {
            model: model.to_owned(),
            ids,
        }
    }
    /// The model that was read.
    pub fn model(&self) -> &str {
        &self.model
    }
    /// The ids with no row.
    pub fn ids(&self) -> &[i64] {
        &self.ids
    }
}

impl fmt::Display for MissingRecordsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} has no record with id {:?} (deleted, or never existed)",
            self.model, self.ids
        )
    }
}

impl std::error::Error for MissingRecordsError {}

/// The SDK was configured wrongly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A call on a session that was logged out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedOutError {
    login: String,
    database: String,
}

impl LoggedOutError {
    pub(crate) fn new(login: &str, database: &str) -> Self {
        LoggedOutError {
            login: login.to_owned(),
            database: database.to_owned(),
        }
    }
    /// The login of the closed session.
    pub fn login(&self) -> &str {
        &self.login
    }
    /// The database of the closed session.
    pub fn database(&self) -> &str {
        &self.database
    }
}

impl fmt::Display for LoggedOutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the session of {:?} on database {:?} was logged out: log in again",
            self.login, self.database
        )
    }
}

impl std::error::Error for LoggedOutError {}

/// A non-`Option` struct field that the session's user may not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableFieldError {
    model: String,
    field: String,
    rust_type: String,
    login: String,
    uid: i64,
}

impl UnreadableFieldError {
    pub(crate) fn new(model: &str, field: &str, rust_type: &str, login: &str, uid: i64) -> Self {
        UnreadableFieldError {
            model: model.to_owned(),
            field: field.to_owned(),
            rust_type: rust_type.to_owned(),
            login: login.to_owned(),
            uid,
        }
    }
    /// The model (`res.partner`).
    pub fn model(&self) -> &str {
        &self.model
    }
    /// The Odoo field (`credit_limit`).
    pub fn field(&self) -> &str {
        &self.field
    }
    /// The login of the user who may not read it.
    pub fn login(&self) -> &str {
        &self.login
    }
    /// The uid of that user.
    pub fn uid(&self) -> i64 {
        self.uid
    }
}

impl fmt::Display for UnreadableFieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{model} field {field:?} is not readable by {login:?} (uid {uid}): `fields_get` as \
             that user leaves it out (it is restricted to groups the user lacks, or the server \
             has no such field). Nothing was sent. Declare it `Option<{ty}>` (it then reads as \
             None for this user), leave it out of the struct, or read as a user of its groups",
            model = self.model,
            field = self.field,
            login = self.login,
            uid = self.uid,
            ty = self.rust_type,
        )
    }
}

impl std::error::Error for UnreadableFieldError {}

/// Shorten a body for an error message: at most 300 characters, on a
/// character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 300;
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// Drop any `user:password@` part of a URL, so that it can be shown.
pub(crate) fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if !parsed.username().is_empty() || parsed.password().is_some() {
                let _ = parsed.set_username("");
                let _ = parsed.set_password(None);
            }
            parsed.set_query(None);
            parsed.to_string()
        }
        Err(_) => "<invalid url>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_small_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        // One pointer and a tag: results stay cheap to move around.
        assert_eq!(std::mem::size_of::<Error>(), 16);
    }

    #[test]
    fn classifies_by_name() {
        let e = ServerError::new(
            "odoo.exceptions.AccessError",
            "nope",
            Some("sale.order"),
            None,
        );
        assert_eq!(e.kind(), ServerErrorKind::AccessError);
        let e = ServerError::new(
            "odoo.exceptions.UserError",
            "Object no.such.model doesn't exist",
            Some("no.such.model"),
            Some("search"),
        );
        assert_eq!(e.kind(), ServerErrorKind::UnknownModel);
        let e = ServerError::new(
            "odoo.exceptions.UserError",
            "Refused",
            Some("sale.order"),
            None,
        );
        assert_eq!(e.kind(), ServerErrorKind::UserError);
        let e = ServerError::new("builtins.AttributeError", "x", None, None);
        assert_eq!(e.kind(), ServerErrorKind::UnknownMethod);
        let e = ServerError::new("psycopg2.OperationalError", "x", None, None);
        assert_eq!(e.kind(), ServerErrorKind::Other);
    }

    #[test]
    fn not_found_on_a_model_call_is_an_unknown_model() {
        const WEB_404: &str = "404 Not Found: The requested URL was not found on the server. \
            If you entered the URL manually please check your spelling and try again.";
        // The web session's answer to call_kw on no.such.model (16 to 19).
        let e = ServerError::new(
            "werkzeug.exceptions.NotFound",
            WEB_404,
            Some("no.such.model"),
            Some("search_read"),
        )
        .with_code(404);
        assert_eq!(e.kind(), ServerErrorKind::UnknownModel);
        assert_eq!(e.code(), 404);
        // JSON-2 (19) says which it is.
        let e = ServerError::new(
            "werkzeug.exceptions.NotFound",
            "the model 'no.such.model' does not exist",
            Some("no.such.model"),
            Some("search"),
        );
        assert_eq!(e.kind(), ServerErrorKind::UnknownModel);
        let e = ServerError::new(
            "werkzeug.exceptions.NotFound",
            "The method 'res.partner.no_such_method' does not exist",
            Some("res.partner"),
            Some("no_such_method"),
        );
        assert_eq!(e.kind(), ServerErrorKind::UnknownMethod);
        // Without a model call (a route, a login), a 404 stays Other.
        let e = ServerError::new("werkzeug.exceptions.NotFound", WEB_404, None, None);
        assert_eq!(e.kind(), ServerErrorKind::Other);
    }

    #[test]
    fn display_names_model_method_and_exception() {
        let e = ServerError::new(
            "odoo.exceptions.MissingError",
            "Record does not exist",
            Some("res.partner"),
            Some("write"),
        )
        .with_debug("Traceback ...");
        let text = e.to_string();
        assert_eq!(
            text,
            "res.partner.write: Record does not exist (odoo.exceptions.MissingError)"
        );
        assert!(!text.contains("Traceback"));
    }

    #[test]
    fn urls_lose_credentials() {
        assert_eq!(
            redact_url("http://admin:secret@odoo.example:8069/jsonrpc?key=k"),
            "http://odoo.example:8069/jsonrpc"
        );
    }

    #[test]
    fn excerpt_is_bounded_and_utf8_safe() {
        let body = "é".repeat(1000);
        let e = excerpt(body.as_bytes());
        assert_eq!(e.chars().count(), 301);
    }

    #[test]
    fn transport_error_says_whether_the_call_may_have_run() {
        let e = TransportError::new(TransportErrorKind::Connect, "http://x/jsonrpc", "refused");
        assert!(!e.may_have_reached_server());
        let e = TransportError::new(TransportErrorKind::Timeout, "http://x/jsonrpc", "30s");
        assert!(e.may_have_reached_server());
        let e = TransportError::status("http://x/jsonrpc", 400, b"Invalid JSON data");
        assert_eq!(
            e.to_string(),
            "HTTP 400 from http://x/jsonrpc: \"Invalid JSON data\""
        );
    }
}
