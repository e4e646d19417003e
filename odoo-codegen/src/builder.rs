//! The build-script door, in the manner of prost-build: a schema file in,
//! code into `OUT_DIR`.

use std::path::{Path, PathBuf};

use crate::config::{BinaryAs, Options, Relations};
use crate::error::Error;
use crate::schema::{FieldGroups, Schema};

/// Generate models from a schema file in a build script.
///
/// The schema file is the lockfile: it is checked in, so building needs no
/// server (as sqlx's offline data). `compile` writes one file per model in
/// `OUT_DIR/odoo_models/` and `OUT_DIR/odoo_models.rs`, which includes
/// them all; it tells cargo to run the build script again when the schema
/// file changes, and writes a file only when its content changed, so cargo
/// does not rebuild for nothing.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), odoo_codegen::Error> {
///     odoo_codegen::Builder::new()
///         .schema("odoo_schema.json")
///         .models(["sale.order", "sale.order.line", "res.partner"])
///         .skip_binary(true)
///         .compile()?;
///     Ok(())
/// }
/// ```
///
/// and in the crate:
///
/// ```text
/// pub mod models {
///     odoo::include_models!(); // include!(concat!(env!("OUT_DIR"), "/odoo_models.rs"))
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Builder {
    schema: Option<PathBuf>,
    field_groups: Option<PathBuf>,
    options: Options,
    out_dir: Option<PathBuf>,
}

/// The common case: every model of the schema file at `schema`, into
/// `OUT_DIR`. See [`Builder`].
///
/// # Errors
///
/// As [`Builder::compile`].
pub fn compile(schema: impl AsRef<Path>) -> Result<PathBuf, Error> {
    Builder::new().schema(schema.as_ref()).compile()
}

impl Builder {
    /// No schema yet; every model, every field.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// The schema file (made by `odoo-codegen dump`), relative to the
    /// package root (where build.rs runs).
    pub fn schema(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.schema = Some(path.into());
        self
    }

    /// A field-groups file (see [`FieldGroups`](crate::schema::FieldGroups))
    /// to merge into the schema: fields only some users may read are then
    /// `Option`s, and their docs name the groups.
    pub fn field_groups(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.field_groups = Some(path.into());
        self
    }

    /// See [`Options::with_binary_as`].
    pub fn binary_as(
        &mut self,
        model: impl Into<String>,
        field: impl Into<String>,
        binary_as: BinaryAs,
    ) -> &mut Self {
        self.options = self.options.clone().with_binary_as(model, field, binary_as);
        self
    }

    /// Replace every generation setting at once.
    pub fn options(&mut self, options: Options) -> &mut Self {
        self.options = options;
        self
    }

    /// Only these models; see [`Options::with_models`].
    pub fn models<I, S>(&mut self, models: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options = self.options.clone().with_models(models);
        self
    }

    /// See [`Options::with_relations`].
    pub fn relations(&mut self, relations: Relations) -> &mut Self {
        self.options = self.options.clone().with_relations(relations);
        self
    }

    /// See [`Options::with_fields`].
    pub fn fields<I, S>(&mut self, model: impl Into<String>, fields: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options = self.options.clone().with_fields(model, fields);
        self
    }

    /// See [`Options::with_decimal_monetary`].
    pub fn decimal_monetary(&mut self, on: bool) -> &mut Self {
        self.options = self.options.clone().with_decimal_monetary(on);
        self
    }

    /// See [`Options::with_skip_binary`].
    pub fn skip_binary(&mut self, skip: bool) -> &mut Self {
        self.options = self.options.clone().with_skip_binary(skip);
        self
    }

    /// See [`Options::with_skip_non_stored`].
    pub fn skip_non_stored(&mut self, skip: bool) -> &mut Self {
        self.options = self.options.clone().with_skip_non_stored(skip);
        self
    }

    /// See [`Options::with_skip_computed`].
    pub fn skip_computed(&mut self, skip: bool) -> &mut Self {
        self.options = self.options.clone().with_skip_computed(skip);
        self
    }

    /// See [`Options::with_extra_derives`].
    pub fn extra_derives<I, S>(&mut self, derives: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options = self.options.clone().with_extra_derives(derives);
        self
    }

    /// See [`Options::with_visibility`].
    pub fn visibility(&mut self, visibility: impl Into<String>) -> &mut Self {
        self.options = self.options.clone().with_visibility(visibility);
        self
    }

    /// The name of the include file and directory (default `odoo_models`).
    pub fn module_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.options = self.options.clone().with_module_name(name);
        self
    }

    /// Write here instead of `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Read the schema, generate, write; returns the include file's path.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] without a schema file or `OUT_DIR`; the errors of
    /// [`Schema::from_path`], [`FieldGroups::from_path`],
    /// [`Schema::merge_field_groups`] and [`generate`](crate::generate);
    /// [`Error::Write`] when a file cannot be written.
    pub fn compile(&self) -> Result<PathBuf, Error> {
        let Some(schema_path) = &self.schema else {
            return Err(Error::Config(
                "no schema file: call .schema(\"odoo_schema.json\") (make one with `odoo-codegen dump -o odoo_schema.json`)".to_owned(),
            ));
        };
        let module = self.options.module_name.clone();
        if module.is_empty()
            || !module
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(Error::Config(format!(
                "the module name {module:?} must be letters, digits and _ (it names a file and a directory)"
            )));
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => match std::env::var_os("OUT_DIR") {
                Some(dir) => PathBuf::from(dir),
                None => {
                    return Err(Error::Config(
                        "OUT_DIR is not set: call Builder::compile from a build script, or set .out_dir(...)".to_owned(),
                    ));
                }
            },
        };
        if std::env::var_os("CARGO").is_some() {
            println!("cargo:rerun-if-changed={}", schema_path.display());
            if let Some(groups) = &self.field_groups {
                println!("cargo:rerun-if-changed={}", groups.display());
            }
        }
        let mut schema = Schema::from_path(schema_path)?;
        if let Some(groups) = &self.field_groups {
            schema.merge_field_groups(&FieldGroups::from_path(groups)?)?;
        }
        let (files, include, _mod) = crate::generate_all(&schema, &self.options)?;
        let dir = out_dir.join(&module);
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        for file in &files {
            write_if_changed(&dir.join(&file.name), &file.content)?;
        }
        remove_stale(&dir, &files)?;
        let include_path = out_dir.join(format!("{module}.rs"));
        write_if_changed(&include_path, &include)?;
        Ok(include_path)
    }
}

/// Write `content` unless the file already holds it, so its mtime (and
/// cargo's rebuild decision) moves only on a real change.
pub(crate) fn write_if_changed(path: &Path, content: &str) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(false);
    }
    std::fs::write(path, content).map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })?;
    Ok(true)
}

/// Remove `.rs` files of models no longer generated.
fn remove_stale(dir: &Path, files: &[crate::OutputFile]) -> Result<(), Error> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") && !files.iter().any(|f| f.name == name) {
            std::fs::remove_file(entry.path()).map_err(|source| Error::Write {
                path: entry.path(),
                source,
            })?;
        }
    }
    Ok(())
}
