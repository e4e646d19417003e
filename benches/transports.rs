//! The transports side by side, in one run:
//!
//! 1. Decoding the same logical reply (Odoo 18's `ir.model.fields`
//!    `search_read` of 2,000 rows, as the real server sent it over XML-RPC and
//!    over JSON-RPC) in MB/s: the XML-RPC codec alone, and the whole SDK
//!    decode into a typed struct for each protocol.
//! 2. The per-call cost of each transport against the embedded server: the
//!    same `search_read` through a session on JSON-RPC, XML-RPC, the web
//!    session and JSON-2.
#![allow(clippy::unwrap_used)] // a benchmark that cannot set up should stop loudly

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use odoo::{Client, Domain, Transport, field};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct FieldRow {
    id: i64,
    name: String,
    model: String,
    ttype: String,
    relation: Option<String>,
    required: bool,
}

const XML: &[u8] =
    include_bytes!("../tests/fixtures/wire/xmlrpc_big_search_read_ir_model_fields.response.xml");
const JSON: &[u8] =
    include_bytes!("../tests/fixtures/wire/jsonrpc_big_search_read_ir_model_fields.response.json");

fn decoding(c: &mut Criterion) {
    let rows: Vec<FieldRow> = odoo::__private::decode_xmlrpc_reply(XML, "ir.model.fields").unwrap();
    let json_rows: Vec<FieldRow> =
        odoo::__private::decode_jsonrpc_reply(bytes::Bytes::from_static(JSON), "ir.model.fields")
            .unwrap();
    assert_eq!(rows.len(), json_rows.len());

    let mut group = c.benchmark_group("decode_ir_model_fields_2000_rows");
    group.throughput(Throughput::Bytes(XML.len() as u64));
    group.bench_function(BenchmarkId::new("xmlrpc_codec_only", XML.len()), |b| {
        b.iter(|| odoo::xmlrpc::decode_response(XML).unwrap())
    });
    group.bench_function(BenchmarkId::new("xmlrpc_typed", XML.len()), |b| {
        b.iter(|| {
            odoo::__private::decode_xmlrpc_reply::<Vec<FieldRow>>(XML, "ir.model.fields").unwrap()
        })
    });
    group.throughput(Throughput::Bytes(JSON.len() as u64));
    group.bench_function(BenchmarkId::new("jsonrpc_typed", JSON.len()), |b| {
        b.iter(|| {
            odoo::__private::decode_jsonrpc_reply::<Vec<FieldRow>>(
                bytes::Bytes::from_static(JSON),
                "ir.model.fields",
            )
            .unwrap()
        })
    });
    group.finish();
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Partner {
    id: i64,
    name: String,
    email: Option<String>,
    country_id: Option<odoo::Many2one>,
}

fn per_call(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock = rt
        .block_on(
            odoo_mock::MockServer::builder()
                .odoo_version(19)
                .api_key("admin", "bench-key")
                .start(),
        )
        .unwrap();
    let mut group = c.benchmark_group("search_read_res_partner_per_transport");
    for transport in [
        Transport::JsonRpc,
        Transport::XmlRpc,
        Transport::WebSession,
        Transport::Json2,
    ] {
        let client = Client::builder(mock.url())
            .database(mock.database())
            .transport(transport)
            .build()
            .unwrap();
        let session = rt
            .block_on(async {
                if transport == Transport::Json2 {
                    client.login_api_key("admin", "bench-key").await
                } else {
                    client.login("admin", "admin").await
                }
            })
            .unwrap();
        let call = || async {
            let rows: Vec<Partner> = session
                .search_read("res.partner", field("active").eq(true) & !Domain::none())
                .fields(["name", "email", "country_id"])
                .await
                .unwrap();
            rows
        };
        assert!(!rt.block_on(call()).is_empty());
        group.bench_function(transport.name(), |b| b.to_async(&rt).iter(call));
    }
    group.finish();
}

criterion_group!(benches, decoding, per_call);
criterion_main!(benches);
