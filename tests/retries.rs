//! Safe automatic retries, over every transport, against faults injected by
//! the embedded server (`MockServer::faults`), which also counts what really
//! ran: reads succeed after retries, a create that provably did not run is
//! sent again and runs exactly once, and a create that may have run is never
//! sent twice and says so.
//!
//! These tests need the embedded server's fault injection, so they run on it
//! even when `ODOO_URL` names a real Odoo (each says so).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::time::{Duration, Instant};

use odoo::{Client, Domain, Error, RetryPolicy, Session, Transport, field};
use odoo_mock::InjectedFault;
use serde_json::json;

#[path = "support/faulty.rs"]
mod faulty;

use faulty::{TRANSPORTS, admin, alice, client, partner_names, quick_retries, server};

/// What every kind of fault looks like, with a name for messages.
fn every_fault() -> Vec<(&'static str, InjectedFault)> {
    vec![
        ("429", InjectedFault::too_many_requests(0)),
        ("502", InjectedFault::BadGateway),
        ("503", InjectedFault::ServiceUnavailable),
        ("pool error", InjectedFault::PoolError),
        ("close before", InjectedFault::CloseBeforeRequest),
        ("close after", InjectedFault::CloseAfterRun),
        ("cut body", InjectedFault::CutBody),
    ]
}

#[tokio::test]
async fn reads_succeed_after_every_fault_on_every_transport() {
    for (transport, version) in TRANSPORTS {
        let server = server(version).await;
        let client = client(&server, transport, quick_retries());
        let session = alice(&client, transport).await;
        let expected = partner_names(&session).await.unwrap();
        assert!(!expected.is_empty());
        for (name, fault) in every_fault() {
            server.faults().inject_next(2, fault);
            let got = partner_names(&session)
                .await
                .unwrap_or_else(|e| panic!("{} after two {name} faults: {e}", transport.name()));
            assert_eq!(got, expected, "{} after {name}", transport.name());
            assert_eq!(server.faults().queued(), 0, "{name}: both faults were met");
        }
        // A slow answer is no failure: nothing to retry.
        server
            .faults()
            .inject_next(1, InjectedFault::Delay(Duration::from_millis(30)));
        assert_eq!(partner_names(&session).await.unwrap(), expected);
        assert_eq!(server.faults().queued(), 0);
    }
}

#[tokio::test]
async fn a_create_refused_before_it_ran_is_sent_again_and_runs_once() {
    for (transport, version) in TRANSPORTS {
        let server = server(version).await;
        let client = client(&server, transport, quick_retries());
        let session = admin(&client, transport).await;
        for (name, fault) in [
            ("429", InjectedFault::too_many_requests(0)),
            ("503", InjectedFault::ServiceUnavailable),
            ("pool error", InjectedFault::PoolError),
        ] {
            let partner = format!("retried {name} over {}", transport.name());
            server.clear_calls();
            server.faults().inject_next(2, fault);
            let id = session
                .create("res.partner", &json!({"name": partner}))
                .await
                .unwrap_or_else(|e| panic!("{} create after {name}: {e}", transport.name()));
            assert_eq!(
                server.ran("res.partner", "create"),
                1,
                "{} {name}: the create ran exactly once",
                transport.name()
            );
            let same = session
                .search("res.partner", field("name").eq(partner.as_str()))
                .await
                .unwrap();
            assert_eq!(same, vec![id], "{} {name}: one record", transport.name());
        }
    }
}

#[tokio::test]
async fn a_create_that_may_have_run_is_not_sent_again_and_says_so() {
    for (transport, version) in TRANSPORTS {
        let server = server(version).await;
        let client = client(&server, transport, quick_retries());
        let session = admin(&client, transport).await;
        for (name, fault, ran) in [
            ("close after", InjectedFault::CloseAfterRun, 1),
            ("cut body", InjectedFault::CutBody, 1),
            // Neither ran here, but a client cannot know: a proxy's 502 may
            // follow a call that ran, and a closed connection says nothing.
            ("502", InjectedFault::BadGateway, 0),
            ("close before", InjectedFault::CloseBeforeRequest, 0),
        ] {
            let partner = format!("maybe {name} over {}", transport.name());
            server.clear_calls();
            server.faults().inject_next(1, fault);
            let error = session
                .create("res.partner", &json!({"name": partner}))
                .await
                .expect_err("the create's answer was lost");
            assert!(error.may_have_run(), "{} {name}: {error}", transport.name());
            assert_eq!(
                error.attempts(),
                1,
                "{} {name}: sent once",
                transport.name()
            );
            assert_eq!(
                server.ran("res.partner", "create"),
                ran,
                "{} {name}: what the server ran",
                transport.name()
            );
            let found = session
                .search("res.partner", field("name").eq(partner.as_str()))
                .await
                .unwrap();
            assert_eq!(
                found.len(),
                ran,
                "{} {name}: no duplicate",
                transport.name()
            );
        }
    }
}

#[tokio::test]
async fn odoo_16_pool_error_is_an_html_500_retried_for_reads_only() {
    let server = server(16).await;
    let client = client(&server, Transport::JsonRpc, quick_retries());
    let session = admin(&client, Transport::JsonRpc).await;
    let expected = partner_names(&session).await.unwrap();
    server.faults().inject_next(2, InjectedFault::PoolError);
    assert_eq!(partner_names(&session).await.unwrap(), expected);

    server.clear_calls();
    server.faults().inject_next(1, InjectedFault::PoolError);
    let error = session
        .create("res.partner", &json!({"name": "pool on 16"}))
        .await
        .expect_err("an HTML 500 does not say whether the create ran");
    assert!(error.may_have_run(), "{error}");
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.ran("res.partner", "create"), 0);
}

#[tokio::test]
async fn retry_policy_none_reports_the_first_failure() {
    let server = server(18).await;
    let client = client(&server, Transport::JsonRpc, RetryPolicy::none());
    let session = alice(&client, Transport::JsonRpc).await;
    server
        .faults()
        .inject_next(1, InjectedFault::ServiceUnavailable);
    let error = partner_names(&session).await.expect_err("not retried");
    assert_eq!(error.attempts(), 1);
    assert!(!error.may_have_run(), "a 503 did not run: {error}");
    assert!(matches!(&error, Error::Transport(t) if t.http_status() == Some(503)));
    // The next call goes through.
    partner_names(&session).await.unwrap();
}

#[tokio::test]
async fn the_last_error_says_how_many_attempts_were_made() {
    let server = server(18).await;
    let client = client(
        &server,
        Transport::WebSession,
        quick_retries().max_attempts(3),
    );
    let session = alice(&client, Transport::WebSession).await;
    server.faults().inject_next(10, InjectedFault::PoolError);
    let error = partner_names(&session)
        .await
        .expect_err("three pool errors");
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("(after 3 attempts)"), "{error}");
    assert_eq!(
        error.server_kind(),
        Some(odoo::ServerErrorKind::PoolExhausted)
    );
    assert_eq!(server.faults().injected().total, 3);
    server.faults().clear();
}

#[tokio::test]
async fn retry_after_is_honoured_and_the_deadline_holds() {
    let server = server(18).await;
    let client = client(&server, Transport::JsonRpc, quick_retries());
    let session = alice(&client, Transport::JsonRpc).await;
    server
        .faults()
        .inject_next(1, InjectedFault::too_many_requests(1));
    let started = Instant::now();
    partner_names(&session).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}, the server asked for 1 s",
        started.elapsed()
    );

    // A wait past the deadline is not started: the 429 comes back at once.
    let hurried = self::client(
        &server,
        Transport::JsonRpc,
        quick_retries().deadline(Duration::from_millis(300)),
    );
    let session = alice(&hurried, Transport::JsonRpc).await;
    server
        .faults()
        .inject_next(1, InjectedFault::too_many_requests(5));
    let started = Instant::now();
    let error = partner_names(&session).await.expect_err("deadline");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(error.attempts(), 1);
    assert!(!error.may_have_run());
}

#[tokio::test]
async fn logins_are_retried() {
    for (transport, version) in TRANSPORTS {
        let server = server(version).await;
        let client = client(&server, transport, quick_retries());
        server
            .faults()
            .inject_next(1, InjectedFault::ServiceUnavailable);
        server.faults().inject_next(1, InjectedFault::CutBody);
        let session = alice(&client, transport).await;
        assert!(session.uid() > 0);
        assert_eq!(server.faults().injected().total, 2, "{}", transport.name());
    }
}

#[tokio::test]
async fn overload_halves_the_in_flight_limit_and_success_restores_it() {
    let server = server(18).await;
    let client = Client::builder(server.url())
        .database(server.database())
        .transport(Transport::JsonRpc)
        .max_in_flight(8)
        .retry(quick_retries())
        .build()
        .unwrap();
    let session = alice(&client, Transport::JsonRpc).await;
    assert_eq!(client.in_flight_limit(), 8);
    server.faults().inject_next(1, InjectedFault::PoolError);
    partner_names(&session).await.unwrap();
    assert_eq!(client.in_flight_limit(), 4);
    server
        .faults()
        .inject_next(1, InjectedFault::ServiceUnavailable);
    partner_names(&session).await.unwrap();
    assert_eq!(client.in_flight_limit(), 2);
    // One more slot per window of successes: 2 + 3 + 4 + ... calls.
    for _ in 0..40 {
        partner_names(&session).await.unwrap();
    }
    assert_eq!(client.in_flight_limit(), 8);
}

#[tokio::test]
async fn the_rate_limit_is_shared_by_every_session_of_a_client() {
    let server = server(18).await;
    let client = Client::builder(server.url())
        .database(server.database())
        .transport(Transport::WebSession)
        .rate_limit(20, 1)
        .build()
        .unwrap();
    let alice = client.login("alice", "alice").await.unwrap();
    let bob = client.login("bob", "bob").await.unwrap();
    let started = Instant::now();
    let reads = |s: Session| async move {
        for _ in 0..10 {
            s.search_count("res.partner", Domain::all()).await.unwrap();
        }
    };
    tokio::join!(reads(alice), reads(bob));
    // 20 calls at 20 a second, one at a time: about a second, for both
    // sessions together.
    assert!(
        started.elapsed() >= Duration::from_millis(850),
        "20 calls took {:?}",
        started.elapsed()
    );

    let error = Client::builder(server.url())
        .database(server.database())
        .rate_limit(0, 1)
        .build()
        .expect_err("zero calls a second");
    assert!(error.to_string().contains("rate_limit(0, 1)"), "{error}");
}

#[tokio::test]
async fn secrets_are_refused_over_plain_http_to_another_host() {
    // 192.0.2.1 is TEST-NET-1: never a real host, and not this machine.
    let remote = "http://192.0.2.1:8069";
    let started = Instant::now();
    for transport in [
        Transport::Auto,
        Transport::JsonRpc,
        Transport::XmlRpc,
        Transport::WebSession,
        Transport::Json2,
    ] {
        let client = Client::builder(remote)
            .database("odoo")
            .transport(transport)
            .build()
            .unwrap();
        let refused = [
            client.login("alice", "hunter2").await.map(|_| ()),
            client
                .login_api_key("alice", "secret-key-0123")
                .await
                .map(|_| ()),
            client
                .session_for_uid(7, "alice", "secret-key-0123")
                .search_count("res.partner", Domain::all())
                .await
                .map(|_| ()),
        ];
        for outcome in refused {
            let error = outcome.expect_err("refused");
            let text = error.to_string();
            assert!(
                matches!(error, Error::Config(_)),
                "{}: {error}",
                transport.name()
            );
            assert!(text.contains("allow_insecure_http"), "{error}");
            assert!(text.contains("192.0.2.1"), "{error}");
            assert!(
                !text.contains("hunter2") && !text.contains("secret-key"),
                "{error}"
            );
            assert!(!error.may_have_run());
        }
    }
    // Nothing was sent: refusing took no network time.
    assert!(started.elapsed() < Duration::from_millis(250));

    // The anonymous version query carries no secret: it is sent (and
    // fails on the network).
    let anonymous = Client::builder(remote)
        .database("odoo")
        .connect_timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = anonymous.version().await.expect_err("no such host");
    assert!(matches!(error, Error::Transport(_)), "{error}");

    // Opting in sends it: the failure is now the network's.
    let insecure = Client::builder(remote)
        .database("odoo")
        .transport(Transport::JsonRpc)
        .connect_timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let error = insecure
        .login("alice", "hunter2")
        .await
        .expect_err("no host");
    assert!(matches!(error, Error::Transport(_)), "{error}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[tokio::test]
async fn loopback_servers_take_secrets_over_plain_http() {
    let server = server(18).await;
    let port = server.url().rsplit(':').next().unwrap().to_owned();
    for host in ["127.0.0.1", "localhost"] {
        let client = Client::builder(format!("http://{host}:{port}"))
            .database(server.database())
            .transport(Transport::JsonRpc)
            .build()
            .unwrap();
        let session = client.login("alice", "alice").await.unwrap();
        assert!(session.uid() > 0, "{host}");
    }
}
