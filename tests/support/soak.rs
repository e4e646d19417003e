//! The soak workload, shared by tests/soak.rs (which asserts on it) and
//! benches/soak.rs (which measures it): many sessions of alice and bob over
//! every transport, reading their orders and creating orders while the
//! embedded server injects faults.
#![allow(dead_code)] // each user of this module takes what it needs
#![allow(clippy::unwrap_used)] // a test workload: a failed unwrap is a failed run

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use odoo::{Client, Domain, RetryPolicy, Session, Transport, field};
use odoo_mock::{InjectedFault, MockServer};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// The size of one soak.
#[derive(Debug, Clone, Copy)]
pub struct SoakConfig {
    /// Concurrent sessions (half alice, half bob; a quarter per transport).
    pub sessions: usize,
    /// Calls in all, logins excluded.
    pub calls: usize,
    /// The share of requests that fail (0.10 = 10 %).
    pub fault_share: f64,
}

/// What a soak saw.
#[derive(Debug, Default)]
pub struct SoakReport {
    pub calls: usize,
    pub creates_ok: usize,
    pub creates_may_have_run: usize,
    pub faults_injected: u64,
    pub elapsed: Duration,
    /// Reads that failed despite the retries (should be none).
    pub failed_reads: Vec<String>,
    /// Names created more than once, or created though their create failed
    /// without saying it may have run.
    pub duplicates: Vec<String>,
    /// Orders a session saw that are not its user's.
    pub foreign_rows: Vec<String>,
    /// Creates that failed saying they did not run (they should have been
    /// retried) or that succeeded without a record.
    pub dishonest_failures: Vec<String>,
    pub rss_warm_kib: u64,
    pub rss_end_kib: u64,
    pub peak_rss_kib: u64,
}

impl fmt::Display for SoakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "soak: {} calls in {:.2?} ({:.0} calls/s), {} faults injected, creates: {} ok, {} may have run; \
             memory: {} KiB after warm-up, {} KiB at the end, peak {} KiB",
            self.calls,
            self.elapsed,
            self.calls as f64 / self.elapsed.as_secs_f64().max(1e-9),
            self.faults_injected,
            self.creates_ok,
            self.creates_may_have_run,
            self.rss_warm_kib,
            self.rss_end_kib,
            self.peak_rss_kib
        )
    }
}

const TRANSPORTS: [Transport; 4] = [
    Transport::JsonRpc,
    Transport::XmlRpc,
    Transport::WebSession,
    Transport::Json2,
];

fn key(login: &str) -> String {
    format!("odoo-rs-soak-{login}-key-0123456789")
}

/// A kernel memory figure of this process (`VmRSS`, `VmHWM`) in KiB; 0 where
/// /proc is not there.
pub fn proc_status_kib(name: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Arm the faults: `share` of all requests, spread over every kind.
fn arm_faults(server: &MockServer, share: f64) {
    let kinds = [
        (0.15, InjectedFault::too_many_requests(0)),
        (0.10, InjectedFault::BadGateway),
        (0.15, InjectedFault::ServiceUnavailable),
        (0.20, InjectedFault::PoolError),
        (0.10, InjectedFault::CloseBeforeRequest),
        (0.10, InjectedFault::CloseAfterRun),
        (0.10, InjectedFault::Delay(Duration::from_millis(5))),
        (0.10, InjectedFault::CutBody),
    ];
    for (part, fault) in kinds {
        server.faults().inject_fraction(share * part, fault);
    }
}

async fn login(client: &Client, transport: Transport, login: &str) -> Session {
    if transport == Transport::Json2 {
        client.login_api_key(login, key(login)).await.unwrap()
    } else {
        client.login(login, login).await.unwrap()
    }
}

/// The orders a session sees, each with its salesperson's uid.
async fn orders(session: &Session) -> Result<Vec<(i64, i64)>, odoo::Error> {
    let rows: Vec<Value> = session
        .search_read("sale.order", Domain::all())
        .fields(["user_id", "partner_id"])
        // The newest: the user's own new orders, and any of another user's
        // that a leak would show.
        .order("id desc")
        .limit(20)
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap_or(0),
                r["user_id"][0].as_i64().unwrap_or(0),
            )
        })
        .collect())
}

/// Run one soak against a fresh embedded Odoo 19 (which speaks all four
/// transports).
pub async fn run_soak(config: SoakConfig) -> SoakReport {
    let server = MockServer::builder()
        .odoo_version(19)
        .api_key("alice", key("alice"))
        .api_key("bob", key("bob"))
        .start()
        .await
        .unwrap();
    eprintln!(
        "[odoo-rs tests] soak: the embedded odoo-mock (Odoo 19) at {}: faults are injected by it, so ODOO_URL is not used here",
        server.url()
    );
    // A customer of each user's, for the orders they create.
    let mut customer: BTreeMap<&str, i64> = BTreeMap::new();
    for user in ["alice", "bob"] {
        let client = Client::builder(server.url())
            .database(server.database())
            .build()
            .unwrap();
        let session = login(&client, Transport::JsonRpc, user).await;
        let rows: Vec<Value> = session
            .search_read("sale.order", Domain::all())
            .fields(["partner_id"])
            .limit(1)
            .await
            .unwrap();
        customer.insert(user, rows[0]["partner_id"][0].as_i64().unwrap());
    }

    // One client per transport: its sessions share its in-flight limit.
    let policy = RetryPolicy::default()
        .max_attempts(10)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(50));
    let clients: Vec<Client> = TRANSPORTS
        .iter()
        .map(|t| {
            Client::builder(server.url())
                .database(server.database())
                .transport(*t)
                .retry(policy)
                .build()
                .unwrap()
        })
        .collect();

    arm_faults(&server, config.fault_share);
    let server = Arc::new(server);
    let next_call = Arc::new(AtomicUsize::new(0));
    let report = Arc::new(Mutex::new(SoakReport::default()));
    let created: Arc<Mutex<Vec<(String, bool)>>> = Arc::default();
    let warm_at = config.calls / 5;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..config.sessions {
        let transport = TRANSPORTS[n % TRANSPORTS.len()];
        let client = clients[n % TRANSPORTS.len()].clone();
        let user = if (n / TRANSPORTS.len()) % 2 == 0 {
            "alice"
        } else {
            "bob"
        };
        let partner = customer[user];
        let next_call = next_call.clone();
        let report = report.clone();
        let created = created.clone();
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let session = login(&client, transport, user).await;
            let label = format!("{user}/{}", transport.name());
            loop {
                let call = next_call.fetch_add(1, Ordering::Relaxed);
                if call >= config.calls {
                    break;
                }
                if call == warm_at {
                    report.lock().await.rss_warm_kib = proc_status_kib("VmRSS:");
                }
                if call % 1000 == 0 {
                    // A long-running test server would clear its call log.
                    server.clear_calls();
                }
                match call % 10 {
                    0 => {
                        let name = format!("soak {call} by {label}");
                        let outcome = session
                            .create(
                                "sale.order",
                                &json!({"partner_id": partner, "client_order_ref": name}),
                            )
                            .await;
                        let mut r = report.lock().await;
                        match outcome {
                            Ok(_) => {
                                r.creates_ok += 1;
                                created.lock().await.push((name, true));
                            }
                            // Odoo answered: a refusal is no fault of the
                            // network, and none is expected here.
                            Err(e) if e.as_server().is_some() => {
                                r.dishonest_failures.push(format!("{name} refused: {e}"));
                            }
                            Err(e) if e.may_have_run() => {
                                r.creates_may_have_run += 1;
                                created.lock().await.push((name, false));
                            }
                            Err(e) => r.dishonest_failures.push(format!("{name}: {e}")),
                        }
                    }
                    5 => {
                        if let Err(e) = session.search_count("res.partner", Domain::all()).await {
                            report
                                .lock()
                                .await
                                .failed_reads
                                .push(format!("{label} count: {e}"));
                        }
                    }
                    _ => match orders(&session).await {
                        Ok(seen) => {
                            let uid = session.uid();
                            let foreign: Vec<_> =
                                seen.iter().filter(|(_, owner)| *owner != uid).collect();
                            if seen.is_empty() || !foreign.is_empty() {
                                report.lock().await.foreign_rows.push(format!(
                                    "{label} (uid {uid}) saw {} orders, of others: {foreign:?}",
                                    seen.len()
                                ));
                            }
                        }
                        Err(e) => report
                            .lock()
                            .await
                            .failed_reads
                            .push(format!("{label} orders: {e}")),
                    },
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed();
    let faults_injected = server.faults().injected().total;
    server.faults().clear();

    // What was created, counted by a session no fault touches any more
    // (admin sees every order).
    let checker = clients[0].login("admin", "admin").await.unwrap();
    let mut report = Arc::try_unwrap(report).unwrap().into_inner();
    for (name, succeeded) in created.lock().await.iter() {
        let found = checker
            .search("sale.order", field("client_order_ref").eq(name.as_str()))
            .await
            .unwrap();
        match (succeeded, found.len()) {
            (true, 1) | (false, 0 | 1) => {}
            (true, 0) => report
                .dishonest_failures
                .push(format!("{name}: created but not found")),
            (_, n) => report.duplicates.push(format!("{name}: {n} records")),
        }
    }
    report.calls = next_call.load(Ordering::Relaxed).min(config.calls);
    report.elapsed = elapsed;
    report.faults_injected = faults_injected;
    report.rss_end_kib = proc_status_kib("VmRSS:");
    report.peak_rss_kib = proc_status_kib("VmHWM:");
    report
}
