//! Web sessions, JSON-2, 18-vs-19 behaviour and concurrent users over every protocol.

use odoo_mock::MockServer;
use odoo_mock::protocol::xmlrpc::{
    MethodResponse, XmlRpcValue, encode_method_call, parse_method_response,
};
use serde_json::{Value, json};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn set_cookies(resp: &reqwest::Response) -> Vec<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect()
}

fn session_id(cookies: &[String]) -> Option<String> {
    cookies.iter().find_map(|c| {
        c.strip_prefix("session_id=")
            .and_then(|r| r.split(';').next())
            .map(str::to_string)
    })
}

async fn web(
    c: &reqwest::Client,
    url: &str,
    path: &str,
    sid: Option<&str>,
    params: Value,
) -> (Value, Vec<String>) {
    let mut req = c
        .post(format!("{url}{path}"))
        .json(&json!({"jsonrpc": "2.0", "method": "call", "id": 3, "params": params}));
    if let Some(sid) = sid {
        req = req.header("cookie", format!("session_id={sid}"));
    }
    let resp = req.send().await.expect("request");
    assert_eq!(resp.status(), 200);
    let cookies = set_cookies(&resp);
    (resp.json().await.expect("json"), cookies)
}

async fn login(c: &reqwest::Client, url: &str, login: &str) -> String {
    let (v, cookies) = web(
        c,
        url,
        "/web/session/authenticate",
        None,
        json!({"db": "odoo18", "login": login, "password": login}),
    )
    .await;
    assert!(v["result"]["uid"].is_i64(), "{v}");
    session_id(&cookies).expect("session cookie")
}

fn expired(v: &Value) -> bool {
    v["id"].is_null()
        && v["error"]["code"] == json!(100)
        && v["error"]["message"] == json!("Odoo Session Expired")
        && v["error"]["data"]["name"] == json!("odoo.http.SessionExpiredException")
}

#[tokio::test]
async fn web_session_lifecycle() {
    let server = MockServer::start().await.expect("server");
    let (c, url) = (client(), server.url().to_string());

    // authenticate: session info + a Set-Cookie shaped like Odoo's
    let (v, cookies) = web(
        &c,
        &url,
        "/web/session/authenticate",
        None,
        json!({"db": "odoo18", "login": "alice", "password": "alice"}),
    )
    .await;
    let info = &v["result"];
    assert_eq!(info["uid"], json!(8));
    assert_eq!(info["username"], json!("alice"));
    assert_eq!(info["user_context"]["uid"], json!(8));
    assert_eq!(info["server_version"], json!("18.0"));
    assert!(info["user_companies"]["allowed_companies"].is_object());
    assert_eq!(cookies.len(), 1);
    let cookie = &cookies[0];
    assert!(
        cookie.ends_with("; Max-Age=604800; HttpOnly; Path=/"),
        "{cookie}"
    );
    assert!(cookie.contains("; Expires="));
    let sid = session_id(&cookies).expect("sid");
    assert_eq!(sid.len(), 84);
    assert!(
        sid.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    );

    // call_kw as alice: record rules apply; the first call re-sends the cookie
    let (v, cookies) = web(
        &c,
        &url,
        "/web/dataset/call_kw/sale.order/search",
        Some(&sid),
        json!({"model": "sale.order", "method": "search", "args": [[]], "kwargs": {}}),
    )
    .await;
    assert_eq!(v["result"], json!([23, 22, 21]));
    assert_eq!(session_id(&cookies).as_deref(), Some(sid.as_str()));
    let (v, cookies) = web(
        &c,
        &url,
        "/web/dataset/call_kw",
        Some(&sid),
        json!({"model": "sale.order", "method": "read", "args": [[24], ["name"]], "kwargs": {}}),
    )
    .await;
    assert_eq!(v["error"]["code"], json!(200));
    assert_eq!(
        v["error"]["data"]["name"],
        json!("odoo.exceptions.AccessError")
    );
    assert!(cookies.is_empty());

    // get_session_info always re-sends the cookie
    let (v, cookies) = web(
        &c,
        &url,
        "/web/session/get_session_info",
        Some(&sid),
        json!({}),
    )
    .await;
    assert_eq!(v["result"]["uid"], json!(8));
    assert_eq!(session_id(&cookies).as_deref(), Some(sid.as_str()));

    // missing and garbage cookies
    let call =
        json!({"model": "res.partner", "method": "search_count", "args": [[]], "kwargs": {}});
    assert!(expired(
        &web(&c, &url, "/web/dataset/call_kw", None, call.clone())
            .await
            .0
    ));
    assert!(expired(
        &web(
            &c,
            &url,
            "/web/dataset/call_kw",
            Some("garbage"),
            call.clone()
        )
        .await
        .0
    ));
    assert!(expired(
        &web(&c, &url, "/web/session/get_session_info", None, json!({}))
            .await
            .0
    ));

    // destroy: no result key, a new cookie, the old one is dead
    let (v, cookies) = web(&c, &url, "/web/session/destroy", Some(&sid), json!({})).await;
    assert_eq!(v, json!({"jsonrpc": "2.0", "id": 3}));
    let new_sid = session_id(&cookies).expect("new sid");
    assert_ne!(new_sid, sid);
    assert!(cookies.iter().any(|c| c.starts_with("cids=; ")));
    assert!(expired(
        &web(&c, &url, "/web/dataset/call_kw", Some(&sid), call.clone())
            .await
            .0
    ));
    assert!(expired(
        &web(
            &c,
            &url,
            "/web/dataset/call_kw",
            Some(&new_sid),
            call.clone()
        )
        .await
        .0
    ));

    // expiry on purpose
    let a = login(&c, &url, "alice").await;
    let b = login(&c, &url, "bob").await;
    assert_ne!(a, b);
    assert!(server.expire_web_session(&a));
    assert!(!server.expire_web_session(&a));
    assert!(expired(
        &web(&c, &url, "/web/dataset/call_kw", Some(&a), call.clone())
            .await
            .0
    ));
    assert!(
        web(&c, &url, "/web/dataset/call_kw", Some(&b), call.clone())
            .await
            .0["result"]
            .is_i64()
    );
    server.expire_web_sessions();
    assert!(expired(
        &web(&c, &url, "/web/dataset/call_kw", Some(&b), call.clone())
            .await
            .0
    ));

    // wrong password: AccessDenied, no cookie; wrong content type: 400 HTML
    let (v, cookies) = web(
        &c,
        &url,
        "/web/session/authenticate",
        None,
        json!({"db": "odoo18", "login": "alice", "password": "WRONG"}),
    )
    .await;
    assert_eq!(
        v["error"]["data"]["name"],
        json!("odoo.exceptions.AccessDenied")
    );
    assert!(cookies.is_empty());
    let resp = c
        .post(format!(
            "{url}/web/dataset/call_kw/res.partner/search_count"
        ))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/html; charset=utf-8")
    );
    let text = resp.text().await.expect("text");
    assert!(text.contains("is type=&#39;json&#39;"), "{text}");

    // every web call that ran is in the log, tagged "web" (refused ones did not run)
    let web_calls: Vec<_> = server
        .calls()
        .into_iter()
        .filter(|c| c.protocol == "web")
        .collect();
    assert_eq!(web_calls.len(), 3);
}

#[tokio::test]
async fn sessions_never_share_a_cookie() {
    let server = MockServer::start().await.expect("server");
    let (c, url) = (client(), server.url().to_string());
    let mut seen = std::collections::HashSet::new();
    for _ in 0..50 {
        assert!(seen.insert(login(&c, &url, "alice").await));
    }
    assert_eq!(server.web_session_count(), 50);
}

async fn json2(
    c: &reqwest::Client,
    url: &str,
    path: &str,
    key: Option<&str>,
    body: &str,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut req = c
        .post(format!("{url}{path}"))
        .header("content-type", "application/json")
        .header("x-odoo-database", "odoo18")
        .body(body.to_string());
    if let Some(k) = key {
        req = req.header("authorization", format!("bearer {k}"));
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.expect("body"))
}

#[tokio::test]
async fn json2_statuses_and_bodies() {
    let server = MockServer::builder()
        .odoo_version(19)
        .api_key("admin", "admin-key")
        .api_key("alice", "alice-key")
        .start()
        .await
        .expect("server");
    let (c, url) = (client(), server.url().to_string());
    let k = Some("admin-key");

    let (st, h, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/search_count",
        k,
        r#"{"domain": [["is_company", "=", true]]}"#,
    )
    .await;
    assert_eq!(st, 200);
    assert!(h.get("set-cookie").is_none());
    assert!(body.parse::<i64>().is_ok(), "{body}");
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/create",
        k,
        r#"{"vals_list": {"name": "one"}}"#,
    )
    .await;
    assert_eq!(st, 200);
    let ids: Value = serde_json::from_str(&body).expect("json");
    assert!(ids.as_array().is_some_and(|a| a.len() == 1), "{body}");
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/sale.order/search_read",
        Some("alice-key"),
        r#"{"domain": [], "fields": ["name"], "order": "id"}"#,
    )
    .await;
    assert_eq!(st, 200);
    let rows: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(rows.as_array().map(Vec::len), Some(3));

    let check = |st: u16, body: &str, want_status: u16, want_name: &str| {
        assert_eq!(st, want_status, "{body}");
        let v: Value = serde_json::from_str(body).expect("json error body");
        assert_eq!(v["name"], json!(want_name), "{body}");
        for key in ["message", "arguments", "context", "debug"] {
            assert!(v.get(key).is_some(), "{key} in {body}");
        }
    };
    let (st, h, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/search_count",
        None,
        r#"{"domain": []}"#,
    )
    .await;
    check(st, &body, 401, "werkzeug.exceptions.Unauthorized");
    // "Bearer " on the wire; HTTP parsers drop the trailing space
    assert_eq!(
        h.get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(str::trim),
        Some("Bearer")
    );
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/search_count",
        Some("admin"),
        r#"{"domain": []}"#,
    )
    .await;
    check(st, &body, 401, "werkzeug.exceptions.Unauthorized");
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/sale.order/read",
        Some("alice-key"),
        r#"{"ids": [24], "fields": ["name"]}"#,
    )
    .await;
    check(st, &body, 403, "odoo.exceptions.AccessError");
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/_compute_display_name",
        k,
        r#"{"ids": [1]}"#,
    )
    .await;
    check(st, &body, 403, "odoo.exceptions.AccessError");
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/no.such.model/search",
        k,
        r#"{"domain": []}"#,
    )
    .await;
    check(st, &body, 404, "werkzeug.exceptions.NotFound");
    let (st, _, body) = json2(&c, &url, "/json/2/res.partner/no_such_method", k, "{}").await;
    check(st, &body, 404, "werkzeug.exceptions.NotFound");
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/write",
        k,
        r#"{"ids": [999999], "vals": {"name": "x"}}"#,
    )
    .await;
    check(st, &body, 404, "odoo.exceptions.MissingError");
    let (st, _, body) = json2(&c, &url, "/json/2/sale.order/unlink", k, r#"{"ids": [21]}"#).await;
    check(st, &body, 422, "odoo.exceptions.UserError");
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/search_count",
        k,
        r#"{"domain": [], "bogus": 1}"#,
    )
    .await;
    check(st, &body, 422, "werkzeug.exceptions.UnprocessableEntity");
    assert!(body.contains("got an unexpected keyword argument 'bogus'"));
    let (st, _, body) = json2(&c, &url, "/json/2/res.partner/write", k, r#"{"ids": [1]}"#).await;
    check(st, &body, 422, "werkzeug.exceptions.UnprocessableEntity");
    assert!(body.contains("missing a required argument: 'vals'"));
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/create",
        k,
        r#"{"ids": [1], "vals_list": []}"#,
    )
    .await;
    check(st, &body, 422, "werkzeug.exceptions.UnprocessableEntity");
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/search",
        k,
        r#"{"domain": [["no_such_field", "=", 1]]}"#,
    )
    .await;
    check(st, &body, 500, "builtins.ValueError");
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/search_count",
        k,
        r#"{"domain": [["is_company", "=", true]"#,
    )
    .await;
    check(st, &body, 400, "werkzeug.exceptions.BadRequest");
    assert!(
        body.contains("Expecting ',' delimiter: line 1 column 38 (char 37)"),
        "{body}"
    );
    // an array body is ignored: the method runs without arguments
    let (st, _, body) = json2(
        &c,
        &url,
        "/json/2/res.partner/search_count",
        k,
        r#"[[["is_company", "=", true]]]"#,
    )
    .await;
    check(st, &body, 422, "werkzeug.exceptions.UnprocessableEntity");
    let (st, _, body) = json2(&c, &url, "/json/2/res.users/context_get", k, "").await;
    assert_eq!(st, 200, "{body}");
    // HTML refusals
    let resp = c
        .post(format!("{url}/json/2/res.partner/search_count"))
        .header("content-type", "text/plain")
        .header("authorization", "bearer admin-key")
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 415);
    let resp = c
        .post(format!("{url}/json/2/res.partner/search_count"))
        .header("content-type", "application/json")
        .header("authorization", "bearer admin-key")
        .header("x-odoo-database", "nosuchdb")
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 404);
    assert!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"))
    );
    // documentation
    let doc = c
        .get(format!("{url}/doc-bearer/index.json"))
        .header("authorization", "bearer admin-key")
        .send()
        .await
        .expect("request");
    assert_eq!(doc.status(), 200);
    let doc: Value = doc.json().await.expect("json");
    assert!(doc["models"].as_array().is_some_and(|m| !m.is_empty()));
    let doc = c
        .get(format!("{url}/doc-bearer/res.partner.json"))
        .header("authorization", "bearer admin-key")
        .send()
        .await
        .expect("request");
    let doc: Value = doc.json().await.expect("json");
    assert!(doc["methods"]["search_read"]["signature"].is_string());
    let doc = c
        .get(format!("{url}/doc-bearer/index.json"))
        .header("authorization", "bearer alice-key")
        .send()
        .await
        .expect("request");
    assert_eq!(doc.status(), 403);
    assert!(
        server
            .calls()
            .iter()
            .any(|c| c.protocol == "json2" && c.method == "create")
    );
}

#[tokio::test]
async fn versions_18_and_19() {
    let s18 = MockServer::builder()
        .api_key("admin", "k")
        .start()
        .await
        .expect("server");
    let s19 = MockServer::builder()
        .odoo_version(19)
        .api_key("admin", "k")
        .start()
        .await
        .expect("server");
    let c = client();
    // /json/2
    let (st, h, _) = json2(
        &c,
        s18.url(),
        "/json/2/res.partner/search_read",
        Some("k"),
        r#"{"domain": [], "limit": 1}"#,
    )
    .await;
    assert_eq!(st, 303);
    assert_eq!(
        h.get("location").and_then(|v| v.to_str().ok()),
        Some("/web/login?redirect=%2Fjson%2F2%2Fres.partner%2Fsearch_read%3F")
    );
    let (st, _, _) = json2(
        &c,
        s19.url(),
        "/json/2/res.partner/search_read",
        Some("k"),
        r#"{"domain": [], "limit": 1}"#,
    )
    .await;
    assert_eq!(st, 200);
    // /web/version
    let r = c
        .get(format!("{}/web/version", s18.url()))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 404);
    let r = c
        .get(format!("{}/web/version", s19.url()))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.expect("json"),
        json!({"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"})
    );
    let r = c
        .get(format!("{}/json/version", s19.url()))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    let r = c
        .post(format!("{}/web/version", s19.url()))
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 400);
    // common.version and error codes
    for (s, version, code) in [(&s18, "18.0", 200), (&s19, "19.0", 0)] {
        let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": "common", "method": "version", "args": []}});
        let v: Value = c
            .post(format!("{}/jsonrpc", s.url()))
            .json(&body)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert_eq!(v["result"]["server_version"], json!(version));
        let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": "object", "method": "execute_kw", "args": ["odoo18", 2, "admin", "no.such.model", "search", [[]]]}});
        let v: Value = c
            .post(format!("{}/jsonrpc", s.url()))
            .json(&body)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert_eq!(v["error"]["code"], json!(code));
    }
}

async fn xmlrpc_search(c: &reqwest::Client, url: &str, uid: i64, pw: &str) -> Value {
    let params = [
        XmlRpcValue::String("odoo18".into()),
        XmlRpcValue::Int(uid),
        XmlRpcValue::String(pw.into()),
        XmlRpcValue::String("sale.order".into()),
        XmlRpcValue::String("search_read".into()),
        XmlRpcValue::from_json(&json!([[]])),
        XmlRpcValue::from_json(&json!({"fields": ["user_id"]})),
    ];
    let body = c
        .post(format!("{url}/xmlrpc/2/object"))
        .body(encode_method_call("execute_kw", &params))
        .send()
        .await
        .expect("request")
        .bytes()
        .await
        .expect("body");
    match parse_method_response(&body).expect("xml") {
        MethodResponse::Success(v) => v[0].to_json(),
        MethodResponse::Fault { string, .. } => panic!("{string}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_users_over_every_protocol() {
    let server = MockServer::builder()
        .odoo_version(19)
        .api_key("alice", "alice-key")
        .api_key("bob", "bob-key")
        .start()
        .await
        .expect("server");
    let url = server.url().to_string();
    // The version's own uids (alice 7 and bob 8 on 19).
    let uid_of = |login: &str| {
        server
            .users()
            .into_iter()
            .find(|u| u.login == login)
            .map(|u| u.uid)
            .expect("a demo user")
    };
    let (alice, bob) = (uid_of("alice"), uid_of("bob"));
    let mut tasks = Vec::new();
    for i in 0..32 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let c = client();
            let (login_name, uid, key) = if i % 2 == 0 { ("alice", alice, "alice-key") } else { ("bob", bob, "bob-key") };
            let owner_ok = |rows: &Value| {
                rows.as_array().is_some_and(|r| {
                    r.len() == 3 && r.iter().all(|row| row["user_id"][0] == json!(uid) || row["user_id"]["id"] == json!(uid))
                })
            };
            let sid = login(&c, &url, login_name).await;
            for _ in 0..3 {
                // web session
                let (v, _) = web(&c, &url, "/web/dataset/call_kw", Some(&sid), json!({"model": "sale.order", "method": "search_read", "args": [[]], "kwargs": {"fields": ["user_id"]}})).await;
                assert!(owner_ok(&v["result"]), "web {login_name}: {v}");
                // JSON-RPC
                let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": "object", "method": "execute_kw", "args": ["odoo18", uid, login_name, "sale.order", "search_read", [[]], {"fields": ["user_id"]}]}});
                let v: Value = c.post(format!("{url}/jsonrpc")).json(&body).send().await.expect("request").json().await.expect("json");
                assert!(owner_ok(&v["result"]), "jsonrpc {login_name}: {v}");
                // XML-RPC with the API key
                let v = xmlrpc_search(&c, &url, uid, key).await;
                assert!(owner_ok(&v), "xmlrpc {login_name}: {v}");
                // JSON-2
                let (st, _, body) = json2(&c, &url, "/json/2/sale.order/search_read", Some(key), r#"{"domain": [], "fields": ["user_id"]}"#).await;
                assert_eq!(st, 200);
                let v: Value = serde_json::from_str(&body).expect("json");
                assert!(owner_ok(&v), "json2 {login_name}: {v}");
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let calls = server.calls();
    for p in ["web", "jsonrpc", "xmlrpc", "json2"] {
        assert_eq!(
            calls.iter().filter(|c| c.protocol == p).count(),
            32 * 3,
            "{p}"
        );
    }
}
