//! [`Client`]: one Odoo server and database, one pooled HTTP client.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use url::Url;

use crate::capabilities::Capabilities;
use crate::error::{ConfigError, Error, TransportError};
use crate::http::{Http, HttpConfig, Outgoing, RetryPolicy, Safety, TlsConfig};
use crate::transport::{CallSite, Transport, jsonrpc};
use crate::version::ServerVersion;

/// A connection to one Odoo server and database.
///
/// A `Client` holds no user identity: log in with [`Client::login`] or
/// [`Client::login_api_key`] to get a [`Session`](crate::Session) per user. Cloning is cheap
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
    /// The one HTTP layer every transport's requests pass through.
    pub(crate) http: Http,
    pub(crate) transport: Transport,
    /// JSON-2 method signatures, fetched once per model.
    pub(crate) json2_docs: crate::transport::json2::DocCache,
    /// What each user may read, per model (see `field_access`).
    pub(crate) field_access: crate::readable_fields::FieldAccessCache,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field(
                "url",
                &crate::error::redact_url(self.inner.http.base_url().as_str()),
            )
            .field("database", &self.inner.http.database())
            .field("transport", &self.inner.transport)
            .finish()
    }
}

/// Builds a [`Client`]. Setters take and return the builder; errors wait
/// until [`ClientBuilder::build`].
#[must_use]
#[derive(Clone)]
pub struct ClientBuilder {
    url: String,
    database: Option<String>,
    transport: Transport,
    timeout: Duration,
    connect_timeout: Duration,
    max_in_flight: usize,
    user_agent: String,
    retry: RetryPolicy,
    rate_limit: Option<(u32, u32)>,
    tls: TlsConfig,
    allow_insecure_http: bool,
}

impl fmt::Debug for ClientBuilder {
    // The URL may carry `user:password@`; the TLS identity holds a key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &crate::error::redact_url(&self.url))
            .field("database", &self.database)
            .field("transport", &self.transport)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_in_flight", &self.max_in_flight)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("tls", &self.tls)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
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
    /// together (default 16). Further calls wait for a free slot.
    ///
    /// The client lowers this limit when the server says it is overloaded
    /// (Odoo's `PoolError`, HTTP 429 or 503), halving it, then raises it by
    /// one per window of calls that succeed, back up to this ceiling.
    ///
    /// How to choose it:
    /// - A threaded Odoo (no `--workers`, the default) serves every request
    ///   from one pool of `db_maxconn` database connections (64 by
    ///   default), and one request may hold two of them while the web
    ///   client, crons and other integrations need theirs too. The default
    ///   of 16 leaves room for them; stay at or below `db_maxconn / 4` per
    ///   client.
    /// - A multi-process Odoo (`--workers N`) runs one request per worker at
    ///   a time: more than `N` calls in flight only wait in the server's
    ///   queue. Use at most `N`, less if others share the server.
    pub fn max_in_flight(mut self, calls: usize) -> Self {
        self.max_in_flight = calls;
        self
    }

    /// When failed calls are sent again (default [`RetryPolicy::default`]:
    /// only calls that provably did not run, or that only read; never a
    /// write that may have run). [`RetryPolicy::none`] turns retrying off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// At most `per_second` calls per second on average, with bursts of up
    /// to `burst`, for all the sessions of this client together (for
    /// instance to stay inside a hosted server's limits). Off by default.
    /// Retries count too. Both numbers must be at least 1.
    pub fn rate_limit(mut self, per_second: u32, burst: u32) -> Self {
        self.rate_limit = Some((per_second, burst));
        self
    }

    /// Trust the CA certificates of this PEM bundle besides the system's
    /// roots: for a server whose certificate comes from a private CA. May be
    /// called more than once. A malformed bundle is an [`Error::Config`]
    /// from [`ClientBuilder::build`].
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.roots.push(pem.into());
        self
    }

    /// Present this client certificate to servers that ask for one (mutual
    /// TLS): a PEM holding the certificate chain and its private key
    /// (PKCS#8, PKCS#1 or SEC1). It is never shown in `Debug` output or in
    /// errors.
    pub fn client_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.identity = Some(pem.into());
        self
    }

    /// Allow passwords, API keys and session cookies over plain `http://`
    /// to a host other than this machine (default `false`: such a call
    /// fails with [`Error::Config`] before anything is sent). Only for a
    /// network where nobody can listen. Loopback hosts (`localhost`,
    /// `127.0.0.1`, `::1`) are always allowed.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
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
        let http = Http::new(
            base_url,
            database,
            HttpConfig {
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                user_agent: self.user_agent,
                max_in_flight: self.max_in_flight,
                retry: self.retry,
                rate_limit: self.rate_limit,
                tls: self.tls,
                allow_insecure_http: self.allow_insecure_http,
            },
        )?;
        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                transport: self.transport,
                json2_docs: crate::transport::json2::DocCache::default(),
                field_access: crate::readable_fields::FieldAccessCache::default(),
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
            max_in_flight: 16,
            user_agent: concat!("odoo-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            rate_limit: None,
            tls: TlsConfig::default(),
            allow_insecure_http: false,
        }
    }

    /// The server's base URL.
    pub fn url(&self) -> &str {
        self.inner.http.base_url().as_str()
    }

    /// The database this client works on.
    pub fn database(&self) -> &str {
        self.inner.http.database()
    }

    /// The calls this client lets into flight now: the configured
    /// [`ClientBuilder::max_in_flight`], or less while the server has
    /// recently said it is overloaded.
    pub fn in_flight_limit(&self) -> usize {
        self.inner.http.in_flight_limit()
    }

    /// The transport setting this client was built with.
    pub fn transport(&self) -> Transport {
        self.inner.transport
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
        match jsonrpc::call(&self.inner.http, "common", "version", json!([]), site).await {
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

    pub(crate) async fn version_xmlrpc(&self) -> Result<ServerVersion, Error> {
        let site = CallSite {
            method: Some("version"),
            ..CallSite::default()
        };
        crate::transport::xmlrpc::call(&self.inner.http, "common", "version", &[], site)
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
        let url = self.inner.http.url("web/version")?;
        let outgoing = Outgoing::get(&url)
            .safety(Safety::ReadOnly)
            .what("/web/version");
        let reply = self.inner.http.exchange(&outgoing, Ok).await?;
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
        jsonrpc::call(&self.inner.http, "db", "list", json!([]), site)
            .await?
            .decode("db.list")
    }
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
        assert_eq!(
            c.inner.http.url("jsonrpc").unwrap().as_str(),
            "http://h:8069/odoo/jsonrpc"
        );
    }

    #[test]
    fn debug_hides_url_credentials() {
        let builder = Client::builder("http://admin:pw@h:8069").database("db");
        let text = format!("{builder:?}");
        assert!(!text.contains("pw"), "{text}");
        let c = builder.build().unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("pw"), "{text}");
    }
}
