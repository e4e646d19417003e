//! The order listing: every order, its customer, its lines and each line's
//! product, on the embedded server with 2,000 generated orders of 5 lines
//! (10,000 lines), in one run:
//!
//! 1. `Query::with` (one `web_search_read` with a nested specification);
//! 2. the same request written by hand with reqwest, decoded into
//!    `serde_json::Value`;
//! 3. today's `fetch` loop (one call per relation level);
//! 4. a plain typed `search_read` of the orders alone.
//!
//! Then the decoding alone, from the same reply bytes: the SDK's typed
//! nested decode (rows and prefetch sets) beside `serde_json::Value`.
//!
//! The calls each way costs are counted on the server and printed first.
//! Results in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use odoo::{Client, Follow, Many2one, Model, Record, Ref, Refs, Session, Transport};
use serde_json::{Value, json};

#[derive(Debug, Clone, Model)]
#[odoo(model = "res.partner")]
struct ResPartner {
    name: String,
    email: Option<String>,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "product.product")]
struct ProductProduct {
    #[odoo(readonly)]
    display_name: String,
    default_code: Option<String>,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order.line")]
struct SaleOrderLine {
    product_id: Option<Ref<ProductProduct>>,
    product_uom_qty: f64,
    #[odoo(readonly)]
    price_subtotal: f64,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    name: String,
    partner_id: Ref<ResPartner>,
    user_id: Option<Many2one>,
    order_line: Refs<SaleOrderLine>,
    state: String,
    #[odoo(readonly)]
    amount_total: f64,
}

const ORDERS: usize = 2_000;
const LINES_PER_ORDER: usize = 5;

/// Add `ORDERS` orders of `LINES_PER_ORDER` lines each, 100 per call.
async fn generate(admin: &Session) {
    let partners = admin
        .search("res.partner", odoo::field("is_company").eq(true))
        .await
        .expect("partners");
    let products = admin
        .search("product.product", odoo::field("sale_ok").eq(true))
        .await
        .expect("products");
    let products = if products.is_empty() {
        admin
            .search("product.product", odoo::Domain::all())
            .await
            .expect("products")
    } else {
        products
    };
    for chunk in 0..ORDERS / 100 {
        let orders: Vec<Value> = (0..100)
            .map(|i| {
                let n = chunk * 100 + i;
                let lines: Vec<Value> = (0..LINES_PER_ORDER)
                    .map(|l| {
                        json!([0, 0, {
                            "product_id": products[(n + l) % products.len()],
                            "product_uom_qty": (l + 1) as f64,
                        }])
                    })
                    .collect();
                json!({
                    "partner_id": partners[n % partners.len()],
                    "client_order_ref": format!("bench-{n}"),
                    "order_line": lines,
                })
            })
            .collect();
        admin
            .create_many("sale.order", &orders)
            .await
            .expect("create orders");
    }
}

fn graph_query(session: &Session) -> odoo::Query<SaleOrder> {
    SaleOrder::search(session)
        .with(SaleOrder::PARTNER_ID)
        .with(SaleOrder::ORDER_LINE.with(SaleOrderLine::PRODUCT_ID))
}

/// Follow every relation of the listing: customer, lines, each line's
/// product; how many lines.
async fn walk(orders: &[Record<SaleOrder>]) -> usize {
    let mut lines = 0;
    for order in orders {
        black_box(order.fetch(SaleOrder::PARTNER_ID).await.expect("partner"));
        for line in order.fetch(SaleOrder::ORDER_LINE).await.expect("lines") {
            black_box(
                line.fetch(SaleOrderLine::PRODUCT_ID)
                    .await
                    .expect("product"),
            );
            lines += 1;
        }
    }
    lines
}

async fn with(session: &Session) -> usize {
    walk(&graph_query(session).all().await.expect("with")).await
}

async fn fetch_loop(session: &Session) -> usize {
    walk(&SaleOrder::search(session).all().await.expect("orders")).await
}

async fn orders_alone(session: &Session) -> usize {
    SaleOrder::search(session)
        .all()
        .await
        .expect("orders")
        .len()
}

/// The `web_search_read` body the SDK sent, sent again by hand.
async fn by_hand(http: &reqwest::Client, url: &str, body: &Value) -> usize {
    let reply = http
        .post(url)
        .json(body)
        .send()
        .await
        .expect("send")
        .bytes()
        .await
        .expect("body");
    let value: Value = serde_json::from_slice(&reply).expect("json");
    value["result"]["records"]
        .as_array()
        .map_or(0, |r| black_box(r.len()))
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(odoo_mock::MockServer::start()).expect("mock");
    let client = Client::builder(server.url())
        .database(server.database())
        .transport(Transport::JsonRpc)
        .build()
        .expect("client");
    let admin = rt.block_on(client.login("admin", "admin")).expect("login");
    rt.block_on(generate(&admin));
    // Warm: what admin may read, once per model.
    let lines = rt.block_on(fetch_loop(&admin));
    assert_eq!(rt.block_on(with(&admin)), lines, "same graph both ways");

    // The calls each way costs, counted on the server.
    for (name, calls) in [
        ("with", {
            server.clear_calls();
            rt.block_on(with(&admin));
            server.calls()
        }),
        ("fetch loop", {
            server.clear_calls();
            rt.block_on(fetch_loop(&admin));
            server.calls()
        }),
    ] {
        let methods: Vec<String> = calls
            .iter()
            .map(|c| format!("{}.{}", c.model, c.method))
            .collect();
        eprintln!("{name}: {} call(s): {methods:?}", calls.len());
    }

    // The exact request `with` sent, for the hand-written client.
    server.clear_calls();
    rt.block_on(graph_query(&admin).all()).expect("with");
    let call = server.calls().pop().expect("one call");
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "service": "object", "method": "execute_kw",
        "args": [server.database(), admin.uid(), "admin", "sale.order", "web_search_read", call.args, call.kwargs],
    }});
    let url = format!("{}/jsonrpc", server.url());
    let http = reqwest::Client::new();
    let reply = rt.block_on(async {
        http.post(&url)
            .json(&body)
            .send()
            .await
            .expect("send")
            .bytes()
            .await
            .expect("body")
    });
    eprintln!(
        "{ORDERS} orders, {lines} lines: the reply is {} bytes",
        reply.len()
    );

    let mut group = c.benchmark_group("object_graph");
    group.sample_size(10);
    group.bench_function("with", |b| b.to_async(&rt).iter(|| with(&admin)));
    group.bench_function("hand_written_reqwest", |b| {
        b.to_async(&rt).iter(|| by_hand(&http, &url, &body))
    });
    group.bench_function("fetch_loop", |b| {
        b.to_async(&rt).iter(|| fetch_loop(&admin))
    });
    group.bench_function("search_read_orders_alone", |b| {
        b.to_async(&rt).iter(|| orders_alone(&admin))
    });
    group.finish();

    let mut group = c.benchmark_group("object_graph_decode");
    group.throughput(Throughput::Bytes(reply.len() as u64));
    group.bench_with_input(BenchmarkId::new("typed_nested", ""), &reply, |b, r| {
        b.iter(|| {
            let relations = vec![
                SaleOrder::PARTNER_ID.into_nested(),
                SaleOrder::ORDER_LINE
                    .with(SaleOrderLine::PRODUCT_ID)
                    .into_nested(),
            ];
            odoo::__private::decode_graph::<SaleOrder>(r.clone(), relations).expect("decode")
        })
    });
    group.bench_with_input(BenchmarkId::new("serde_json_value", ""), &reply, |b, r| {
        b.iter(|| {
            let v: Value = serde_json::from_slice(r).expect("json");
            black_box(v)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
