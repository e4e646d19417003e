//! Replay of the real Odoo 18 and 19 fixtures for XML-RPC, the web session
//! and JSON-2: (a) the SDK sends the recorded request (XML-RPC compared as
//! decoded values, JSON as values without the JSON-RPC id, JSON-2 with its
//! headers), (b) it decodes the recorded response into the right typed
//! value or error. `replay_jsonrpc.rs` does the same for JSON-RPC.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use odoo::xmlrpc::{XmlResponse, XmlValue, decode_call, encode_response};
use odoo::{
    Client, DateTime, Domain, Error, Many2one, Map, ServerErrorKind, Session, Transport,
    TransportErrorKind, field,
};
use serde::Deserialize;
use serde_json::{Value, json};
use support::Fixture;
use support::replay::{Canned, ReplayServer, assert_same_request};

fn client(server: &ReplayServer, db: &str, transport: Transport) -> Client {
    Client::builder(&server.url)
        .database(db)
        .transport(transport)
        .build()
        .unwrap()
}

fn xml_result(value: Value) -> Canned {
    Canned {
        status: 200,
        content_type: "text/xml; charset=utf-8".into(),
        headers: Vec::new(),
        body: encode_response(&XmlResponse::Success(XmlValue::from_value(&value))).into_bytes(),
    }
}

fn json_bare(value: Value) -> Canned {
    Canned {
        status: 200,
        content_type: "application/json; charset=utf-8".into(),
        headers: Vec::new(),
        body: serde_json::to_vec(&value).unwrap(),
    }
}

/// The XML-RPC call the SDK sent equals the recorded one (as values: the
/// order of struct members does not matter to XML-RPC).
fn assert_same_xml_call(fixture: &Fixture, sent: &[u8]) {
    let as_values = |(method, params): (String, Vec<XmlValue>)| {
        (
            method,
            params
                .into_iter()
                .map(XmlValue::into_value)
                .collect::<Vec<_>>(),
        )
    };
    let sent = as_values(decode_call(sent).expect("the SDK sent XML-RPC"));
    let recorded = as_values(decode_call(&fixture.request_body).expect("recorded XML-RPC"));
    assert_eq!(
        sent, recorded,
        "{}: the SDK's XML-RPC call differs",
        fixture.name
    );
}

// ================================================================= XML-RPC

/// Replay one XML-RPC model-call fixture through a session of its user.
async fn xml_replay(fixture: Fixture) -> (ReplayServer, Session, Fixture) {
    let server = ReplayServer::start([Canned::from_fixture(&fixture)]).await;
    let (_, params) = decode_call(&fixture.request_body).unwrap();
    let db = match &params[0] {
        XmlValue::String(db) => db.clone(),
        _ => panic!("no db"),
    };
    let XmlValue::Int(uid) = params[1] else {
        panic!("no uid")
    };
    let XmlValue::String(password) = params[2].clone() else {
        panic!("no password")
    };
    let session = client(&server, &db, Transport::XmlRpc).session_for_uid(uid, "user", password);
    (server, session, fixture)
}

fn last_body(server: &ReplayServer) -> Vec<u8> {
    server.captured().last().expect("a request").body.to_vec()
}

#[tokio::test]
async fn xmlrpc_version_and_login() {
    for (fixture, dir19) in [
        (Fixture::load("xmlrpc_common_version"), false),
        (Fixture::load19("xmlrpc_common_version"), true),
    ] {
        let server = ReplayServer::start([Canned::from_fixture(&fixture)]).await;
        let db = if dir19 { "odoo19" } else { "odoo18" };
        let version = client(&server, db, Transport::XmlRpc)
            .version()
            .await
            .unwrap();
        assert_same_xml_call(&fixture, &last_body(&server));
        assert_eq!(version.major(), Some(if dir19 { 19 } else { 18 }));
        assert_eq!(server.captured()[0].path, "/xmlrpc/2/common");
    }

    // bob logs in over XML-RPC: version, authenticate, then his context.
    let auth = Fixture::load("xmlrpc_common_authenticate_ok");
    let server = ReplayServer::start([
        Canned::from_fixture(&Fixture::load("xmlrpc_common_version")),
        Canned::from_fixture(&auth),
        xml_result(json!({"lang": "en_US", "tz": false, "uid": 9})),
        xml_result(json!([{"id": 9, "login": "bob", "company_id": [1, "YourCompany"]}])),
    ])
    .await;
    let bob = client(&server, "odoo18", Transport::XmlRpc)
        .login("bob", "bob")
        .await
        .unwrap();
    let captured = server.captured();
    assert_same_xml_call(&auth, &captured[1].body);
    assert_eq!(bob.uid(), 9);
    assert_eq!(bob.transport(), Transport::XmlRpc);
    assert_eq!(bob.allowed_company_ids(), vec![1]);
    assert_eq!(captured[2].path, "/xmlrpc/2/object");
}

#[tokio::test]
async fn xmlrpc_wrong_password_login_is_access_denied() {
    let server = ReplayServer::start([
        Canned::from_fixture(&Fixture::load("xmlrpc_common_version")),
        // authenticate answers false like login does.
        Canned::from_fixture(&Fixture::load("xmlrpc_common_login_wrong_password")),
    ])
    .await;
    let err = client(&server, "odoo18", Transport::XmlRpc)
        .login("admin", "WRONG")
        .await
        .unwrap_err();
    assert!(err.is_access_denied(), "{err:?}");
}

#[derive(Debug, Deserialize)]
struct Company {
    id: i64,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    country_id: Option<Many2one>,
    write_date: DateTime,
}

#[tokio::test]
async fn xmlrpc_search_read_into_a_struct() {
    for fixture in [
        Fixture::load("xmlrpc_object_execute_kw_search_read"),
        Fixture::load19("xmlrpc_object_execute_kw_search_read"),
    ] {
        let (server, s, fixture) = xml_replay(fixture).await;
        let (_, params) = decode_call(&fixture.request_body).unwrap();
        let fields = XmlValue::into_value(params[6].clone())["fields"].clone();
        let fields: Vec<String> = serde_json::from_value(fields).unwrap();
        let rows: Vec<Company> = s
            .search_read("res.partner", field("is_company").eq(true))
            .fields(fields)
            .limit(3)
            .order("id")
            .await
            .unwrap();
        assert_same_xml_call(&fixture, &last_body(&server));
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].id, 1);
        assert_eq!(rows[0].name, "YourCompany");
        assert_eq!(rows[0].country_id.as_ref().unwrap().name, "United States");
        assert!(rows.iter().all(|r| r.email.is_some()));
        let _ = (&rows[0].phone, rows[0].write_date);
    }
}

#[tokio::test]
async fn xmlrpc_read_with_false_values_dates_and_doubles() {
    #[derive(Debug, Deserialize)]
    struct Order {
        id: i64,
        partner_id: Many2one,
        order_line: Vec<i64>,
        tag_ids: Vec<i64>,
        state: String,
        date_order: DateTime,
        validity_date: Option<odoo::Date>,
        commitment_date: Option<DateTime>,
        amount_total: f64,
        note: Option<String>,
        origin: Option<String>,
        name: String,
    }
    let (server, s, fixture) =
        xml_replay(Fixture::load("xmlrpc_object_execute_kw_read_sale_order")).await;
    let rows: Vec<Order> = s
        .read("sale.order", [22])
        .fields([
            "name",
            "partner_id",
            "order_line",
            "tag_ids",
            "state",
            "date_order",
            "validity_date",
            "commitment_date",
            "amount_total",
            "note",
            "origin",
        ])
        .await
        .unwrap();
    assert_same_xml_call(&fixture, &last_body(&server));
    let o = &rows[0];
    assert_eq!(
        (o.id, o.name.as_str(), o.state.as_str()),
        (22, "S00022", "draft")
    );
    assert_eq!(o.partner_id.name, "Deco Addict");
    assert_eq!(o.order_line, vec![47, 48]);
    assert!(o.tag_ids.is_empty());
    assert_eq!(o.commitment_date, None);
    assert_eq!(o.note, None);
    assert_eq!(o.origin, None);
    assert_eq!(o.amount_total, 1794.0);
    assert!(o.validity_date.is_some());
    let _ = o.date_order;
}

#[tokio::test]
async fn xmlrpc_writes() {
    let (server, s, fixture) =
        xml_replay(Fixture::load("xmlrpc_object_execute_kw_search_count")).await;
    let n = s.search_count("res.partner", Domain::all()).await.unwrap();
    assert_same_xml_call(&fixture, &last_body(&server));
    assert!(n > 0);

    let (server, s, fixture) =
        xml_replay(Fixture::load("xmlrpc_object_execute_kw_create_nil")).await;
    let id = s
        .create(
            "res.partner",
            &json!({"name": "XML nil test", "email": null}),
        )
        .await
        .unwrap();
    assert_same_xml_call(&fixture, &last_body(&server));
    assert!(id > 0);

    let (server, s, fixture) = xml_replay(Fixture::load("xmlrpc_object_execute_kw_unlink")).await;
    s.unlink("res.partner", [58]).await.unwrap();
    assert_same_xml_call(&fixture, &last_body(&server));
}

#[tokio::test]
async fn xmlrpc_read_of_a_missing_id_names_it() {
    let (server, s, fixture) =
        xml_replay(Fixture::load("xmlrpc_read_nonexistent_id_returns_empty")).await;
    let err = s.read::<Value>("res.partner", [999_999]).await.unwrap_err();
    assert_same_xml_call(&fixture, &last_body(&server));
    let Error::MissingRecords(m) = err else {
        panic!("{err:?}")
    };
    assert_eq!(m.ids(), &[999_999]);
}

#[tokio::test]
async fn xmlrpc_faults_map_to_the_same_errors_as_json_rpc() {
    let cases: Vec<(Fixture, ServerErrorKind)> = vec![
        (
            Fixture::load("xmlrpc_fault_access_error_other_users_order"),
            ServerErrorKind::AccessError,
        ),
        (
            Fixture::load("xmlrpc_fault_missing_error_write"),
            ServerErrorKind::MissingError,
        ),
        (
            Fixture::load("xmlrpc_fault_nonexistent_method"),
            ServerErrorKind::UnknownMethod,
        ),
        (
            Fixture::load("xmlrpc_fault_nonexistent_model"),
            ServerErrorKind::UnknownModel,
        ),
        (
            Fixture::load("xmlrpc_fault_user_error_unlink_confirmed_order"),
            ServerErrorKind::UserError,
        ),
        (
            Fixture::load("xmlrpc_fault_wrong_password"),
            ServerErrorKind::AccessDenied,
        ),
        (
            Fixture::load19("xmlrpc_fault_access_error_other_users_order"),
            ServerErrorKind::AccessError,
        ),
        (
            Fixture::load19("xmlrpc_fault_missing_error_write"),
            ServerErrorKind::MissingError,
        ),
        (
            Fixture::load19("xmlrpc_fault_nonexistent_model"),
            ServerErrorKind::UnknownModel,
        ),
        (
            Fixture::load19("xmlrpc_fault_wrong_password"),
            ServerErrorKind::AccessDenied,
        ),
    ];
    for (fixture, kind) in cases {
        let name = fixture.name.clone();
        let (server, s, fixture) = xml_replay(fixture).await;
        let (_, params) = decode_call(&fixture.request_body).unwrap();
        let model = XmlValue::into_value(params[3].clone());
        let method = XmlValue::into_value(params[4].clone());
        let args = XmlValue::into_value(params[5].clone());
        let mut call = s.call(model.as_str().unwrap(), method.as_str().unwrap());
        for a in args.as_array().unwrap() {
            call = call.arg(a);
        }
        if let Some(kwargs) = params.get(6) {
            for (k, v) in XmlValue::into_value(kwargs.clone()).as_object().unwrap() {
                call = call.kwarg(k, v);
            }
        }
        let err = call.await.unwrap_err();
        assert_same_xml_call(&fixture, &last_body(&server));
        assert_eq!(err.server_kind(), Some(kind), "{name}: {err:?}");
        let text = err.to_string();
        assert!(!text.contains("Traceback"), "{name}: {text}");
        if kind == ServerErrorKind::UnknownMethod {
            assert_eq!(
                err.as_server().unwrap().message(),
                "The method 'no_such_method' does not exist on the model 'res.partner'"
            );
            assert_eq!(err.as_server().unwrap().name(), "builtins.AttributeError");
        }
    }
}

// ================================================================= web session

/// Log in over the web session against recorded answers.
async fn web_login(fixture_dir19: bool, then: Vec<Canned>) -> (ReplayServer, Session, Fixture) {
    let auth = if fixture_dir19 {
        Fixture::load19("web_session_authenticate")
    } else {
        Fixture::load("web_session_authenticate")
    };
    let mut responses = vec![Canned::from_fixture(&auth)];
    responses.extend(then);
    let server = ReplayServer::start(responses).await;
    let db = if fixture_dir19 { "odoo19" } else { "odoo18" };
    let session = client(&server, db, Transport::Auto)
        .login("alice", "alice")
        .await
        .unwrap();
    (server, session, auth)
}

fn cookie_of(fixture: &Fixture) -> String {
    fixture
        .response_headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .and_then(|(_, v)| v.split(';').next())
        .unwrap()
        .to_owned()
}

/// A call_kw request equals the recorded one once the session context the
/// SDK adds to every call is set aside (and checked).
fn assert_same_call_kw(fixture: &Fixture, sent: &Value, session: &Session) {
    let mut sent = sent.clone();
    let context = sent["params"]["kwargs"]
        .as_object_mut()
        .unwrap()
        .remove("context")
        .expect("the session context travels with the call");
    assert_eq!(&context, &Value::Object(session.context().clone()));
    assert_same_request(&fixture.name, &sent, &fixture.request_json());
}

#[tokio::test]
async fn web_login_fills_the_session_from_the_session_info() {
    for dir19 in [false, true] {
        let (server, alice, auth) = web_login(dir19, vec![]).await;
        let sent = server.bodies();
        assert_eq!(sent.len(), 1, "one call logs in over the web session");
        let mut expected = auth.request_json();
        expected["params"]["db"] = json!(if dir19 { "odoo19" } else { "odoo18" });
        assert_same_request(&auth.name, &sent[0], &expected);
        assert_eq!(server.captured()[0].path, "/web/session/authenticate");
        assert_eq!(alice.transport(), Transport::WebSession);
        assert_eq!(alice.uid(), if dir19 { 7 } else { 8 });
        assert_eq!(alice.lang(), Some("en_US"));
        assert_eq!(alice.allowed_company_ids(), vec![1]);
        assert_eq!(
            alice.server_version().unwrap().major(),
            Some(if dir19 { 19 } else { 18 })
        );
        assert!(
            !format!("{alice:?}").contains(&cookie_of(&auth)[11..]),
            "cookie in Debug"
        );
    }
}

#[tokio::test]
async fn web_calls_carry_the_sessions_own_cookie() {
    let call = Fixture::load("web_dataset_call_kw_with_cookie");
    let (server, alice, auth) = web_login(false, vec![Canned::from_fixture(&call)]).await;
    #[derive(Deserialize)]
    struct P {
        name: String,
        country_id: Option<Many2one>,
    }
    let rows: Vec<P> = alice
        .search_read("res.partner", field("is_company").eq(true))
        .fields(["name", "country_id"])
        .limit(3)
        .await
        .unwrap();
    let captured = server.captured();
    assert_eq!(
        captured[1].path,
        "/web/dataset/call_kw/res.partner/search_read"
    );
    assert_eq!(
        captured[1].headers.get("cookie").unwrap().to_str().unwrap(),
        cookie_of(&auth)
    );
    assert_same_call_kw(&call, &captured[1].json(), &alice);
    assert_eq!(rows[0].name, "Azure Interior");
    assert!(rows[0].country_id.is_some());
}

#[tokio::test]
async fn an_expired_web_session_logs_in_again_once_and_resends() {
    let expired = Fixture::load("web_dataset_call_kw_no_cookie");
    let mut renewed = Canned::from_fixture(&Fixture::load("web_session_authenticate"));
    renewed.headers = vec![(
        "Set-Cookie".into(),
        "session_id=renewed-cookie-0123456789; HttpOnly; Path=/".into(),
    )];
    let (server, alice, _) = web_login(
        false,
        vec![
            Canned::from_fixture(&expired),
            renewed,
            Canned::from_fixture(&Fixture::load("web_dataset_call_kw_with_cookie")),
        ],
    )
    .await;
    let rows: Vec<Value> = alice
        .search_read("res.partner", field("is_company").eq(true))
        .fields(["name", "country_id"])
        .limit(3)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let captured = server.captured();
    let paths: Vec<&str> = captured.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/web/session/authenticate",
            "/web/dataset/call_kw/res.partner/search_read",
            "/web/session/authenticate",
            "/web/dataset/call_kw/res.partner/search_read"
        ]
    );
    let mut first = captured[1].json();
    let mut again = captured[3].json();
    first.as_object_mut().unwrap().remove("id");
    again.as_object_mut().unwrap().remove("id");
    assert_eq!(first, again, "the same call is sent again");
    assert_eq!(
        captured[3].headers.get("cookie").unwrap().to_str().unwrap(),
        "session_id=renewed-cookie-0123456789"
    );
}

#[tokio::test]
async fn a_second_expiry_is_an_error_not_a_loop() {
    let expired = Canned::from_fixture(&Fixture::load("web_dataset_call_kw_no_cookie"));
    let auth = Canned::from_fixture(&Fixture::load("web_session_authenticate"));
    let (server, alice, _) = web_login(false, vec![expired.clone(), auth, expired]).await;
    let err = alice
        .search_count("res.partner", Domain::all())
        .await
        .unwrap_err();
    assert!(err.is_session_expired(), "{err:?}");
    assert!(
        !err.may_have_run(),
        "an expired session never ran the method"
    );
    assert_eq!(server.captured().len(), 4);
}

#[tokio::test]
async fn web_errors_and_wrong_password() {
    let access = Fixture::load("web_dataset_call_kw_access_error");
    let (_server, alice, _) = web_login(false, vec![Canned::from_fixture(&access)]).await;
    let err = alice
        .read::<Value>("sale.order", [24])
        .fields(["name"])
        .await
        .unwrap_err();
    assert!(err.is_access_error(), "{err:?}");

    for fixture in [
        Fixture::load("web_session_authenticate_wrong_password"),
        Fixture::load19("web_session_authenticate_wrong_password"),
    ] {
        let server = ReplayServer::start([Canned::from_fixture(&fixture)]).await;
        let err = client(&server, "odoo18", Transport::WebSession)
            .login("alice", "WRONG")
            .await
            .unwrap_err();
        let Error::AccessDenied(d) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(d.login(), Some("alice"));
        assert!(!err.to_string().contains("WRONG"));
    }

    // The web login does not take API keys.
    let server = ReplayServer::start([]).await;
    let err = client(&server, "odoo18", Transport::WebSession)
        .login_api_key("admin", "key")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(server.captured().is_empty());
}

#[tokio::test]
async fn logout_destroys_the_web_session_and_closes_the_session() {
    let destroy = Fixture::load("web_session_destroy");
    let (server, alice, auth) = web_login(false, vec![Canned::from_fixture(&destroy)]).await;
    let derived = alice.with_context("lang", "fr_FR");
    alice.logout().await.unwrap();
    let captured = server.captured();
    assert_eq!(captured[1].path, "/web/session/destroy");
    assert_eq!(
        captured[1].headers.get("cookie").unwrap().to_str().unwrap(),
        cookie_of(&auth)
    );
    assert!(alice.is_logged_out() && derived.is_logged_out());
    let err = derived
        .search("res.partner", Domain::all())
        .await
        .unwrap_err();
    let Error::LoggedOut(l) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(l.login(), "alice");
    assert_eq!(server.captured().len(), 2, "a closed session sends nothing");
    alice.logout().await.unwrap();
}

// ================================================================= JSON-2

const ADMIN_KEY_19: &str = "4517a2f3698d8dc8efb5fcfca8f11596c21dfdf6";

/// Replay one JSON-2 fixture with the recorded key.
async fn json2_replay(name: &str) -> (ReplayServer, Session, Fixture) {
    let fixture = Fixture::load19(name);
    let server = ReplayServer::start([Canned::from_fixture(&fixture)]).await;
    let key = fixture
        .request_header("Authorization")
        .and_then(|a| a.split_once(' ').map(|(_, k)| k.to_owned()))
        .unwrap_or_else(|| ADMIN_KEY_19.to_owned());
    let session = client(&server, "odoo19", Transport::Json2).session_for_uid(2, "admin", key);
    (server, session, fixture)
}

/// The JSON-2 request equals the recorded one: path, body, key, database.
fn assert_same_json2(server: &ReplayServer, fixture: &Fixture) {
    let captured = server.captured();
    let req = captured.last().unwrap();
    assert_eq!(req.path, fixture.path, "{}", fixture.name);
    assert_eq!(
        req.json(),
        fixture.request_json(),
        "{}: body differs",
        fixture.name
    );
    assert_eq!(
        req.headers.get("authorization").unwrap().to_str().unwrap(),
        fixture.request_header("Authorization").unwrap(),
        "{}",
        fixture.name
    );
    assert_eq!(
        req.headers
            .get("x-odoo-database")
            .unwrap()
            .to_str()
            .unwrap(),
        "odoo19"
    );
    assert_eq!(
        req.headers.get("content-type").unwrap().to_str().unwrap(),
        "application/json"
    );
}

#[tokio::test]
async fn json2_orm_helpers_send_named_arguments() {
    let (server, s, fx) = json2_replay("json2_search").await;
    let ids = s
        .search("res.partner", field("is_company").eq(true))
        .limit(5)
        .order("id")
        .await
        .unwrap();
    assert_same_json2(&server, &fx);
    assert_eq!(ids, vec![1, 8, 9, 10, 11]);

    let (server, s, fx) = json2_replay("json2_search_read").await;
    let rows: Vec<Map> = s
        .search_read("res.partner", field("is_company").eq(true))
        .fields(["name", "email", "country_id", "write_date"])
        .limit(3)
        .order("id")
        .await
        .unwrap();
    assert_same_json2(&server, &fx);
    assert_eq!(rows.len(), 3);

    let (server, s, fx) = json2_replay("json2_search_count").await;
    assert_eq!(
        s.search_count("res.partner", field("is_company").eq(true))
            .await
            .unwrap(),
        11
    );
    assert_same_json2(&server, &fx);

    let (server, s, fx) = json2_replay("json2_read").await;
    let rows: Vec<Map> = s
        .read("res.partner", [1, 3])
        .fields(["name", "email", "country_id", "category_id", "is_company"])
        .await
        .unwrap();
    assert_same_json2(&server, &fx);
    assert_eq!(rows[1]["name"], json!("Mitchell Admin"));

    let (server, s, fx) = json2_replay("json2_read_nonexistent_id").await;
    let err = s
        .read::<Map>("res.partner", [999_999])
        .fields(["name"])
        .await
        .unwrap_err();
    assert_same_json2(&server, &fx);
    assert!(matches!(err, Error::MissingRecords(_)), "{err:?}");

    let (server, s, fx) = json2_replay("json2_create_one").await;
    let id = s
        .create(
            "res.partner",
            &json!({"name": "odoo-rs JSON-2 single", "email": "single@example.com"}),
        )
        .await
        .unwrap();
    assert_same_json2(&server, &fx);
    assert_eq!(id, 45, "JSON-2's [id] is one id");

    let (server, s, fx) = json2_replay("json2_create_multi").await;
    let ids = s
        .create_many(
            "res.partner",
            &[
                json!({"name": "odoo-rs JSON-2 multi A"}),
                json!({"name": "odoo-rs JSON-2 multi B", "is_company": true}),
            ],
        )
        .await
        .unwrap();
    assert_same_json2(&server, &fx);
    assert_eq!(ids, vec![46, 47]);

    let (server, s, fx) = json2_replay("json2_write").await;
    s.write(
        "res.partner",
        [45],
        &json!({"phone": "+32 2 555 01 01", "comment": "written by JSON-2"}),
    )
    .await
    .unwrap();
    assert_same_json2(&server, &fx);

    let (server, s, fx) = json2_replay("json2_unlink").await;
    s.unlink("res.partner", [47]).await.unwrap();
    assert_same_json2(&server, &fx);

    let (server, s, fx) = json2_replay("json2_name_search").await;
    let found = s.name_search("res.partner", "Acme").limit(5).await.unwrap();
    assert_same_json2(&server, &fx);
    assert_eq!(found[0], (9, "Acme Corporation".to_owned()));

    let (server, s, fx) = json2_replay("json2_context_lang_tz").await;
    let _: Vec<Map> = s
        .search_read("res.partner", field("id").eq(3))
        .fields(["name", "tz", "lang", "write_date"])
        .context("lang", "en_US")
        .context("tz", "Europe/Brussels")
        .await
        .unwrap();
    assert_same_json2(&server, &fx);
}

#[tokio::test]
async fn json2_workflow_methods_take_ids_and_named_arguments() {
    let (server, s, fx) = json2_replay("json2_action_confirm").await;
    let done: bool = s
        .call("sale.order", "action_confirm")
        .arg([27])
        .returning()
        .await
        .unwrap();
    assert_same_json2(&server, &fx);
    assert!(done);

    let (server, s, fx) = json2_replay("json2_copy_returns_ids").await;
    let ids: Vec<i64> = s
        .call("res.partner", "copy")
        .arg([9])
        .kwarg("default", json!({"name": "Acme copy (odoo-rs)"}))
        .returning()
        .await
        .unwrap();
    assert_same_json2(&server, &fx);
    assert_eq!(ids, vec![52]);
}

#[tokio::test]
async fn json2_errors_by_status() {
    let (server, s, fx) = json2_replay("json2_error_access_error").await;
    let err = s
        .read::<Map>("sale.order", [24])
        .fields(["name"])
        .await
        .unwrap_err();
    assert!(err.is_access_error(), "{err:?}");
    assert_same_json2(&server, &fx);
    assert_eq!(err.as_server().unwrap().code(), 403);

    let (server, s, fx) = json2_replay("json2_error_missing_error_write").await;
    let err = s
        .write("res.partner", [999_999], &json!({"name": "x"}))
        .await
        .unwrap_err();
    assert_same_json2(&server, &fx);
    assert_eq!(err.server_kind(), Some(ServerErrorKind::MissingError));

    let (server, s, fx) = json2_replay("json2_error_private_method").await;
    let err = s
        .call("res.partner", "_compute_display_name")
        .arg([1])
        .await
        .unwrap_err();
    assert_same_json2(&server, &fx);
    assert!(err.is_access_error());

    let (server, s, fx) = json2_replay("json2_error_unknown_model").await;
    let err = s.search("no.such.model", Domain::all()).await.unwrap_err();
    assert_same_json2(&server, &fx);
    assert_eq!(
        err.server_kind(),
        Some(ServerErrorKind::UnknownModel),
        "{err:?}"
    );

    let (server, s, fx) = json2_replay("json2_error_unknown_method").await;
    let err = s.call("res.partner", "no_such_method").await.unwrap_err();
    assert_same_json2(&server, &fx);
    assert_eq!(
        err.server_kind(),
        Some(ServerErrorKind::UnknownMethod),
        "{err:?}"
    );

    let (server, s, fx) = json2_replay("json2_error_invalid_key").await;
    let err = s
        .search_count("res.partner", Domain::all())
        .await
        .unwrap_err();
    assert_same_json2(&server, &fx);
    assert!(err.is_access_denied(), "{err:?}");
    assert!(!err.to_string().contains("01234567"));

    let (server, s, fx) = json2_replay("json2_error_user_error_unlink_confirmed").await;
    let err = s.unlink("sale.order", [21]).await.unwrap_err();
    assert_same_json2(&server, &fx);
    assert_eq!(err.server_kind(), Some(ServerErrorKind::UserError));

    let (server, s, fx) = json2_replay("json2_error_validation_error_recursive_partner").await;
    let err = s
        .write("res.partner", [45], &json!({"parent_id": 45}))
        .await
        .unwrap_err();
    assert_same_json2(&server, &fx);
    assert_eq!(err.server_kind(), Some(ServerErrorKind::ValidationError));

    let (server, s, fx) = json2_replay("json2_error_500_invalid_selection").await;
    let err = s
        .create_many("res.partner", &[json!({"name": "x", "type": "bogus"})])
        .await
        .unwrap_err();
    assert_same_json2(&server, &fx);
    assert_eq!(
        err.as_server().unwrap().message(),
        "Wrong value for res.partner.type: 'bogus'"
    );
    assert_eq!(err.server_kind(), Some(ServerErrorKind::InvalidArguments));

    // An unknown database answers 404 in HTML: a transport error with the page.
    let fixture = Fixture::load19("json2_error_wrong_database_header");
    let server = ReplayServer::start([Canned::from_fixture(&fixture)]).await;
    let s = client(&server, "nosuchdb", Transport::Json2).session_for_uid(2, "admin", ADMIN_KEY_19);
    let err = s
        .search_count("res.partner", Domain::all())
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Status);
    assert_eq!(t.http_status(), Some(404));
    assert!(
        t.body_excerpt()
            .unwrap()
            .contains("No database is selected")
    );
}

#[tokio::test]
async fn auto_picks_json2_for_an_api_key_on_odoo_19() {
    let version19 = Canned::from_fixture(&Fixture::load19("jsonrpc_common_version"));
    let server = ReplayServer::start([
        version19,
        json_bare(json!({"lang": "en_US", "tz": "Europe/Brussels", "uid": 2})),
        json_bare(json!([{"id": 2, "login": "admin", "company_id": [1, "YourCompany"]}])),
    ])
    .await;
    let admin = client(&server, "odoo19", Transport::Auto)
        .login_api_key("admin", ADMIN_KEY_19)
        .await
        .unwrap();
    assert_eq!(admin.transport(), Transport::Json2);
    assert_eq!(admin.uid(), 2);
    assert_eq!(admin.tz(), Some("Europe/Brussels"));
    let captured = server.captured();
    assert_eq!(captured[0].path, "/jsonrpc");
    assert_eq!(captured[1].path, "/json/2/res.users/context_get");
    assert_eq!(captured[1].json(), json!({}));
    assert_eq!(captured[2].path, "/json/2/res.users/read");
    assert_eq!(captured[2].json()["ids"], json!([2]));
    assert!(!format!("{admin:?}").contains(ADMIN_KEY_19));
}

#[tokio::test]
async fn auto_picks_json_rpc_for_an_api_key_on_odoo_18_and_the_web_for_a_password() {
    let server = ReplayServer::start([
        Canned::from_fixture(&Fixture::load("jsonrpc_common_version")),
        Canned::from_fixture(&Fixture::load("jsonrpc_common_authenticate_apikey")),
        Canned::result(json!({"lang": "en_US", "tz": false, "uid": 2})),
        Canned::result(json!([{"id": 2, "login": "admin", "company_id": [1, "YourCompany"]}])),
    ])
    .await;
    let admin = client(&server, "odoo18", Transport::Auto)
        .login_api_key("admin", "dbf1e9795af1c12475cdcff48e8f588db158ab02")
        .await
        .unwrap();
    assert_eq!(admin.transport(), Transport::JsonRpc);

    let (_s, alice, _) = web_login(false, vec![]).await;
    assert_eq!(alice.transport(), Transport::WebSession);
}

#[tokio::test]
async fn json2_key_of_another_user_is_refused() {
    let server = ReplayServer::start([
        Canned::from_fixture(&Fixture::load19("jsonrpc_common_version")),
        json_bare(json!({"lang": "en_US", "tz": false, "uid": 7})),
        json_bare(json!([{"id": 7, "login": "alice", "company_id": [1, "YourCompany"]}])),
    ])
    .await;
    let err = client(&server, "odoo19", Transport::Json2)
        .login_api_key("admin", "alices-key")
        .await
        .unwrap_err();
    assert!(err.is_access_denied(), "{err:?}");
    // A password is refused before anything is sent.
    let server = ReplayServer::start([]).await;
    let err = client(&server, "odoo19", Transport::Json2)
        .login("admin", "admin")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert!(server.captured().is_empty());
}
