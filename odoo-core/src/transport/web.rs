//! The web session: what Odoo's own web client uses.
//!
//! `POST /web/session/authenticate` answers with a `session_id` cookie and
//! the session info; calls go to `/web/dataset/call_kw/<model>/<method>`
//! with that cookie. The cookie belongs to one [`Session`](crate::Session):
//! there is no client-wide cookie jar. An expired session answers code 100
//! (`SessionExpiredException`) *before* running the method, so the session
//! re-authenticates once and sends the call again.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CallSite, Reply, jsonrpc};
use crate::error::{Error, ProtocolError};
use crate::http::{Http, Outgoing, Safety};
use crate::secret::Secret;
use crate::value::Map;

/// The cookie of one web session, renewed when it expires.
pub(crate) struct WebState {
    cookie: Mutex<Secret>,
    /// Bumped at each renewal, so that concurrent calls that all hit the
    /// expiry re-authenticate once between them.
    generation: AtomicU64,
    renewal: tokio::sync::Mutex<()>,
}

impl WebState {
    pub(crate) fn new(cookie: Secret) -> Self {
        WebState {
            cookie: Mutex::new(cookie),
            generation: AtomicU64::new(0),
            renewal: tokio::sync::Mutex::new(()),
        }
    }

    /// The current cookie and its generation.
    pub(crate) fn current(&self) -> (Secret, u64) {
        let cookie = match self.cookie.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        (cookie, self.generation.load(Ordering::Acquire))
    }

    fn replace(&self, cookie: Secret) {
        match self.cookie.lock() {
            Ok(mut guard) => *guard = cookie,
            Err(poisoned) => *poisoned.into_inner() = cookie,
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Re-authenticate unless another call already did since `seen`.
    pub(crate) async fn renew(
        &self,
        http: &Http,
        seen: u64,
        login: &str,
        password: &Secret,
    ) -> Result<(), Error> {
        let _one_at_a_time = self.renewal.lock().await;
        if self.generation.load(Ordering::Acquire) != seen {
            return Ok(());
        }
        let (cookie, _info) = authenticate(http, login, password).await?;
        tracing::debug!(target: "odoo::web", login, "web session renewed after expiry");
        self.replace(cookie);
        Ok(())
    }
}

/// What `/web/session/authenticate` answers (the fields the SDK uses).
#[derive(Debug, Deserialize)]
pub(crate) struct SessionInfo {
    pub(crate) uid: Option<i64>,
    #[serde(default)]
    pub(crate) user_context: Map,
    #[serde(default)]
    pub(crate) server_version: Option<String>,
    #[serde(default)]
    pub(crate) server_version_info: Vec<Value>,
    #[serde(default)]
    pub(crate) user_companies: Option<UserCompanies>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UserCompanies {
    pub(crate) current_company: Option<i64>,
}

#[derive(Serialize)]
struct Envelope<P: Serialize> {
    jsonrpc: &'static str,
    method: &'static str,
    id: u64,
    params: P,
}

#[derive(Serialize)]
struct AuthParams<'a> {
    db: &'a str,
    login: &'a str,
    password: &'a str,
}

#[derive(Serialize)]
struct CallKwParams<'a> {
    model: &'a str,
    method: &'a str,
    args: &'a [Value],
    kwargs: &'a Map,
}

fn body<P: Serialize>(http: &Http, params: P) -> Result<Vec<u8>, Error> {
    let id = http.next_id();
    serde_json::to_vec(&Envelope {
        jsonrpc: "2.0",
        method: "call",
        id,
        params,
    })
    .map_err(|e| {
        Error::from(crate::error::ConfigError::new(format!(
            "the call cannot be serialised as JSON: {e}"
        )))
    })
}

/// Log in: the new session's cookie and its session info.
pub(crate) async fn authenticate(
    http: &Http,
    login: &str,
    password: &Secret,
) -> Result<(Secret, SessionInfo), Error> {
    let url = http.url("web/session/authenticate")?;
    let payload = body(
        http,
        AuthParams {
            db: http.database(),
            login,
            password: password.expose(),
        },
    )?;
    let site = CallSite {
        login: Some(login),
        method: Some("authenticate"),
        ..CallSite::default()
    };
    // A login changes nothing that a second login would not: safe to resend.
    let outgoing = Outgoing::post(&url, "application/json", payload)
        .safety(Safety::ReadOnly)
        .what("/web/session/authenticate")
        .with_secret_in_body();
    http.exchange(&outgoing, |reply| {
        let result = jsonrpc::parse_reply(
            reply.status,
            reply.body,
            url.as_str(),
            http.database(),
            site,
        )?;
        let info: SessionInfo = result.decode("/web/session/authenticate")?;
        let Some(cookie) = reply.session_cookie else {
            return Err(Error::from(ProtocolError::new(
                "/web/session/authenticate set no session_id cookie",
                b"",
            )));
        };
        Ok((cookie, info))
    })
    .await
}

/// `model.method(*args, **kwargs)` through `/web/dataset/call_kw`.
pub(crate) async fn call_kw(
    http: &Http,
    cookie: &Secret,
    model: &str,
    method: &str,
    args: &[Value],
    kwargs: &Map,
    site: CallSite<'_>,
) -> Result<Reply, Error> {
    let url = http.url(&format!("web/dataset/call_kw/{model}/{method}"))?;
    let payload = body(
        http,
        CallKwParams {
            model,
            method,
            args,
            kwargs,
        },
    )?;
    let started = Instant::now();
    let what = site.describe("web", method);
    let outgoing = with_session(&url, payload, Safety::of_method(method), &what, cookie)?;
    let result = super::exchange(http, &outgoing, site, jsonrpc::parse_reply).await;
    tracing::debug!(
        target: "odoo::web",
        model,
        method,
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = result.is_ok(),
        "call_kw"
    );
    result
}

/// A JSON request that carries the session's cookie.
fn with_session<'a>(
    url: &'a url::Url,
    payload: Vec<u8>,
    safety: Safety,
    what: &'a str,
    cookie: &Secret,
) -> Result<Outgoing<'a>, Error> {
    Outgoing::post(url, "application/json", payload)
        .safety(safety)
        .what(what)
        .secret_header(
            reqwest::header::COOKIE,
            format!("session_id={}", cookie.expose()),
        )
}

/// `/web/session/destroy`: the cookie is no longer valid afterwards.
pub(crate) async fn destroy(http: &Http, cookie: &Secret) -> Result<(), Error> {
    let url = http.url("web/session/destroy")?;
    let payload = body(http, Map::new())?;
    // Destroying twice is as good as once.
    let outgoing = with_session(
        &url,
        payload,
        Safety::ReadOnly,
        "/web/session/destroy",
        cookie,
    )?;
    let result = super::exchange(http, &outgoing, CallSite::default(), jsonrpc::parse_reply).await;
    match result {
        Ok(_) => Ok(()),
        // Already gone is as good as destroyed.
        Err(e) if e.is_session_expired() => Ok(()),
        Err(e) => Err(e),
    }
}
