//! Fault injection: make the server fail on demand, the way real deployments
//! fail (a proxy's 429/502/503, Odoo's full connection pool, a dropped
//! connection, a slow answer, a truncated body).
//!
//! [`FaultInjector`] (reached through [`crate::MockServer::faults`]) decides,
//! for each RPC request, whether a fault is injected: first the faults queued
//! with [`FaultInjector::inject_next`], in order, then the fractions of
//! [`FaultInjector::inject_fraction`], drawn from a seeded generator so that a
//! run is reproducible. The server applies the decision before (or after)
//! dispatching the call; see [`InjectedFault`] for what each fault does and
//! whether the call runs.
//!
//! RPC requests are the POSTs that carry a call: `/jsonrpc`, `/xmlrpc/2/*`
//! (and the legacy `/xmlrpc/*`), the web routes `/web/session/authenticate`,
//! `get_session_info`, `destroy`, `/web/webclient/version_info` and
//! `/web/dataset/call_kw[/...]`, and `/json/2/*` when the server imitates
//! Odoo 19 (older versions have no JSON-2). GET pages are never affected.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::extract::connect_info::Connected;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::serve::{IncomingStream, Listener};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::faults::Fault;
use crate::protocol::{Reply, json2, jsonrpc, web, xmlrpc};

/// The seed of a [`FaultInjector`] made with [`FaultInjector::new`].
pub const DEFAULT_SEED: u64 = 0x0DD0_5EED;

/// How long a cut body waits, after its first half, before the connection is
/// aborted (so that the half really leaves the server).
const CUT_PAUSE: Duration = Duration::from_millis(20);

/// The largest request body read to echo a JSON-RPC `id` in a pool error.
const MAX_ID_BODY: usize = 64 * 1024 * 1024;

/// One fault, answered the way real servers and proxies answer it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InjectedFault {
    /// A proxy's rate limit: HTTP 429, `Retry-After: <seconds>` (rounded
    /// up), nginx's HTML page. The call does not run.
    TooManyRequests {
        /// The `Retry-After` delay.
        retry_after: Duration,
    },
    /// HTTP 502 with nginx's HTML page. The call does not run.
    BadGateway,
    /// HTTP 503 with nginx's HTML page. The call does not run.
    ServiceUnavailable,
    /// `psycopg2.pool.PoolError: The Connection Pool Is Full`, raised before
    /// the method runs (it does not run). Odoo 16 fails before dispatching:
    /// werkzeug's HTML `500 Internal Server Error` page. Odoo 17-19 answer an
    /// ordinary exception in the protocol's own error format: a JSON-RPC
    /// error envelope echoing the request `id` (`/jsonrpc`, web routes), an
    /// XML-RPC fault (`/xmlrpc`), or JSON-2's error body with status 500.
    PoolError,
    /// The connection is closed with no answer; the request body is not
    /// read and the call does not run.
    CloseBeforeRequest,
    /// The call runs (its effects stay, it is recorded), then the connection
    /// is closed with no answer.
    CloseAfterRun,
    /// The answer is delayed by this long (before the call runs), then normal.
    Delay(Duration),
    /// The call runs and the answer starts normally (status, headers with the
    /// full `Content-Length`), but only the first half of the body is sent
    /// before the connection is aborted.
    CutBody,
}

/// The kind of an [`InjectedFault`], without its parameters (for counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultKind {
    /// [`InjectedFault::TooManyRequests`].
    TooManyRequests,
    /// [`InjectedFault::BadGateway`].
    BadGateway,
    /// [`InjectedFault::ServiceUnavailable`].
    ServiceUnavailable,
    /// [`InjectedFault::PoolError`].
    PoolError,
    /// [`InjectedFault::CloseBeforeRequest`].
    CloseBeforeRequest,
    /// [`InjectedFault::CloseAfterRun`].
    CloseAfterRun,
    /// [`InjectedFault::Delay`].
    Delay,
    /// [`InjectedFault::CutBody`].
    CutBody,
}

impl InjectedFault {
    /// A 429 asking to retry after `seconds`.
    pub fn too_many_requests(seconds: u64) -> InjectedFault {
        InjectedFault::TooManyRequests {
            retry_after: Duration::from_secs(seconds),
        }
    }

    /// The fault's kind.
    pub fn kind(&self) -> FaultKind {
        match self {
            InjectedFault::TooManyRequests { .. } => FaultKind::TooManyRequests,
            InjectedFault::BadGateway => FaultKind::BadGateway,
            InjectedFault::ServiceUnavailable => FaultKind::ServiceUnavailable,
            InjectedFault::PoolError => FaultKind::PoolError,
            InjectedFault::CloseBeforeRequest => FaultKind::CloseBeforeRequest,
            InjectedFault::CloseAfterRun => FaultKind::CloseAfterRun,
            InjectedFault::Delay(_) => FaultKind::Delay,
            InjectedFault::CutBody => FaultKind::CutBody,
        }
    }

    /// Does the call still run (and get recorded) under this fault?
    pub fn runs_call(&self) -> bool {
        matches!(
            self,
            InjectedFault::CloseAfterRun | InjectedFault::Delay(_) | InjectedFault::CutBody
        )
    }
}

fn format_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// The `KIND` syntax of `--fault KIND:N`: `429=5s`, `502`, `503`,
/// `pool-error`, `close-before`, `close-after`, `delay=300ms`, `cut-body`.
impl fmt::Display for InjectedFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InjectedFault::TooManyRequests { retry_after } => {
                write!(f, "429={}s", retry_after_secs(*retry_after))
            }
            InjectedFault::BadGateway => f.write_str("502"),
            InjectedFault::ServiceUnavailable => f.write_str("503"),
            InjectedFault::PoolError => f.write_str("pool-error"),
            InjectedFault::CloseBeforeRequest => f.write_str("close-before"),
            InjectedFault::CloseAfterRun => f.write_str("close-after"),
            InjectedFault::Delay(d) => write!(f, "delay={}", format_duration(*d)),
            InjectedFault::CutBody => f.write_str("cut-body"),
        }
    }
}

/// What the `--fault` syntax accepts, for error messages.
pub const FAULT_SYNTAX: &str = "expected KIND:N (the next N RPC requests fail) or KIND:P% \
(each RPC request fails with probability P%, 0-100), where KIND is one of 429[=SECONDS] \
(default 1), 502, 503, pool-error, close-before, close-after, delay=DURATION (e.g. 300ms, 2s) \
or cut-body";

/// A `--fault` value that could not be parsed: names the value and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpecError {
    /// The value as given.
    pub value: String,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for FaultSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid fault {:?}: {}; {FAULT_SYNTAX}",
            self.value, self.problem
        )
    }
}

impl std::error::Error for FaultSpecError {}

/// A duration: a number followed by `ms` or `s` (`300ms`, `2s`, `1.5s`).
fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        return Err(format!("duration {text:?} needs a unit, ms or s"));
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{number:?} in duration {text:?} is not a number"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("duration {text:?} must be zero or more"));
    }
    Duration::try_from_secs_f64(value * scale).map_err(|e| format!("duration {text:?}: {e}"))
}

impl FromStr for InjectedFault {
    type Err = String;

    /// Parse the `KIND` part of `--fault` (see [`FAULT_SYNTAX`]).
    fn from_str(text: &str) -> Result<InjectedFault, String> {
        let (name, param) = match text.split_once('=') {
            Some((n, p)) => (n, Some(p)),
            None => (text, None),
        };
        let fault = match name {
            "429" | "too-many-requests" => {
                let seconds = match param {
                    None => 1,
                    Some(p) => p
                        .strip_suffix('s')
                        .unwrap_or(p)
                        .parse::<u64>()
                        .map_err(|_| {
                            format!("the Retry-After of 429 is whole seconds, got {p:?}")
                        })?,
                };
                return Ok(InjectedFault::too_many_requests(seconds));
            }
            "delay" => {
                let Some(p) = param else {
                    return Err("delay needs a duration, e.g. delay=300ms".into());
                };
                return Ok(InjectedFault::Delay(parse_duration(p)?));
            }
            "502" | "bad-gateway" => InjectedFault::BadGateway,
            "503" | "service-unavailable" => InjectedFault::ServiceUnavailable,
            "pool-error" => InjectedFault::PoolError,
            "close-before" | "close-before-request" => InjectedFault::CloseBeforeRequest,
            "close-after" | "close-after-run" => InjectedFault::CloseAfterRun,
            "cut-body" => InjectedFault::CutBody,
            "" => return Err("the fault kind is missing".into()),
            other => return Err(format!("unknown fault kind {other:?}")),
        };
        if param.is_some() {
            return Err(format!("fault kind {name:?} takes no =value"));
        }
        Ok(fault)
    }
}

/// When a [`FaultSpec`]'s fault applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultRule {
    /// The next N RPC requests.
    Next(u64),
    /// Each RPC request with this probability (0.0..=1.0).
    Fraction(f64),
}

/// One `--fault KIND:N` or `--fault KIND:P%`: a fault and when it applies.
///
/// ```
/// use odoo_mock::{FaultRule, FaultSpec, InjectedFault};
/// use std::time::Duration;
///
/// let spec: FaultSpec = "delay=300ms:5%".parse().expect("valid");
/// assert_eq!(spec.fault, InjectedFault::Delay(Duration::from_millis(300)));
/// assert_eq!(spec.rule, FaultRule::Fraction(0.05));
/// assert!("pool-error:lots".parse::<FaultSpec>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    /// The fault.
    pub fault: InjectedFault,
    /// When it applies.
    pub rule: FaultRule,
}

impl FromStr for FaultSpec {
    type Err = FaultSpecError;

    fn from_str(value: &str) -> Result<FaultSpec, FaultSpecError> {
        let error = |problem: String| FaultSpecError {
            value: value.to_string(),
            problem,
        };
        let Some((kind, amount)) = value.trim().rsplit_once(':') else {
            return Err(error("no ':' between the kind and the amount".into()));
        };
        let fault = kind.parse::<InjectedFault>().map_err(error)?;
        let rule = if let Some(percent) = amount.strip_suffix('%') {
            let p: f64 = percent
                .parse()
                .map_err(|_| error(format!("{percent:?} is not a percentage")))?;
            if !(0.0..=100.0).contains(&p) {
                return Err(error(format!("{amount} is not between 0% and 100%")));
            }
            FaultRule::Fraction(p / 100.0)
        } else {
            let n: u64 = amount.parse().map_err(|_| {
                error(format!(
                    "{amount:?} is neither a count N nor a percentage P%"
                ))
            })?;
            if n == 0 {
                return Err(error("the count must be at least 1".into()));
            }
            FaultRule::Next(n)
        };
        Ok(FaultSpec { fault, rule })
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rule {
            FaultRule::Next(n) => write!(f, "{}:{n}", self.fault),
            FaultRule::Fraction(p) => write!(f, "{}:{}%", self.fault, p * 100.0),
        }
    }
}

/// How many faults were injected: in total and by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InjectedCounts {
    /// All injected faults.
    pub total: u64,
    /// Injected faults by kind (kinds never injected are absent).
    pub by_kind: BTreeMap<FaultKind, u64>,
}

impl InjectedCounts {
    /// How many faults of `kind` were injected.
    pub fn of(&self, kind: FaultKind) -> u64 {
        self.by_kind.get(&kind).copied().unwrap_or(0)
    }
}

/// splitmix64: tiny, fast, and good enough to decide which calls fail.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug)]
struct Rules {
    queue: VecDeque<(u64, InjectedFault)>,
    fractions: Vec<(f64, InjectedFault)>,
    rng: SplitMix64,
    counts: InjectedCounts,
}

/// Decides which RPC requests fail, and counts the faults it injected.
///
/// Cheap to clone (the clones share one state) and usable while clients
/// run. Queued faults ([`FaultInjector::inject_next`]) come first, in the
/// order they were queued; when none is queued, the active fractions
/// ([`FaultInjector::inject_fraction`]) are drawn with one number from a
/// seeded splitmix64 per RPC request, so a sequence of requests fails the
/// same way for the same seed. A request gets at most one fault.
#[derive(Debug, Clone)]
pub struct FaultInjector {
    rules: Arc<Mutex<Rules>>,
}

impl Default for FaultInjector {
    fn default() -> FaultInjector {
        FaultInjector::new()
    }
}

impl FaultInjector {
    /// An injector with no fault armed, seeded with [`DEFAULT_SEED`].
    pub fn new() -> FaultInjector {
        FaultInjector::with_seed(DEFAULT_SEED)
    }

    /// An injector with no fault armed whose fractions draw from `seed`.
    pub fn with_seed(seed: u64) -> FaultInjector {
        FaultInjector {
            rules: Arc::new(Mutex::new(Rules {
                queue: VecDeque::new(),
                fractions: Vec::new(),
                rng: SplitMix64(seed),
                counts: InjectedCounts::default(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Rules> {
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Restart the fractions' random sequence from `seed`.
    pub fn reseed(&self, seed: u64) {
        self.lock().rng = SplitMix64(seed);
    }

    /// The next `n` RPC requests fail with `fault` (after the faults queued
    /// before; `n` = 0 queues nothing).
    pub fn inject_next(&self, n: u64, fault: InjectedFault) {
        if n > 0 {
            self.lock().queue.push_back((n, fault));
        }
    }

    /// From now on each RPC request fails with `fault` with probability `p`
    /// (clamped to 0.0..=1.0; NaN is 0). Several fractions may be active:
    /// each keeps its own probability as long as they sum to at most 1.
    pub fn inject_fraction(&self, p: f64, fault: InjectedFault) {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        self.lock().fractions.push((p, fault));
    }

    /// Arm `spec` (a parsed `--fault`).
    pub fn apply(&self, spec: &FaultSpec) {
        match spec.rule {
            FaultRule::Next(n) => self.inject_next(n, spec.fault.clone()),
            FaultRule::Fraction(p) => self.inject_fraction(p, spec.fault.clone()),
        }
    }

    /// Stop injecting: forget the queued faults and the fractions (the
    /// counts stay; see [`FaultInjector::reset_counts`]).
    pub fn clear(&self) {
        let mut rules = self.lock();
        rules.queue.clear();
        rules.fractions.clear();
    }

    /// How many queued faults are still to come.
    pub fn queued(&self) -> u64 {
        self.lock().queue.iter().map(|(n, _)| n).sum()
    }

    /// The faults injected so far, by kind and in total.
    pub fn injected(&self) -> InjectedCounts {
        self.lock().counts.clone()
    }

    /// Zero the counts of [`FaultInjector::injected`].
    pub fn reset_counts(&self) {
        self.lock().counts = InjectedCounts::default();
    }

    /// Decide the fault of one RPC request (and count it).
    pub(crate) fn draw(&self) -> Option<InjectedFault> {
        let mut rules = self.lock();
        let fault = if let Some((remaining, fault)) = rules.queue.front_mut() {
            let fault = fault.clone();
            *remaining -= 1;
            if *remaining == 0 {
                rules.queue.pop_front();
            }
            Some(fault)
        } else if rules.fractions.is_empty() {
            None
        } else {
            let roll = rules.rng.unit();
            let mut bound = 0.0;
            rules
                .fractions
                .iter()
                .find(|(p, _)| {
                    bound += p;
                    roll < bound
                })
                .map(|(_, fault)| fault.clone())
        }?;
        rules.counts.total += 1;
        *rules.counts.by_kind.entry(fault.kind()).or_insert(0) += 1;
        Some(fault)
    }
}

// ---------------------------------------------------------------------------
// Connections that an injected fault can close.

/// A connection's kill switch: once set, its reads and writes fail, so the
/// HTTP server drops the connection without writing anything more.
#[derive(Debug, Clone, Default)]
pub(crate) struct KillSwitch(Arc<AtomicBool>);

impl KillSwitch {
    fn kill(&self) {
        self.0.store(true, Ordering::Release);
    }

    fn is_killed(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

fn killed() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection closed by an injected fault",
    )
}

/// A TCP connection with a [`KillSwitch`].
#[derive(Debug)]
pub(crate) struct KillableStream {
    inner: TcpStream,
    kill: KillSwitch,
}

impl AsyncRead for KillableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.kill.is_killed() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.kill.is_killed() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.kill.is_killed() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.kill.is_killed() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.kill.is_killed() {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// A TCP listener whose connections carry a [`KillSwitch`].
#[derive(Debug)]
pub(crate) struct KillableListener {
    inner: TcpListener,
}

impl KillableListener {
    pub(crate) fn new(inner: TcpListener) -> KillableListener {
        KillableListener { inner }
    }
}

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (KillableStream, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((inner, addr)) => {
                    let stream = KillableStream {
                        inner,
                        kill: KillSwitch::default(),
                    };
                    return (stream, addr);
                }
                Err(e) => {
                    // As axum does: a failed handshake is the peer's problem;
                    // anything else (out of file descriptors) waits a little.
                    if !matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionRefused
                            | io::ErrorKind::ConnectionAborted
                            | io::ErrorKind::ConnectionReset
                    ) {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// What a request knows of its connection (its [`KillSwitch`]), as
/// `ConnectInfo`.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    kill: KillSwitch,
}

impl Connected<IncomingStream<'_, KillableListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Connection {
        Connection {
            kill: stream.io().kill.clone(),
        }
    }
}

// ---------------------------------------------------------------------------
// Applying a fault to one request.

/// The protocol of an RPC request (the requests faults apply to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RpcRoute {
    /// `/jsonrpc`.
    JsonRpc,
    /// `/xmlrpc/2/<service>`, or `/xmlrpc/<service>` when `legacy`.
    XmlRpc {
        /// The legacy route (string faultCodes).
        legacy: bool,
    },
    /// A JSON-RPC web route.
    Web,
    /// `/json/2/...` (Odoo 19).
    Json2,
}

/// The protocol of a request that carries a call, `None` for anything else.
pub(crate) fn rpc_route(method: &Method, path: &str, version: u32) -> Option<RpcRoute> {
    if method != Method::POST {
        return None;
    }
    if path == "/jsonrpc" {
        return Some(RpcRoute::JsonRpc);
    }
    let xmlrpc = path
        .strip_prefix("/xmlrpc/2/")
        .map(|s| (s, false))
        .or_else(|| path.strip_prefix("/xmlrpc/").map(|s| (s, true)))
        .filter(|(s, _)| !s.is_empty() && !s.contains('/'));
    if let Some((_, legacy)) = xmlrpc {
        return Some(RpcRoute::XmlRpc { legacy });
    }
    if matches!(
        path,
        "/web/session/authenticate"
            | "/web/session/get_session_info"
            | "/web/session/destroy"
            | "/web/webclient/version_info"
            | "/web/dataset/call_kw"
    ) || path.starts_with("/web/dataset/call_kw/")
    {
        return Some(RpcRoute::Web);
    }
    if version >= 19 && path.starts_with("/json/2/") {
        return Some(RpcRoute::Json2);
    }
    None
}

/// nginx's error page for `status`.
fn nginx_page(status: u16, reason: &str) -> Reply {
    Reply {
        status,
        headers: vec![
            ("Server".into(), "nginx".into()),
            ("Content-Type".into(), "text/html".into()),
        ],
        body: format!(
            "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        )
        .into_bytes(),
    }
}

fn retry_after_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// The pool error of `route` on Odoo `version`; `body` is the request body
/// (for the JSON-RPC `id`).
pub(crate) fn pool_error_reply(route: RpcRoute, version: u32, body: &[u8]) -> Reply {
    if version < 17 {
        return Reply::html(
            500,
            web::werkzeug_page(
                500,
                "Internal Server Error",
                "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.",
            ),
        );
    }
    let fault = Fault::new("psycopg2.pool.PoolError", "The Connection Pool Is Full");
    match route {
        RpcRoute::JsonRpc | RpcRoute::Web => {
            let id = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .unwrap_or(Value::Null);
            Reply::json(200, &jsonrpc::error_for(version, &id, &fault))
        }
        RpcRoute::XmlRpc { legacy } => {
            let (code, string) = if legacy {
                xmlrpc::fault_string(&fault)
            } else {
                xmlrpc::fault_int(&fault)
            };
            Reply::xml(xmlrpc::encode_fault(&code, &string))
        }
        RpcRoute::Json2 => json2::error_reply(json2::status_of(&fault), &fault),
    }
}

/// `response` with its full `Content-Length` but only the first half of its
/// body, then an aborted connection.
async fn cut_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half: Bytes = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    // The pause lets the server flush the half before the error aborts the
    // connection (an error at once would drop the buffered half too).
    let stream = futures_util::stream::StreamExt::chain(
        futures_util::stream::iter([Ok::<Bytes, io::Error>(half)]),
        futures_util::stream::once(async {
            tokio::time::sleep(CUT_PAUSE).await;
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "body cut by an injected fault",
            ))
        }),
    );
    Response::from_parts(parts, Body::from_stream(stream))
}

/// Answer `req` with Odoo's `PoolError` (its request id read from the body):
/// an injected fault, or a full simulated pool.
pub(crate) async fn pool_error_response(route: RpcRoute, version: u32, req: Request) -> Response {
    let body = axum::body::to_bytes(req.into_body(), MAX_ID_BODY)
        .await
        .unwrap_or_default();
    crate::server::into_response(pool_error_reply(route, version, &body))
}

/// Answer `req` (an RPC request of `route`) with `fault`; `next` runs the
/// call when the fault lets it run.
pub(crate) async fn apply(
    fault: InjectedFault,
    route: RpcRoute,
    version: u32,
    connection: Option<&Connection>,
    req: Request,
    next: Next,
) -> Response {
    let reply = match fault {
        InjectedFault::TooManyRequests { retry_after } => nginx_page(429, "Too Many Requests")
            .header("Retry-After", retry_after_secs(retry_after).to_string()),
        InjectedFault::BadGateway => nginx_page(502, "Bad Gateway"),
        InjectedFault::ServiceUnavailable => nginx_page(503, "Service Temporarily Unavailable"),
        InjectedFault::PoolError => return pool_error_response(route, version, req).await,
        InjectedFault::CloseBeforeRequest => {
            drop(req);
            if let Some(c) = connection {
                c.kill.kill();
            }
            return Response::new(Body::empty());
        }
        InjectedFault::CloseAfterRun => {
            let response = next.run(req).await;
            drop(response);
            if let Some(c) = connection {
                c.kill.kill();
            }
            return Response::new(Body::empty());
        }
        InjectedFault::Delay(delay) => {
            tokio::time::sleep(delay).await;
            return next.run(req).await;
        }
        InjectedFault::CutBody => return cut_body(next.run(req).await).await,
    };
    crate::server::into_response(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> FaultSpec {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_fault_specs() {
        assert_eq!(
            spec("429:3"),
            FaultSpec {
                fault: InjectedFault::too_many_requests(1),
                rule: FaultRule::Next(3)
            }
        );
        assert_eq!(spec("429=7:1").fault, InjectedFault::too_many_requests(7));
        assert_eq!(spec("429=7s:1").fault, InjectedFault::too_many_requests(7));
        assert_eq!(spec("pool-error:10%").rule, FaultRule::Fraction(0.1));
        assert_eq!(
            spec("delay=300ms:5%").fault,
            InjectedFault::Delay(Duration::from_millis(300))
        );
        assert_eq!(
            spec("delay=1.5s:2").fault,
            InjectedFault::Delay(Duration::from_millis(1500))
        );
        for (text, fault) in [
            ("502", InjectedFault::BadGateway),
            ("bad-gateway", InjectedFault::BadGateway),
            ("503", InjectedFault::ServiceUnavailable),
            ("close-before", InjectedFault::CloseBeforeRequest),
            ("close-after", InjectedFault::CloseAfterRun),
            ("cut-body", InjectedFault::CutBody),
        ] {
            assert_eq!(spec(&format!("{text}:1")).fault, fault);
        }
        assert_eq!(spec("503:0.5%").rule, FaultRule::Fraction(0.005));
        assert_eq!(spec("cut-body:100%").rule, FaultRule::Fraction(1.0));
        // Display is the syntax back.
        for s in [
            "429=5s:3",
            "502:1",
            "delay=300ms:5%",
            "delay=2s:1",
            "cut-body:50%",
        ] {
            assert_eq!(spec(s).to_string(), s);
        }
    }

    #[test]
    fn rejects_malformed_specs() {
        for (bad, says) in [
            ("429", "no ':'"),
            ("429:", "neither a count"),
            ("429:x", "neither a count"),
            ("429:0", "at least 1"),
            ("429:-1", "neither a count"),
            ("504:1", "unknown fault kind \"504\""),
            (":3", "kind is missing"),
            ("pool-error:150%", "between 0% and 100%"),
            ("pool-error:abc%", "not a percentage"),
            ("delay:3", "needs a duration"),
            ("delay=300:3", "needs a unit"),
            ("delay=fast ms:3", "not a number"),
            ("429=1.5:1", "whole seconds"),
            ("502=1:1", "takes no =value"),
        ] {
            let e = bad.parse::<FaultSpec>().expect_err(bad).to_string();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(e.contains(&format!("{bad:?}")), "{bad}: {e}");
            assert!(e.contains("KIND:N"), "{bad}: {e}");
        }
    }

    #[test]
    fn queue_then_fractions() {
        let f = FaultInjector::with_seed(1);
        f.inject_next(2, InjectedFault::BadGateway);
        f.inject_next(1, InjectedFault::PoolError);
        f.inject_next(0, InjectedFault::CutBody);
        assert_eq!(f.queued(), 3);
        assert_eq!(f.draw(), Some(InjectedFault::BadGateway));
        assert_eq!(f.draw(), Some(InjectedFault::BadGateway));
        assert_eq!(f.draw(), Some(InjectedFault::PoolError));
        assert_eq!(f.draw(), None);
        f.inject_fraction(1.0, InjectedFault::CutBody);
        assert_eq!(f.draw(), Some(InjectedFault::CutBody));
        f.clear();
        assert_eq!(f.draw(), None);
        let counts = f.injected();
        assert_eq!(counts.total, 4);
        assert_eq!(counts.of(FaultKind::BadGateway), 2);
        assert_eq!(counts.of(FaultKind::CloseAfterRun), 0);
        f.reset_counts();
        assert_eq!(f.injected().total, 0);
    }

    #[test]
    fn fractions_keep_their_probabilities() {
        let f = FaultInjector::with_seed(7);
        f.inject_fraction(0.2, InjectedFault::BadGateway);
        f.inject_fraction(0.3, InjectedFault::PoolError);
        f.inject_fraction(f64::NAN, InjectedFault::CutBody);
        let n = 100_000;
        for _ in 0..n {
            f.draw();
        }
        let c = f.injected();
        let share = |k| c.of(k) as f64 / f64::from(n);
        assert!((share(FaultKind::BadGateway) - 0.2).abs() < 0.01, "{c:?}");
        assert!((share(FaultKind::PoolError) - 0.3).abs() < 0.01, "{c:?}");
        assert_eq!(c.of(FaultKind::CutBody), 0);
    }

    #[test]
    fn routes() {
        let post = Method::POST;
        assert_eq!(rpc_route(&post, "/jsonrpc", 18), Some(RpcRoute::JsonRpc));
        assert_eq!(
            rpc_route(&post, "/xmlrpc/2/object", 18),
            Some(RpcRoute::XmlRpc { legacy: false })
        );
        assert_eq!(
            rpc_route(&post, "/xmlrpc/common", 18),
            Some(RpcRoute::XmlRpc { legacy: true })
        );
        assert_eq!(
            rpc_route(&post, "/web/dataset/call_kw/res.partner/read", 18),
            Some(RpcRoute::Web)
        );
        assert_eq!(
            rpc_route(&post, "/json/2/res.partner/read", 19),
            Some(RpcRoute::Json2)
        );
        assert_eq!(rpc_route(&post, "/json/2/res.partner/read", 18), None);
        assert_eq!(rpc_route(&Method::GET, "/jsonrpc", 18), None);
        assert_eq!(rpc_route(&Method::GET, "/web/version", 19), None);
        assert_eq!(rpc_route(&post, "/web/login", 18), None);
    }
}
