//! The one layer every transport's requests pass through.
//!
//! A transport builds a request ([`Outgoing`]) and says how to read the
//! answer; this layer sends it: it refuses secrets over plain http to other
//! hosts, waits for the client-wide rate limit and for an in-flight slot,
//! and sends the call again when that is safe ([`RetryPolicy`]), slowing
//! down when the server says it is overloaded. Transports know only this
//! handle; they never see the client or the session.

mod overload;
pub(crate) mod retry;
mod tls;

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::HeaderMap;
use url::Url;

pub use retry::RetryPolicy;
pub(crate) use retry::{Safety, is_db_query};
pub(crate) use tls::TlsConfig;

use crate::error::{ConfigError, Error, TransportError, TransportErrorKind};
use crate::secret::Secret;
use overload::InFlight;

/// How the layer is set up, from the client builder.
#[derive(Debug, Clone)]
pub(crate) struct HttpConfig {
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) max_in_flight: usize,
    pub(crate) retry: RetryPolicy,
    /// Calls per second and burst, for every session of the client.
    pub(crate) rate_limit: Option<(u32, u32)>,
    pub(crate) tls: TlsConfig,
    pub(crate) allow_insecure_http: bool,
}

/// The HTTP handle of a client: its server, database, connection pool and
/// the limits and retries all its calls share.
pub(crate) struct Http {
    base_url: Url,
    database: String,
    client: reqwest::Client,
    next_id: AtomicU64,
    in_flight: InFlight,
    rate: Option<DefaultDirectRateLimiter>,
    retry: RetryPolicy,
    /// Set when secrets would cross the network in clear text.
    plain_http_to: Option<String>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("url", &crate::error::redact_url(self.base_url.as_str()))
            .field("database", &self.database)
            .field("max_in_flight", &self.in_flight.max())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// One request, as a transport builds it. Its body and headers are sent
/// again unchanged on a retry.
pub(crate) struct Outgoing<'a> {
    pub(crate) method: reqwest::Method,
    pub(crate) url: &'a Url,
    pub(crate) content_type: &'static str,
    /// Extra headers; those holding secrets are marked sensitive.
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// Whether sending it twice is harmless.
    pub(crate) safety: Safety,
    /// Whether it carries a password, an API key or a session cookie.
    pub(crate) carries_secret: bool,
    /// What the call is, for logs: `res.partner.search_read`.
    pub(crate) what: &'a str,
}

impl<'a> Outgoing<'a> {
    /// A POST of `body` with content type `content_type`.
    pub(crate) fn post(url: &'a Url, content_type: &'static str, body: Vec<u8>) -> Self {
        Outgoing {
            method: reqwest::Method::POST,
            url,
            content_type,
            headers: HeaderMap::new(),
            body: Bytes::from(body),
            safety: Safety::MayWrite,
            carries_secret: false,
            what: "",
        }
    }

    /// A GET with no body.
    pub(crate) fn get(url: &'a Url) -> Self {
        Outgoing {
            method: reqwest::Method::GET,
            body: Bytes::new(),
            ..Outgoing::post(url, "application/json", Vec::new())
        }
    }

    /// Mark the request as safe (or not) to send twice.
    pub(crate) fn safety(mut self, safety: Safety) -> Self {
        self.safety = safety;
        self
    }

    /// Name the call for logs.
    pub(crate) fn what(mut self, what: &'a str) -> Self {
        self.what = what;
        self
    }

    /// A header whose value is a secret: marked sensitive (hidden from
    /// reqwest's and hyper's debug output), and the request is refused over
    /// plain http to another host.
    pub(crate) fn secret_header(
        mut self,
        name: reqwest::header::HeaderName,
        value: String,
    ) -> Result<Self, Error> {
        let mut value = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
            Error::from(ConfigError::new(format!(
                "the {name} header holds characters HTTP does not allow"
            )))
        })?;
        value.set_sensitive(true);
        self.headers.insert(name, value);
        self.carries_secret = true;
        Ok(self)
    }

    /// A plain header.
    pub(crate) fn header(mut self, name: &'static str, value: &str) -> Result<Self, Error> {
        let value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
            Error::from(ConfigError::new(format!(
                "the {name} header cannot hold {value:?}"
            )))
        })?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// The body holds a password or key (JSON-RPC, XML-RPC, logins).
    pub(crate) fn with_secret_in_body(mut self) -> Self {
        self.carries_secret = true;
        self
    }
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub(crate) struct HttpReply {
    pub(crate) status: u16,
    /// The `session_id` cookie the server set, if any.
    pub(crate) session_cookie: Option<Secret>,
    pub(crate) body: Bytes,
}

impl Http {
    /// Build the layer for `base_url` (which ends in `/`).
    pub(crate) fn new(base_url: Url, database: String, config: HttpConfig) -> Result<Self, Error> {
        let builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent)
            // Odoo's session cookie belongs to a Session, never to the client.
            .redirect(reqwest::redirect::Policy::none());
        let client = config.tls.apply(builder)?.build().map_err(|e| {
            Error::from(ConfigError::new(format!(
                "cannot build the HTTP client: {}",
                tls::error_chain(&e)
            )))
        })?;
        let rate = match config.rate_limit {
            None => None,
            Some((per_second, burst)) => {
                let (Some(per_second), Some(burst)) =
                    (NonZeroU32::new(per_second), NonZeroU32::new(burst))
                else {
                    return Err(Error::from(ConfigError::new(format!(
                        "rate_limit({per_second}, {burst}): both the rate per second and the burst must be at least 1"
                    ))));
                };
                Some(RateLimiter::direct(
                    Quota::per_second(per_second).allow_burst(burst),
                ))
            }
        };
        let plain_http_to = if base_url.scheme() == "http"
            && !config.allow_insecure_http
            && !is_loopback(&base_url)
        {
            Some(base_url.host_str().unwrap_or("").to_owned())
        } else {
            None
        };
        Ok(Http {
            base_url,
            database,
            client,
            next_id: AtomicU64::new(1),
            in_flight: InFlight::new(config.max_in_flight),
            rate,
            retry: config.retry,
            plain_http_to,
        })
    }

    /// The database every call names.
    pub(crate) fn database(&self) -> &str {
        &self.database
    }

    /// The server's base URL.
    pub(crate) fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// A fresh JSON-RPC request id.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The calls allowed in flight now (lowered while the server is
    /// overloaded).
    pub(crate) fn in_flight_limit(&self) -> usize {
        self.in_flight.limit()
    }

    /// `base_url` joined with a path such as `xmlrpc/2/object`.
    pub(crate) fn url(&self, path: &str) -> Result<Url, Error> {
        self.base_url.join(path).map_err(|e| {
            Error::from(ConfigError::new(format!(
                "cannot build the URL for {path}: {e}"
            )))
        })
    }

    /// Refuse a request that would send a secret in clear text to another
    /// machine.
    fn check_plain_http(&self, outgoing: &Outgoing<'_>) -> Result<(), Error> {
        if outgoing.carries_secret {
            self.secrets_may_travel()
        } else {
            Ok(())
        }
    }

    /// Whether secrets may be sent to this server: `Err(Config)` for plain
    /// http to another host without `allow_insecure_http(true)`. Logins
    /// ask first, before any request (even the anonymous version query).
    pub(crate) fn secrets_may_travel(&self) -> Result<(), Error> {
        match &self.plain_http_to {
            Some(host) => Err(Error::from(ConfigError::new(format!(
                "refusing to send a password, API key or session over plain http:// to {host}: \
                 anyone on the way could read it. Use https://, or call \
                 .allow_insecure_http(true) on the client builder if this network is trusted"
            )))),
            None => Ok(()),
        }
    }

    /// Send `outgoing` and read its answer with `parse`, retrying as the
    /// policy allows. `parse` runs on every answer that is not a 429 or 503.
    pub(crate) async fn exchange<T>(
        &self,
        outgoing: &Outgoing<'_>,
        mut parse: impl FnMut(HttpReply) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.check_plain_http(outgoing)?;
        let started = Instant::now();
        let mut attempt: u32 = 1;
        loop {
            if let Some(rate) = &self.rate {
                rate.until_ready().await;
            }
            let Some(slot) = self.in_flight.acquire().await else {
                return Err(Error::from(TransportError::new(
                    TransportErrorKind::Request,
                    outgoing.url.as_str(),
                    "the client is shutting down",
                )));
            };
            let (error, retry_after) = match self.send_once(outgoing).await {
                Ok(reply) if matches!(reply.reply.status, 429 | 503) => {
                    let retry_after = reply.retry_after;
                    let error = TransportError::status(
                        outgoing.url.as_str(),
                        reply.reply.status,
                        &reply.reply.body,
                    );
                    (Error::from(error), retry_after)
                }
                Ok(reply) => match parse(reply.reply) {
                    Ok(value) => {
                        slot.succeeded();
                        return Ok(value);
                    }
                    Err(error) => (error, None),
                },
                Err(error) => (error, None),
            };
            let verdict = retry::verdict(&error);
            if verdict.overloaded {
                slot.overloaded();
            } else {
                // An Odoo exception is an answer: the server was not overloaded.
                slot.succeeded();
            }
            drop(slot);
            if attempt >= self.retry.attempts() || !verdict.allows_retry(outgoing.safety) {
                return Err(give_up(error, attempt));
            }
            let wait = self
                .retry
                .backoff(attempt, retry::jitter())
                .max(retry_after.unwrap_or_default());
            let past_deadline = started.elapsed() + wait > self.retry.overall_deadline();
            tracing::debug!(
                target: "odoo::retry",
                call = outgoing.what,
                attempt,
                reason = verdict.reason,
                wait_ms = wait.as_millis() as u64,
                "{}",
                if past_deadline {
                    "giving up: the wait would pass the deadline"
                } else {
                    "retrying"
                }
            );
            if past_deadline {
                return Err(give_up(error, attempt));
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt: send and read the whole answer.
    async fn send_once(&self, outgoing: &Outgoing<'_>) -> Result<Answer, Error> {
        let url = outgoing.url;
        let mut request = self
            .client
            .request(outgoing.method.clone(), url.clone())
            .headers(outgoing.headers.clone());
        if !outgoing.body.is_empty() {
            request = request
                .header(reqwest::header::CONTENT_TYPE, outgoing.content_type)
                .body(outgoing.body.clone());
        }
        let response = request.send().await.map_err(|e| transport_error(url, &e))?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let session_cookie = headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|pair| pair.trim().strip_prefix("session_id="))
            .next_back()
            .map(Secret::new);
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(url, &e))?;
        Ok(Answer {
            retry_after,
            reply: HttpReply {
                status,
                session_cookie,
                body,
            },
        })
    }
}

/// An answer with what the layer itself reads from it.
struct Answer {
    retry_after: Option<Duration>,
    reply: HttpReply,
}

/// The final error of a call, saying how many attempts it took.
fn give_up(error: Error, attempts: u32) -> Error {
    if attempts > 1 {
        tracing::debug!(target: "odoo::retry", attempts, "giving up");
    }
    error.with_attempts(attempts)
}

/// Is the URL's host this machine (`localhost`, 127.0.0.0/8, `::1`)?
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Classify a reqwest error without keeping it (its text may hold the URL
/// with credentials).
fn transport_error(url: &Url, e: &reqwest::Error) -> Error {
    // The chain below reqwest's own error says why (refused, reset, ...).
    let detail = tls::causes(e).unwrap_or_else(|| "no detail".to_owned());
    // Under TLS 1.3 a server that refuses the client's certificate says so
    // with an alert on the first read, after the client thinks it is
    // connected: the connection was never accepted, so nothing ran.
    let kind = if e.is_connect() || retry::is_tls_refusal(&detail) {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_builder() {
        TransportErrorKind::Request
    } else {
        TransportErrorKind::Io
    };
    Error::from(TransportError::new(kind, url.as_str(), detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        for url in [
            "http://localhost:8069/",
            "http://127.0.0.1:8069/",
            "http://127.1.2.3/",
            "http://[::1]:8069/",
            "http://odoo.localhost/",
        ] {
            assert!(is_loopback(&Url::parse(url).expect("url")), "{url}");
        }
        for url in [
            "http://odoo.example.com/",
            "http://10.0.0.5:8069/",
            "http://[2001:db8::1]/",
            "http://localhost.example.com/",
        ] {
            assert!(!is_loopback(&Url::parse(url).expect("url")), "{url}");
        }
    }
}
