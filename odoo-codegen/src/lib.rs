#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
//!
//! # Features
//!
//! | feature | default | what |
//! |---|---|---|
//! | `introspect` | yes (via `cli`) | [`introspect`] a live server; pulls `odoo-core` |
//! | `cli` | yes | the `odoo-codegen` binary: clap, indicatif, the embedded `odoo-mock` |
//!
//! A build script needs neither: `odoo-codegen = { version = "...",
//! default-features = false }` reads a schema file and generates, with
//! serde, syn and prettyplease only.

mod builder;
mod config;
mod emit;
mod error;
#[cfg(feature = "introspect")]
mod introspect;
mod names;
mod plan;
pub mod schema;

pub use builder::{Builder, compile};
pub use config::{BinaryAs, Options, Relations};
pub use emit::OutputFile;
pub use error::Error;
#[cfg(feature = "introspect")]
pub use introspect::{ModelSelection, Step, introspect, introspect_with_progress};
pub use schema::Schema;

/// Generate the Rust source of the models `options` chooses: one file per
/// model (`sale_order.rs` for `sale.order`) in model order, then `mod.rs`
/// declaring and re-exporting them all.
///
/// No I/O: write the files where you like (the CLI and [`Builder`] do).
/// The same schema and options give the same bytes, whatever the order of
/// models and fields in the schema.
///
/// ```
/// let schema = odoo_codegen::Schema::from_json(r#"{"models": [{
///     "model": "x_book", "name": "Book",
///     "fields": [{"model": "x_book", "name": "x_name", "field_description": "Title",
///                 "ttype": "char", "required": true, "store": true}]
/// }]}"#)?;
/// let files = odoo_codegen::generate(&schema, &odoo_codegen::Options::new())?;
/// assert_eq!(files[0].name, "x_book.rs");
/// assert!(files[0].content.contains("pub struct XBook {"));
/// assert!(files[0].content.contains("pub x_name: String,"));
/// assert_eq!(files[1].name, "mod.rs");
/// # Ok::<(), odoo_codegen::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::UnknownModels`] for a model the schema does not have,
/// [`Error::Config`] for a bad option (an unknown field in a field filter,
/// a visibility that is not Rust).
pub fn generate(schema: &Schema, options: &Options) -> Result<Vec<OutputFile>, Error> {
    let (plan_files, mod_file) = generate_parts(schema, options)?;
    let mut files = plan_files;
    files.push(mod_file);
    Ok(files)
}

/// The model files, and `mod.rs`; the include file is the Builder's.
pub(crate) fn generate_parts(
    schema: &Schema,
    options: &Options,
) -> Result<(Vec<OutputFile>, OutputFile), Error> {
    let (files, _, mod_file) = generate_all(schema, options)?;
    Ok((files, mod_file))
}

/// The model files, the include file for `module_dir`, and `mod.rs`.
pub(crate) fn generate_all(
    schema: &Schema,
    options: &Options,
) -> Result<(Vec<OutputFile>, String, OutputFile), Error> {
    let plan = plan::plan(schema, options)?;
    let emitter = emit::Emitter::new(schema, options)?;
    let files = emit_parallel(&emitter, &plan)?;
    let include = emit::include_file(&emitter.banner, &options.module_name, &plan);
    let mod_file = emit::mod_file(&emitter.banner, &plan);
    Ok((files, include, mod_file))
}

/// Format the model files on every core; the output order is the plan's.
fn emit_parallel(
    emitter: &emit::Emitter<'_>,
    plan: &plan::Plan<'_>,
) -> Result<Vec<OutputFile>, Error> {
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .min(8);
    if threads <= 1 || plan.models.len() < 16 {
        return plan.models.iter().map(|m| emitter.model_file(m)).collect();
    }
    let chunk = plan.models.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = plan
            .models
            .chunks(chunk)
            .map(|models| {
                scope.spawn(move || {
                    models
                        .iter()
                        .map(|m| emitter.model_file(m))
                        .collect::<Result<Vec<_>, Error>>()
                })
            })
            .collect();
        let mut files = Vec::with_capacity(plan.models.len());
        for handle in handles {
            match handle.join() {
                Ok(part) => files.extend(part?),
                Err(_) => {
                    return Err(Error::Internal {
                        model: "(a worker thread)".to_owned(),
                        message: "formatting panicked".to_owned(),
                    });
                }
            }
        }
        Ok(files)
    })
}
