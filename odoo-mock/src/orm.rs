//! The transport-agnostic ORM entry points: authentication and `execute_kw`
//! with Odoo's argument binding, dispatching to the methods in [`crate::methods`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value, json};

use crate::faults::Fault;
use crate::field_access::{self, Operation::Read, Operation::Write};
use crate::methods::Env;
use crate::rules::{self, Perm, UserInfo};
use crate::store::{Schema, Store, as_id, as_ids, truthy};
use crate::version::{self, ConfirmAgain};

/// A user that can log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockUser {
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
    /// res.users id.
    pub uid: i64,
    /// Display name.
    pub name: String,
}

/// One `execute_kw` as received.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCall {
    /// The uid the call claimed.
    pub uid: i64,
    /// Model name.
    pub model: String,
    /// Method name.
    pub method: String,
    /// Positional arguments.
    pub args: Value,
    /// Keyword arguments.
    pub kwargs: Value,
    /// The protocol the call came by: `"jsonrpc"`, `"xmlrpc"`, `"web"` or `"json2"`.
    pub protocol: String,
}

/// One database: schema, records, credentials and the call log.
#[derive(Debug)]
pub struct Database {
    name: String,
    version: u32,
    schema: Arc<Schema>,
    store: Mutex<Store>,
    users: Vec<MockUser>,
    api_keys: Vec<(String, String)>,
    calls: Mutex<Vec<RecordedCall>>,
    version_info: Arc<Value>,
    session_info: Arc<Value>,
    handlers: crate::handlers::Handlers,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Database {
    /// A database named `name` over the embedded Odoo 18 demo data.
    ///
    /// # Panics
    /// If the embedded Odoo 18 dataset does not load (the crate's tests load it).
    pub fn new(name: impl Into<String>, api_keys: Vec<(String, String)>) -> Database {
        let data = crate::data::dataset(crate::data::DEFAULT_VERSION)
            .expect("the embedded Odoo 18 dataset loads");
        Database::from_dataset(data, name, api_keys)
    }

    /// A database named `name` over a copy of `data` (see [`crate::data::dataset`]).
    pub fn from_dataset(
        data: &crate::data::Dataset,
        name: impl Into<String>,
        api_keys: Vec<(String, String)>,
    ) -> Database {
        let store = data.store.clone();
        let users = store
            .tables
            .get("res.users")
            .map(|t| {
                t.records
                    .values()
                    .filter(|r| r.get("active").is_some_and(truthy))
                    .filter_map(|r| {
                        let login = r.get("login")?.as_str()?.to_string();
                        Some(MockUser {
                            password: login.clone(),
                            login,
                            uid: r.get("id").and_then(as_id)?,
                            name: r
                                .get("name")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Database {
            name: name.into(),
            version: data.version,
            schema: data.schema.clone(),
            store: Mutex::new(store),
            users,
            api_keys,
            calls: Mutex::new(Vec::new()),
            version_info: data.version_info.clone(),
            session_info: data.session_info.clone(),
            handlers: crate::handlers::Handlers::default(),
        }
    }

    /// Answer `model.method` with `handler` (before the built-in methods):
    /// see [`MockServerBuilder::method`](crate::MockServerBuilder::method).
    pub fn register_method(&mut self, model: &str, method: &str, handler: crate::MethodHandler) {
        self.handlers.insert(model, method, handler);
    }

    /// Whether the application registered `model.method`.
    pub fn has_method(&self, model: &str, method: &str) -> bool {
        self.handlers.get(model, method).is_some()
    }

    pub(crate) fn set_handlers(&mut self, handlers: crate::handlers::Handlers) {
        self.handlers = handlers;
    }

    /// The Odoo major version whose data the database holds (16-19).
    pub fn odoo_version(&self) -> u32 {
        self.version
    }

    /// The session info dict a web login of this version answers (alice's,
    /// as recorded); [`crate::protocol::web::session_info`] fills it per user.
    pub fn session_info_template(&self) -> &Value {
        &self.session_info
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Users that can log in.
    pub fn users(&self) -> Vec<MockUser> {
        self.users.clone()
    }

    /// Every execute_kw received so far.
    pub fn calls(&self) -> Vec<RecordedCall> {
        lock(&self.calls).clone()
    }

    /// How many recorded calls were `model.method`.
    pub fn call_count(&self, model: &str, method: &str) -> usize {
        lock(&self.calls)
            .iter()
            .filter(|c| c.model == model && c.method == method)
            .count()
    }

    /// Forget the recorded calls.
    pub fn clear_calls(&self) {
        lock(&self.calls).clear();
    }

    /// The uid of `login` if `secret` is its password or one of its API keys.
    pub fn authenticate(&self, login: &str, secret: &str) -> Option<i64> {
        let user = self.users.iter().find(|u| u.login == login)?;
        if user.password == secret || self.api_keys.iter().any(|(l, k)| l == login && k == secret) {
            Some(user.uid)
        } else {
            None
        }
    }

    /// Is `secret` valid for `uid`?
    pub fn check_credentials(&self, uid: i64, secret: &str) -> bool {
        self.users
            .iter()
            .find(|u| u.uid == uid)
            .is_some_and(|u| self.authenticate(&u.login, secret).is_some())
    }

    /// `common.version` / `/web/webclient/version_info`, as the real server
    /// of this version answered.
    pub fn version_info(&self) -> Value {
        (*self.version_info).clone()
    }

    /// `res.users.context_get` for `uid`.
    pub fn user_context(&self, uid: i64) -> Value {
        let store = lock(&self.store);
        let tz = store
            .get("res.users", uid)
            .and_then(|u| u.get("partner_id"))
            .and_then(as_id)
            .and_then(|p| store.get("res.partner", p))
            .and_then(|p| p.get("tz"))
            .cloned()
            .filter(truthy)
            .unwrap_or(Value::Bool(false));
        json!({"lang": "en_US", "tz": tz, "uid": uid})
    }

    /// The protocol entry point: record the call, check `uid`'s password or
    /// API key (AccessDenied otherwise), then [`Database::execute_kw`].
    /// Recorded with protocol `"jsonrpc"`; see [`Database::call_via`].
    ///
    /// # Errors
    /// The Odoo exception the call raises.
    pub fn call(
        &self,
        uid: i64,
        secret: &str,
        model: &str,
        method: &str,
        args: Vec<Value>,
        kwargs: Map<String, Value>,
    ) -> Result<Value, Fault> {
        self.call_via("jsonrpc", uid, secret, model, method, args, kwargs)
    }

    /// [`Database::call`] for a given protocol name (recorded in [`RecordedCall::protocol`]).
    ///
    /// # Errors
    /// The Odoo exception the call raises.
    #[allow(clippy::too_many_arguments)]
    pub fn call_via(
        &self,
        protocol: &str,
        uid: i64,
        secret: &str,
        model: &str,
        method: &str,
        args: Vec<Value>,
        kwargs: Map<String, Value>,
    ) -> Result<Value, Fault> {
        self.record_call(protocol, uid, model, method, &args, &kwargs);
        if !self.check_credentials(uid, secret) {
            return Err(Fault::access_denied());
        }
        self.execute_kw(uid, model, method, args, kwargs)
    }

    /// Record a model call in the call log without running it.
    pub fn record_call(
        &self,
        protocol: &str,
        uid: i64,
        model: &str,
        method: &str,
        args: &[Value],
        kwargs: &Map<String, Value>,
    ) {
        lock(&self.calls).push(RecordedCall {
            uid,
            model: model.to_string(),
            method: method.to_string(),
            args: Value::Array(args.to_vec()),
            kwargs: Value::Object(kwargs.clone()),
            protocol: protocol.to_string(),
        });
    }

    /// The uid owning the API key `key`, if any (API keys only, not passwords).
    pub fn uid_for_api_key(&self, key: &str) -> Option<i64> {
        let (login, _) = self.api_keys.iter().find(|(_, k)| k == key)?;
        self.users.iter().find(|u| &u.login == login).map(|u| u.uid)
    }

    /// Is `model` a known model?
    pub fn has_model(&self, model: &str) -> bool {
        self.schema.model(model).is_some()
    }

    /// The schema behind the database.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// A copy of record `id` of `model` as stored (no access check), if it exists.
    pub fn raw_record(&self, model: &str, id: i64) -> Option<Map<String, Value>> {
        lock(&self.store).get(model, id).cloned()
    }

    /// Is `uid` an administrator (superuser or Settings group)?
    pub fn is_admin(&self, uid: i64) -> bool {
        let store = lock(&self.store);
        UserInfo::load(&store, uid).is_some_and(|u| u.is_system())
    }

    /// Is `code` an installed (active) language of this database?
    pub fn lang_installed(&self, code: &str) -> bool {
        crate::system::lang_active(&lock(&self.store), code)
    }

    /// Run `model.method(*args, **kwargs)` as `uid` (credentials already checked).
    ///
    /// # Errors
    /// The Odoo exception the call raises.
    pub fn execute_kw(
        &self,
        uid: i64,
        model: &str,
        method: &str,
        args: Vec<Value>,
        kwargs: Map<String, Value>,
    ) -> Result<Value, Fault> {
        if self.schema.model(model).is_none() {
            return Err(Fault::user_error(format!("Object {model} doesn't exist")));
        }
        if method.starts_with('_') {
            return Err(Fault::access_error(format!(
                "Private methods (such as {method}) cannot be called remotely."
            )));
        }
        let mut kwargs = kwargs;
        let context = match kwargs.remove("context") {
            Some(Value::Object(c)) => c,
            _ => Map::new(),
        };
        if let Some(handler) = self.handlers.get(model, method) {
            let login = {
                let store = lock(&self.store);
                UserInfo::load(&store, uid).ok_or_else(Fault::access_denied)?;
                self.users
                    .iter()
                    .find(|u| u.uid == uid)
                    .map(|u| u.login.clone())
                    .unwrap_or_default()
            };
            let (ids, args) = crate::handlers::split_ids(args);
            let call = crate::handlers::MethodCall {
                uid,
                login,
                model: model.to_owned(),
                method: method.to_owned(),
                ids,
                args,
                kwargs,
                context,
            };
            // The store is not locked: a handler may take its time.
            return handler(&call);
        }
        let mut store = lock(&self.store);
        let Some(user) = UserInfo::load(&store, uid) else {
            return Err(Fault::access_denied());
        };
        let mut env = Env {
            schema: &self.schema,
            store: &mut store,
            user,
            context,
        };
        check_context(&env)?;
        dispatch(&mut env, model, method, args, kwargs)
    }
}

fn check_context(env: &Env<'_>) -> Result<(), Fault> {
    if let Some(lang) = env.context.get("lang") {
        if let Some(l) = lang.as_str() {
            if !crate::system::lang_active(env.store, l)
                && !version::of(env.schema.version).ignores_unknown_lang
            {
                return Err(Fault::user_error(format!("Invalid language code: {l}")));
            }
        }
    }
    if let Some(Value::Array(ids)) = env.context.get("allowed_company_ids") {
        for id in ids {
            let ok = as_id(id)
                .is_some_and(|i| env.user.is_superuser() || env.user.company_ids.contains(&i));
            if !ok {
                return Err(Fault::access_error(
                    "Access to unauthorized or invalid companies.",
                ));
            }
        }
    }
    Ok(())
}

/// Bound arguments by parameter name.
pub(crate) struct Bound(HashMap<&'static str, Value>);

impl Bound {
    pub(crate) fn get(&self, k: &str) -> &Value {
        self.0.get(k).unwrap_or(&Value::Null)
    }
    fn opt_str(&self, k: &str) -> Option<String> {
        self.get(k).as_str().map(str::to_string)
    }
    fn int(&self, k: &str) -> Option<i64> {
        as_id(self.get(k))
    }
    fn fields(&self, k: &str) -> Option<Vec<String>> {
        match self.get(k) {
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            Value::String(s) => Some(vec![s.clone()]),
            Value::Object(o) => Some(o.keys().cloned().collect()),
            _ => None,
        }
    }
}

/// Python-style binding of positional and keyword arguments.
/// `params`: (name, default); `None` default = required.
pub(crate) fn bind(
    qualname: &str,
    params: &[(&'static str, Option<Value>)],
    args: Vec<Value>,
    mut kwargs: Map<String, Value>,
    extra_kwargs: Option<&str>,
) -> Result<Bound, Fault> {
    let required = params.iter().filter(|(_, d)| d.is_none()).count();
    if args.len() > params.len() {
        let takes = if required == params.len() {
            format!("{}", params.len() + 1)
        } else {
            format!("from {} to {}", required + 1, params.len() + 1)
        };
        return Err(Fault::type_error(format!(
            "{qualname}() takes {takes} positional arguments but {} were given",
            args.len() + 1
        )));
    }
    let mut out = HashMap::new();
    let mut args = args.into_iter();
    for (name, default) in params {
        if let Some(v) = args.next() {
            if kwargs.contains_key(*name) {
                return Err(Fault::type_error(format!(
                    "{qualname}() got multiple values for argument '{name}'"
                )));
            }
            out.insert(*name, v);
        } else if let Some(v) = kwargs.remove(*name) {
            out.insert(*name, v);
        } else if let Some(d) = default {
            out.insert(*name, d.clone());
        } else {
            return Err(Fault::type_error(format!(
                "{qualname}() missing 1 required positional argument: '{name}'"
            )));
        }
    }
    if let Some((k, _)) = kwargs.into_iter().next() {
        let owner = extra_kwargs.unwrap_or(qualname);
        return Err(Fault::type_error(format!(
            "{owner}() got an unexpected keyword argument '{k}'"
        )));
    }
    Ok(Bound(out))
}

fn ids_of(v: &Value) -> Vec<i64> {
    match v {
        Value::Array(_) => as_ids(v),
        v => as_id(v).into_iter().collect(),
    }
}

/// Split `args` into (ids, rest) for a method on records.
pub(crate) fn record_args(args: Vec<Value>) -> Result<(Vec<i64>, Vec<Value>), Fault> {
    let mut it = args.into_iter();
    let Some(first) = it.next() else {
        return Err(Fault::new(
            "builtins.IndexError",
            "tuple index out of range",
        ));
    };
    Ok((ids_of(&first), it.collect()))
}

fn n() -> Option<Value> {
    Some(Value::Null)
}
fn f() -> Option<Value> {
    Some(Value::Bool(false))
}

fn dispatch(
    env: &mut Env<'_>,
    model: &str,
    method: &str,
    args: Vec<Value>,
    kwargs: Map<String, Value>,
) -> Result<Value, Fault> {
    let q = |m: &str| format!("BaseModel.{m}");
    let differences = version::of(env.schema.version);
    if !differences.has_method(method) {
        return Err(Fault::attribute_error(format!(
            "The method '{method}' does not exist on the model '{model}'"
        )));
    }
    if crate::system::handles(model, method) {
        return crate::system::call(env, model, method, args, kwargs);
    }
    match method {
        "name_get" => {
            let (ids, rest) = record_args(args)?;
            bind(&q("name_get"), &[], rest, kwargs, None)?;
            let names = vec!["display_name".to_string()];
            let rows = env.read(model, &ids, Some(&names), true)?;
            Ok(json!(
                rows.iter()
                    .map(|r| json!([
                        r.get("id").cloned().unwrap_or(Value::Null),
                        r.get("display_name").cloned().unwrap_or(Value::Bool(false))
                    ]))
                    .collect::<Vec<_>>()
            ))
        }
        "search" => {
            let b = bind(
                &q("search"),
                &[
                    ("domain", None),
                    ("offset", Some(json!(0))),
                    ("limit", n()),
                    ("order", n()),
                    ("count", f()),
                ],
                args,
                kwargs,
                None,
            )?;
            let domain = b.get("domain").clone();
            if truthy(b.get("count")) {
                return Ok(json!(env.filter(model, &domain, Perm::Read)?.len()));
            }
            let ids = env.search(
                model,
                &domain,
                b.int("offset").unwrap_or(0),
                b.int("limit"),
                b.opt_str("order").as_deref(),
            )?;
            Ok(json!(ids))
        }
        "search_count" => {
            let b = bind(
                &q("search_count"),
                &[("domain", None), ("limit", n())],
                args,
                kwargs,
                None,
            )?;
            rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Read)?;
            let mut c = env.filter(model, b.get("domain"), Perm::Read)?.len() as i64;
            if let Some(l) = b.int("limit").filter(|l| *l > 0) {
                c = c.min(l);
            }
            Ok(json!(c))
        }
        "search_read" => {
            let mut kwargs = kwargs;
            let load = kwargs
                .remove("load")
                .unwrap_or_else(|| json!("_classic_read"));
            let b = bind(
                &q("search_read"),
                &[
                    ("domain", n()),
                    ("fields", n()),
                    ("offset", Some(json!(0))),
                    ("limit", n()),
                    ("order", n()),
                ],
                args,
                kwargs,
                Some(differences.search_read_kwargs_owner),
            )?;
            let fields = b.fields("fields");
            // 17+ check the fields first; 16 searches, and reads nothing when nothing matches.
            let v16 = field_access::series(env.schema.version) < 17;
            if !v16 {
                field_access::check(env, model, fields.as_deref().unwrap_or_default(), Read)?;
            }
            let ids = env.search(
                model,
                b.get("domain"),
                b.int("offset").unwrap_or(0),
                b.int("limit"),
                b.opt_str("order").as_deref(),
            )?;
            if v16 && ids.is_empty() {
                return Ok(json!([]));
            }
            let classic = load.as_str() == Some("_classic_read");
            Ok(json!(env.read(model, &ids, fields.as_deref(), classic)?))
        }
        "search_fetch" => {
            let b = bind(
                &q("search_fetch"),
                &[
                    ("domain", None),
                    ("field_names", None),
                    ("offset", Some(json!(0))),
                    ("limit", n()),
                    ("order", n()),
                ],
                args,
                kwargs,
                None,
            )?;
            let ids = env.search(
                model,
                b.get("domain"),
                b.int("offset").unwrap_or(0),
                b.int("limit"),
                b.opt_str("order").as_deref(),
            )?;
            Ok(json!(ids))
        }
        "read" => {
            let (ids, rest) = record_args(args)?;
            let b = bind(
                &q("read"),
                &[("fields", n()), ("load", Some(json!("_classic_read")))],
                rest,
                kwargs,
                None,
            )?;
            let fields = b.fields("fields");
            let classic = b.get("load").as_str() == Some("_classic_read");
            Ok(json!(env.read(model, &ids, fields.as_deref(), classic)?))
        }
        "create" => {
            let b = bind(&q("create"), &[("vals_list", None)], args, kwargs, None)?;
            field_access::check_create(env, model, vals_of(b.get("vals_list")))?;
            match b.get("vals_list") {
                Value::Array(list) => {
                    let mut ids = Vec::new();
                    for v in list {
                        let Value::Object(vals) = v else {
                            return Err(Fault::type_error("'list' object is not a mapping"));
                        };
                        ids.push(create_one(env, model, vals)?);
                    }
                    Ok(json!(ids))
                }
                Value::Object(vals) => {
                    let vals = vals.clone();
                    Ok(json!(create_one(env, model, &vals)?))
                }
                other => Err(Fault::type_error(format!(
                    "'{}' object is not a mapping",
                    py_type_name(other)
                ))),
            }
        }
        "write" => {
            let (ids, rest) = record_args(args)?;
            let b = bind(&q("write"), &[("vals", None)], rest, kwargs, None)?;
            let Value::Object(vals) = b.get("vals").clone() else {
                return Err(Fault::type_error("'list' object is not a mapping"));
            };
            write(env, model, &ids, &vals)?;
            Ok(json!(true))
        }
        "unlink" => {
            let (ids, rest) = record_args(args)?;
            bind(&q("unlink"), &[], rest, kwargs, None)?;
            unlink(env, model, &ids)?;
            Ok(json!(true))
        }
        "exists" => {
            let (ids, rest) = record_args(args)?;
            bind(&q("exists"), &[], rest, kwargs, None)?;
            Ok(json!(env.existing(model, &ids)))
        }
        "fields_get" => {
            let b = bind(
                &q("fields_get"),
                &[("allfields", n()), ("attributes", n())],
                args,
                kwargs,
                None,
            )?;
            let mut fields = fields_get(
                env.schema,
                model,
                b.fields("allfields"),
                b.fields("attributes"),
            );
            if let Value::Object(m) = &mut fields {
                field_access::retain_readable(env, model, m);
            }
            Ok(fields)
        }
        "name_search" => {
            let mut kwargs = kwargs;
            if let Some(a) = kwargs.remove("args") {
                kwargs.insert("domain".into(), a);
            }
            let b = bind(
                &q("name_search"),
                &[
                    ("name", Some(json!(""))),
                    ("domain", n()),
                    ("operator", Some(json!("ilike"))),
                    ("limit", Some(json!(100))),
                ],
                args,
                kwargs,
                None,
            )?;
            name_search(
                env,
                model,
                &b.opt_str("name").unwrap_or_default(),
                b.get("domain"),
                &b.opt_str("operator").unwrap_or_else(|| "ilike".into()),
                b.int("limit"),
            )
        }
        "name_create" => {
            let b = bind(&q("name_create"), &[("name", None)], args, kwargs, None)?;
            let name = b.opt_str("name").unwrap_or_default();
            let mut vals = Map::new();
            if model == "res.partner" {
                if let (Some(lt), Some(gt)) = (name.find('<'), name.rfind('>')) {
                    if lt < gt {
                        vals.insert("name".into(), json!(name[..lt].trim()));
                        vals.insert("email".into(), json!(name[lt + 1..gt].trim()));
                    }
                }
            }
            if vals.is_empty() {
                vals.insert("name".into(), json!(name));
            }
            let id = create_one(env, model, &vals)?;
            Ok(json!([id, env.display_name(model, id)]))
        }
        "default_get" => {
            let b = bind(
                &q("default_get"),
                &[("fields_list", None)],
                args,
                kwargs,
                None,
            )?;
            env.default_get(model, &b.fields("fields_list").unwrap_or_default())
        }
        "copy" => {
            let (ids, rest) = record_args(args)?;
            let b = bind(&q("copy"), &[("default", n())], rest, kwargs, None)?;
            if !differences.copy_returns_id {
                return copy(env, model, &ids, b.get("default"));
            }
            // Up to 17, copy is single-record (`ensure_one`) and returns the new id.
            if ids.len() != 1 {
                let ids: Vec<Value> = ids.iter().map(|i| json!(i)).collect();
                return Err(Fault::value_error(format!(
                    "Expected singleton: {model}{}",
                    crate::faults::py_tuple(&ids)
                )));
            }
            let new = copy(env, model, &ids, b.get("default"))?;
            Ok(new.get(0).cloned().unwrap_or(Value::Bool(false)))
        }
        "check_access_rights" => {
            let b = bind(
                &q("check_access_rights"),
                &[("operation", None), ("raise_exception", Some(json!(true)))],
                args,
                kwargs,
                None,
            )?;
            let op = b.opt_str("operation").unwrap_or_default();
            let perm = Perm::parse(&op)
                .ok_or_else(|| Fault::value_error(format!("Invalid access mode: {op}")))?;
            if truthy(b.get("raise_exception")) {
                rules::check_model_access(env.schema, env.store, &env.user, model, perm)?;
                Ok(json!(true))
            } else {
                Ok(json!(rules::has_model_access(
                    env.store, &env.user, model, perm
                )))
            }
        }
        "check_access" | "has_access" | "check_access_rule" => {
            let (ids, rest) = record_args(args)?;
            let b = bind(&q(method), &[("operation", None)], rest, kwargs, None)?;
            let op = b.opt_str("operation").unwrap_or_default();
            let perm = Perm::parse(&op)
                .ok_or_else(|| Fault::value_error(format!("Invalid access mode: {op}")))?;
            let res = rules::check_model_access(env.schema, env.store, &env.user, model, perm)
                .and_then(|()| env.check_rules(model, &ids, perm, perm));
            match (method, res) {
                ("has_access", r) => Ok(json!(r.is_ok())),
                (_, Err(e)) => Err(e),
                ("check_access_rule", Ok(())) => Ok(Value::Null),
                (_, Ok(())) => Ok(Value::Null),
            }
        }
        "context_get" if model == "res.users" => {
            bind("ResUsers.context_get", &[], args, kwargs, None)?;
            let tz = env
                .store
                .get("res.users", env.user.uid)
                .and_then(|u| u.get("partner_id"))
                .and_then(as_id)
                .and_then(|p| env.store.get("res.partner", p))
                .and_then(|p| p.get("tz"))
                .cloned()
                .filter(truthy)
                .unwrap_or(Value::Bool(false));
            Ok(json!({"lang": "en_US", "tz": tz, "uid": env.user.uid}))
        }
        "action_confirm" | "action_cancel" | "action_draft" if model == "sale.order" => {
            let (ids, rest) = record_args(args)?;
            bind(&format!("SaleOrder.{method}"), &[], rest, kwargs, None)?;
            sale_order_action(env, method, &ids)
        }
        "formatted_read_group" if field_access::series(env.schema.version) >= 19 => {
            let b = bind(
                &q("formatted_read_group"),
                &[
                    ("domain", None),
                    ("groupby", Some(json!([]))),
                    ("aggregates", Some(json!([]))),
                    ("having", Some(json!([]))),
                    ("offset", Some(json!(0))),
                    ("limit", n()),
                    ("order", n()),
                ],
                args,
                kwargs,
                None,
            )?;
            crate::formatted_group::formatted_read_group(
                env,
                model,
                b.get("domain"),
                b.get("groupby"),
                b.get("aggregates"),
                b.get("having"),
                b.int("offset").unwrap_or(0),
                b.int("limit"),
                b.opt_str("order"),
            )
        }
        "read_group" => {
            let b = bind(
                &q("read_group"),
                &[
                    ("domain", None),
                    ("fields", None),
                    ("groupby", None),
                    ("offset", Some(json!(0))),
                    ("limit", n()),
                    ("orderby", f()),
                    ("lazy", Some(json!(true))),
                ],
                args,
                kwargs,
                None,
            )?;
            crate::groups::read_group(
                env,
                model,
                b.get("domain"),
                b.get("fields"),
                b.get("groupby"),
                b.int("offset").unwrap_or(0),
                b.int("limit"),
                b.opt_str("orderby"),
                truthy(b.get("lazy")),
            )
        }
        "web_read_group" => {
            let b = bind(
                &q("web_read_group"),
                &[
                    ("domain", None),
                    ("fields", None),
                    ("groupby", None),
                    ("limit", n()),
                    ("offset", Some(json!(0))),
                    ("orderby", f()),
                    ("lazy", Some(json!(true))),
                ],
                args,
                kwargs,
                None,
            )?;
            let all = crate::groups::read_group(
                env,
                model,
                b.get("domain"),
                b.get("fields"),
                b.get("groupby"),
                0,
                None,
                b.opt_str("orderby"),
                truthy(b.get("lazy")),
            )?;
            let length = all.as_array().map_or(0, Vec::len);
            let groups = crate::groups::read_group(
                env,
                model,
                b.get("domain"),
                b.get("fields"),
                b.get("groupby"),
                b.int("offset").unwrap_or(0),
                b.int("limit"),
                b.opt_str("orderby"),
                truthy(b.get("lazy")),
            )?;
            Ok(json!({"groups": groups, "length": length}))
        }
        "web_search_read" if differences.web_search_read_fields => {
            // 16: `web_search_read(domain=None, fields=None, ...)` is a search_read
            // (a dict given as `fields` is read for its keys).
            let b = bind(
                &format!("{}.web_search_read", differences.web_search_read_owner),
                &[
                    ("domain", n()),
                    ("fields", n()),
                    ("offset", Some(json!(0))),
                    ("limit", n()),
                    ("order", n()),
                    ("count_limit", n()),
                ],
                args,
                kwargs,
                None,
            )?;
            let fields = b.fields("fields");
            let offset = b.int("offset").unwrap_or(0);
            let limit = b.int("limit");
            let domain = match b.get("domain") {
                Value::Null => json!([]),
                d => d.clone(),
            };
            let ids = env.search(model, &domain, offset, limit, b.opt_str("order").as_deref())?;
            if ids.is_empty() {
                return Ok(json!({"length": 0, "records": []}));
            }
            let records = env.read(model, &ids, fields.as_deref(), true)?;
            let length = match limit.filter(|l| *l > 0) {
                Some(l) if ids.len() as i64 == l => {
                    let total = env.filter(model, &domain, Perm::Read)?.len() as i64;
                    match b.int("count_limit") {
                        Some(c) if c > 0 => total.min(c),
                        _ => total,
                    }
                }
                _ => ids.len() as i64 + offset,
            };
            Ok(json!({"length": length, "records": records}))
        }
        "web_search_read" => {
            let b = bind(
                &format!("{}.web_search_read", differences.web_search_read_owner),
                &[
                    ("domain", None),
                    ("specification", None),
                    ("offset", Some(json!(0))),
                    ("limit", n()),
                    ("order", n()),
                    ("count_limit", n()),
                ],
                args,
                kwargs,
                None,
            )?;
            let offset = b.int("offset").unwrap_or(0);
            let limit = b.int("limit");
            let spec = b
                .get("specification")
                .as_object()
                .cloned()
                .unwrap_or_default();
            // 17+ check the specification's fields before searching (`search_fetch`).
            if field_access::series(env.schema.version) >= 17 {
                let names: Vec<String> = spec.keys().cloned().collect();
                field_access::check(env, model, &names, Read)?;
            }
            let ids = env.search(
                model,
                b.get("domain"),
                offset,
                limit,
                b.opt_str("order").as_deref(),
            )?;
            let records = crate::web::web_read(env, model, &ids, &spec)?;
            let length = match limit.filter(|l| *l > 0) {
                Some(l) if ids.len() as i64 >= l => {
                    let total = env.filter(model, b.get("domain"), Perm::Read)?.len() as i64;
                    match b.int("count_limit") {
                        Some(c) if c > 0 => total.min(c),
                        _ => total,
                    }
                }
                _ => ids.len() as i64 + offset,
            };
            Ok(json!({"length": length, "records": records}))
        }
        "web_read" => {
            let (ids, rest) = record_args(args)?;
            let b = bind(
                &q("web_read"),
                &[("specification", None)],
                rest,
                kwargs,
                None,
            )?;
            let spec = b
                .get("specification")
                .as_object()
                .cloned()
                .unwrap_or_default();
            rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Read)?;
            let ids = env.existing(model, &ids);
            env.check_rules(model, &ids, Perm::Read, Perm::Read)?;
            Ok(json!(crate::web::web_read(env, model, &ids, &spec)?))
        }
        "web_save" => {
            let (ids, rest) = record_args(args)?;
            let b = bind(
                &q("web_save"),
                &[("vals", None), ("specification", None), ("next_id", n())],
                rest,
                kwargs,
                None,
            )?;
            let vals = b.get("vals").as_object().cloned().unwrap_or_default();
            let spec = b
                .get("specification")
                .as_object()
                .cloned()
                .unwrap_or_default();
            // Odoo reads after saving, in the same transaction: a refused read
            // undoes the save. The mock has no rollback, so it refuses first.
            let names: Vec<String> = spec.keys().cloned().collect();
            let ids = if ids.is_empty() {
                field_access::check_create(env, model, [&vals])?;
                field_access::check(env, model, &names, Read)?;
                vec![create_one(env, model, &vals)?]
            } else {
                field_access::check(env, model, &names, Read)?;
                write(env, model, &ids, &vals)?;
                ids
            };
            Ok(json!(crate::web::web_read(env, model, &ids, &spec)?))
        }
        _ => Err(Fault::attribute_error(format!(
            "The method '{method}' does not exist on the model '{model}'"
        ))),
    }
}

/// The value dicts of a `create` argument (a dict or a list of dicts).
fn vals_of(v: &Value) -> Vec<&Map<String, Value>> {
    match v {
        Value::Array(list) => list.iter().filter_map(Value::as_object).collect(),
        Value::Object(vals) => vec![vals],
        _ => vec![],
    }
}

fn py_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

fn write(
    env: &mut Env<'_>,
    model: &str,
    ids: &[i64],
    vals: &Map<String, Value>,
) -> Result<(), Fault> {
    rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Write)?;
    let meta = env.meta(model)?;
    let names: Vec<String> = vals.keys().cloned().collect();
    // Field groups: 16 and 17 check them before the record rules, 18+ after.
    let rules_first = field_access::series(env.schema.version) >= 18;
    if !rules_first {
        field_access::check(env, model, &names, Write)?;
    }
    env.check_fields(&meta, &names)?;
    let existing = env.existing(model, ids);
    let missing: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|i| !existing.contains(i))
        .collect();
    if !missing.is_empty() {
        return Err(Fault::missing_error(model, &missing, env.user.uid));
    }
    env.check_rules(model, &existing, Perm::Read, Perm::Read)?;
    env.check_rules(model, &existing, Perm::Write, Perm::Write)?;
    if rules_first {
        field_access::check(env, model, &names, Write)?;
    }
    env.write_vals(model, &existing, vals)
}

/// `create` of one record, and what Odoo's `create` of that model does
/// beside: a new `product.template` gets its variant, as
/// `ProductTemplate._create_variant_ids` gives a template without attribute
/// lines (the mock makes that one variant whatever the attribute lines),
/// and its `unlink` removes it again (the variant's required
/// `product_tmpl_id`).
fn create_one(env: &mut Env<'_>, model: &str, vals: &Map<String, Value>) -> Result<i64, Fault> {
    let id = env.create_one(model, vals)?;
    let has_variants = env
        .schema
        .model("product.product")
        .is_some_and(|m| m.field("product_tmpl_id").is_some());
    if model == "product.template" && has_variants {
        let mut variant = Map::new();
        variant.insert("product_tmpl_id".into(), json!(id));
        env.create_one("product.product", &variant)?;
    }
    Ok(id)
}

fn unlink(env: &mut Env<'_>, model: &str, ids: &[i64]) -> Result<(), Fault> {
    rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Unlink)?;
    let existing = env.existing(model, ids);
    let missing: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|i| !existing.contains(i))
        .collect();
    if !missing.is_empty() {
        return Err(Fault::missing_error(model, &missing, env.user.uid));
    }
    env.check_rules(model, &existing, Perm::Read, Perm::Read)?;
    env.check_rules(model, &existing, Perm::Unlink, Perm::Unlink)?;
    if model == "sale.order" {
        for id in &existing {
            let state = env
                .store
                .get(model, *id)
                .and_then(|r| r.get("state"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if state != "draft" && state != "cancel" {
                return Err(Fault::user_error(
                    "You can not delete a sent quotation or a confirmed sales order. You must first cancel it.",
                ));
            }
        }
    }
    env.delete_records(model, &existing);
    Ok(())
}

fn copy(env: &mut Env<'_>, model: &str, ids: &[i64], default: &Value) -> Result<Value, Fault> {
    let meta = env.meta(model)?;
    rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Read)?;
    let existing = env.existing(model, ids);
    env.check_rules(model, &existing, Perm::Read, Perm::Read)?;
    let mut out = Vec::new();
    for id in existing {
        let Some(rec) = env.store.get(model, id).cloned() else {
            continue;
        };
        let mut vals = Map::new();
        for (name, f) in &meta.fields {
            let copied = f.raw.get("copied").is_some_and(truthy);
            if !copied
                || !f.store
                || name == "id"
                || matches!(
                    name.as_str(),
                    "create_date" | "write_date" | "create_uid" | "write_uid"
                )
            {
                continue;
            }
            if f.ttype == "one2many" {
                let children = as_ids(&env.one2many_ids(&meta, &rec, name));
                let (Some(rel), Some(inv)) = (f.relation.clone(), f.relation_field.clone()) else {
                    continue;
                };
                let mut cmds = Vec::new();
                for c in children {
                    if let Some(cr) = env.store.get(&rel, c) {
                        let mut cv: Map<String, Value> = cr.clone();
                        cv.remove("id");
                        cv.remove(&inv);
                        cmds.push(json!([0, 0, cv]));
                    }
                }
                vals.insert(name.clone(), json!(cmds));
                continue;
            }
            if let Some(v) = rec.get(name) {
                vals.insert(name.clone(), v.clone());
            }
        }
        if model == "sale.order" {
            for k in ["name", "state", "date_order", "user_id", "client_order_ref"] {
                if k != "client_order_ref" {
                    vals.remove(k);
                }
            }
        }
        if model == "res.partner" {
            if let Some(n) = rec.get("name").and_then(Value::as_str) {
                vals.insert("name".into(), json!(format!("{n} (copy)")));
            }
            vals.remove("complete_name");
        }
        if let Value::Object(d) = default {
            for (k, v) in d {
                vals.insert(k.clone(), v.clone());
            }
        }
        // drop unknown/computed store-only keys create would not accept
        let vals: Map<String, Value> = vals
            .into_iter()
            .filter(|(k, _)| meta.field(k).is_some())
            .collect();
        out.push(create_one(env, model, &vals)?);
    }
    Ok(json!(out))
}

fn sale_order_action(env: &mut Env<'_>, method: &str, ids: &[i64]) -> Result<Value, Fault> {
    rules::check_model_access(env.schema, env.store, &env.user, "sale.order", Perm::Write)?;
    let existing = env.existing("sale.order", ids);
    env.check_rules("sale.order", &existing, Perm::Read, Perm::Read)?;
    let states: Vec<String> = existing
        .iter()
        .map(|id| {
            env.store
                .get("sale.order", *id)
                .and_then(|r| r.get("state"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let (new_state, allowed): (&str, &[&str]) = match method {
        "action_confirm" => ("sale", &["draft", "sent"]),
        "action_cancel" => ("cancel", &["draft", "sent", "sale"]),
        _ => ("draft", &["cancel", "sent"]),
    };
    if method == "action_confirm" {
        let refused = |s: &String| !allowed.contains(&s.as_str());
        match version::of(env.schema.version).confirm_again {
            ConfirmAgain::Refuse if states.iter().any(refused) => {
                return Err(Fault::user_error(
                    "Some orders are not in a state requiring confirmation.",
                ));
            }
            ConfirmAgain::RefuseNamed if states.iter().any(refused) => {
                let names: Vec<String> = existing
                    .iter()
                    .zip(&states)
                    .filter(|(_, s)| refused(s))
                    .map(|(id, _)| {
                        env.store
                            .get("sale.order", *id)
                            .and_then(|r| r.get("name"))
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string()
                    })
                    .collect();
                return Err(Fault::user_error(format!(
                    "The following orders are not in a state requiring confirmation: {}",
                    names.join(", ")
                )));
            }
            ConfirmAgain::Confirm if states.iter().any(|s| s == "done" || s == "cancel") => {
                // 16's `_get_forbidden_state_confirm()` (a set: its order is Python's).
                return Err(Fault::user_error(
                    "It is not allowed to confirm an order in the following states: done, cancel",
                ));
            }
            _ => {}
        }
    }
    let mut vals = Map::new();
    vals.insert("state".into(), json!(new_state));
    if method == "action_confirm" {
        vals.insert("date_order".into(), json!(crate::methods::now_string()));
    }
    env.write_vals("sale.order", &existing, &vals)?;
    Ok(json!(true))
}

fn name_search(
    env: &Env<'_>,
    model: &str,
    name: &str,
    domain: &Value,
    operator: &str,
    limit: Option<i64>,
) -> Result<Value, Fault> {
    let meta = env.meta(model)?;
    rules::check_model_access(env.schema, env.store, &env.user, model, Perm::Read)?;
    let mut ids = env.filter(model, domain, Perm::Read)?;
    if !name.is_empty() || !matches!(operator, "ilike" | "like") {
        let negative = operator.starts_with("not") || operator == "!=";
        ids.retain(|id| {
            let dn = env.display_name(model, *id);
            let hit = match operator.trim_start_matches("not ").trim_start_matches('!') {
                "=" => dn == name,
                "=ilike" => crate::domain::like(name, &dn, true),
                "=like" => crate::domain::like(name, &dn, false),
                "like" => dn.contains(name),
                _ => dn.to_lowercase().contains(&name.to_lowercase()),
            };
            hit != negative
        });
    }
    env.sort_ids(&meta, &mut ids, None)?;
    if let Some(l) = limit.filter(|l| *l > 0) {
        ids.truncate(usize::try_from(l).unwrap_or(usize::MAX));
    }
    Ok(json!(
        ids.iter()
            .map(|id| json!([id, env.display_name(model, *id)]))
            .collect::<Vec<_>>()
    ))
}

/// `fields_get`: the captured answer for the models that have one, derived otherwise.
pub fn fields_get(
    schema: &Schema,
    model: &str,
    allfields: Option<Vec<String>>,
    attributes: Option<Vec<String>>,
) -> Value {
    let full: Map<String, Value> = match schema.fields_get.get(model) {
        Some(m) => m.clone(),
        None => schema
            .model(model)
            .map(|meta| {
                meta.fields
                    .values()
                    .map(|f| (f.name.clone(), Value::Object(derive_field(f))))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut out = Map::new();
    for (name, desc) in full {
        if let Some(all) = &allfields {
            if !all.is_empty() && !all.contains(&name) {
                continue;
            }
        }
        let desc = match (&attributes, desc) {
            (Some(attrs), Value::Object(d)) if !attrs.is_empty() => {
                Value::Object(d.into_iter().filter(|(k, _)| attrs.contains(k)).collect())
            }
            (_, d) => d,
        };
        out.insert(name, desc);
    }
    Value::Object(out)
}

fn derive_field(f: &crate::store::FieldMeta) -> Map<String, Value> {
    let raw = &f.raw;
    let b = |k: &str| raw.get(k).is_some_and(truthy);
    let mut d = Map::new();
    d.insert("change_default".into(), json!(false));
    d.insert("company_dependent".into(), json!(b("company_dependent")));
    d.insert("default_export_compatible".into(), json!(false));
    let depends: Vec<Value> = raw
        .get("depends")
        .and_then(Value::as_str)
        .map(|s| s.split(',').map(|p| json!(p.trim())).collect())
        .unwrap_or_default();
    d.insert("depends".into(), json!(depends));
    d.insert("exportable".into(), json!(true));
    let sortable = f.store
        && !f.is_x2many()
        && !matches!(
            f.ttype.as_str(),
            "binary" | "html" | "text" | "json" | "properties"
        );
    d.insert(
        "groupable".into(),
        json!(
            f.store
                && !matches!(
                    f.ttype.as_str(),
                    "binary" | "one2many" | "html" | "text" | "json" | "properties"
                )
        ),
    );
    d.insert(
        "manual".into(),
        json!(raw.get("state").and_then(Value::as_str) == Some("manual")),
    );
    d.insert("name".into(), json!(f.name));
    d.insert("readonly".into(), json!(f.readonly));
    d.insert("required".into(), json!(f.required));
    // Stored, or with a search method (the schema's `selectable`).
    d.insert("searchable".into(), json!(f.store || f.selectable));
    d.insert("sortable".into(), json!(sortable));
    d.insert("store".into(), json!(f.store));
    d.insert("string".into(), json!(f.string));
    d.insert("type".into(), json!(f.ttype));
    if let Some(h) = f.help.as_ref().filter(|h| !h.is_empty()) {
        d.insert("help".into(), json!(h));
    }
    if let Some(rel) = &f.relation {
        d.insert("relation".into(), json!(rel));
        d.insert("context".into(), json!({}));
        let dom = raw
            .get("domain")
            .and_then(Value::as_str)
            .filter(|s| *s != "[]");
        d.insert("domain".into(), dom.map_or(json!([]), |s| json!(s)));
    }
    if let Some(rf) = &f.relation_field {
        d.insert("relation_field".into(), json!(rf));
    }
    if f.ttype == "selection" {
        let sel: Vec<Value> = f.selection.iter().map(|(k, v)| json!([k, v])).collect();
        d.insert("selection".into(), json!(sel));
    }
    if matches!(f.ttype.as_str(), "char" | "text" | "html") {
        d.insert("translate".into(), json!(b("translate")));
    }
    if f.ttype == "char" {
        d.insert("trim".into(), json!(true));
    }
    if matches!(f.ttype.as_str(), "integer" | "float" | "monetary") && f.name != "id" && f.store {
        d.insert("aggregator".into(), json!("sum"));
    }
    if f.ttype == "monetary" {
        if let Some(c) = raw.get("currency_field").and_then(Value::as_str) {
            d.insert("currency_field".into(), json!(c));
        }
    }
    if f.ttype == "binary" {
        d.insert("attachment".into(), json!(true));
    }
    if let Some(Value::Array(g)) = raw.get("groups") {
        if !g.is_empty() {
            let names: Vec<String> = g
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect();
            d.insert("groups".into(), json!(names.join(",")));
        }
    }
    if let Some(r) = raw.get("related").and_then(Value::as_str) {
        d.insert("related".into(), json!(r));
    }
    d
}
