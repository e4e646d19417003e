//! The derive's own small AST: what the struct says, with the original syn
//! nodes kept for spans.

use proc_macro2::Span;

use crate::attr;
use crate::ctxt::Ctxt;

/// A `#[derive(Model)]` struct.
pub struct Model<'a> {
    pub ident: &'a syn::Ident,
    pub attrs: attr::Container,
    pub fields: Vec<Field<'a>>,
    pub original: &'a syn::DeriveInput,
}

/// One named field.
pub struct Field<'a> {
    pub ident: &'a syn::Ident,
    pub ty: &'a syn::Type,
    pub attrs: attr::Field,
    /// The Odoo name: `#[odoo(name)]` or the Rust name without `r#`.
    pub odoo_name: String,
    /// Where the Odoo name comes from (the attribute, else the ident).
    pub name_span: Span,
}

impl<'a> Model<'a> {
    /// Parse; `None` when the input is not a struct with named fields (the
    /// error is in `cx`).
    pub fn from_ast(cx: &Ctxt, input: &'a syn::DeriveInput) -> Option<Model<'a>> {
        let attrs = attr::Container::from_attrs(cx, &input.attrs);
        if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
            cx.error_spanned_by(
                &input.generics,
                "#[derive(Model)] does not support generics: a model struct mirrors one concrete Odoo model",
            );
        }
        let fields = match &input.data {
            syn::Data::Struct(data) => match &data.fields {
                syn::Fields::Named(named) => named
                    .named
                    .iter()
                    .filter_map(|f| Field::from_ast(cx, f))
                    .collect(),
                syn::Fields::Unnamed(_) => {
                    cx.error_spanned_by(
                        &data.fields,
                        "#[derive(Model)] needs named fields: a tuple struct has no field names to map to Odoo's",
                    );
                    return None;
                }
                syn::Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        "#[derive(Model)] needs named fields: a unit struct reads nothing",
                    );
                    return None;
                }
            },
            syn::Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    "#[derive(Model)] works on structs only; for a selection field use #[derive(odoo::Selection)]",
                );
                return None;
            }
            syn::Data::Union(data) => {
                cx.error_spanned_by(data.union_token, "#[derive(Model)] works on structs only");
                return None;
            }
        };
        Some(Model {
            ident: &input.ident,
            attrs,
            fields,
            original: input,
        })
    }
}

impl<'a> Field<'a> {
    fn from_ast(cx: &Ctxt, field: &'a syn::Field) -> Option<Field<'a>> {
        let ident = field.ident.as_ref()?;
        let attrs = attr::Field::from_attrs(cx, &field.attrs);
        let (odoo_name, name_span) = match &attrs.name {
            Some(name) => (name.value.clone(), name.span),
            None => (unraw(ident), ident.span()),
        };
        Some(Field {
            ident,
            ty: &field.ty,
            attrs,
            odoo_name,
            name_span,
        })
    }
}

/// The identifier's text without `r#`.
pub fn unraw(ident: &syn::Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#").map(str::to_owned).unwrap_or(text)
}
