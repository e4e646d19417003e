//! The embedded server over a user's own schema file and records
//! (`MockServerBuilder::schema` / `data`, `--schema` / `--data`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use odoo_mock::data::{self, DataError};
use odoo_mock::{DataSource, Database, MockServer, load_source};
use serde_json::{Map, Value, json};

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "odoo-mock-user-data-{tag}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    fn write(&self, name: &str, value: &Value) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("dir");
        }
        std::fs::write(&path, serde_json::to_string_pretty(value).expect("json")).expect("write");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn field(name: &str, ttype: &str, extra: Value) -> Value {
    let mut f = json!({
        "name": name, "ttype": ttype, "field_description": name,
        "required": false, "readonly": false, "store": true, "modules": "studio_customization",
    });
    if let (Some(f), Some(extra)) = (f.as_object_mut(), extra.as_object()) {
        f.extend(extra.clone());
    }
    f
}

/// A schema file as `odoo-codegen dump` writes it from a user's Odoo 18:
/// every embedded model, plus a custom model and a custom partner field.
fn user_schema(version: u32) -> Value {
    let data = data::dataset(version).expect("embedded dataset");
    // Each field's whole entry, as ir.model.fields holds it (and its
    // selection, which ir.model.fields.selection holds).
    let rows = &data.store.tables["ir.model.fields"].records;
    let mut models: Vec<Value> = data
        .schema
        .models
        .values()
        .map(|m| {
            let mut raw = m.raw.clone();
            let mut fields: Vec<Value> = rows
                .values()
                .filter(|r| r.get("model").and_then(Value::as_str) == Some(m.model.as_str()))
                .map(|r| {
                    let mut f = r.clone();
                    f.remove("id");
                    f.remove("model_id");
                    let name = f.get("name").and_then(Value::as_str).unwrap_or_default();
                    if let Some(meta) = m.field(name).filter(|meta| !meta.selection.is_empty()) {
                        let selection: Vec<Value> = meta
                            .selection
                            .iter()
                            .map(|(value, name)| json!({"value": value, "name": name}))
                            .collect();
                        f.insert("selection".into(), Value::Array(selection));
                    }
                    Value::Object(f)
                })
                .collect();
            if m.model == "res.partner" {
                fields.push(field(
                    "x_loyalty_level",
                    "selection",
                    json!({"selection": [
                        {"value": "bronze", "name": "Bronze"},
                        {"value": "gold", "name": "Gold"}]}),
                ));
            }
            raw.insert("fields".into(), Value::Array(fields));
            Value::Object(raw)
        })
        .collect();
    models.push(json!({
        "model": "x_fleet.vehicle", "name": "Vehicle", "transient": false,
        "modules": "studio_customization", "order": "x_plate, id",
        "fields": [
            field("id", "integer", json!({"readonly": true})),
            field("x_name", "char", json!({"required": true})),
            field("x_plate", "char", json!({})),
            field("x_seats", "integer", json!({})),
            field("x_driver_id", "many2one", json!({"relation": "res.partner"})),
            field("x_tag_ids", "many2many", json!({"relation": "crm.tag"})),
            field("x_active", "boolean", json!({})),
            field("display_name", "char", json!({"store": false, "compute": "_compute_display_name"})),
        ],
    }));
    let mut header: Map<String, Value> = data.header.clone();
    header.insert("models".into(), Value::Array(models));
    Value::Object(header)
}

fn user_records() -> Value {
    json!([
        {"id": 1, "x_name": "Van", "x_plate": "1-ABC-123", "x_seats": 3,
         "x_driver_id": [10, "Deco Addict"], "x_tag_ids": [1, 2], "x_active": true},
        {"id": 2, "x_name": "Truck", "x_plate": "2-XYZ-999", "x_seats": 2,
         "x_driver_id": false, "x_tag_ids": [], "x_active": true},
        {"id": 5, "x_name": "Car", "x_plate": "0-AAA-001", "x_seats": 5,
         "x_driver_id": 14, "x_tag_ids": [3], "x_active": false}
    ])
}

fn call(db: &Database, uid: i64, model: &str, method: &str, args: Value, kwargs: Value) -> Value {
    db.execute_kw(
        uid,
        model,
        method,
        args.as_array().cloned().unwrap_or_default(),
        kwargs.as_object().cloned().unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{model}.{method}: {e:?}"))
}

fn source(schema: &Path, data: &Path) -> DataSource {
    DataSource {
        version: None,
        schema: Some(schema.to_path_buf()),
        data: Some(data.to_path_buf()),
    }
}

#[test]
fn a_users_schema_and_records_are_served() {
    let scratch = Scratch::new("served");
    let schema = scratch.write("odoo_schema.json", &user_schema(18));
    scratch.write("data/x_fleet.vehicle.json", &user_records());
    let data = load_source(&source(&schema, &scratch.0.join("data"))).expect("loads");
    assert_eq!(data.version, 18);
    let db = Database::from_dataset(&data, "mine", vec![]);

    // The custom model: records in its default order (x_plate, id), many2one
    // pairs (a bare id gets the partner's name), x2many ids.
    let rows = call(
        &db,
        2,
        "x_fleet.vehicle",
        "search_read",
        json!([[]]),
        json!({"fields": ["x_name", "x_plate", "x_driver_id", "x_tag_ids"]}),
    );
    assert_eq!(
        rows,
        json!([
            {"id": 5, "x_name": "Car", "x_plate": "0-AAA-001",
             "x_driver_id": [14, "The Jackson Group"], "x_tag_ids": [3]},
            {"id": 1, "x_name": "Van", "x_plate": "1-ABC-123",
             "x_driver_id": [10, "Deco Addict"], "x_tag_ids": [1, 2]},
            {"id": 2, "x_name": "Truck", "x_plate": "2-XYZ-999",
             "x_driver_id": false, "x_tag_ids": []}
        ])
    );
    // Domains over custom fields and through their relations.
    let found = call(
        &db,
        2,
        "x_fleet.vehicle",
        "search",
        json!([[
            ["x_seats", ">=", 3],
            ["x_driver_id.name", "ilike", "jackson"]
        ]]),
        json!({}),
    );
    assert_eq!(found, json!([5]));
    // Create takes the next id, write and read back; the embedded models are still there.
    let id = call(
        &db,
        2,
        "x_fleet.vehicle",
        "create",
        json!([{"x_name": "Bus", "x_seats": 40, "x_driver_id": 10}]),
        json!({}),
    );
    assert_eq!(id, json!(6));
    call(
        &db,
        2,
        "res.partner",
        "write",
        json!([[10], {"x_loyalty_level": "gold"}]),
        json!({}),
    );
    let partner = call(
        &db,
        2,
        "res.partner",
        "read",
        json!([[10, 14], ["x_loyalty_level"]]),
        json!({}),
    );
    assert_eq!(
        partner,
        json!([{"id": 10, "x_loyalty_level": "gold"}, {"id": 14, "x_loyalty_level": false}])
    );
    // The custom model is in ir.model and its fields in fields_get.
    let model = call(
        &db,
        2,
        "ir.model",
        "search_read",
        json!([[["model", "=", "x_fleet.vehicle"]]]),
        json!({"fields": ["name"]}),
    );
    assert_eq!(model[0]["name"], json!("Vehicle"));
    let fields = call(
        &db,
        2,
        "x_fleet.vehicle",
        "fields_get",
        json!([["x_driver_id"]]),
        json!({"attributes": ["type", "relation"]}),
    );
    assert_eq!(
        fields,
        json!({"x_driver_id": {"type": "many2one", "relation": "res.partner"}})
    );
    // Users and their passwords are the version's demo ones.
    assert_eq!(db.authenticate("alice", "alice"), Some(8));
}

#[test]
fn a_data_directory_replaces_the_models_it_has_and_keeps_the_others() {
    let scratch = Scratch::new("replace");
    scratch.write(
        "data/crm.tag.json",
        &json!([{"id": 3, "name": "Fleet", "color": 2}, {"id": 9, "name": "Leasing", "color": 0}]),
    );
    let data = load_source(&DataSource {
        version: Some(17),
        schema: None,
        data: Some(scratch.0.join("data")),
    })
    .expect("loads");
    assert_eq!(data.version, 17);
    let db = Database::from_dataset(&data, "mine", vec![]);
    let tags = call(
        &db,
        2,
        "crm.tag",
        "search_read",
        json!([[]]),
        json!({"fields": ["name"], "order": "id"}),
    );
    assert_eq!(
        tags,
        json!([{"id": 3, "name": "Fleet"}, {"id": 9, "name": "Leasing"}])
    );
    // The next id follows the user's records, not the demo's sequence.
    let id = call(
        &db,
        2,
        "crm.tag",
        "create",
        json!([{"name": "New"}]),
        json!({}),
    )
    .as_i64();
    assert_eq!(id, Some(10));
    // Models without a file keep the demo data of the version.
    assert_eq!(
        call(&db, 2, "sale.order", "search_count", json!([[]]), json!({})),
        json!(26)
    );
}

#[test]
fn a_source_is_parsed_once_and_again_when_a_file_changes() {
    let scratch = Scratch::new("cache");
    let schema = scratch.write("odoo_schema.json", &user_schema(18));
    let records = scratch.write("data/x_fleet.vehicle.json", &user_records());
    let src = source(&schema, &scratch.0.join("data"));
    let first = load_source(&src).expect("loads");
    assert!(Arc::ptr_eq(&first, &load_source(&src).expect("loads")));
    let mut fewer = user_records();
    if let Some(rows) = fewer.as_array_mut() {
        rows.truncate(1);
    }
    std::fs::write(&records, serde_json::to_string(&fewer).expect("json")).expect("write");
    let second = load_source(&src).expect("loads");
    assert!(!Arc::ptr_eq(&first, &second));
    assert_eq!(second.store.ids("x_fleet.vehicle"), vec![1]);
}

fn error(src: &DataSource) -> String {
    match load_source(src) {
        Ok(_) => panic!("loaded {src:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn malformed_files_are_named_with_the_place() {
    let scratch = Scratch::new("errors");
    let schema = scratch.write("odoo_schema.json", &user_schema(18));
    let data = scratch.0.join("data");
    let d = data.display().to_string();

    // Bad JSON in the schema: the file, line and column.
    let broken = scratch.0.join("broken.json");
    std::fs::write(&broken, "{\"models\": [\n  {\"model\": }\n]}").expect("write");
    let e = error(&DataSource {
        schema: Some(broken.clone()),
        ..DataSource::default()
    });
    assert!(
        e.starts_with(&format!(
            "odoo-mock data file {}, at line 2 column 13:",
            broken.display()
        )),
        "{e}"
    );

    // A field that is not an object with a name.
    let odd = scratch.write(
        "odd.json",
        &json!({"models": [{"model": "x", "fields": [1]}]}),
    );
    let e = error(&DataSource {
        schema: Some(odd.clone()),
        ..DataSource::default()
    });
    assert!(
        e.contains(&format!(
            "{}, at models[0].fields[0]: expected an object with a name",
            odd.display()
        )),
        "{e}"
    );

    // A table of a model the schema lacks.
    scratch.write("data/x_boat.json", &json!([{"id": 1}]));
    let e = error(&source(&schema, &data));
    assert_eq!(
        e,
        format!(
            "odoo-mock data file {d}/x_boat.json, at file name: the schema {} has no model x_boat (a table is named <model>.json)",
            schema.display()
        )
    );
    std::fs::remove_file(data.join("x_boat.json")).expect("rm");

    // An unknown field, then values of the wrong type.
    let mut rows = user_records();
    rows[1]["x_colour"] = json!("red");
    scratch.write("data/x_fleet.vehicle.json", &rows);
    let e = error(&source(&schema, &data));
    assert_eq!(
        e,
        format!(
            "odoo-mock data file {d}/x_fleet.vehicle.json, at [1].x_colour: x_fleet.vehicle has no field x_colour in the schema {}",
            schema.display()
        )
    );
    for (field, value, expected) in [
        (
            "x_seats",
            json!("three"),
            "x_fleet.vehicle.x_seats is an integer field: expected an integer, got \"three\"",
        ),
        (
            "x_driver_id",
            json!("Deco Addict"),
            "x_fleet.vehicle.x_driver_id is a many2one field: expected false, an id or [id, display name], got \"Deco Addict\"",
        ),
        (
            "x_tag_ids",
            json!([1, "two"]),
            "x_fleet.vehicle.x_tag_ids is a many2many field: expected a list of ids, got [1,\"two\"]",
        ),
        (
            "x_active",
            json!(1),
            "x_fleet.vehicle.x_active is a boolean field: expected true or false, got 1",
        ),
    ] {
        let mut rows = user_records();
        rows[2][field] = value;
        scratch.write("data/x_fleet.vehicle.json", &rows);
        let e = error(&source(&schema, &data));
        assert_eq!(
            e,
            format!("odoo-mock data file {d}/x_fleet.vehicle.json, at [2].{field}: {expected}")
        );
    }
    scratch.write(
        "data/res.partner.json",
        &json!([{"id": 1, "name": "X", "x_loyalty_level": "platinum"}]),
    );
    let e = error(&source(&schema, &data));
    assert!(
        e.ends_with("at [0].x_loyalty_level: res.partner.x_loyalty_level is a selection field: expected one of \"bronze\", \"gold\" or false, got \"platinum\""),
        "{e}"
    );
    std::fs::remove_file(data.join("res.partner.json")).expect("rm");
    scratch.write("data/x_fleet.vehicle.json", &json!({"id": 1}));
    let e = error(&source(&schema, &data));
    assert!(
        e.ends_with("x_fleet.vehicle.json, at top level: expected an array of records"),
        "{e}"
    );
    scratch.write("data/x_fleet.vehicle.json", &json!([{"x_name": "no id"}]));
    let e = error(&source(&schema, &data));
    assert!(e.ends_with("x_fleet.vehicle.json, at top level[0]: expected a record (an object with an integer id)"), "{e}");

    // Missing files, an empty directory.
    let missing = scratch.0.join("nope.json");
    let e = error(&DataSource {
        schema: Some(missing.clone()),
        ..DataSource::default()
    });
    assert!(
        e.starts_with(&format!("odoo-mock cannot read {}: ", missing.display())),
        "{e}"
    );
    let empty = scratch.0.join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let e = error(&DataSource {
        data: Some(empty.clone()),
        ..DataSource::default()
    });
    assert!(
        e.starts_with(&format!(
            "odoo-mock data file {}, at directory: no <model>.json table",
            empty.display()
        )),
        "{e}"
    );

    // Versions: asked vs dumped, and one odoo-mock does not imitate.
    let e = error(&DataSource {
        version: Some(17),
        schema: Some(schema.clone()),
        data: None,
    });
    assert!(e.ends_with("at server_version_info: the schema was dumped from Odoo 18, but the server was asked to imitate Odoo 17"), "{e}");
    let mut old = user_schema(18);
    old["server_version_info"] = json!([15, 0, 0, "final", 0, ""]);
    let old = scratch.write("old.json", &old);
    let e = error(&DataSource {
        schema: Some(old),
        ..DataSource::default()
    });
    assert!(
        e.ends_with(
            "at server_version_info: Odoo 15 is not a version odoo-mock imitates (16, 17, 18, 19)"
        ),
        "{e}"
    );
    assert!(matches!(
        load_source(&DataSource {
            version: Some(12),
            ..DataSource::default()
        }),
        Err(DataError::UnsupportedVersion(12))
    ));
}

#[tokio::test]
async fn the_builder_serves_them_over_http_and_refuses_a_bad_file() {
    let scratch = Scratch::new("http");
    let schema = scratch.write("odoo_schema.json", &user_schema(19));
    scratch.write("data/x_fleet.vehicle.json", &user_records());
    let server = MockServer::builder()
        .schema(&schema)
        .data(scratch.0.join("data"))
        .method("x_fleet.vehicle", "action_service", |call| {
            Ok(json!({"serviced": call.ids, "by": call.login}))
        })
        .start()
        .await
        .expect("starts");
    assert_eq!(server.odoo_version(), 19);
    let http = reqwest::Client::new();
    let call = |model: &str, method: &str, args: Value| {
        json!({"jsonrpc": "2.0", "id": 1, "method": "call", "params": {
            "service": "object", "method": "execute_kw",
            "args": [server.database(), 2, "admin", model, method, args]}})
    };
    let answer: Value = http
        .post(format!("{}/jsonrpc", server.url()))
        .json(&call(
            "x_fleet.vehicle",
            "search_count",
            json!([[["x_active", "=", true]]]),
        ))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["result"], json!(2));
    let answer: Value = http
        .post(format!("{}/jsonrpc", server.url()))
        .json(&call("x_fleet.vehicle", "action_service", json!([[1, 2]])))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["result"], json!({"serviced": [1, 2], "by": "admin"}));

    let e = MockServer::builder()
        .schema(scratch.0.join("missing.json"))
        .start()
        .await
        .expect_err("a missing schema file");
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(e.to_string().contains("missing.json"), "{e}");
}

#[test]
fn the_binary_takes_schema_and_data_and_names_a_bad_file() {
    let scratch = Scratch::new("cli");
    let schema = scratch.write("odoo_schema.json", &user_schema(18));
    let mut rows = user_records();
    rows[0]["x_seats"] = json!(2.5);
    scratch.write("data/x_fleet.vehicle.json", &rows);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_odoo-mock"))
        .args(["--port", "0", "--schema"])
        .arg(&schema)
        .arg("--data")
        .arg(scratch.0.join("data"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("x_fleet.vehicle.json, at [0].x_seats: x_fleet.vehicle.x_seats is an integer field: expected an integer, got 2.5"),
        "{stderr}"
    );
}

/// A user's own `res.groups`: the group xml ids follow their groups by name.
#[test]
fn group_xml_ids_follow_a_users_own_groups() {
    let scratch = Scratch::new("groups");
    let embedded = data::dataset(18).expect("embedded dataset");
    let user = embedded
        .store
        .ref_id("res.groups", "base.group_user")
        .expect("group_user");
    let rows: Vec<Value> = embedded.store.tables["res.groups"]
        .records
        .values()
        .map(|r| json!({"id": r["id"].as_i64().unwrap_or(0) + 1000, "name": r["name"], "full_name": r.get("full_name").cloned().unwrap_or(Value::Bool(false))}))
        .collect();
    scratch.write("data/res.groups.json", &Value::Array(rows));
    let data = load_source(&DataSource {
        version: Some(18),
        schema: None,
        data: Some(scratch.0.join("data")),
    })
    .expect("loads");
    assert_eq!(
        data.store.ref_id("res.groups", "base.group_user"),
        Some(user + 1000)
    );
}
