//! Generation from schema files: snapshots, determinism, the whole real
//! schema, the schema file round trip.
use std::path::Path;
use std::time::Instant;

use odoo_codegen::{Options, Relations, Schema, generate};

fn fixture(name: &str) -> Schema {
    Schema::from_path(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture schema loads")
}

fn file<'a>(files: &'a [odoo_codegen::OutputFile], name: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} was generated"))
        .content
}

#[test]
fn scratch() {
    let schema = fixture("custom.json");
    let files = generate(&schema, &Options::new()).unwrap();
    for f in &files {
        println!("=== {}\n{}", f.name, f.content);
    }
    let schema = fixture("odoo18_schema.json");
    let t = Instant::now();
    let files = generate(&schema, &Options::new()).unwrap();
    println!("{} files in {:?}", files.len(), t.elapsed());
    println!("{}", file(&files, "sale_order.rs"));
    let _ = Relations::Closure;
}
