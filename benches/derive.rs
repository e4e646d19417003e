//! `#[derive(Model)]` against the embedded server, each beside its baseline
//! in the same run:
//!
//! 1. a typed search of 1,000 sale.order rows through the derive, beside an
//!    untyped `search_read` of the same rows (into `serde_json::Value`, and
//!    into a plain serde struct);
//! 2. the order-listing loop (each order's customer, its lines, each line's
//!    product) written naively with `fetch`, beside a hand-batched client
//!    that collects the ids itself; the number of calls is printed.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use odoo::{Client, DateTime, Domain, Many2one, Model, New, Ref, Refs, Session, field};
use serde::Deserialize;
use serde_json::Value;

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
    name: String,
    product_uom_qty: f64,
    price_unit: f64,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    name: String,
    partner_id: Ref<ResPartner>,
    user_id: Option<Many2one>,
    order_line: Refs<SaleOrderLine>,
    state: String,
    date_order: DateTime,
    amount_total: f64,
    note: Option<String>,
    client_order_ref: Option<String>,
}

/// The same fields as a plain serde struct: the hand-written baseline.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct PlainOrder {
    id: i64,
    name: String,
    partner_id: Many2one,
    user_id: Option<Many2one>,
    order_line: Vec<i64>,
    state: String,
    date_order: DateTime,
    amount_total: f64,
    note: Option<String>,
    client_order_ref: Option<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct PlainLine {
    id: i64,
    product_id: Option<Many2one>,
    name: String,
    product_uom_qty: f64,
    price_unit: f64,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct PlainNamed {
    id: i64,
    name: Option<String>,
    display_name: Option<String>,
}

const BENCH_REF: &str = "bench-derive";

async fn seed(admin: &Session) -> Vec<i64> {
    let values: Vec<_> = (0..1000)
        .map(|i| {
            New::<SaleOrder>::new()
                .set(SaleOrder::PARTNER_ID, [10, 11, 12, 14, 15][i % 5])
                .set(SaleOrder::CLIENT_ORDER_REF, Some(BENCH_REF.to_owned()))
                .set(SaleOrder::NOTE, Some(format!("order {i}")))
                .into_values()
                .expect("values")
        })
        .collect();
    admin
        .create_many("sale.order", &values)
        .await
        .expect("seed 1,000 orders")
}

/// The natural loop: every order, its customer, its lines, each line's product.
async fn naive_loop(session: &Session, domain: Domain) -> usize {
    let mut n = 0;
    let orders = SaleOrder::search(session)
        .filter(domain)
        .all()
        .await
        .expect("orders");
    for order in &orders {
        let customer = order.fetch(SaleOrder::PARTNER_ID).await.expect("customer");
        n += customer.name.len();
        for line in order.fetch(SaleOrder::ORDER_LINE).await.expect("lines") {
            if let Some(product) = line
                .fetch(SaleOrderLine::PRODUCT_ID)
                .await
                .expect("product")
            {
                n += product.display_name.len();
            }
        }
    }
    n
}

fn unique(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

/// The same loop, batched by hand: collect ids, one read per model.
async fn hand_batched(session: &Session, domain: Domain) -> usize {
    let mut n = 0;
    let orders: Vec<PlainOrder> = session
        .search_read("sale.order", domain)
        .fields(SaleOrder::field_names())
        .await
        .expect("orders");
    let partners: Vec<PlainNamed> = session
        .read(
            "res.partner",
            unique(orders.iter().map(|o| o.partner_id.id)),
        )
        .fields(ResPartner::field_names())
        .await
        .expect("partners");
    let lines: Vec<PlainLine> = session
        .read(
            "sale.order.line",
            unique(orders.iter().flat_map(|o| o.order_line.iter().copied())),
        )
        .fields(SaleOrderLine::field_names())
        .await
        .expect("lines");
    let products: Vec<PlainNamed> = session
        .read(
            "product.product",
            unique(
                lines
                    .iter()
                    .filter_map(|l| l.product_id.as_ref().map(|p| p.id)),
            ),
        )
        .fields(ProductProduct::field_names())
        .await
        .expect("products");
    let partner = |id: i64| partners.iter().find(|p| p.id == id);
    let product = |id: i64| products.iter().find(|p| p.id == id);
    for order in &orders {
        n += partner(order.partner_id.id)
            .and_then(|p| p.name.as_ref())
            .map_or(0, String::len);
        for line in lines.iter().filter(|l| order.order_line.contains(&l.id)) {
            if let Some(p) = line.product_id.as_ref().and_then(|p| product(p.id)) {
                n += p.display_name.as_ref().map_or(0, String::len);
            }
        }
    }
    n
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(odoo_mock::MockServer::start()).expect("mock");
    let client = Client::builder(server.url())
        .database(server.database())
        .build()
        .expect("client");
    let admin = rt.block_on(client.login("admin", "admin")).expect("login");
    let seeded = rt.block_on(seed(&admin));
    assert_eq!(seeded.len(), 1000);
    let bench_domain = || SaleOrder::CLIENT_ORDER_REF.eq(BENCH_REF.to_owned());
    let fields = SaleOrder::field_names();

    // 1. Typed search through the derive vs untyped search_read.
    let derive = || async {
        let rows = SaleOrder::search(&admin)
            .filter(bench_domain())
            .all()
            .await
            .expect("derive");
        black_box(rows.len())
    };
    let untyped = || async {
        let rows: Vec<Value> = admin
            .search_read("sale.order", bench_domain())
            .fields(fields.clone())
            .await
            .expect("untyped");
        black_box(rows.len())
    };
    let plain = || async {
        let rows: Vec<PlainOrder> = admin
            .search_read("sale.order", bench_domain())
            .fields(fields.clone())
            .await
            .expect("plain");
        black_box(rows.len())
    };
    assert_eq!(rt.block_on(derive()), 1000);
    assert_eq!(rt.block_on(untyped()), 1000);
    let mut group = c.benchmark_group("search_1000_sale_orders_via_mock");
    group.sample_size(20);
    group.bench_function("untyped_search_read_value", |b| {
        b.to_async(&rt).iter(untyped)
    });
    group.bench_function("plain_serde_struct_search_read", |b| {
        b.to_async(&rt).iter(plain)
    });
    group.bench_function("derive_model_search_all", |b| b.to_async(&rt).iter(derive));
    group.finish();

    // 2. The order-listing loop: calls and time.
    let demo = || !field("client_order_ref").eq(BENCH_REF);
    server.clear_calls();
    let naive_n = rt.block_on(naive_loop(&admin, demo()));
    let naive_calls = server.calls().len();
    server.clear_calls();
    let batched_n = rt.block_on(hand_batched(&admin, demo()));
    let batched_calls = server.calls().len();
    assert_eq!(naive_n, batched_n, "both loops see the same data");
    let orders = rt
        .block_on(SaleOrder::search(&admin).filter(demo()).all())
        .expect("orders");
    let lines: usize = orders.iter().map(|o| o.order_line.len()).sum();
    println!(
        "order-listing loop over {} orders and {lines} lines: derive + fetch {naive_calls} calls \
         (1 search + {} relation reads), hand-batched {batched_calls} calls",
        orders.len(),
        naive_calls - 1
    );
    assert!(
        naive_calls - 1 <= 3,
        "at most 3 relation calls, got {}",
        naive_calls - 1
    );

    let mut group = c.benchmark_group("order_listing_loop_via_mock");
    group.sample_size(30);
    group.bench_function("hand_batched", |b| {
        b.to_async(&rt).iter(|| hand_batched(&admin, demo()))
    });
    group.bench_function("derive_fetch_loop", |b| {
        b.to_async(&rt).iter(|| naive_loop(&admin, demo()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
