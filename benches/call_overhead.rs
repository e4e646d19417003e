//! Call overhead: the same `search_read` against the embedded server through
//! the SDK and through a hand-written reqwest + serde_json request, in the
//! same run. The SDK's cost on top of the HTTP round trip is the ratio.
//!
//! The SDK is measured three ways: with its defaults (the retry policy and
//! the adaptive in-flight limit of the request layer), with retrying off
//! (`RetryPolicy::none()`), and with a client-side rate limit too high to
//! ever wait (what the token bucket itself costs). Nothing fails here, so
//! the differences are the layer's own cost per call.

use criterion::{Criterion, criterion_group, criterion_main};
use odoo::{Client, Many2one, RetryPolicy, field};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Partner {
    id: i64,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    country_id: Option<Many2one>,
    is_company: bool,
    child_ids: Vec<i64>,
}

const FIELDS: [&str; 6] = [
    "name",
    "email",
    "phone",
    "country_id",
    "is_company",
    "child_ids",
];

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(odoo_mock::MockServer::start()).expect("mock");
    let url = server.url().to_owned();
    let client = Client::builder(&url)
        .database("odoo18")
        .build()
        .expect("client");
    // The same credentials and the same payload on both sides: no context.
    let session = client.session_for_uid(2, "admin", "admin");
    let no_retries = Client::builder(&url)
        .database("odoo18")
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
        .session_for_uid(2, "admin", "admin");
    let rate_limited = Client::builder(&url)
        .database("odoo18")
        .rate_limit(1_000_000, 1_000_000)
        .build()
        .expect("client")
        .session_for_uid(2, "admin", "admin");
    let http = reqwest::Client::new();
    let endpoint = format!("{url}/jsonrpc");

    let read = |session: &odoo::Session| {
        let session = session.clone();
        async move {
            let rows: Vec<Partner> = session
                .search_read("res.partner", field("active").eq(true))
                .fields(FIELDS)
                .await
                .expect("sdk call");
            rows
        }
    };
    let sdk = || read(&session);
    let raw = || async {
        let body = json!({
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": "object", "method": "execute_kw", "args": [
                "odoo18", 2, "admin", "res.partner", "search_read",
                [[["active", "=", true]]], {"fields": FIELDS}
            ]}
        });
        let reply: Value = http
            .post(&endpoint)
            .json(&body)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let rows: Vec<Value> = serde_json::from_value(reply["result"].clone()).expect("rows");
        rows
    };
    assert_eq!(rt.block_on(sdk()).len(), rt.block_on(raw()).len());

    let mut group = c.benchmark_group("search_read_res_partner_via_mock");
    group.bench_function("hand_written_reqwest", |b| b.to_async(&rt).iter(raw));
    group.bench_function("odoo_sdk", |b| b.to_async(&rt).iter(sdk));
    group.bench_function("odoo_sdk_retry_none", |b| {
        b.to_async(&rt).iter(|| read(&no_retries))
    });
    group.bench_function("odoo_sdk_rate_limit_never_waits", |b| {
        b.to_async(&rt).iter(|| read(&rate_limited))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
