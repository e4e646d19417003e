//! The live suite is harmless: run whole against one server, as it runs
//! against a real Odoo, it leaves the database as it found it.
//!
//! For each version the embedded server imitates, one server is started and
//! the stored fields of the models the suite touches are read (as admin,
//! archived records included). Then every test of the conformance suite
//! (over each transport the version has) and of the records suite runs
//! against that server in live mode: ids learned at run time, no look at the
//! server's call log. The snapshot taken afterwards must equal the first.
//! Only `write_date` and `write_uid` may move, where a value was put back.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

#[macro_use]
mod conformance_suite;
mod derive_models;
#[macro_use]
mod records_suite;
mod support;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use futures_util::FutureExt;
use odoo::Transport;
use support::live::Snapshot;
use support::target::{SHARED, Shared, Target};

type TestFuture = Pin<Box<dyn Future<Output = ()>>>;

/// Every test of both suites, by name, for one version.
fn every_test(version: u32) -> Vec<(String, Box<dyn Fn() -> TestFuture>)> {
    let mut tests: Vec<(String, Box<dyn Fn() -> TestFuture>)> = Vec::new();
    let mut transports = vec![Transport::JsonRpc, Transport::XmlRpc, Transport::WebSession];
    if version >= 19 {
        transports.push(Transport::Json2);
    }
    for transport in transports {
        macro_rules! conformance {
            ($($test:ident),* $(,)?) => {
                $(
                    tests.push((
                        format!("{} over {}", stringify!($test), transport.name()),
                        Box::new(move || Box::pin(conformance_suite::$test(transport, version))),
                    ));
                )*
            };
        }
        conformance_tests!(conformance);
    }
    macro_rules! records {
        ($($test:ident),* $(,)?) => {
            $(
                tests.push((
                    stringify!($test).to_owned(),
                    Box::new(|| Box::pin(records_suite::$test())),
                ));
            )*
        };
    }
    records_tests!(records);
    tests
}

async fn a_full_run_leaves_the_database_as_it_found_it(version: u32) {
    let (_mock, shared, admin) = Shared::embedded(version, "a full live run").await;
    let before = Snapshot::take(&admin).await;

    let mut failed = Vec::new();
    let tests = every_test(version);
    let ran = tests.len();
    for (name, test) in tests {
        let outcome = AssertUnwindSafe(SHARED.scope(shared.clone(), test()))
            .catch_unwind()
            .await;
        if outcome.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "Odoo {version}: failed in live mode: {failed:#?}"
    );
    // A target made outside the scope is the embedded one again.
    assert!(!Target::for_version(Transport::JsonRpc, version).await.live);

    let after = Snapshot::take(&admin).await;
    let differences = after.differences_from(&before);
    assert!(
        differences.is_empty(),
        "Odoo {version}: {ran} tests left a trace:\n{}",
        differences.join("\n")
    );
    assert_eq!(after, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_odoo_16() {
    a_full_run_leaves_the_database_as_it_found_it(16).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_odoo_17() {
    a_full_run_leaves_the_database_as_it_found_it(17).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_odoo_18() {
    a_full_run_leaves_the_database_as_it_found_it(18).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_odoo_19() {
    a_full_run_leaves_the_database_as_it_found_it(19).await;
}
