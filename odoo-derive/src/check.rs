//! Rules checked after parsing, each a small function with its reason.

use std::collections::BTreeMap;

use crate::ast::Model;
use crate::ctxt::Ctxt;

pub fn check(cx: &Ctxt, model: &Model<'_>) {
    check_model_attribute(cx, model);
    check_field_names(cx, model);
    check_no_id_field(cx, model);
    check_constant_names(cx, model);
    check_duplicate_odoo_names(cx, model);
    check_field_types(cx, model);
}

/// Every call names the model: without it there is nothing to read. Odoo's
/// model names are lowercase words joined by dots (`sale.order.line`); a
/// typo such as `Sale Order` would only fail at run time.
fn check_model_attribute(cx: &Ctxt, model: &Model<'_>) {
    match &model.attrs.model {
        // Written but malformed: that error is already reported.
        None if model.attrs.model_written => {}
        None => cx.error_spanned_by(
            model.ident,
            "missing #[odoo(model = \"...\")]: which Odoo model does this struct mirror? e.g. #[odoo(model = \"sale.order\")]",
        ),
        Some(name) if !is_model_name(&name.value) => cx.syn_error(syn::Error::new(
            name.span,
            format!(
                "{:?} is not an Odoo model name: lowercase letters, digits and `_`, in words joined by dots, e.g. \"sale.order\"",
                name.value
            ),
        )),
        Some(_) => {}
    }
}

fn is_model_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// A field name goes into domains and `fields` lists verbatim: one that is
/// not an identifier can only be a typo.
fn check_field_names(cx: &Ctxt, model: &Model<'_>) {
    for field in &model.fields {
        if let Some(name) = &field.attrs.name {
            let ok = !name.value.is_empty()
                && !name.value.starts_with(|c: char| c.is_ascii_digit())
                && name
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                cx.syn_error(syn::Error::new(
                    name.span,
                    format!("{:?} is not an Odoo field name", name.value),
                ));
            }
        }
    }
}

/// The id belongs to the `Record` that holds the value (`record.id()`):
/// a second copy in the struct could disagree with it, and `save` could
/// never write it.
fn check_no_id_field(cx: &Ctxt, model: &Model<'_>) {
    for field in &model.fields {
        if field.odoo_name == "id" {
            cx.syn_error(syn::Error::new(
                field.name_span,
                "`id` is not a field of a model struct: the Record<M> holding it has `record.id()`",
            ));
        }
    }
}

/// Each field gets an inherent constant named after it in upper case
/// (`partner_id` gives `PARTNER_ID`); `MODEL` and `FIELDS` would hide the
/// `Model` trait's constants of the same name, silently.
fn check_constant_names(cx: &Ctxt, model: &Model<'_>) {
    for field in &model.fields {
        let rust_name = crate::ast::unraw(field.ident);
        let constant = rust_name.to_uppercase();
        if constant == "MODEL" || constant == "FIELDS" {
            cx.syn_error(syn::Error::new(
                field.ident.span(),
                format!(
                    "a field named `{rust_name}` would hide `Model::{constant}`: give it another Rust name and keep the Odoo one, e.g. #[odoo(name = \"{}\")] {rust_name}_: ...",
                    field.odoo_name
                ),
            ));
        }
    }
}

/// Two Rust fields on one Odoo field would be read twice and written in an
/// order nobody chose.
fn check_duplicate_odoo_names(cx: &Ctxt, model: &Model<'_>) {
    let mut seen: BTreeMap<&str, &syn::Ident> = BTreeMap::new();
    for field in &model.fields {
        if let Some(first) = seen.insert(&field.odoo_name, field.ident) {
            seen.insert(&field.odoo_name, first);
            cx.syn_error(syn::Error::new(
                field.name_span,
                format!(
                    "`{}` and `{}` are both mapped to the Odoo field `{}`",
                    first, field.ident, field.odoo_name
                ),
            ));
        }
    }
}

/// Shapes that can never hold a value read from Odoo, caught here with a
/// clear message; other types meet the `FieldValue` bound, which names
/// the supported ones.
fn check_field_types(cx: &Ctxt, model: &Model<'_>) {
    for field in &model.fields {
        let what = match field.ty {
            syn::Type::Reference(_) => {
                Some("a reference: records own their values; use String, not &str")
            }
            syn::Type::Tuple(t) if t.elems.is_empty() => Some("`()`"),
            syn::Type::Tuple(_) => {
                Some("a tuple: for a many2one use odoo::Many2one or odoo::Ref<M>")
            }
            syn::Type::Array(_) | syn::Type::Slice(_) => {
                Some("an array: for a one2many or many2many use Vec<i64> or odoo::Refs<M>")
            }
            syn::Type::Ptr(_) => Some("a raw pointer"),
            syn::Type::BareFn(_) => Some("a function pointer"),
            syn::Type::ImplTrait(_) | syn::Type::TraitObject(_) => Some("a trait object"),
            syn::Type::Never(_) => Some("`!`"),
            syn::Type::Infer(_) => Some("`_`"),
            _ => None,
        };
        if let Some(what) = what {
            cx.error_spanned_by(field.ty, format!("unsupported field type, {what}"));
        }
    }
}
