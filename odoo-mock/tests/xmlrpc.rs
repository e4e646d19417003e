//! The XML-RPC codec and the /xmlrpc endpoints.

use odoo_mock::MockServer;
use odoo_mock::protocol::xmlrpc::{
    MethodResponse, XmlRpcValue, encode_method_call, encode_response, parse_method_call,
    parse_method_response,
};
use serde_json::json;

#[test]
fn decodes_every_type_and_entities() {
    let doc = br#"<?xml version="1.0"?>
<!-- a comment -->
<methodCall><methodName>execute_kw</methodName><params>
<param><value><int>1</int></value></param>
<param><value><i4>-2</i4></value></param>
<param><value><i8>9000000000</i8></value></param>
<param><value><boolean>1</boolean></value></param>
<param><value><double>1.5</double></value></param>
<param><value><string>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233;&#x41;</string></value></param>
<param><value>untyped &amp; text</value></param>
<param><value><string/></value></param>
<param><value><nil/></value></param>
<param><value><base64>aGVs
bG8=</base64></value></param>
<param><value><dateTime.iso8601>20260124T10:11:12</dateTime.iso8601></value></param>
<param><value><array><data><value><int>3</int></value><value><string>x</string></value></data></array></value></param>
<param><value><struct><member><name>k&amp;</name><value><boolean>0</boolean></value></member></struct></value></param>
<param><value><array><data/></array></value></param>
<param><value><string><![CDATA[<raw>]]></string></value></param>
</params></methodCall>"#;
    let call = parse_method_call(doc).expect("parse");
    assert_eq!(call.method, "execute_kw");
    let p = &call.params;
    assert_eq!(p[0], XmlRpcValue::Int(1));
    assert_eq!(p[1], XmlRpcValue::Int(-2));
    assert_eq!(p[2], XmlRpcValue::Int(9_000_000_000));
    assert_eq!(p[3], XmlRpcValue::Bool(true));
    assert_eq!(p[4], XmlRpcValue::Double(1.5));
    assert_eq!(p[5], XmlRpcValue::String("a & b <c> \"d\" 'e' éA".into()));
    assert_eq!(p[6], XmlRpcValue::String("untyped & text".into()));
    assert_eq!(p[7], XmlRpcValue::String(String::new()));
    assert_eq!(p[8], XmlRpcValue::Nil);
    assert_eq!(p[9], XmlRpcValue::Base64(b"hello".to_vec()));
    assert_eq!(p[10], XmlRpcValue::DateTime("20260124T10:11:12".into()));
    assert_eq!(
        p[11],
        XmlRpcValue::Array(vec![XmlRpcValue::Int(3), XmlRpcValue::String("x".into())])
    );
    assert_eq!(
        p[12],
        XmlRpcValue::Struct(vec![("k&".into(), XmlRpcValue::Bool(false))])
    );
    assert_eq!(p[13], XmlRpcValue::Array(vec![]));
    assert_eq!(p[14], XmlRpcValue::String("<raw>".into()));
    assert_eq!(p[10].to_json(), json!("2026-01-24 10:11:12"));
    assert_eq!(p[9].to_json(), json!("aGVsbG8="));
    assert_eq!(p[8].to_json(), json!(null));
}

#[test]
fn rejects_garbage_without_panicking() {
    for doc in [
        &b""[..],
        b"<methodCall>",
        b"<methodCall><methodName>x</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>",
        b"<methodCall><methodName>x</methodName><params><param><value><int>x</int></value></param></params></methodCall>",
        b"<methodCall><methodName>x</methodName><params><param><value><string>&bogus;</string></value></param></params></methodCall>",
        b"<methodCall><methodName>x</methodName><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodCall>",
        b"\xff\xfe<",
        b"<a b='>'",
    ] {
        assert!(parse_method_call(doc).is_err(), "{doc:?}");
    }
}

#[test]
fn encodes_like_python_and_round_trips() {
    let v = json!({"id": 22, "ok": false, "amount": 1794.0, "name": "a<b&c", "ids": [47, 48], "empty": []});
    let doc = encode_response(&v).expect("marshal");
    assert!(doc.starts_with(
        "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n"
    ));
    assert!(doc.ends_with("</param>\n</params>\n\n</methodResponse>\n"));
    assert!(doc.contains("<value><boolean>0</boolean></value>\n"));
    assert!(doc.contains("<value><double>1794.0</double></value>\n"));
    assert!(doc.contains("<value><string>a&lt;b&amp;c</string></value>\n"));
    assert!(doc.contains("<value><array><data>\n</data></array></value>\n"));
    match parse_method_response(doc.as_bytes()).expect("parse") {
        MethodResponse::Success(vals) => assert_eq!(vals[0].to_json(), v),
        other => panic!("{other:?}"),
    }
    // None is refused as Odoo's marshaller (allow_none=False) refuses it.
    let f = encode_response(&json!([1, null])).expect_err("None");
    assert!(f.message.contains("cannot marshal None"));
    assert!(encode_response(&json!(1_i64 << 40)).is_err());
    // Every type survives encode -> parse.
    let all = vec![
        XmlRpcValue::Int(-7),
        XmlRpcValue::Bool(true),
        XmlRpcValue::Double(0.1),
        XmlRpcValue::String("é & <x>".into()),
        XmlRpcValue::Nil,
        XmlRpcValue::Base64(vec![0, 1, 2, 255]),
        XmlRpcValue::DateTime("20260124T10:11:12".into()),
        XmlRpcValue::Array(vec![XmlRpcValue::Int(1)]),
        XmlRpcValue::Struct(vec![("a".into(), XmlRpcValue::Nil)]),
    ];
    let doc = encode_method_call("m", &all);
    let call = parse_method_call(doc.as_bytes()).expect("parse");
    assert_eq!(call.method, "m");
    assert_eq!(call.params, all);
}

async fn xml_post(url: &str, path: &str, method: &str, params: &[XmlRpcValue]) -> MethodResponse {
    let body = encode_method_call(method, params);
    let resp = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .header("content-type", "text/xml")
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/xml; charset=utf-8")
    );
    let bytes = resp.bytes().await.expect("body");
    parse_method_response(&bytes).expect("xml-rpc response")
}

fn s(v: &str) -> XmlRpcValue {
    XmlRpcValue::String(v.into())
}

fn execute_kw(
    uid: i64,
    pw: &str,
    model: &str,
    method: &str,
    args: serde_json::Value,
) -> Vec<XmlRpcValue> {
    vec![
        s("odoo18"),
        XmlRpcValue::Int(uid),
        s(pw),
        s(model),
        s(method),
        XmlRpcValue::from_json(&args),
    ]
}

#[tokio::test]
async fn endpoints_and_both_fault_forms() {
    let server = MockServer::builder()
        .api_key("alice", "alice-key")
        .start()
        .await
        .expect("server");
    let url = server.url();
    let ok = |r: MethodResponse| match r {
        MethodResponse::Success(v) => v[0].to_json(),
        MethodResponse::Fault { code, string } => panic!("fault {code:?} {string}"),
    };
    let v = ok(xml_post(url, "/xmlrpc/2/common", "version", &[]).await);
    assert_eq!(v["server_version"], json!("18.0"));
    let v = ok(xml_post(url, "/xmlrpc/common", "version", &[]).await);
    assert_eq!(v["server_version"], json!("18.0"));
    let v = ok(xml_post(url, "/xmlrpc/2/db", "list", &[]).await);
    assert_eq!(v, json!(["odoo18"]));
    let uid = ok(xml_post(
        url,
        "/xmlrpc/2/common",
        "authenticate",
        &[
            s("odoo18"),
            s("alice"),
            s("alice-key"),
            XmlRpcValue::Struct(vec![]),
        ],
    )
    .await);
    assert_eq!(uid, json!(8));
    // an API key in place of the password
    let rows = ok(xml_post(
        url,
        "/xmlrpc/2/object",
        "execute_kw",
        &execute_kw(8, "alice-key", "sale.order", "search", json!([[]])),
    )
    .await);
    assert_eq!(rows, json!([23, 22, 21]));

    let cases: [(i64, &str, &str, &str, serde_json::Value, i64, &str); 5] = [
        (
            8,
            "WRONG",
            "sale.order",
            "read",
            json!([[21]]),
            3,
            "AccessDenied",
        ),
        (
            8,
            "alice",
            "sale.order",
            "read",
            json!([[24]]),
            4,
            "AccessError",
        ),
        (
            2,
            "admin",
            "res.partner",
            "write",
            json!([[999999], {"name": "x"}]),
            2,
            "MissingError",
        ),
        (
            2,
            "admin",
            "no.such.model",
            "search",
            json!([[]]),
            2,
            "UserError",
        ),
        (
            2,
            "admin",
            "res.partner",
            "no_such_method",
            json!([[]]),
            1,
            "",
        ),
    ];
    for (uid, pw, model, method, args, code, legacy) in cases {
        let params = execute_kw(uid, pw, model, method, args);
        match xml_post(url, "/xmlrpc/2/object", "execute_kw", &params).await {
            MethodResponse::Fault { code: c, string } => {
                assert_eq!(c, XmlRpcValue::Int(code), "{model}.{method}: {string}");
                if code == 1 {
                    assert!(string.starts_with("Traceback (most recent call last):"));
                    assert!(string.ends_with("AttributeError: The method 'no_such_method' does not exist on the model 'res.partner'\n"));
                } else {
                    assert!(!string.contains("Traceback"));
                }
            }
            other => panic!("{other:?}"),
        }
        match xml_post(url, "/xmlrpc/object", "execute_kw", &params).await {
            MethodResponse::Fault {
                code: XmlRpcValue::String(c),
                string,
            } => match legacy {
                "AccessDenied" => {
                    assert_eq!(c, "AccessDenied");
                    assert_eq!(string, "Access Denied");
                }
                "" => {
                    assert!(c.starts_with("The method 'no_such_method'"));
                    assert!(string.starts_with("Traceback"));
                }
                kind => {
                    assert!(c.starts_with(&format!("warning -- {kind}\n\n")), "{c}");
                    assert_eq!(string, "");
                }
            },
            other => panic!("{other:?}"),
        }
    }
    // a malformed document is a fault, not a crash
    let resp = reqwest::Client::new()
        .post(format!("{url}/xmlrpc/2/object"))
        .body("<methodCall><oops")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.expect("body");
    assert!(matches!(
        parse_method_response(&bytes),
        Ok(MethodResponse::Fault {
            code: XmlRpcValue::Int(1),
            ..
        })
    ));
    assert!(server.calls().iter().all(|c| c.protocol == "xmlrpc"));
    assert!(server.calls().len() >= 11);
}
