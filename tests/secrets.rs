//! No password, API key or session id appears in Debug output, error
//! messages or logs, whatever happens.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use odoo::{Client, Domain, Error};
use serde_json::{Value, json};
use support::Fixture;
use support::replay::{Canned, ReplayServer};

const PASSWORD: &str = "Sup3r-S3cret-Pa55word";

/// Collects everything the SDK logs, at every level.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn check(text: &str, what: &str) {
    assert!(
        !text.contains(PASSWORD),
        "the password leaked into {what}: {text}"
    );
}

#[tokio::test]
async fn secrets_never_reach_debug_errors_or_logs() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let version = Canned::from_fixture(&Fixture::load("jsonrpc_common_version"));
    let responses = vec![
        // A good login.
        version.clone(),
        Canned::result(json!(8)),
        Canned::result(json!({"lang": "en_US", "tz": false, "uid": 8})),
        Canned::result(json!([{"id": 8, "company_id": [1, "YourCompany"]}])),
        // Then one of each failure.
        Canned::from_fixture(&Fixture::load("jsonrpc_error_access_denied_wrong_password")),
        Canned::from_fixture(&Fixture::load(
            "jsonrpc_error_access_error_read_other_users_order",
        )),
        Canned::from_fixture(&Fixture::load("jsonrpc_error_malformed_json")),
        Canned {
            status: 200,
            content_type: "text/html".into(),
            headers: Vec::new(),
            body: b"<html>not odoo</html>".to_vec(),
        },
        Canned::result(json!([{"id": 21, "name": false}])),
        // A refused login.
        version,
        Canned::result(json!(false)),
    ];
    let server = ReplayServer::start(responses).await;
    // Credentials in the URL too: they must not show anywhere either.
    let url = server
        .url
        .replace("http://", &format!("http://admin:{PASSWORD}@"));
    let client = Client::builder(url)
        .database("odoo18")
        .transport(odoo::Transport::JsonRpc)
        .build()
        .unwrap();
    check(&format!("{client:?}"), "Client Debug");

    let session = client.login("alice", PASSWORD).await.unwrap();
    check(&format!("{session:?}"), "Session Debug");
    check(
        &format!("{:?}", session.with_context("lang", "fr_FR")),
        "Session Debug",
    );

    let mut errors: Vec<Error> = Vec::new();
    errors.push(
        session
            .search("res.partner", Domain::all())
            .await
            .unwrap_err(),
    );
    errors.push(session.read::<Value>("sale.order", [24]).await.unwrap_err());
    errors.push(
        session
            .search("res.partner", Domain::all())
            .await
            .unwrap_err(),
    );
    errors.push(
        session
            .search("res.partner", Domain::all())
            .await
            .unwrap_err(),
    );
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Named {
        name: String,
    }
    errors.push(session.read::<Named>("sale.order", [21]).await.unwrap_err());
    errors.push(client.login("alice", PASSWORD).await.unwrap_err());
    // A server that is not there.
    let gone = Client::builder(format!("http://admin:{PASSWORD}@127.0.0.1:9"))
        .database("odoo18")
        .transport(odoo::Transport::JsonRpc)
        .build()
        .unwrap();
    errors.push(gone.login("alice", PASSWORD).await.unwrap_err());

    assert!(matches!(errors[0], Error::AccessDenied(_)));
    assert!(matches!(errors[1], Error::Server(_)));
    assert!(matches!(errors[2], Error::Transport(_)));
    assert!(matches!(errors[3], Error::Protocol(_)));
    assert!(matches!(errors[4], Error::Decode(_)));
    assert!(matches!(errors[5], Error::AccessDenied(_)));
    assert!(matches!(errors[6], Error::Transport(_)));
    for e in &errors {
        check(&e.to_string(), "an error message");
        check(&format!("{e:?}"), "an error's Debug");
        check(&format!("{e:#?}"), "an error's Debug");
    }

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("execute_kw"),
        "the SDK logs its calls: {logged}"
    );
    check(&logged, "the logs");
}
