//! Each retry is logged at debug level (`odoo::retry`) with its call and
//! reason, and no log line holds a secret. Alone in its test binary: a
//! thread-scoped log subscriber sees every event only when no other test
//! runs beside it. Fault injection needs the embedded server, so this runs
//! on it even when `ODOO_URL` names a real Odoo.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use odoo_mock::InjectedFault;

#[path = "support/faulty.rs"]
mod faulty;

use faulty::{ALICE_KEY, TRANSPORTS, alice, client, partner_names, quick_retries, server};

/// Collects what the SDK logs.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_retry_is_logged_at_debug_with_its_reason_and_no_secret() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    for (transport, version) in TRANSPORTS {
        let server = server(version).await;
        let client = client(&server, transport, quick_retries());
        let session = alice(&client, transport).await;
        server.faults().inject_next(1, InjectedFault::PoolError);
        server
            .faults()
            .inject_next(1, InjectedFault::too_many_requests(0));
        partner_names(&session).await.unwrap();
    }
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let retries: Vec<&str> = text.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 8, "two retries per transport:\n{text}");
    assert!(
        retries
            .iter()
            .all(|l| l.contains("DEBUG") && l.contains("odoo::retry"))
    );
    assert_eq!(
        retries
            .iter()
            .filter(|l| l.contains("connection pool is full"))
            .count(),
        4,
        "{text}"
    );
    assert_eq!(
        retries
            .iter()
            .filter(|l| l.contains("HTTP 429 Too Many Requests"))
            .count(),
        4,
        "{text}"
    );
    assert!(
        retries
            .iter()
            .all(|l| l.contains("res.partner.search_read"))
    );
    // Secrets: the demo password, the API key, any session id.
    assert!(!text.contains(ALICE_KEY), "{text}");
    assert!(!text.contains("session_id="), "{text}");
    assert!(!text.contains("\"alice\", \"alice\""), "{text}");
}
