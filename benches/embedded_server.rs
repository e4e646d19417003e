//! The embedded server with a whole schema (377 models on Odoo 18):
//!
//! 1. parsing a version's embedded dataset (schema, demo data, `ir.model`
//!    rows), which happens once per process;
//! 2. starting a server (a copy of the parsed records, a bound port) and
//!    shutting it down, which every test does;
//! 3. a domain search over 20,000 generated partners, in the ORM and over
//!    `/jsonrpc`, beside the ~7 ms of a real Odoo round trip.
//!
//! Before the timings it prints the resident memory of the first server
//! (the parsed dataset included) and what each further server adds (the
//! mean over 20 kept alive at once), and how long creating the 20,000
//! partners took. Results in
//! BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use odoo_mock::{Database, MockServer};
use serde_json::{Map, Value, json};

const PARTNERS: usize = 20_000;

/// Resident set size of this process, from /proc (Linux only).
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn memory_per_server(rt: &tokio::runtime::Runtime) {
    // The parse happens once, before the measurement of each server.
    let empty = rss_bytes();
    drop(rt.block_on(MockServer::start()).expect("start"));
    if let (Some(empty), Some(parsed)) = (empty, rss_bytes()) {
        println!(
            "resident memory of the first server, the parsed dataset included: {:.1} MB",
            parsed.saturating_sub(empty) as f64 / 1e6
        );
    }
    let before = rss_bytes();
    let servers: Vec<MockServer> = (0..20)
        .map(|_| rt.block_on(MockServer::start()).expect("start"))
        .collect();
    if let (Some(before), Some(after)) = (before, rss_bytes()) {
        println!(
            "resident memory per started Odoo 18 server: {:.1} MB (20 servers: {:.1} MB)",
            after.saturating_sub(before) as f64 / 20.0 / 1e6,
            after.saturating_sub(before) as f64 / 1e6
        );
    }
    drop(servers);
}

fn partners(db: &Database) {
    let args: Vec<Value> = vec![Value::Array(
        (0..PARTNERS)
            .map(|i| {
                let city = ["Brussels", "Lyon", "Berlin", "Porto"][i % 4];
                json!({
                    "name": format!("Generated partner {i:05}"),
                    "email": format!("p{i}@example.com"),
                    "city": city,
                    "customer_rank": (i % 7) as i64,
                    "is_company": i % 3 == 0,
                })
            })
            .collect(),
    )];
    db.execute_kw(2, "res.partner", "create", args, Map::new())
        .expect("create partners");
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    memory_per_server(&rt);

    let mut g = c.benchmark_group("embedded_server");
    g.sample_size(20);
    g.bench_function("parse Odoo 18 dataset (once per process)", |b| {
        // The dataset lives as long as the process: its drop is not timed.
        b.iter_with_large_drop(|| odoo_mock::data::parse_embedded(18).expect("parse"))
    });
    g.bench_function("start and stop a server", |b| {
        b.iter(|| {
            rt.block_on(async {
                let server = MockServer::start().await.expect("start");
                server.shutdown().await;
            })
        })
    });
    g.finish();

    let db = Database::new("odoo18", vec![]);
    let started = std::time::Instant::now();
    partners(&db);
    println!(
        "creating {PARTNERS} partners in one create call took {:?}",
        started.elapsed()
    );
    let domain = json!([
        ["is_company", "=", true],
        ["city", "in", ["Lyon", "Porto"]],
        ["customer_rank", ">", 2],
        ["name", "ilike", "partner 1"]
    ]);
    let count = db
        .execute_kw(
            2,
            "res.partner",
            "search_count",
            vec![domain.clone()],
            Map::new(),
        )
        .expect("count");
    println!("the search below matches {count} of the 20,000+ partners");
    let mut g = c.benchmark_group("search_20000");
    g.sample_size(20);
    g.bench_function("search (ORM, default order)", |b| {
        b.iter(|| {
            black_box(
                db.execute_kw(2, "res.partner", "search", vec![domain.clone()], Map::new())
                    .expect("search"),
            )
        })
    });
    g.bench_function("search_count (ORM, no order)", |b| {
        b.iter(|| {
            black_box(
                db.execute_kw(
                    2,
                    "res.partner",
                    "search_count",
                    vec![domain.clone()],
                    Map::new(),
                )
                .expect("search_count"),
            )
        })
    });
    let limited: Map<String, Value> = json!({"fields": ["name", "email", "city"], "limit": 80})
        .as_object()
        .cloned()
        .unwrap_or_default();
    g.bench_function("search_read limit 80 (ORM)", |b| {
        b.iter(|| {
            black_box(
                db.execute_kw(
                    2,
                    "res.partner",
                    "search_read",
                    vec![domain.clone()],
                    limited.clone(),
                )
                .expect("search_read"),
            )
        })
    });

    let server = rt.block_on(MockServer::start()).expect("start");
    partners(server.database_handle());
    let http = reqwest::Client::new();
    let url = format!("{}/jsonrpc", server.url());
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "call", "params": {
        "service": "object", "method": "execute_kw",
        "args": [server.database(), 2, "admin", "res.partner", "search_read",
                 [domain], {"fields": ["name", "email", "city"], "limit": 80}]}});
    g.bench_function("search_read limit 80 over /jsonrpc", |b| {
        b.iter(|| {
            rt.block_on(async {
                let reply: Value = http
                    .post(&url)
                    .json(&body)
                    .send()
                    .await
                    .expect("sent")
                    .json()
                    .await
                    .expect("json");
                black_box(reply)
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
