//! Over HTTP: the JSON-RPC envelope, errors, and many concurrent users.

use odoo_mock::MockServer;
use serde_json::{Value, json};

async fn rpc(
    client: &reqwest::Client,
    url: &str,
    service: &str,
    method: &str,
    args: Value,
) -> Value {
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 7, "params": {"service": service, "method": method, "args": args}});
    let resp = client
        .post(format!("{url}/jsonrpc"))
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json; charset=utf-8")
    );
    resp.json().await.expect("json body")
}

#[tokio::test]
async fn envelope_and_errors() {
    let server = MockServer::start().await.expect("server");
    let c = reqwest::Client::new();
    let url = server.url();
    let v = rpc(&c, url, "common", "version", json!([])).await;
    assert_eq!(v["id"], json!(7));
    assert_eq!(v["result"]["server_version"], json!("18.0"));
    assert_eq!(
        rpc(
            &c,
            url,
            "common",
            "login",
            json!(["odoo18", "admin", "admin"])
        )
        .await["result"],
        json!(2)
    );
    assert_eq!(
        rpc(&c, url, "common", "login", json!(["odoo18", "admin", "x"])).await["result"],
        json!(false)
    );
    let e = rpc(
        &c,
        url,
        "common",
        "login",
        json!(["nosuchdb", "admin", "admin"]),
    )
    .await;
    assert_eq!(
        e["error"]["data"]["name"],
        json!("psycopg2.OperationalError")
    );
    let e = rpc(&c, url, "nosuchservice", "x", json!([])).await;
    assert_eq!(e["error"]["code"], json!(200));
    assert_eq!(e["error"]["data"]["name"], json!("builtins.KeyError"));
    let e = rpc(
        &c,
        url,
        "object",
        "execute_kw",
        json!(["odoo18", 2, "WRONG", "res.partner", "search", [[]]]),
    )
    .await;
    assert_eq!(
        e["error"]["data"]["name"],
        json!("odoo.exceptions.AccessDenied")
    );
    assert!(
        e["error"]["data"]["debug"]
            .as_str()
            .is_some_and(|d| d.ends_with("odoo.exceptions.AccessDenied: Access Denied\n"))
    );
    let resp = c
        .post(format!("{url}/jsonrpc"))
        .body("{\"jsonrpc\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(resp.text().await.ok().as_deref(), Some("Invalid JSON data"));
    let r = c
        .post(format!("{url}/web/webclient/version_info"))
        .json(&json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}))
        .send()
        .await
        .expect("request");
    assert!(r.headers().get("set-cookie").is_some());
    assert!(server.http_requests() >= 8);
    assert!(
        server
            .calls()
            .iter()
            .any(|c| c.method == "search" && c.uid == 2)
    );
    server.clear_calls();
    assert!(server.calls().is_empty());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_users_never_see_each_others_orders() {
    let server = MockServer::start().await.expect("server");
    let url = server.url().to_string();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            let (uid, login, mine) = if i % 2 == 0 { (8, "alice", [21, 22, 23]) } else { (9, "bob", [24, 25, 26]) };
            for round in 0..5 {
                let created = rpc(
                    &c,
                    &url,
                    "object",
                    "execute_kw",
                    json!(["odoo18", uid, login, "sale.order", "create", [{"partner_id": 10, "client_order_ref": format!("{login}-{i}-{round}")}]]),
                )
                .await;
                let new_id = created["result"].as_i64().expect("created id");
                let v = rpc(
                    &c,
                    &url,
                    "object",
                    "execute_kw",
                    json!(["odoo18", uid, login, "sale.order", "search_read", [[]], {"fields": ["user_id"]}]),
                )
                .await;
                let rows = v["result"].as_array().cloned().unwrap_or_default();
                assert!(rows.iter().all(|r| r["user_id"][0] == json!(uid)), "{login} saw {rows:?}");
                let ids: Vec<i64> = rows.iter().filter_map(|r| r["id"].as_i64()).collect();
                assert!(mine.iter().all(|m| ids.contains(m)));
                assert!(ids.contains(&new_id));
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    assert_eq!(server.calls().len(), 32 * 10);
}
