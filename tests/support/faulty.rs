//! The embedded server with its fault injection, and clients that retry
//! quickly: shared by tests/retries.rs and tests/retry_logs.rs.
#![allow(dead_code)] // each test takes what it needs
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::time::Duration;

use odoo::{Client, Error, RetryPolicy, Session, Transport, field};
use odoo_mock::MockServer;
use serde_json::Value;

pub const ALICE_KEY: &str = "odoo-rs-test-alice-key-0123456789";
pub const ADMIN_KEY: &str = "odoo-rs-test-admin-key-0123456789";

/// Every transport, with the Odoo version the embedded server imitates for it.
pub const TRANSPORTS: [(Transport, u32); 4] = [
    (Transport::JsonRpc, 18),
    (Transport::XmlRpc, 18),
    (Transport::WebSession, 18),
    (Transport::Json2, 19),
];

/// Short waits, so that the tests spend their time on the calls.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(40))
}

pub async fn server(version: u32) -> MockServer {
    let server = MockServer::builder()
        .odoo_version(version)
        .api_key("alice", ALICE_KEY)
        .api_key("admin", ADMIN_KEY)
        .start()
        .await
        .unwrap();
    eprintln!(
        "[odoo-rs tests] the embedded odoo-mock (Odoo {version}) at {}: faults are injected by it, so ODOO_URL is not used here",
        server.url()
    );
    server
}

pub fn client(server: &MockServer, transport: Transport, policy: RetryPolicy) -> Client {
    Client::builder(server.url())
        .database(server.database())
        .transport(transport)
        .retry(policy)
        .build()
        .unwrap()
}

pub async fn alice(client: &Client, transport: Transport) -> Session {
    if transport == Transport::Json2 {
        client.login_api_key("alice", ALICE_KEY).await.unwrap()
    } else {
        client.login("alice", "alice").await.unwrap()
    }
}

/// admin, who may create partners (alice, a salesperson, may not).
pub async fn admin(client: &Client, transport: Transport) -> Session {
    if transport == Transport::Json2 {
        client.login_api_key("admin", ADMIN_KEY).await.unwrap()
    } else {
        client.login("admin", "admin").await.unwrap()
    }
}

pub async fn partner_names(session: &Session) -> Result<Vec<Value>, Error> {
    session
        .search_read::<Value>("res.partner", field("is_company").eq(true))
        .fields(["name"])
        .order("id")
        .await
}
