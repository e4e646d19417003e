//! What learning the readable fields costs (issue: generated models that
//! work for every user), against the embedded server, in one run:
//!
//! 1. alice's typed `SaleOrder::search(..).all()` once the readable fields
//!    are known (the cached path every query after the first takes), beside
//!    a hand-written `search_read` of the same fields into a plain serde
//!    struct (what the typed query cost before it filtered anything) and
//!    into `serde_json::Value`;
//! 2. the first query of a fresh login (one `fields_get` + the read), beside
//!    the same query on a warm session;
//! 3. the calls counted on the server: 100 queries of two models by one
//!    user cost 2 `fields_get`, not 100.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use odoo::{Client, DateTime, Many2one, Model, Ref, Refs, Session};
use serde::Deserialize;
use serde_json::Value;

/// The same fields as a plain serde struct: a typed `search_read` with no
/// field filtering, which is what the typed query cost before.
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
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "res.partner")]
struct ResPartner {
    name: String,
    email: Option<String>,
    credit_limit: Option<f64>,
}

#[derive(Debug, Clone, Model)]
#[odoo(model = "sale.order")]
struct SaleOrder {
    name: String,
    partner_id: Ref<ResPartner>,
    user_id: Option<Many2one>,
    order_line: Refs<ResPartner>,
    state: String,
    date_order: DateTime,
    amount_total: f64,
    note: Option<String>,
    #[odoo(readonly)]
    purchase_order_count: Option<i64>,
}

async fn typed(session: &Session) -> usize {
    let rows = SaleOrder::search(session).all().await.expect("typed");
    black_box(rows.len())
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(odoo_mock::MockServer::start()).expect("mock");
    let client = Client::builder(server.url())
        .database(server.database())
        .build()
        .expect("client");
    let alice = rt.block_on(client.login("alice", "alice")).expect("login");

    // The fields alice's typed query sends once it knows what she may read.
    let readable = rt
        .block_on(alice.readable_fields("sale.order"))
        .expect("fields_get");
    let fields: Vec<&str> = SaleOrder::field_names()
        .into_iter()
        .filter(|f| readable.contains(f))
        .collect();
    let untyped = || async {
        let rows: Vec<Value> = alice
            .search_read("sale.order", odoo::Domain::all())
            .fields(fields.clone())
            .await
            .expect("untyped");
        black_box(rows.len())
    };
    let plain = || async {
        let rows: Vec<PlainOrder> = alice
            .search_read("sale.order", odoo::Domain::all())
            .fields(fields.clone())
            .await
            .expect("plain");
        black_box(rows.len())
    };
    assert_eq!(rt.block_on(typed(&alice)), rt.block_on(untyped()));
    assert_eq!(rt.block_on(plain()), rt.block_on(untyped()));

    // 3. Calls: 100 queries over two models, one fields_get per model.
    let fresh = rt.block_on(client.login("bob", "bob")).expect("login");
    server.clear_calls();
    for _ in 0..50 {
        rt.block_on(typed(&fresh));
        rt.block_on(ResPartner::search(&fresh).limit(5).all())
            .expect("partners");
    }
    let calls = server.calls();
    let fields_gets = calls.iter().filter(|c| c.method == "fields_get").count();
    println!(
        "100 typed queries (sale.order, res.partner) by one user: {} calls, of which {fields_gets} fields_get",
        calls.len()
    );
    assert_eq!(fields_gets, 2, "one fields_get per user and model");

    let mut group = c.benchmark_group("readable_fields_alice_sale_orders_via_mock");
    group.sample_size(50);
    group.bench_function("hand_written_search_read_same_fields", |b| {
        b.to_async(&rt).iter(untyped)
    });
    group.bench_function("plain_serde_struct_search_read_same_fields", |b| {
        b.to_async(&rt).iter(plain)
    });
    group.bench_function("typed_search_warm_cache", |b| {
        b.to_async(&rt).iter(|| typed(&alice))
    });
    group.bench_function("typed_search_first_query_of_a_login", |b| {
        // Each iteration logs in (not timed), then times its first query.
        b.to_async(&rt).iter_custom(|iters| {
            let client = client.clone();
            async move {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let session = client.login("alice", "alice").await.expect("login");
                    let start = std::time::Instant::now();
                    typed(&session).await;
                    total += start.elapsed();
                }
                total
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
