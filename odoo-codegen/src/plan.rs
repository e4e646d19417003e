//! From a [`Schema`] and [`Options`] to what will be written: which models,
//! their Rust names, each field's Rust name and type, the selection enums.
//! No code text here (that is `emit`).

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{BinaryAs, Options, Relations};
use crate::error::{Error, closest};
use crate::names::{self, Scope};
use crate::schema::{FieldDef, ModelDef, Schema};

/// Everything to generate, in output order (by model name).
pub struct Plan<'s> {
    pub models: Vec<ModelPlan<'s>>,
}

/// One model: its struct, its fields, its enums.
pub struct ModelPlan<'s> {
    pub def: &'s ModelDef,
    pub type_name: String,
    pub module: String,
    pub fields: Vec<FieldPlan<'s>>,
    pub enums: Vec<EnumPlan<'s>>,
}

/// One struct field.
pub struct FieldPlan<'s> {
    pub def: &'s FieldDef,
    /// The Rust identifier (`r#type` when raw).
    pub ident: String,
    pub ty: RustType,
    pub optional: bool,
    pub readonly: bool,
    /// For a binary field: why it is `Binary` or `Json`.
    pub binary_rule: Option<BinaryRule>,
    /// The groups that may read it (empty: everyone).
    pub groups: Vec<String>,
}

/// Why a binary field is `odoo::Binary` or `odoo::Json`.
#[derive(Debug, Clone, PartialEq)]
pub enum BinaryRule {
    /// Stored: Odoo stores only files and images in binary columns.
    Stored,
    /// Not stored, and its name says it is a file or an image.
    FileName,
    /// Not stored, computed, and not named as a file: computed binaries
    /// that are not files carry JSON.
    ComputedJson,
    /// Related: the type of its target, `model.field`.
    Related(String),
    /// Chosen with `Options::with_binary_as`.
    Chosen,
}

/// Words that, as a part of a non-stored binary field's name (split on
/// `_`, digits and a plural `s` dropped), mark it as a file or an image.
const FILE_WORDS: &[&str] = &[
    "image",
    "avatar",
    "logo",
    "icon",
    "favicon",
    "thumbnail",
    "photo",
    "picture",
    "datas",
    "raw",
    "file",
    "attachment",
    "pdf",
    "signature",
];

/// Whether a field name says the field holds a file or an image:
/// `image_128`, `avatar_1920`, `preview_logo`, `db_datas`, `raw`,
/// `invoice_pdf_report_file`, but not `tax_totals` or `views`.
pub fn is_file_name(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .any(|w| {
            FILE_WORDS.contains(&w) || w.strip_suffix('s').is_some_and(|w| FILE_WORDS.contains(&w))
        })
}

/// Decides `Binary` or `Json` for binary fields, over the whole schema
/// (a related field follows its target, in whatever model).
struct Binaries<'s, 'o> {
    models: BTreeMap<&'s str, &'s ModelDef>,
    chosen: &'o BTreeMap<(String, String), BinaryAs>,
}

impl<'s> Binaries<'s, '_> {
    fn decide(&self, model: &str, field: &FieldDef, depth: usize) -> (BinaryAs, BinaryRule) {
        if let Some(chosen) = self.chosen.get(&(model.to_owned(), field.name.clone())) {
            return (*chosen, BinaryRule::Chosen);
        }
        if field.store {
            return (BinaryAs::Binary, BinaryRule::Stored);
        }
        if let Some(path) = field.related.as_deref() {
            if let Some((target_model, target)) = self.follow(model, path) {
                if target.ttype == "binary" && depth < 16 {
                    let (as_, _) = self.decide(target_model, target, depth + 1);
                    return (
                        as_,
                        BinaryRule::Related(format!("{target_model}.{}", target.name)),
                    );
                }
            }
            // A path this schema cannot follow: judge the target by name.
            let last = path.rsplit('.').next().unwrap_or(path);
            return by_name(last);
        }
        by_name(&field.name)
    }

    /// The model and field at the end of a related path.
    fn follow(&self, model: &'s str, path: &str) -> Option<(&'s str, &'s FieldDef)> {
        let mut current = *self.models.get(model)?;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            let field = current.field(part)?;
            if parts.peek().is_none() {
                return Some((current.model.as_str(), field));
            }
            current = self.models.get(field.relation.as_deref()?)?;
        }
        None
    }
}

fn by_name(name: &str) -> (BinaryAs, BinaryRule) {
    if is_file_name(name) {
        (BinaryAs::Binary, BinaryRule::FileName)
    } else {
        (BinaryAs::Json, BinaryRule::ComputedJson)
    }
}

/// The Rust type of a field, before `Option`.
#[derive(Debug, Clone, PartialEq)]
pub enum RustType {
    Bool,
    I64,
    F64,
    /// An exact amount (`rust_decimal`), for monetary fields on request.
    Decimal,
    String,
    Date,
    DateTime,
    Binary,
    Json,
    Many2one,
    Ids,
    /// A typed many2one: the target's struct name.
    Ref(String),
    /// A typed x2many: the target's struct name.
    Refs(String),
    /// A selection enum of this model: the enum's name.
    Enum(String),
}

/// A selection field's enum.
pub struct EnumPlan<'s> {
    pub name: String,
    pub field: &'s FieldDef,
    pub variants: Vec<VariantPlan<'s>>,
}

/// One value of a selection.
pub struct VariantPlan<'s> {
    pub ident: String,
    pub value: &'s str,
    pub label: &'s str,
}

/// The models chosen by `options`: the named ones (or all), closed over
/// relations when asked.
fn chosen_models<'s>(
    schema: &'s Schema,
    options: &Options,
) -> Result<BTreeMap<&'s str, &'s ModelDef>, Error> {
    let by_name: BTreeMap<&str, &ModelDef> = schema
        .models
        .iter()
        .map(|m| (m.model.as_str(), m))
        .collect();
    let Some(wanted) = &options.models else {
        return Ok(by_name);
    };
    let missing: Vec<String> = wanted
        .iter()
        .filter(|m| !by_name.contains_key(m.as_str()))
        .cloned()
        .collect();
    if !missing.is_empty() {
        let suggestions = missing
            .iter()
            .map(|m| closest(m, by_name.keys().copied()))
            .collect();
        return Err(Error::UnknownModels {
            models: missing,
            suggestions,
            from_server: false,
        });
    }
    let mut chosen: BTreeMap<&str, &ModelDef> = BTreeMap::new();
    let mut todo: Vec<&str> = wanted.iter().map(String::as_str).collect();
    while let Some(name) = todo.pop() {
        let Some(model) = by_name.get(name) else {
            continue;
        };
        if chosen.insert(&model.model, model).is_some() {
            continue;
        }
        if options.relations == Relations::Closure {
            for field in kept_fields(model, options) {
                if let Some(target) = &field.relation
                    && is_relational(&field.ttype)
                    && !chosen.contains_key(target.as_str())
                {
                    todo.push(target);
                }
            }
        }
    }
    Ok(chosen)
}

fn is_relational(ttype: &str) -> bool {
    matches!(ttype, "many2one" | "one2many" | "many2many")
}

/// The fields of `model` that pass the filters, in name order. `id` never:
/// the `Record` holding a value has it.
fn kept_fields<'s, 'o>(
    model: &'s ModelDef,
    options: &'o Options,
) -> impl Iterator<Item = &'s FieldDef> + use<'s, 'o> {
    let only = options.fields.get(&model.model);
    model.fields.iter().filter(move |f| {
        f.name != "id"
            && (f.store || !options.skip_non_stored)
            && !(options.skip_computed && f.is_computed())
            && !(options.skip_binary && f.ttype == "binary")
            && only.is_none_or(|only| only.contains(&f.name))
    })
}

/// Every `with_binary_as` names a binary field of the schema.
fn check_binary_choices(schema: &Schema, options: &Options) -> Result<(), Error> {
    for (model, field) in options.binary_as.keys() {
        let Some(def) = schema.model(model) else {
            let known = schema.models.iter().map(|m| m.model.as_str());
            return Err(Error::Config(format!(
                "with_binary_as names the model {model}, which the schema does not have{}; check the technical name (e.g. account.move)",
                closest(model, known).map_or_else(String::new, |c| format!(" (did you mean {c}?)"))
            )));
        };
        match def.field(field) {
            None => {
                let known = def.fields.iter().map(|f| f.name.as_str());
                return Err(Error::Config(format!(
                    "with_binary_as names {model}.{field}, but {model} has no field {field}{}",
                    closest(field, known)
                        .map_or_else(String::new, |c| format!(" (did you mean {c}?)"))
                )));
            }
            Some(f) if f.ttype != "binary" => {
                return Err(Error::Config(format!(
                    "with_binary_as names {model}.{field}, a {} field; it chooses between Binary and Json for binary fields only",
                    f.ttype
                )));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Decide every name and type.
pub fn plan<'s>(schema: &'s Schema, options: &Options) -> Result<Plan<'s>, Error> {
    let chosen = chosen_models(schema, options)?;
    check_binary_choices(schema, options)?;
    let binaries = Binaries {
        models: schema
            .models
            .iter()
            .map(|m| (m.model.as_str(), m))
            .collect(),
        chosen: &options.binary_as,
    };
    for model in options.fields.keys() {
        if schema.model(model).is_none() {
            let known = schema.models.iter().map(|m| m.model.as_str());
            return Err(Error::Config(format!(
                "the field filter names the model {model}, which the schema does not have{}; check the technical name (e.g. sale.order)",
                closest(model, known).map_or_else(String::new, |c| format!(" (did you mean {c}?)"))
            )));
        }
    }
    for (model, fields) in &options.fields {
        if let Some(def) = chosen.get(model.as_str()) {
            let unknown: Vec<&str> = fields
                .iter()
                .filter(|f| def.field(f).is_none())
                .map(String::as_str)
                .collect();
            if !unknown.is_empty() {
                return Err(Error::Config(format!(
                    "{model} has no field{} {}; check the names in the field filter (technical names, e.g. partner_id)",
                    if unknown.len() == 1 { "" } else { "s" },
                    unknown.join(", ")
                )));
            }
        }
    }

    // Type names share one namespace (the module re-exports every file's
    // items): model structs first, in name order, then the enums.
    let mut types = Scope::default();
    let mut modules = Scope::with_reserved(["mod"]);
    let mut type_names: BTreeMap<&str, String> = BTreeMap::new();
    let mut module_names: BTreeMap<&str, String> = BTreeMap::new();
    for name in chosen.keys() {
        type_names.insert(name, types.claim(&names::type_name(name)));
        module_names.insert(name, modules.claim(&names::module_name(name)));
    }

    let mut models = Vec::with_capacity(chosen.len());
    for (name, def) in &chosen {
        let type_name = type_names[name].clone();
        let mut seen = BTreeSet::new();
        let mut kept: Vec<&FieldDef> = kept_fields(def, options)
            .filter(|f| seen.insert(f.name.as_str()))
            .collect();
        // Output order is name order, whatever the schema's.
        kept.sort_by(|a, b| a.name.cmp(&b.name));
        // A field whose Odoo name is already a Rust name keeps it; the
        // others (`fooBar`, `type`) are numbered around them.
        let mut field_scope = Scope::default();
        let mut idents: BTreeMap<&str, String> = BTreeMap::new();
        for exact in [true, false] {
            for field in &kept {
                let wanted = names::field_name(&field.name);
                if (wanted == field.name) == exact {
                    idents.insert(&field.name, field_scope.claim(&wanted));
                }
            }
        }
        let mut fields = Vec::new();
        let mut enums = Vec::new();
        for field in kept {
            let ident = idents.remove(field.name.as_str()).unwrap_or_default();
            let target = field
                .relation
                .as_deref()
                .and_then(|t| type_names.get(t))
                .cloned();
            let mut binary_rule = None;
            let (ty, optional) = match field.ttype.as_str() {
                "boolean" => (RustType::Bool, false),
                // Odoo reads an empty number as 0, never false.
                "integer" | "many2one_reference" => (RustType::I64, false),
                "monetary" if options.decimal_monetary => (RustType::Decimal, false),
                "float" | "monetary" => (RustType::F64, false),
                "char" | "text" | "html" | "reference" => (RustType::String, !field.required),
                "date" => (RustType::Date, !field.required),
                "datetime" => (RustType::DateTime, !field.required),
                "binary" => {
                    let (as_, rule) = binaries.decide(name, field, 0);
                    binary_rule = Some(rule);
                    match as_ {
                        BinaryAs::Binary => (RustType::Binary, !field.required),
                        BinaryAs::Json => (RustType::Json, !field.required),
                    }
                }
                "many2one" => match target {
                    Some(t) => (RustType::Ref(t), !field.required),
                    None => (RustType::Many2one, !field.required),
                },
                "one2many" | "many2many" => match target {
                    Some(t) => (RustType::Refs(t), false),
                    None => (RustType::Ids, false),
                },
                "selection" => match field.selection.as_deref() {
                    Some(values) if !values.is_empty() => {
                        let wanted = format!("{type_name}{}", names::camel(&field.name, ""));
                        let enum_name = if types.is_taken(&wanted) {
                            types.claim(&format!("{wanted}Selection"))
                        } else {
                            types.claim(&wanted)
                        };
                        enums.push(enum_plan(enum_name.clone(), field));
                        (RustType::Enum(enum_name), !field.required)
                    }
                    // A selection computed by code has no values in
                    // ir.model.fields.selection: its keys are text.
                    _ => (RustType::String, !field.required),
                },
                // json, properties, properties_definition and types this
                // crate does not know yet.
                _ => (RustType::Json, !field.required),
            };
            // A field some users may not read is an `Option` whatever its
            // type: for them it reads as None (the SDK leaves it out of the
            // read), where a bare `f64` or a required `String` would make
            // the whole struct fail for them.
            let groups = field.group_names();
            let optional = optional || !groups.is_empty();
            fields.push(FieldPlan {
                def: field,
                ident,
                ty,
                optional,
                readonly: field.readonly,
                binary_rule,
                groups,
            });
        }
        models.push(ModelPlan {
            def,
            type_name,
            module: module_names[name].clone(),
            fields,
            enums,
        });
    }
    Ok(Plan { models })
}

fn enum_plan(name: String, field: &FieldDef) -> EnumPlan<'_> {
    let mut scope = Scope::with_reserved(["Unknown", "Self"]);
    let mut values: Vec<_> = field.selection.iter().flatten().collect();
    values.sort_by_key(|v| v.sequence);
    let mut seen = BTreeSet::new();
    let variants = values
        .into_iter()
        .filter(|v| seen.insert(v.value.as_str()))
        .map(|v| {
            let wanted = names::variant_name(&v.value, "Empty");
            let ident = if scope.is_taken(&wanted) {
                scope.claim(&format!("{wanted}Value"))
            } else {
                scope.claim(&wanted)
            };
            VariantPlan {
                ident,
                value: &v.value,
                label: &v.name,
            }
        })
        .collect();
    EnumPlan {
        name,
        field,
        variants,
    }
}

#[cfg(test)]
mod tests {
    use super::is_file_name;

    #[test]
    fn file_names() {
        for name in [
            "image_128",
            "avatar_1920",
            "preview_logo",
            "web_icon_data",
            "db_datas",
            "raw",
            "invoice_pdf_report_file",
            "attachment_datas",
            "x_studio_Photo",
            "thumbnails",
        ] {
            assert!(is_file_name(name), "{name}");
        }
        for name in [
            "tax_totals",
            "views",
            "params",
            "needed_terms",
            "invoice_payments_widget",
            "epd_key",
            "profile_data",
            "speedscope",
        ] {
            assert!(!is_file_name(name), "{name}");
        }
    }
}
