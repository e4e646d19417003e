//! Generation from schema files: snapshots of the generated code, the
//! same bytes for the same input, the whole real schema, the schema file
//! read and written back unchanged, and the errors.
#![allow(clippy::unwrap_used)]
use std::path::{Path, PathBuf};
use std::time::Instant;

use odoo_codegen::{Error, Options, OutputFile, Relations, Schema, generate};

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn fixture(name: &str) -> Schema {
    Schema::from_path(fixture_path(name)).expect("fixture schema loads")
}

fn file<'a>(files: &'a [OutputFile], name: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} was generated"))
        .content
}

fn odoo18() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| fixture("odoo18_schema.json"))
}

// --- snapshots -------------------------------------------------------------

/// res.partner, sale.order and sale.order.line of the real Odoo 18 schema,
/// generated together: relations between them are typed, others plain ids.
#[test]
fn snapshot_sales_models() {
    let files = generate(
        odoo18(),
        &Options::new().with_models(["res.partner", "sale.order", "sale.order.line"]),
    )
    .unwrap();
    assert_eq!(files.len(), 4);
    insta::assert_snapshot!("res_partner", file(&files, "res_partner.rs"));
    insta::assert_snapshot!("sale_order", file(&files, "sale_order.rs"));
    insta::assert_snapshot!("sale_order_line", file(&files, "sale_order_line.rs"));
    insta::assert_snapshot!("sales_mod", file(&files, "mod.rs"));
}

/// A model with many selections (account.account: account_type, ...).
#[test]
fn snapshot_selections() {
    let files = generate(odoo18(), &Options::new().with_models(["account.account"])).unwrap();
    insta::assert_snapshot!("account_account", file(&files, "account_account.rs"));
}

/// Keyword-named fields, names that collide after case conversion, an
/// enum whose name is a model's, odd selection keys.
#[test]
fn snapshot_keywords_and_clashes() {
    let files = generate(
        &fixture("custom.json"),
        &Options::new().with_models(["x_keyword.test", "x_keyword.test.state"]),
    )
    .unwrap();
    insta::assert_snapshot!("x_keyword_test", file(&files, "x_keyword_test.rs"));
}

/// A custom x_ model with every field type (json, reference,
/// many2one_reference, properties, an unknown type), relations typed
/// through the closure.
#[test]
fn snapshot_custom_x_model() {
    let files = generate(
        &fixture("custom.json"),
        &Options::new()
            .with_models(["x_library.book"])
            .with_relations(Relations::Closure),
    )
    .unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "res_currency.rs",
            "res_partner.rs",
            "x_library_book.rs",
            "x_library_shelf.rs",
            "mod.rs"
        ]
    );
    insta::assert_snapshot!("x_library_book", file(&files, "x_library_book.rs"));
    insta::assert_snapshot!("x_library_shelf", file(&files, "x_library_shelf.rs"));
}

// --- options ---------------------------------------------------------------

#[test]
fn relations_outside_the_set_are_plain_ids() {
    let files = generate(odoo18(), &Options::new().with_models(["sale.order"])).unwrap();
    let order = file(&files, "sale_order.rs");
    assert!(order.contains("pub partner_id: ::odoo::Many2one,"));
    assert!(order.contains("pub order_line: Vec<i64>,"));
    assert_eq!(files.len(), 2);
}

#[test]
fn closure_types_every_relation() {
    let files = generate(
        odoo18(),
        &Options::new()
            .with_models(["sale.order"])
            .with_relations(Relations::Closure),
    )
    .unwrap();
    let order = file(&files, "sale_order.rs");
    assert!(order.contains("pub partner_id: ::odoo::Ref<super::ResPartner>,"));
    assert!(order.contains("pub order_line: ::odoo::Refs<super::SaleOrderLine>,"));
    assert!(files.iter().any(|f| f.name == "res_partner.rs"));
    assert!(
        !order.contains("::odoo::Many2one"),
        "every target is generated"
    );
}

#[test]
fn field_filters() {
    let all = generate(odoo18(), &Options::new().with_models(["res.partner"])).unwrap();
    let filtered = generate(
        odoo18(),
        &Options::new()
            .with_models(["res.partner"])
            .with_skip_binary(true)
            .with_skip_non_stored(true)
            .with_skip_computed(true),
    )
    .unwrap();
    let (all, filtered) = (
        file(&all, "res_partner.rs"),
        file(&filtered, "res_partner.rs"),
    );
    assert!(all.contains("pub image_1920: Option<::odoo::Binary>,"));
    assert!(!filtered.contains("::odoo::Binary"));
    // display_name is computed and not stored.
    assert!(all.contains("pub display_name: Option<String>,"));
    assert!(!filtered.contains("display_name"));
    // A related field (stored or not).
    assert!(all.contains("pub country_code: Option<String>,"));
    assert!(!filtered.contains("country_code"));
    assert!(filtered.contains("pub name: Option<String>,"));

    let only = generate(
        odoo18(),
        &Options::new()
            .with_models(["res.partner"])
            .with_fields("res.partner", ["name", "email"]),
    )
    .unwrap();
    assert_eq!(file(&only, "res_partner.rs").matches("    pub ").count(), 2);
}

#[test]
fn extra_derives_visibility_and_crate_path() {
    let files = generate(
        odoo18(),
        &Options::new()
            .with_models(["res.country"])
            .with_extra_derives(["PartialEq", "serde::Serialize"])
            .with_visibility("pub(crate)")
            .with_crate_path("::my_odoo"),
    )
    .unwrap();
    let country = file(&files, "res_country.rs");
    assert!(
        country.contains("#[derive(Debug, Clone, ::my_odoo::Model, PartialEq, serde::Serialize)]")
    );
    assert!(country.contains("#[odoo(crate = \"::my_odoo::__private\")]"));
    assert!(country.contains("pub(crate) struct ResCountry {"));
    assert!(country.contains("pub(crate) name: String,"));
}

// --- determinism -----------------------------------------------------------

#[test]
fn same_input_same_bytes_even_shuffled() {
    let schema = fixture("custom.json");
    let first = generate(&schema, &Options::new()).unwrap();
    let second = generate(&schema, &Options::new()).unwrap();
    assert_eq!(first, second);

    let mut shuffled = schema.clone();
    shuffled.models.reverse();
    for model in &mut shuffled.models {
        model.fields.reverse();
        let n = model.fields.len().min(1);
        model.fields.rotate_left(n);
    }
    let third = generate(&shuffled, &Options::new()).unwrap();
    assert_eq!(first, third, "the order of the schema does not matter");
}

// --- the whole real schema -------------------------------------------------

/// All 377 models and 6,707 fields of a real Odoo 18 generate (the
/// `odoo-codegen-full-schema` crate compiles them); generating twice gives
/// the same bytes.
#[test]
fn full_schema_generates_deterministically() {
    let schema = odoo18();
    assert_eq!(schema.models.len(), 377);
    assert_eq!(schema.field_count(), 6707);
    let started = Instant::now();
    let first = generate(schema, &Options::new()).unwrap();
    let elapsed = started.elapsed();
    println!("generated {} files in {elapsed:?}", first.len());
    assert_eq!(first.len(), 378);
    let second = generate(schema, &Options::new()).unwrap();
    assert!(first == second, "two runs give the same bytes");
}

// --- the schema file -------------------------------------------------------

/// The real schema.json loads as it is and is written back byte for byte.
#[test]
fn schema_file_round_trips_byte_for_byte() {
    let text = std::fs::read_to_string(fixture_path("odoo18_schema.json")).unwrap();
    let schema = Schema::from_json(&text).unwrap();
    assert_eq!(schema.server_version, "18.0");
    let written = schema.to_json();
    if written != text {
        let out = std::env::temp_dir().join("odoo18_schema.rewritten.json");
        std::fs::write(&out, &written).unwrap();
        panic!(
            "written back with changes: diff {} against the fixture",
            out.display()
        );
    }
    let custom = std::fs::read_to_string(fixture_path("custom.json")).unwrap();
    assert!(Schema::from_json(&custom).unwrap().to_json() == custom);
}

#[test]
fn unknown_keys_are_kept_and_text_stays_utf8() {
    let text = r#"{"models": [{"model": "x_a", "name": "Caf\u00e9", "x_new_key": [1], "fields": []}], "exported_at": "now"}"#;
    let schema = Schema::from_json(text).unwrap();
    assert_eq!(schema.models[0].name, "Café");
    let json = schema.to_json();
    assert!(json.contains("\"Café\""));
    assert!(json.contains("\"x_new_key\""));
    assert!(json.contains("\"exported_at\": \"now\""));
    assert_eq!(Schema::from_json(&json).unwrap(), schema);
}

// --- errors ----------------------------------------------------------------

#[test]
fn unknown_model_names_the_closest() {
    let err = generate(
        odoo18(),
        &Options::new().with_models(["sale.ordr", "res.partner"]),
    )
    .unwrap_err();
    assert!(matches!(err, Error::UnknownModels { .. }));
    let text = err.to_string();
    assert!(text.contains("unknown model `sale.ordr`"), "{text}");
    assert!(text.contains("did you mean `sale.order`"), "{text}");
    assert!(text.contains("odoo-codegen dump"), "{text}");
}

#[test]
fn unknown_field_in_a_filter() {
    let err = generate(
        odoo18(),
        &Options::new()
            .with_models(["res.partner"])
            .with_fields("res.partner", ["name", "emial"]),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("res.partner has no field emial"),
        "{err}"
    );
}

#[test]
fn malformed_schema_files_say_where_and_what_to_do() {
    let err = Schema::from_json("{\"models\": [{\"model\": 3}]}").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("line 1"), "{text}");
    assert!(text.contains("models[0].model"), "{text}");
    assert!(text.contains("odoo-codegen dump"), "{text}");

    let err = Schema::from_json("{\"models\": [").unwrap_err();
    assert!(matches!(err, Error::ParseSchema { .. }), "{err}");

    let err = Schema::from_path("/nonexistent/schema.json").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("cannot read the schema file /nonexistent/schema.json"),
        "{text}"
    );
    assert!(text.contains("odoo-codegen dump"), "{text}");
}

#[test]
fn bad_options_are_errors() {
    let schema = fixture("custom.json");
    let err = generate(&schema, &Options::new().with_visibility("public")).unwrap_err();
    assert!(err.to_string().contains("visibility"), "{err}");
    let err = generate(&schema, &Options::new().with_extra_derives(["Partial Eq"])).unwrap_err();
    assert!(err.to_string().contains("extra derive"), "{err}");
}

/// The Builder writes model files and an include file, and rewrites
/// nothing when run again on the same schema.
#[test]
fn builder_writes_only_what_changed() {
    let dir = std::env::temp_dir().join(format!("odoo-codegen-builder-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let include = odoo_codegen::Builder::new()
        .schema(fixture_path("custom.json"))
        .out_dir(&dir)
        .compile()
        .unwrap();
    assert_eq!(include, dir.join("odoo_models.rs"));
    let text = std::fs::read_to_string(&include).unwrap();
    assert!(
        text.contains("mod x_library_book {\n    include!(\"odoo_models/x_library_book.rs\");\n}")
    );
    let book = dir.join("odoo_models/x_library_book.rs");
    let before = std::fs::metadata(&book).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    odoo_codegen::Builder::new()
        .schema(fixture_path("custom.json"))
        .out_dir(&dir)
        .compile()
        .unwrap();
    assert_eq!(
        std::fs::metadata(&book).unwrap().modified().unwrap(),
        before
    );

    let err = odoo_codegen::Builder::new()
        .out_dir(&dir)
        .compile()
        .unwrap_err();
    assert!(err.to_string().contains("no schema file"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn monetary_as_decimal_on_request() {
    let options = Options::new()
        .with_models(["sale.order"])
        .with_fields("sale.order", ["amount_total", "name"]);
    let plain = generate(odoo18(), &options).unwrap();
    assert!(file(&plain, "sale_order.rs").contains("pub amount_total: f64,"));
    let exact = generate(odoo18(), &options.with_decimal_monetary(true)).unwrap();
    let text = file(&exact, "sale_order.rs");
    assert!(
        text.contains("pub amount_total: ::odoo::Decimal,"),
        "{text}"
    );
}
