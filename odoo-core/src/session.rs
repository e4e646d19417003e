//! [`Session`]: one authenticated user on a [`Client`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::calls::{Call, NameSearch, Read, Search, SearchCount, SearchRead};
use crate::client::Client;
use crate::domain::Domain;
use crate::error::{Error, ProtocolError};
use crate::fields::FieldInfo;
use crate::secret::Secret;
use crate::transport::{CallSite, Reply, Transport, jsonrpc};
use crate::value::Map;
use crate::version::ServerVersion;

/// How a session proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credential {
    Password,
    ApiKey,
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
    pub(crate) fn new(
        client: Client,
        uid: i64,
        login: String,
        secret: Secret,
        credential: Credential,
        context: Map,
        server_version: Option<ServerVersion>,
    ) -> Self {
        Session {
            inner: Arc::new(SessionInner {
                client,
                uid,
                login,
                secret,
                credential,
                context,
                server_version,
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

    /// The transport the session's calls use.
    pub fn transport(&self) -> Transport {
        self.inner.client.transport().resolve()
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
        Session::new(
            self.inner.client.clone(),
            self.inner.uid,
            self.inner.login.clone(),
            self.inner.secret.clone(),
            self.inner.credential,
            context,
            self.inner.server_version.clone(),
        )
    }

    /// Read the user's context after login: `res.users.context_get` (lang,
    /// tz, uid) and the current company as `allowed_company_ids`, as Odoo's
    /// web client does.
    pub(crate) async fn load_user_context(&self) -> Result<Map, Error> {
        let mut context: Map = self
            .execute("res.users", "context_get", &[], Map::new())
            .await?
            .decode("res.users.context_get")?;
        #[derive(serde::Deserialize)]
        struct UserCompany {
            company_id: Option<crate::value::Many2one>,
        }
        let rows: Vec<UserCompany> = self
            .execute(
                "res.users",
                "read",
                &[json!([self.uid()])],
                kwargs([("fields", json!(["company_id"]))]),
            )
            .await?
            .decode("res.users")?;
        if let Some(company) = rows.into_iter().next().and_then(|row| row.company_id) {
            context.insert("allowed_company_ids".into(), json!([company.id]));
        }
        Ok(context)
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
        self.merge_context(&mut kwargs);
        let site = CallSite {
            model: Some(model),
            method: Some(method),
            login: Some(&self.inner.login),
        };
        let inner = &self.inner;
        match self.transport() {
            Transport::JsonRpc | Transport::Auto => {
                jsonrpc::call(
                    &inner.client.inner,
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

    /// Any public model method: `session.call("sale.order", "action_confirm").arg([22]).await`.
    pub fn call<'s>(&'s self, model: &str, method: &str) -> Call<'s> {
        Call::new(self, model, method)
    }

    /// Ids of the records matching `domain` (`search`). Chain `.offset()`,
    /// `.limit()`, `.order()` before `.await`.
    pub fn search<'s>(&'s self, model: &str, domain: impl Into<Domain>) -> Search<'s> {
        Search::new(self, model, domain.into())
    }

    /// Rows of the records matching `domain`, decoded into `T`
    /// (`search_read`). Chain `.fields()`, `.offset()`, `.limit()`,
    /// `.order()` before `.await`. Without `.fields()` Odoo sends every
    /// field, which is slow on large models.
    pub fn search_read<'s, T: DeserializeOwned>(
        &'s self,
        model: &str,
        domain: impl Into<Domain>,
    ) -> SearchRead<'s, T> {
        SearchRead::new(self, model, domain.into())
    }

    /// How many records match `domain` (`search_count`).
    pub fn search_count<'s>(&'s self, model: &str, domain: impl Into<Domain>) -> SearchCount<'s> {
        SearchCount::new(self, model, domain.into())
    }

    /// The rows of these ids, decoded into `T`, in the order of `ids`
    /// (`read`). Chain `.fields()` before `.await`.
    ///
    /// Odoo answers a read of a deleted id with no row and no error; this
    /// read notices and fails with [`Error::MissingRecords`] naming the ids.
    pub fn read<'s, T: DeserializeOwned>(
        &'s self,
        model: &str,
        ids: impl IntoIterator<Item = i64>,
    ) -> Read<'s, T> {
        Read::new(self, model, ids.into_iter().collect())
    }

    /// `(id, display name)` of the records whose name matches (`name_search`).
    pub fn name_search<'s>(&'s self, model: &str, name: &str) -> NameSearch<'s> {
        NameSearch::new(self, model, name)
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
    /// A create is never retried by the SDK: after a timeout it may have run.
    pub async fn create(&self, model: &str, values: &impl Serialize) -> Result<i64, Error> {
        let values = to_object(model, values)?;
        self.execute(model, "create", &[values], Map::new())
            .await?
            .decode(model)
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
