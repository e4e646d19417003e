//! [`Client`]: one Odoo server and database, one pooled HTTP client.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use url::Url;

use crate::capabilities::Capabilities;
use crate::error::{AccessDeniedError, ConfigError, Error, TransportError, TransportErrorKind};
use crate::secret::Secret;
use crate::session::{Credential, Session, SessionParts, Wire};
use crate::transport::web::{self, WebState};
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
    /// JSON-2 method signatures per model, from `/doc-bearer/<model>.json`.
    pub(crate) json2_docs:
        std::sync::Mutex<std::collections::HashMap<String, Arc<crate::transport::json2::ModelDoc>>>,
    /// Which fields each user may read, per model (see `field_access`).
    pub(crate) field_access: crate::field_access::FieldAccessCache,
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
                json2_docs: std::sync::Mutex::new(std::collections::HashMap::new()),
                field_access: crate::field_access::FieldAccessCache::default(),
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
    /// With [`Transport::Auto`] (the default) this opens a web session, the
    /// fastest way to call Odoo with a password; with `JsonRpc` or `XmlRpc`
    /// it checks the credentials with `common.authenticate`. Either way the
    /// session knows the server's version and the user's context (language,
    /// time zone, company), which every call then carries.
    ///
    /// # Errors
    ///
    /// [`Error::AccessDenied`] for a wrong login or password;
    /// [`Error::Config`] for [`Transport::Json2`], which takes only API keys;
    /// transport and server errors as for any call.
    pub async fn login(&self, login: &str, password: impl Into<Secret>) -> Result<Session, Error> {
        let secret = password.into();
        let session = match self.inner.transport {
            Transport::Auto | Transport::WebSession => self.login_web(login, secret).await?,
            Transport::JsonRpc => {
                self.login_rpc(login, secret, Credential::Password, Wire::JsonRpc)
                    .await?
            }
            Transport::XmlRpc => {
                self.login_rpc(login, secret, Credential::Password, Wire::XmlRpc)
                    .await?
            }
            Transport::Json2 => {
                return Err(Error::from(ConfigError::new(
                    "JSON-2 authenticates with API keys only: call login_api_key, or choose \
                     another transport for a password",
                )));
            }
        };
        self.logged_in(&session);
        Ok(session)
    }

    /// Log in with an API key (Preferences > Account Security > New API
    /// Key).
    ///
    /// With [`Transport::Auto`] this uses JSON-2 on Odoo 19 and later, and
    /// JSON-RPC (which takes a key where it takes a password) before.
    ///
    /// # Errors
    ///
    /// [`Error::AccessDenied`] for a wrong key, or a key that belongs to
    /// another user than `login`; [`Error::Config`] for
    /// [`Transport::WebSession`], whose login does not take API keys.
    pub async fn login_api_key(
        &self,
        login: &str,
        key: impl Into<Secret>,
    ) -> Result<Session, Error> {
        let secret = key.into();
        let session = match self.inner.transport {
            Transport::Auto => {
                let version = self.version().await?;
                if version.capabilities().is_some_and(Capabilities::json2) {
                    self.login_json2(login, secret, Some(version)).await?
                } else {
                    self.login_rpc_with(
                        login,
                        secret,
                        Credential::ApiKey,
                        Wire::JsonRpc,
                        Some(version),
                    )
                    .await?
                }
            }
            Transport::JsonRpc => {
                self.login_rpc(login, secret, Credential::ApiKey, Wire::JsonRpc)
                    .await?
            }
            Transport::XmlRpc => {
                self.login_rpc(login, secret, Credential::ApiKey, Wire::XmlRpc)
                    .await?
            }
            Transport::Json2 => self.login_json2(login, secret, None).await?,
            Transport::WebSession => {
                return Err(Error::from(ConfigError::new(
                    "the web session login takes passwords, not API keys: call login, or \
                     choose JsonRpc, XmlRpc or Json2 for an API key",
                )));
            }
        };
        self.logged_in(&session);
        Ok(session)
    }

    /// What every successful login does last.
    fn logged_in(&self, session: &Session) {
        // A new login may come with new groups: learn again what the user
        // may read (every session of the user shares that knowledge).
        self.inner.field_access.forget(session.uid());
        tracing::debug!(
            target: "odoo::session",
            login = session.login(),
            uid = session.uid(),
            setting = self.inner.transport.name(),
            transport = session.transport().name(),
            "logged in"
        );
    }

    /// A session for a user whose uid is already known (for instance kept
    /// from an earlier login), without any call to the server.
    ///
    /// The secret is a password or API key for JSON-RPC (used for `Auto`
    /// and `WebSession`, which need a login call) and XML-RPC, and an API key
    /// for JSON-2. Nothing is checked: a wrong uid or secret surfaces as
    /// [`Error::AccessDenied`] on the first call. The session has an empty
    /// context and no server version.
    pub fn session_for_uid(&self, uid: i64, login: &str, secret: impl Into<Secret>) -> Session {
        let (wire, credential) = match self.inner.transport {
            Transport::XmlRpc => (Wire::XmlRpc, Credential::Password),
            Transport::Json2 => (Wire::Json2, Credential::ApiKey),
            _ => (Wire::JsonRpc, Credential::Password),
        };
        Session::new(
            self.clone(),
            SessionParts {
                uid,
                login: login.to_owned(),
                secret: secret.into(),
                credential,
                context: crate::Map::new(),
                server_version: None,
                wire,
            },
        )
    }

    /// `common.authenticate`, then the user's context, over JSON-RPC or
    /// XML-RPC.
    async fn login_rpc(
        &self,
        login: &str,
        secret: Secret,
        credential: Credential,
        wire: Wire,
    ) -> Result<Session, Error> {
        self.login_rpc_with(login, secret, credential, wire, None)
            .await
    }

    async fn login_rpc_with(
        &self,
        login: &str,
        secret: Secret,
        credential: Credential,
        wire: Wire,
        version: Option<ServerVersion>,
    ) -> Result<Session, Error> {
        let xml = matches!(wire, Wire::XmlRpc);
        let version = match version {
            Some(v) => v,
            None if xml => self.version_xmlrpc().await?,
            None => self.version().await?,
        };
        let site = CallSite {
            login: Some(login),
            method: Some("authenticate"),
            ..CallSite::default()
        };
        let reply = if xml {
            use crate::xmlrpc::XmlValue;
            let params = [
                XmlValue::String(self.database().to_owned()),
                XmlValue::String(login.to_owned()),
                XmlValue::String(secret.expose().to_owned()),
                XmlValue::Struct(Vec::new()),
            ];
            crate::transport::xmlrpc::call(&self.inner, "common", "authenticate", &params, site)
                .await?
        } else {
            jsonrpc::call(
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
            .await?
        };
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
        let parts = SessionParts {
            uid,
            login: login.to_owned(),
            secret,
            credential,
            context: crate::Map::new(),
            server_version: Some(version),
            wire,
        };
        self.with_user_context(parts).await
    }

    /// Read the user's context through a bare session, then build the real
    /// one with it.
    async fn with_user_context(&self, parts: SessionParts) -> Result<Session, Error> {
        let bare = Session::new(self.clone(), parts);
        let (context, _) = bare.load_user_context().await?;
        Ok(bare.rebuilt_with_context(context))
    }

    /// `/web/session/authenticate`: the session info carries the uid, the
    /// context, the version and the companies, in one call.
    async fn login_web(&self, login: &str, secret: Secret) -> Result<Session, Error> {
        let (cookie, info) = web::authenticate(&self.inner, login, &secret).await?;
        let Some(uid) = info.uid.filter(|uid| *uid > 0) else {
            return Err(Error::from(AccessDeniedError::new(
                Some(login),
                self.database(),
                None,
            )));
        };
        let mut context = info.user_context;
        if let Some(company) = info.user_companies.and_then(|c| c.current_company) {
            context.insert("allowed_company_ids".into(), json!([company]));
        }
        let version = ServerVersion {
            server_version: info.server_version.unwrap_or_default(),
            server_version_info: info.server_version_info,
            server_serie: String::new(),
            protocol_version: 1,
        };
        Ok(Session::new(
            self.clone(),
            SessionParts {
                uid,
                login: login.to_owned(),
                secret,
                credential: Credential::Password,
                context,
                server_version: Some(version),
                wire: Wire::Web(WebState::new(cookie)),
            },
        ))
    }

    /// JSON-2 has no login call: the key identifies the user. Ask who it is
    /// (`res.users.context_get` gives the uid) and check it is `login`.
    async fn login_json2(
        &self,
        login: &str,
        secret: Secret,
        version: Option<ServerVersion>,
    ) -> Result<Session, Error> {
        let version = match version {
            Some(v) => v,
            None => self.version().await?,
        };
        let bare = Session::new(
            self.clone(),
            SessionParts {
                uid: 0,
                login: login.to_owned(),
                secret,
                credential: Credential::ApiKey,
                context: crate::Map::new(),
                server_version: Some(version),
                wire: Wire::Json2,
            },
        );
        let (context, key_login) = bare.load_user_context().await?;
        let uid = context.get("uid").and_then(Value::as_i64).unwrap_or(0);
        if uid <= 0
            || !key_login
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(login))
        {
            return Err(Error::from(AccessDeniedError::new(
                Some(login),
                self.database(),
                None,
            )));
        }
        Ok(bare.rebuilt_with_uid(uid, context))
    }

    /// The server's version: `common.version` over JSON-RPC, or
    /// `/web/version` on servers without `/jsonrpc` (Odoo 22 on).
    ///
    /// # Errors
    ///
    /// Transport and protocol errors.
    pub async fn version(&self) -> Result<ServerVersion, Error> {
        if self.inner.transport == Transport::XmlRpc {
            return self.version_xmlrpc().await;
        }
        let site = CallSite {
            method: Some("version"),
            ..CallSite::default()
        };
        match jsonrpc::call(&self.inner, "common", "version", json!([]), site).await {
            Ok(reply) => reply.decode("common.version"),
            Err(Error::Transport(t)) if t.http_status() == Some(404) => {
                self.version_from_web().await
            }
            Err(e) => Err(e),
        }
    }

    /// What the server's version offers ([`Capabilities`]), from
    /// [`Client::version`]; `None` when the server's answer names no major
    /// version.
    ///
    /// # Errors
    ///
    /// As [`Client::version`].
    pub async fn capabilities(&self) -> Result<Option<Capabilities>, Error> {
        Ok(self.version().await?.capabilities())
    }

    async fn version_xmlrpc(&self) -> Result<ServerVersion, Error> {
        let site = CallSite {
            method: Some("version"),
            ..CallSite::default()
        };
        crate::transport::xmlrpc::call(&self.inner, "common", "version", &[], site)
            .await?
            .decode("common.version")
    }

    /// `GET /web/version` (Odoo 19+): `{"version_info": [...], "version": "19.0"}`.
    async fn version_from_web(&self) -> Result<ServerVersion, Error> {
        #[derive(serde::Deserialize)]
        struct WebVersion {
            version: String,
            version_info: Vec<Value>,
        }
        let url = self.inner.url("web/version")?;
        let reply = self
            .inner
            .send(
                self.inner.http.get(url.clone()),
                &url,
                "application/json",
                Vec::new(),
            )
            .await?;
        if reply.status != 200 {
            return Err(Error::from(TransportError::status(
                url.as_str(),
                reply.status,
                &reply.body,
            )));
        }
        let v: WebVersion = crate::decode::from_slice(&reply.body, "/web/version")?;
        Ok(ServerVersion {
            server_serie: v.version.clone(),
            server_version: v.version,
            server_version_info: v.version_info,
            protocol_version: 1,
        })
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

/// An HTTP answer, read whole.
pub(crate) struct HttpReply {
    pub(crate) status: u16,
    /// The `session_id` cookie the server set, if any.
    pub(crate) session_cookie: Option<Secret>,
    pub(crate) body: Bytes,
}

impl ClientInner {
    /// POST a JSON body, respecting the in-flight limit; returns the status
    /// and the whole body.
    pub(crate) async fn post_json(&self, url: &Url, body: Vec<u8>) -> Result<(u16, Bytes), Error> {
        let reply = self
            .send(self.http.post(url.clone()), url, "application/json", body)
            .await?;
        Ok((reply.status, reply.body))
    }

    /// Send a request (with its body and content type), respecting the
    /// in-flight limit, and read the whole answer.
    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
        url: &Url,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<HttpReply, Error> {
        let _permit = self.limiter.acquire().await.map_err(|_| {
            Error::from(TransportError::new(
                TransportErrorKind::Request,
                url.as_str(),
                "the client is shutting down",
            ))
        })?;
        let request = if body.is_empty() {
            request
        } else {
            request
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body)
        };
        let response = request.send().await.map_err(|e| transport_error(url, &e))?;
        let status = response.status().as_u16();
        let session_cookie = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|pair| pair.trim().strip_prefix("session_id="))
            .next_back()
            .map(Secret::new);
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(url, &e))?;
        Ok(HttpReply {
            status,
            session_cookie,
            body,
        })
    }

    /// `base_url` joined with a path such as `xmlrpc/2/object`.
    pub(crate) fn url(&self, path: &str) -> Result<Url, Error> {
        self.base_url.join(path).map_err(|e| {
            Error::from(ConfigError::new(format!(
                "cannot build the URL for {path}: {e}"
            )))
        })
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
