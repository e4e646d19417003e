//! When a failed call is sent again, and how long to wait first.
//!
//! The rule is the one a careful person follows by hand: send a call again
//! only if it provably did not run (the connection failed before the request
//! left, a 429 or 503 answer, Odoo's `PoolError`), or if it may have run but
//! only reads. A `create` that may have run is never sent twice: it fails
//! with [`Error::may_have_run`](crate::Error::may_have_run) `== true` and the
//! caller decides.

use std::time::{Duration, SystemTime};

use crate::error::{Error, ServerErrorKind, TransportErrorKind};

/// How calls that failed for a passing reason are retried.
///
/// On by default ([`RetryPolicy::default`]): up to 5 attempts within 60 s,
/// waiting 200 ms, 400 ms, 800 ms... (at most 10 s, with jitter, or what the
/// server's `Retry-After` asks for, whichever is longer) between them.
///
/// What is retried:
///
/// | failure | did the call run? | retried for |
/// |---|---|---|
/// | connection refused, DNS, TLS handshake | no | every call |
/// | HTTP 429, HTTP 503 | no | every call |
/// | `psycopg2.pool.PoolError` (the server's connection pool is full) | no | every call |
/// | timeout, connection closed, body cut short | maybe | reads only |
/// | HTTP 500, 502, 504 with an HTML page (a proxy, or Odoo 16's `PoolError`) | maybe | reads only |
/// | any Odoo exception (`AccessError`, `UserError`, ...) | yes | never |
///
/// "Reads" are the ORM's read-only methods (`search`, `search_read`,
/// `search_count`, `read`, `fields_get`, `name_search`, `read_group`,
/// `formatted_read_group`, `web_search_read`, `web_read`, `default_get`,
/// `check_access_rights`, `has_access`, `exists`, ...), the `common` and
/// `db` services' queries, and logins.
///
/// ```
/// use std::time::Duration;
/// use odoo_core::{Client, RetryPolicy};
///
/// let client = Client::builder("http://127.0.0.1:8069")
///     .database("odoo")
///     .retry(RetryPolicy::default().max_attempts(3).deadline(Duration::from_secs(10)))
///     .build()?;
/// let strict = Client::builder("http://127.0.0.1:8069")
///     .database("odoo")
///     .retry(RetryPolicy::none())
///     .build()?;
/// # Ok::<(), odoo_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            deadline: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never send a call twice: every failure reaches the caller at once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The most times one call is sent, the first included (default 5;
    /// 1 turns retrying off, 0 counts as 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry (default 200 ms); it doubles for
    /// each further retry.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between two attempts, unless the server's
    /// `Retry-After` asks for more (default 10 s).
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest one call may spend in all its attempts and waits
    /// (default 60 s). No retry starts that would end after it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The most attempts of one call.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The overall deadline of one call.
    pub fn overall_deadline(&self) -> Duration {
        self.deadline
    }

    /// The wait before attempt `attempt + 1` (`attempt` >= 1 attempts made):
    /// exponential, capped, with "equal jitter" (half fixed, half random) so
    /// that many clients failing together do not retry together.
    pub(crate) fn backoff(&self, attempt: u32, random: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).min(20);
        let exponential = self
            .initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff);
        let half = exponential / 2;
        half + half.mul_f64(random.clamp(0.0, 1.0))
    }
}

/// Whether a call only reads, so that sending it twice changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// Reads, logins, version queries: safe to send again even if it may
    /// have run.
    ReadOnly,
    /// Anything else: sent again only if it provably did not run.
    MayWrite,
}

/// The ORM methods that only read. Odoo runs them in a transaction it never
/// commits changes from; running one twice gives the same answer.
const READ_ONLY_METHODS: &[&str] = &[
    "search",
    "search_read",
    "search_count",
    "search_fetch",
    "read",
    "fields_get",
    "name_search",
    "name_get",
    "read_group",
    "formatted_read_group",
    "web_search_read",
    "web_read",
    "web_read_group",
    "default_get",
    "check_access_rights",
    "check_access_rule",
    "check_field_access_rights",
    "has_access",
    "check_access",
    "exists",
    "get_views",
    "fields_view_get",
    "load_views",
    "context_get",
];

impl Safety {
    /// A model method, by name.
    pub(crate) fn of_method(method: &str) -> Safety {
        if READ_ONLY_METHODS.contains(&method) {
            Safety::ReadOnly
        } else {
            Safety::MayWrite
        }
    }

    /// A call of `service.method` over `/jsonrpc` or `/xmlrpc/2/<service>`;
    /// `model_method` is the ORM method of an `object.execute_kw`.
    pub(crate) fn of_service(service: &str, method: &str, model_method: Option<&str>) -> Safety {
        match service {
            "object" => model_method.map_or(Safety::MayWrite, Safety::of_method),
            "common" => match method {
                "version" | "login" | "authenticate" | "about" => Safety::ReadOnly,
                _ => Safety::MayWrite,
            },
            // Creating, dropping, duplicating or restoring a database is not
            // a read, whatever service it travels by.
            "db" if is_db_query(method) => Safety::ReadOnly,
            _ => Safety::MayWrite,
        }
    }
}

/// The `db` service's queries: they read, and take no master password.
/// Anything else there (create, drop, duplicate, restore a database) writes.
pub(crate) fn is_db_query(method: &str) -> bool {
    matches!(
        method,
        "list" | "server_version" | "list_lang" | "list_countries" | "db_exist"
    )
}

/// What a failure says about sending the call again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// The server certainly did not run the call.
    pub(crate) did_not_run: bool,
    /// A passing failure: retrying may succeed (a read that may have run).
    pub(crate) transient: bool,
    /// The server says it is overloaded: send fewer calls at once.
    pub(crate) overloaded: bool,
    /// Why, for the debug log.
    pub(crate) reason: &'static str,
}

impl Verdict {
    const FINAL: Verdict = Verdict {
        did_not_run: false,
        transient: false,
        overloaded: false,
        reason: "",
    };

    /// Whether a call of this safety may be sent again after this failure.
    pub(crate) fn allows_retry(&self, safety: Safety) -> bool {
        self.transient && (self.did_not_run || safety == Safety::ReadOnly)
    }
}

/// Classify a failure.
pub(crate) fn verdict(error: &Error) -> Verdict {
    match error {
        Error::Transport(e) => match e.kind() {
            // A certificate the client does not trust will not be trusted
            // on the next attempt either.
            TransportErrorKind::Connect if is_tls_refusal(e.detail()) => Verdict {
                did_not_run: true,
                ..Verdict::FINAL
            },
            TransportErrorKind::Connect => Verdict {
                did_not_run: true,
                transient: true,
                overloaded: false,
                reason: "cannot connect",
            },
            TransportErrorKind::Timeout => Verdict {
                transient: true,
                reason: "timed out",
                ..Verdict::FINAL
            },
            TransportErrorKind::Io => Verdict {
                transient: true,
                reason: "connection broke",
                ..Verdict::FINAL
            },
            TransportErrorKind::Request => Verdict::FINAL,
            TransportErrorKind::Status => match e.http_status() {
                Some(429) => Verdict {
                    did_not_run: true,
                    transient: true,
                    overloaded: true,
                    reason: "HTTP 429 Too Many Requests",
                },
                Some(503) => Verdict {
                    did_not_run: true,
                    transient: true,
                    overloaded: true,
                    reason: "HTTP 503 Service Unavailable",
                },
                // Odoo 16 answers a full connection pool with an HTML 500
                // before dispatching; a proxy's 502/504 means the upstream
                // failed, perhaps after running the call.
                Some(500) => Verdict {
                    transient: true,
                    overloaded: true,
                    reason: "HTTP 500 page",
                    ..Verdict::FINAL
                },
                Some(502) => Verdict {
                    transient: true,
                    reason: "HTTP 502 Bad Gateway",
                    ..Verdict::FINAL
                },
                Some(504) => Verdict {
                    transient: true,
                    reason: "HTTP 504 Gateway Timeout",
                    ..Verdict::FINAL
                },
                _ => Verdict::FINAL,
            },
        },
        Error::Server(e) if e.kind() == ServerErrorKind::PoolExhausted => Verdict {
            did_not_run: true,
            transient: true,
            overloaded: true,
            reason: "the server's database connection pool is full",
        },
        _ => Verdict::FINAL,
    }
}

/// Does a connection failure's detail say the TLS handshake was refused
/// (a certificate not trusted, a fatal alert such as `CertificateRequired`)?
pub(crate) fn is_tls_refusal(detail: &str) -> bool {
    let detail = detail.to_ascii_lowercase();
    [
        "certificate",
        "tls",
        "handshake",
        "unknownissuer",
        "fatal alert",
    ]
    .iter()
    .any(|word| detail.contains(word))
}

/// Read a `Retry-After` header: seconds, or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let when = SystemTime::from(when);
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A random number in `[0, 1)` for jitter: splitmix64 over a process-wide
/// counter seeded from the clock. Jitter needs spread, not secrecy.
pub(crate) fn jitter() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut seed = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    if seed == 0 {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        STATE.store(now | 1, Ordering::Relaxed);
        seed = now;
    }
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportError;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_inside_the_upper_half() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(700));
        assert_eq!(policy.backoff(1, 0.0), Duration::from_millis(50));
        assert_eq!(policy.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(policy.backoff(2, 1.0), Duration::from_millis(200));
        assert_eq!(policy.backoff(3, 1.0), Duration::from_millis(400));
        assert_eq!(policy.backoff(4, 1.0), Duration::from_millis(700));
        assert_eq!(policy.backoff(60, 0.0), Duration::from_millis(350));
    }

    #[test]
    fn none_makes_one_attempt_and_zero_attempts_means_one() {
        assert_eq!(RetryPolicy::none().attempts(), 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
        assert_eq!(RetryPolicy::default().attempts(), 5);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn only_reads_are_retried_after_they_may_have_run() {
        let broke = Error::from(TransportError::new(
            TransportErrorKind::Io,
            "http://h/jsonrpc",
            "reset",
        ));
        let v = verdict(&broke);
        assert!(v.allows_retry(Safety::ReadOnly));
        assert!(!v.allows_retry(Safety::MayWrite));

        let busy = Error::from(TransportError::status(
            "http://h/jsonrpc",
            429,
            b"slow down",
        ));
        assert!(verdict(&busy).allows_retry(Safety::MayWrite));
        assert!(verdict(&busy).overloaded);

        let gateway = Error::from(TransportError::status("http://h/jsonrpc", 502, b"<html>"));
        assert!(!verdict(&gateway).allows_retry(Safety::MayWrite));
        assert!(verdict(&gateway).allows_retry(Safety::ReadOnly));

        let refused = Error::from(TransportError::new(
            TransportErrorKind::Connect,
            "http://h/jsonrpc",
            "refused",
        ));
        assert!(verdict(&refused).allows_retry(Safety::MayWrite));
    }

    #[test]
    fn methods_and_services_are_classified() {
        assert_eq!(Safety::of_method("search_read"), Safety::ReadOnly);
        assert_eq!(Safety::of_method("create"), Safety::MayWrite);
        assert_eq!(Safety::of_method("action_confirm"), Safety::MayWrite);
        assert_eq!(
            Safety::of_service("object", "execute_kw", Some("read")),
            Safety::ReadOnly
        );
        assert_eq!(
            Safety::of_service("object", "execute_kw", Some("write")),
            Safety::MayWrite
        );
        assert_eq!(
            Safety::of_service("common", "authenticate", None),
            Safety::ReadOnly
        );
        assert_eq!(Safety::of_service("db", "list", None), Safety::ReadOnly);
        assert_eq!(Safety::of_service("db", "drop", None), Safety::MayWrite);
    }

    #[test]
    fn jitter_stays_in_the_unit_interval_and_varies() {
        let draws: Vec<f64> = (0..1000).map(|_| jitter()).collect();
        assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((0.4..0.6).contains(&mean), "mean {mean}");
    }
}
