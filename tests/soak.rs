//! Soak: 64 concurrent sessions (alice and bob, over all four transports)
//! make 10,000 calls while the embedded server fails 10 % of all requests
//! in every way it can (`MockServer::faults`). With the default in-flight
//! limit and a retry policy:
//! - every read succeeds;
//! - no create runs twice (each created name exists once, or at most once
//!   when its create reported that it may have run);
//! - nobody sees anyone else's orders;
//! - memory stays flat.
//!
//! Fault injection needs the embedded server: this test runs on it even when
//! `ODOO_URL` names a real Odoo. benches/soak.rs measures the same workload.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

#[path = "support/soak.rs"]
mod soak;

use soak::{SoakConfig, run_soak};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_users_ten_thousand_calls_ten_percent_faults() {
    let report = run_soak(SoakConfig {
        sessions: 64,
        calls: 10_000,
        fault_share: 0.10,
    })
    .await;
    eprintln!("{report}");
    assert_eq!(
        report.failed_reads,
        Vec::<String>::new(),
        "every read succeeds"
    );
    assert_eq!(
        report.duplicates,
        Vec::<String>::new(),
        "no create ran twice"
    );
    assert_eq!(
        report.foreign_rows,
        Vec::<String>::new(),
        "nobody sees another's orders"
    );
    assert_eq!(
        report.dishonest_failures,
        Vec::<String>::new(),
        "a failed create says it may have run"
    );
    assert!(report.calls >= 10_000, "{} calls", report.calls);
    assert!(
        report.faults_injected >= 500,
        "about 10 % of the requests failed: {}",
        report.faults_injected
    );
    // Flat: what the process holds after the first fifth of the calls is
    // about what it holds at the end (the server's own call log is cleared
    // as it goes, as a long-running test server would be).
    let growth = report.rss_end_kib.saturating_sub(report.rss_warm_kib);
    assert!(
        growth < 64 * 1024,
        "memory grew by {growth} KiB between {} KiB and {} KiB",
        report.rss_warm_kib,
        report.rss_end_kib
    );
}
