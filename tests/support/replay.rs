//! A loopback HTTP server that answers with recorded responses, in order,
//! and keeps every request it received: the SDK's requests are compared
//! with the real ones, and its decoding is tested on the real responses.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::Fixture;

#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Captured {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the SDK sent JSON")
    }
}

#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn from_fixture(f: &Fixture) -> Canned {
        Canned {
            status: f.status,
            content_type: f.content_type.clone(),
            headers: f.response_headers.clone(),
            body: f.response_body.clone(),
        }
    }

    /// A JSON-RPC success with this result.
    pub fn result(result: Value) -> Canned {
        Canned {
            status: 200,
            content_type: "application/json; charset=utf-8".into(),
            headers: Vec::new(),
            body: serde_json::to_vec(
                &serde_json::json!({"jsonrpc": "2.0", "id": 1, "result": result}),
            )
            .expect("json"),
        }
    }
}

#[derive(Default)]
struct Shared {
    queue: Mutex<VecDeque<Canned>>,
    captured: Mutex<Vec<Captured>>,
}

pub struct ReplayServer {
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ReplayServer {
    pub async fn start(responses: impl IntoIterator<Item = Canned>) -> ReplayServer {
        let shared = Arc::new(Shared::default());
        shared.queue.lock().unwrap().extend(responses);
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("replay server");
        });
        ReplayServer { url, shared, task }
    }

    pub fn captured(&self) -> Vec<Captured> {
        self.shared.captured.lock().unwrap().clone()
    }

    /// Every JSON body received, in order.
    pub fn bodies(&self) -> Vec<Value> {
        self.captured().iter().map(Captured::json).collect()
    }
}

async fn answer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.captured.lock().unwrap().push(Captured {
        method: method.to_string(),
        path: uri.path().to_owned(),
        headers,
        body,
    });
    let canned = shared.queue.lock().unwrap().pop_front();
    match canned {
        Some(c) => {
            let mut response = (
                StatusCode::from_u16(c.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                [(header::CONTENT_TYPE, c.content_type)],
                c.body,
            )
                .into_response();
            for (name, value) in c.headers {
                if let (Ok(name), Ok(value)) = (
                    axum::http::HeaderName::from_bytes(name.as_bytes()),
                    axum::http::HeaderValue::from_str(&value),
                ) {
                    response.headers_mut().append(name, value);
                }
            }
            response
        }
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "replay: no more responses",
        )
            .into_response(),
    }
}

/// Compare a request the SDK sent with the recorded one, as JSON values,
/// ignoring the JSON-RPC id.
pub fn assert_same_request(fixture: &str, sent: &Value, recorded: &Value) {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("id");
        }
        v
    };
    let (sent, recorded) = (strip(sent), strip(recorded));
    assert!(
        sent == recorded,
        "{fixture}: the SDK's request differs from the real one\n  sent:     {sent}\n  recorded: {recorded}"
    );
}
