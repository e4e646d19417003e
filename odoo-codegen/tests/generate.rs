//! Generation from schema files: snapshots of the generated code, the
//! same bytes for the same input, the whole real schema, the schema file
//! read and written back unchanged, and the errors.
#![allow(clippy::unwrap_used)]
use std::path::{Path, PathBuf};
use std::time::Instant;

use odoo_codegen::schema::FieldGroups;
use odoo_codegen::{BinaryAs, Error, Options, OutputFile, Relations, Schema, generate};

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
    SCHEMA.get_or_init(|| fixture("odoo18/schema.json"))
}

/// The real schema of Odoo `version` (16 to 19), as dumped.
fn real_schema(version: u32) -> &'static Schema {
    static SCHEMAS: [std::sync::OnceLock<Schema>; 4] = [const { std::sync::OnceLock::new() }; 4];
    if version == 18 {
        return odoo18();
    }
    SCHEMAS[(version - 16) as usize].get_or_init(|| fixture(&format!("odoo{version}/schema.json")))
}

/// The same, with its field-groups file merged.
fn restricted_schema(version: u32) -> &'static Schema {
    static SCHEMAS: [std::sync::OnceLock<Schema>; 4] = [const { std::sync::OnceLock::new() }; 4];
    SCHEMAS[(version - 16) as usize].get_or_init(|| {
        let mut schema = real_schema(version).clone();
        let groups =
            FieldGroups::from_path(fixture_path(&format!("odoo{version}/field_groups.json")))
                .unwrap();
        let merged = schema.merge_field_groups(&groups).unwrap();
        assert_eq!(
            merged,
            groups.field_count(),
            "every listed field is in the schema"
        );
        schema
    })
}

/// The line declaring `field` in the generated file of `model`.
fn field_line(schema: &Schema, options: Options, model: &str, field: &str) -> String {
    let files = generate(schema, &options.with_models([model])).unwrap();
    let name = format!("{}.rs", model.replace('.', "_"));
    let text = file(&files, &name);
    let ident = if field == "type" { "r#type" } else { field };
    text.lines()
        .find(|l| l.trim_start().starts_with(&format!("pub {ident}: ")))
        .unwrap_or_else(|| panic!("{model}.{field} in {name}"))
        .trim()
        .to_owned()
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

// --- binary fields: files or JSON -------------------------------------------

/// Non-stored computed binaries that carry JSON are `odoo::Json`; images
/// and files (stored, named so, or related to one) stay `odoo::Binary`,
/// on every version.
#[test]
fn binaries_that_carry_json_are_json() {
    let json = [
        ("sale.order", "tax_totals"),
        ("purchase.order", "tax_totals"),
        ("account.move", "tax_totals"),
        ("account.move", "invoice_outstanding_credits_debits_widget"),
        ("account.move", "invoice_payments_widget"),
        ("account.move", "needed_terms"),
        ("account.move.line", "epd_key"),
        ("ir.actions.act_window", "views"),
        ("ir.actions.client", "params"),
        ("account.tax.repartition.line", "tag_ids_domain"),
        // Related to account.move.tax_totals: follows it.
        ("account.bank.statement.line", "tax_totals"),
    ];
    let files = [
        ("res.partner", "avatar_128"),
        ("res.partner", "image_1920"),
        ("product.product", "image_128"),
        ("ir.attachment", "datas"),
        ("ir.attachment", "raw"),
        ("ir.attachment", "db_datas"),
        // Related to res.partner.avatar_128 and image_1920.
        ("res.users", "avatar_128"),
        ("res.company", "logo"),
        // Related to ir.attachment.datas.
        ("snailmail.letter", "attachment_datas"),
    ];
    for version in [16, 17, 18, 19] {
        let schema = real_schema(version);
        for (model, field) in json {
            let line = field_line(schema, Options::new(), model, field);
            assert_eq!(
                line,
                format!("pub {field}: Option<::odoo::Json>,"),
                "odoo{version}"
            );
        }
        for (model, field) in files {
            let line = field_line(schema, Options::new(), model, field);
            assert_eq!(
                line,
                format!("pub {field}: Option<::odoo::Binary>,"),
                "odoo{version}"
            );
        }
    }
    for version in [18, 19] {
        let line = field_line(
            real_schema(version),
            Options::new(),
            "account.fiscal.position",
            "tax_map",
        );
        assert_eq!(line, "pub tax_map: Option<::odoo::Json>,");
        // Related to a stored binary of account.move.
        let line = field_line(
            real_schema(version),
            Options::new(),
            "account.bank.statement.line",
            "invoice_pdf_report_file",
        );
        assert_eq!(line, "pub invoice_pdf_report_file: Option<::odoo::Binary>,");
    }
    // Related to res.company.sale_header, a stored file.
    let line = field_line(
        real_schema(17),
        Options::new(),
        "res.config.settings",
        "sale_header",
    );
    assert_eq!(line, "pub sale_header: Option<::odoo::Binary>,");
}

/// The doc line says why a binary is JSON.
#[test]
fn json_binaries_say_why() {
    let files = generate(
        odoo18(),
        &Options::new()
            .with_models(["account.bank.statement.line"])
            .with_fields("account.bank.statement.line", ["tax_totals"]),
    )
    .unwrap();
    let text = file(&files, "account_bank_statement_line.rs");
    assert!(
        text.contains("carries JSON as `account.move.tax_totals` does: read as `odoo::Json`"),
        "{text}"
    );
    let files = generate(
        odoo18(),
        &Options::new()
            .with_models(["sale.order"])
            .with_fields("sale.order", ["tax_totals"]),
    )
    .unwrap();
    let text = file(&files, "sale_order.rs");
    assert!(
        text.contains("not stored; carries JSON, not a file: read as `odoo::Json`"),
        "{text}"
    );
}

/// `with_binary_as` overrides the rule, and related fields follow.
#[test]
fn binary_as_overrides_the_rule() {
    let options = Options::new()
        .with_binary_as("account.move", "tax_totals", BinaryAs::Binary)
        .with_binary_as("res.partner", "avatar_128", BinaryAs::Json);
    let line = field_line(odoo18(), options.clone(), "account.move", "tax_totals");
    assert_eq!(line, "pub tax_totals: Option<::odoo::Binary>,");
    let line = field_line(
        odoo18(),
        options.clone(),
        "account.bank.statement.line",
        "tax_totals",
    );
    assert_eq!(line, "pub tax_totals: Option<::odoo::Binary>,");
    let line = field_line(odoo18(), options.clone(), "res.partner", "avatar_128");
    assert_eq!(line, "pub avatar_128: Option<::odoo::Json>,");
    let line = field_line(odoo18(), options, "res.users", "avatar_128");
    assert_eq!(line, "pub avatar_128: Option<::odoo::Json>,");
}

#[test]
fn binary_as_on_a_wrong_field_is_an_error() {
    let err = generate(
        odoo18(),
        &Options::new().with_binary_as("sale.order", "tax_total", BinaryAs::Json),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("sale.order has no field tax_total"), "{text}");
    assert!(text.contains("did you mean tax_totals?"), "{text}");
    let err = generate(
        odoo18(),
        &Options::new().with_binary_as("sale.order", "name", BinaryAs::Json),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("sale.order.name, a char field; it chooses between Binary and Json for binary fields only"),
        "{err}"
    );
    let err = generate(
        odoo18(),
        &Options::new().with_binary_as("sale.ordr", "tax_totals", BinaryAs::Json),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("did you mean sale.order?"),
        "{err}"
    );
}

// --- fields restricted to groups -------------------------------------------

/// Every restricted field becomes an `Option` (required ones and plain
/// numbers included) whose doc names the groups.
#[test]
fn restricted_fields_are_options_naming_their_groups() {
    for version in [16, 17, 18, 19] {
        let schema = restricted_schema(version);
        let line = field_line(schema, Options::new(), "res.partner", "credit_limit");
        assert_eq!(line, "pub credit_limit: Option<f64>,", "odoo{version}");
        let line = field_line(schema, Options::new(), "mail.guest", "access_token");
        assert_eq!(line, "pub access_token: Option<String>,", "odoo{version}");
        // Unrestricted fields keep their type.
        let line = field_line(schema, Options::new(), "res.partner", "name");
        assert_eq!(line, "pub name: Option<String>,", "odoo{version}");
        let line = field_line(schema, Options::new(), "mail.guest", "name");
        assert_eq!(line, "pub name: String,", "odoo{version}");
    }
    let line = field_line(
        restricted_schema(19),
        Options::new(),
        "res.users",
        "outgoing_mail_server_type",
    );
    assert_eq!(
        line,
        "pub outgoing_mail_server_type: Option<ResUsersOutgoingMailServerType>,"
    );
    let line = field_line(
        restricted_schema(18),
        Options::new(),
        "product.document",
        "attached_on_sale",
    );
    assert_eq!(
        line,
        "pub attached_on_sale: Option<ProductDocumentAttachedOnSale>,"
    );
    let line = field_line(
        restricted_schema(19),
        Options::new(),
        "sale.order",
        "transaction_ids",
    );
    assert_eq!(line, "pub transaction_ids: Option<Vec<i64>>,");

    let files = generate(
        restricted_schema(18),
        &Options::new()
            .with_models(["res.partner", "mail.guest"])
            .with_fields("res.partner", ["credit_limit", "signup_type", "name"])
            .with_fields("mail.guest", ["access_token"]),
    )
    .unwrap();
    let partner = file(&files, "res_partner.rs");
    assert!(partner.contains(
        "/// Readable only by members of `account.group_account_invoice` or `account.group_account_readonly`; for other users it reads as `None`."
    ), "{partner}");
    assert!(partner.contains("/// Readable only by members of `base.group_erp_manager`;"));
    let guest = file(&files, "mail_guest.rs");
    assert!(guest.contains(
        "Required in Odoo, yet an `Option` here, so that the struct works for users who may not read it."
    ), "{guest}");
}

/// Groups given by id (custom fields in `ir.model.fields`) and negated
/// ones (`!group`: everyone outside it) read as such.
#[test]
fn group_ids_and_negated_groups() {
    let schema = Schema::from_json(
        r#"{"models": [{"model": "x_a", "name": "A", "fields": [
            {"model": "x_a", "name": "x_ids", "field_description": "Ids", "ttype": "integer",
             "store": true, "groups": [7, 9]},
            {"model": "x_a", "name": "x_neg", "field_description": "Neg", "ttype": "boolean",
             "store": true, "groups": ["base.group_user", "!base.group_portal"]},
            {"model": "x_a", "name": "x_open", "field_description": "Open", "ttype": "boolean",
             "store": true, "groups": []}
        ]}]}"#,
    )
    .unwrap();
    let files = generate(&schema, &Options::new()).unwrap();
    let text = file(&files, "x_a.rs");
    assert!(text.contains("pub x_ids: Option<i64>,"), "{text}");
    assert!(
        text.contains("Readable only by members of `#7` or `#9`;"),
        "{text}"
    );
    assert!(text.contains("pub x_neg: Option<bool>,"), "{text}");
    assert!(
        text.contains(
            "Readable only by members of `base.group_user`, or users outside `base.group_portal`;"
        ),
        "{text}"
    );
    assert!(text.contains("pub x_open: bool,"), "{text}");
}

/// A field no user may read (`groups="."`) says so.
#[test]
fn fields_nobody_may_read_say_so() {
    let files = generate(
        restricted_schema(18),
        &Options::new()
            .with_models(["res.users"])
            .with_fields("res.users", ["totp_secret"]),
    )
    .unwrap();
    let text = file(&files, "res_users.rs");
    assert!(
        text.contains("Readable by no user through the API"),
        "{text}"
    );
    assert!(text.contains("pub totp_secret: Option<String>,"), "{text}");
}

/// The restricted snapshot: a model with a required restricted field.
#[test]
fn snapshot_restricted_model() {
    let files = generate(
        restricted_schema(18),
        &Options::new().with_models(["mail.guest"]),
    )
    .unwrap();
    insta::assert_snapshot!("mail_guest_restricted", file(&files, "mail_guest.rs"));
}

#[test]
fn field_groups_errors_name_file_model_and_field() {
    let mut schema = odoo18().clone();
    let groups = FieldGroups::from_json(
        r#"{"fields": {"res.partner": {"credit_limt": "account.group_account_invoice"}}}"#,
    )
    .unwrap();
    let err = schema.merge_field_groups(&groups).unwrap_err();
    assert!(matches!(err, Error::FieldGroupsMismatch { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("restricts res.partner.credit_limt"), "{text}");
    assert!(text.contains("did you mean credit_limit?"), "{text}");
    assert!(text.contains("same database"), "{text}");

    // Models the schema lacks are skipped: a schema of a few models takes
    // the whole database's file.
    let groups =
        FieldGroups::from_json(r#"{"fields": {"x_absent": {"a": "base.group_user"}}}"#).unwrap();
    assert_eq!(schema.merge_field_groups(&groups).unwrap(), 0);

    let err = FieldGroups::from_json(r#"{"fields": {"res.partner": {"credit": 3}}}"#).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::ParseFieldGroups { .. }), "{text}");
    assert!(text.contains("fields.res.partner.credit"), "{text}");
    assert!(text.contains("line 1"), "{text}");

    let err =
        FieldGroups::from_json(r#"{"fields": {"res.partner": {"credit": " , "}}}"#).unwrap_err();
    assert!(
        err.to_string().contains("res.partner.credit has no groups"),
        "{err}"
    );

    let err = FieldGroups::from_path("/nonexistent/field_groups.json").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("cannot read the field-groups file /nonexistent/field_groups.json"),
        "{text}"
    );
    assert!(text.contains("odoo-bin shell"), "{text}");
}

/// Field groups survive the schema file: merged once (`dump
/// --field-groups`), written, read back the same.
#[test]
fn merged_groups_round_trip_through_the_schema_file() {
    let schema = restricted_schema(19);
    let back = Schema::from_json(&schema.to_json()).unwrap();
    let field = back
        .model("res.users")
        .unwrap()
        .field("outgoing_mail_server_type")
        .unwrap();
    assert_eq!(field.group_names(), ["base.group_user"]);
    assert!(field.is_restricted());
    assert!(
        !back
            .model("res.users")
            .unwrap()
            .field("login")
            .unwrap()
            .is_restricted()
    );
}

// --- doc text --------------------------------------------------------------

/// Help texts with bare URLs become autolinks (rustdoc rejects bare URLs;
/// the full-schema crate runs rustdoc -D warnings on every model).
#[test]
fn help_urls_become_autolinks() {
    let files = generate(
        odoo18(),
        &Options::new()
            .with_models(["res.partner"])
            .with_fields("res.partner", ["peppol_eas"]),
    )
    .unwrap();
    let text = file(&files, "res_partner.rs");
    assert!(text.contains("<https://"), "{text}");
    assert!(!text.contains(" https://"), "{text}");
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

/// Every model of the real Odoo 16, 17, 18 and 19 schemas generates, with
/// their field groups merged (the `odoo-codegen-full-schema` crate
/// compiles them, and runs clippy and rustdoc on them); generating twice
/// gives the same bytes.
#[test]
fn full_schemas_generate_deterministically() {
    for (version, models, fields) in [
        (16, 351, 6405),
        (17, 353, 6360),
        (18, 377, 6707),
        (19, 377, 7112),
    ] {
        let schema = restricted_schema(version);
        assert_eq!(schema.models.len(), models);
        assert_eq!(schema.field_count(), fields);
        let started = Instant::now();
        let first = generate(schema, &Options::new()).unwrap();
        let elapsed = started.elapsed();
        println!(
            "odoo{version}: generated {} files in {elapsed:?}",
            first.len()
        );
        assert_eq!(first.len(), models + 1);
        let second = generate(schema, &Options::new()).unwrap();
        assert!(first == second, "two runs give the same bytes");
    }
}

// --- the schema file -------------------------------------------------------

/// The real schema.json of each version loads as it is and is written
/// back byte for byte (the 19 dump has no final newline; ours does).
#[test]
fn schema_file_round_trips_byte_for_byte() {
    for version in [16, 17, 18, 19] {
        let text =
            std::fs::read_to_string(fixture_path(&format!("odoo{version}/schema.json"))).unwrap();
        let schema = Schema::from_json(&text).unwrap();
        assert!(schema.server_version.starts_with(&format!("{version}.0")));
        let written = schema.to_json();
        if written.trim_end_matches('\n') != text.trim_end_matches('\n') {
            let out = std::env::temp_dir().join(format!("odoo{version}_schema.rewritten.json"));
            std::fs::write(&out, &written).unwrap();
            panic!(
                "written back with changes: diff {} against the fixture",
                out.display()
            );
        }
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
