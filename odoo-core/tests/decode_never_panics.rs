//! Property tests: decoding whatever a server sends never panics, and the
//! value types round-trip.

use odoo_core::decode::{from_slice, from_value};
use odoo_core::{Binary, Command, Date, DateTime, Many2one, Map, field};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Row {
    id: i64,
    name: String,
    note: Option<String>,
    partner_id: Option<Many2one>,
    tag_ids: Vec<i64>,
    date_order: Option<DateTime>,
    validity_date: Option<Date>,
    amount_total: f64,
    image: Option<Binary>,
    lines: Option<Vec<Line>>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Line {
    name: Option<String>,
    qty: f64,
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("S00021"),
            Just("2026-11-24 23:11:29"),
            Just("2026-12-25"),
            Just("bm90IGFuIGltYWdl"),
        ]
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_owned()),
                    Just("name".to_owned()),
                    Just("note".to_owned()),
                    Just("partner_id".to_owned()),
                    Just("tag_ids".to_owned()),
                    Just("lines".to_owned()),
                    Just("qty".to_owned()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoding_arbitrary_json_never_panics(value in arb_json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        let fast = from_slice::<Vec<Row>>(&bytes, "sale.order");
        let slow = from_value::<Vec<Row>>(&value, "sale.order");
        // Both paths agree on success or failure.
        prop_assert_eq!(fast.is_ok(), slow.is_ok());
        let _ = from_value::<Row>(&value, "sale.order");
        let _ = from_value::<Many2one>(&value, "sale.order");
        let _ = from_value::<Option<DateTime>>(&value, "sale.order");
        let _ = from_value::<Map>(&value, "sale.order");
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = from_slice::<Vec<Row>>(&bytes, "sale.order");
        let _ = from_slice::<Value>(&bytes, "sale.order");
        let _ = from_slice::<Option<Many2one>>(&bytes, "sale.order");
    }

    #[test]
    fn errors_always_name_the_model(value in arb_json()) {
        if let Err(e) = from_value::<Vec<Row>>(&value, "sale.order") {
            prop_assert!(e.to_string().contains("sale.order"), "{}", e);
        }
    }

    #[test]
    fn many2one_round_trips(id in 1i64..i64::MAX, name in ".{0,20}") {
        let m: Many2one = from_value(&json!([id, name.clone()]), "x").unwrap();
        prop_assert_eq!(m.id, id);
        prop_assert_eq!(&m.name, &name);
        prop_assert_eq!(serde_json::to_value(&m).unwrap(), json!(id));
    }

    #[test]
    fn false_and_values_round_trip_through_option(v in prop::option::of(".{0,20}")) {
        let wire = match &v { Some(s) => json!(s), None => json!(false) };
        let back: Option<String> = from_value(&wire, "x").unwrap();
        prop_assert_eq!(back, v);
    }

    #[test]
    fn dates_round_trip(days in 0i64..80_000, secs in 0i64..86_400) {
        let date = Date(chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days));
        let text = serde_json::to_value(date).unwrap();
        prop_assert_eq!(from_value::<Date>(&text, "x").unwrap(), date);
        let dt = DateTime(chrono::DateTime::from_timestamp(days * 86_400 + secs, 0).unwrap());
        let text = serde_json::to_value(dt).unwrap();
        prop_assert_eq!(from_value::<DateTime>(&text, "x").unwrap(), dt);
    }

    #[test]
    fn binary_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let b = Binary(bytes);
        let text = serde_json::to_value(&b).unwrap();
        prop_assert_eq!(from_value::<Binary>(&text, "x").unwrap(), b);
    }

    #[test]
    fn commands_are_three_element_lists(id in 1i64..1_000_000, ids in prop::collection::vec(1i64..1000, 0..5)) {
        for c in [Command::link(id), Command::unlink(id), Command::delete(id), Command::clear(), Command::set(ids.clone()), Command::update(id, Map::new()), Command::create(Map::new())] {
            let v = serde_json::to_value(&c).unwrap();
            let arr = v.as_array().unwrap();
            prop_assert_eq!(arr.len(), 3);
            prop_assert!(arr[0].as_i64().unwrap() <= 6);
        }
    }

    #[test]
    fn domains_of_n_leaves_have_n_minus_one_operators(n in 1usize..12) {
        let mut d = field("f0").eq(0);
        for i in 1..n {
            d = d & field(format!("f{i}")).eq(i as i64);
        }
        let v = d.to_value();
        let list = v.as_array().unwrap();
        let ops = list.iter().filter(|t| t.is_string()).count();
        prop_assert_eq!(ops, n - 1);
        prop_assert_eq!(list.len(), 2 * n - 1);
    }
}
