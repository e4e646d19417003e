//! Replay of the real Odoo 18 JSON-RPC fixtures (tests/fixtures/wire):
//!
//! (a) the request the SDK sends for a call equals the real request (as JSON,
//!     ignoring the JSON-RPC id);
//! (b) the SDK decodes the real response into the right typed value or error.
//!
//! The third check, that the embedded server answers each real request with
//! the same shape, is in `mock_conformance.rs`.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use odoo::{
    Client, Command, Date, DateTime, Domain, Error, Many2one, Map, ServerErrorKind, Session,
    Transport, TransportErrorKind, field,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::Fixture;
use support::replay::{Canned, ReplayServer, assert_same_request};

/// One fixture replayed: the server answers with the recorded response.
struct Replay {
    fixture: Fixture,
    server: ReplayServer,
    client: Client,
}

impl Replay {
    async fn new(name: &str) -> Replay {
        Replay::after(name, Vec::new()).await
    }

    /// Replay `name` after answering the SDK's first calls with `before`.
    async fn after(name: &str, before: Vec<Canned>) -> Replay {
        let fixture = Fixture::load(name);
        let mut responses = before;
        responses.push(Canned::from_fixture(&fixture));
        let server = ReplayServer::start(responses).await;
        let client = Client::builder(&server.url)
            .database("odoo18")
            .transport(Transport::JsonRpc)
            .build()
            .expect("client");
        Replay {
            fixture,
            server,
            client,
        }
    }

    /// A session with the uid and password of the recorded call.
    fn session(&self) -> Session {
        let request = self.fixture.request_json();
        let args = &request["params"]["args"];
        let uid = args[1].as_i64().expect("uid in the recorded call");
        let password = args[2].as_str().expect("password in the recorded call");
        let login = match uid {
            8 => "alice",
            9 => "bob",
            _ => "admin",
        };
        self.client.session_for_uid(uid, login, password)
    }

    /// The last request received equals the recorded one.
    fn assert_request(&self) {
        let sent = self.server.bodies();
        let last = sent.last().expect("the SDK sent a request");
        assert_same_request(&self.fixture.name, last, &self.fixture.request_json());
        let captured = self.server.captured();
        let req = captured.last().expect("request");
        assert_eq!(req.method, self.fixture.method);
        assert_eq!(req.path, self.fixture.path);
        assert_eq!(
            req.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
    }

    fn result(&self) -> Value {
        self.fixture.result()
    }

    /// The recorded error: the SDK's error must carry its name and message.
    fn assert_server_error(&self, err: &Error, kind: ServerErrorKind) {
        let data = self.fixture.error_data();
        let server = err.as_server().unwrap_or_else(|| {
            panic!(
                "{}: expected a server error, got {err:?}",
                self.fixture.name
            )
        });
        assert_eq!(server.kind(), kind, "{}: {err}", self.fixture.name);
        assert_eq!(server.name(), data["name"].as_str().unwrap());
        assert_eq!(server.message(), data["message"].as_str().unwrap());
        assert_eq!(server.arguments(), &data["arguments"]);
        assert_eq!(server.debug_text(), data["debug"].as_str().unwrap());
        assert_eq!(server.code(), 200);
        // Display names the exception and the message, never the traceback.
        let text = err.to_string();
        assert!(text.contains(server.name()), "{text}");
        assert!(!text.contains("Traceback"), "{text}");
    }
}

// ---------------------------------------------------------------- common / db

#[tokio::test]
async fn common_version() {
    let r = Replay::new("jsonrpc_common_version").await;
    let version = r.client.version().await.unwrap();
    r.assert_request();
    assert_eq!(version.server_version, "18.0");
    assert_eq!(version.major(), Some(18));
    assert_eq!(version.server_serie, "18.0");
    assert_eq!(version.protocol_version, 1);
    assert_eq!(
        json!(version.server_version_info),
        json!([18, 0, 0, "final", 0, ""])
    );
}

#[tokio::test]
async fn db_list() {
    let r = Replay::new("jsonrpc_db_list").await;
    let dbs = r.client.databases().await.unwrap();
    r.assert_request();
    assert_eq!(dbs, vec!["odoo18".to_owned()]);
}

fn version_reply() -> Canned {
    Canned::from_fixture(&Fixture::load("jsonrpc_common_version"))
}

/// The calls after authenticate: context_get, then the user's company.
fn after_login(uid: i64) -> Vec<Canned> {
    vec![
        Canned::result(json!({"lang": "en_US", "tz": "Europe/Brussels", "uid": uid})),
        Canned::result(json!([{"id": uid, "company_id": [1, "YourCompany"]}])),
    ]
}

#[tokio::test]
async fn login_authenticates_then_loads_the_context() {
    let fixture = Fixture::load("jsonrpc_common_authenticate_ok");
    let mut responses = vec![version_reply(), Canned::from_fixture(&fixture)];
    responses.extend(after_login(8));
    let server = ReplayServer::start(responses).await;
    let client = Client::builder(&server.url)
        .database("odoo18")
        .transport(Transport::JsonRpc)
        .build()
        .unwrap();
    let alice = client.login("alice", "alice").await.unwrap();

    let sent = server.bodies();
    assert_eq!(sent.len(), 4, "version, authenticate, context_get, read");
    assert_same_request(&fixture.name, &sent[1], &fixture.request_json());
    assert_eq!(alice.uid(), 8);
    assert_eq!(alice.login(), "alice");
    assert_eq!(alice.lang(), Some("en_US"));
    assert_eq!(alice.tz(), Some("Europe/Brussels"));
    assert_eq!(alice.allowed_company_ids(), vec![1]);
    assert_eq!(alice.server_version().unwrap().major(), Some(18));
    assert_eq!(
        sent[2]["params"]["args"],
        json!(["odoo18", 8, "alice", "res.users", "context_get", [], {}])
    );
    assert_eq!(
        sent[3]["params"]["args"],
        json!(["odoo18", 8, "alice", "res.users", "read", [[8]], {"fields": ["login", "company_id"]}])
    );
}

#[tokio::test]
async fn login_with_api_key_sends_the_key_as_password() {
    let fixture = Fixture::load("jsonrpc_common_authenticate_apikey");
    let key = fixture.request_json()["params"]["args"][2]
        .as_str()
        .unwrap()
        .to_owned();
    let mut responses = vec![version_reply(), Canned::from_fixture(&fixture)];
    responses.extend(after_login(2));
    let server = ReplayServer::start(responses).await;
    let client = Client::builder(&server.url)
        .database("odoo18")
        .transport(Transport::JsonRpc)
        .build()
        .unwrap();
    let admin = client.login_api_key("admin", key.as_str()).await.unwrap();
    assert_same_request(&fixture.name, &server.bodies()[1], &fixture.request_json());
    assert_eq!(admin.uid(), 2);
    // The key is a secret: never in Debug output.
    assert!(!format!("{admin:?}").contains(&key));
}

#[tokio::test]
async fn wrong_password_is_access_denied_not_ok_false() {
    let fixture = Fixture::load("jsonrpc_common_authenticate_wrong_password");
    let server = ReplayServer::start([version_reply(), Canned::from_fixture(&fixture)]).await;
    let client = Client::builder(&server.url)
        .database("odoo18")
        .transport(Transport::JsonRpc)
        .build()
        .unwrap();
    let err = client.login("alice", "WRONG").await.unwrap_err();
    assert_same_request(&fixture.name, &server.bodies()[1], &fixture.request_json());
    let Error::AccessDenied(denied) = &err else {
        panic!("expected AccessDenied, got {err:?}")
    };
    assert_eq!(denied.login(), Some("alice"));
    assert_eq!(denied.database(), "odoo18");
    let text = err.to_string();
    assert!(text.contains("alice") && text.contains("odoo18"), "{text}");
    assert!(!text.contains("WRONG"), "the password leaked: {text}");
    assert!(!format!("{err:?}").contains("WRONG"));
}

// ---------------------------------------------------------------- object: reads

#[tokio::test]
async fn search_with_limit_offset_order() {
    let r = Replay::new("jsonrpc_object_execute_kw_search").await;
    let ids = r
        .session()
        .search("res.partner", field("is_company").eq(true))
        .limit(5)
        .offset(1)
        .order("name desc")
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(json!(ids), r.result());
}

#[tokio::test]
async fn search_count() {
    let r = Replay::new("jsonrpc_object_execute_kw_search_count").await;
    let n = r
        .session()
        .search_count("res.partner", field("is_company").eq(true))
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(json!(n), r.result());
}

#[derive(Debug, Deserialize, PartialEq)]
struct Company {
    id: i64,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    country_id: Option<Many2one>,
    is_company: bool,
    child_ids: Vec<i64>,
    write_date: DateTime,
}

#[tokio::test]
async fn search_read_decodes_typed_rows() {
    let r = Replay::new("jsonrpc_object_execute_kw_search_read").await;
    let rows: Vec<Company> = r
        .session()
        .search_read("res.partner", field("is_company").eq(true))
        .fields([
            "name",
            "email",
            "phone",
            "country_id",
            "is_company",
            "child_ids",
            "write_date",
        ])
        .limit(5)
        .order("id")
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0],
        Company {
            id: 1,
            name: "YourCompany".into(),
            email: Some("info@yourcompany.com".into()),
            phone: Some("+1 555-555-5556".into()),
            country_id: Some(Many2one {
                id: 233,
                name: "United States".into()
            }),
            is_company: true,
            child_ids: vec![40, 41],
            write_date: "2026-11-24 23:09:43".parse().unwrap(),
        }
    );
    assert_eq!(rows[4].child_ids, vec![22, 26, 38, 25, 37, 31, 39]);
}

#[tokio::test]
async fn search_read_with_call_context() {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        lang: Option<String>,
        tz: Option<String>,
    }
    let r = Replay::new("jsonrpc_object_execute_kw_search_read_context").await;
    let rows: Vec<Row> = r
        .session()
        .search_read("res.partner", field("id").is_in([1, 3]))
        .fields(["name", "lang", "tz"])
        .context("lang", "en_US")
        .context("tz", "Europe/Brussels")
        .context("active_test", false)
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(rows[0].id, 1);
    assert_eq!(rows[0].tz, None);
    assert_eq!(rows[1].tz.as_deref(), Some("Europe/Brussels"));
    assert_eq!(rows[1].lang.as_deref(), Some("en_US"));
}

#[tokio::test]
async fn session_context_merges_under_the_call_context() {
    let r = Replay::new("jsonrpc_object_execute_kw_search_read_context").await;
    // A session whose own context says active_test: true and tz: UTC; the
    // call's keys win, so the request is the recorded one.
    let session = r
        .session()
        .with_context("tz", "UTC")
        .with_context("active_test", true);
    let _: Vec<Value> = session
        .search_read("res.partner", field("id").is_in([1, 3]))
        .fields(["name", "lang", "tz"])
        .context("lang", "en_US")
        .context("tz", "Europe/Brussels")
        .context("active_test", false)
        .await
        .unwrap();
    let sent = r.server.bodies();
    assert_eq!(
        sent[0]["params"]["args"][6]["context"],
        json!({"tz": "Europe/Brussels", "active_test": false, "lang": "en_US"})
    );
}

#[tokio::test]
async fn own_documents_only_search_read_as_alice() {
    #[derive(Deserialize)]
    struct Order {
        name: String,
        user_id: Many2one,
        state: String,
    }
    let r = Replay::new("jsonrpc_object_execute_kw_as_alice_search_read_sale_order").await;
    let orders: Vec<Order> = r
        .session()
        .search_read("sale.order", Domain::all())
        .fields(["name", "user_id", "state"])
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(orders.len(), 3);
    assert!(
        orders.iter().all(|o| o.user_id.id == 8),
        "alice sees only hers"
    );
    assert_eq!(orders[0].name.len(), 6);
    assert!(orders.iter().any(|o| o.state == "sale"));
}

/// A hand-written sale.order, as a user (or, later, the generator) writes it.
#[derive(Debug, Deserialize, PartialEq)]
struct SaleOrder {
    id: i64,
    name: String,
    partner_id: Many2one,
    user_id: Option<Many2one>,
    order_line: Vec<i64>,
    tag_ids: Vec<i64>,
    state: String,
    invoice_status: Option<String>,
    date_order: DateTime,
    validity_date: Option<Date>,
    commitment_date: Option<DateTime>,
    amount_untaxed: f64,
    amount_total: f64,
    currency_id: Many2one,
    note: Option<String>,
    client_order_ref: Option<String>,
    origin: Option<String>,
}

const SALE_ORDER_FIELDS: [&str; 16] = [
    "name",
    "partner_id",
    "user_id",
    "order_line",
    "tag_ids",
    "state",
    "invoice_status",
    "date_order",
    "validity_date",
    "commitment_date",
    "amount_untaxed",
    "amount_total",
    "currency_id",
    "note",
    "client_order_ref",
    "origin",
];

#[tokio::test]
async fn read_sale_orders_into_a_struct() {
    let r = Replay::new("jsonrpc_object_execute_kw_read_sale_order").await;
    let orders: Vec<SaleOrder> = r
        .session()
        .read("sale.order", [21, 22])
        .fields(SALE_ORDER_FIELDS)
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(
        orders[0],
        SaleOrder {
            id: 21,
            name: "S00021".into(),
            partner_id: Many2one {
                id: 15,
                name: "Azure Interior".into()
            },
            user_id: Some(Many2one {
                id: 8,
                name: "Alice".into()
            }),
            order_line: vec![45, 46],
            tag_ids: vec![],
            state: "sale".into(),
            invoice_status: Some("no".into()),
            date_order: "2026-11-24 23:11:29".parse().unwrap(),
            validity_date: Date::from_ymd(2026, 12, 25),
            commitment_date: None,
            amount_untaxed: 2250.0,
            amount_total: 2250.0,
            currency_id: Many2one {
                id: 1,
                name: "USD".into()
            },
            note: None,
            client_order_ref: Some("SDK-alice-1".into()),
            origin: None,
        }
    );
    assert_eq!(orders[1].id, 22);
    assert_eq!(orders[1].state, "draft");
}

#[tokio::test]
async fn read_sale_order_lines() {
    #[derive(Debug, Deserialize)]
    struct Line {
        order_id: Many2one,
        product_id: Option<Many2one>,
        name: String,
        product_uom_qty: f64,
        price_unit: f64,
        price_subtotal: f64,
        tax_id: Vec<i64>,
        discount: f64,
        display_type: Option<String>,
    }
    let r = Replay::new("jsonrpc_object_execute_kw_read_sale_order_line").await;
    let lines: Vec<Line> = r
        .session()
        .read("sale.order.line", [45, 46])
        .fields([
            "order_id",
            "product_id",
            "name",
            "product_uom_qty",
            "price_unit",
            "price_subtotal",
            "tax_id",
            "discount",
            "display_type",
        ])
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(lines[0].order_id.id, 21);
    assert_eq!(lines[1].product_uom_qty, 2.0);
    assert_eq!(lines[1].price_subtotal, 1500.0);
    assert_eq!(lines[0].display_type, None);
    assert!(lines[0].tax_id.is_empty());
    assert!(lines[0].name.contains('\n'));
    assert_eq!(lines[0].price_unit, 750.0);
    assert_eq!(lines[0].discount, 0.0);
    assert!(lines[0].product_id.is_some());
}

#[tokio::test]
async fn read_of_a_missing_id_names_it() {
    let r = Replay::new("jsonrpc_read_nonexistent_id_returns_empty").await;
    let err = r
        .session()
        .read::<Value>("res.partner", [999_999])
        .fields(["name"])
        .await
        .unwrap_err();
    r.assert_request();
    let Error::MissingRecords(missing) = &err else {
        panic!("expected MissingRecords, got {err:?}")
    };
    assert_eq!(missing.model(), "res.partner");
    assert_eq!(missing.ids(), &[999_999]);
    assert_eq!(
        err.to_string(),
        "res.partner has no record with id [999999] (deleted, or never existed)"
    );
}

#[tokio::test]
async fn read_without_fields_reads_everything() {
    let r = Replay::new("jsonrpc_object_execute_kw_read_no_fields_res_partner").await;
    let rows: Vec<Map> = r.session().read("res.partner", [3]).await.unwrap();
    r.assert_request();
    let row = &rows[0];
    assert_eq!(row["id"], json!(3));
    assert_eq!(row["name"], json!("Mitchell Admin"));
    assert!(row.len() > 100, "every field came");
    let image: Option<odoo::Binary> =
        odoo::decode::from_value(&row["image_128"], "res.partner").unwrap();
    assert!(!image.expect("an avatar").0.is_empty());
}

#[tokio::test]
async fn name_search() {
    let r = Replay::new("jsonrpc_object_execute_kw_name_search").await;
    let found = r
        .session()
        .name_search("res.partner", "Deco")
        .limit(5)
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(found[0], (10, "Deco Addict".to_owned()));
    assert_eq!(found.len(), 4);
}

#[tokio::test]
async fn fields_get_with_attributes() {
    let r = Replay::new("jsonrpc_object_execute_kw_fields_get_attrs").await;
    let fields = r
        .session()
        .fields_get(
            "sale.order",
            &[
                "string",
                "type",
                "relation",
                "selection",
                "required",
                "readonly",
            ],
        )
        .await
        .unwrap();
    r.assert_request();
    let state = &fields["state"];
    assert_eq!(state.field_type, "selection");
    assert!(
        state
            .selection
            .contains(&("sale".to_owned(), "Sales Order".to_owned()))
    );
    let partner = &fields["partner_id"];
    assert_eq!(partner.field_type, "many2one");
    assert_eq!(partner.relation.as_deref(), Some("res.partner"));
    assert!(partner.required);
    assert_eq!(partner.store, None, "store was not asked for");
}

#[tokio::test]
async fn fields_get_with_every_attribute() {
    let r = Replay::new("fields_get_res.partner").await;
    let fields = r.session().fields_get("res.partner", &[]).await.unwrap();
    r.assert_request();
    assert_eq!(fields.len(), r.result().as_object().unwrap().len());
    assert_eq!(fields["name"].field_type, "char");
    assert_eq!(fields["name"].store, Some(true));
    assert!(fields["name"].attributes.contains_key("searchable"));
}

#[tokio::test]
async fn read_group_through_call() {
    let r = Replay::new("jsonrpc_object_execute_kw_read_group").await;
    let groups: Vec<Map> = r
        .session()
        .call("sale.order", "read_group")
        .arg(Domain::all())
        .arg(["amount_total:sum"])
        .arg(["state"])
        .kwarg("lazy", false)
        .returning()
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(groups.len(), 3);
    assert_eq!(groups[0]["__count"], json!(8));
}

// ---------------------------------------------------------------- domains

/// Each recorded domain, built with the domain builder, sends the same bytes.
#[tokio::test]
async fn domains_serialise_as_odoo_sends_them() {
    let cases: Vec<(&str, &str, Domain)> = vec![
        (
            "jsonrpc_domain_any",
            "search_read",
            field("order_line").any(field("product_id").eq(44)),
        ),
        (
            "jsonrpc_domain_child_of",
            "search_read",
            field("id").child_of(10),
        ),
        (
            "jsonrpc_domain_parent_of",
            "search_read",
            field("id").parent_of(19),
        ),
        (
            "jsonrpc_domain_date_field",
            "search_read",
            field("validity_date").ge("2026-12-20"),
        ),
        (
            "jsonrpc_domain_dotted_path",
            "search_read",
            field("partner_id.country_id.code").eq("US"),
        ),
        (
            "jsonrpc_domain_eq_ilike",
            "search_read",
            field("name").eq_ilike("deco%"),
        ),
        (
            "jsonrpc_domain_eq_like",
            "search_read",
            field("name").eq_like("Deco%"),
        ),
        (
            "jsonrpc_domain_eq_question_false",
            "search_count",
            field("user_id").eq_or_unset(false),
        ),
        (
            "jsonrpc_domain_eq_question_value",
            "search_count",
            field("user_id").eq_or_unset(8),
        ),
        (
            "jsonrpc_domain_ilike_on_many2one",
            "search_read",
            field("partner_id").ilike("gemini"),
        ),
        (
            "jsonrpc_domain_in_empty_list",
            "search_count",
            field("id").is_in(Vec::<i64>::new()),
        ),
        (
            "jsonrpc_domain_not_in",
            "search_read",
            field("state").not_in(["draft", "sale"]),
        ),
        (
            "jsonrpc_domain_not_operator",
            "search_count",
            !field("state").eq("sale"),
        ),
        (
            "jsonrpc_domain_prefix_operators",
            "search_read",
            field("state").eq("sent") | (field("user_id").eq(8) & field("state").eq("sale")),
        ),
        (
            "jsonrpc_domain_true_false_leaves",
            "search_count",
            Domain::Or(vec![Domain::False, Domain::True]),
        ),
        (
            "jsonrpc_domain_active_false_users",
            "search_read",
            field("active").is_unset(),
        ),
        (
            "jsonrpc_domain_datetime_gte",
            "search_read",
            field("date_order").ge("2026-11-01 00:00:00"),
        ),
    ];
    for (name, method, domain) in cases {
        let fixture = Fixture::load(name);
        let recorded = fixture.request_json();
        assert_eq!(
            domain.to_value(),
            recorded["params"]["args"][5][0],
            "{name}: the domain differs"
        );
        assert_eq!(recorded["params"]["args"][4], json!(method), "{name}");
    }
}

// ---------------------------------------------------------------- object: writes

#[tokio::test]
async fn create_one_returns_the_id() {
    #[derive(Serialize)]
    struct NewPartner<'a> {
        name: &'a str,
        email: &'a str,
        is_company: bool,
        country_id: i64,
    }
    let r = Replay::new("jsonrpc_object_execute_kw_create").await;
    let id = r
        .session()
        .create(
            "res.partner",
            &NewPartner {
                name: "SDK Wire Test",
                email: "wire@example.com",
                is_company: true,
                country_id: 20,
            },
        )
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(json!(id), r.result());
}

#[tokio::test]
async fn create_many_returns_the_ids() {
    let r = Replay::new("jsonrpc_object_execute_kw_create_multi").await;
    let ids = r
        .session()
        .create_many(
            "res.partner",
            &[
                json!({"name": "SDK Multi A"}),
                json!({"name": "SDK Multi B", "parent_id": 54}),
            ],
        )
        .await
        .unwrap();
    r.assert_request();
    assert_eq!(ids, vec![55, 56]);
}

#[tokio::test]
async fn write_and_unlink_answer_true() {
    let r = Replay::new("jsonrpc_object_execute_kw_write").await;
    r.session()
        .write(
            "res.partner",
            [54],
            &json!({"phone": "+1 555 0100", "comment": "<p>written by wire test</p>"}),
        )
        .await
        .unwrap();
    r.assert_request();

    let r = Replay::new("jsonrpc_object_execute_kw_unlink").await;
    r.session()
        .unlink("res.partner", [55, 56, 54])
        .await
        .unwrap();
    r.assert_request();
}

#[tokio::test]
async fn x2many_commands_match_the_recorded_writes() {
    let mut qty = Map::new();
    qty.insert("product_uom_qty".into(), json!(5));
    let mut new_line = Map::new();
    new_line.insert("product_id".into(), json!(25));
    new_line.insert("product_uom_qty".into(), json!(1));
    let cases = vec![
        (
            "jsonrpc_x2many_write_update_and_create",
            json!({"order_line": [Command::update(57, qty), Command::create(new_line)]}),
        ),
        (
            "jsonrpc_x2many_write_m2m_set",
            json!({"tag_ids": [Command::set([2, 5])]}),
        ),
        (
            "jsonrpc_x2many_write_set_o2m",
            json!({"order_line": [Command::set([57])]}),
        ),
        (
            "jsonrpc_x2many_write_nested_tax_clear_full_form",
            json!({"order_line": [Command::update(57, {
                let mut m = Map::new();
                m.insert("tax_id".into(), json!([Command::clear()]));
                m
            })]}),
        ),
    ];
    for (name, values) in cases {
        let r = Replay::new(name).await;
        r.session()
            .write("sale.order", [27], &values)
            .await
            .unwrap();
        r.assert_request();
    }
}

// ---------------------------------------------------------------- errors

#[tokio::test]
async fn execute_kw_with_a_wrong_password_is_access_denied() {
    let r = Replay::new("jsonrpc_error_access_denied_wrong_password").await;
    let err = r
        .session()
        .search_read::<Value>("res.partner", Domain::all())
        .limit(1)
        .await
        .unwrap_err();
    r.assert_request();
    assert!(err.is_access_denied(), "{err:?}");
    assert_eq!(err.server_kind(), Some(ServerErrorKind::AccessDenied));
    assert!(!err.to_string().contains("WRONG"));
}

#[tokio::test]
async fn reading_another_users_order_is_an_access_error() {
    let r = Replay::new("jsonrpc_error_access_error_read_other_users_order").await;
    let err = r
        .session()
        .read::<Value>("sale.order", [24])
        .fields(["name", "user_id"])
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::AccessError);
    assert!(err.is_access_error());
    let server = err.as_server().unwrap();
    assert_eq!(server.model(), Some("sale.order"));
    assert_eq!(server.method(), Some("read"));
}

#[tokio::test]
async fn writing_another_users_order_is_an_access_error() {
    let r = Replay::new("jsonrpc_error_access_error_write_other_users_order").await;
    let err = r
        .session()
        .write("sale.order", [24], &json!({"note": "hijack"}))
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::AccessError);
}

#[tokio::test]
async fn model_acl_is_an_access_error() {
    let r = Replay::new("jsonrpc_error_access_error_model_acl").await;
    let err = r
        .session()
        .search_read::<Value>("ir.config_parameter", Domain::all())
        .fields(["key"])
        .limit(1)
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::AccessError);
}

#[tokio::test]
async fn missing_record_on_write() {
    let r = Replay::new("jsonrpc_error_missing_error_write").await;
    let err = r
        .session()
        .write("res.partner", [999_999], &json!({"name": "x"}))
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::MissingError);
}

#[tokio::test]
async fn unknown_model_and_method_and_private_method() {
    let r = Replay::new("jsonrpc_error_nonexistent_model").await;
    let err = r
        .session()
        .search("no.such.model", Domain::all())
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::UnknownModel);

    let r = Replay::new("jsonrpc_error_nonexistent_method").await;
    let err = r
        .session()
        .call("res.partner", "no_such_method")
        .arg(json!([]))
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::UnknownMethod);

    let r = Replay::new("jsonrpc_error_private_method").await;
    let err = r
        .session()
        .call("res.partner", "_compute_display_name")
        .arg([3])
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::AccessError);
}

#[tokio::test]
async fn user_and_validation_errors() {
    let r = Replay::new("jsonrpc_error_user_error_unlink_confirmed_order").await;
    let err = r.session().unlink("sale.order", [21]).await.unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::UserError);

    let r = Replay::new("jsonrpc_error_validation_error_recursive_partner").await;
    let err = r
        .session()
        .write("res.partner", [3], &json!({"parent_id": 3}))
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::ValidationError);

    let r = Replay::new("jsonrpc_error_create_partner_without_name").await;
    let err = r
        .session()
        .create("res.partner", &json!({"email": "noname@example.com"}))
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::ValidationError);
}

#[tokio::test]
async fn invalid_arguments() {
    let r = Replay::new("jsonrpc_error_create_invalid_selection").await;
    let err = r
        .session()
        .create(
            "res.partner",
            &json!({"name": "Bad type", "type": "not_a_type"}),
        )
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::InvalidArguments);

    let r = Replay::new("jsonrpc_error_invalid_field_in_domain").await;
    let err = r
        .session()
        .search("res.partner", field("no_such_field").eq(1))
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::InvalidArguments);

    let r = Replay::new("jsonrpc_error_bad_kwarg").await;
    let err = r
        .session()
        .call("res.partner", "search_read")
        .arg(Domain::all())
        .kwarg("no_such_kwarg", 1)
        .await
        .unwrap_err();
    r.assert_request();
    r.assert_server_error(&err, ServerErrorKind::InvalidArguments);
}

#[tokio::test]
async fn malformed_json_reply_400_is_a_transport_error_with_the_body() {
    // The real server's answer to a broken body: HTTP 400 text/html.
    let fixture = Fixture::load("jsonrpc_error_malformed_json");
    let server = ReplayServer::start([Canned::from_fixture(&fixture)]).await;
    let client = Client::builder(&server.url)
        .database("odoo18")
        .transport(Transport::JsonRpc)
        .build()
        .unwrap();
    let err = client.version().await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Status);
    assert_eq!(t.http_status(), Some(400));
    assert_eq!(t.body_excerpt(), Some("Invalid JSON data"));
    assert!(err.to_string().contains("HTTP 400"), "{err}");
}

#[tokio::test]
async fn unknown_database_keeps_the_server_exception() {
    // The SDK never calls common.login, but the error reply shape is the
    // same for every call: decode it through version().
    let fixture = Fixture::load("jsonrpc_common_login_unknown_db");
    let server = ReplayServer::start([Canned::from_fixture(&fixture)]).await;
    let client = Client::builder(&server.url)
        .database("nosuchdb")
        .build()
        .unwrap();
    let err = client.version().await.unwrap_err();
    let server_error = err.as_server().expect("a server error");
    assert_eq!(server_error.name(), "psycopg2.OperationalError");
    assert_eq!(server_error.kind(), ServerErrorKind::Other);
    assert!(server_error.message().contains("nosuchdb"));
}
