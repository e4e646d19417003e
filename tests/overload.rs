//! Many users at once on one `Client`, against an embedded Odoo that
//! behaves like a threaded Odoo with a database connection pool
//! (`MockServerBuilder::db_maxconn`): a request that finds no free
//! connection fails with `PoolError` before it runs, as on real Odoo 17 and
//! 18 (an HTML 500 on 16).
//!
//! - With the default settings, 40 and then 200 sessions log in and read
//!   their orders, and the server is never pushed over: no request meets a
//!   full pool.
//! - A client set to more calls in flight than the server can take meets
//!   `PoolError`s, backs off (its in-flight limit halves) and still gives
//!   every user their answer.
//!
//! The pool is the embedded server's: these run on it even when `ODOO_URL`
//! names a real Odoo.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::time::Duration;

use odoo::{Client, Domain, Session};
use odoo_mock::MockServer;
use serde_json::Value;

/// What a threaded Odoo with the default `db_maxconn` of 64 can run at once
/// when each request may hold two connections; each request takes 20 ms.
const SERVER_CONNECTIONS: usize = 32;
const SERVICE_TIME: Duration = Duration::from_millis(20);

async fn pooled_server(version: u32, connections: usize) -> MockServer {
    let server = MockServer::builder()
        .odoo_version(version)
        .db_maxconn(connections, SERVICE_TIME)
        .start()
        .await
        .unwrap();
    eprintln!(
        "[odoo-rs tests] overload: the embedded odoo-mock (Odoo {version}, {connections} connections) at {}: its pool is simulated, so ODOO_URL is not used here",
        server.url()
    );
    server
}

/// `users` sessions log in at once on `client` and each reads its orders;
/// every one must succeed and see only its own user's orders.
async fn storm(client: &Client, users: usize) {
    let mut tasks = Vec::new();
    for n in 0..users {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let login = if n % 2 == 0 { "alice" } else { "bob" };
            let session: Session = client
                .login(login, login)
                .await
                .unwrap_or_else(|e| panic!("user {n} ({login}) login: {e}"));
            let orders: Vec<Value> = session
                .search_read("sale.order", Domain::all())
                .fields(["user_id"])
                .await
                .unwrap_or_else(|e| panic!("user {n} ({login}) read: {e}"));
            assert!(!orders.is_empty(), "{login} has orders");
            for order in &orders {
                assert_eq!(order["user_id"][0].as_i64(), Some(session.uid()), "{login}");
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_defaults_carry_40_then_200_users_without_pushing_the_server_over() {
    for version in [16, 18] {
        let server = pooled_server(version, SERVER_CONNECTIONS).await;
        let client = Client::builder(server.url())
            .database(server.database())
            .build()
            .unwrap();
        storm(&client, 40).await;
        storm(&client, 200).await;
        let (refused, peak) = server.pool_stats();
        assert_eq!(refused, 0, "Odoo {version}: no request met a full pool");
        assert!(
            peak <= 16,
            "Odoo {version}: at most the default 16 in flight, saw {peak}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn too_many_in_flight_meets_pool_errors_backs_off_and_still_answers_everyone() {
    for version in [16, 18] {
        // A small server and a greedy client.
        let server = pooled_server(version, 8).await;
        let client = Client::builder(server.url())
            .database(server.database())
            .max_in_flight(64)
            .build()
            .unwrap();
        storm(&client, 200).await;
        let (refused, _) = server.pool_stats();
        assert!(refused > 0, "Odoo {version}: the pool was full at times");
        assert!(
            client.in_flight_limit() < 64,
            "Odoo {version}: the client backed off (limit {})",
            client.in_flight_limit()
        );
        eprintln!(
            "Odoo {version}: {refused} requests met a full pool; in-flight limit now {}",
            client.in_flight_limit()
        );
    }
}
