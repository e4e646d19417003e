//! Logging in: how a [`Client`] makes a [`Session`] with each transport.
//!
//! This sits above both: the client knows only its HTTP layer and the
//! session knows its client, so neither imports the other's construction.

use serde_json::{Value, json};

use crate::capabilities::Capabilities;
use crate::client::Client;
use crate::error::{AccessDeniedError, ConfigError, Error};
use crate::secret::Secret;
use crate::session::{Credential, Session, SessionParts, Wire};
use crate::transport::web::{self, WebState};
use crate::transport::{CallSite, Transport, jsonrpc};
use crate::version::ServerVersion;

impl Client {
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
    /// [`Error::Config`] for [`Transport::Json2`], which takes only API keys,
    /// and for a plain `http://` server that is not this machine unless the
    /// client allows it ([`ClientBuilder::allow_insecure_http`](crate::ClientBuilder::allow_insecure_http));
    /// transport and server errors as for any call.
    pub async fn login(&self, login: &str, password: impl Into<Secret>) -> Result<Session, Error> {
        self.inner.http.secrets_may_travel()?;
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
    /// [`Transport::WebSession`], whose login does not take API keys, and
    /// for a plain `http://` server that is not this machine (as for
    /// [`Client::login`]).
    pub async fn login_api_key(
        &self,
        login: &str,
        key: impl Into<Secret>,
    ) -> Result<Session, Error> {
        self.inner.http.secrets_may_travel()?;
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
            crate::transport::xmlrpc::call(
                &self.inner.http,
                "common",
                "authenticate",
                &params,
                site,
            )
            .await?
        } else {
            jsonrpc::call(
                &self.inner.http,
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
        let (cookie, info) = web::authenticate(&self.inner.http, login, &secret).await?;
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
}
