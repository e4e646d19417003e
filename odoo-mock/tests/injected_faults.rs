//! Fault injection: each fault answers like a real server or proxy, and the
//! call runs exactly when the fault lets it.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use odoo_mock::protocol::xmlrpc::{
    MethodResponse, XmlRpcValue, encode_method_call, parse_method_response,
};
use odoo_mock::{FaultKind, InjectedFault, MockServer};
use serde_json::{Value, json};

const NGINX_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
const WERKZEUG_500: &str = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A `/jsonrpc` `res.partner.create` as admin, with request id 77.
fn create_body(name: &str) -> Value {
    json!({"jsonrpc": "2.0", "method": "call", "id": 77, "params": {
        "service": "object", "method": "execute_kw",
        "args": ["odoo18", 2, "admin", "res.partner", "create", [{"name": name}]]}})
}

fn version_body() -> Value {
    json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "service": "common", "method": "version", "args": []}})
}

async fn post_json(c: &reqwest::Client, server: &MockServer, body: &Value) -> reqwest::Response {
    c.post(format!("{}/jsonrpc", server.url()))
        .json(body)
        .send()
        .await
        .expect("an HTTP answer")
}

/// How many partners are named `name` (read with no fault armed).
async fn partners_named(server: &MockServer, name: &str) -> i64 {
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 2, "params": {
        "service": "object", "method": "execute_kw",
        "args": ["odoo18", 2, "admin", "res.partner", "search_count", [[["name", "=", name]]]]}});
    let v: Value = post_json(&client(), server, &body)
        .await
        .json()
        .await
        .expect("json");
    v["result"].as_i64().unwrap_or_else(|| panic!("{v}"))
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn too_many_requests_does_not_run() {
    let server = MockServer::start().await.expect("server");
    let c = client();
    server
        .faults()
        .inject_next(1, InjectedFault::too_many_requests(7));
    let resp = post_json(&c, &server, &create_body("Rate limited")).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(header(&resp, "retry-after"), "7");
    assert!(header(&resp, "content-type").starts_with("text/html"));
    let text = resp.text().await.expect("body");
    assert!(text.contains("429 Too Many Requests"), "{text}");
    assert_eq!(server.ran("res.partner", "create"), 0);
    assert_eq!(partners_named(&server, "Rate limited").await, 0);

    // Fractions of a second round up.
    server.faults().inject_next(
        1,
        InjectedFault::TooManyRequests {
            retry_after: Duration::from_millis(1500),
        },
    );
    let resp = post_json(&c, &server, &create_body("Rate limited")).await;
    assert_eq!(header(&resp, "retry-after"), "2");

    // The queue is spent: the call runs.
    let v: Value = post_json(&c, &server, &create_body("Rate limited"))
        .await
        .json()
        .await
        .expect("json");
    assert!(v["result"].is_i64(), "{v}");
    assert_eq!(server.ran("res.partner", "create"), 1);
    let counts = server.faults().injected();
    assert_eq!(counts.of(FaultKind::TooManyRequests), 2);
    assert_eq!(counts.total, 2);
}

#[tokio::test]
async fn nginx_502_and_503_do_not_run() {
    let server = MockServer::start().await.expect("server");
    let c = client();
    server.faults().inject_next(1, InjectedFault::BadGateway);
    server
        .faults()
        .inject_next(1, InjectedFault::ServiceUnavailable);

    let resp = post_json(&c, &server, &create_body("Proxy")).await;
    assert_eq!(resp.status(), 502);
    assert_eq!(header(&resp, "content-type"), "text/html");
    assert_eq!(header(&resp, "server"), "nginx");
    assert_eq!(resp.text().await.expect("body"), NGINX_502);

    let resp = post_json(&c, &server, &create_body("Proxy")).await;
    assert_eq!(resp.status(), 503);
    assert_eq!(header(&resp, "content-type"), "text/html");
    let text = resp.text().await.expect("body");
    assert!(text.starts_with("<html>\r\n<head><title>503 "), "{text}");
    assert!(text.ends_with("<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"));

    assert_eq!(server.ran("res.partner", "create"), 0);
    assert_eq!(partners_named(&server, "Proxy").await, 0);
    let counts = server.faults().injected();
    assert_eq!(
        (
            counts.of(FaultKind::BadGateway),
            counts.of(FaultKind::ServiceUnavailable)
        ),
        (1, 1)
    );
}

fn assert_pool_error_envelope(v: &Value, id: i64, code: i64) {
    assert_eq!(v["jsonrpc"], "2.0", "{v}");
    assert_eq!(v["id"], id, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    assert_eq!(v["error"]["message"], "Odoo Server Error", "{v}");
    let data = &v["error"]["data"];
    assert_eq!(data["name"], "psycopg2.pool.PoolError", "{v}");
    assert_eq!(data["message"], "The Connection Pool Is Full", "{v}");
    assert_eq!(data["arguments"], json!(["The Connection Pool Is Full"]));
    assert!(
        data["debug"]
            .as_str()
            .is_some_and(|d| d.ends_with("PoolError: The Connection Pool Is Full\n")),
        "{v}"
    );
}

#[tokio::test]
async fn pool_error_over_jsonrpc() {
    for (version, code) in [(17, 200), (18, 200), (19, 0)] {
        let server = MockServer::builder()
            .odoo_version(version)
            .start()
            .await
            .expect("server");
        server.faults().inject_next(1, InjectedFault::PoolError);
        let resp = post_json(&client(), &server, &create_body("Pool")).await;
        assert_eq!(resp.status(), 200);
        assert!(header(&resp, "content-type").starts_with("application/json"));
        let v: Value = resp.json().await.expect("json");
        assert_pool_error_envelope(&v, 77, code);
        assert_eq!(server.ran("res.partner", "create"), 0);
        assert_eq!(partners_named(&server, "Pool").await, 0);
        assert_eq!(server.faults().injected().of(FaultKind::PoolError), 1);
    }
}

async fn xml_post(c: &reqwest::Client, url: &str, path: &str, doc: String) -> MethodResponse {
    let resp = c
        .post(format!("{url}{path}"))
        .header("content-type", "text/xml")
        .body(doc)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    assert!(header(&resp, "content-type").starts_with("text/xml"));
    let body = resp.bytes().await.expect("body");
    parse_method_response(&body).expect("an XML-RPC response")
}

#[tokio::test]
async fn pool_error_over_xmlrpc() {
    let server = MockServer::start().await.expect("server");
    let c = client();
    let s = |v: &str| XmlRpcValue::String(v.into());
    let doc = encode_method_call(
        "execute_kw",
        &[
            s("odoo18"),
            XmlRpcValue::Int(2),
            s("admin"),
            s("res.partner"),
            s("create"),
            XmlRpcValue::Array(vec![XmlRpcValue::Struct(vec![(
                "name".into(),
                s("Pool XML"),
            )])]),
        ],
    );
    server.faults().inject_next(2, InjectedFault::PoolError);
    match xml_post(&c, server.url(), "/xmlrpc/2/object", doc.clone()).await {
        MethodResponse::Fault { code, string } => {
            assert_eq!(code, XmlRpcValue::Int(1));
            assert!(string.starts_with("Traceback (most recent call last):"));
            assert!(
                string.ends_with("PoolError: The Connection Pool Is Full\n"),
                "{string}"
            );
        }
        other => panic!("{other:?}"),
    }
    match xml_post(&c, server.url(), "/xmlrpc/object", doc.clone()).await {
        MethodResponse::Fault { code, string } => {
            assert_eq!(code, s("The Connection Pool Is Full"));
            assert!(string.ends_with("PoolError: The Connection Pool Is Full\n"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.ran("res.partner", "create"), 0);
    // With no fault left, the same document creates the partner.
    assert!(matches!(
        xml_post(&c, server.url(), "/xmlrpc/2/object", doc).await,
        MethodResponse::Success(_)
    ));
    assert_eq!(server.ran("res.partner", "create"), 1);
    assert_eq!(partners_named(&server, "Pool XML").await, 1);
}

async fn web_post(
    c: &reqwest::Client,
    url: &str,
    path: &str,
    sid: Option<&str>,
    params: Value,
) -> reqwest::Response {
    let mut req = c
        .post(format!("{url}{path}"))
        .json(&json!({"jsonrpc": "2.0", "method": "call", "id": 5, "params": params}));
    if let Some(sid) = sid {
        req = req.header("cookie", format!("session_id={sid}"));
    }
    req.send().await.expect("request")
}

fn session_id(resp: &reqwest::Response) -> Option<String> {
    resp.headers().get_all("set-cookie").iter().find_map(|v| {
        v.to_str()
            .ok()?
            .strip_prefix("session_id=")?
            .split(';')
            .next()
            .map(str::to_string)
    })
}

#[tokio::test]
async fn pool_error_over_the_web_session() {
    let server = MockServer::start().await.expect("server");
    let c = client();
    let url = server.url().to_string();
    let login = json!({"db": "odoo18", "login": "admin", "password": "admin"});

    // authenticate itself fails: no session is opened.
    server.faults().inject_next(1, InjectedFault::PoolError);
    let resp = web_post(&c, &url, "/web/session/authenticate", None, login.clone()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(session_id(&resp), None);
    assert_pool_error_envelope(&resp.json().await.expect("json"), 5, 200);
    assert_eq!(server.web_session_count(), 0);

    let resp = web_post(&c, &url, "/web/session/authenticate", None, login).await;
    let sid = session_id(&resp).expect("a session");

    let call = json!({"model": "res.partner", "method": "create",
        "args": [{"name": "Pool web"}], "kwargs": {}});
    server.faults().inject_next(1, InjectedFault::PoolError);
    let resp = web_post(
        &c,
        &url,
        "/web/dataset/call_kw/res.partner/create",
        Some(&sid),
        call.clone(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_pool_error_envelope(&resp.json().await.expect("json"), 5, 200);
    assert_eq!(server.ran("res.partner", "create"), 0);

    let resp = web_post(
        &c,
        &url,
        "/web/dataset/call_kw/res.partner/create",
        Some(&sid),
        call,
    )
    .await;
    let v: Value = resp.json().await.expect("json");
    assert!(v["result"].is_i64(), "{v}");
    assert_eq!(server.ran("res.partner", "create"), 1);
    assert_eq!(partners_named(&server, "Pool web").await, 1);
}

#[tokio::test]
async fn pool_error_over_json2() {
    let server = MockServer::builder()
        .odoo_version(19)
        .api_key("admin", "admin-key")
        .start()
        .await
        .expect("server");
    let c = client();
    let create = || {
        c.post(format!("{}/json/2/res.partner/create", server.url()))
            .header("content-type", "application/json")
            .header("x-odoo-database", "odoo18")
            .header("authorization", "bearer admin-key")
            .body(r#"{"vals_list": [{"name": "Pool JSON-2"}]}"#)
            .send()
    };
    server.faults().inject_next(1, InjectedFault::PoolError);
    let resp = create().await.expect("request");
    assert_eq!(resp.status(), 500);
    assert!(header(&resp, "content-type").starts_with("application/json"));
    let v: Value = resp.json().await.expect("json");
    assert_eq!(v["name"], "psycopg2.pool.PoolError", "{v}");
    assert_eq!(v["message"], "The Connection Pool Is Full");
    assert_eq!(v["arguments"], json!(["The Connection Pool Is Full"]));
    assert_eq!(v["context"], json!({}));
    assert!(v["debug"].as_str().is_some_and(|d| d.contains("PoolError")));
    assert_eq!(server.ran("res.partner", "create"), 0);

    let resp = create().await.expect("request");
    assert_eq!(resp.status(), 200);
    assert_eq!(server.ran("res.partner", "create"), 1);
}

#[tokio::test]
async fn pool_error_on_16_is_werkzeugs_html_500() {
    let server = MockServer::builder()
        .odoo_version(16)
        .start()
        .await
        .expect("server");
    let c = client();
    server.faults().inject_next(2, InjectedFault::PoolError);
    let resp = post_json(&c, &server, &create_body("Pool 16")).await;
    assert_eq!(resp.status(), 500);
    assert!(header(&resp, "content-type").starts_with("text/html"));
    assert_eq!(resp.text().await.expect("body"), WERKZEUG_500);
    let resp = c
        .post(format!("{}/xmlrpc/2/common", server.url()))
        .header("content-type", "text/xml")
        .body(encode_method_call("version", &[]))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 500);
    assert_eq!(resp.text().await.expect("body"), WERKZEUG_500);
    assert_eq!(server.ran("res.partner", "create"), 0);
    assert_eq!(partners_named(&server, "Pool 16").await, 0);
}

#[tokio::test]
async fn close_before_request_never_runs() {
    let server = MockServer::start().await.expect("server");
    let c = client();
    server
        .faults()
        .inject_next(1, InjectedFault::CloseBeforeRequest);
    let result = c
        .post(format!("{}/jsonrpc", server.url()))
        .json(&create_body("Closed before"))
        .send()
        .await;
    let e = result.expect_err("no HTTP answer");
    assert!(!e.is_status() && e.status().is_none(), "{e:?}");
    assert_eq!(server.ran("res.partner", "create"), 0);
    assert_eq!(partners_named(&server, "Closed before").await, 0);
    // The same client goes on over a new connection.
    let resp = post_json(&c, &server, &version_body()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        server.faults().injected().of(FaultKind::CloseBeforeRequest),
        1
    );
}

#[tokio::test]
async fn close_after_run_keeps_the_effects() {
    let server = MockServer::start().await.expect("server");
    let c = client();
    server.faults().inject_next(1, InjectedFault::CloseAfterRun);
    let result = c
        .post(format!("{}/jsonrpc", server.url()))
        .json(&create_body("Closed after"))
        .send()
        .await;
    let e = result.expect_err("no HTTP answer");
    assert!(e.status().is_none(), "{e:?}");
    assert_eq!(server.ran("res.partner", "create"), 1);
    let recorded = server.calls();
    let last = recorded.last().expect("a recorded call");
    assert_eq!(
        (
            last.model.as_str(),
            last.method.as_str(),
            last.protocol.as_str()
        ),
        ("res.partner", "create", "jsonrpc")
    );
    assert_eq!(partners_named(&server, "Closed after").await, 1);
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let server = MockServer::start().await.expect("server");
    let c = client();
    server
        .faults()
        .inject_next(1, InjectedFault::Delay(Duration::from_millis(300)));
    let start = Instant::now();
    let resp = post_json(&c, &server, &create_body("Slow")).await;
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.expect("json");
    assert!(v["result"].is_i64(), "{v}");
    assert_eq!(server.ran("res.partner", "create"), 1);
    assert_eq!(server.faults().injected().of(FaultKind::Delay), 1);
}

#[tokio::test]
async fn cut_body_runs_and_truncates() {
    let server = MockServer::start().await.expect("server");
    let c = client();
    server.faults().inject_next(1, InjectedFault::CutBody);
    let resp = post_json(&c, &server, &create_body("Cut")).await;
    assert_eq!(resp.status(), 200);
    assert!(header(&resp, "content-type").starts_with("application/json"));
    let full: usize = header(&resp, "content-length").parse().expect("a length");
    assert!(full > 20, "{full}");
    let e = resp.bytes().await.expect_err("a truncated body");
    assert!(e.is_body() || e.is_decode(), "{e:?}");
    assert_eq!(server.ran("res.partner", "create"), 1);
    assert_eq!(partners_named(&server, "Cut").await, 1);
}

/// Send `body` to `/jsonrpc` over a plain TCP connection; everything the
/// server sent before closing, and whether the read ended in an error.
fn raw_post(addr: &str, body: &str) -> (Vec<u8>, bool) {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let request = format!(
        "POST /jsonrpc HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).expect("write");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (got, false),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                panic!("the server neither answered nor closed: {got:?}")
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                panic!("the server neither answered nor closed: {got:?}")
            }
            Err(_) => return (got, true),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_connections_see_closes_and_cuts() {
    let server = MockServer::start().await.expect("server");
    let addr = server
        .url()
        .strip_prefix("http://")
        .expect("http")
        .to_string();
    let body = create_body("Raw").to_string();

    for fault in [
        InjectedFault::CloseBeforeRequest,
        InjectedFault::CloseAfterRun,
    ] {
        server.faults().inject_next(1, fault.clone());
        let (a, b) = (addr.clone(), body.clone());
        let (got, _) = tokio::task::spawn_blocking(move || raw_post(&a, &b))
            .await
            .expect("raw client");
        assert!(
            got.is_empty(),
            "{fault:?} answered {:?}",
            String::from_utf8_lossy(&got)
        );
    }
    assert_eq!(server.ran("res.partner", "create"), 1);

    server.faults().inject_next(1, InjectedFault::CutBody);
    let (a, b) = (addr.clone(), body.clone());
    let (got, _) = tokio::task::spawn_blocking(move || raw_post(&a, &b))
        .await
        .expect("raw client");
    let text = String::from_utf8_lossy(&got).to_string();
    let (head, received) = text.split_once("\r\n\r\n").expect("a response head");
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_string)
        })
        .expect("content-length")
        .parse()
        .expect("a number");
    assert_eq!(received.len(), length / 2, "{text}");
    assert!(received.starts_with("{\"id\":77,"), "{received}");
    assert_eq!(server.ran("res.partner", "create"), 2);
    assert_eq!(partners_named(&server, "Raw").await, 2);
    server.shutdown().await;
}

#[tokio::test]
async fn inject_next_applies_exactly_n_times_in_order() {
    let server = MockServer::start().await.expect("server");
    let c = client();
    server.faults().inject_next(3, InjectedFault::BadGateway);
    server
        .faults()
        .inject_next(1, InjectedFault::too_many_requests(1));
    assert_eq!(server.faults().queued(), 4);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            post_json(&c, &server, &version_body())
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [502, 502, 502, 429, 200, 200]);
    assert_eq!(server.faults().queued(), 0);
    let counts = server.faults().injected();
    assert_eq!(counts.total, 4);
    assert_eq!(counts.of(FaultKind::BadGateway), 3);
    assert_eq!(counts.of(FaultKind::TooManyRequests), 1);
    assert!(server.http_requests() >= 6);

    // clear() disarms; the counts stay until reset.
    server.faults().inject_next(5, InjectedFault::BadGateway);
    server
        .faults()
        .inject_fraction(1.0, InjectedFault::ServiceUnavailable);
    server.faults().clear();
    assert_eq!(post_json(&c, &server, &version_body()).await.status(), 200);
    assert_eq!(server.faults().injected().total, 4);
    server.faults().reset_counts();
    assert_eq!(server.faults().injected().total, 0);
}

#[tokio::test]
async fn pages_are_not_rpc_requests() {
    let server = MockServer::builder()
        .odoo_version(19)
        .start()
        .await
        .expect("server");
    let c = client();
    server.faults().inject_next(1, InjectedFault::BadGateway);
    for path in ["/web/version", "/web/login", "/jsonrpc"] {
        let resp = c
            .get(format!("{}{path}", server.url()))
            .send()
            .await
            .expect("request");
        assert_ne!(resp.status(), 502, "{path}");
    }
    assert_eq!(server.faults().queued(), 1);
    assert_eq!(post_json(&c, &server, &version_body()).await.status(), 502);
}

/// Which of `n` sequential `common.version` calls failed.
async fn failure_pattern(server: &MockServer, n: usize) -> Vec<bool> {
    let c = client();
    let mut failed = Vec::with_capacity(n);
    for _ in 0..n {
        failed.push(post_json(&c, server, &version_body()).await.status() != 200);
    }
    failed
}

#[tokio::test]
async fn fractions_are_about_p_and_reproducible() {
    let n = 400;
    let start = |seed: u64| async move {
        let server = MockServer::builder()
            .fault_seed(seed)
            .fault("502:25%".parse().expect("spec"))
            .start()
            .await
            .expect("server");
        let pattern = failure_pattern(&server, n).await;
        (server, pattern)
    };
    let (a, first) = start(42).await;
    let failures = first.iter().filter(|f| **f).count();
    assert!((70..=130).contains(&failures), "{failures} of {n}");
    assert_eq!(a.faults().injected().total, failures as u64);
    assert_eq!(a.ran("res.partner", "create"), 0);

    let (_b, same) = start(42).await;
    assert_eq!(first, same, "the same seed fails the same requests");
    let (_c, other) = start(7).await;
    assert_ne!(first, other, "another seed fails other requests");

    // Reseeding the running server replays the sequence.
    a.faults().reseed(42);
    assert_eq!(failure_pattern(&a, n).await, first);
}

#[tokio::test]
async fn several_fractions_keep_their_own_probability() {
    let server = MockServer::builder()
        .fault_seed(3)
        .start()
        .await
        .expect("server");
    server
        .faults()
        .inject_fraction(0.2, InjectedFault::too_many_requests(1));
    server
        .faults()
        .inject_fraction(0.2, InjectedFault::ServiceUnavailable);
    let c = client();
    let (mut s429, mut s503, mut ok) = (0, 0, 0);
    for _ in 0..500 {
        match post_json(&c, &server, &version_body())
            .await
            .status()
            .as_u16()
        {
            429 => s429 += 1,
            503 => s503 += 1,
            200 => ok += 1,
            other => panic!("{other}"),
        }
    }
    assert!((60..=140).contains(&s429), "{s429}");
    assert!((60..=140).contains(&s503), "{s503}");
    let counts = server.faults().injected();
    assert_eq!(counts.of(FaultKind::TooManyRequests), s429);
    assert_eq!(counts.of(FaultKind::ServiceUnavailable), s503);
    assert_eq!(counts.total, 500 - ok);
}
