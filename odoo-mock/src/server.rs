//! The HTTP server: axum router, startup, shutdown and request counting.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::post;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::injection::{Connection, FaultInjector, FaultSpec, KillableListener};
use crate::orm::{Database, MockUser, RecordedCall};
use crate::protocol::web::{self, WebSessions};
use crate::protocol::{Reply, json2, jsonrpc, xmlrpc};

/// Shared state of one running server.
#[derive(Debug)]
struct AppState {
    db: Database,
    version: u32,
    url: String,
    sessions: WebSessions,
    requests: AtomicU64,
    faults: FaultInjector,
    pool: Option<crate::pool::ConnectionPool>,
}

type Shared = Arc<AppState>;

/// A running mock Odoo server. Dropping it shuts the server down.
#[derive(Debug)]
pub struct MockServer {
    url: String,
    state: Shared,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Configures a [`MockServer`] before it starts.
#[derive(Debug, Clone, Default)]
pub struct MockServerBuilder {
    port: u16,
    database: Option<String>,
    api_keys: Vec<(String, String)>,
    version: Option<u32>,
    handlers: crate::handlers::Handlers,
    faults: Vec<FaultSpec>,
    fault_seed: Option<u64>,
    pool: Option<(usize, std::time::Duration)>,
    schema: Option<std::path::PathBuf>,
    data: Option<std::path::PathBuf>,
}

impl MockServerBuilder {
    /// Listen on this port of 127.0.0.1 (0, the default, picks a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The database name (default `odoo18`, whatever the version).
    pub fn database(mut self, name: impl Into<String>) -> Self {
        self.database = Some(name.into());
        self
    }

    /// The Odoo version to imitate: 16, 17, 18 (the default) or 19.
    ///
    /// Each version serves its own dataset: that version's whole schema
    /// (every model and field: 377 models on 18), demo records, captured `fields_get`
    /// answers, session info and version strings, with its users' ids
    /// (admin 2 everywhere; alice 8 and bob 9 on 16-18, alice 7 and bob 8 on
    /// 19: see [`MockServer::users`]) and its group ids.
    ///
    /// As 16-18, `/json/2/...` answers a 303 redirect to `/web/login` and
    /// `/web/version` a 404 page, like a real Odoo 18. As 19, JSON-2,
    /// `/web/version`, `/json/version` and `/doc-bearer/...` work and
    /// JSON-RPC errors carry code 0 instead of 200. 16 and 17 answer with
    /// their recorded differences (no `web_read` on 16, `copy` returning one
    /// id, `name_get`, their error texts: see [`crate::version`]).
    ///
    /// Any other version makes [`MockServerBuilder::start`] fail.
    pub fn odoo_version(mut self, version: u32) -> Self {
        self.version = Some(version);
        self
    }

    /// Serve the models and fields of this schema file instead of the
    /// embedded one: the file `odoo-codegen dump` writes from your own
    /// server (`.json`, or gzip-compressed `.json.gz`), custom `x_` models
    /// and fields included. The Odoo version imitated is the one the schema
    /// was dumped from (its `server_version_info`); asking another with
    /// [`MockServerBuilder::odoo_version`] makes `start` fail. Without
    /// [`MockServerBuilder::data`], the records are that version's demo data.
    ///
    /// The file is read and checked by [`MockServerBuilder::start`], once
    /// per process while it does not change; a malformed file fails there
    /// with an error naming the file and the place.
    pub fn schema(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.schema = Some(path.into());
        self
    }

    /// Serve your own records: a directory of `<model>.json` files, each a
    /// JSON array of records in the format of the `demo/` exports (what
    /// admin's `search_read` returns: many2one as `[id, name]` or `false`,
    /// x2many as id lists, dates as `"YYYY-MM-DD"`). A model with a file
    /// gets exactly those records; every other model keeps the version's
    /// demo records (its users, groups, companies, countries, ...). Give
    /// `res.users` with `res.groups`, `ir.model.access` and `ir.rule` if you
    /// replace the groups: access rules follow groups by name. Every user
    /// logs in with their login as password.
    ///
    /// Each row is checked against the schema when the server starts: an
    /// unknown model or field, or a value of the wrong type, fails `start`
    /// with an error naming the file, the row and the field.
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// let server = odoo_mock::MockServer::builder()
    ///     .schema("tests/odoo_schema.json")
    ///     .data("tests/odoo_data")
    ///     .start()
    ///     .await?;
    /// # drop(server);
    /// # Ok(()) }
    /// ```
    pub fn data(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.data = Some(dir.into());
        self
    }

    /// Answer `model.method` with `handler`, over every protocol, before
    /// the built-in methods: an application's own buttons and server
    /// actions, so that its tests run with no Odoo. The handler gets the
    /// calling user, the ids, the other arguments, the keyword arguments and
    /// the context; it returns the result or the Odoo exception to raise.
    /// The model must be one of the schema's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use odoo_mock::{Fault, MockServer};
    /// use serde_json::json;
    ///
    /// let server = MockServer::builder()
    ///     .method("sale.order", "action_send_to_warehouse", |call| {
    ///         if call.ids.is_empty() {
    ///             return Err(Fault::user_error("Nothing to send."));
    ///         }
    ///         Ok(json!({"sent": call.ids, "by": call.login}))
    ///     })
    ///     .start()
    ///     .await?;
    /// # drop(server);
    /// # Ok(()) }
    /// ```
    pub fn method(
        mut self,
        model: &str,
        method: &str,
        handler: impl Fn(&crate::MethodCall) -> Result<serde_json::Value, crate::Fault>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.handlers
            .insert(model, method, std::sync::Arc::new(handler));
        self
    }

    /// Give `login` an API key, usable in place of its password.
    pub fn api_key(mut self, login: impl Into<String>, key: impl Into<String>) -> Self {
        self.api_keys.push((login.into(), key.into()));
        self
    }

    /// Inject `spec` from the start (a parsed `--fault KIND:N` or
    /// `KIND:P%`; see [`MockServer::faults`] to arm faults later).
    pub fn fault(mut self, spec: FaultSpec) -> Self {
        self.faults.push(spec);
        self
    }

    /// The seed of the injected fractions (default
    /// [`crate::injection::DEFAULT_SEED`]): the same seed fails the same
    /// requests of the same sequence.
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.fault_seed = Some(seed);
        self
    }

    /// Serve like a threaded Odoo whose database pool holds `connections`
    /// (`db_maxconn`; Odoo's default is 64, and one request may hold two):
    /// each RPC request holds a connection for at least `service_time`, and
    /// a request that finds none free fails with `PoolError` before its
    /// method runs, as real Odoo 17-19 answer it (on 16, an HTML 500 page).
    /// Off by default: then any number of requests run at once.
    pub fn db_maxconn(mut self, connections: usize, service_time: std::time::Duration) -> Self {
        self.pool = Some((connections, service_time));
        self
    }

    /// Bind and start serving.
    ///
    /// # Errors
    /// When the port cannot be bound; `InvalidInput` when the Odoo version is
    /// not one of 16-19 (see [`MockServerBuilder::odoo_version`]);
    /// `InvalidData` when a schema file or data directory given to
    /// [`MockServerBuilder::schema`] / [`MockServerBuilder::data`] cannot be
    /// read or is malformed (the error, a [`crate::data::DataError`], names
    /// the file and the place).
    pub async fn start(self) -> std::io::Result<MockServer> {
        let own;
        let data: &crate::data::Dataset = if self.schema.is_some() || self.data.is_some() {
            own = crate::user_data::load_source(&crate::DataSource {
                version: self.version,
                schema: self.schema.clone(),
                data: self.data.clone(),
            })
            .map_err(data_error)?;
            &own
        } else {
            crate::data::dataset(self.version.unwrap_or(crate::data::DEFAULT_VERSION))
                .map_err(data_error)?
        };
        let version = data.version;
        let name = self.database.unwrap_or_else(|| "odoo18".to_string());
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], self.port))).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(AppState {
            db: {
                let mut db = Database::from_dataset(data, name, self.api_keys);
                db.set_handlers(self.handlers);
                db
            },
            version,
            url: format!("http://{addr}"),
            sessions: WebSessions::default(),
            requests: AtomicU64::new(0),
            faults: FaultInjector::with_seed(
                self.fault_seed.unwrap_or(crate::injection::DEFAULT_SEED),
            ),
            pool: self
                .pool
                .map(|(size, service)| crate::pool::ConnectionPool::new(size, service)),
        });
        for spec in &self.faults {
            state.faults.apply(spec);
        }
        let app = router(state.clone()).into_make_service_with_connect_info::<Connection>();
        let listener = KillableListener::new(listener);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(MockServer {
            url: format!("http://{addr}"),
            state,
            shutdown: Some(tx),
            task: Some(task),
        })
    }
}

fn data_error(e: crate::data::DataError) -> std::io::Error {
    let kind = match e {
        crate::data::DataError::UnsupportedVersion(_) => std::io::ErrorKind::InvalidInput,
        _ => std::io::ErrorKind::InvalidData,
    };
    std::io::Error::new(kind, e)
}

impl MockServer {
    /// Start a server with the default configuration on an ephemeral port.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start() -> std::io::Result<MockServer> {
        MockServer::builder().start().await
    }

    /// A builder for a configured server.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database name.
    pub fn database(&self) -> &str {
        self.state.db.name()
    }

    /// The users that can log in (login, password, uid, name): the active
    /// users of the version's demo data, each with its login as password
    /// (admin 2, alice 8, bob 9 on 16-18; admin 2, alice 7, bob 8 on 19).
    pub fn users(&self) -> Vec<MockUser> {
        self.state.db.users()
    }

    /// The Odoo version the server imitates (16-19).
    pub fn odoo_version(&self) -> u32 {
        self.state.version
    }

    /// Expire every web session: their cookies now get the code-100
    /// `SessionExpiredException` reply.
    pub fn expire_web_sessions(&self) {
        self.state.sessions.clear();
    }

    /// Expire one web session by its `session_id`; false if it was not alive.
    pub fn expire_web_session(&self, session_id: &str) -> bool {
        self.state.sessions.remove(session_id)
    }

    /// How many web sessions are alive.
    pub fn web_session_count(&self) -> usize {
        self.state.sessions.len()
    }

    /// Every model call received so far, from every protocol, in order
    /// (see [`RecordedCall::protocol`]).
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.state.db.calls()
    }

    /// How many recorded calls were `model.method`, from any protocol:
    /// whether a call really ran despite an injected fault (see
    /// [`MockServer::faults`]). Counts since the last
    /// [`MockServer::clear_calls`].
    pub fn ran(&self, model: &str, method: &str) -> usize {
        self.state.db.call_count(model, method)
    }

    /// Forget the recorded calls (the log grows with every call: clear it
    /// now and then in a long soak, and between the phases of a test that
    /// counts with [`MockServer::ran`]).
    pub fn clear_calls(&self) {
        self.state.db.clear_calls();
    }

    /// The fault injector: make the next RPC requests, or a fraction of
    /// them, fail like a real deployment (see [`crate::injection`]). Usable
    /// while clients run; clone it to keep it.
    pub fn faults(&self) -> &FaultInjector {
        &self.state.faults
    }

    /// Requests refused with `PoolError` because the simulated connection
    /// pool was full ([`MockServerBuilder::db_maxconn`]), and the most
    /// connections in use at once; `(0, 0)` without a pool.
    pub fn pool_stats(&self) -> (u64, u64) {
        self.state
            .pool
            .as_ref()
            .map_or((0, 0), |p| (p.refused(), p.peak()))
    }

    /// The number of HTTP requests served.
    pub fn http_requests(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// The ORM behind the server (for protocol-independent tests).
    pub fn database_handle(&self) -> &Database {
        &self.state.db
    }

    /// Stop serving and wait for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn router(state: Shared) -> Router {
    Router::new()
        .route("/jsonrpc", post(jsonrpc_endpoint))
        .fallback(dispatch)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            inject_faults,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .with_state(state)
}

async fn count_requests(
    State(state): State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    state.requests.fetch_add(1, Ordering::Relaxed);
    next.run(req).await
}

/// Apply the fault the injector draws for an RPC request, if any.
async fn inject_faults(
    State(state): State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(route) = crate::injection::rpc_route(req.method(), req.uri().path(), state.version)
    else {
        return next.run(req).await;
    };
    // A full pool refuses before anything else happens, as Odoo does.
    let held = match &state.pool {
        None => None,
        Some(pool) => match pool.borrow() {
            Some(held) => Some((held, pool.service_time())),
            None => {
                return crate::injection::pool_error_response(route, state.version, req).await;
            }
        },
    };
    let started = std::time::Instant::now();
    let Some(fault) = state.faults.draw() else {
        let response = next.run(req).await;
        if let Some((_, service)) = &held {
            tokio::time::sleep(service.saturating_sub(started.elapsed())).await;
        }
        return response;
    };
    let connection = req
        .extensions()
        .get::<axum::extract::ConnectInfo<Connection>>()
        .map(|c| c.0.clone());
    crate::injection::apply(fault, route, state.version, connection.as_ref(), req, next).await
}

/// An HTTP response of a protocol's [`Reply`].
pub(crate) fn into_response(reply: Reply) -> Response {
    let mut resp = Response::new(axum::body::Body::from(reply.body));
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in reply.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            resp.headers_mut().append(name, value);
        }
    }
    resp
}

async fn jsonrpc_endpoint(State(state): State<Shared>, body: Bytes) -> Response {
    let Ok(parsed) = serde_json::from_slice::<Value>(&body) else {
        return into_response(web::invalid_json());
    };
    let response = jsonrpc::handle_for(&state.db, state.version, &parsed);
    into_response(Reply::json(200, &response))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Every route but `/jsonrpc`, dispatched by path.
async fn dispatch(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let db = &state.db;
    let version = state.version;
    let cookie = header(&headers, "cookie");
    let reply = if let Some(service) = path
        .strip_prefix("/xmlrpc/2/")
        .map(|s| (s, false))
        .or_else(|| path.strip_prefix("/xmlrpc/").map(|s| (s, true)))
        .filter(|(s, _)| !s.is_empty() && !s.contains('/'))
        .filter(|_| method == Method::POST)
    {
        let doc = xmlrpc::handle(db, version, service.0, service.1, &body);
        Reply::xml(doc)
    } else if method == Method::POST
        && (matches!(
            path,
            "/web/session/authenticate"
                | "/web/session/get_session_info"
                | "/web/session/destroy"
                | "/web/webclient/version_info"
        ) || path == "/web/dataset/call_kw"
            || path.starts_with("/web/dataset/call_kw/"))
    {
        let req = web::WebRequest {
            path,
            content_type: header(&headers, "content-type"),
            cookie,
            body: &body,
            base_url: &state.url,
        };
        web::handle(db, version, &state.sessions, &req)
    } else if path == "/web/version" || path == "/json/version" {
        json2::version_route(version, method.as_str(), &state.sessions, path)
    } else if path == "/json/2" || path.starts_with("/json/2/") || path.starts_with("/doc-bearer/")
    {
        let sec_fetch = header(&headers, "sec-fetch-dest") == Some("document")
            && header(&headers, "sec-fetch-mode") == Some("navigate")
            && matches!(
                header(&headers, "sec-fetch-site"),
                Some("none" | "same-origin")
            )
            && header(&headers, "sec-fetch-user") == Some("?1");
        let req = json2::Json2Request {
            http_method: method.as_str(),
            path,
            content_type: header(&headers, "content-type"),
            authorization: header(&headers, "authorization"),
            database: header(&headers, "x-odoo-database"),
            cookie,
            sec_fetch_navigation: sec_fetch,
            body: &body,
        };
        if path.starts_with("/doc-bearer/") {
            if method == Method::GET {
                json2::doc_bearer(db, version, &state.sessions, &req)
            } else {
                Reply::not_found()
            }
        } else {
            json2::handle(db, version, &state.sessions, &req)
        }
    } else {
        Reply::not_found()
    };
    into_response(reply)
}
