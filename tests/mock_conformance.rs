//! (c) of the replay checks: the server under test answers every recorded
//! JSON-RPC request with the same shape as the real Odoo 18 did (same keys
//! and value kinds, same error code, name and message; ids, timestamps,
//! tracebacks and list lengths may differ).
//!
//! Against the embedded server every fixture is sent, in the order of
//! INDEX.md, to one fresh server: fixtures that change data, or read data
//! that an earlier one changed ("stateful", as the project's wire-diff tool
//! marks them) are compared too but may differ only where the capture
//! database itself differed. Against a real Odoo (`ODOO_URL`) the stateful
//! fixtures are skipped, so the test never changes that database.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use std::collections::{BTreeMap, HashSet};

use serde_json::{Value, json};
use support::Fixture;
use support::shape::jsonrpc_diffs;
use support::target::Target;

/// Methods that change data (wire-diff's list).
const STATEFUL_METHODS: [&str; 18] = [
    "create",
    "write",
    "unlink",
    "copy",
    "name_create",
    "web_save",
    "action_confirm",
    "action_cancel",
    "action_draft",
    "action_lock",
    "action_unlock",
    "action_archive",
    "action_unarchive",
    "toggle_active",
    "message_post",
    "_generate",
    "set_values",
    "execute",
];

/// Fixtures whose recorded answer cannot be reproduced by a fresh embedded
/// server, and why. Each is a fact about the capture, not a gap in the mock.
const NOT_REPRODUCIBLE: &[(&str, &str)] = &[];

/// (name, INDEX note) for the JSON-RPC fixtures, in INDEX.md order.
fn jsonrpc_fixtures_in_index_order() -> Vec<(String, String)> {
    let index = std::fs::read_to_string(support::fixtures_dir().join("INDEX.md")).unwrap();
    index
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells.get(1)?.trim_matches('`');
            let request = cells.get(2)?;
            let is_jsonrpc =
                request.contains("/jsonrpc") || request.contains("/web/webclient/version_info");
            (is_jsonrpc && !name.is_empty()).then(|| {
                (
                    name.to_owned(),
                    cells.get(8).copied().unwrap_or("").to_owned(),
                )
            })
        })
        .collect()
}

fn call_info(request: &Value) -> Option<(String, String, Vec<i64>)> {
    let params = request.get("params")?;
    if params.get("service")? != "object" {
        return None;
    }
    let args = params.get("args")?.as_array()?;
    let model = args.get(3)?.as_str()?.to_owned();
    let method = args.get(4)?.as_str()?.to_owned();
    let ids = match args.get(5).and_then(|a| a.get(0)) {
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_i64).collect(),
        Some(Value::Number(n)) => n.as_i64().into_iter().collect(),
        _ => Vec::new(),
    };
    Some((model, method, ids))
}

/// Mark fixtures that change data or read data changed before them.
fn stateful(fixtures: &[(Fixture, String)]) -> HashSet<String> {
    let depends = [
        "read back",
        "created above",
        "after create",
        "after update",
        "after delete",
        "after [",
        "after (",
        "after write",
        "after tax",
        "after link",
        "after unlink",
        "after clear",
        "after set",
        "after writing",
        "after destroy",
        "read after",
        "the new",
        "new order",
        "that partner",
        "already confirmed",
        "destroyed",
        "fresh",
    ];
    let mut touched: HashSet<(String, i64)> = HashSet::new();
    let mut out = HashSet::new();
    for (fixture, note) in fixtures {
        let Ok(request) = serde_json::from_slice::<Value>(&fixture.request_body) else {
            continue;
        };
        let mut is_stateful = false;
        if let Some((model, method, ids)) = call_info(&request) {
            if ids.iter().any(|id| touched.contains(&(model.clone(), *id))) {
                is_stateful = true;
            }
            let changes = STATEFUL_METHODS.contains(&method.as_str())
                || (method.starts_with("action_") || method.starts_with("button_"))
                    && !["check_access_rights", "check_access", "has_access"]
                        .contains(&method.as_str());
            if changes {
                is_stateful = true;
                let response: Value =
                    serde_json::from_slice(&fixture.response_body).unwrap_or(Value::Null);
                if response.get("result").is_some() {
                    for id in &ids {
                        touched.insert((model.clone(), *id));
                    }
                    match &response["result"] {
                        Value::Number(n) => {
                            touched.insert((model.clone(), n.as_i64().unwrap_or(0)));
                        }
                        Value::Array(created) if method == "create" || method == "copy" => {
                            for id in created.iter().filter_map(Value::as_i64) {
                                touched.insert((model.clone(), id));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        let note = note.to_lowercase();
        if depends.iter().any(|d| note.contains(d)) {
            is_stateful = true;
        }
        if is_stateful {
            out.insert(fixture.name.clone());
        }
    }
    out
}

/// Point a recorded request at the target: its database, its passwords,
/// its API key.
fn retarget(fixture: &Fixture, target: &Target) -> Vec<u8> {
    let Ok(mut request) = serde_json::from_slice::<Value>(&fixture.request_body) else {
        return fixture.request_body.clone(); // the malformed-JSON fixture
    };
    let service = request.pointer("/params/service").cloned();
    if let Some(Value::Array(args)) = request.pointer_mut("/params/args") {
        let login_of = |uid: i64| match uid {
            8 => Some("alice"),
            9 => Some("bob"),
            2 => Some("admin"),
            _ => None,
        };
        if args.first() == Some(&json!("odoo18")) {
            args[0] = json!(target.database);
        }
        match service.as_ref().and_then(Value::as_str) {
            Some("object") => {
                if let (Some(uid), Some(pw)) = (
                    args.get(1).and_then(Value::as_i64),
                    args.get(2).and_then(Value::as_str),
                ) && login_of(uid) == Some(pw)
                {
                    args[2] = json!(target.password(pw));
                }
            }
            Some("common") => {
                let login = args.get(1).and_then(Value::as_str).map(str::to_owned);
                let secret = args.get(2).and_then(Value::as_str).map(str::to_owned);
                if let (Some(login), Some(secret)) = (login, secret) {
                    if secret == login {
                        args[2] = json!(target.password(&login));
                    } else if fixture.name.contains("apikey")
                        && let Some(key) = target.admin_api_key()
                    {
                        args[2] = json!(key);
                    }
                }
            }
            _ => {}
        }
    }
    serde_json::to_vec(&request).expect("json")
}

#[tokio::test]
async fn the_server_answers_every_recorded_jsonrpc_request_with_the_real_shape() {
    let target = Target::start().await;
    let http = reqwest::Client::new();
    let fixtures: Vec<(Fixture, String)> = jsonrpc_fixtures_in_index_order()
        .into_iter()
        .map(|(name, note)| (Fixture::load(&name), note))
        .collect();
    assert!(
        fixtures.len() >= 100,
        "only {} JSON-RPC fixtures found",
        fixtures.len()
    );
    let stateful = stateful(&fixtures);
    let not_reproducible: BTreeMap<&str, &str> = NOT_REPRODUCIBLE.iter().copied().collect();

    let mut failures = Vec::new();
    let mut stateful_notes = Vec::new();
    let mut compared = 0;
    for (fixture, _) in &fixtures {
        let is_stateful = stateful.contains(&fixture.name);
        if target.live && is_stateful {
            continue;
        }
        let url = format!("{}{}", target.url.trim_end_matches('/'), fixture.path);
        let mut req = http.post(&url).body(retarget(fixture, &target));
        if let Some(ct) = &fixture.request_content_type {
            req = req.header("content-type", ct);
        }
        let response = req.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = response.bytes().await.expect("a body");
        compared += 1;

        let mut diffs = Vec::new();
        if status != fixture.status {
            diffs.push(format!(
                "HTTP status: expected {}, got {status}",
                fixture.status
            ));
        }
        let family = |ct: &str| ct.split(';').next().unwrap_or("").trim().to_owned();
        if family(&content_type) != family(&fixture.content_type) {
            diffs.push(format!(
                "content type: expected {}, got {content_type}",
                fixture.content_type
            ));
        }
        if family(&fixture.content_type) == "application/json" {
            match serde_json::from_slice::<Value>(&body) {
                Ok(got) => diffs.extend(jsonrpc_diffs(&fixture.response_json(), &got)),
                Err(e) => diffs.push(format!("not JSON: {e}")),
            }
        } else if body.as_ref() != fixture.response_body.as_slice() && fixture.status == 400 {
            diffs.push(format!(
                "body: expected {:?}, got {:?}",
                String::from_utf8_lossy(&fixture.response_body),
                String::from_utf8_lossy(&body)
            ));
        }
        if diffs.is_empty() {
            continue;
        }
        let report = format!("{}:\n    {}", fixture.name, diffs.join("\n    "));
        if is_stateful || not_reproducible.contains_key(fixture.name.as_str()) {
            stateful_notes.push(report);
        } else {
            failures.push(report);
        }
    }
    eprintln!(
        "[odoo-rs tests] {compared} recorded JSON-RPC requests compared; {} stateful differences noted",
        stateful_notes.len()
    );
    for note in &stateful_notes {
        eprintln!("  (stateful) {note}");
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} replies differ from real Odoo 18:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
