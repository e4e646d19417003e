//! Decoding a `search_read` reply of res.partner rows: the SDK's typed decode
//! (envelope + rows, with Odoo's `false`-is-`None` rules) beside serde_json
//! parsing the same bytes into a `serde_json::Value`, in the same run.
//!
//! The rows are the demo database's 43 partners (odoo-mock/data/odoo18/demo),
//! repeated with new ids to 1,000 and 10,000 rows, with the fields a typical
//! integration reads.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use odoo::{DateTime, Many2one};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Partner {
    id: i64,
    name: String,
    display_name: String,
    email: Option<String>,
    phone: Option<String>,
    street: Option<String>,
    city: Option<String>,
    zip: Option<String>,
    country_id: Option<Many2one>,
    parent_id: Option<Many2one>,
    user_id: Option<Many2one>,
    is_company: bool,
    active: bool,
    child_ids: Vec<i64>,
    category_id: Vec<i64>,
    lang: Option<String>,
    tz: Option<String>,
    vat: Option<String>,
    website: Option<String>,
    function: Option<String>,
    comment: Option<String>,
    credit_limit: f64,
    write_date: DateTime,
}

const FIELDS: [&str; 22] = [
    "name",
    "display_name",
    "email",
    "phone",
    "street",
    "city",
    "zip",
    "country_id",
    "parent_id",
    "user_id",
    "is_company",
    "active",
    "child_ids",
    "category_id",
    "lang",
    "tz",
    "vat",
    "website",
    "function",
    "comment",
    "credit_limit",
    "write_date",
];

/// A `/jsonrpc` reply body with `n` partner rows.
fn reply(n: usize) -> Vec<u8> {
    let demo: Vec<Value> = serde_json::from_str(include_str!(
        "../odoo-mock/data/odoo18/demo/res.partner.json"
    ))
    .expect("demo partners");
    let rows: Vec<Value> = (0..n)
        .map(|i| {
            let src = &demo[i % demo.len()];
            let mut row = serde_json::Map::new();
            row.insert("id".into(), json!(i + 1));
            for f in FIELDS {
                let v = match f {
                    "display_name" => src.get("complete_name").cloned().unwrap_or(json!(false)),
                    _ => src.get(f).cloned().unwrap_or(json!(false)),
                };
                row.insert(f.into(), v);
            }
            Value::Object(row)
        })
        .collect();
    serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 1, "result": rows})).expect("json")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_search_read_res_partner");
    for n in [1_000usize, 10_000] {
        let body = reply(n);
        // Check once that both decode what they should.
        let typed: Vec<Partner> =
            odoo::__private::decode_jsonrpc_reply(bytes::Bytes::from(body.clone()), "res.partner")
                .expect("typed decode");
        assert_eq!(typed.len(), n);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new("serde_json_value", n), &body, |b, body| {
            b.iter(|| serde_json::from_slice::<Value>(body).expect("value"))
        });
        let shared = bytes::Bytes::from(body);
        group.bench_with_input(BenchmarkId::new("odoo_typed", n), &shared, |b, body| {
            b.iter(|| {
                odoo::__private::decode_jsonrpc_reply::<Vec<Partner>>(body.clone(), "res.partner")
                    .expect("typed")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
