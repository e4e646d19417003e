//! What differs between Odoo 16, 17, 18 and 19, replayed from real servers'
//! recordings: the version read from `common.version`, the capabilities it
//! gives, `copy` returning ids on every version, and the web session's 404
//! for an unknown model.
//!
//! The 16 and 17 fixtures are copies of `../shared/odoo16/wire` and
//! `../shared/odoo17/wire` in `tests/fixtures/versions/`; 18 and 19 are in
//! `tests/fixtures/wire` and `tests/fixtures/wire19`.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use std::path::PathBuf;

use odoo::{Client, Domain, ServerErrorKind, Session, Transport};
use serde_json::{Value, json};
use support::Fixture;
use support::replay::{Canned, ReplayServer, assert_same_request};

fn dir(major: u32) -> PathBuf {
    match major {
        18 => support::fixtures_dir(),
        19 => support::fixtures19_dir(),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/versions/odoo{major}")),
    }
}

/// Admin logged in over JSON-RPC on a replayed Odoo `major`: the recorded
/// `common.version`, then authenticate, `context_get` and the user's row
/// (an empty context, so that calls carry none, as recorded), then `after`.
async fn admin(major: u32, after: Vec<Canned>) -> (ReplayServer, Session) {
    let version = Fixture::load_from(&dir(major), "jsonrpc_common_version");
    let mut canned = vec![
        Canned::from_fixture(&version),
        Canned::result(json!(2)),
        Canned::result(json!({})),
        Canned::result(json!([{"id": 2, "login": "admin", "company_id": false}])),
    ];
    canned.extend(after);
    let server = ReplayServer::start(canned).await;
    let session = Client::builder(&server.url)
        .database(format!("odoo{major}"))
        .transport(Transport::JsonRpc)
        .build()
        .unwrap()
        .login("admin", "admin")
        .await
        .unwrap();
    (server, session)
}

/// The `copy` fixture `name` of version `major`, replayed after a login.
async fn replay_copy(major: u32, name: &str) -> (ReplayServer, Session, Fixture) {
    let fixture = Fixture::load_from(&dir(major), name);
    let (server, session) = admin(major, vec![Canned::from_fixture(&fixture)]).await;
    (server, session, fixture)
}

#[tokio::test]
async fn the_version_and_capabilities_come_from_common_version() {
    for major in [16, 17, 18] {
        let (_server, session) = admin(major, Vec::new()).await;
        let version = session.server_version().unwrap();
        assert_eq!(version.major(), Some(major));
        assert_eq!(version.minor(), Some(0));
        assert!(!version.is_saas());
        assert_eq!(version.to_string(), format!("{major}.0"));
        let caps = session.capabilities().unwrap();
        assert_eq!(caps.major(), major);
        assert_eq!(caps.name_get(), major <= 17);
        assert_eq!(caps.copy_returns_list(), major >= 18);
        assert_eq!(caps.web_read(), major >= 17);
        assert!(!caps.json2());
    }
    // 16 and 17 release packages say "16.0-20240327" / "17.0-20240709".
    let (_server, session) = admin(17, Vec::new()).await;
    assert_eq!(
        session.server_version().unwrap().server_version,
        "17.0-20240709"
    );
}

#[tokio::test]
async fn the_web_session_reads_the_version_from_the_session_info() {
    for (major, recorded) in [(16, "16.0-20240327"), (17, "17.0-20240709"), (18, "18.0")] {
        let login = Fixture::load_from(&dir(major), "web_session_authenticate");
        let server = ReplayServer::start([Canned::from_fixture(&login)]).await;
        let session = Client::builder(&server.url)
            .database(format!("odoo{major}"))
            .transport(Transport::WebSession)
            .build()
            .unwrap()
            .login("admin", "admin")
            .await
            .unwrap();
        let version = session.server_version().unwrap();
        assert_eq!(version.server_version, recorded);
        assert_eq!(version.major(), Some(major));
        assert_eq!(version.to_string(), format!("{major}.0"));
        assert_eq!(session.capabilities().unwrap().major(), major);
    }
}

#[tokio::test]
async fn copy_returns_ids_on_every_version() {
    // 16 and 17 answer a bare id, 18 a list: the SDK returns a list.
    for (major, expected) in [(16, 29), (17, 29), (18, 29)] {
        let (server, session, fixture) = replay_copy(major, "jsonrpc_method_copy").await;
        let ids = session.copy("sale.order", [22], None).await.unwrap();
        assert_eq!(ids, vec![expected], "{major}");
        let sent = server.bodies().pop().unwrap();
        assert_same_request(&fixture.name, &sent, &fixture.request_json());
    }
    for (major, expected) in [(16, 49), (17, 49), (18, 60)] {
        let (server, session, fixture) =
            replay_copy(major, "jsonrpc_method_copy_with_default").await;
        let default = json!({"name": "Deco Addict (copy via RPC)", "email": false});
        let ids = session
            .copy("res.partner", [10], Some(&default))
            .await
            .unwrap();
        assert_eq!(ids, vec![expected], "{major}");
        let sent = server.bodies().pop().unwrap();
        assert_same_request(&fixture.name, &sent, &fixture.request_json());
    }
}

#[tokio::test]
async fn copy_of_several_records_is_one_call_from_18_and_one_per_record_before() {
    let (server, session, fixture) = replay_copy(18, "jsonrpc_method_copy_multi").await;
    let ids = session.copy("res.partner", [9, 13], None).await.unwrap();
    assert_eq!(ids, vec![61, 62]);
    let sent = server.bodies().pop().unwrap();
    assert_same_request(&fixture.name, &sent, &fixture.request_json());

    for major in [16, 17] {
        // The recorded multi-record copy is refused ("Expected singleton");
        // the SDK sends one single-record copy per id instead, as recorded
        // for one id (a bare id each).
        let refused = Fixture::load_from(&dir(major), "jsonrpc_method_copy_multi");
        assert_eq!(
            refused.response_json()["error"]["data"]["name"],
            "builtins.ValueError"
        );
        let (server, session) = admin(
            major,
            vec![Canned::result(json!(70)), Canned::result(json!(71))],
        )
        .await;
        let ids = session.copy("res.partner", [9, 13], None).await.unwrap();
        assert_eq!(ids, vec![70, 71], "{major}");
        let bodies = server.bodies();
        let copies: Vec<&Value> = bodies[bodies.len() - 2..]
            .iter()
            .map(|b| &b["params"]["args"])
            .collect();
        let mut one = refused.request_json()["params"]["args"].clone();
        one[5] = json!([[9]]);
        assert_eq!(copies[0], &one, "{major}");
        one[5] = json!([[13]]);
        assert_eq!(copies[1], &one, "{major}");
    }
}

#[tokio::test]
async fn copy_over_json2_returns_the_recorded_list() {
    let fixture = Fixture::load19("json2_copy_returns_ids");
    let server = ReplayServer::start([Canned::from_fixture(&fixture)]).await;
    let key = fixture
        .request_header("Authorization")
        .and_then(|a| a.split_once(' ').map(|(_, k)| k.to_owned()))
        .unwrap();
    let session = Client::builder(&server.url)
        .database("odoo19")
        .transport(Transport::Json2)
        .build()
        .unwrap()
        .session_for_uid(2, "admin", key);
    let default = json!({"name": "Acme copy (odoo-rs)"});
    let ids = session
        .copy("res.partner", [9], Some(&default))
        .await
        .unwrap();
    assert_eq!(ids, vec![52]);
    assert_eq!(server.captured()[0].json(), fixture.request_json());
}

#[tokio::test]
async fn copy_of_no_records_sends_nothing() {
    let (server, session) = admin(18, Vec::new()).await;
    let before = server.captured().len();
    assert!(
        session
            .copy("res.partner", [], None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(server.captured().len(), before);
}

#[tokio::test]
async fn web_session_not_found_on_a_model_is_an_unknown_model() {
    // Real 16, 17, 18 and 19 answer call_kw on an unknown model with
    // werkzeug's NotFound (JSON-RPC code 404; Odoo's http.py sets the
    // message "404: Not Found"), a text that names no model.
    let login = Fixture::load("web_session_authenticate");
    let not_found = Canned {
        status: 200,
        content_type: "application/json; charset=utf-8".into(),
        headers: Vec::new(),
        body: serde_json::to_vec(&json!({
            "jsonrpc": "2.0", "id": 1,
            "error": {"code": 404, "message": "404: Not Found", "data": {
                "name": "werkzeug.exceptions.NotFound",
                "debug": "Traceback (most recent call last): ...",
                "message": "404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
                "arguments": [], "context": {}
            }}
        }))
        .unwrap(),
    };
    let server = ReplayServer::start([Canned::from_fixture(&login), not_found]).await;
    let session = Client::builder(&server.url)
        .database("odoo18")
        .transport(Transport::WebSession)
        .build()
        .unwrap()
        .login("admin", "admin")
        .await
        .unwrap();
    let err = session
        .search("no.such.model", Domain::all())
        .await
        .unwrap_err();
    assert_eq!(
        err.server_kind(),
        Some(ServerErrorKind::UnknownModel),
        "{err:?}"
    );
    let server_error = err.as_server().unwrap();
    assert_eq!(server_error.code(), 404);
    assert_eq!(server_error.model(), Some("no.such.model"));
    assert_eq!(
        server.captured()[1].path,
        "/web/dataset/call_kw/no.such.model/search"
    );
}
