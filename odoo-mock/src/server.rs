//! The HTTP server: axum router, startup, shutdown and request counting.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::orm::{Database, MockUser, RecordedCall};
use crate::protocol::jsonrpc;

/// Shared state of one running server.
#[derive(Debug)]
struct AppState {
    db: Database,
    requests: AtomicU64,
    cookie_counter: AtomicU64,
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
}

impl MockServerBuilder {
    /// Listen on this port of 127.0.0.1 (0, the default, picks a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The database name (default `odoo18`).
    pub fn database(mut self, name: impl Into<String>) -> Self {
        self.database = Some(name.into());
        self
    }

    /// Give `login` an API key, usable in place of its password.
    pub fn api_key(mut self, login: impl Into<String>, key: impl Into<String>) -> Self {
        self.api_keys.push((login.into(), key.into()));
        self
    }

    /// Bind and start serving.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let name = self.database.unwrap_or_else(|| "odoo18".to_string());
        let state = Arc::new(AppState {
            db: Database::new(name, self.api_keys),
            requests: AtomicU64::new(0),
            cookie_counter: AtomicU64::new(0),
        });
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], self.port))).await?;
        let addr = listener.local_addr()?;
        let app = router(state.clone());
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

    /// The users that can log in (login, password, uid, name).
    pub fn users(&self) -> Vec<MockUser> {
        self.state.db.users()
    }

    /// Every `execute_kw` received so far, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.state.db.calls()
    }

    /// Forget the recorded calls.
    pub fn clear_calls(&self) {
        self.state.db.clear_calls();
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
        .route("/web/webclient/version_info", post(version_info_endpoint))
        .fallback(not_found)
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

fn json_response(body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        bytes,
    )
        .into_response()
}

fn bad_json() -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        "Invalid JSON data",
    )
        .into_response()
}

async fn jsonrpc_endpoint(State(state): State<Shared>, body: Bytes) -> Response {
    let Ok(parsed) = serde_json::from_slice::<Value>(&body) else {
        return bad_json();
    };
    let db = &state.db;
    let response = jsonrpc::handle(db, &parsed);
    json_response(&response)
}

async fn version_info_endpoint(State(state): State<Shared>, body: Bytes) -> Response {
    let Ok(parsed) = serde_json::from_slice::<Value>(&body) else {
        return bad_json();
    };
    let id = parsed.get("id").cloned().unwrap_or(Value::Null);
    let mut resp = json_response(&jsonrpc::success(&id, Database::version_info()));
    let sid = new_session_id(&state);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "session_id={sid}; Expires={}; Max-Age=604800; HttpOnly; Path=/",
        (chrono::Utc::now() + chrono::Duration::days(365)).format("%a, %d %b %Y %H:%M:%S GMT")
    )) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))],
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n",
    )
        .into_response()
}

/// A fresh, unguessable-enough 84-character session id.
fn new_session_id(state: &AppState) -> String {
    use std::hash::{BuildHasher, Hasher};
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let n = state.cookie_counter.fetch_add(1, Ordering::Relaxed);
    let mut out = String::with_capacity(84);
    let mut i = 0u64;
    while out.len() < 84 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(n);
        h.write_u64(i);
        let mut x = h.finish();
        for _ in 0..10 {
            out.push(char::from(ALPHABET[(x & 63) as usize]));
            x >>= 6;
        }
        i += 1;
    }
    out.truncate(84);
    out
}
