//! Every recorded model call, on every protocol, replayed through the SDK's
//! generic `Session::call`: (a) the SDK sends the recorded request (JSON-RPC
//! and web bodies as JSON without the id, XML-RPC as decoded values, JSON-2
//! as its JSON body with the same key and database headers), (b) it decodes
//! the recorded answer into the same value, or into an error with the same
//! exception name and message.
//!
//! The typed helpers (search, read, create, ...) have their own replay tests
//! in `replay_jsonrpc.rs` and `replay_transports.rs`; this one proves that no
//! recorded call is out of the SDK's reach. Requests that the SDK cannot
//! send by design (broken JSON, a wrong content type, no credentials, an
//! array body, ...) are listed with the reason; the embedded server's
//! answers to them are checked in `mock_conformance.rs`.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use std::path::Path;

use odoo::xmlrpc::{XmlResponse, XmlValue, decode_call, decode_response};
use odoo::{Client, Error, Session, Transport};
use serde_json::{Value, json};
use support::replay::{Canned, ReplayServer, assert_same_request};
use support::{Fixture, all_fixture_names, fixtures_dir, fixtures19_dir};

/// Recorded requests that no SDK call produces, and why.
const NOT_SDK_REQUESTS: &[(&str, &str)] = &[
    (
        "json2_lowercase_bearer_upper",
        "sends `Bearer`; the SDK always writes `bearer`",
    ),
    (
        "json2_no_database_header",
        "has no X-Odoo-Database; the SDK always sends it",
    ),
    (
        "json2_error_wrong_database_header",
        "names another database than the client's",
    ),
    ("json2_error_no_authorization", "has no credentials"),
    ("json2_error_basic_auth", "uses Basic authentication"),
    (
        "json2_error_bearer_password",
        "sends a password as the bearer",
    ),
    (
        "json2_error_array_body",
        "sends a JSON array body, which the SDK never does",
    ),
    (
        "json2_error_array_body_search_read",
        "sends a JSON array body",
    ),
    (
        "json2_empty_body_json",
        "sends an empty body, which the SDK never does",
    ),
    (
        "json2_empty_body_no_content_type",
        "sends an empty body without a content type",
    ),
    ("json2_error_wrong_content_type", "sends text/plain"),
    ("json2_error_malformed_json", "sends broken JSON"),
    ("json2_error_get_method", "uses GET"),
    (
        "json2_error_root_path",
        "is not a /json/2/<model>/<method> path",
    ),
    (
        "json2_error_three_segments",
        "is not a /json/2/<model>/<method> path",
    ),
    (
        "json2_error_session_cookie_without_bearer",
        "authenticates with a cookie",
    ),
    (
        "json2_error_session_cookie_other_users_bearer",
        "sends a cookie along",
    ),
    (
        "json2_session_cookie_and_matching_bearer",
        "sends a cookie along",
    ),
    (
        "json2_error_domain_as_string",
        "sends a string as the domain",
    ),
    (
        "json2_error_create_with_ids",
        "passes ids to @api.model create; the SDK maps a positional argument of create to vals_list",
    ),
];

enum Outcome {
    Result(Value),
    Error { name: String, message: String },
}

fn outcome_of_json(body: &[u8], envelope: bool) -> Outcome {
    let v: Value = serde_json::from_slice(body).unwrap();
    if envelope {
        if let Some(data) = v.pointer("/error/data") {
            return Outcome::Error {
                name: data["name"].as_str().unwrap().to_owned(),
                message: data["message"].as_str().unwrap().to_owned(),
            };
        }
        Outcome::Result(v.get("result").cloned().unwrap_or(Value::Null))
    } else if v.get("name").is_some() && v.get("debug").is_some() {
        Outcome::Error {
            name: v["name"].as_str().unwrap().to_owned(),
            message: v["message"].as_str().unwrap().to_owned(),
        }
    } else {
        Outcome::Result(v)
    }
}

/// Check the SDK's answer against the recorded one.
fn assert_outcome(name: &str, got: Result<Value, Error>, expected: Outcome) {
    match (got, expected) {
        (Ok(v), Outcome::Result(e)) => assert_eq!(v, e, "{name}: the decoded result differs"),
        (Err(err), Outcome::Error { name: en, message }) => {
            let server = err
                .as_server()
                .unwrap_or_else(|| panic!("{name}: expected a server error, got {err:?}"));
            assert_eq!(server.name(), en, "{name}");
            assert_eq!(server.message(), message, "{name}");
        }
        (Ok(v), Outcome::Error { name: en, .. }) => panic!("{name}: expected {en}, got {v}"),
        (Err(err), Outcome::Result(_)) => panic!("{name}: expected a result, got {err:?}"),
    }
}

/// Build the generic call for positional `args` and keyword `kwargs`.
async fn call(
    session: &Session,
    model: &str,
    method: &str,
    args: &[Value],
    kwargs: &Value,
) -> Result<Value, Error> {
    let mut c = session.call(model, method);
    for a in args {
        c = c.arg(a);
    }
    if let Some(kw) = kwargs.as_object() {
        for (k, v) in kw {
            c = c.kwarg(k, v);
        }
    }
    c.await
}

fn client(server: &ReplayServer, db: &str, transport: Transport) -> Client {
    Client::builder(&server.url)
        .database(db)
        .transport(transport)
        .build()
        .unwrap()
}

async fn replay_jsonrpc(f: &Fixture) -> bool {
    let request = f.request_json();
    let p = &request["params"];
    if p["service"] != "object" || p["method"] != "execute_kw" {
        return false;
    }
    let args = p["args"].as_array().unwrap();
    let server = ReplayServer::start([Canned::from_fixture(f)]).await;
    let session = client(&server, args[0].as_str().unwrap(), Transport::JsonRpc).session_for_uid(
        args[1].as_i64().unwrap(),
        "user",
        args[2].as_str().unwrap(),
    );
    let kwargs = args.get(6).cloned().unwrap_or(json!({}));
    let got = call(
        &session,
        args[3].as_str().unwrap(),
        args[4].as_str().unwrap(),
        args[5].as_array().unwrap(),
        &kwargs,
    )
    .await;
    let mut sent = server.bodies().pop().unwrap();
    // A recorded call without kwargs: the SDK always sends them, empty.
    if args.len() == 6 {
        sent["params"]["args"].as_array_mut().unwrap().pop();
    }
    assert_same_request(&f.name, &sent, &request);
    assert_outcome(&f.name, got, outcome_of_json(&f.response_body, true));
    true
}

async fn replay_xmlrpc(f: &Fixture) -> bool {
    let Ok((method, params)) = decode_call(&f.request_body) else {
        return false;
    };
    if method != "execute_kw" || !f.path.ends_with("/object") {
        return false;
    }
    let p: Vec<Value> = params.into_iter().map(XmlValue::into_value).collect();
    let server = ReplayServer::start([Canned::from_fixture(f)]).await;
    let session = client(&server, p[0].as_str().unwrap(), Transport::XmlRpc).session_for_uid(
        p[1].as_i64().unwrap(),
        "user",
        p[2].as_str().unwrap(),
    );
    let kwargs = p.get(6).cloned().unwrap_or(json!({}));
    let got = call(
        &session,
        p[3].as_str().unwrap(),
        p[4].as_str().unwrap(),
        p[5].as_array().unwrap(),
        &kwargs,
    )
    .await;
    // Compare as values; an empty kwargs struct and none are the same call.
    let normal = |body: &[u8]| {
        let (m, params) = decode_call(body).unwrap();
        let mut v: Vec<Value> = params.into_iter().map(XmlValue::into_value).collect();
        if v.len() == 7 && v[6] == json!({}) {
            v.pop();
        }
        (m, v)
    };
    let sent = server.captured().pop().unwrap().body;
    assert_eq!(
        normal(&sent),
        normal(&f.request_body),
        "{}: the XML-RPC call differs",
        f.name
    );
    let expected = match decode_response(&f.response_body).unwrap() {
        XmlResponse::Success(v) => Outcome::Result(v.into_value()),
        XmlResponse::Fault { string, .. } => {
            // Faults carry no exception name: compare what the SDK derives.
            let err = got.as_ref().unwrap_err();
            let server = err.as_server().unwrap();
            assert!(
                string.contains(server.message().lines().next().unwrap_or("")),
                "{}: {err:?}",
                f.name
            );
            return true;
        }
    };
    assert_outcome(&f.name, got, expected);
    true
}

async fn replay_json2(f: &Fixture) -> bool {
    let Some(rest) = f.path.strip_prefix("/json/2/") else {
        return false;
    };
    let Some((model, method)) = rest.split_once('/') else {
        return false;
    };
    let Some(auth) = f.request_header("Authorization") else {
        return false; // Odoo 18's probe of /json/2: see replay_transports.rs
    };
    let key = auth.strip_prefix("bearer ").unwrap();
    let mut body: Value = serde_json::from_slice(&f.request_body).unwrap();
    let body_map = body.as_object_mut().unwrap();
    let ids = body_map.remove("ids");
    let server = ReplayServer::start([Canned::from_fixture(f)]).await;
    let session = client(&server, "odoo19", Transport::Json2).session_for_uid(2, "user", key);
    let args: Vec<Value> = ids.into_iter().collect();
    let got = call(
        &session,
        model,
        method,
        &args,
        &Value::Object(body_map.clone()),
    )
    .await;
    let req = server
        .captured()
        .pop()
        .unwrap_or_else(|| panic!("{}: nothing sent: {got:?}", f.name));
    assert_eq!(req.path, f.path, "{}", f.name);
    assert_eq!(
        req.json(),
        f.request_json(),
        "{}: the JSON-2 body differs",
        f.name
    );
    assert_eq!(
        req.headers["authorization"].to_str().unwrap(),
        auth,
        "{}",
        f.name
    );
    assert_eq!(
        req.headers["x-odoo-database"].to_str().unwrap(),
        "odoo19",
        "{}",
        f.name
    );
    match outcome_of_json(&f.response_body, false) {
        // 401s are refused credentials.
        Outcome::Error { name, .. } if f.status == 401 => {
            let err = got.unwrap_err();
            assert!(err.is_access_denied(), "{}: {err:?}", f.name);
            assert_eq!(err.as_server().unwrap().name(), name);
        }
        expected => assert_outcome(&f.name, got, expected),
    }
    true
}

async fn replay_web(f: &Fixture, dir19: bool) -> bool {
    if !f.path.starts_with("/web/dataset/call_kw/") || f.request_header("Cookie").is_none() {
        return false;
    }
    let body = String::from_utf8_lossy(&f.response_body);
    if body.contains("SessionExpiredException") || f.status != 200 {
        // Expiry and refusals have their own tests (replay_transports.rs).
        return false;
    }
    let auth = if dir19 {
        Fixture::load19("web_session_authenticate")
    } else {
        Fixture::load("web_session_authenticate")
    };
    let server = ReplayServer::start([Canned::from_fixture(&auth), Canned::from_fixture(f)]).await;
    let session = client(
        &server,
        if dir19 { "odoo19" } else { "odoo18" },
        Transport::WebSession,
    )
    .login("alice", "alice")
    .await
    .unwrap();
    let request = f.request_json();
    let p = &request["params"];
    let got = call(
        &session,
        p["model"].as_str().unwrap(),
        p["method"].as_str().unwrap(),
        p["args"].as_array().unwrap(),
        &p["kwargs"],
    )
    .await;
    let captured = server.captured().pop().unwrap();
    let mut sent = captured.json();
    let context = sent["params"]["kwargs"]
        .as_object_mut()
        .unwrap()
        .remove("context")
        .unwrap();
    // The recorded call's own context keys win over the session's.
    let mut expected_context = session.context().clone();
    if let Some(own) = p["kwargs"].get("context").and_then(Value::as_object) {
        expected_context.extend(own.clone());
    }
    assert_eq!(context, Value::Object(expected_context), "{}", f.name);
    let mut recorded = request.clone();
    if let Some(kw) = recorded["params"]["kwargs"].as_object_mut() {
        kw.remove("context");
    }
    assert_same_request(&f.name, &sent, &recorded);
    assert_eq!(captured.path, f.path, "{}", f.name);
    assert_outcome(&f.name, got, outcome_of_json(&f.response_body, true));
    true
}

async fn replay_dir(dir: &Path, dir19: bool) {
    let (mut replayed, mut skipped) = (0, Vec::new());
    for name in all_fixture_names(dir) {
        let f = Fixture::load_from(dir, &name);
        if let Some((_, why)) = NOT_SDK_REQUESTS.iter().find(|(n, _)| *n == name) {
            skipped.push(format!("{name}: {why}"));
            continue;
        }
        let done = if f.path == "/jsonrpc"
            && f.request_content_type.as_deref() == Some("application/json")
        {
            serde_json::from_slice::<Value>(&f.request_body).is_ok() && replay_jsonrpc(&f).await
        } else if f.path.starts_with("/xmlrpc") {
            replay_xmlrpc(&f).await
        } else if f.path.starts_with("/json/2/") {
            replay_json2(&f).await
        } else {
            replay_web(&f, dir19).await
        };
        if done {
            replayed += 1;
        }
    }
    eprintln!(
        "[odoo-rs tests] {}: {replayed} recorded model calls replayed through Session::call; not SDK requests: {}",
        dir.display(),
        skipped.len()
    );
    for s in &skipped {
        eprintln!("  {s}");
    }
    assert!(
        replayed >= if dir19 { 50 } else { 150 },
        "only {replayed} replayed"
    );
}

#[tokio::test]
async fn every_recorded_odoo_18_model_call() {
    replay_dir(&fixtures_dir(), false).await;
}

#[tokio::test]
async fn every_recorded_odoo_19_model_call() {
    replay_dir(&fixtures19_dir(), true).await;
}
