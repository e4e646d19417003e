//! [`Client`]: one Odoo server and database, one pooled HTTP client.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use url::Url;

use crate::error::{AccessDeniedError, ConfigError, Error, TransportError, TransportErrorKind};
use crate::secret::Secret;
use crate::session::{Credential, Session};
use crate::transport::{CallSite, Transport, jsonrpc};
use crate::version::ServerVersion;

/// A connection to one Odoo server and database.
///
/// A `Client` holds no user identity: log in with [`Client::login`] or
/// [`Client::login_api_key`] to get a [`Session`] per user. Cloning is cheap
/// (an `Arc`), and every clone and every session shares one HTTP connection
/// pool and one limit on calls in flight.
///
/// ```no_run
/// # async fn run() -> odoo_core::Result<()> {
/// let client = odoo_core::Client::builder("http://127.0.0.1:8069")
///     .database("odoo18")
///     .build()?;
/// let alice = client.login("alice", "alice").await?;
/// println!("alice is uid {}", alice.uid());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) base_url: Url,
    pub(crate) jsonrpc_url: Url,
    pub(crate) database: String,
    pub(crate) http: reqwest::Client,
    pub(crate) transport: Transport,
    pub(crate) limiter: Semaphore,
    pub(crate) next_id: AtomicU64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field(
                "url",
                &crate::error::redact_url(self.inner.base_url.as_str()),
            )
            .field("database", &self.inner.database)
            .field("transport", &self.inner.transport)
            .finish()
    }
}

/// Builds a [`Client`]. Setters take and return the builder; errors wait
/// until [`ClientBuilder::build`].
#[must_use]
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    url: String,
    database: Option<String>,
    transport: Transport,
    timeout: Duration,
    connect_timeout: Duration,
    max_in_flight: usize,
    user_agent: String,
}

impl ClientBuilder {
    /// The database to use on the server (required to log in).
    pub fn database(mut self, database: impl Into<String>) -> Self {
        self.database = Some(database.into());
        self
    }

    /// The transport (default [`Transport::Auto`]).
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// The longest a call may take, from sending to the end of the reply
    /// (default 120 s; Odoo's own worker limit is 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The most calls in flight at once over this client, all sessions
    /// together (default 64). Further calls wait for a free slot.
    pub fn max_in_flight(mut self, calls: usize) -> Self {
        self.max_in_flight = calls;
        self
    }

    /// The `User-Agent` header (default `odoo-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Build the client. Nothing is sent yet.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that is not `http(s)://host[:port][/path]`,
    /// an empty database name, a zero `max_in_flight`, or an HTTP client
    /// that cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let mut base_url = Url::parse(&self.url).map_err(|e| {
            Error::from(ConfigError::new(format!(
                "the server URL {:?} is not a URL ({e}); expected e.g. http://127.0.0.1:8069",
                crate::error::redact_url(&self.url)
            )))
        })?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(Error::from(ConfigError::new(format!(
                "the server URL must start with http:// or https://, not {}://",
                base_url.scheme()
            ))));
        }
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        let database = match self.database {
            Some(db) if !db.trim().is_empty() => db,
            Some(_) => {
                return Err(Error::from(ConfigError::new("the database name is empty")));
            }
            None => {
                return Err(Error::from(ConfigError::new(
                    "no database: call .database(\"name\") on the builder (Client::databases() lists them)",
                )));
            }
        };
        if self.max_in_flight == 0 {
            return Err(Error::from(ConfigError::new(
                "max_in_flight must be at least 1",
            )));
        }
        let jsonrpc_url = base_url.join("jsonrpc").map_err(|e| {
            Error::from(ConfigError::new(format!(
                "cannot build the /jsonrpc URL: {e}"
            )))
        })?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            // Odoo's session cookie belongs to a Session, never to the client.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                Error::from(ConfigError::new(format!(
                    "cannot build the HTTP client: {e}"
                )))
            })?;
        Ok(Client {
            inner: Arc::new(ClientInner {
                base_url,
                jsonrpc_url,
                database,
                http,
                transport: self.transport,
                limiter: Semaphore::new(self.max_in_flight),
                next_id: AtomicU64::new(1),
            }),
        })
    }
}

impl Client {
    /// Start building a client for the server at `url`, e.g.
    /// `http://127.0.0.1:8069`.
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            url: url.into(),
            database: None,
            transport: Transport::Auto,
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            max_in_flight: 64,
            user_agent: concat!("odoo-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// The server's base URL.
    pub fn url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// The database this client works on.
    pub fn database(&self) -> &str {
        &self.inner.database
    }

    /// The transport setting this client was built with.
    pub fn transport(&self) -> Transport {
        self.inner.transport
    }

    /// Log in with a password.
    ///
    /// Checks the credentials (`common.authenticate`), then reads the
    /// server's version and the user's context (language, time zone,
    /// company), which every call of the session then carries.
    ///
    /// # Errors
    ///
    /// [`Error::AccessDenied`] for a wrong login or password; transport and
    /// server errors as for any call.
    pub async fn login(&self, login: &str, password: impl Into<Secret>) -> Result<Session, Error> {
        self.authenticate(login, password.into(), Credential::Password)
            .await
    }

    /// Log in with an API key (Odoo 14+: Preferences > Account Security >
    /// New API Key). JSON-RPC takes the key where it takes a password.
    ///
    /// # Errors
    ///
    /// As [`Client::login`].
    pub async fn login_api_key(
        &self,
        login: &str,
        key: impl Into<Secret>,
    ) -> Result<Session, Error> {
        self.authenticate(login, key.into(), Credential::ApiKey)
            .await
    }

    /// A session for a user whose uid is already known (for instance kept
    /// from an earlier login), without any call to the server.
    ///
    /// Nothing is checked: a wrong uid or secret surfaces as
    /// [`Error::AccessDenied`] on the first call. The session has an empty
    /// context and no server version.
    pub fn session_for_uid(&self, uid: i64, login: &str, secret: impl Into<Secret>) -> Session {
        Session::new(
            self.clone(),
            uid,
            login.to_owned(),
            secret.into(),
            Credential::Password,
            crate::Map::new(),
            None,
        )
    }

    async fn authenticate(
        &self,
        login: &str,
        secret: Secret,
        credential: Credential,
    ) -> Result<Session, Error> {
        let version = self.version().await?;
        let site = CallSite {
            login: Some(login),
            method: Some("authenticate"),
            ..CallSite::default()
        };
        let reply = jsonrpc::call(
            &self.inner,
            "common",
            "authenticate",
            (
                self.database(),
                login,
                secret.expose(),
                serde_json::Map::new(),
            ),
            site,
        )
        .await?;
        // A refused login answers `false`, not an error.
        let uid = match reply.decode::<Value>("common.authenticate")? {
            Value::Number(n) => n.as_i64().unwrap_or(0),
            Value::Bool(false) => 0,
            other => {
                return Err(Error::from(crate::error::ProtocolError::new(
                    "common.authenticate returned neither a uid nor false",
                    other.to_string().as_bytes(),
                )));
            }
        };
        if uid <= 0 {
            return Err(Error::from(AccessDeniedError::new(
                Some(login),
                self.database(),
                None,
            )));
        }
        tracing::debug!(target: "odoo::session", login, uid, transport = self.inner.transport.resolve().name(), "logged in");
        let bare = Session::new(
            self.clone(),
            uid,
            login.to_owned(),
            secret.clone(),
            credential,
            crate::Map::new(),
            Some(version.clone()),
        );
        let context = bare.load_user_context().await?;
        Ok(Session::new(
            self.clone(),
            uid,
            login.to_owned(),
            secret,
            credential,
            context,
            Some(version),
        ))
    }

    /// The server's version (`common.version`), no login needed.
    ///
    /// # Errors
    ///
    /// Transport and protocol errors.
    pub async fn version(&self) -> Result<ServerVersion, Error> {
        let site = CallSite {
            method: Some("version"),
            ..CallSite::default()
        };
        jsonrpc::call(&self.inner, "common", "version", json!([]), site)
            .await?
            .decode("common.version")
    }

    /// The databases the server lists (`db.list`). Servers may disable
    /// listing (`list_db = False`), which gives an [`Error::Server`].
    ///
    /// # Errors
    ///
    /// Transport, protocol and server errors.
    pub async fn databases(&self) -> Result<Vec<String>, Error> {
        let site = CallSite {
            method: Some("list"),
            ..CallSite::default()
        };
        jsonrpc::call(&self.inner, "db", "list", json!([]), site)
            .await?
            .decode("db.list")
    }
}

impl ClientInner {
    /// POST a JSON body, respecting the in-flight limit; returns the status
    /// and the whole body.
    pub(crate) async fn post_json(&self, url: &Url, body: Vec<u8>) -> Result<(u16, Bytes), Error> {
        let _permit = self.limiter.acquire().await.map_err(|_| {
            Error::from(TransportError::new(
                TransportErrorKind::Request,
                url.as_str(),
                "the client is shutting down",
            ))
        })?;
        let response = self
            .http
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| transport_error(url, &e))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(url, &e))?;
        Ok((status, bytes))
    }
}

/// Classify a reqwest error without keeping it (its text may hold the URL
/// with credentials).
fn transport_error(url: &Url, e: &reqwest::Error) -> Error {
    let kind = if e.is_connect() {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_builder() {
        TransportErrorKind::Request
    } else {
        TransportErrorKind::Io
    };
    // The chain below reqwest's own error says why (refused, reset, ...).
    let mut parts = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    let detail = if parts.is_empty() {
        "no detail".to_owned()
    } else {
        parts.join(": ")
    };
    Error::from(TransportError::new(kind, url.as_str(), detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_validates() {
        let e = Client::builder("not a url")
            .database("x")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("is not a URL"), "{e}");
        let e = Client::builder("ftp://h")
            .database("x")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("http://"), "{e}");
        let e = Client::builder("http://h").build().unwrap_err();
        assert!(e.to_string().contains(".database("), "{e}");
        let c = Client::builder("http://h:8069/odoo")
            .database("db")
            .build()
            .unwrap();
        assert_eq!(c.inner.jsonrpc_url.as_str(), "http://h:8069/odoo/jsonrpc");
    }

    #[test]
    fn debug_hides_url_credentials() {
        let c = Client::builder("http://admin:pw@h:8069")
            .database("db")
            .build()
            .unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("pw"), "{text}");
    }
}
