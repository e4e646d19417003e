//! `introspect` against the embedded server: a fixed handful of calls, and
//! a Schema equal to the one the server was built from.
#![allow(clippy::unwrap_used)]
use odoo_codegen::{Error, ModelSelection, Schema, introspect};

async fn admin(server: &odoo_mock::MockServer) -> odoo_core::Session {
    odoo_core::Client::builder(server.url())
        .database(server.database())
        .build()
        .unwrap()
        .login("admin", "admin")
        .await
        .unwrap()
}

/// The server's own schema file (in the project tree, gzip-compressed).
fn mock_schema() -> Schema {
    use std::io::Read as _;
    let gz = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../odoo-mock/data/odoo18/schema.json.gz"
    ))
    .expect("odoo-mock's schema file");
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut text)
        .expect("gzip");
    Schema::from_json(&text).expect("odoo-mock's schema loads")
}

#[tokio::test]
async fn introspecting_the_mock_gives_its_own_schema() {
    let server = odoo_mock::MockServer::start().await.unwrap();
    let session = admin(&server).await;
    server.clear_calls();
    let schema = introspect(&session, &ModelSelection::All).await.unwrap();

    let expected = mock_schema();
    assert_eq!(schema.models.len(), expected.models.len());
    for (got, want) in schema.models.iter().zip(&expected.models) {
        assert_eq!(got, want, "model {}", want.model);
    }
    assert_eq!(schema.models, expected.models);
    assert_eq!(schema.server_version, expected.server_version);
    assert_eq!(schema.database, server.database());

    // A fixed handful of calls for 377 models and their 6,707 fields.
    let calls = server.calls();
    let methods: Vec<String> = calls
        .iter()
        .map(|c| format!("{}.{}", c.model, c.method))
        .collect();
    assert!(calls.len() <= 6, "{methods:?}");
}

#[tokio::test]
async fn introspecting_some_models_reads_only_those() {
    let server = odoo_mock::MockServer::start().await.unwrap();
    let session = admin(&server).await;
    server.clear_calls();
    let schema = introspect(
        &session,
        &ModelSelection::only(["sale.order", "res.partner"]),
    )
    .await
    .unwrap();
    let names: Vec<&str> = schema.models.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(names, ["res.partner", "sale.order"]);
    let expected = mock_schema();
    assert_eq!(&schema.models[1], expected.model("sale.order").unwrap());
    let state = schema.models[1].field("state").unwrap();
    let keys: Vec<&str> = state
        .selection
        .iter()
        .flatten()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(keys, ["draft", "sent", "sale", "cancel"]);
    assert!(server.calls().len() <= 6);

    // It generates, and the mock's schema read back is the same bytes.
    let files = odoo_codegen::generate(&schema, &odoo_codegen::Options::new()).unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(Schema::from_json(&schema.to_json()).unwrap(), schema);
}

#[tokio::test]
async fn unknown_models_are_named_with_a_suggestion() {
    let server = odoo_mock::MockServer::start().await.unwrap();
    let session = admin(&server).await;
    let err = introspect(&session, &ModelSelection::only(["sale.ordr"]))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::UnknownModels {
            from_server: true,
            ..
        }
    ));
    let text = err.to_string();
    assert!(
        text.contains("unknown model `sale.ordr` (did you mean `sale.order`?)"),
        "{text}"
    );
    assert!(text.contains("installed"), "{text}");
}

#[tokio::test]
async fn a_user_without_access_is_told_to_use_an_administrator() {
    let server = odoo_mock::MockServer::start().await.unwrap();
    let bob = odoo_core::Client::builder(server.url())
        .database(server.database())
        .build()
        .unwrap()
        .login("bob", "bob")
        .await
        .unwrap();
    match introspect(&bob, &ModelSelection::All).await {
        // The mock lets any user read ir.model (as Odoo does for
        // ir.model); a server that refuses says what to do.
        Ok(schema) => assert!(!schema.models.is_empty()),
        Err(err) => assert!(err.to_string().contains("administrator"), "{err}"),
    }
}

/// A reference field keeps its choices of model: `ir.model.fields.selection`
/// holds them for reference fields as for selection fields (the 18 schema
/// file has them on 8 fields, such as `ir.ui.menu.action`).
#[tokio::test]
async fn a_reference_field_keeps_its_selection() {
    use serde_json::json;
    let server = odoo_mock::MockServer::start().await.unwrap();
    let session = admin(&server).await;
    // A custom reference field on sale.order, made as Odoo makes one: an
    // `ir.model.fields` record and its selection values.
    let model_id = session
        .search("ir.model", odoo_core::field("model").eq("sale.order"))
        .await
        .unwrap()[0];
    let field_id = session
        .create(
            "ir.model.fields",
            &json!({
                "model_id": model_id,
                "model": "sale.order",
                "name": "x_source_document",
                "field_description": "Source Document",
                "ttype": "reference",
                "state": "manual",
            }),
        )
        .await
        .unwrap();
    for (sequence, (value, name)) in [
        ("account.move", "Journal Entry"),
        ("sale.order", "Sales Order"),
    ]
    .into_iter()
    .enumerate()
    {
        session
            .create(
                "ir.model.fields.selection",
                &json!({"field_id": field_id, "value": value, "name": name, "sequence": sequence}),
            )
            .await
            .unwrap();
    }
    let schema = introspect(
        &session,
        &ModelSelection::Only(["sale.order".to_owned()].into()),
    )
    .await
    .unwrap();
    let field = schema.models[0]
        .fields
        .iter()
        .find(|f| f.name == "x_source_document")
        .expect("the custom field is dumped");
    let values: Vec<(&str, &str)> = field
        .selection
        .as_ref()
        .expect("a reference field's selection is kept")
        .iter()
        .map(|v| (v.value.as_str(), v.name.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("account.move", "Journal Entry"),
            ("sale.order", "Sales Order")
        ]
    );
}

/// The path a developer takes with their own Odoo: dump its whole schema
/// once (custom fields included), then run their tests against the
/// embedded server over that file (`MockServerBuilder::schema`).
#[tokio::test]
async fn a_dumped_schema_serves_the_embedded_server() {
    use serde_json::json;
    // "Their server": one with a custom field on res.partner.
    let theirs = odoo_mock::MockServer::start().await.unwrap();
    let session = admin(&theirs).await;
    let model_id = session
        .search("ir.model", odoo_core::field("model").eq("res.partner"))
        .await
        .unwrap()[0];
    session
        .create(
            "ir.model.fields",
            &json!({
                "model_id": model_id, "model": "res.partner", "name": "x_fleet_size",
                "field_description": "Fleet size", "ttype": "integer", "state": "manual",
            }),
        )
        .await
        .unwrap();
    let schema = introspect(&session, &ModelSelection::All).await.unwrap();
    let path = std::env::temp_dir().join(format!(
        "odoo-codegen-dumped-schema-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, schema.to_json()).unwrap();

    // Their tests: the embedded server over the dumped file.
    let server = odoo_mock::MockServer::builder().schema(&path).start().await;
    let _ = std::fs::remove_file(&path);
    let server = server.unwrap();
    assert_eq!(server.odoo_version(), 18);
    let session = admin(&server).await;
    let id = session
        .create(
            "res.partner",
            &json!({"name": "Fleet Co", "x_fleet_size": 12}),
        )
        .await
        .unwrap();
    let rows: Vec<serde_json::Value> = session
        .search_read("res.partner", odoo_core::field("x_fleet_size").gt(10))
        .fields(["name", "x_fleet_size"])
        .await
        .unwrap();
    assert_eq!(
        rows,
        [json!({"id": id, "name": "Fleet Co", "x_fleet_size": 12})]
    );
    // Every model of the dump is served, the custom field included.
    let again = introspect(&session, &ModelSelection::All).await.unwrap();
    assert_eq!(again.models.len(), schema.models.len());
    let partner = again.model("res.partner").unwrap();
    assert_eq!(
        partner.field("x_fleet_size").map(|f| f.ttype.as_str()),
        Some("integer")
    );
}
