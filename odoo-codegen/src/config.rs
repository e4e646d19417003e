//! What to generate: [`Options`].

use std::collections::{BTreeMap, BTreeSet};

/// How a relation to a model outside the chosen set is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Relations {
    /// Keep the set as chosen; a relation to a model outside it is an
    /// untyped id: `Many2one` for a many2one, `Vec<i64>` for an x2many.
    #[default]
    PlainIds,
    /// Add every model the chosen ones point to, and theirs, and so on, so
    /// that every relation is typed (`Ref<ResPartner>`, `Refs<...>`).
    Closure,
}

/// The Rust type of a binary field, chosen by hand with
/// [`Options::with_binary_as`] when the generator's rule is wrong for it.
///
/// The rule: a stored binary is file content ([`BinaryAs::Binary`]); a
/// related one takes its target's type; a non-stored computed one is
/// [`BinaryAs::Json`] unless its name says it holds a file or an image
/// (`image`, `avatar`, `logo`, `icon`, `datas`, `raw`, `file`,
/// `attachment`, ...). See the crate's README for the whole rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BinaryAs {
    /// `odoo::Binary`: base64 text on the wire, bytes in Rust (images,
    /// attachments, files).
    Binary,
    /// `odoo::Json`: any JSON (`tax_totals` and the other computed
    /// "binary" fields that carry a JSON object or list). Base64 text
    /// decodes too, as a JSON string.
    Json,
}

/// The settings of [`generate`](crate::generate). Start from
/// [`Options::new`] (every model, every field) and narrow it with the
/// `with_*` methods.
///
/// ```
/// use odoo_codegen::{Options, Relations};
/// let options = Options::new()
///     .with_models(["sale.order", "res.partner"])
///     .with_relations(Relations::PlainIds)
///     .with_skip_binary(true)
///     .with_extra_derives(["PartialEq"]);
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Options {
    pub(crate) models: Option<BTreeSet<String>>,
    pub(crate) relations: Relations,
    pub(crate) skip_non_stored: bool,
    pub(crate) skip_computed: bool,
    pub(crate) skip_binary: bool,
    pub(crate) fields: BTreeMap<String, BTreeSet<String>>,
    pub(crate) extra_derives: Vec<String>,
    pub(crate) visibility: String,
    pub(crate) module_name: String,
    pub(crate) crate_path: String,
    pub(crate) decimal_monetary: bool,
    pub(crate) binary_as: BTreeMap<(String, String), BinaryAs>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            models: None,
            relations: Relations::PlainIds,
            skip_non_stored: false,
            skip_computed: false,
            skip_binary: false,
            fields: BTreeMap::new(),
            extra_derives: Vec::new(),
            visibility: "pub".to_owned(),
            module_name: "odoo_models".to_owned(),
            crate_path: "::odoo".to_owned(),
            decimal_monetary: false,
            binary_as: BTreeMap::new(),
        }
    }
}

impl Options {
    /// Every model of the schema, every field, `pub` items, the `::odoo`
    /// runtime.
    pub fn new() -> Self {
        Options::default()
    }

    /// Monetary fields as `odoo::Decimal` (`rust_decimal::Decimal`) instead
    /// of `f64`: exact amounts. The generated code then needs the `odoo`
    /// crate's `rust_decimal` feature.
    pub fn with_decimal_monetary(mut self, on: bool) -> Self {
        self.decimal_monetary = on;
        self
    }

    /// Generate the binary field `model.field` as `odoo::Binary` or
    /// `odoo::Json`, whatever the rule says (see [`BinaryAs`]). Related
    /// fields that point at it follow.
    ///
    /// ```
    /// use odoo_codegen::{BinaryAs, Options};
    /// let options = Options::new()
    ///     .with_binary_as("account.move", "tax_totals", BinaryAs::Json)
    ///     .with_binary_as("ir.profile", "speedscope", BinaryAs::Binary);
    /// # let _ = options;
    /// ```
    ///
    /// [`generate`](crate::generate) fails with [`Error::Config`](crate::Error::Config)
    /// when the schema has no such field or it is not a binary field.
    pub fn with_binary_as(
        mut self,
        model: impl Into<String>,
        field: impl Into<String>,
        binary_as: BinaryAs,
    ) -> Self {
        self.binary_as
            .insert((model.into(), field.into()), binary_as);
        self
    }

    /// Only these models (technical names, e.g. `sale.order`); with
    /// [`Relations::Closure`] also those they point to.
    pub fn with_models<I, S>(mut self, models: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.models = Some(models.into_iter().map(Into::into).collect());
        self
    }

    /// How relations to models outside the set are typed (default
    /// [`Relations::PlainIds`]).
    pub fn with_relations(mut self, relations: Relations) -> Self {
        self.relations = relations;
        self
    }

    /// Leave out fields that are not stored in the database.
    pub fn with_skip_non_stored(mut self, skip: bool) -> Self {
        self.skip_non_stored = skip;
        self
    }

    /// Leave out computed and related fields (stored or not).
    pub fn with_skip_computed(mut self, skip: bool) -> Self {
        self.skip_computed = skip;
        self
    }

    /// Leave out binary fields (images, attachments), which are large to
    /// read.
    pub fn with_skip_binary(mut self, skip: bool) -> Self {
        self.skip_binary = skip;
        self
    }

    /// For `model`, only these fields (after the other filters). A struct
    /// with fewer fields reads fewer fields.
    pub fn with_fields<I, S>(mut self, model: impl Into<String>, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields
            .insert(model.into(), fields.into_iter().map(Into::into).collect());
        self
    }

    /// Derives added to every model struct, e.g. `PartialEq` or
    /// `serde::Serialize` (paths as written in Rust).
    pub fn with_extra_derives<I, S>(mut self, derives: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.extra_derives
            .extend(derives.into_iter().map(Into::into));
        self
    }

    /// The visibility of generated items: `pub` (default), `pub(crate)`, ...
    pub fn with_visibility(mut self, visibility: impl Into<String>) -> Self {
        self.visibility = visibility.into();
        self
    }

    /// The name of the generated module: the directory and include file the
    /// [`Builder`](crate::Builder) writes in `OUT_DIR` (default
    /// `odoo_models`).
    pub fn with_module_name(mut self, name: impl Into<String>) -> Self {
        self.module_name = name.into();
        self
    }

    /// The path of the `odoo` facade crate in generated code (default
    /// `::odoo`), for a crate that renames it.
    pub fn with_crate_path(mut self, path: impl Into<String>) -> Self {
        self.crate_path = path.into();
        self
    }

    /// The module name (see [`Options::with_module_name`]).
    pub fn module_name(&self) -> &str {
        &self.module_name
    }
}
