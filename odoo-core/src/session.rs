//! [`Session`]: one authenticated user on a [`Client`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde_json::{Value, json};

use crate::capabilities::Capabilities;
use crate::client::Client;
use crate::error::{Error, ProtocolError};
use crate::fields::FieldInfo;
use crate::secret::Secret;
use crate::transport::web::WebState;
use crate::transport::{CallSite, Reply, Transport, json2, jsonrpc, web, xmlrpc};
use crate::value::Map;
use crate::version::ServerVersion;

/// How a session proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credential {
    Password,
    ApiKey,
}

/// How a session's calls travel, with that transport's own state.
pub(crate) enum Wire {
    JsonRpc,
    XmlRpc,
    /// The session's own cookie.
    Web(WebState),
    Json2,
}

impl Wire {
    fn transport(&self) -> Transport {
        match self {
            Wire::JsonRpc => Transport::JsonRpc,
            Wire::XmlRpc => Transport::XmlRpc,
            Wire::Web(_) => Transport::WebSession,
            Wire::Json2 => Transport::Json2,
        }
    }
}

/// What every session derived from one login shares (`with_context` gives
/// the same user another context, not another login).
struct Shared {
    wire: Wire,
    logged_out: AtomicBool,
}

/// Everything a session is made of, for the login code.
pub(crate) struct SessionParts {
    pub(crate) uid: i64,
    pub(crate) login: String,
    pub(crate) secret: Secret,
    pub(crate) credential: Credential,
    pub(crate) context: Map,
    pub(crate) server_version: Option<ServerVersion>,
    pub(crate) wire: Wire,
}

/// One authenticated user on a [`Client`]: their uid, their secret (never
/// printed) and their context (language, time zone, companies).
///
/// Every call made through a session runs as that user and carries that
/// user's context. Sessions are cheap to clone (an `Arc`) and safe to share
/// between tasks; many sessions share their client's connection pool.
///
/// ```no_run
/// # async fn run(client: odoo_core::Client) -> odoo_core::Result<()> {
/// use odoo_core::domain::field;
///
/// let alice = client.login("alice", "alice").await?;
/// let ids = alice.search("sale.order", field("state").eq("draft")).limit(10).await?;
/// let names: Vec<String> = alice
///     .search_read::<serde_json::Value>("sale.order", field("id").is_in(ids.clone()))
///     .fields(["name"])
///     .await?
///     .into_iter()
///     .map(|row| row["name"].as_str().unwrap_or_default().to_owned())
///     .collect();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

struct SessionInner {
    client: Client,
    uid: i64,
    login: String,
    secret: Secret,
    credential: Credential,
    context: Map,
    server_version: Option<ServerVersion>,
    shared: Arc<Shared>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("login", &self.inner.login)
            .field("uid", &self.inner.uid)
            .field("database", &self.inner.client.database())
            .field("transport", &self.transport())
            .field("credential", &self.inner.credential)
            .field("secret", &self.inner.secret)
            .field("context", &self.inner.context)
            .finish()
    }
}

impl Session {
    pub(crate) fn new(client: Client, parts: SessionParts) -> Self {
        Session {
            inner: Arc::new(SessionInner {
                client,
                uid: parts.uid,
                login: parts.login,
                secret: parts.secret,
                credential: parts.credential,
                context: parts.context,
                server_version: parts.server_version,
                shared: Arc::new(Shared {
                    wire: parts.wire,
                    logged_out: AtomicBool::new(false),
                }),
            }),
        }
    }

    /// The user's id.
    pub fn uid(&self) -> i64 {
        self.inner.uid
    }

    /// The login the session was opened with.
    pub fn login(&self) -> &str {
        &self.inner.login
    }

    /// The database.
    pub fn database(&self) -> &str {
        self.inner.client.database()
    }

    /// The client the session belongs to.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// The transport the session's calls use (never `Auto`: what `Auto`
    /// chose).
    pub fn transport(&self) -> Transport {
        self.inner.shared.wire.transport()
    }

    /// Whether [`Session::logout`] was called on this session (or on one
    /// derived from the same login).
    pub fn is_logged_out(&self) -> bool {
        self.inner.shared.logged_out.load(Ordering::Acquire)
    }

    /// Log out. On the web session the server forgets the cookie
    /// (`/web/session/destroy`); on every transport, later calls through this
    /// session (and the sessions derived from it with `with_context`) fail
    /// with [`Error::LoggedOut`] instead of reaching the server. Logging out
    /// twice is harmless.
    ///
    /// # Errors
    ///
    /// Transport errors from `/web/session/destroy`; the session is logged
    /// out locally all the same.
    pub async fn logout(&self) -> Result<(), Error> {
        if self.inner.shared.logged_out.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        tracing::debug!(target: "odoo::session", login = %self.inner.login, "logged out");
        self.inner.client.inner.field_access.forget(self.inner.uid);
        if let Wire::Web(state) = &self.inner.shared.wire {
            let (cookie, _) = state.current();
            web::destroy(&self.inner.client.inner.http, &cookie).await?;
        }
        Ok(())
    }

    /// The context every call carries (`lang`, `tz`, `uid`,
    /// `allowed_company_ids`, ...).
    pub fn context(&self) -> &Map {
        &self.inner.context
    }

    /// The user's language, e.g. `en_US`.
    pub fn lang(&self) -> Option<&str> {
        self.inner.context.get("lang").and_then(Value::as_str)
    }

    /// The user's time zone, e.g. `Europe/Brussels`, when set.
    pub fn tz(&self) -> Option<&str> {
        self.inner.context.get("tz").and_then(Value::as_str)
    }

    /// The companies the session's calls act for (`allowed_company_ids`).
    pub fn allowed_company_ids(&self) -> Vec<i64> {
        self.inner
            .context
            .get("allowed_company_ids")
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default()
    }

    /// The server's version, known when the session came from a login.
    pub fn server_version(&self) -> Option<&ServerVersion> {
        self.inner.server_version.as_ref()
    }

    /// What the server's version offers ([`Capabilities`]): JSON-2,
    /// `web_read`, `name_get`, the shape of `copy`, ... Known when the
    /// session came from a login (not from
    /// [`Client::session_for_uid`]).
    pub fn capabilities(&self) -> Option<Capabilities> {
        self.server_version()?.capabilities()
    }

    /// The same user with one more context key (e.g. `active_test: false`,
    /// `lang: "fr_FR"`). The original session is unchanged.
    pub fn with_context(&self, key: impl Into<String>, value: impl Into<Value>) -> Session {
        let mut context = self.inner.context.clone();
        context.insert(key.into(), value.into());
        self.with_full_context(context)
    }

    /// The same user acting for these companies (`allowed_company_ids`; the
    /// first is the current company).
    pub fn with_companies(&self, ids: impl IntoIterator<Item = i64>) -> Session {
        let ids: Vec<i64> = ids.into_iter().collect();
        self.with_context("allowed_company_ids", json!(ids))
    }

    fn with_full_context(&self, context: Map) -> Session {
        Session {
            inner: Arc::new(SessionInner {
                client: self.inner.client.clone(),
                uid: self.inner.uid,
                login: self.inner.login.clone(),
                secret: self.inner.secret.clone(),
                credential: self.inner.credential,
                context,
                server_version: self.inner.server_version.clone(),
                shared: self.inner.shared.clone(),
            }),
        }
    }

    /// Read the user's context after login: `res.users.context_get` (lang,
    /// tz, uid), and the user's login and current company, which becomes
    /// `allowed_company_ids` as in Odoo's web client.
    pub(crate) async fn load_user_context(&self) -> Result<(Map, Option<String>), Error> {
        let mut context: Map = self
            .execute("res.users", "context_get", &[], Map::new())
            .await?
            .decode("res.users.context_get")?;
        #[derive(serde::Deserialize)]
        struct UserRow {
            login: Option<String>,
            company_id: Option<crate::value::Many2one>,
        }
        let uid = context
            .get("uid")
            .and_then(Value::as_i64)
            .unwrap_or(self.uid());
        let rows: Vec<UserRow> = self
            .execute(
                "res.users",
                "read",
                &[json!([uid])],
                kwargs([("fields", json!(["login", "company_id"]))]),
            )
            .await?
            .decode("res.users")?;
        let row = rows.into_iter().next();
        let login = row.as_ref().and_then(|r| r.login.clone());
        if let Some(company) = row.and_then(|r| r.company_id) {
            context.insert("allowed_company_ids".into(), json!([company.id]));
        }
        Ok((context, login))
    }

    /// The same login with its context filled in.
    pub(crate) fn rebuilt_with_context(&self, context: Map) -> Session {
        self.with_full_context(context)
    }

    /// The same login, now knowing its uid (JSON-2 learns it after the
    /// first call).
    pub(crate) fn rebuilt_with_uid(&self, uid: i64, context: Map) -> Session {
        Session {
            inner: Arc::new(SessionInner {
                client: self.inner.client.clone(),
                uid,
                login: self.inner.login.clone(),
                secret: self.inner.secret.clone(),
                credential: self.inner.credential,
                context,
                server_version: self.inner.server_version.clone(),
                shared: self.inner.shared.clone(),
            }),
        }
    }

    /// Call `model.method(*args, **kwargs)` and return the raw result.
    ///
    /// The session's context is merged under `kwargs["context"]` (keys given
    /// there win). For typed results use [`Session::call`].
    ///
    /// # Errors
    ///
    /// [`Error::Server`] with the exception Odoo raised, and transport,
    /// protocol and access-denied errors.
    pub async fn execute_kw(
        &self,
        model: &str,
        method: &str,
        args: Vec<Value>,
        kwargs: Map,
    ) -> Result<Value, Error> {
        self.execute(model, method, &args, kwargs)
            .await?
            .decode(model)
    }

    /// Send a model call and return the undecoded reply.
    pub(crate) async fn execute(
        &self,
        model: &str,
        method: &str,
        args: &[Value],
        mut kwargs: Map,
    ) -> Result<Reply, Error> {
        let inner = &self.inner;
        if self.is_logged_out() {
            return Err(Error::from(crate::error::LoggedOutError::new(
                &inner.login,
                inner.client.database(),
            )));
        }
        self.merge_context(&mut kwargs);
        let site = CallSite {
            model: Some(model),
            method: Some(method),
            login: Some(&inner.login),
        };
        let client = &inner.client.inner.http;
        match &inner.shared.wire {
            Wire::JsonRpc => {
                jsonrpc::call(
                    client,
                    "object",
                    "execute_kw",
                    (
                        inner.client.database(),
                        inner.uid,
                        inner.secret.expose(),
                        model,
                        method,
                        args,
                        &kwargs,
                    ),
                    site,
                )
                .await
            }
            Wire::XmlRpc => {
                let params = xmlrpc::execute_kw_params(
                    inner.client.database(),
                    inner.uid,
                    inner.secret.expose(),
                    model,
                    method,
                    args,
                    &kwargs,
                );
                xmlrpc::call(client, "object", "execute_kw", &params, site).await
            }
            Wire::Web(state) => {
                let (cookie, generation) = state.current();
                match web::call_kw(client, &cookie, model, method, args, &kwargs, site).await {
                    // The server refused before running the method: log in
                    // again (once) and send the same call.
                    Err(e) if e.is_session_expired() => {
                        state
                            .renew(client, generation, &inner.login, &inner.secret)
                            .await?;
                        let (cookie, _) = state.current();
                        web::call_kw(client, &cookie, model, method, args, &kwargs, site).await
                    }
                    other => other,
                }
            }
            Wire::Json2 => {
                // Parameter names are needed only for positional arguments
                // beyond the ids: look them up then, and only then.
                let signature = match json2::known_signature(method) {
                    Some(known) => Some(known),
                    None if json2::needs_names(args) => json2::model_doc(
                        client,
                        &inner.client.inner.json2_docs,
                        &inner.secret,
                        model,
                    )
                    .await
                    .ok()
                    .and_then(|doc| doc.get(method).cloned()),
                    None => None,
                };
                let body = json2::named_body(model, method, args, kwargs, signature.as_ref())?;
                json2::call(client, &inner.secret, model, method, &body, site).await
            }
        }
    }

    /// Put the session's context under `kwargs["context"]`, below any keys
    /// the call set itself. No context at all sends no `context` key.
    fn merge_context(&self, kwargs: &mut Map) {
        if self.inner.context.is_empty() {
            return;
        }
        let mut merged = self.inner.context.clone();
        if let Some(Value::Object(own)) = kwargs.remove("context") {
            merged.extend(own);
        }
        kwargs.insert("context".into(), Value::Object(merged));
    }

    /// Create one record; returns its id.
    ///
    /// `values` is anything that serialises to a JSON object: a
    /// `serde_json::Map`, `json!({...})`, or a `#[derive(Serialize)]` struct.
    /// Only the keys given are sent, so Odoo fills its defaults for the rest.
    ///
    /// # Errors
    ///
    /// [`Error::Server`] (a `ValidationError` for a missing required field, a
    /// `ValueError` for a wrong selection value, ...), and transport errors.
    /// A create is sent again only when it provably did not run (HTTP 429
    /// or 503, `PoolError`, no connection): after a timeout or a lost
    /// answer it fails with [`Error::may_have_run`] `== true`.
    pub async fn create(&self, model: &str, values: &impl Serialize) -> Result<i64, Error> {
        let values = to_object(model, values)?;
        // JSON-RPC and XML-RPC answer an id; JSON-2 a list of one.
        match self
            .execute(model, "create", &[values], Map::new())
            .await?
            .decode::<Value>(model)?
        {
            Value::Number(n) if n.as_i64().is_some() => Ok(n.as_i64().unwrap_or_default()),
            Value::Array(ids) if ids.len() == 1 && ids[0].as_i64().is_some() => {
                Ok(ids[0].as_i64().unwrap_or_default())
            }
            other => Err(Error::from(ProtocolError::new(
                format!("{model}.create returned something other than an id"),
                other.to_string().as_bytes(),
            ))),
        }
    }

    /// Create several records in one call; returns their ids in order.
    ///
    /// # Errors
    ///
    /// As [`Session::create`]; Odoo creates all or none.
    pub async fn create_many<V: Serialize>(
        &self,
        model: &str,
        values: &[V],
    ) -> Result<Vec<i64>, Error> {
        let list: Vec<Value> = values
            .iter()
            .map(|v| to_object(model, v))
            .collect::<Result<_, _>>()?;
        let ids: Vec<i64> = self
            .execute(model, "create", &[Value::Array(list)], Map::new())
            .await?
            .decode(model)?;
        if ids.len() != values.len() {
            return Err(Error::from(ProtocolError::new(
                format!(
                    "{model}.create of {} records returned {} ids",
                    values.len(),
                    ids.len()
                ),
                json!(ids).to_string().as_bytes(),
            )));
        }
        Ok(ids)
    }

    /// Duplicate these records (`copy`), with `default` overriding values
    /// of the copies (e.g. `json!({"name": "Copy"})`); returns the new ids,
    /// in the order of `ids`, on every version.
    ///
    /// Odoo 18 and later copy several records in one call and answer a list;
    /// up to 17 `copy` takes one record and answers a bare id, so there the
    /// SDK sends one call per record ([`Capabilities::copy_returns_list`]).
    /// A session without a known version does the same (it works
    /// everywhere). No ids, no call.
    ///
    /// # Errors
    ///
    /// [`Error::Server`] (`MissingError`, `AccessError`, ...); an
    /// [`Error::Protocol`] when the server answers something other than ids.
    /// With one call per record, the copies made before a failure remain.
    pub async fn copy(
        &self,
        model: &str,
        ids: impl IntoIterator<Item = i64>,
        default: Option<&Value>,
    ) -> Result<Vec<i64>, Error> {
        let ids: Vec<i64> = ids.into_iter().collect();
        let mut kwargs = Map::new();
        if let Some(default) = default {
            kwargs.insert("default".into(), to_object(model, default)?);
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let batch = self
            .capabilities()
            .is_some_and(Capabilities::copy_returns_list);
        if batch || ids.len() == 1 {
            return self.copy_call(model, &ids, kwargs).await;
        }
        let mut copies = Vec::with_capacity(ids.len());
        for id in ids {
            copies.extend(self.copy_call(model, &[id], kwargs.clone()).await?);
        }
        Ok(copies)
    }

    /// One `copy` call; its answer (a bare id up to 17, a list from 18) as
    /// ids, one per record copied.
    async fn copy_call(&self, model: &str, ids: &[i64], kwargs: Map) -> Result<Vec<i64>, Error> {
        let answer: Value = self
            .execute(model, "copy", &[json!(ids)], kwargs)
            .await?
            .decode(model)?;
        let copies: Option<Vec<i64>> = match &answer {
            Value::Number(n) => n.as_i64().map(|id| vec![id]),
            Value::Array(list) => list.iter().map(Value::as_i64).collect(),
            _ => None,
        };
        match copies {
            Some(copies) if copies.len() == ids.len() => Ok(copies),
            _ => Err(Error::from(ProtocolError::new(
                format!(
                    "{model}.copy of {} records returned something other than {} ids",
                    ids.len(),
                    ids.len()
                ),
                answer.to_string().as_bytes(),
            ))),
        }
    }

    /// Write the same values on these records.
    ///
    /// # Errors
    ///
    /// [`Error::Server`]: `MissingError` for an id that does not exist,
    /// `AccessError` for a record the user may not change, ...
    pub async fn write(
        &self,
        model: &str,
        ids: impl IntoIterator<Item = i64>,
        values: &impl Serialize,
    ) -> Result<(), Error> {
        let ids: Vec<i64> = ids.into_iter().collect();
        let values = to_object(model, values)?;
        let reply = self
            .execute(model, "write", &[json!(ids), values], Map::new())
            .await?;
        expect_true(model, "write", &reply)
    }

    /// Delete these records.
    ///
    /// # Errors
    ///
    /// [`Error::Server`]: `MissingError`, `AccessError`, or a `UserError`
    /// when a business rule forbids it (a confirmed sale order, ...).
    pub async fn unlink(
        &self,
        model: &str,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<(), Error> {
        let ids: Vec<i64> = ids.into_iter().collect();
        let reply = self
            .execute(model, "unlink", &[json!(ids)], Map::new())
            .await?;
        expect_true(model, "unlink", &reply)
    }

    /// The model's fields and their attributes (`fields_get`), by name.
    ///
    /// `attributes` limits what the server sends (e.g. `["string", "type",
    /// "required"]`); empty asks for all of them.
    ///
    /// # Errors
    ///
    /// Server errors (an unknown model is
    /// [`ServerErrorKind::UnknownModel`](crate::ServerErrorKind::UnknownModel)).
    pub async fn fields_get(
        &self,
        model: &str,
        attributes: &[&str],
    ) -> Result<BTreeMap<String, FieldInfo>, Error> {
        let mut kwargs = Map::new();
        if !attributes.is_empty() {
            kwargs.insert("attributes".into(), json!(attributes));
        }
        self.execute(model, "fields_get", &[], kwargs)
            .await?
            .decode(model)
    }
}

/// Serialise `values` and check that it is a JSON object.
fn to_object(model: &str, values: &impl Serialize) -> Result<Value, Error> {
    match serde_json::to_value(values) {
        Ok(object @ Value::Object(_)) => Ok(object),
        Ok(other) => Err(Error::from(crate::error::ConfigError::new(format!(
            "values for {model} must be a JSON object of field names, got {}",
            crate::error::excerpt(other.to_string().as_bytes())
        )))),
        Err(e) => Err(Error::from(crate::error::ConfigError::new(format!(
            "values for {model} cannot be serialised: {e}"
        )))),
    }
}

/// `write` and `unlink` answer `true`; anything else is not Odoo.
fn expect_true(model: &str, method: &str, reply: &Reply) -> Result<(), Error> {
    match reply.decode::<Value>(model)? {
        Value::Bool(true) => Ok(()),
        other => Err(Error::from(ProtocolError::new(
            format!("{model}.{method} returned something other than true"),
            other.to_string().as_bytes(),
        ))),
    }
}

/// Build keyword arguments from pairs.
pub(crate) fn kwargs<const N: usize>(pairs: [(&str, Value); N]) -> Map {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
